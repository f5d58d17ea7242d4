/**
 * The walk's browser: Debian's Chromium driven by playwright-core, a fresh context per test (no
 * test leans on another's session), logged in through the real login form.
 */
import fs from 'fs';
import path from 'path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require('./settings') as {
  stateFile: string;
  screenshotsDir: string;
  ADMIN: Person;
  EDITOR: Person;
  META_APP_SECRET: string;
};

export interface Person {
  email: string;
  password: string;
  firstname: string;
}

export const { ADMIN, EDITOR, META_APP_SECRET } = settings;

/** Where the app the global setup started listens. */
export const appUrl = (): string => (JSON.parse(fs.readFileSync(settings.stateFile, 'utf8')) as { url: string }).url;

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}

// Each person logs in through the form once per run; later tests start from that session (Strapi
// rate-limits the login form, as it should).
const sessions = new Map<string, Awaited<ReturnType<BrowserContext['storageState']>>>();

/** A new context of this person, logged in; resolves on a page of the admin. */
export async function logIn(browser: Browser, who: Person = ADMIN): Promise<{ context: BrowserContext; page: Page }> {
  const options = { viewport: { width: 1440, height: 900 }, locale: 'en-US', timezoneId: 'America/Mexico_City' };
  const saved = sessions.get(who.email);
  const context = await browser.newContext(saved ? { ...options, storageState: saved } : options);
  context.setDefaultTimeout(30000);
  const page = await context.newPage();
  if (saved) {
    await page.goto(`${appUrl()}/admin`);
    return { context, page };
  }
  await page.goto(`${appUrl()}/admin/auth/login`);
  await page.getByLabel(/email/i).fill(who.email);
  await page.getByLabel(/^password/i).fill(who.password);
  await page.getByRole('checkbox', { name: /remember me/i }).check();
  await page.getByRole('button', { name: /log ?in/i }).click();
  await page.waitForURL((url) => !url.pathname.includes('/auth/'));
  // Strapi's "new Media Library" announcement: closed once, as a person would.
  await page
    .getByText('Read blog post')
    .waitFor({ timeout: 3000 })
    // Its close button has no accessible name: the first button after the banner's link.
    .then(() => page.locator('xpath=//a[contains(., "Read blog post")]/following::button[1]').click(), () => undefined);
  sessions.set(who.email, await context.storageState());
  return { context, page };
}

/** A full-page screenshot in docs/screenshots/<name>.png (shown in the README). */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(settings.screenshotsDir, { recursive: true });
  await page.screenshot({ path: path.join(settings.screenshotsDir, `${name}.png`), fullPage: true });
}

/** The admin API as the logged-in page's user (the same JWT the admin uses). */
export async function adminToken(page: Page): Promise<string> {
  const token = await page.evaluate(() => window.localStorage.getItem('jwtToken') ?? window.sessionStorage.getItem('jwtToken'));
  if (!token) throw new Error('no admin token in the page');
  return JSON.parse(token) as string;
}
