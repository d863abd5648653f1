import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleFacts, sampleInventory } from '../../server/src/testing/facts.js';
import { stop } from '../support/processes.js';
import type { Browser, PageProblems } from './support/chromium.js';
import { launchChromium, watchProblems } from './support/chromium.js';
import { ensureConsoleBuilt } from './support/console-build.js';
import { signIn, unexpected } from './support/console-page.js';
import { type ConsoleServer, startConsoleServer } from './support/console-server.js';
import type { FakeAgent } from './support/fake-agent.js';
import { enrollFakeAgent } from './support/fake-agent.js';
import { screenshot } from './support/screenshots.js';

/**
 * A hostile agent reports markup in its hostname, OS name, a package name and an update's name
 * and title. The console must show every one as text and run nothing. The page's CSP is
 * bypassed here, so that only the rendering stands between the payload and execution.
 */

const HOSTNAME = `<script>window.__xss='hostname'</script><img src=x onerror="window.__xss='hostname-img'">`;
const DISTRO = `Evil<img src=x onerror="window.__xss='distro'">OS`;
const PACKAGE = `"><img src=x onerror=window.__xss='package'>`;
const UPDATE_NAME = `'><svg onload=window.__xss='update'>`;
const UPDATE_TITLE = `<img src=x onerror="window.__xss='title'"><script>window.__xss='title-script'</script>`;
const ADVISORY = `<a href="javascript:window.__xss='advisory'">DSA</a>`;

let dir: string;
let server: ConsoleServer;
let browser: Browser;
let agent: FakeAgent;
let problems: PageProblems;
let page: Page;

/** Nothing ran and no element came out of a payload: no <img src=x>, no <svg onload>, no inline <script>, no javascript: link. */
async function assertInert(p: Page): Promise<void> {
  expect(await p.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
  const injected = await p.evaluate(() => ({
    img: document.querySelectorAll('img[src="x"]').length,
    svg: document.querySelectorAll('svg[onload]').length,
    inlineScripts: Array.from(document.scripts).filter((s) => !s.src).length,
    handlers: Array.from(document.querySelectorAll('*')).filter((el) => Array.from(el.attributes).some((a) => a.name.startsWith('on'))).length,
    jsLinks: document.querySelectorAll('a[href^="javascript:"]').length,
  }));
  expect(injected).toEqual({ img: 0, svg: 0, inlineScripts: 0, handlers: 0, jsLinks: 0 });
}

/** The exact string is on the page as text. */
async function assertShownAsText(p: Page, text: string): Promise<void> {
  await p.getByText(text, { exact: true }).first().waitFor();
}

beforeAll(async () => {
  ensureConsoleBuilt();
  dir = mkdtempSync(join(tmpdir(), 'patchwave-browser-xss-'));
  server = await startConsoleServer(dir);
  const facts = sampleFacts({ hostname: HOSTNAME, os: { platform: 'linux', distro: DISTRO, release: '1', id: 'evil', kernel: '<b>6.1</b>', arch: 'x64' } });
  const inventory = sampleInventory(
    [
      { manager: 'apt', name: PACKAGE, version: '1.0<i>x</i>', arch: 'amd64' },
      { manager: 'apt', name: 'zlib1g', version: '1:1.2.13.dfsg-1', arch: 'amd64' },
    ],
    {
      facts,
      updates: [
        { manager: 'apt', name: UPDATE_NAME, arch: 'amd64', installedVersion: '1', candidateVersion: '2', security: true, title: UPDATE_TITLE, advisories: [ADVISORY], cves: [] },
      ],
      reboot: { required: true, reasons: ['<script>window.__xss="reboot"</script>'], packages: [] },
    },
  );
  agent = await enrollFakeAgent(server.url, server.token, inventory);
  browser = await launchChromium({ bypassCSP: true });
  page = await browser.newPage();
  problems = watchProblems(page);
  await signIn(page, server.url, 'admin', server.adminPassword);
});

afterAll(async () => {
  agent?.close();
  await browser?.close();
  if (server) await stop(server.proc, 'SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('agent-reported strings are text, never markup', () => {
  it('on the dashboard', async () => {
    await page.getByTestId('worst-devices').getByRole('link', { name: HOSTNAME, exact: true }).waitFor();
    await assertInert(page);
    await screenshot(page, '20-xss-dashboard');
  });

  it('in the device list', async () => {
    await page.goto(`${server.url}/devices`);
    await page.getByTestId('devices-table').getByRole('link', { name: HOSTNAME, exact: true }).waitFor();
    await assertShownAsText(page, `${DISTRO} 1`);
    await assertInert(page);
    await screenshot(page, '21-xss-devices');
  });

  it('on the device page: hostname, facts, installed software and available updates', async () => {
    await page.goto(`${server.url}/devices/${agent.deviceId}`);
    await page.getByRole('heading', { level: 1, name: HOSTNAME, exact: true }).waitFor();
    // The title follows the heading in an effect: wait for it rather than read it once.
    await expect.poll(() => page.title(), { timeout: 10_000 }).toBe(`${HOSTNAME} · patchwave`);
    await assertShownAsText(page, '<b>6.1</b>');
    await assertShownAsText(page, 'required: <script>window.__xss="reboot"</script>');
    await page.getByTestId('packages-table').getByText(PACKAGE, { exact: true }).waitFor();
    await assertShownAsText(page, '1.0<i>x</i>');
    await assertInert(page);
    // Searching for a piece of the payload goes to the server as data and comes back as text.
    await page.getByLabel('Package name').fill('<img');
    await page.waitForURL(/name=%3Cimg/);
    await page.getByTestId('packages-table').getByText(PACKAGE, { exact: true }).waitFor();
    await assertInert(page);
    await screenshot(page, '22-xss-device-software');

    await page.getByRole('tab', { name: /Available updates/ }).click();
    await page.getByTestId('updates-table').getByText(UPDATE_NAME, { exact: true }).waitFor();
    await assertShownAsText(page, UPDATE_TITLE);
    await assertShownAsText(page, ADVISORY);
    await assertInert(page);
    await screenshot(page, '23-xss-device-updates');
  });

  it('in the audit log', async () => {
    await page.goto(`${server.url}/audit`);
    await page.getByTestId('audit-table').getByText(/window\.__xss='hostname'/).first().waitFor();
    await assertInert(page);
  });

  it('and no script error happened on the way', () => {
    expect(unexpected(problems.errors)).toEqual([]);
  });
});
