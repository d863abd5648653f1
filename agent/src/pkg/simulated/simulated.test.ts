import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../connection/clock.js';
import { silentLogger } from '../../log/logger.js';
import { detectAdapters } from '../detect.js';
import type { HostDescription } from '../host.js';
import { ADAPTERS } from '../registry.js';
import { SimulatedPackageManager } from './adapter.js';
import { SIMULATED_STATE_FILE, simulatedBootId, simulatedFacts, SimulatedRebooter, simulatedModule } from './index.js';
import { parseScenario, type Scenario } from './scenario.js';

const log = silentLogger();
const scenarioJson = {
  name: 'web fleet',
  packages: [
    { name: 'openssl', arch: 'amd64', installed: '3.0.11-1', versions: ['3.0.11-1', '3.0.13-1'], security: true, severity: 'important', cves: ['CVE-2024-0727'] },
    { name: 'curl', arch: 'amd64', installed: '7.88.1-10', versions: ['7.88.1-10', '7.88.1-10+deb12u5'], advisories: ['DSA-5587-1'] },
    { name: 'linux-image', arch: 'amd64', installed: '6.1.0-17', versions: ['6.1.0-17', '6.1.0-18'], security: true, rebootRequired: true },
    { name: 'htop', installed: null, versions: ['3.2.2'] },
  ],
  failures: [{ package: 'curl', version: '7.88.1-10+deb12u5', exitCode: 100, message: 'dpkg: error processing package curl (--configure)', times: 1 }],
  delays: { perPackageMs: 0 },
};

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-sim-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const scenario = (over: object = {}): Scenario => parseScenario(JSON.stringify({ ...scenarioJson, ...over }), 'test.json');
const manager = (s: Scenario = scenario(), extra: Partial<ConstructorParameters<typeof SimulatedPackageManager>[0]> = {}) =>
  new SimulatedPackageManager({ scenario: s, stateDir: dir, log, ...extra });

describe('simulated scenario validation', () => {
  const refused = (value: unknown) => {
    try {
      parseScenario(typeof value === 'string' ? value : JSON.stringify(value), 'fleet.json');
    } catch (err) {
      return (err as Error).message;
    }
    throw new Error('expected the scenario to be refused');
  };

  it('names every problem with its path', () => {
    const msg = refused({
      packages: [
        { name: '-rf', versions: ['1'] },
        { name: 'openssl', installed: '9.9', versions: ['1.0', '1.1'] },
        { name: 'openssl', versions: ['1.0'] },
      ],
      failures: [{ package: 'nginx', exitCode: 1 }, { package: 'openssl', version: '2.0', exitCode: 300 }],
      delays: { perPackageMs: -5 },
      surprise: true,
    });
    expect(msg).toMatch(/^simulated scenario fleet\.json is invalid: /);
    expect(msg).toContain('packages.0.name: package names are 1-128 letters');
    expect(msg).toContain('failures.1.exitCode: exitCode must be 1-255');
    expect(msg).toContain('delays.perPackageMs: delays.perPackageMs must be 0 or more');
    expect(msg).toContain('Unrecognized key: "surprise"');
  });

  it('names cross-field problems once the shape is right', () => {
    const msg = refused({
      packages: [
        { name: 'openssl', installed: '9.9', versions: ['1.0', '1.1'] },
        { name: 'openssl', versions: ['1.0'] },
      ],
      failures: [{ package: 'nginx', exitCode: 1 }, { package: 'openssl', version: '2.0', exitCode: 3 }],
    });
    expect(msg).toContain('packages.0.installed: version "9.9" is not in versions (1.0, 1.1)');
    expect(msg).toContain('packages.1.name: "openssl" (all) is already packages.0');
    expect(msg).toContain('failures.0.package: "nginx" is not one of the scenario\'s packages');
    expect(msg).toContain('failures.1.version: "openssl" has no version "2.0" (1.0, 1.1)');
  });

  it('says when the file is not JSON', () => {
    expect(refused('{ "packages": [')).toMatch(/^simulated scenario fleet\.json is not JSON: /);
  });
});

