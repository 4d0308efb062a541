import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ApiError, ErrorCodes, post } from '../api';
import { Field, NoticeBox, PageTitle, useAction } from '../ui';

/** What each help link asks the server for; every answer is the same whether or not the address has an account. */
const HELP = {
  password: {
    path: '/user/password/reset',
    done: 'If the address has an account, a mail with a link to set a new password is on its way.',
  },
  orgId: { path: '/user/orgid/recovery', done: 'If the address has accounts, a mail with their orgIds is on its way.' },
  invitation: {
    path: '/user/invites/renewal',
    done: 'If the address has pending invitations, they were sent again.',
  },
} as const;

function signInMessage(error: unknown): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  if (error.errorCode === ErrorCodes.invalidCredentials) {
    return 'Wrong email address or password. After five wrong attempts, sign-in is locked for a while.';
  }
  if (error.errorCode === ErrorCodes.locked) {
    // The server says how long: "Sign-in is locked after too many invalid attempts. Wait 15 minutes …".
    return error.message;
  }
  if (error.errorCode === ErrorCodes.realmRequired) {
    return 'Your email address has accounts in several organizations. Enter the orgId of the one to sign in to.';
  }
  return undefined;
}

export function SignInPage({ onSignedIn }: { onSignedIn: () => Promise<void> }) {
  const [askOrgId, setAskOrgId] = useState(false);
  const { busy, notice, setNotice, errors, run } = useAction();
  const form = useRef<HTMLFormElement>(null);
  const orgIdInput = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (askOrgId) orgIdInput.current?.focus();
  }, [askOrgId]);

  const value = (name: string) => {
    const element = form.current?.elements.namedItem(name);
    return element instanceof HTMLInputElement ? element.value.trim() : '';
  };

  async function signIn(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const realm = value('realm');
    const result = await run(async () => {
      try {
        await post('/web/session', { email: value('email'), password: value('password'), ...(realm ? { realm } : {}) });
        return true;
      } catch (error) {
        if (error instanceof ApiError && error.errorCode === ErrorCodes.realmRequired) {
          setAskOrgId(true);
        }
        const message = signInMessage(error);
        if (message && error instanceof ApiError) throw new ApiError(error.status, { message });
        throw error;
      }
    });
    if (result) await onSignedIn();
  }

  async function help(kind: keyof typeof HELP) {
    const email = value('email');
    if (!email) {
      setNotice({ kind: 'error', text: 'Enter your email address first.' });
      form.current?.querySelector<HTMLInputElement>('input[name=email]')?.focus();
      return;
    }
    const realm = value('realm');
    await run(
      () => post(HELP[kind].path, kind === 'password' && realm ? { email, realm } : { email }),
      HELP[kind].done,
    );
  }

  return (
    <>
      <PageTitle>Sign in</PageTitle>
      <p className="intro">Sign in with your email address and password.</p>
      <NoticeBox notice={notice} />
      <form ref={form} onSubmit={(event) => void signIn(event)} noValidate>
        <Field label="Email address" name="email" type="email" autoComplete="username" required error={errors.email} />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          error={errors.password}
        />
        {askOrgId ? (
          <Field
            ref={orgIdInput}
            label="orgId"
            name="realm"
            autoComplete="organization"
            hint="Your email address has accounts in several organizations."
            error={errors.realm}
          />
        ) : null}
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
      <nav className="help-links" aria-label="Account help">
        <button type="button" className="link" onClick={() => void help('password')}>
          Forgot your password?
        </button>
        <button type="button" className="link" onClick={() => void help('orgId')}>
          Forgot your orgId?
        </button>
        <button type="button" className="link" onClick={() => void help('invitation')}>
          Request invitation again
        </button>
      </nav>
    </>
  );
}
