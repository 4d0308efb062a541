import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type SignedIn, signIn, signUpAndSignIn } from '../../server/test/support/fixtures.js';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.js';
import { addMember } from './support/accounts.js';
import { launchBrowser, openPage, screenshot, signInThroughPage } from './support/browser.js';

/**
 * The Access Manager pages over the authorization v1.1 APIs: realm members search, roles, groups, projects, limits
 * and effective permissions (notes-authz-v11.md, notes-account-v1.md).
 */
describe('the Access Manager in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  let admin: SignedIn;
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

  async function adminPage(section?: string): Promise<Page> {
    admin = await signUpAndSignIn(server.api);
    const { context, page } = await openPage(browser);
    contexts.push(context);
    await signInThroughPage(page, server.url, admin);
    if (section) {
      await page.getByRole('link', { name: section }).click();
      await page.getByRole('heading', { level: 1 }).waitFor();
    }
    return page;
  }

  async function hrnOf(account: { email: string; password: string }): Promise<string> {
    const { accessToken } = await signIn(server.api, account);
    return (await server.api.get('/user/me', { token: accessToken })).body.hrn as string;
  }

  it('searches users on the server as you type, gives a role and deactivates a user', async () => {
    const page = await adminPage();
    const grace = await addMember(server, admin);
    await addMember(server, admin);
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('table').getByRole('row').nth(3).waitFor();

    const searched = page.waitForRequest((request) => /\/members\?.*q=Lovel/.test(request.url()));
    await page.getByLabel('Search users').pressSequentially('Lovel', { delay: 30 });
    await searched;
    await page.getByRole('cell', { name: admin.email, exact: true }).waitFor();
    // The admin's row was there before the search too: wait for the table to show the answer (header + one row).
    await expect.poll(() => page.getByRole('table').getByRole('row').count()).toBe(2);
    await screenshot(page, 'users');

    await page.getByLabel('Search users').fill(grace.email);
    await page.getByRole('cell', { name: grace.email, exact: true }).waitFor();
    await page.getByLabel('Role for Grace Hopper').selectOption({ label: 'OrgInviter' });
    await page.getByRole('button', { name: 'Give role to Grace Hopper' }).click();
    await page.getByRole('cell', { name: 'OrgInviter', exact: true }).waitFor();

    await page.getByRole('button', { name: 'Deactivate Grace Hopper' }).click();
    await page
      .getByRole('dialog', { name: 'Deactivate Grace Hopper?' })
      .getByRole('button', { name: 'Deactivate' })
      .click();
    await page.getByRole('cell', { name: 'disabled', exact: true }).waitFor();
    const refused = await server.api.post('/oauth2/token', {
      grantType: 'password',
      email: grace.email,
      password: grace.password,
    });
    expect(refused.status).toBe(401);
  });

  it('creates a group, adds a member, and deletes the group', async () => {
    const page = await adminPage('Groups');
    const member = await addMember(server, admin);
    const memberHrn = await hrnOf(member);
    await page.getByLabel('Group name').fill('Field team');
    await page.getByLabel('Description').fill('People on the road');
    await page.getByRole('button', { name: 'Create group' }).click();
    await page.getByRole('status').filter({ hasText: 'Group Field team created.' }).waitFor();
    await page.getByRole('button', { name: 'Members of Field team' }).click();
    const members = page.getByRole('region', { name: 'Members of Field team' });
    await members.getByLabel('Member HRN (user, app or group)').fill(memberHrn);
    await members.getByRole('button', { name: 'Add member' }).click();
    await members.getByText('Grace Hopper').waitFor();
    await screenshot(page, 'groups');

    const searched = page.waitForRequest((request) => /\/groups\?.*q=Field/.test(request.url()));
    await page.getByLabel('Search groups').fill('Field');
    await searched;
    await page.getByRole('button', { name: 'Delete Field team' }).click();
    await page
      .getByRole('dialog', { name: 'Delete group Field team?' })
      .getByRole('button', { name: 'Delete group' })
      .click();
    await page.getByRole('status').filter({ hasText: 'Group Field team deleted.' }).waitFor();
  });

  it('creates a project, makes it the default project of an app, and deletes it', async () => {
    const page = await adminPage('Projects');
    await page.getByLabel('Project ID').fill('delivery-0001');
    await page.getByLabel('Project name').fill('Delivery');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByRole('status').filter({ hasText: 'Project Delivery created.' }).waitFor();
    const projectHrn = `hrn:here:authorization::${admin.realm}:project/delivery-0001`;
    await page.getByText(projectHrn).waitFor();
    await screenshot(page, 'projects');

    const app = await server.api.post(
      '/authentication/v1.1/apps',
      { name: 'Scoped app' },
      { token: admin.accessToken },
    );
    expect(app.status, app.text).toBe(200);
    const member = await server.api.post(
      `/authorization/v1.1/projects/${encodeURIComponent(projectHrn)}/members/${encodeURIComponent(app.body.hrn)}`,
      undefined,
      { token: admin.accessToken },
    );
    expect([200, 201]).toContain(member.status);
    await page.goto(`${server.url}/console/apps/${encodeURIComponent(app.body.hrn)}`);
    const defaultProject = page.getByRole('region', { name: 'Default project' });
    await defaultProject.getByLabel('Project HRN').fill(projectHrn);
    await defaultProject.getByRole('button', { name: 'Save default project' }).click();
    await defaultProject.getByRole('status').filter({ hasText: 'Default project set.' }).waitFor();
    const scope = await server.api.get(`/authentication/v1.1/apps/${encodeURIComponent(app.body.hrn)}/defaultScope`, {
      token: admin.accessToken,
    });
    expect(scope.body.defaultScope).toBe(projectHrn);

    await page.getByRole('link', { name: 'Projects' }).click();
    await page.getByRole('button', { name: 'Delete Delivery' }).click();
    await page
      .getByRole('dialog', { name: 'Delete project Delivery?' })
      .getByRole('button', { name: 'Delete project' })
      .click();
    await page.getByRole('status').filter({ hasText: 'Project Delivery deleted.' }).waitFor();
  });

  it('lists the roles and who holds them', async () => {
    const page = await adminPage('Roles');
    await page.getByRole('button', { name: 'Members of OrgAdmin' }).click();
    await page.getByRole('region', { name: 'Who has OrgAdmin' }).getByText('Ada Lovelace').waitFor();
    await screenshot(page, 'roles');
  });

  it("shows the signed-in user's effective permissions", async () => {
    const page = await adminPage();
    // The creator of an app holds read, write, manage and share on it.
    const app = await server.api.post('/authentication/v1.1/apps', { name: 'Mine' }, { token: admin.accessToken });
    expect(app.status, app.text).toBe(200);
    await page.getByRole('link', { name: 'Permissions' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your effective permissions' }).waitFor();
    await page.getByRole('cell', { name: app.body.hrn, exact: true }).first().waitFor();
    await expect(page.getByRole('cell', { name: 'manage', exact: true }).count()).resolves.toBe(1);
    await screenshot(page, 'permissions');
  });

  it("shows the organization's limits", async () => {
    const page = await adminPage('Limits');
    await page.getByRole('heading', { level: 1, name: 'Organization limits' }).waitFor();
    await page.getByRole('cell', { name: 'MaxEntityApps' }).waitFor();
    await screenshot(page, 'limits');
  });
});