describe('simulated module', () => {
  const host: HostDescription = { platform: 'linux', arch: 'x64', osRelease: { ID: 'debian' }, executables: new Set(['apt-get', 'dpkg-query']) };

  it('is never auto-detected and is used only under --simulate', () => {
    const modules = [...ADAPTERS.filter((m) => m.factory.name !== 'simulated'), simulatedModule];
    expect(simulatedModule.factory.detect(host)).toBe(false);
    expect(detectAdapters(host, modules).map((m) => m.factory.name)).not.toContain('simulated');
    expect(detectAdapters(host, modules, { simulate: true })).toEqual([simulatedModule]);
  });

  it('refuses to start without a scenario file or a state directory, and with a bad scenario', () => {
    const deps = { exec: { run: async () => Promise.reject(new Error('no process may run')) }, log, host };
    expect(() => simulatedModule.factory.create(deps)).toThrow('runs only when the agent is started with --simulate <scenario file>');
    const file = path.join(dir, 'scenario.json');
    fs.writeFileSync(file, JSON.stringify(scenarioJson));
    expect(() => simulatedModule.factory.create({ ...deps, local: { simulateScenario: file } })).toThrow('needs the agent state directory');
    expect(simulatedModule.factory.create({ ...deps, local: { simulateScenario: file }, stateDir: dir }).name).toBe('simulated');
    fs.writeFileSync(file, JSON.stringify({ packages: [{ name: 'x', versions: [] }] }));
    expect(() => simulatedModule.factory.create({ ...deps, local: { simulateScenario: file }, stateDir: dir })).toThrow(
      'packages.0.versions: give at least one version',
    );
  });
});

