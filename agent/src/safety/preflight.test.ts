import fs from 'node:fs';
import os from 'node:os';
import { PreflightChecks } from '@patchwave/shared';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../log/logger.js';
import type { PackageManager } from '../pkg/package-manager.js';
import { evaluatePreflight, type PreflightFacts } from './preflight.js';
import { gatherPreflightFacts, nodeFactSources } from './preflight-facts.js';

const facts = (over: Partial<PreflightFacts> = {}): PreflightFacts => ({
  disks: [
    { path: '/var/cache/apt/archives', freeMb: 4_000 },
    { path: '/usr', freeMb: 900 },
  ],
  locks: [{ manager: 'apt', status: { held: false, detail: 'no lock held' } }],
  power: { hasBattery: true, acConnected: true },
  reboot: { required: false, reasons: [], packages: [] },
  ...over,
});
const checks = (over: Record<string, unknown> = {}) => PreflightChecks.parse(over);

describe('evaluatePreflight (pure, injected facts)', () => {
  it('passes with enough disk, a free lock, AC power and no reboot pending', () => {
    const r = evaluatePreflight(checks({ requireAcPower: true, pendingReboot: 'skip' }), facts());
    expect(r.verdict).toBe('go');
    expect(r.outcomes).toEqual([
      { check: 'disk', ok: true, detail: '900 MiB free on /usr (at least 500 MiB)' },
      { check: 'lock', ok: true, detail: 'free (apt)' },
      { check: 'power', ok: true, detail: 'on AC power' },
      { check: 'pending-reboot', ok: true, detail: 'no reboot pending' },
    ]);
  });

  it('judges the fullest file system, and fails below the threshold', () => {
    const r = evaluatePreflight(checks({ minFreeDiskMb: 1_000 }), facts());
    expect(r).toMatchObject({ verdict: 'fail', message: 'disk: 900 MiB free on /usr (below 1000 MiB)' });
    expect(evaluatePreflight(checks(), facts({ disks: [] })).outcomes[0]).toEqual({ check: 'disk', ok: false, detail: 'free disk space could not be read' });
  });

  it('fails on a held lock and names the holder', () => {
    const r = evaluatePreflight(checks(), facts({ locks: [{ manager: 'apt', status: { held: true, holderPid: 4242, detail: '/var/lib/dpkg/lock-frontend is locked by pid 4242' } }] }));
    expect(r).toMatchObject({ verdict: 'fail', message: 'lock: apt: /var/lib/dpkg/lock-frontend is locked by pid 4242' });
    expect(evaluatePreflight(checks({ requireLockFree: false }), facts({ locks: [{ manager: 'apt', status: { held: true, detail: 'x' } }] })).verdict).toBe('go');
  });

  it('AC power: a laptop on battery fails; no battery or an OS that does not tell passes', () => {
    expect(evaluatePreflight(checks({ requireAcPower: true }), facts({ power: { hasBattery: true, acConnected: false } }))).toMatchObject({ verdict: 'fail', message: 'power: on battery' });
    expect(evaluatePreflight(checks({ requireAcPower: true }), facts({ power: { hasBattery: false, acConnected: false } })).outcomes[2]).toEqual({ check: 'power', ok: true, detail: 'no battery (mains powered)' });
    expect(evaluatePreflight(checks({ requireAcPower: true }), facts({ power: null })).verdict).toBe('go');
  });

  it('pending reboot: reboot-first, skip or ignore', () => {
    const pending = facts({ reboot: { required: true, reasons: ['running kernel 6.1.0-17 but 6.1.0-18 installed'], packages: [] } });
    expect(evaluatePreflight(checks({ pendingReboot: 'reboot-first' }), pending).verdict).toBe('reboot-first');
    expect(evaluatePreflight(checks({ pendingReboot: 'skip' }), pending)).toMatchObject({
      verdict: 'fail',
      message: 'pending-reboot: a reboot is pending from an earlier change: running kernel 6.1.0-17 but 6.1.0-18 installed',
    });
    const ignored = evaluatePreflight(checks({ pendingReboot: 'ignore' }), pending);
    expect(ignored.verdict).toBe('go');
    expect(ignored.outcomes.at(-1)?.detail).toContain('ignored by policy');
    // Another failing check wins over reboot-first: rebooting would not make the job pass.
    expect(evaluatePreflight(checks({ pendingReboot: 'reboot-first', minFreeDiskMb: 10_000 }), pending).verdict).toBe('fail');
  });
});

const manager = (over: Partial<PackageManager>): PackageManager =>
  ({ name: 'apt', capabilities: { detectsReboot: true }, rebootRequired: async () => ({ required: false, reasons: [], packages: [] }), ...over }) as unknown as PackageManager;

describe('gatherPreflightFacts', () => {
  it('reads real free space (statfs) once per file system and skips paths that do not exist', async () => {
    const tmp = fs.mkdtempSync(`${os.tmpdir()}/pw-pre-`);
    try {
      const pm = manager({ dataPaths: [tmp, `${tmp}/../${tmp.split('/').at(-1)}`, '/no/such/path'] });
      const f = await gatherPreflightFacts([pm], { disk: true, lock: false, power: false, reboot: false }, nodeFactSources(), silentLogger());
      expect(f.disks).toHaveLength(1);
      expect(f.disks[0]?.path).toBe(tmp);
      const expected = fs.statfsSync(tmp);
      expect(Math.abs((f.disks[0]?.freeMb ?? 0) - Math.floor((expected.bavail * expected.bsize) / 1048576))).toBeLessThan(64);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('waits for a held lock until it is released, within the wait', async () => {
    let calls = 0;
    const pm = manager({ lockStatus: async () => (++calls < 3 ? { held: true, detail: 'held' } : { held: false, detail: 'free' }) });
    let now = 0;
    const waits: number[] = [];
    const src = { ...nodeFactSources({ lockWaitMs: 10_000 }), now: () => now, sleep: async (ms: number) => { waits.push(ms); now += ms; } };
    const f = await gatherPreflightFacts([pm], { disk: false, lock: true, power: false, reboot: false }, src, silentLogger());
    expect(f.locks).toEqual([{ manager: 'apt', status: { held: false, detail: 'free' } }]);
    expect(waits).toEqual([2_000, 2_000]);
  });

  it('gives up waiting at the deadline and reports the lock held', async () => {
    let now = 0;
    const pm = manager({ lockStatus: async () => ({ held: true, detail: 'held by 7' }) });
    const src = { ...nodeFactSources({ lockWaitMs: 5_000 }), now: () => now, sleep: async (ms: number) => void (now += ms) };
    const f = await gatherPreflightFacts([pm], { disk: false, lock: true, power: false, reboot: false }, src, silentLogger());
    expect(f.locks[0]?.status.held).toBe(true);
    expect(now).toBe(4_000);
  });

  it('merges the managers’ reboot states and reads the battery through systeminformation', async () => {
    const pm = manager({ rebootRequired: async () => ({ required: true, reasons: ['/var/run/reboot-required exists'], packages: ['linux-image-amd64'] }) });
    const f = await gatherPreflightFacts([pm], { disk: false, lock: false, power: true, reboot: true }, nodeFactSources(), silentLogger());
    expect(f.reboot).toEqual({ required: true, reasons: ['/var/run/reboot-required exists'], packages: ['linux-image-amd64'] });
    // This machine's real answer: a server has no battery.
    expect(f.power).toMatchObject({ hasBattery: expect.any(Boolean), acConnected: expect.any(Boolean) });
  });
});
