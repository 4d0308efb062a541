import { type FormEvent, useState } from 'react';
import { call, post } from '../api';
import { useSession } from '../session';
import { ConfirmButton, Field, formValues, NoticeBox, PageTitle, useAction } from '../ui';

function ProfileForm() {
  const { me, refresh } = useSession();
  const { busy, notice, errors, run } = useAction();
  async function save(event: FormEvent<HTMLFormElement>) {
    const values = formValues(event);
    await run(async () => {
      await call('PATCH', '/user/me', {
        firstname: values.firstname,
        lastname: values.lastname,
        phoneNumber: values.phoneNumber || null,
        language: values.language || null,
        countryCode: values.countryCode || null,
      });
      await refresh();
    }, 'Your profile is saved.');
  }
  return (
    <section aria-labelledby="profile-heading">
      <h2 id="profile-heading">Profile</h2>
      <dl className="facts">
        <dt>Email address</dt>
        <dd>{me.email}</dd>
        <dt>orgId</dt>
        <dd>{me.realm}</dd>
        <dt>User ID</dt>
        <dd>{me.userId}</dd>
      </dl>
      <NoticeBox notice={notice} />
      <form onSubmit={(event) => void save(event)} noValidate>
        <Field
          label="First name"
          name="firstname"
          defaultValue={me.firstname}
          autoComplete="given-name"
          required
          error={errors.firstname}
        />
        <Field
          label="Last name"
          name="lastname"
          defaultValue={me.lastname}
          autoComplete="family-name"
          required
          error={errors.lastname}
        />
        <Field
          label="Phone number"
          name="phoneNumber"
          type="tel"
          defaultValue={me.phoneNumber ?? ''}
          autoComplete="tel"
          error={errors.phoneNumber}
        />
        <Field
          label="Language"
          name="language"
          defaultValue={me.language ?? ''}
          hint="A language tag such as en or de-CH."
          error={errors.language}
        />
        <Field
          label="Country code"
          name="countryCode"
          defaultValue={me.countryCode ?? ''}
          hint="Three letters, such as DEU."
          error={errors.countryCode}
        />
        <button type="submit" disabled={busy}>
          Save profile
        </button>
      </form>
    </section>
  );
}

function PasswordForm() {
  const { busy, notice, errors, run } = useAction();
  async function change(event: FormEvent<HTMLFormElement>) {
    const form = event.currentTarget;
    const values = formValues(event);
    const done = await run(
      () => post('/user/me/password', { currentPassword: values.currentPassword, newPassword: values.newPassword }),
      'Your password is changed.',
    );
    if (done) form.reset();
  }
  return (
    <section aria-labelledby="password-heading">
      <h2 id="password-heading">Change password</h2>
      <NoticeBox notice={notice} />
      <form onSubmit={(event) => void change(event)} noValidate>
        <Field
          label="Current password"
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          required
          error={errors.currentPassword}
        />
        <Field
          label="New password"
          name="newPassword"
          type="password"
          autoComplete="new-password"
          required
          hint="At least 12 characters; common passwords are refused."
          error={errors.newPassword}
        />
        <button type="submit" disabled={busy}>
          Change password
        </button>
      </form>
    </section>
  );
}

/**
 * Deactivation first, deletion only after it (FAQ): this session may still delete the deactivated account; signing
 * in again with the same email and password reactivates it.
 */
function DeactivateOrDelete() {
  const { end } = useSession();
  const [deactivated, setDeactivated] = useState(false);
  const [deleted, setDeleted] = useState(false);
  const { busy, notice, run } = useAction();

  if (deleted) {
    return (
      <section aria-labelledby="close-heading">
        <h2 id="close-heading">Account deleted</h2>
        <p role="status">Your account and all its data are deleted.</p>
        <button type="button" onClick={end}>
          Back to sign-in
        </button>
      </section>
    );
  }
  return (
    <section aria-labelledby="close-heading">
      <h2 id="close-heading">Deactivate or delete your account</h2>
      <NoticeBox notice={notice} />
      {deactivated ? (
        <>
          <p>
            Your account is deactivated. Sign in again with the same email address and password to reactivate it, or
            delete it for good.
          </p>
          <div className="actions">
            <ConfirmButton
              danger
              label="Delete account"
              title="Delete your account for good?"
              confirmLabel="Delete account and all its data"
              disabled={busy}
              onConfirm={async () => {
                const done = await run(() => call('DELETE', '/user/me'));
                if (done) setDeleted(true);
              }}
            >
              <p>
                All data of the account goes: your profile, your credentials, your sessions and your memberships. A
                deleted account and its data cannot be recovered.
              </p>
            </ConfirmButton>
            <button type="button" className="secondary" onClick={end}>
              Sign out
            </button>
          </div>
        </>
      ) : (
        <>
          <p>Deactivating keeps your data: you reactivate by signing in again. Deleting is possible after it.</p>
          <ConfirmButton
            danger
            label="Deactivate account"
            title="Deactivate your account?"
            confirmLabel="Deactivate account"
            disabled={busy}
            onConfirm={async () => {
              const done = await run(() => post('/user/me/deactivate'));
              if (done) setDeactivated(true);
            }}
          >
            <p>Your sessions and tokens stop working. Sign in again with the same email and password to reactivate.</p>
          </ConfirmButton>
        </>
      )}
    </section>
  );
}

export function AccountPage() {
  return (
    <>
      <PageTitle>Your account</PageTitle>
      <div className="columns">
        <ProfileForm />
        <PasswordForm />
      </div>
      <DeactivateOrDelete />
    </>
  );
}
