import {
  DetailedLinkableResource,
  DetailedLinkableResourceList,
  LinkableResource,
  LinkableResourceParams,
  LinkableResourceUpdate,
  ResourceParams,
  ResourceSetting,
} from '@gatehouse/contracts';
import { z } from 'zod';
import type { LinkableService } from '../../projects/linkable-service.js';
import { created, defineRoute, noContent, ok } from '../route.js';

const AUTHZ = '/authorization/v1.1';
const TAGS = ['Resources'];
const ONE = `${AUTHZ}/resources/:resource/linkable/:linkableTo`;

/**
 * Linkable resources (spec §6.3 "Resources"): `{resource}` is the resource HRN, `{linkableTo}` the project or realm
 * HRN it is linkable to, percent-encoded or with raw colons.
 */
export function createLinkableRoutes({ linkables }: { linkables: LinkableService }) {
  return [
    defineRoute({
      method: 'GET',
      url: `${AUTHZ}/resources/:resource/linkable`,
      operationId: 'listLinkableResources',
      summary: 'Where a resource is linkable to',
      description: 'The projects, or the organization, the resource may be linked into; for whoever may read it.',
      tags: TAGS,
      auth: 'identity',
      params: ResourceParams,
      responses: { 200: DetailedLinkableResourceList },
      handler: async ({ principal, params }) => ok(await linkables.list(principal, params.resource)),
    }),
    defineRoute({
      method: 'POST',
      url: `${AUTHZ}/resources/:resource/linkable`,
      operationId: 'createLinkableResource',
      summary: 'Make a resource linkable',
      description:
        'To one project (`projectHrn`) or to every project of the organization (`realmHrn`), with the actions ' +
        'links may allow. The resource must live in a project and not be a pipeline; needs `manage` or `share` ' +
        'on it, so a token scoped to its home project, and every action its settings require. 409 when it ' +
        'already is linkable there.',
      tags: TAGS,
      auth: 'identity',
      params: ResourceParams,
      body: LinkableResource,
      responses: { 201: DetailedLinkableResource },
      handler: async ({ principal, params, body }) => created(await linkables.create(principal, params.resource, body)),
    }),
    defineRoute({
      method: 'GET',
      url: `${AUTHZ}/resources/:resource/settings`,
      operationId: 'getResourceSettings',
      summary: 'Who may make a resource linkable',
      description: "HERE's ResourceSetting; `authorizedTo: realm` with no actions when none were set.",
      tags: TAGS,
      auth: 'identity',
      params: ResourceParams,
      responses: { 200: ResourceSetting },
      handler: async ({ principal, params }) => ok(await linkables.settings(principal, params.resource)),
    }),
    defineRoute({
      method: 'PUT',
      url: `${AUTHZ}/resources/:resource/settings`,
      operationId: 'updateResourceSettings',
      summary: 'Require actions of whoever makes a resource linkable',
      description:
        '`authorizedTo: requiredToMakeLinkable` with `allowedActions`: making the resource linkable then needs ' +
        'every one of those actions on it (the requiredToMakeLinkable actions of its type); `realm` with no ' +
        'actions: the usual rule alone. Needs `manage` on the resource with a token scoped to its home project.',
      tags: TAGS,
      auth: 'identity',
      params: ResourceParams,
      body: ResourceSetting,
      responses: { 200: ResourceSetting },
      handler: async ({ principal, params, body }) =>
        ok(await linkables.updateSettings(principal, params.resource, body)),
    }),
    defineRoute({
      method: 'GET',
      url: ONE,
      operationId: 'getLinkableResource',
      summary: 'One linkability of a resource',
      tags: TAGS,
      auth: 'identity',
      params: LinkableResourceParams,
      responses: { 200: DetailedLinkableResource },
      handler: async ({ principal, params }) => ok(await linkables.get(principal, params.resource, params.linkableTo)),
    }),
    defineRoute({
      method: 'PUT',
      url: ONE,
      operationId: 'updateLinkableResource',
      summary: 'Change the actions links may allow',
      description: 'Links made before keep their actions.',
      tags: TAGS,
      auth: 'identity',
      params: LinkableResourceParams,
      body: LinkableResourceUpdate,
      responses: { 200: DetailedLinkableResource },
      handler: async ({ principal, params, body }) =>
        ok(await linkables.update(principal, params.resource, params.linkableTo, body.allowedActions)),
    }),
    defineRoute({
      method: 'DELETE',
      url: ONE,
      operationId: 'deleteLinkableResource',
      summary: 'Stop offering a resource for links',
      description: 'No new links; links made before stay.',
      tags: TAGS,
      auth: 'identity',
      params: LinkableResourceParams,
      responses: { 204: z.undefined() },
      handler: async ({ principal, params }) => {
        await linkables.delete(principal, params.resource, params.linkableTo);
        return noContent();
      },
    }),
  ];
}
