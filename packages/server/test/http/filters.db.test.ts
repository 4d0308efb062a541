import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/storage/database.js';
import { AUTHZ, inviteMember } from '../support/apps.js';
import { openServerDatabase } from '../support/authz-rows.js';
import { expectError, type SignedIn, signUpAndSignIn } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe('access filters', () => {
  let server: TestServer;
  let handle: DatabaseHandle;
  let alice: SignedIn;
  let bob: SignedIn;
  let mallory: SignedIn;

  beforeAll(async () => {
    server = await startTestServer();
    handle = openServerDatabase(server);
    alice = await signUpAndSignIn(server.api);
    bob = await inviteMember(server, alice, { prefix: 'bob' });
    mallory = await signUpAndSignIn(server.api);
    for (const who of [alice, bob]) {
      await server.gatehouse.storage.permissions.grant({
        realm: alice.realm,
        identityId: who.userId,
        action: 'read',
        resourceHrn: `hrn:here:data::${alice.realm}:*`,
        effect: 'allow',
        createdAt: Date.now(),
      });
    }
  });
  afterAll(async () => {
    await handle.close();
    await server.close();
  });

  const data = (name: string) => `hrn:here:data::${alice.realm}:${name}`;
  const decide = async (who: SignedIn, resource: string, action = 'read') => {
    const response = await server.api.post(
      '/decision/authorize',
      { actions: [{ action, resource }], diagnostics: true },
      { token: who.accessToken },
    );
    expect(response.status, response.text).toBe(200);
    return response.body.diagnostics[0].permissions[0].reason as string;
  };
  const createFilter = async (token: string, statements: unknown[], name = 'Boundary') => {
    const response = await server.api.post(`${AUTHZ}/filters`, { type: 'custom', name, statements }, { token });
    expect(response.status, response.text).toBe(200);
    return response.body as { hrn: string; name: string; statements: unknown[] };
  };
  const memberFilter = (who: SignedIn, filterHrn?: string) =>
    `${AUTHZ}/realms/${alice.realm}/members/${who.userId}/filters${filterHrn ? `/${encodeURIComponent(filterHrn)}` : ''}`;
  const block = (resource: string, priority = 10, evaluate = false) => ({
    permissions: 'unscoped',
    resource,
    evaluate,
    priority,
  });

  it('a filter attached to a member stops the evaluation of matching permissions, by priority', async () => {
    const filter = await createFilter(alice.accessToken, [
      block(data('secret-*')),
      { ...block(data('secret-public'), 20, true), description: 'Except this one' },
      block(data('tie'), 5, false),
      block(data('tie'), 5, true),
      { permissions: 'linkable', subresources: ['deu', 'fra'], evaluate: true, priority: 1 },
    ]);
    expect(filter.statements[4]).toEqual({
      permissions: 'linkable',
      subresources: ['deu', 'fra'],
      evaluate: true,
      priority: 1,
    });
    expect(filter.hrn).toMatch(new RegExp(`^hrn:here:authorization::${alice.realm}:filter/FILTER-`));
    expect(await decide(bob, data('secret-plans'))).toBe('allowed');

    const attached = await server.api.put(memberFilter(bob, filter.hrn), {}, { token: alice.accessToken });
    expect(attached.status, attached.text).toBe(200);
    expect(attached.body).toEqual({ hrn: filter.hrn });
    expect(await decide(bob, data('secret-plans'))).toBe('excluded_by_access_filter');
    expect(await decide(bob, data('secret-public'))).toBe('allowed');
    expect(await decide(bob, data('tie'))).toBe('allowed');
    expect(await decide(bob, data('open'))).toBe('allowed');
    expect(await decide(alice, data('secret-plans'))).toBe('allowed');

    const listed = await server.api.get(memberFilter(bob), { token: bob.accessToken });
    expect(listed.body.items).toEqual([{ hrn: filter.hrn }]);
    const one = await server.api.get(memberFilter(bob, filter.hrn), { token: alice.accessToken });
    expect(one.body).toEqual({ hrn: filter.hrn });
    const members = await server.api.get(`${AUTHZ}/filters/${encodeURIComponent(filter.hrn)}/members`, {
      token: alice.accessToken,
    });
    expect(members.body.items).toEqual([
      { memberHrn: `hrn:here:account::${alice.realm}:user/${bob.userId}`, entityType: 'user' },
    ]);
    const byId = await server.api.get(`${AUTHZ}/filters/${filter.hrn.slice(filter.hrn.lastIndexOf('/') + 1)}`, {
      token: alice.accessToken,
    });
    expect(byId.body.hrn).toBe(filter.hrn);
    // A filter HRN is of Authorization; the same resource under another service names nothing.
    const accountHrn = filter.hrn.replace(':authorization:', ':account:');
    expectError(
      await server.api.get(`${AUTHZ}/filters/${encodeURIComponent(accountHrn)}`, { token: alice.accessToken }),
      404,
      404773,
    );

    // Changing the statements takes effect at once; so does detaching.
    const updated = await server.api.post(
      `${AUTHZ}/filters/${encodeURIComponent(filter.hrn)}`,
      { type: 'custom', name: 'Narrower', statements: [block(data('open'))] },
      { token: alice.accessToken },
    );
    expect(updated.status, updated.text).toBe(200);
    expect(updated.body.name).toBe('Narrower');
    expect(await decide(bob, data('secret-plans'))).toBe('allowed');
    expect(await decide(bob, data('open'))).toBe('excluded_by_access_filter');
    const detached = await server.api.delete(memberFilter(bob, filter.hrn), { token: alice.accessToken });
    expect(detached.status).toBe(204);
    expect(await decide(bob, data('open'))).toBe('allowed');
    expectError(await server.api.delete(memberFilter(bob, filter.hrn), { token: alice.accessToken }), 404, 404773);
  });

  it('an expired attachment no longer applies', async () => {
    const filter = await createFilter(alice.accessToken, [block(data('expiring'))]);
    const past = await server.api.put(
      memberFilter(bob, filter.hrn),
      { expiresAt: Date.now() - 1000 },
      {
        token: alice.accessToken,
      },
    );
    expect(past.status, past.text).toBe(200);
    expect(await decide(bob, data('expiring'))).toBe('allowed');
    await server.api.put(
      memberFilter(bob, filter.hrn),
      { expiresAt: Date.now() + 3_600_000 },
      {
        token: alice.accessToken,
      },
    );
    expect(await decide(bob, data('expiring'))).toBe('excluded_by_access_filter');
    await server.api.delete(memberFilter(bob, filter.hrn), { token: alice.accessToken });
  });

  it("the organization's filter applies to every member; deleting a filter removes its attachments", async () => {
    const filter = await createFilter(alice.accessToken, [block(data('org-wide'))], 'Organization');
    expectError(
      await server.api.get(`${AUTHZ}/realms/${alice.realm}/filter`, { token: alice.accessToken }),
      404,
      404773,
    );
    const set = await server.api.post(
      `${AUTHZ}/realms/${alice.realm}/filter`,
      { hrn: filter.hrn },
      { token: alice.accessToken },
    );
    expect(set.status, set.text).toBe(200);
    const current = await server.api.get(`${AUTHZ}/realms/${alice.realm}/filter`, { token: alice.accessToken });
    expect(current.body.hrn).toBe(filter.hrn);
    expect(await decide(alice, data('org-wide'))).toBe('excluded_by_access_filter');
    expect(await decide(bob, data('org-wide'))).toBe('excluded_by_access_filter');

    const deleted = await server.api.delete(`${AUTHZ}/filters/${encodeURIComponent(filter.hrn)}`, {
      token: alice.accessToken,
    });
    expect(deleted.status).toBe(204);
    expect(await decide(alice, data('org-wide'))).toBe('allowed');
    expectError(
      await server.api.get(`${AUTHZ}/realms/${alice.realm}/filter`, { token: alice.accessToken }),
      404,
      404773,
    );
  });

  it('only OrgAdmins manage filters and attach them', async () => {
    const filter = await createFilter(alice.accessToken, [block(data('x'))]);
    expectError(
      await server.api.post(
        `${AUTHZ}/filters`,
        { type: 'custom', name: 'x', statements: [block(data('x'))] },
        {
          token: bob.accessToken,
        },
      ),
      403,
      403403,
    );
    expectError(await server.api.get(`${AUTHZ}/filters`, { token: bob.accessToken }), 403, 403403);
    expectError(await server.api.put(memberFilter(bob, filter.hrn), {}, { token: bob.accessToken }), 403, 403403);
    expectError(await server.api.get(memberFilter(alice), { token: bob.accessToken }), 403, 403403);
    expectError(
      await server.api.post(`${AUTHZ}/realms/${alice.realm}/filter`, { hrn: filter.hrn }, { token: bob.accessToken }),
      403,
      403403,
    );
    const listed = await server.api.get(`${AUTHZ}/filters`, { token: alice.accessToken });
    expect(listed.body.items.map((item: { hrn: string }) => item.hrn)).toContain(filter.hrn);
  });

  it('enforces MaxEntityAccessFilters (5) and MaxRealmAccessFilters (100)', async () => {
    const carol = await inviteMember(server, alice, { prefix: 'carol' });
    const hrns: string[] = [];
    for (let index = 0; index < 6; index++) {
      hrns.push((await createFilter(alice.accessToken, [block(data(`limit-${index}`))], `F${index}`)).hrn);
    }
    for (const hrn of hrns.slice(0, 5)) {
      expect((await server.api.put(memberFilter(carol, hrn), {}, { token: alice.accessToken })).status).toBe(200);
    }
    const sixth = await server.api.put(memberFilter(carol, hrns[5]), {}, { token: alice.accessToken });
    expectError(sixth, 422, 422000);
    expect(sixth.body.message).toBe('MaxEntityAccessFilters limit reached. Current value: 5. Maximum value: 5.');
    // Renewing an existing attachment is not a new one.
    expect((await server.api.put(memberFilter(carol, hrns[0]), {}, { token: alice.accessToken })).status).toBe(200);

    const other = await signUpAndSignIn(server.api);
    const rows = Array.from({ length: 100 }, (_, index) => ({
      id: `FILTER-bulk-${other.realm}-${index}`,
      realm_id: other.realm,
      name: `Bulk ${index}`,
      statements: '[]',
      created_at: 1,
      updated_at: 1,
    }));
    await handle.db.insertInto('access_filters').values(rows).execute();
    const full = await server.api.post(
      `${AUTHZ}/filters`,
      { type: 'custom', name: 'One too many', statements: [block(data('x'))] },
      { token: other.accessToken },
    );
    expectError(full, 422, 422000);
    expect(full.body.message).toBe('MaxRealmAccessFilters limit reached. Current value: 100. Maximum value: 100.');
  });

  it('validates filters and keeps organizations apart', async () => {
    for (const body of [
      { type: 'virtual', name: 'v', statements: [block(data('x'))] },
      { type: 'custom', name: 'n', statements: [] },
      { type: 'custom', name: 'n', statements: [block(data('x'), 1001)] },
      { type: 'custom', name: 'n', statements: [{ ...block(data('x')), permissions: 'everything' }] },
      { type: 'custom', name: 'n', statements: [{ ...block(data('x')), scope: 'project-1' }] },
      { type: 'custom', name: 'n', statements: [{ ...block(data('x')), evaluate: 'no' }] },
    ]) {
      expectError(await server.api.post(`${AUTHZ}/filters`, body, { token: alice.accessToken }), 400, 400200);
    }
    const filter = await createFilter(alice.accessToken, [block(data('x'))]);
    const encoded = encodeURIComponent(filter.hrn);
    expectError(await server.api.get(`${AUTHZ}/filters/${encoded}`, { token: mallory.accessToken }), 404, 404773);
    expectError(await server.api.delete(`${AUTHZ}/filters/${encoded}`, { token: mallory.accessToken }), 404, 404773);
    expectError(
      await server.api.put(
        `${AUTHZ}/realms/${mallory.realm}/members/${mallory.userId}/filters/${encoded}`,
        {},
        {
          token: mallory.accessToken,
        },
      ),
      404,
      404773,
    );
    expectError(
      await server.api.post(
        `${AUTHZ}/realms/${mallory.realm}/filter`,
        { hrn: filter.hrn },
        { token: mallory.accessToken },
      ),
      404,
      404773,
    );
    expectError(await server.api.put(memberFilter(bob, filter.hrn), {}, { token: mallory.accessToken }), 404, 404800);
    const theirs = await server.api.get(`${AUTHZ}/filters`, { token: mallory.accessToken });
    expect(theirs.body.items).toEqual([]);
  });
});
