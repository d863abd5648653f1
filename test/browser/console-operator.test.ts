import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleFacts, sampleInventory, samplePackages } from '../../server/src/testing/facts.js';
import { rawGet } from '../../server/src/testing/raw-http.js';
import { AGENT_BIN, type Proc, spawnNode, stop, waitFor } from '../support/processes.js';
import type { Browser, PageProblems } from './support/chromium.js';
import { launchChromium, watchProblems } from './support/chromium.js';
import { ensureConsoleBuilt } from './support/console-build.js';
import { signIn, signOut, submitSignIn, tableRows, unexpected, waitForText } from './support/console-page.js';
import { type ConsoleServer, startConsoleServer } from './support/console-server.js';
import { enrollFakeAgent } from './support/fake-agent.js';
import { screenshot } from './support/screenshots.js';

/**
 * The console in Debian's Chromium against a real server process and a real agent process on
 * this machine: sign in, the dashboard, the local device with its real dpkg packages, labels,
 * enrollment tokens, the audit log, keyboard use, narrow screens, and no layout shift on refresh.
 */

let dir: string;
let server: ConsoleServer;
let adminToken: string;
let browser: Browser;
let deviceId: string;
const procs: Proc[] = [];
const problems: PageProblems[] = [];

const api = async <T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> => {
  const res = await fetch(`${server.url}${path}`, { ...init, headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
  return { status: res.status, body: (await res.json()) as T };
};

async function page(viewport?: { width: number; height: number }): Promise<Page> {
  const p = await browser.newPage(viewport);
  problems.push(watchProblems(p));
  return p;
}

async function signedIn(viewport?: { width: number; height: number }): Promise<Page> {
  const p = await page(viewport);
  await signIn(p, server.url, 'admin', server.adminPassword);
  return p;
}

const nav = (p: Page, name: string) => p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

beforeAll(async () => {
  ensureConsoleBuilt();
  dir = mkdtempSync(join(tmpdir(), 'patchwave-browser-operator-'));
  server = await startConsoleServer(dir);
  procs.push(server.proc);
  adminToken = server.token;

  const created = await api<{ token: string }>('/api/v1/enrollment-tokens', { method: 'POST', body: JSON.stringify({ name: 'local agent', expiresIn: '1h', maxUses: 1 }) });
  const config = join(dir, 'agent.json');
  writeFileSync(config, JSON.stringify({ serverUrl: server.url, stateDir: join(dir, 'agent-state') }));
  const agent = spawnNode(AGENT_BIN, ['run', '--config', config, '--enroll-token', created.body.token, '--log-level', 'warn']);
  procs.push(agent);
  deviceId = await waitFor(
    'the local agent with its inventory',
    async () => (await api<{ items: { id: string; online: boolean; counts: { packages: number } }[] }>('/api/v1/devices')).body.items.find((d) => d.online && d.counts.packages > 0)?.id,
    { timeoutMs: 110_000, intervalMs: 250, proc: agent },
  );
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  for (const p of procs) await stop(p, 'SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('operator console in Chromium', () => {
  it('refuses a wrong password with a message, signs in with a session cookie and signs out', async () => {
    const p = await page();
    await p.goto(`${server.url}/devices`);
    await p.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await screenshot(p, '01-sign-in');
    await p.getByRole('button', { name: 'Sign in' }).click();
    await waitForText(p.locator('#sign-in-problem'), 'Enter your username.');
    await submitSignIn(p, 'admin', 'not the password');
    await waitForText(p.locator('#sign-in-problem'), 'Wrong username or password.');
    await submitSignIn(p, 'admin', server.adminPassword);
    // The deep link survives the sign-in.
    await p.getByRole('heading', { level: 1, name: 'Devices' }).waitFor();
    await waitForText(p.getByTestId('session-user'), /^admin\s+admin$/);
    // The session is an HttpOnly cookie: nothing secret is readable by scripts or kept in storage.
    const cookies = await browser.context.cookies(server.url);
    expect(cookies.find((c) => c.name === 'pw_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(await p.evaluate(() => document.cookie)).toBe('');
    expect(await p.evaluate(() => sessionStorage.length + localStorage.length)).toBe(0);
    // A reload keeps the session (the CSRF token comes back from /auth/me).
    await p.reload();
    await p.getByRole('heading', { level: 1, name: 'Devices' }).waitFor();
    await signOut(p);
    expect((await browser.context.cookies(server.url)).find((c) => c.name === 'pw_session')).toBeUndefined();
    await p.goto(`${server.url}/`);
    await p.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  });

  it('shows the fleet on the dashboard: one device, online, with a chart', async () => {
    const p = await signedIn();
    await waitForText(p.getByTestId('stat-devices'), '1');
    await waitForText(p.getByTestId('stat-online'), '1');
    const summary = (await api<{ securityUpdates: { total: number }; rebootPending: number }>('/api/v1/fleet/summary')).body;
    await waitForText(p.getByTestId('stat-security'), String(summary.securityUpdates.total));
    await waitForText(p.getByTestId('stat-reboot'), String(summary.rebootPending));
    expect(await p.locator('[data-testid="chart-os"] canvas').count()).toBe(1);
    expect(await p.locator('[data-slot="findings"]').count()).toBe(1);
    await screenshot(p, '02-dashboard');
  });

  it("finds the local agent's device and its real dpkg package with the installed version", async () => {
    const dpkgVersion = execFileSync('dpkg-query', ['-W', '-f=${Version}', 'dpkg'], { encoding: 'utf8' });
    const p = await signedIn();
    await nav(p, 'Devices').click();
    await p.getByRole('heading', { level: 1, name: 'Devices' }).waitFor();
    await p.getByTestId('devices-table').getByRole('link', { name: hostname(), exact: true }).waitFor();
    await screenshot(p, '03-devices');
    await p.getByTestId('devices-table').getByRole('link', { name: hostname(), exact: true }).click();
    await p.getByRole('heading', { level: 1, name: hostname() }).waitFor();
    await waitForText(p.getByTestId('device-facts').locator('dd').first(), /Debian|Ubuntu|Linux/);

    await p.getByLabel('Package name').fill('dpkg');
    const row = p.getByTestId('packages-table').locator('tbody tr').filter({ has: p.locator('td:first-child', { hasText: /^dpkg$/ }) });
    await row.waitFor();
    expect((await row.locator('td').nth(1).textContent())?.trim()).toBe(dpkgVersion);
    expect(p.url()).toContain('name=dpkg');
    await screenshot(p, '04-device-software');

    await p.getByRole('tab', { name: /Available updates/ }).click();
    await p.getByTestId('updates-table').locator('tbody tr').first().waitFor();
    await screenshot(p, '05-device-updates');
    await p.getByRole('tab', { name: 'Inventory reports' }).click();
    await p.getByTestId('reports-table').locator('tbody tr:not(.placeholder-row)').first().waitFor();
    const reports = await tableRows(p, 'reports-table');
    expect(reports[0]?.[1]).toBe('full');
    await p.getByRole('tab', { name: 'Package history' }).click();
    await p.getByTestId('history-table').locator('tbody tr:not(.placeholder-row)').first().waitFor();
  });

  it('edits tags and criticality with PATCH and the change is audited', async () => {
    const p = await signedIn();
    await p.goto(`${server.url}/devices/${deviceId}`);
    await p.getByRole('heading', { level: 1, name: hostname() }).waitFor();
    await p.getByLabel('Criticality').selectOption('high');
    await p.getByLabel('Add tags').fill('env=prod site/berlin');
    await p.getByRole('button', { name: 'Add', exact: true }).click();
    await p.getByRole('button', { name: 'Save' }).click();
    await waitForText(p.locator('.settings .form-status'), 'Saved.');
    const device = (await api<{ tags: string[]; criticality: string }>(`/api/v1/devices/${deviceId}`)).body;
    expect(device).toMatchObject({ criticality: 'high', tags: ['env=prod', 'site/berlin'] });
    await p.getByRole('button', { name: 'Remove tag site/berlin' }).click();
    await p.getByLabel('Add tags').fill('bad tag!');
    await p.getByRole('button', { name: 'Save' }).click();
    await waitForText(p.locator('.settings .form-status'), /tags.*tag must be/);
    expect((await api<{ tags: string[] }>(`/api/v1/devices/${deviceId}`)).body.tags).toEqual(['env=prod', 'site/berlin']);
    await screenshot(p, '06-device-labels');
  });

  it('creates an enrollment token, shows its secret once with a copy button, lists it and revokes it', async () => {
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const p = await signedIn();
    await nav(p, 'Enrollment tokens').click();
    await p.getByRole('heading', { level: 1, name: 'Enrollment tokens' }).waitFor();
    await p.getByLabel('Name').fill('berlin office');
    await p.getByLabel('Expires in').selectOption('7d');
    await p.getByLabel('Max uses').fill('3');
    await p.getByLabel('Tags').fill('env=prod site=berlin');
    await p.getByRole('button', { name: 'Create token' }).click();
    const secretField = p.getByLabel('Enrollment token', { exact: true });
    await secretField.waitFor();
    const secret = await secretField.inputValue();
    expect(secret).toMatch(/^pwe_[A-Za-z0-9_-]{43}$/);
    await p.getByRole('button', { name: 'Copy token' }).click();
    await waitForText(p.getByTestId('new-token').locator('.copy-status').first(), 'Copied to the clipboard.');
    expect(await p.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    expect(await p.getByLabel('Start an agent with it').inputValue()).toBe(`patchwave-agent run --server-url ${server.url} --enroll-token ${secret}`);
    const row = p.getByTestId('tokens-table').locator('tbody tr').filter({ hasText: 'berlin office' });
    await row.waitFor();
    expect(await row.locator('td').nth(1).textContent()).toBe('active');
    expect(await row.locator('td').nth(2).textContent()).toBe('0 / 3');
    await screenshot(p, '07-enrollment-token-created');

    // The secret on the screen is the real one: a device can enroll with it.
    const enrolled = await fetch(`${server.url}/api/v1/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: secret, facts: sampleFacts({ hostname: 'enrolled-with-console-token' }), agentVersion: '0.1.0' }),
    });
    expect(enrolled.status).toBe(201);

    await p.getByRole('button', { name: 'Done, hide the secret' }).click();
    expect(await p.getByTestId('new-token').count()).toBe(0);
    await p.reload();
    await row.waitFor();
    expect(await row.locator('td').nth(2).textContent()).toBe('1 / 3');
    expect(await p.content()).not.toContain(secret);

    await row.getByRole('button', { name: 'Revoke berlin office' }).click();
    await row.getByRole('button', { name: 'Confirm: revoke berlin office' }).click();
    await waitForText(row.locator('td').nth(1), 'revoked');
    const listed = (await api<{ items: { name: string; status: string; tags: string[] }[] }>('/api/v1/enrollment-tokens')).body.items.find((t) => t.name === 'berlin office');
    expect(listed).toMatchObject({ status: 'revoked', tags: ['env=prod', 'site=berlin'] });
    await screenshot(p, '08-enrollment-token-revoked');
  });

  it('shows the audit log with the chain verification status', async () => {
    const p = await signedIn();
    await nav(p, 'Audit log').click();
    await waitForText(p.getByTestId('audit-verification').locator('p'), /^Chain intact: \d+ entries verified/);
    await p.getByTestId('audit-table').locator('tbody tr:not(.placeholder-row)').first().waitFor();
    const actions = (await tableRows(p, 'audit-table')).map((r) => r[3]);
    expect(actions).toEqual(expect.arrayContaining(['enrollment-token.create', 'enrollment-token.revoke', 'device.update', 'device.enroll']));
    await screenshot(p, '09-audit-log');
    await p.getByLabel('Action').fill('device.update');
    await waitForText(p.locator('.pager-status'), /^Entries #\d+ to #\d+$/);
    await waitFor('only device.update entries', async () => {
      const rows = await tableRows(p, 'audit-table');
      return rows.length > 0 && rows.every((r) => r[3] === 'device.update') ? rows : undefined;
    });
  });

  it('is keyboard navigable: a skip link first, visible focus, focus on the new page heading', async () => {
    const p = await signedIn();
    await p.keyboard.press('Tab');
    expect(await p.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    const outline = await p.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle);
    expect(outline).toBe('solid');
    await p.keyboard.press('Enter');
    expect(await p.evaluate(() => document.activeElement?.id)).toBe('main');
    // Into the navigation and onto the device list, keyboard only.
    await nav(p, 'Devices').focus();
    await p.keyboard.press('Enter');
    await p.getByRole('heading', { level: 1, name: 'Devices' }).waitFor();
    expect(await p.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    // Every form control has an accessible name.
    const unlabelled = await p.evaluate(() =>
      Array.from(document.querySelectorAll('input, select, button')).filter((el) => {
        const e = el as HTMLInputElement;
        return !(e.labels?.length || e.getAttribute('aria-label') || (e.textContent ?? '').trim());
      }).length,
    );
    expect(unlabelled).toBe(0);
  });

  it('keeps the layout still while live data updates', async () => {
    const p = await signedIn();
    await waitForText(p.getByTestId('stat-devices'), /^\d+$/);
    await p.evaluate(() => {
      const w = window as unknown as { __shift: number };
      w.__shift = 0;
      new PerformanceObserver((list) => {
        // Every shift counts, even right after the click (hadRecentInput): the data update is what moves.
        for (const e of list.getEntries()) w.__shift += (e as PerformanceEntry & { value: number }).value;
      }).observe({ type: 'layout-shift', buffered: false });
    });
    const before = (await p.getByTestId('stat-devices').textContent())?.trim();
    // New data arrives: another device with another OS and missing security updates.
    const other = await enrollFakeAgent(
      server.url,
      adminToken,
      sampleInventory(samplePackages(5), { facts: sampleFacts({ hostname: 'rocky-01', os: { platform: 'linux', distro: 'Rocky Linux', release: '9.4', id: 'rocky', kernel: '5.14.0', arch: 'x64' } }) }),
    );
    const refreshed = p.waitForResponse((r) => r.url().includes('/api/v1/fleet/summary'));
    await p.getByRole('button', { name: 'Refresh' }).click();
    await refreshed;
    await waitForText(p.getByTestId('stat-devices'), String(Number(before) + 1));
    await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    expect(await p.evaluate(() => (window as unknown as { __shift: number }).__shift)).toBe(0);
    other.close();
  });

  it('is usable on a narrow laptop screen: no horizontal page scroll, navigation in a top bar', async () => {
    const p = await signedIn({ width: 1024, height: 640 });
    await waitForText(p.getByTestId('stat-devices'), /^\d+$/);
    const overflow = () => p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await screenshot(p, '10-dashboard-narrow');
    await nav(p, 'Devices').click();
    await p.getByTestId('devices-table').locator('tbody tr:not(.placeholder-row)').first().waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await screenshot(p, '11-devices-narrow');
    await p.goto(`${server.url}/devices/${deviceId}?tab=updates`);
    await p.getByRole('heading', { level: 1, name: hostname() }).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await screenshot(p, '12-device-narrow');
  });

  it('never serves a file outside the console root from the real server', async () => {
    const { port } = new URL(server.url);
    for (const path of ['/../../../../etc/passwd', '/..%2f..%2f..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2f..%2f..%2fpackage.json', '/assets/%2e%2e/%2e%2e/%2e%2e/package.json']) {
      const res = await rawGet(Number(port), path);
      expect([400, 404], `${path} → ${res.status}`).toContain(res.status);
      expect(res.body).not.toMatch(/root:.*:0:0:/);
      expect(res.body).not.toContain('@patchwave/server');
    }
  });

  it('raised no script error and no Content-Security-Policy refusal on any page', () => {
    expect(problems.flatMap((p) => unexpected(p.errors))).toEqual([]);
  });
});

