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

/** Signs in on the sign-in page the console shows to a new tab, and waits for the dashboard. */
export async function signIn(page: Page, url: string, token: string): Promise<void> {
  await page.goto(`${url}/`);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
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
