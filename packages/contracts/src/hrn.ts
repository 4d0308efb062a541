import { z } from 'zod';

/**
 * HERE Resource Names: `hrn:<partition>:<service>:<region>:<account>:<resource>` (spec §4). The resource part may
 * itself hold colons (`project/p1:policy/x`, `group:schema:1.0`); only the first five separators split.
 */
export interface Hrn {
  partition: string;
  service: string;
  region: string;
  /** The organization (realm) id; empty for HERE-wide resources such as `hrn:here:data:::*`. */
  account: string;
  resource: string;
}

const FIELD = /^[A-Za-z0-9._-]*$/;

export function parseHrn(value: string): Hrn | undefined {
  if (value.length > 2048 || !value.startsWith('hrn:')) return undefined;
  const parts = value.split(':');
  if (parts.length < 6) return undefined;
  const [, partition = '', service = '', region = '', account = ''] = parts;
  const resource = parts.slice(5).join(':');
  if (partition === '' || resource === '') return undefined;
  if (![partition, service, region, account].every((field) => FIELD.test(field))) return undefined;
  if (/[\s\u0000-\u001f]/.test(resource)) return undefined;
  return { partition, service, region, account, resource };
}

export function formatHrn({ partition, service, region, account, resource }: Hrn): string {
  return `hrn:${partition}:${service}:${region}:${account}:${resource}`;
}

/** `type/id` of a resource part, e.g. `user/HERE-…` → `{type: 'user', id: 'HERE-…'}`. */
export function resourceTypeAndId(resource: string): { type: string; id: string } | undefined {
  const slash = resource.indexOf('/');
  if (slash <= 0 || slash === resource.length - 1) return undefined;
  return { type: resource.slice(0, slash), id: resource.slice(slash + 1) };
}

/**
 * The id an API path names by id or by HRN: a bare id is itself; an HRN must be of `service` and of one of `types`
 * (`hrn:here:authorization::org:group/GROUP-…` → `GROUP-…`), and `within` the given partition and organization
 * (compared ignoring case, as organization ids are) when those are given; otherwise there is none.
 */
export function referencedId(
  reference: string,
  service: string,
  types: readonly string[],
  within: { partition?: string; organization?: string } = {},
): string | undefined {
  if (!reference.startsWith('hrn:')) return reference;
  const parsed = parseHrn(reference);
  const resource = parsed && resourceTypeAndId(parsed.resource);
  if (parsed?.service !== service || !resource || !types.includes(resource.type)) return undefined;
  if (within.partition !== undefined && parsed.partition !== within.partition) return undefined;
  if (within.organization !== undefined && parsed.account.toLowerCase() !== within.organization.toLowerCase()) {
    return undefined;
  }
  return resource.id;
}

/** Builds the HRNs of Gatehouse's own entities in one partition, in the forms HERE uses (spec §4). */
export class HrnFactory {
  constructor(readonly partition: string) {}

  realm(realm: string) {
    return this.#account(realm, `realm/${realm}`);
  }
  user(realm: string, userId: string) {
    return this.#account(realm, `user/${userId}`);
  }
  app(realm: string, appId: string) {
    return this.#account(realm, `app/${appId}`);
  }
  accessKey(realm: string, accessKeyId: string) {
    return this.#account(realm, `accesskey/${accessKeyId}`);
  }
  apiKey(realm: string, obfuscatedId: string) {
    return this.#account(realm, `apikey/${obfuscatedId}`);
  }
  invite(realm: string, inviteId: string) {
    return this.#authorization(realm, `invite/${inviteId}`);
  }
  role(realm: string, roleId: string) {
    return this.#authorization(realm, `role/${roleId}`);
  }
  group(realm: string, groupId: string) {
    return this.#authorization(realm, `group/${groupId}`);
  }
  project(realm: string, projectId: string) {
    return this.#authorization(realm, `project/${projectId}`);
  }

  #account(realm: string, resource: string) {
    return formatHrn({ partition: this.partition, service: 'account', region: '', account: realm, resource });
  }
  #authorization(realm: string, resource: string) {
    return formatHrn({ partition: this.partition, service: 'authorization', region: '', account: realm, resource });
  }
}

/** A path or body parameter that must be an HRN (spec §4); HRNs in paths arrive percent-decoded. */
export const HrnParam = z
  .string()
  .min(1)
  .max(2048)
  .refine((value) => parseHrn(value) !== undefined, { params: { fieldError: 'invalid' } });
