import { describe, expect, it } from 'vitest';
import {
  ALLOW,
  DENY,
  PermissionIndex,
  type PermissionStatement,
  resourceMatches,
} from '../../src/authz/permission-index.js';

const allow = (action: string, resource: string): PermissionStatement => ({ action, resource, effect: 'allow' });
const deny = (action: string, resource: string): PermissionStatement => ({ action, resource, effect: 'deny' });

describe('PermissionIndex', () => {
  it('matches exact HRNs by action, with `*` standing for every action', () => {
    const index = new PermissionIndex([
      allow('read', 'hrn:here:data::org1:catalog-1'),
      allow('*', 'hrn:here:data::org1:catalog-2'),
    ]);
    expect(index.check('read', 'hrn:here:data::org1:catalog-1')).toBe(ALLOW);
    expect(index.check('write', 'hrn:here:data::org1:catalog-1')).toBe(0);
    expect(index.check('manage', 'hrn:here:data::org1:catalog-2')).toBe(ALLOW);
    expect(index.check('read', 'hrn:here:data::org1:catalog-3')).toBe(0);
    expect(index.check('read', 'hrn:here:data::org1:catalog-')).toBe(0);
  });

  it('keeps every action granted on one HRN, and both effects of one action', () => {
    const hrn = 'hrn:here:data::org1:catalog-1';
    const index = new PermissionIndex([
      allow('read', hrn),
      allow('write', hrn),
      deny('write', hrn),
      allow('share', hrn),
    ]);
    expect(index.size).toBe(4);
    expect(index.check('read', hrn)).toBe(ALLOW);
    expect(index.check('write', hrn)).toBe(ALLOW | DENY);
    expect(index.check('share', hrn)).toBe(ALLOW);
    expect(index.check('manage', hrn)).toBe(0);
  });

  it('combines an exact statement with the wildcard ones that cover the same HRN', () => {
    const index = new PermissionIndex([
      allow('read', 'hrn:here:data::org1:catalog-1'),
      deny('read', 'hrn:here:data::org1:*'),
      allow('*', 'hrn:here:data::org1:cat*'),
    ]);
    expect(index.check('read', 'hrn:here:data::org1:catalog-1')).toBe(ALLOW | DENY);
    expect(index.check('write', 'hrn:here:data::org1:catalog-1')).toBe(ALLOW);
    expect(index.check('write', 'hrn:here:data::org1:schema-1')).toBe(0);
  });

  it('lets `*` match any run of characters, `:` and `/` included, in the middle of a pattern too', () => {
    const index = new PermissionIndex([
      allow('read', 'hrn:here:data:::*'),
      allow('write', 'hrn:here:pipeline::org1:*/jobs/*-nightly'),
      allow('share', '*'),
    ]);
    expect(index.check('read', 'hrn:here:data:::catalog/a:b')).toBe(ALLOW);
    expect(index.check('read', 'hrn:here:data:::')).toBe(ALLOW);
    expect(index.check('read', 'hrn:here:data::org1:catalog')).toBe(0);
    expect(index.check('write', 'hrn:here:pipeline::org1:p1/jobs/build-nightly')).toBe(ALLOW);
    expect(index.check('write', 'hrn:here:pipeline::org1:p1/jobs/build-weekly')).toBe(0);
    expect(index.check('share', 'anything at all')).toBe(ALLOW);
  });

  it('answers the same with a hundred thousand statements as with a few', () => {
    const statements = Array.from({ length: 100_000 }, (_, i) =>
      i % 50 === 49 ? allow('read', `hrn:here:data::org1:c-w${i}-*`) : allow('read', `hrn:here:data::org1:c-${i}`),
    );
    const index = new PermissionIndex(statements);
    expect(index.size).toBe(100_000);
    expect(index.check('read', 'hrn:here:data::org1:c-12345')).toBe(ALLOW);
    expect(index.check('read', 'hrn:here:data::org1:c-w99999-anything')).toBe(ALLOW);
    expect(index.check('read', 'hrn:here:data::org1:c-w99998-anything')).toBe(0);
    expect(index.check('read', 'hrn:here:data::org1:c-100000')).toBe(0);
    expect(index.check('write', 'hrn:here:data::org1:c-12345')).toBe(0);
  });

  it('tells apart wildcard prefixes whose hashes are equal', () => {
    // FNV-1a gives each pair one 32-bit hash: `declinate` and `macallums` have one length, `costarring` and `liquid` not.
    const index = new PermissionIndex([
      allow('read', 'declinate*'),
      deny('read', 'macallums*'),
      allow('write', 'liquid*'),
      allow('manage', 'costarring*'),
    ]);
    expect(index.check('read', 'declinate-1')).toBe(ALLOW);
    expect(index.check('read', 'macallums-1')).toBe(DENY);
    expect(index.check('write', 'liquid-1')).toBe(ALLOW);
    expect(index.check('write', 'costarring-1')).toBe(0);
    expect(index.check('manage', 'costarring-1')).toBe(ALLOW);
    expect(index.check('manage', 'liquid-1')).toBe(0);
  });

  it('matches a pattern on its own (access-filter statements) the same each time it is asked', () => {
    for (let round = 0; round < 2; round++) {
      expect(resourceMatches('hrn:here:data::org1:cat*', 'hrn:here:data::org1:catalog-1')).toBe(true);
      expect(resourceMatches('hrn:here:data::org1:cat*', 'hrn:here:data::org2:catalog-1')).toBe(false);
      expect(resourceMatches('hrn:here:data::org1:a.b*(1)', 'hrn:here:data::org1:a.b-x(1)')).toBe(true);
      expect(resourceMatches('hrn:here:data::org1:a.b*(1)', 'hrn:here:data::org1:aXb-x(1)')).toBe(false);
      expect(resourceMatches('hrn:here:data::org1:exact', 'hrn:here:data::org1:exact')).toBe(true);
      expect(resourceMatches('hrn:here:data::org1:exact', 'hrn:here:data::org1:exact-2')).toBe(false);
    }
  });
});
