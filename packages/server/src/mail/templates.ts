/** A rendered mail: a plain-text body and an HTML body with every interpolated value escaped. */
export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function render(subject: string, paragraphs: readonly (string | { link: string; label: string })[]): MailContent {
  const text = paragraphs.map((part) => (typeof part === 'string' ? part : `${part.label}: ${part.link}`)).join('\n\n');
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5">${paragraphs
    .map((part) =>
      typeof part === 'string'
        ? `<p>${escapeHtml(part)}</p>`
        : `<p><a href="${escapeHtml(part.link)}">${escapeHtml(part.label)}</a></p>`,
    )
    .join('')}</body></html>`;
  return { subject, text, html };
}

const minutes = (seconds: number) => Math.round(seconds / 60);

export const mailTemplates = {
  emailVerification: (link: string, ttlSeconds: number) =>
    render('Confirm your email address', [
      'Confirm that this email address belongs to your Gatehouse account.',
      { link, label: 'Confirm email address' },
      `The link works once and expires in ${Math.round(ttlSeconds / 3600)} hours.`,
    ]),

  passwordReset: (accounts: readonly { realm: string; organizationName: string; link: string }[], ttl: number) =>
    render('Reset your password', [
      'Someone asked to reset the password of your Gatehouse account. If it was not you, ignore this mail: your password stays as it is.',
      ...accounts
        .flatMap((account) => [
          accounts.length > 1 ? `Organization ${account.organizationName} (orgId ${account.realm}):` : '',
          { link: account.link, label: 'Choose a new password' },
        ])
        .filter((part) => part !== ''),
      `Each link works once and expires in ${minutes(ttl)} minutes.`,
    ]),

  orgIdRecovery: (organizations: readonly { realm: string; name: string }[], signInUrl: string) =>
    render('Your organization IDs', [
      'Your email address has accounts in these organizations:',
      ...organizations.map((organization) => `${organization.name}: orgId ${organization.realm}`),
      { link: signInUrl, label: 'Sign in' },
    ]),

  invitation: (options: { organizationName: string; realm: string; link: string; expiresAt: number }) =>
    render(`You are invited to ${options.organizationName}`, [
      `You are invited to join the organization ${options.organizationName} (orgId ${options.realm}) on Gatehouse.`,
      { link: options.link, label: 'Accept the invitation' },
      `The invitation expires on ${new Date(options.expiresAt).toUTCString()}. If it has expired, use "Request invitation again" on the sign-in page.`,
    ]),
};
