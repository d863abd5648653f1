/**
 * Console load benchmark (issue 7: "first load of the dashboard under 1 s on localhost with 10,000
 * devices"). Seeds N devices (default 10,000) with inventories into a SQLite store through the
 * real repositories, starts a real server process on it, and measures in Debian's Chromium:
 *
 * - dashboard first load: navigation start → the fleet numbers and the worst-devices table on screen;
 * - device list render: navigation start → 50 rows on screen (first page, sorted by missing
 *   security updates, and the last page), and a client-side page change (click → new rows);
 * - the API calls behind them, timed from Node.
 *
 * Cold = the first navigation of a fresh browser profile; warm = the median of later ones.
 * Prints numbers; asserts nothing. Usage:
 *   pnpm bench:console [--devices 10000] [--runs 7] [--packages 20] [--data-dir DIR (kept, reused)]
 *
 * The server runs with `vulnerabilities.snapshotBackfillDays: 0`: the one-off backfill of 90 daily
 * compliance snapshots at a first start is not what this measures (and at 10,000 devices it holds
 * the first start for minutes).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { openSqliteStore } from '../../server/src/storage/sqlite/sqlite-store.js';
import { seedFleet } from '../../server/src/testing/seed-fleet.js';
import { launchChromium } from '../../test/browser/support/chromium.js';
import { ensureConsoleBuilt } from '../../test/browser/support/console-build.js';
import { signIn } from '../../test/browser/support/console-page.js';
import { AdminApi } from '../../test/browser/support/console-server.js';
import { cli, freePort, startServer, stop } from '../../test/support/processes.js';

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '7' },
    packages: { type: 'string', default: '20' },
    /** Keep the seeded data here and reuse it on the next run (seeding 10,000 devices takes a minute or two). */
    'data-dir': { type: 'string' },
  },
});
const DEVICES = Number(values.devices);
const RUNS = Number(values.runs);
const PACKAGES = Number(values.packages);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};
const ms = (n: number): string => `${n.toFixed(0)} ms`;

type Mark = 'dashboard' | 'list' | 'next';

/**
 * Installed in every document before the app runs: a MutationObserver notes the moment (ms
 * since navigation start) each view first has its data in the DOM, so the figures do not include
 * the latency of polling the page from outside. Plain source text: a serialised TypeScript
 * function would carry the transpiler's helpers (tsx's `__name`) into the page.
 */
const MARKS_SCRIPT = `
(() => {
  const w = window;
  w.__marks = {};
  const rows = () => document.querySelectorAll('[data-testid="devices-table"] tbody tr:not(.placeholder-row)').length;
  const check = () => {
    const t = performance.now();
    const devices = (document.querySelector('[data-testid="stat-devices"]')?.textContent ?? '').trim();
    if (w.__marks.dashboard === undefined && /\\d/.test(devices) && document.querySelectorAll('[data-testid="worst-devices"] tbody tr:not(.placeholder-row)').length > 0) w.__marks.dashboard = t;
    if (w.__marks.list === undefined && rows() === 50) w.__marks.list = t;
    const first = document.querySelector('[data-testid="devices-table"] tbody tr td')?.textContent ?? null;
    if (w.__firstBefore !== undefined && w.__marks.next === undefined && first !== w.__firstBefore && rows() === 50) w.__marks.next = t;
  };
  document.addEventListener('click', () => { w.__clickAt = performance.now(); }, true);
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true });
})();
`;

async function waitMark(page: Page, mark: Mark): Promise<number> {
  const handle = await page.waitForFunction((m) => (window as unknown as { __marks: Record<string, number | undefined> }).__marks[m], mark, { polling: 'raf', timeout: 60_000 });
  return Number(await handle.jsonValue());
}

/** Navigates and returns ms from navigation start until the view's data is in the DOM. */
async function load(page: Page, url: string, mark: Mark): Promise<number> {
  await page.goto(url, { waitUntil: 'commit' });
  return waitMark(page, mark);
}

async function apiTime(url: string, token: string, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const start = performance.now();
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    times.push(performance.now() - start);
  }
  return median(times);
}

