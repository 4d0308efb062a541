import { describe, expect, it } from 'vitest';
import type { UserPrincipal } from '../../src/auth/principal.js';
import { PrincipalCache } from '../../src/auth/principal-cache.js';
import { AuthzVersions } from '../../src/authz/authz-versions.js';

const principal = (realm: string, userId = 'HERE-1'): UserPrincipal => ({
  kind: 'user',
  userId,
  realm,
  hrn: `hrn:here:account::${realm}:user/${userId}`,
  tokenId: `jti-${userId}`,
  expiresAt: 2_000,
});

describe('PrincipalCache', () => {
  it('answers a copy of the principal while its organization version and validity hold', () => {
    const versions = new AuthzVersions();
    const cache = new PrincipalCache(versions);
    cache.set('token-a', principal('org-a'), cache.versionOf('org-a'), 2_000_000);
    const first = cache.get('token-a', 1_000_000);
    expect(first).toEqual(principal('org-a'));
    if (first) first.realm = 'tampered';
    expect(cache.get('token-a', 1_000_000)?.realm).toBe('org-a');
    expect(cache.get('token-b', 1_000_000)).toBeUndefined();
  });

  it('drops an entry once its organization changed, and only that organization’s', () => {
    const versions = new AuthzVersions();
    const cache = new PrincipalCache(versions);
    cache.set('token-a', principal('org-a'), cache.versionOf('org-a'), 2_000_000);
    cache.set('token-b', principal('Org-B'), cache.versionOf('Org-B'), 2_000_000);
    versions.bump('ORG-A');
    expect(cache.get('token-a', 0)).toBeUndefined();
    expect(cache.get('token-b', 0)).toEqual(principal('Org-B'));
    expect(cache.size).toBe(1);
    versions.bump();
    expect(cache.get('token-b', 0)).toBeUndefined();
  });

  it('drops an entry once its organization’s credentials changed, leaving authorization versions alone', () => {
    const versions = new AuthzVersions();
    const cache = new PrincipalCache(versions);
    const authzVersion = versions.current('org-a');
    cache.set('token-a', principal('org-a'), cache.versionOf('org-a'), 2_000_000);
    cache.set('token-b', principal('org-b'), cache.versionOf('org-b'), 2_000_000);
    versions.bumpCredentials('Org-A');
    expect(cache.get('token-a', 0)).toBeUndefined();
    expect(cache.get('token-b', 0)).toBeDefined();
    expect(versions.current('org-a')).toBe(authzVersion);
  });

  it('never stores an entry as current when the version moved while it was built', () => {
    const versions = new AuthzVersions();
    const cache = new PrincipalCache(versions);
    const before = cache.versionOf('org-a');
    versions.bump('org-a');
    cache.set('token-a', principal('org-a'), before, 2_000_000);
    expect(cache.get('token-a', 0)).toBeUndefined();
  });

  it('does not outlive the token or its session', () => {
    const cache = new PrincipalCache(new AuthzVersions());
    cache.set('token-a', principal('org-a'), cache.versionOf('org-a'), 2_000_000);
    expect(cache.get('token-a', 1_999_999)).toBeDefined();
    expect(cache.get('token-a', 2_000_000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('is bounded: the least recently used token goes first', () => {
    const cache = new PrincipalCache(new AuthzVersions(), 2);
    for (const token of ['one', 'two']) cache.set(token, principal('org-a', token), 0, 10);
    expect(cache.get('one', 0)).toBeDefined();
    cache.set('three', principal('org-a', 'three'), 0, 10);
    expect(cache.size).toBe(2);
    expect(cache.get('two', 0)).toBeUndefined();
    expect(cache.get('one', 0)?.hrn).toContain('one');
    expect(cache.get('three', 0)?.hrn).toContain('three');
  });
});
