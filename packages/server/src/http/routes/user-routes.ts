import {
  ChangePasswordRequest,
  EmailVerification,
  SignUpRequest,
  SignUpResponse,
  UpdateProfileRequest,
  UserProfile,
} from '@gatehouse/contracts';
import { z } from 'zod';
import type { SignInService } from '../../authentication/sign-in-service.js';
import { AppError } from '../../errors/app-error.js';
import type { InviteService } from '../../invites/invite-service.js';
import type { AccountService } from '../../users/account-service.js';
import { accepted, created, defineRoute, noContent, ok } from '../route.js';

const NoContent = z.undefined();
const userId = (principal: { kind: string; userId?: string }) => principal.userId as string;

export function createUserRoutes({
  accounts,
  invites,
  signIn,
  signUpEnabled,
}: {
  accounts: AccountService;
  invites: InviteService;
  signIn: SignInService;
  signUpEnabled: boolean;
}) {
  return [
    defineRoute({
      method: 'POST',
      url: '/user',
      operationId: 'signUp',
      summary: 'Sign up',
      description:
        'Creates a new organization with the caller as its OrgAdmin (orgId from `realm`, generated when absent), ' +
        'or, with `inviteToken`, joins the inviting organization. Accepting an invitation to an organization where ' +
        'the email already has an account links it (the password must match) and answers 200.',
      tags: ['Users'],
      auth: 'none',
      body: SignUpRequest,
      rateLimit: { bucket: 'sign-up', perIp: true, perIdentity: { key: (body) => body.email, limit: true } },
      responses: { 201: SignUpResponse, 200: SignUpResponse },
      async handler({ body }) {
        const { inviteToken, realm, organizationName, ...account } = body;
        if (inviteToken !== undefined) {
          const joined = await invites.accept(inviteToken, account);
          const answer = { userId: joined.userId, realm: joined.realm };
          return joined.linked ? ok(answer) : created(answer);
        }
        if (!signUpEnabled) throw new AppError('user.sign_up_disabled');
        const user = await accounts.createOrganizationWithAdmin({ realm, name: organizationName }, account, {
          emailVerified: false,
        });
        await accounts.sendEmailVerification(user);
        return created({ userId: user.id, realm: user.realm });
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/user/me',
      operationId: 'getMyProfile',
      summary: 'My profile',
      tags: ['Users'],
      auth: 'user',
      responses: { 200: UserProfile },
      handler: async ({ principal }) => ok(await accounts.getProfile(userId(principal))),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/user/me',
      operationId: 'updateMyProfile',
      summary: 'Update my profile',
      description: 'Changes the given fields; `null` clears an optional one.',
      tags: ['Users'],
      auth: 'user',
      body: UpdateProfileRequest,
      responses: { 200: UserProfile },
      handler: async ({ principal, body }) => ok(await accounts.updateProfile(userId(principal), body)),
    }),
    defineRoute({
      method: 'POST',
      url: '/user/me/password',
      operationId: 'changeMyPassword',
      summary: 'Change my password',
      description: 'Needs the current password. Every other session of the user ends.',
      tags: ['Users'],
      auth: 'user',
      body: ChangePasswordRequest,
      rateLimit: { bucket: 'password-change', perIp: true },
      responses: { 204: NoContent },
      async handler({ principal, body }) {
        await accounts.changePassword(principal, body.currentPassword, body.newPassword);
        return noContent();
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/user/me/deactivate',
      operationId: 'deactivateMyAccount',
      summary: 'Deactivate my account',
      description:
        'Tokens of the account stop working, except that this session may still delete the account. Signing in ' +
        'again with the same email and password reactivates it.',
      tags: ['Users'],
      auth: 'user',
      responses: { 204: NoContent },
      async handler({ principal }) {
        await accounts.deactivate(principal, userId(principal));
        return noContent();
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/user/me',
      operationId: 'deleteMyAccount',
      summary: 'Delete my account',
      description:
        'Only after deactivation. Removes the profile, credentials, sessions and memberships for good; the email ' +
        'address can sign up again.',
      tags: ['Users'],
      auth: 'user',
      allowSelfDeactivated: true,
      responses: { 204: NoContent },
      async handler({ principal }) {
        await accounts.delete(principal, userId(principal));
        return noContent();
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/user/me/email/verification',
      operationId: 'resendEmailVerification',
      summary: 'Send the email-verification link again',
      tags: ['Users'],
      auth: 'user',
      rateLimit: { bucket: 'email-verification', perIp: 10 },
      responses: { 202: NoContent },
      async handler({ principal }) {
        await accounts.resendEmailVerification(userId(principal));
        return accepted();
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/user/email/verify',
      operationId: 'verifyEmail',
      summary: 'Confirm an email address with the link from the mail',
      tags: ['Users'],
      auth: 'none',
      body: EmailVerification,
      rateLimit: { bucket: 'email-verify', perIp: true },
      responses: { 204: NoContent },
      async handler({ body }) {
        await accounts.verifyEmail(body.token);
        return noContent();
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/logout',
      operationId: 'signOut',
      summary: 'Sign out',
      description: 'Ends the session of the token used: its refresh token and access tokens stop working.',
      tags: ['Users'],
      auth: 'user',
      responses: { 204: NoContent },
      async handler({ principal }) {
        await signIn.signOut(principal);
        return noContent();
      },
    }),
  ];
}
