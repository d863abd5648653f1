import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedFleet, seedHostname } from '../../server/src/testing/seed-fleet.js';
import { openSqliteStore } from '../../server/src/storage/sqlite/sqlite-store.js';
import { stop } from '../support/processes.js';
import type { Browser, PageProblems } from './support/chromium.js';
import { launchChromium, watchProblems } from './support/chromium.js';
import { ensureConsoleBuilt } from './support/console-build.js';
import { signIn, tableRows, unexpected, waitForText } from './support/console-page.js';
import { type ConsoleServer, startConsoleServer } from './support/console-server.js';
import { screenshot } from './support/screenshots.js';

/**
 * The device list over a few hundred devices, paged, sorted, searched and filtered by the
 * server. The fleet is written into the running server's SQLite file through the real
 * repositories and inventory service (a second connection, as a second server node would).
 */

const COUNT = 320;
let dir: string;
let server: ConsoleServer;
let token: string;
let browser: Browser;
let page: Page;
let problems: PageProblems;

const api = async <T>(path: string): Promise<T> => (await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } })).json() as Promise<T>;
const firstColumn = async () => (await tableRows(page, 'devices-table')).map((r) => r[0]);
const status = () => page.locator('.pager-status');

beforeAll(async () => {
  ensureConsoleBuilt();
  dir = mkdtempSync(join(tmpdir(), 'patchwave-browser-list-'));
  server = await startConsoleServer(dir);
  token = server.token;
  const store = await openSqliteStore(join(dir, 'data', 'patchwave.db'));
  try {
    await seedFleet(store, { count: COUNT, packages: 10 });
  } finally {
    await store.close();
  }
  browser = await launchChromium();
  page = await browser.newPage();
  problems = watchProblems(page);
  await signIn(page, server.url, 'admin', server.adminPassword);
});

