import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { testBackend } from '../../../server/test/support/backend.js';

/** The Debian Chromium that CI installs (.ci/run): playwright-core drives it, it downloads no browser of its own. */
const CHROMIUM = process.env.GATEHOUSE_TEST_CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOTS = path.resolve(import.meta.dirname, '../../../../docs/screenshots');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A fresh browser profile (no cookies) that accepts downloads, on a desktop or a phone-sized screen. */
export async function openPage(
  browser: Browser,
  options: { phone?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    acceptDownloads: true,
    viewport: options.phone ? { width: 390, height: 844 } : { width: 1280, height: 900 },
    ...(options.phone ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
  });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  return { context, page };
}

/**
 * Writes a PNG of the page to docs/screenshots for the README. Only the SQLite run writes them, so that the two
 * backends do not overwrite each other's pictures.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (testBackend() !== 'sqlite') return;
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Signs in through the console's sign-in page and waits for the account page. */
export async function signInThroughPage(
  page: Page,
  baseUrl: string,
  account: { email: string; password: string },
  orgId?: string,
): Promise<void> {
  await page.goto(`${baseUrl}/console/sign-in`);
  await page.getByLabel('Email address').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (orgId) {
    await page.getByLabel('orgId').fill(orgId);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }
  await page.getByRole('heading', { level: 1, name: 'Your account' }).waitFor();
}
