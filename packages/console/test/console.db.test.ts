import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  signIn,
  signUpAndSignIn,
  signUpOrganization,
  strongPassword,
  uniqueEmail,
} from '../../server/test/support/fixtures.js';
import { parseCredentialsProperties, requestToken } from '../../server/test/support/here-clients.js';
import { linkToken } from '../../server/test/support/mailbox.js';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.js';
import { addMember } from './support/accounts.js';
import { launchBrowser, openPage, screenshot, signInThroughPage } from './support/browser.js';

/** The name of the form field that has the keyboard focus. */
const focusedField = (page: Page) => page.evaluate<string>('document.activeElement?.getAttribute("name") ?? ""');

describe('the web console in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  const contexts: Array<{ close(): Promise<void> }> = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Script errors and Content-Security-Policy violations of every page: each test ends with none. */
  const pageProblems: string[] = [];
  afterEach(() => {
    expect(pageProblems.splice(0)).toEqual([]);
  });

  async function newPage(options?: { phone?: boolean }) {
    const opened = await openPage(browser, options);
    contexts.push(opened.context);
    opened.page.on('pageerror', (error) => pageProblems.push(error.message));
    opened.page.on('console', (message) => {
      if (/Content.Security.Policy/i.test(message.text())) pageProblems.push(message.text());
    });
    return opened.page;
  }

  it('signs in with email and password into HttpOnly cookies, and signs out', async () => {
    const account = await signUpOrganization(server.api, { firstname: 'Ada', lastname: 'Lovelace' });
    const page = await newPage();
    const response = await page.goto(`${server.url}/sign-in`);
    expect(page.url()).toBe(`${server.url}/console/sign-in`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await screenshot(page, 'sign-in');

    await signInThroughPage(page, server.url, account);
    await expect(page.getByText(account.realm).first().isVisible()).resolves.toBe(true);
    const cookies = await page.context().cookies();
    const session = cookies.find((cookie) => cookie.name === 'gh_session');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Strict');
    // The page's script sees the CSRF token, never the access token.
    const visible = await page.evaluate<string>('document.cookie');
    expect(visible).toContain('gh_csrf=');
    expect(visible).not.toContain('gh_session');
    await screenshot(page, 'account');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await page.goto(`${server.url}/console/account`);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  });

  it("edits the profile and changes the password, with the server's field errors on the fields", async () => {
    const account = await signUpOrganization(server.api);
    const page = await newPage();
    await signInThroughPage(page, server.url, account);
    const profile = page.getByRole('region', { name: 'Profile' });
    await profile.getByLabel('First name').fill('Augusta');
    await profile.getByLabel('Country code').fill('not a country');
    await profile.getByRole('button', { name: 'Save profile' }).click();
    await profile.getByRole('alert').waitFor();
    await expect(profile.getByLabel('Country code').getAttribute('aria-invalid')).resolves.toBe('true');
    await profile.getByLabel('Country code').fill('GBR');
    await profile.getByRole('button', { name: 'Save profile' }).click();
    await profile.getByRole('status').filter({ hasText: 'Your profile is saved.' }).waitFor();
    await page.getByRole('banner').getByText('Augusta Lovelace').waitFor();

    const password = page.getByRole('region', { name: 'Change password' });
    const newPassword = strongPassword();
    await password.getByLabel('Current password').fill('not my password at all');
    await password.getByLabel('New password').fill(newPassword);
    await password.getByRole('button', { name: 'Change password' }).click();
    await password.getByRole('alert').waitFor();
    await password.getByLabel('Current password').fill(account.password);
    await password.getByLabel('New password').fill(newPassword);
    await password.getByRole('button', { name: 'Change password' }).click();
    await password.getByRole('status').filter({ hasText: 'Your password is changed.' }).waitFor();
    await expect(password.getByLabel('New password').inputValue()).resolves.toBe('');
    const signedIn = await server.api.post('/web/session', { email: account.email, password: newPassword });
    expect(signedIn.status).toBe(200);
  });

  it('asks for the orgId only when the email address is in several organizations', async () => {
    const email = uniqueEmail('twice');
    const password = strongPassword();
    const first = await signUpOrganization(server.api, { email, password });
    await signUpOrganization(server.api, { email, password });
    const page = await newPage();
    await page.goto(`${server.url}/console/sign-in`);
    await expect(page.getByLabel('orgId').count()).resolves.toBe(0);
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'accounts in several organizations' }).waitFor();
    // The orgId field appears and takes the focus.
    await expect(focusedField(page)).resolves.toBe('realm');
    await screenshot(page, 'sign-in-orgid');
    await page.getByLabel('orgId').fill(first.realm);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your account' }).waitFor();
    await expect(page.getByText(first.realm).first().isVisible()).resolves.toBe(true);
  });

  it('tells the last OrgAdmin why the account cannot be deactivated', async () => {
    const admin = await signUpOrganization(server.api);
    const page = await newPage();
    await signInThroughPage(page, server.url, admin);
    await page.getByRole('button', { name: 'Deactivate account' }).click();
    await page
      .getByRole('dialog', { name: 'Deactivate your account?' })
      .getByRole('button', { name: 'Deactivate account' })
      .click();
    await page.getByRole('alert').filter({ hasText: 'at least one active OrgAdmin' }).waitFor();
    await expect(page.getByRole('button', { name: 'Delete account' }).count()).resolves.toBe(0);
  });

  it('says when the password is wrong, and that sign-in is locked after five wrong passwords', async () => {
    const account = await signUpOrganization(server.api);
    const page = await newPage();
    await page.goto(`${server.url}/console/sign-in`);
    await page.getByLabel('Email address').fill(account.email);
    const attempt = async (password: string) => {
      await page.getByLabel('Password').fill(password);
      const answered = page.waitForResponse((response) => response.url().endsWith('/web/session'));
      await page.getByRole('button', { name: 'Sign in' }).click();
      expect((await answered).status()).toBe(401);
      return page.getByRole('alert').textContent();
    };
    for (let count = 1; count <= 4; count++) {
      await expect(attempt(`wrong password number ${count}`)).resolves.toContain('Wrong email address or password');
    }
    // The fifth wrong password locks sign-in; from then on even the right one is refused.
    await expect(attempt('wrong password number 5')).resolves.toMatch(/Sign-in is locked .* Wait \d+ minutes/);
    await expect(attempt(account.password)).resolves.toMatch(/Sign-in is locked/);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Sign in');
    await screenshot(page, 'sign-in-locked');
  });

  it('resets a forgotten password with the link the mail brings, which also unlocks sign-in', async () => {
    const account = await signUpOrganization(server.api);
    const page = await newPage();
    await page.goto(`${server.url}/console/sign-in`);
    await page.getByRole('button', { name: 'Forgot your password?' }).click();
    await page.getByRole('alert').filter({ hasText: 'Enter your email address first' }).waitFor();
    await expect(focusedField(page)).resolves.toBe('email');

    const before = server.mailbox.for(account.email).length;
    await page.getByLabel('Email address').fill(account.email);
    await page.getByRole('button', { name: 'Forgot your password?' }).click();
    await page.getByRole('status').filter({ hasText: 'a mail with a link to set a new password' }).waitFor();
    const mail = await server.mailbox.next(account.email, before);
    const token = linkToken(mail, '/reset-password');

    const newPassword = strongPassword();
    await page.goto(`${server.url}/reset-password#token=${token}`);
    await page.getByLabel('New password').fill(newPassword);
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.getByText('Your password is set.').waitFor();
    expect(page.url()).not.toContain(token);

    await signInThroughPage(page, server.url, { email: account.email, password: newPassword });
  });

  it('mails the orgIds of a forgotten orgId, and invitations again on request', async () => {
    const account = await signUpOrganization(server.api);
    const page = await newPage();
    await page.goto(`${server.url}/console/sign-in`);
    await page.getByLabel('Email address').fill(account.email);
    const before = server.mailbox.for(account.email).length;
    await page.getByRole('button', { name: 'Forgot your orgId?' }).click();
    await page.getByRole('status').filter({ hasText: 'a mail with their orgIds' }).waitFor();
    const mail = await server.mailbox.next(account.email, before);
    expect(mail.text).toContain(account.realm);
  });

  it('invites a user, who accepts through the mailed link, asks for the invitation again and signs in', async () => {
    const admin = await signUpOrganization(server.api);
    const invitee = { email: uniqueEmail('invitee'), password: strongPassword() };
    const page = await newPage();
    await signInThroughPage(page, server.url, admin);
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
    const invite = page.getByRole('region', { name: 'Invite a user' });
    await invite.getByLabel('Email address').fill(invitee.email);
    await invite.getByLabel('First name').fill('Grace');
    await invite.getByLabel('Last name').fill('Hopper');
    await invite.getByRole('button', { name: 'Send invitation' }).click();
    await invite
      .getByRole('status')
      .filter({ hasText: `Invitation sent to ${invitee.email}` })
      .waitFor();
    const first = await server.mailbox.next(invitee.email, 0);
    await page.getByRole('region', { name: 'Pending invitations' }).getByText(invitee.email, { exact: true }).waitFor();

    // Lost it: "Request invitation again" on the sign-in page mails a new one.
    const stranger = await newPage();
    await stranger.goto(`${server.url}/console/sign-in`);
    await stranger.getByLabel('Email address').fill(invitee.email);
    await stranger.getByRole('button', { name: 'Request invitation again' }).click();
    await stranger.getByRole('status').filter({ hasText: 'pending invitations, they were sent again' }).waitFor();
    const again = await server.mailbox.next(invitee.email, 1);
    const token = linkToken(again, '/accept-invitation');
    expect(token).not.toBe(linkToken(first, '/accept-invitation'));

    await stranger.goto(`${server.url}/accept-invitation#token=${token}`);
    await stranger.getByText(`${invitee.email} is invited to`).waitFor();
    await expect(stranger.getByLabel('First name').inputValue()).resolves.toBe('Grace');
    await stranger.getByLabel('Password').fill(invitee.password);
    await stranger.getByRole('button', { name: 'Accept invitation' }).click();
    await stranger.getByText('You can sign in now.').waitFor();
    await signInThroughPage(stranger, server.url, invitee);
    await expect(stranger.getByText(admin.realm).first().isVisible()).resolves.toBe(true);
  });

  it('deactivates an account, reactivates it by signing in, and deletes it only after deactivation', async () => {
    const admin = await signUpAndSignIn(server.api);
    const account = await addMember(server, admin);
    const page = await newPage();
    await signInThroughPage(page, server.url, account);
    await expect(page.getByRole('button', { name: 'Delete account' }).count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Deactivate account' }).click();
    const deactivate = page.getByRole('dialog', { name: 'Deactivate your account?' });
    await deactivate.getByRole('button', { name: 'Deactivate account' }).click();
    await page.getByText('Your account is deactivated.').waitFor();
    // Its tokens stopped working: a password grant still works and reactivates (FAQ).
    await signInThroughPage(page, server.url, account);
    await page.getByRole('button', { name: 'Deactivate account' }).click();
    await page
      .getByRole('dialog', { name: 'Deactivate your account?' })
      .getByRole('button', { name: 'Deactivate account' })
      .click();
    await page.getByRole('button', { name: 'Delete account' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete your account for good?' });
    await expect(confirm.textContent()).resolves.toContain('All data of the account goes');
    await screenshot(page, 'account-delete');
    await confirm.getByRole('button', { name: 'Delete account and all its data' }).click();
    await page.getByText('Your account and all its data are deleted.').waitFor();

    await page.getByRole('button', { name: 'Back to sign-in' }).click();
    await page.getByLabel('Email address').fill(account.email);
    await page.getByLabel('Password').fill(account.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong email address or password' }).waitFor();
  });

  it('generates an app, creates and rotates API keys, and creates credentials whose file gets a token', async () => {
    const admin = await signUpOrganization(server.api);
    const page = await newPage();
    await signInThroughPage(page, server.url, admin);
    // Every API call of a signed-in page repeats the session's CSRF token.
    const calls: Array<{ url: string; csrf: string | undefined }> = [];
    page.on('request', (request) => {
      if (request.resourceType() === 'fetch')
        calls.push({ url: request.url(), csrf: request.headers()['x-csrf-token'] });
    });
    await page.getByRole('link', { name: 'Apps' }).click();
    await page.getByRole('heading', { level: 1, name: 'Apps' }).waitFor();
    await page.getByRole('button', { name: 'Generate app' }).click();
    // The server's field error lands on the field.
    await page.getByLabel('App name').fill('Delivery <b>tracker</b>');
    await page.getByRole('button', { name: 'Generate app' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /invalid|Invalid/ })
      .waitFor();
    await expect(page.getByLabel('App name').getAttribute('aria-invalid')).resolves.toBe('true');
    await page.getByLabel('App name').fill('Delivery tracker');
    await page.getByLabel('Description').fill('<img src=x onerror=alert(1)>');
    await page.getByRole('button', { name: 'Generate app' }).click();
    await page.getByRole('heading', { level: 1, name: 'Delivery tracker' }).waitFor();

    const apiKeys = page.getByRole('region', { name: 'API keys' });
    const shownKey = async () => {
      const box = apiKeys.getByRole('region', { name: 'New API key' });
      const key = (await box.locator('code.secret').textContent()) ?? '';
      await box.getByRole('button', { name: 'Done' }).click();
      await expect(page.content()).resolves.not.toContain(key);
      return key;
    };
    await apiKeys.getByRole('button', { name: 'Create API key' }).click();
    await apiKeys.getByRole('status').filter({ hasText: 'API key created.' }).waitFor();
    const firstKey = await shownKey();
    expect(firstKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const withKey = (key: string) => server.api.get(`/app/me?apiKey=${encodeURIComponent(key)}`);
    expect((await withKey(firstKey)).status).toBe(200);

    await apiKeys.getByRole('button', { name: 'Rotate API key 1' }).click();
    await page.getByRole('dialog', { name: 'Rotate API key 1?' }).getByRole('button', { name: 'Rotate' }).click();
    await apiKeys.getByRole('status').filter({ hasText: 'API key rotated' }).waitFor();
    await screenshot(page, 'api-key');
    const rotatedKey = await shownKey();
    expect(rotatedKey).not.toBe(firstKey);
    expect((await withKey(rotatedKey)).status).toBe(200);
    expect((await withKey(firstKey)).status).toBe(401);
    await expect(apiKeys.getByRole('listitem').count()).resolves.toBe(1);

    const credentials = page.getByRole('region', { name: 'OAuth 2.0 credentials' });
    const downloading = page.waitForEvent('download');
    await credentials.getByRole('button', { name: 'Create credentials' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe('credentials.properties');
    const file = await readFile((await download.path()) ?? '', 'utf8');
    const parsed = parseCredentialsProperties(file);
    const shown = credentials.getByRole('region', { name: 'New credentials' });
    await expect(shown.textContent()).resolves.toContain(parsed.accessKeySecret);
    await screenshot(page, 'credentials');

    // The file as downloaded gets a token, signed with OAuth 1.0 the way HERE's clients sign.
    const answer = await requestToken('java', parsed);
    expect(answer.status).toBe(200);
    const token = (await answer.json()) as { access_token: string };
    expect(token.access_token).toMatch(/^eyJ/);

    // Dismissed, the secret is gone from the page.
    await shown.getByRole('button', { name: 'Done' }).click();
    await expect(page.content()).resolves.not.toContain(parsed.accessKeySecret);
    await credentials.getByRole('cell', { name: parsed.accessKeyId, exact: true }).waitFor();

    await credentials.getByRole('button', { name: `Disable ${parsed.accessKeyId}` }).click();
    await credentials.getByRole('status').filter({ hasText: 'Access key disabled.' }).waitFor();
    expect((await requestToken('java', parsed)).status).toBe(401);
    await credentials.getByRole('button', { name: 'Delete' }).click();
    await page
      .getByRole('dialog', { name: `Delete access key ${parsed.accessKeyId}?` })
      .getByRole('button', { name: 'Delete' })
      .click();
    await credentials.getByRole('status').filter({ hasText: 'Access key deleted.' }).waitFor();

    await page.getByRole('button', { name: 'Disable app' }).click();
    await page.getByRole('dialog', { name: 'Disable this app?' }).getByRole('button', { name: 'Disable app' }).click();
    await page.getByRole('button', { name: 'Enable app' }).waitFor();
    expect((await withKey(rotatedKey)).status).toBe(401);
    await page.getByRole('button', { name: 'Delete app' }).click();
    await page.getByRole('dialog', { name: 'Delete this app?' }).getByRole('button', { name: 'Delete app' }).click();
    await page.getByRole('heading', { level: 1, name: 'Apps' }).waitFor();
    await page.getByText('No apps yet.').waitFor();
    const csrf = (await page.context().cookies()).find((cookie) => cookie.name === 'gh_csrf')?.value;
    expect(calls.length).toBeGreaterThan(10);
    expect(calls.filter((call) => call.csrf !== csrf)).toEqual([]);
  });

  it('is usable with the keyboard alone, and on a phone-sized screen', async () => {
    const account = await signUpOrganization(server.api);
    const page = await newPage({ phone: true });
    await page.goto(`${server.url}/console/sign-in`);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await expect(page.evaluate<boolean>('document.activeElement?.tagName === "H1"')).resolves.toBe(true);
    await page.keyboard.press('Tab');
    await page.keyboard.type(account.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(account.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Your account' }).waitFor();
    // Nothing wider than the screen: no sideways scrolling on a phone.
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'account-phone');
  });

  it('adds an app manager and shares the app with another member of the organization', async () => {
    const admin = await signUpAndSignIn(server.api);
    const member = await addMember(server, admin);
    const page = await newPage();
    await signInThroughPage(page, server.url, admin);
    await page.getByRole('link', { name: 'Apps' }).click();
    await page.getByRole('button', { name: 'Generate app' }).click();
    await page.getByLabel('App name').fill('Shared app');
    await page.getByRole('button', { name: 'Generate app' }).click();
    await page.getByRole('heading', { level: 1, name: 'Shared app' }).waitFor();
    const appHrn = (await page.locator('dd code').nth(1).textContent()) ?? '';

    const sharing = page.getByRole('region', { name: 'Managers and sharing' });
    await sharing.getByLabel('User, app or group ID').fill(member.userId);
    await sharing.getByLabel('Access').selectOption('manage');
    await sharing.getByRole('button', { name: 'Grant access' }).click();
    await sharing.getByRole('status').filter({ hasText: 'Manager added.' }).waitFor();
    await sharing.getByRole('cell', { name: 'manage, read, write' }).waitFor();
    const memberToken = (await signIn(server.api, member)).accessToken;
    const asMember = (action: string) =>
      server.api.get(`/authentication/v1.1/apps?action=${action}`, { token: memberToken });
    expect((await asMember('manage')).body.items.map((app: { hrn: string }) => app.hrn)).toEqual([appHrn]);
    expect((await asMember('share')).body.items).toEqual([]);

    await sharing.getByRole('button', { name: `Remove access of ${member.userId}` }).click();
    await sharing.getByRole('status').filter({ hasText: 'Access removed.' }).waitFor();
    expect((await asMember('manage')).body.items).toEqual([]);
    await sharing.getByLabel('User, app or group ID').fill(member.userId);
    await sharing.getByLabel('Access').selectOption('share');
    await sharing.getByRole('button', { name: 'Grant access' }).click();
    await sharing.getByRole('status').filter({ hasText: 'App shared.' }).waitFor();
    expect((await asMember('share')).body.items.map((app: { hrn: string }) => app.hrn)).toEqual([appHrn]);
  });
});

describe('a console session past its access token', () => {
  it('refreshes the session cookies once the access token expired, and goes on', async () => {
    let now = Date.now();
    const server = await startTestServer({ clock: () => now });
    const browser = await launchBrowser();
    try {
      const account = await signUpOrganization(server.api);
      const { context, page } = await openPage(browser);
      await signInThroughPage(page, server.url, account);
      const before = (await context.cookies()).find((cookie) => cookie.name === 'gh_session')?.value;
      now += 2 * 3600_000; // the one-hour access token has expired; the refresh token has not
      const refreshed = page.waitForResponse((response) => response.url().endsWith('/web/session/refresh'));
      await page.getByRole('link', { name: 'Apps' }).click();
      expect((await refreshed).status()).toBe(200);
      await page.getByText('No apps yet.').waitFor();
      const after = (await context.cookies()).find((cookie) => cookie.name === 'gh_session')?.value;
      expect(after).toBeTruthy();
      expect(after).not.toBe(before);
    } finally {
      await browser.close();
      await server.close();
    }
  });
});
