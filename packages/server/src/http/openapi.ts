import { ErrorBody } from '@gatehouse/contracts';
import { z } from 'zod';
import type { AnyRoute } from './route.js';

type JsonSchema = Record<string, unknown>;

const toSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

/**
 * OpenAPI 3.1 document generated from the same zod schemas that validate requests and answers, so the document
 * cannot drift from what the server does.
 */
export function buildOpenApiDocument(
  routes: readonly AnyRoute[],
  info: { version: string; serverUrl: string },
  /** Endpoints served outside the route table (probes, metrics, JWKS), documented by hand. */
  extraPaths: Record<string, Record<string, unknown>> = {},
) {
  const paths: Record<string, Record<string, unknown>> = structuredClone(extraPaths);
  for (const route of routes) {
    const path = route.url.replace(/:(\w+)/g, '{$1}');
    const parameters = [...objectParameters(route.params, 'path'), ...objectParameters(route.query, 'query')];
    const formats = route.bodyFormats ?? ['json'];
    const requestBody = route.body
      ? {
          required: true,
          content: Object.fromEntries(
            formats.map((format) => [
              format === 'json' ? 'application/json' : 'application/x-www-form-urlencoded',
              { schema: toSchema(route.body as z.ZodType, 'input') },
            ]),
          ),
        }
      : undefined;
    const responses: Record<string, unknown> = {};
    for (const [status, schema] of Object.entries(route.responses as Record<string, z.ZodType>)) {
      responses[status] =
        schema instanceof z.ZodUndefined
          ? { description: 'No content' }
          : { description: 'Success', content: { 'application/json': { schema: toSchema(schema, 'output') } } };
    }
    responses.default = {
      description: 'HERE error body',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
    };
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: route.tags,
      ...(route.auth === 'none' ? { security: [] } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(requestBody ? { requestBody } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Gatehouse',
      version: info.version,
      description: 'Identity and access management, wire-compatible with HERE IAM.',
    },
    servers: [{ url: info.serverUrl }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { ErrorBody: toSchema(ErrorBody, 'output') },
    },
    paths,
  };
}

function objectParameters(schema: z.ZodType | undefined, location: 'path' | 'query') {
  if (schema === undefined) return [];
  const json = toSchema(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || required.has(name),
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
    schema: property,
  }));
}

/** A hand-written operation of an endpoint outside the route table: public, one JSON (or text) answer. */
export function plainOperation(options: {
  operationId: string;
  summary: string;
  responses: Record<number, { description: string; schema: JsonSchema; contentType?: string }>;
}) {
  return {
    get: {
      operationId: options.operationId,
      summary: options.summary,
      tags: ['Operations'],
      security: [],
      responses: Object.fromEntries(
        Object.entries(options.responses).map(([status, answer]) => [
          status,
          {
            description: answer.description,
            content: { [answer.contentType ?? 'application/json']: { schema: answer.schema } },
          },
        ]),
      ),
    },
  };
}