afterAll(async () => {
  await browser?.close();
  if (server) await stop(server.proc, 'SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('device list with a few hundred devices', () => {
  it('pages through the server: first, next, last', async () => {
    await page.goto(`${server.url}/devices`);
    await waitForText(status(), `1–50 of ${COUNT} devices · page 1 of 7`);
    expect(await firstColumn()).toEqual(Array.from({ length: 50 }, (_, i) => seedHostname('node', i + 1)));
    await screenshot(page, '30-devices-page-1');

    // A full page replaced by the next one does not move anything.
    await page.evaluate(() => {
      const w = window as unknown as { __shift: number };
      w.__shift = 0;
      new PerformanceObserver((l) => l.getEntries().forEach((e) => (w.__shift += (e as PerformanceEntry & { value: number }).value))).observe({ type: 'layout-shift' });
    });
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await waitForText(status(), `51–100 of ${COUNT} devices · page 2 of 7`);
    await waitForText(page.getByTestId('devices-table').locator('tbody tr td').first(), seedHostname('node', 51));
    expect(await page.evaluate(() => (window as unknown as { __shift: number }).__shift)).toBe(0);
    expect(page.url()).toContain('offset=50');

    await page.getByRole('button', { name: 'Last', exact: true }).click();
    await waitForText(status(), `301–320 of ${COUNT} devices · page 7 of 7`);
    expect((await firstColumn()).at(-1)).toBe(seedHostname('node', COUNT));
    expect(await page.getByRole('button', { name: 'Next', exact: true }).isDisabled()).toBe(true);
  });

  it('sorts on the server by name, security updates and criticality, keeping the sort in the address', async () => {
    await page.goto(`${server.url}/devices`);
    await waitForText(status(), /^1–50 of 320/);
    await page.getByRole('button', { name: /^Name/ }).click();
    await waitForText(page.getByTestId('devices-table').locator('tbody tr td').first(), seedHostname('node', COUNT));
    expect(await page.getByRole('columnheader', { name: /^Name/ }).getAttribute('aria-sort')).toBe('descending');

    await page.getByRole('button', { name: /^Security/ }).click();
    const worst = await api<{ items: { hostname: string; counts: { securityUpdates: number } }[] }>('/api/v1/devices?sort=securityUpdates&order=desc&limit=50');
    await waitForText(page.getByTestId('devices-table').locator('tbody tr td').first(), worst.items[0]?.hostname ?? '');
    const shown = (await tableRows(page, 'devices-table')).map((r) => Number(r[3]));
    expect(shown).toEqual(worst.items.map((d) => d.counts.securityUpdates));
    expect(shown).toEqual([...shown].sort((a, b) => b - a));
    await screenshot(page, '31-devices-by-security-updates');

    await page.reload();
    await waitForText(page.getByTestId('devices-table').locator('tbody tr td').first(), worst.items[0]?.hostname ?? '');
    expect(await page.getByRole('columnheader', { name: /^Security/ }).getAttribute('aria-sort')).toBe('descending');

    await page.getByRole('button', { name: /^Criticality/ }).click();
    await waitForText(page.getByTestId('devices-table').locator('tbody tr td').nth(7), 'critical');
  });

  it('searches by name and filters by reboot, missing updates, OS and tag, with totals from the server', async () => {
    await page.goto(`${server.url}/devices`);
    await page.getByLabel('Name', { exact: true }).fill('node-0031');
    await waitForText(status(), '1–10 of 10 devices · page 1 of 1');
    expect(await firstColumn()).toEqual(Array.from({ length: 10 }, (_, i) => seedHostname('node', 310 + i)));

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await waitForText(status(), /^1–50 of 320/);
    await page.getByLabel('Reboot pending', { exact: true }).check();
    const reboot = await api<{ total: number }>('/api/v1/devices?reboot=required&limit=1');
    expect(reboot.total).toBeGreaterThan(0);
    await waitForText(status(), new RegExp(`of ${reboot.total} devices`));
    expect((await tableRows(page, 'devices-table')).every((r) => r[5] === 'reboot pending')).toBe(true);

    await page.getByLabel('Updates').selectOption('security');
    const both = await api<{ total: number }>('/api/v1/devices?reboot=required&missing=security&limit=1');
    await waitForText(status(), new RegExp(`of ${both.total} devices|^No`));
    expect(page.url()).toMatch(/reboot=required/);
    expect(page.url()).toMatch(/missing=security/);

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByLabel('OS', { exact: true }).fill('rocky');
    await page.getByLabel('OS', { exact: true }).press('Enter');
    const rocky = await api<{ total: number }>('/api/v1/devices?os=rocky&limit=1');
    await waitForText(status(), new RegExp(`of ${rocky.total} devices`));
    expect((await tableRows(page, 'devices-table')).every((r) => r[1]?.startsWith('Rocky Linux'))).toBe(true);

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByLabel('Tag', { exact: true }).fill('web');
    await page.getByLabel('Tag', { exact: true }).press('Enter');
    const web = await api<{ total: number }>('/api/v1/devices?tag=web&limit=1');
    await waitForText(status(), new RegExp(`of ${web.total} devices`));
    await screenshot(page, '32-devices-filtered');
  });

  it('shows 200 rows per page when asked, and the dashboard numbers lead to the same devices', async () => {
    await page.goto(`${server.url}/devices`);
    await page.getByLabel('Per page').selectOption('200');
    await waitForText(status(), '1–200 of 320 devices · page 1 of 2');
    expect(await firstColumn()).toHaveLength(200);

    await page.goto(`${server.url}/`);
    const summary = await api<{ rebootPending: number; securityUpdates: { devices: number } }>('/api/v1/fleet/summary');
    await waitForText(page.getByTestId('stat-devices'), String(COUNT));
    await waitForText(page.getByTestId('stat-reboot'), String(summary.rebootPending));
    await screenshot(page, '33-dashboard-320-devices');
    await page.getByRole('link', { name: /^Security updates/ }).click();
    await waitForText(status(), new RegExp(`of ${summary.securityUpdates.devices} devices`));
  });

  it('raised no script error', () => {
    expect(unexpected(problems.errors)).toEqual([]);
  });
});
