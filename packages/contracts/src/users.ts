import { z } from 'zod';
import { displayName, Email, EpochMillis, RealmId, UserId } from './common.js';

/**
 * Passwords are checked for length and against the common-password list by the server, which owns the list; the
 * contract only bounds the size so a huge body never reaches the hasher.
 */
export const Password = z.string().min(1).max(256);

const DateOfBirth = z.string().regex(/^(0[1-9]|[12]\d|3[01])\/(0[1-9]|1[0-2])\/\d{4}$/); // dd/mm/yyyy, as HERE
const CountryCode = z.string().regex(/^[A-Z]{3}$/); // ISO 3166-1 alpha-3
const Language = z.string().regex(/^[a-z]{2}$/); // ISO 639-1
const PhoneNumber = z.string().regex(/^\+\d{7,17}$/);

/** `POST /user` (spec §1.9): sign-up into a new organization, or into an inviting one with `inviteToken`. */
export const SignUpRequest = z.object({
  email: Email,
  password: Password,
  firstname: displayName(100),
  lastname: displayName(100),
  dob: DateOfBirth.optional(),
  countryCode: CountryCode.optional(),
  language: Language.optional(),
  marketingEnabled: z.boolean().optional(),
  phoneNumber: PhoneNumber.optional(),
  /** orgId of the new organization; generated when absent. Ignored with `inviteToken`. */
  realm: RealmId.optional(),
  /** Display name of the new organization; defaults to the orgId. */
  organizationName: displayName(200).optional(),
  inviteToken: z.string().min(1).max(512).optional(),
});
export type SignUpRequest = z.infer<typeof SignUpRequest>;

export const SignUpResponse = z.object({
  userId: UserId,
  realm: RealmId,
});

export const UserState = z.enum(['enabled', 'disabled']);

/** `GET /user/me` (spec §1.9). */
export const UserProfile = z.object({
  userId: UserId,
  realm: z.string(),
  hrn: z.string(),
  email: z.string(),
  firstname: z.string(),
  lastname: z.string(),
  dob: z.string().optional(),
  countryCode: z.string().optional(),
  language: z.string().optional(),
  phoneNumber: z.string().optional(),
  emailVerified: z.boolean(),
  marketingEnabled: z.boolean(),
  state: UserState,
  createdTime: EpochMillis,
  updatedTime: EpochMillis,
});
export type UserProfile = z.infer<typeof UserProfile>;

/** `PATCH /user/me`: fields to change; `null` clears an optional field. */
export const UpdateProfileRequest = z
  .object({
    firstname: displayName(100),
    lastname: displayName(100),
    dob: DateOfBirth.nullable(),
    countryCode: CountryCode.nullable(),
    language: Language.nullable(),
    phoneNumber: PhoneNumber.nullable(),
    marketingEnabled: z.boolean(),
  })
  .partial();
export type UpdateProfileRequest = z.infer<typeof UpdateProfileRequest>;

export const ChangePasswordRequest = z.object({
  currentPassword: Password,
  newPassword: Password,
});

export const PasswordResetRequest = z.object({
  email: Email,
  realm: RealmId.optional(),
});

export const PasswordResetCompletion = z.object({
  token: z.string().min(1).max(512),
  password: Password,
});

export const OrgIdRecoveryRequest = z.object({ email: Email });

export const EmailVerification = z.object({ token: z.string().min(1).max(512) });

/** "Request invitation again": re-sends the pending invitations of an email address. */
export const InvitationRenewalRequest = z.object({ email: Email });

/** `POST /setup`: creates the first organization and its OrgAdmin with the one-time link printed at start-up. */
export const SetupRequest = z.object({
  token: z.string().min(1).max(512),
  realm: RealmId,
  organizationName: displayName(200),
  email: Email,
  password: Password,
  firstname: displayName(100),
  lastname: displayName(100),
});

export const SetupResponse = z.object({
  userId: UserId,
  realm: RealmId,
});