const keep = values['data-dir'];
const dir = keep ?? mkdtempSync(join(tmpdir(), 'patchwave-bench-console-'));
const dataDir = join(dir, 'data');
try {
  ensureConsoleBuilt();
  if (keep && existsSync(join(dataDir, 'patchwave.db'))) {
    console.log(`reusing the fleet in ${dataDir}`);
  } else {
    const seedStart = performance.now();
    const store = await openSqliteStore(join(dataDir, 'patchwave.db'));
    try {
      await seedFleet(store, { count: DEVICES, packages: PACKAGES });
    } finally {
      await store.close();
    }
    console.log(`seeded ${DEVICES.toLocaleString('en')} devices × ${PACKAGES} packages in ${ms(performance.now() - seedStart)} (through the repositories and the inventory service)`);
  }
  const config = join(dir, 'server.json');
  writeFileSync(config, JSON.stringify({ vulnerabilities: { snapshotBackfillDays: 0 } }));
  const server = await startServer(dataDir, await freePort(), ['--config', config]);
  const browser = await launchChromium();
  try {
    // A reused data dir printed its admin token at its first start: make another one.
    const token = server.token ?? /pwt_[A-Za-z0-9_-]{43}/.exec((await cli(['server', 'admin-token', '--data-dir', dataDir, '--config', config])).stdout)?.[0];
    if (!token) throw new Error('no admin token');
    // The console signs in with a user session: a user of this run, created with the admin token.
    const admin = new AdminApi(server.url, token);
    const username = `bench-${randomBytes(4).toString('hex')}`;
    const password = await admin.user(username, 'auditor');
    const page = await browser.newPage();
    await page.addInitScript({ content: MARKS_SCRIPT });
    await signIn(page, server.url, username, password);

    const rows: [string, string, string][] = [];
    const measure = async (name: string, path: string, mark: Mark) => {
      const cold = await load(page, `${server.url}${path}`, mark);
      const warm: number[] = [];
      for (let i = 0; i < RUNS; i += 1) warm.push(await load(page, `${server.url}${path}`, mark));
      rows.push([name, ms(cold), ms(median(warm))]);
    };
    // Cold first: the fresh profile has nothing cached yet.
    await measure('dashboard first load (numbers + worst devices on screen)', '/', 'dashboard');
    await measure('device list, page 1 (50 rows on screen)', '/devices', 'list');
    await measure('device list sorted by missing security updates', '/devices?sort=securityUpdates&order=desc', 'list');
    await measure('device list, last page', `/devices?offset=${Math.max(0, DEVICES - 50)}`, 'list');

    // A page change inside the app: click "Next" → the new rows are on screen.
    const clicks: number[] = [];
    await load(page, `${server.url}/devices`, 'list');
    for (let i = 0; i < RUNS; i += 1) {
      await page.evaluate(() => {
        const w = window as unknown as { __marks: Record<string, number | undefined>; __firstBefore?: string | null };
        w.__firstBefore = document.querySelector('[data-testid="devices-table"] tbody tr td')?.textContent ?? null;
        w.__marks['next'] = undefined;
      });
      await page.getByRole('button', { name: 'Next', exact: true }).click();
      const shown = await waitMark(page, 'next');
      clicks.push(shown - (await page.evaluate(() => (window as unknown as { __clickAt: number }).__clickAt)));
    }
    rows.push(['device list, next page (click → 50 new rows)', '—', ms(median(clicks))]);

    const api: [string, number][] = [
      ['GET /api/v1/fleet/summary', await apiTime(`${server.url}/api/v1/fleet/summary?staleDays=7&top=5`, token, 21)],
      ['GET /api/v1/devices?limit=50', await apiTime(`${server.url}/api/v1/devices?limit=50`, token, 21)],
      ['GET /api/v1/devices?sort=securityUpdates&order=desc&limit=50', await apiTime(`${server.url}/api/v1/devices?sort=securityUpdates&order=desc&limit=50`, token, 21)],
      [`GET /api/v1/devices?offset=${DEVICES - 50}&limit=50`, await apiTime(`${server.url}/api/v1/devices?offset=${DEVICES - 50}&limit=50`, token, 21)],
      ['GET /api/v1/devices?name=node-0999&limit=50', await apiTime(`${server.url}/api/v1/devices?name=node-0999&limit=50`, token, 21)],
    ];

    const agent = await page.evaluate(() => navigator.userAgent);
    console.log(`\n${/HeadlessChrome\/[\d.]+/.exec(agent)?.[0] ?? agent}, 1280×800, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), load average ${loadavg()[0]?.toFixed(1)}, Node ${process.version}`);
    console.log(`\n| measure (${DEVICES.toLocaleString('en')} devices) | cold | warm (median of ${RUNS}) |\n|---|---:|---:|`);
    for (const [name, cold, warm] of rows) console.log(`| ${name} | ${cold} | ${warm} |`);
    console.log('\n| API call (from Node, median of 21) | time |\n|---|---:|');
    for (const [name, t] of api) console.log(`| ${name} | ${t.toFixed(1)} ms |`);
  } finally {
    await browser.close();
    await stop(server.proc, 'SIGTERM');
  }
} finally {
  if (!keep) rmSync(dir, { recursive: true, force: true });
}
