import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Inventory } from '@patchwave/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { inventoryHash } from '../domain/inventory/inventory-hash.js';
import { OPENSSL_UPDATE } from '../testing/deployment-harness.js';
import { enrollDevice } from '../testing/enroll.js';
import { sampleFacts } from '../testing/facts.js';
import { openTestApp, type TestApp } from '../testing/test-app.js';
import { runCli } from './main.js';
import type { Io } from './output.js';

vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

let t: TestApp;
let server: string;
let home: string;

beforeEach(async () => {
  t = await openTestApp({ deploymentLoop: false, policyLoop: false });
  server = await t.app.listen({ host: '127.0.0.1', port: 0 });
  home = mkdtempSync(join(tmpdir(), 'patchwave-policy-cli-'));
});
afterEach(async () => {
  await t.close();
  rmSync(home, { recursive: true, force: true });
});

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = { out: (s) => void (out += s), err: (s) => void (err += s), env: { PATCHWAVE_CLI_CONFIG: join(home, 'cli.json') } };
  const code = await runCli([...args, '--server', server, '--token', t.adminToken], io);
  return { code, out, err };
}

async function device(hostname: string, timezone?: string): Promise<string> {
  const facts = sampleFacts({ hostname, ...(timezone ? { timezone } : {}) });
  const enrolled = await enrollDevice(t.app, facts, ['group=web']);
  const inventory = Inventory.parse({ collectedAt: new Date().toISOString(), facts, managers: [{ name: 'apt', ok: true }], packages: [{ manager: 'apt', name: 'openssl', arch: 'amd64', version: '1.0' }], updates: [OPENSSL_UPDATE], reboot: { required: false } });
  const stored = await t.app.services.inventory.report(enrolled.deviceId, { kind: 'full', hash: inventoryHash(inventory), inventory });
  if (!stored.ok) throw new Error(stored.message);
  return enrolled.deviceId;
}

describe('patchwave policy', () => {
  it('creates a policy from flags, shows it with its next run per device time zone, runs it now and lists its history', async () => {
    await device('web-berlin', 'Europe/Berlin');
    await device('web-unknown');
    const created = await cli('policy', 'create', '--name', 'web patch tuesday', '--group', 'web', '--monthly', '2nd-tue@03:00', '--tz', 'device', '--fallback-tz', 'UTC', '--defer', '0', '--auto-approve', '--essential', 'postgresql*', '--waves', '50%,rest', '--min-success', '95', '--soak', '1m', '-q');
    expect(created.err).toBe('');
    expect(created.code).toBe(0);
    const id = created.out.trim();
    const shown = await cli('policy', 'show', 'web patch tuesday');
    expect(shown.out).toContain('schedule:  the #2 tue of each month at 03:00 device time (fallback UTC)');
    expect(shown.out).toContain('Europe/Berlin, 1 device(s)');
    expect(shown.out).toContain('UTC (fallback), 1 device(s)');
    expect(shown.out).toContain('report no time zone the server knows (web-unknown)');
    expect(shown.out).toContain('waves:     canary (50%) → broad (rest)');
    const spec = JSON.parse((await cli('policy', 'show', id, '--json')).out).spec;
    expect(spec.waves[0].gates).toEqual({ minSuccessRate: 95, soakMinutes: 1 });
    expect((await cli('policy', 'list')).out).toContain(`web patch tuesday            active`);
    const run = await cli('policy', 'run-now', id, '--json');
    expect(JSON.parse(run.out)).toMatchObject({ trigger: 'run-now', outcome: 'awaiting-plan', devices: 2 });
    const history = await cli('policy', 'history', id);
    expect(history.out).toMatch(/run-now\s+awaiting-plan\s+2 device\(s\), 2 update\(s\), 0 deferred deployment /);
    expect((await cli('policy', 'pause', id, '--reason', 'freeze')).out).toContain('paused since');
    expect((await cli('policy', 'resume', id, '--reason', 'thaw')).out).toContain('active');
    expect((await cli('policy', 'delete', id)).out).toBe(`deleted policy ${id}\n`);
  });

  it('accepts the README example as written', async () => {
    await device('web-01');
    const created = await cli(
      'policy', 'create', '--name', 'routine-security', '--os', 'linux', '--weekly', 'tue@02:00', '--tz', 'device',
      '--defer', '3', '--waves', '10%,rest', '--min-success', '95', '--reboot', 'if-required',
      '--auto-approve', '--max-severity', 'high', '--essential', 'openssh-server', '--essential', 'postgresql*', '--json',
    );
    expect(created.err).toBe('');
    const view = JSON.parse(created.out);
    expect(view.spec).toMatchObject({
      scope: { os: [{ platform: 'linux' }] },
      deferral: { days: 3, expedite: { kev: true, priorities: ['P1'] } },
      schedule: { recurrence: { kind: 'weekly', days: ['tue'], time: '02:00' }, timeZone: 'device', fallbackTimeZone: 'UTC' },
      autoApproval: { enabled: true, maxSeverity: 'high', essentialPackages: ['openssh-server', 'postgresql*'], blockRemovals: true },
    });
    expect(view.nextRuns).toEqual([{ timeZone: 'UTC', at: expect.stringMatching(/T02:00:00.000Z$/), devices: 1, fallback: true }]);
    expect((await cli('policy', 'run-now', 'routine-security')).out).toContain('run-now');
    // The update was first seen just now: the 3-day deferral holds it, and the run says until when.
    const history = (await cli('policy', 'history', 'routine-security')).out;
    expect(history).toMatch(/run-now\s+nothing-to-do\s+0 device\(s\), 0 update\(s\), 1 deferred/);
    expect(history).toContain('1 update(s) deferred by the 3-day deferral; the next is due');
  });

  it('creates from a file, and reports bad input with the field named', async () => {
    const file = join(home, 'policy.json');
    writeFileSync(file, JSON.stringify({ name: 'file policy', scope: { tags: ['web'] }, schedule: { recurrence: { kind: 'weekly', days: ['sun'], time: '04:00' }, timeZone: 'Europe/Berlin' } }));
    expect((await cli('policy', 'create', '--file', file)).code).toBe(0);
    const bad = await cli('policy', 'create', '--name', 'bad', '--tag', 'web', '--weekly', 'tue@25:00', '--defer=-1');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('E_VALIDATION');
    expect(bad.err).toContain('deferral.days must be 0 or more (got -1)');
    const badTime = await cli('policy', 'create', '--name', 'bad', '--tag', 'web', '--weekly', 'tue@25:00');
    expect(badTime.err).toContain('schedule.recurrence.time: time must be HH:MM between 00:00 and 23:59 (got "25:00")');
    const usage = await cli('policy', 'create', '--name', 'x', '--tag', 'web', '--weekly', 'tue@02:00', '--cron', '0 2 * * 2');
    expect(usage.code).toBe(2);
    expect(usage.err).toContain('give exactly one schedule');
    expect((await cli('policy', 'list', '--json')).out).toContain('"total": 1');
  });
});