describe('SimulatedPackageManager', () => {
  it('lists installed packages and the updates the scenario offers', async () => {
    const pm = manager();
    expect((await pm.listInstalled()).map((p) => `${p.name}=${p.version}`)).toEqual(['openssl=3.0.11-1', 'curl=7.88.1-10', 'linux-image=6.1.0-17']);
    const updates = await pm.listUpdates();
    expect(updates.map((u) => [u.name, u.candidateVersion, u.security])).toEqual([
      ['openssl', '3.0.13-1', true],
      ['curl', '7.88.1-10+deb12u5', false],
      ['linux-image', '6.1.0-18', true],
    ]);
    expect(updates[0]).toMatchObject({ severity: 'important', cves: ['CVE-2024-0727'], installedVersion: '3.0.11-1' });
  });

  it('plans security, all, named and advisory selections, and names what does not resolve', async () => {
    const pm = manager();
    expect((await pm.plan({ securityOnly: true })).changes.map((c) => c.name)).toEqual(['openssl', 'linux-image']);
    expect((await pm.plan({ all: true })).changes).toHaveLength(3);
    const named = await pm.plan({ packages: [{ name: 'htop' }, { name: 'openssl', version: '3.0.11-1' }, { name: 'nginx' }, { name: 'curl', version: '9' }] });
    expect(named.changes).toEqual([{ kind: 'install', name: 'htop', arch: 'all', from: null, to: '3.2.2' }]);
    expect(named.unresolved.map((u) => [u.name, u.code])).toEqual([
      ['nginx', 'E_PKG_NOT_FOUND'],
      ['curl', 'E_PKG_NOT_FOUND'],
    ]);
    const adv = await pm.plan({ advisories: ['DSA-5587-1', 'CVE-2024-0727', 'CVE-1999-0001'] });
    expect(adv.changes.map((c) => c.name)).toEqual(['curl', 'openssl']);
    expect(adv.unresolved).toEqual([{ name: 'CVE-1999-0001', code: 'E_PKG_NO_UPDATE', message: 'no available update fixes CVE-1999-0001' }]);
  });

  it('applies, persists what it installed for a restarted agent, and reports the reboot it needs', async () => {
    const pm = manager();
    const res = await pm.apply(await pm.plan({ packages: [{ name: 'linux-image' }, { name: 'htop' }] }), { timeoutMs: 1000 });
    expect(res).toMatchObject({ ok: true, exitCode: 0, rebootRequired: true });
    expect(res.packages.map((p) => [p.name, p.before, p.after, p.ok])).toEqual([
      ['linux-image', '6.1.0-17', '6.1.0-18', true],
      ['htop', null, '3.2.2', true],
    ]);
    const restarted = manager();
    expect((await restarted.listInstalled()).find((p) => p.name === 'htop')?.version).toBe('3.2.2');
    expect(await restarted.rebootRequired()).toEqual({ required: true, reasons: ['simulated: linux-image needs a reboot'], packages: ['linux-image'] });
    expect(fs.existsSync(path.join(dir, SIMULATED_STATE_FILE))).toBe(true);
  });

  it('fails a package with the scripted exit code, the given number of times', async () => {
    const pm = manager();
    const first = await pm.apply(await pm.plan({ packages: [{ name: 'curl' }, { name: 'openssl' }] }), { timeoutMs: 1000 });
    expect(first).toMatchObject({ ok: false, exitCode: 100, errorCode: 'E_PKG_SCRIPT_FAILED' });
    expect(first.packages.map((p) => [p.name, p.ok, p.after])).toEqual([
      ['curl', false, '7.88.1-10'],
      ['openssl', true, '3.0.13-1'],
    ]);
    const second = await pm.apply(await pm.plan({ packages: [{ name: 'curl' }] }), { timeoutMs: 1000 });
    expect(second.ok).toBe(true);
  });

  it('rolls back to recorded versions, or says it cannot', async () => {
    const pm = manager();
    await pm.apply(await pm.plan({ packages: [{ name: 'openssl' }, { name: 'htop' }] }), { timeoutMs: 1000 });
    const back = await pm.rollback([{ name: 'openssl', arch: 'amd64', version: '3.0.11-1' }, { name: 'htop', version: null }], { timeoutMs: 1000 });
    expect(back.ok).toBe(true);
    expect((await pm.listInstalled()).map((p) => `${p.name}=${p.version}`)).toContain('openssl=3.0.11-1');
    expect((await pm.listInstalled()).some((p) => p.name === 'htop')).toBe(false);
    const unknown = await pm.rollback([{ name: 'openssl', version: '0.9.8' }], { timeoutMs: 1000 });
    expect(unknown.packages[0]).toMatchObject({ ok: false, errorCode: 'E_PKG_NOT_FOUND' });
    const cannot = await manager(scenario({ canRollback: false })).rollback([{ name: 'openssl', version: '3.0.11-1' }], { timeoutMs: 1000 });
    expect(cannot).toMatchObject({ ok: false, errorCode: 'E_ROLLBACK_UNSUPPORTED' });
  });

  it('crashes once after the scripted number of packages, with the packages before it saved', async () => {
    let crashes = 0;
    const crashing = manager(scenario({ crash: { afterPackages: 1 } }), {
      crash: () => {
        crashes++;
        throw new Error('simulated power cut');
      },
    });
    const plan = await crashing.plan({ packages: [{ name: 'openssl' }, { name: 'htop' }] });
    await expect(crashing.apply(plan, { timeoutMs: 1000 })).rejects.toThrow('simulated power cut');
    expect(crashes).toBe(1);
    const after = manager(scenario({ crash: { afterPackages: 1 } }), { crash: () => void crashes++ });
    const installed = await after.listInstalled();
    expect(installed.find((p) => p.name === 'openssl')?.version).toBe('3.0.13-1');
    expect(installed.some((p) => p.name === 'htop')).toBe(false);
    await after.apply(await after.plan({ packages: [{ name: 'htop' }] }), { timeoutMs: 1000 });
    expect(crashes).toBe(1);
  });

  it('takes its delays on an injected clock', async () => {
    const clock = new ManualClock(0);
    const pm = manager(scenario({ delays: { perPackageMs: 5000, listMs: 0, planMs: 0 } }), { clock });
    const plan = await pm.plan({ packages: [{ name: 'openssl' }, { name: 'htop' }] });
    let done = false;
    const applying = pm.apply(plan, { timeoutMs: 60_000 }).then((r) => {
      done = true;
      return r;
    });
    await waitFor(() => clock.pending().length === 1);
    expect(clock.pending()).toEqual([5000]);
    expect(done).toBe(false);
    clock.advance(5000);
    await waitFor(() => clock.pending().length === 1);
    expect(clock.pending()).toEqual([10_000]);
    expect(done).toBe(false);
    clock.advance(5000);
    expect((await applying).ok).toBe(true);
  });

  it('reboots the simulated host, never the machine: new boot id, nothing pending', async () => {
    const s = scenario();
    const pm = manager(s);
    await pm.apply(await pm.plan({ packages: [{ name: 'linux-image' }] }), { timeoutMs: 1000 });
    const bootId = simulatedBootId(dir, s);
    const before = await bootId();
    const reasons: string[] = [];
    await new SimulatedRebooter(dir, s, (r) => reasons.push(r)).reboot('job j-1');
    expect(reasons).toEqual(['job j-1']);
    expect(await bootId()).not.toBe(before);
    expect((await pm.rebootRequired()).required).toBe(false);
  });
});

