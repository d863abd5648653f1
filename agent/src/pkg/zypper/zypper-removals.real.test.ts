import fs from 'node:fs/promises';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostDescription } from '../host.js';
import { RpmTestRepo } from '../rpmdb/test-repo.js';
import { ZypperPackageManager } from './adapter.js';

/**
 * Dependency-aware zypper plans against the real zypper (`--root` in a temp directory): upgrading
 * pwtest-a pulls in a new dependency and removes the package it obsoletes; zypper's install
 * summary (`--xmlout … --dry-run`) lists all three and the plan shows them.
 */
const host: HostDescription = { platform: 'linux', arch: 'x64', osRelease: { ID: 'sles', ID_LIKE: 'suse' }, executables: new Set(['zypper', 'rpm']) };
let repo: RpmTestRepo;
let zypper: ZypperPackageManager;

beforeAll(async () => {
  repo = await RpmTestRepo.create('patchwave-zypper-rm-');
  for (const pkg of [
    { name: 'pwtest-a', version: '1.0' },
    { name: 'pwtest-a', version: '1.1', requires: ['pwtest-b'], obsoletes: ['pwtest-old < 2'] },
    { name: 'pwtest-b', version: '1.0' },
    { name: 'pwtest-old', version: '1.0' },
  ]) {
    await repo.build(pkg);
  }
  await repo.publish([]);
  const root = path.join(repo.dir, 'root');
  await fs.mkdir(root);
  const z = (args: string[]) => repo.runner.run({ command: 'zypper', args: ['--non-interactive', '--root', root, ...args], timeoutMs: 120_000 });
  await z(['addrepo', '--no-gpgcheck', `file://${repo.repoDir}`, 'pwlocal']);
  await z(['refresh']);
  await z(['install', '--', 'pwtest-a=1.0-1', 'pwtest-old=1.0-1']);
  zypper = new ZypperPackageManager({ exec: repo.runner, log: pino({ level: 'silent' }), host, local: { zypper: { root } } });
}, 300_000);

afterAll(async () => {
  await repo?.remove();
});

describe('zypper plans list installs, upgrades and removals', { timeout: 120_000 }, () => {
  it('plans the upgrade, the new dependency and the removal of the obsoleted package, then applies exactly that', async () => {
    const plan = await zypper.plan({ packages: [{ name: 'pwtest-a' }] });
    expect(plan.changes).toEqual(
      expect.arrayContaining([
        { kind: 'upgrade', name: 'pwtest-a', arch: 'noarch', from: '1.0-1', to: '1.1-1' },
        { kind: 'install', name: 'pwtest-b', arch: 'noarch', from: null, to: '1.0-1' },
        { kind: 'remove', name: 'pwtest-old', arch: 'noarch', from: '1.0-1', to: null },
      ]),
    );
    expect(plan.changes).toHaveLength(3);
    const result = await zypper.apply(plan, { timeoutMs: 120_000 });
    expect(result.ok).toBe(true);
    const installed = Object.fromEntries((await zypper.listInstalled()).map((p) => [p.name, p.version]));
    expect(installed).toEqual({ 'pwtest-a': '1.1-1', 'pwtest-b': '1.0-1' });
  });
});
