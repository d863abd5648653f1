import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, ConsoleMessage, Page } from 'playwright-core';
import { chromium } from 'playwright-core';

/** Debian's Chromium (scripts/debian-test-packages.txt). Never a downloaded browser. */
export const CHROMIUM = process.env['PATCHWAVE_CHROMIUM'] ?? '/usr/bin/chromium';

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  /** A new tab (tabs share the profile, so the session cookie too). */
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Launches headless Chromium with a fresh profile in a temp dir (removed on close).
 * `bypassCSP` turns the page's Content-Security-Policy off, to prove that escaping alone keeps
 * hostile strings inert (with the CSP on, a mistake could hide behind it).
 */
export async function launchChromium(options: { bypassCSP?: boolean } = {}): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'patchwave-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 800 },
    bypassCSP: options.bypassCSP ?? false,
    acceptDownloads: false,
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  // The persistent context opens one blank tab; close it so every test page is explicit.
  for (const p of context.pages()) await p.close();
  return {
    context,
    async newPage(viewport) {
      const page = await context.newPage();
      if (viewport) await page.setViewportSize(viewport);
      return page;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Browser-side problems seen by a page: uncaught errors, console errors, CSP refusals. */
export interface PageProblems {
  errors: string[];
}

export function watchProblems(page: Page): PageProblems {
  const problems: PageProblems = { errors: [] };
  page.on('pageerror', (err) => problems.errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg: ConsoleMessage) => {
    if (msg.type() === 'error') problems.errors.push(`console: ${msg.text()}`);
  });
  return problems;
}