/** Waits for a condition that async work (file I/O) will make true; no fixed sleep. */
async function waitFor(cond: () => boolean): Promise<void> {
  await vi.waitFor(() => expect(cond()).toBe(true), { timeout: 5000, interval: 2 });
}

describe('simulated scenario file changes and host facts', () => {
  it('reads the scenario file again when it changes (a fixed mirror), and keeps the old one on a bad edit', async () => {
    const file = path.join(dir, 'scenario.json');
    const broken = { ...scenarioJson, failures: [{ package: 'openssl', exitCode: 100, message: 'mirror broken' }] };
    fs.writeFileSync(file, JSON.stringify(broken));
    const pm = manager(scenario(broken), { scenarioFile: file });
    const plan = await pm.plan({ packages: [{ name: 'openssl' }] });
    expect((await pm.apply(plan, { timeoutMs: 1000 })).packages[0]).toMatchObject({ ok: false, message: 'mirror broken' });
    fs.writeFileSync(file, JSON.stringify({ ...scenarioJson, name: 'fixed', failures: [] }));
    expect(await pm.version()).toBe('simulated (fixed)');
    expect((await pm.apply(plan, { timeoutMs: 1000 })).packages[0]).toMatchObject({ ok: true, after: '3.0.13-1' });
    fs.writeFileSync(file, '{ not json');
    expect(await pm.version()).toBe('simulated (fixed)');
  });

  it('reports its own identity: hostname from the state directory, a simulated OS', () => {
    const facts = simulatedFacts(path.join(dir, 'host-07'), scenario());
    expect(facts).toMatchObject({ hostname: 'host-07', os: { platform: 'linux', id: 'simulated', distro: 'patchwave simulated host' }, hardware: { model: 'simulated' } });
  });

  it('is registered but never detected', () => {
    expect(ADAPTERS.map((m) => m.factory.name)).toContain('simulated');
    const debian: HostDescription = { platform: 'linux', arch: 'x64', osRelease: { ID: 'debian' }, executables: new Set(['apt-get', 'dpkg-query']) };
    expect(detectAdapters(debian, ADAPTERS).map((m) => m.factory.name)).not.toContain('simulated');
    expect(detectAdapters(debian, ADAPTERS, { simulate: true }).map((m) => m.factory.name)).toEqual(['simulated']);
  });
});
