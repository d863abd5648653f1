import type { Locator, Page } from 'playwright-core';

/** Waits until `locator`'s text, trimmed, satisfies `want`; fails naming what it last saw. */
export async function waitForText(locator: Locator, want: string | RegExp, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    last = ((await locator.first().textContent({ timeout: Math.max(1, deadline - Date.now()) }).catch(() => null)) ?? '').trim();
    if (typeof want === 'string' ? last === want : want.test(last)) return last;
    if (Date.now() > deadline) throw new Error(`expected ${String(want)} in ${locator.toString()}, last saw "${last}"`);
    await locator.page().waitForTimeout(50);
  }
}

/** Fills the sign-in form the console shows when signed out, and submits it. */
export async function submitSignIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/**
 * Signs in with a username and password on the sign-in page (at `path`, default the dashboard)
 * and waits for that page's heading. Every tab of one browser context shares the session cookie.
 */
export async function signIn(page: Page, url: string, username: string, password: string, landing: { path?: string; heading?: string } = {}): Promise<void> {
  await page.goto(`${url}${landing.path ?? '/'}`);
  const form = page.getByRole('heading', { level: 1, name: 'Sign in' });
  const arrived = page.getByRole('heading', { level: 1, name: landing.heading ?? 'Dashboard' });
  await form.or(arrived).waitFor();
  // Tabs of one browser context share the session cookie: a later tab may already be signed in.
  if (await form.isVisible()) {
    await submitSignIn(page, username, password);
    await arrived.waitFor();
  }
}

/** Signs out through the console's own button and waits for the sign-in page. */
export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
}

/** Rows of the table with this test id, as arrays of cell texts. */
export async function tableRows(page: Page, testId: string): Promise<string[][]> {
  return page.locator(`[data-testid="${testId}"] tbody tr:not(.placeholder-row)`).evaluateAll((rows) =>
    rows.map((r) => Array.from(r.querySelectorAll('td'), (td) => (td.textContent ?? '').trim())),
  );
}

/** Errors a page should never show: uncaught exceptions, CSP refusals (refusals the tests provoke on purpose, such as a 401 or a 400, are expected). */
export function unexpected(errors: readonly string[]): string[] {
  return errors.filter((e) => !/Failed to load resource: the server responded with a status of (400|401|403|404)/.test(e));
}
