import type { FieldError } from '@gatehouse/contracts';
import type { z } from 'zod';
import { AppError, fieldError } from '../errors/app-error.js';

/** Parses `input` with `schema`, or throws HERE's 400200 with one field error per problem. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, location?: string): z.output<T> {
  const nul = pathOfNul(input);
  if (nul !== undefined) {
    throw new AppError('request.invalid_data', { fields: [fieldError(fieldName(nul, location), 'invalid')] });
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new AppError('request.invalid_data', { fields: toFieldErrors(result.error.issues, input, location) });
}

/** Maps zod issues onto HERE's field error codes (spec §1.7: 400201 required, 400203 invalid, …). */
export function toFieldErrors(issues: readonly z.core.$ZodIssue[], input: unknown, location?: string): FieldError[] {
  const seen = new Set<string>();
  const fields: FieldError[] = [];
  for (const issue of issues) {
    const name = fieldName(issue.path, location);
    if (seen.has(name)) continue;
    seen.add(name);
    fields.push(fieldError(name, fieldKind(issue, valueAt(input, issue.path))));
  }
  return fields;
}

function fieldKind(issue: z.core.$ZodIssue, value: unknown): Parameters<typeof fieldError>[1] {
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return 'required';
      switch (issue.expected) {
        case 'string':
          return 'notAString';
        case 'number':
        case 'int':
          return 'notANumber';
        case 'array':
          return 'notAnArray';
        case 'object':
        case 'record':
          return 'notAnObject';
        case 'boolean':
          return 'notABoolean';
        default:
          return 'invalid';
      }
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) <= 1 && value === '') return 'empty';
      return issue.origin === 'string' || issue.origin === 'array' ? 'invalid' : 'tooSmall';
    case 'too_big':
      return issue.origin === 'string' || issue.origin === 'array' ? 'invalid' : 'tooLarge';
    case 'invalid_format':
      return issue.format === 'email' ? 'illegalEmail' : 'invalid';
    case 'invalid_union':
      return value === undefined ? 'required' : 'invalid';
    case 'custom': {
      const kind = (issue.params as { fieldError?: Parameters<typeof fieldError>[1] } | undefined)?.fieldError;
      return kind ?? 'invalid';
    }
    default:
      return 'invalid';
  }
}

function fieldName(path: readonly PropertyKey[], location?: string): string {
  let name = '';
  for (const segment of path) {
    name += typeof segment === 'number' ? `[${segment}]` : name === '' ? String(segment) : `.${String(segment)}`;
  }
  return name === '' ? (location ?? 'body') : name;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

/**
 * Where the first string holding U+0000 is: PostgreSQL cannot store it in text, so it is an invalid value on every
 * backend. Walks without recursion and without copying paths, as a JSON body may nest deeply.
 */
function pathOfNul(input: unknown): PropertyKey[] | undefined {
  type Node = { value: unknown; key?: PropertyKey; parent?: Node };
  const pending: Node[] = [{ value: input }];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    const { value } = node;
    if (typeof value === 'string') {
      if (!value.includes('\u0000')) continue;
      const path: PropertyKey[] = [];
      for (let at: Node | undefined = node; at?.key !== undefined; at = at.parent) path.unshift(at.key);
      return path;
    }
    if (typeof value !== 'object' || value === null) continue;
    const entries = Array.isArray(value) ? value.entries() : Object.entries(value);
    for (const [key, item] of entries) pending.push({ value: item, key, parent: node });
  }
  return undefined;
}
