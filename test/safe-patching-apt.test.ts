import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { JobResultPayload } from '@patchwave/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecaCommandRunner } from '../agent/src/exec/index.js';
import { silentLogger } from '../agent/src/log/logger.js';
import { AptPackageManager } from '../agent/src/pkg/apt/index.js';
import { probeHost } from '../agent/src/pkg/host-probe.js';
import { dpkgState, LocalAptRepo } from './support/apt-local-repo.js';
import { realExecutor } from './support/real-executor.js';

const run = promisify(execFile);
const show = (label: string, value: unknown) => console.log(`[safe-patching-apt] ${label}:`, JSON.stringify(value, null, 2));

if (process.getuid?.() !== 0) throw new Error('the real apt tests install packages with dpkg and must run as root');

/**
 * Dependency-aware plans and holds against real apt and dpkg: a local repository where upgrading
 * A 1.0 → 1.1 pulls in a new dependency B and removes the conflicting package C, and a package H
 * that the device group holds.
 */
describe('safe patching with real apt: dependency-aware plans and holds', () => {
  let repo: LocalAptRepo;
  let apt: AptPackageManager;
  let exec: ReturnType<typeof realExecutor>;
  const a = LocalAptRepo.uniqueName('a');
  const b = LocalAptRepo.uniqueName('b');
  const c = LocalAptRepo.uniqueName('c');
  const h = LocalAptRepo.uniqueName('held');

  beforeAll(async () => {
    repo = await LocalAptRepo.create();
    await repo.add({ name: a, version: '1.0', suite: 'updates' });
    await repo.add({ name: a, version: '1.1', suite: 'security', depends: `${b} (>= 1.0)`, conflicts: c, breaks: `${c} (<< 9)` });
    await repo.add({ name: b, version: '1.0', suite: 'updates' });
    await repo.add({ name: c, version: '1.0', suite: 'updates' });
    await repo.add({ name: h, version: '1.0', suite: 'updates' });
    await repo.add({ name: h, version: '1.1', suite: 'security' });
    await repo.publish();
    await repo.install([`${a}=1.0`, `${c}=1.0`, `${h}=1.0`]);
    apt = new AptPackageManager({ exec: new ExecaCommandRunner(), log: silentLogger(), host: await probeHost(), local: { aptOptions: repo.options } });
    exec = realExecutor([apt]);
  }, 180_000);

  afterAll(async () => {
    exec?.close();
    if (!repo) return;
    await run('apt-mark', ['unhold', '--', h]).catch(() => undefined);
    show('purged at the end', await repo.dispose());
    for (const name of [a, b, c, h]) expect(await dpkgState(name)).toBeUndefined();
  }, 180_000);

  it('plans the upgrade of A with the new dependency B and the removal of the conflicting C', async () => {
    const plan = await apt.plan({ packages: [{ name: a }] });
    show('plan for A', plan);
    const mine = plan.changes.filter((ch) => [a, b, c].includes(ch.name));
    expect(mine).toEqual(
      expect.arrayContaining([
        { kind: 'upgrade', name: a, arch: 'all', from: '1.0', to: '1.1' },
        { kind: 'install', name: b, arch: 'all', from: null, to: '1.0' },
        { kind: 'remove', name: c, arch: 'all', from: '1.0', to: null },
      ]),
    );
    expect(mine).toHaveLength(3);
    // Nothing changed: a plan is a simulation.
    expect(await dpkgState(a)).toMatchObject({ version: '1.0' });
    expect(await dpkgState(c)).toMatchObject({ version: '1.0' });
  });

  it('a plan job for all updates lists the same three changes and leaves the held package out', async () => {
    const result = await exec.run({ kind: 'plan', selection: { kind: 'all' }, holds: [{ name: h, reason: 'vendor-certified version' }] });
    JobResultPayload.parse(result);
    const plan = result.plans?.find((p) => p.manager === 'apt');
    show('plan job (all, with a hold)', plan);
    const names = plan?.changes.map((ch) => `${ch.kind} ${ch.name}`) ?? [];
    expect(names).toEqual(expect.arrayContaining([`upgrade ${a}`, `install ${b}`, `remove ${c}`]));
    expect(names.some((n) => n.endsWith(h))).toBe(false);
    expect(plan?.notes.join('\n')).toContain(`held, left out of the plan: ${h} 1.1`);
  });

  it('honours apt-mark hold: a package the tool holds is never in a plan', async () => {
    await apt.hold([h]);
    try {
      expect(await apt.listHeld()).toContain(h);
      const result = await exec.run({ kind: 'plan', selection: { kind: 'security' } });
      const plan = result.plans?.find((p) => p.manager === 'apt');
      show('plan job (security, apt-mark hold)', plan);
      expect(plan?.changes.some((ch) => ch.name === h)).toBe(false);
      expect(plan?.changes.some((ch) => ch.name === a)).toBe(true);
    } finally {
      await apt.unhold([h]);
    }
    expect(await apt.listHeld()).not.toContain(h);
  });

  it('refuses an apply job naming a held package, or a version outside its range, with E_PKG_HELD and changes nothing', async () => {
    const absolute = await exec.run({
      kind: 'apply',
      packages: [{ manager: 'apt', name: h, version: null }],
      rebootPolicy: { mode: 'never' },
      safety: { holds: [{ name: h, reason: 'vendor-certified version' }] },
    });
    show('apply of a held package', absolute);
    expect(absolute).toMatchObject({ status: 'failed', errorCode: 'E_PKG_HELD' });
    expect(absolute.packages[0]).toMatchObject({ name: h, ok: false, errorCode: 'E_PKG_HELD', after: '1.0' });
    expect(absolute.packages[0]?.message).toContain('vendor-certified version');

    const ranged = await exec.run({
      kind: 'apply',
      packages: [{ manager: 'apt', name: h, version: null }],
      rebootPolicy: { mode: 'never' },
      safety: { holds: [{ name: h, manager: 'apt', versionRange: '>=1.0 <1.1' }] },
    });
    expect(ranged).toMatchObject({ status: 'failed', errorCode: 'E_PKG_HELD' });
    expect(ranged.packages[0]?.message).toContain(`${h} 1.1 is outside its allowed range >=1.0 <1.1`);
    expect(await dpkgState(h)).toMatchObject({ version: '1.0' });
  });

  it('refuses an apply whose transaction would remove a held package (C, pulled out by A’s conflict)', async () => {
    const result = await exec.run({
      kind: 'apply',
      packages: [{ manager: 'apt', name: a, version: null }],
      rebootPolicy: { mode: 'never' },
      safety: { holds: [{ name: c, versionRange: '>=1.0' }] },
    });
    show('apply of A with C held', result);
    expect(result).toMatchObject({ status: 'failed', errorCode: 'E_PKG_HELD' });
    expect(result.packages[0]?.message).toContain(`remove ${c}`);
    expect(await dpkgState(a)).toMatchObject({ version: '1.0' });
    expect(await dpkgState(c)).toMatchObject({ version: '1.0' });
    expect(await dpkgState(b)).toBeUndefined();
  });

  it('applies the plan for real: A upgraded, B installed, C removed, and the rollback plan records all three', async () => {
    const result = await exec.run({ kind: 'apply', packages: [{ manager: 'apt', name: a, version: null }], rebootPolicy: { mode: 'never' }, safety: {} });
    show('apply of A', { ...result, outputTail: result.outputTail.split('\n').slice(-5) });
    expect(result).toMatchObject({ status: 'succeeded' });
    expect(result.safety).toEqual({ preflight: [], before: [], after: [], broken: [] });
    expect(result.rollbackPlan).toEqual(
      expect.arrayContaining([
        { manager: 'apt', name: a, arch: 'all', version: '1.0' },
        { manager: 'apt', name: b, arch: 'all', version: null },
        { manager: 'apt', name: c, arch: 'all', version: '1.0' },
      ]),
    );
    expect(await dpkgState(a)).toMatchObject({ version: '1.1' });
    expect(await dpkgState(b)).toMatchObject({ version: '1.0' });
    expect(await dpkgState(c)).toBeUndefined();
  });
});
