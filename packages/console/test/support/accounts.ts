import { expect } from 'vitest';
import { type Account, type SignedIn, strongPassword, uniqueEmail } from '../../../server/test/support/fixtures.js';
import { linkToken } from '../../../server/test/support/mailbox.js';
import type { TestServer } from '../../../server/test/support/test-server.js';

/** Invites a new member (no roles) into the admin's organization and accepts the invitation from the mail. */
export async function addMember(server: TestServer, admin: SignedIn, email = uniqueEmail('member')): Promise<Account> {
  const already = server.mailbox.for(email).length;
  const invite = await server.api.post(
    `/authorization/v1.1/realms/${admin.realm}/invites`,
    { emailAddress: email },
    { token: admin.accessToken },
  );
  expect(invite.status, invite.text).toBe(201);
  const inviteToken = linkToken(await server.mailbox.next(email, already), '/accept-invitation');
  const password = strongPassword();
  const joined = await server.api.post('/user', {
    email,
    password,
    firstname: 'Grace',
    lastname: 'Hopper',
    inviteToken,
  });
  expect(joined.status, joined.text).toBe(201);
  return { email, password, userId: joined.body.userId, realm: admin.realm };
}
