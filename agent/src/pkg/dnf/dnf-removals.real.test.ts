import fs from 'node:fs/promises';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostDescription } from '../host.js';
import { RpmTestRepo } from '../rpmdb/test-repo.js';
import { DnfPackageManager } from './adapter.js';

/**
 * Dependency-aware dnf plans against the real dnf 4 (--installroot in a temp directory):
 * upgrading pwtest-a pulls in a new dependency and obsoletes pwtest-old, which dnf prints as a
 * `replacing` row under the upgrade; the plan lists all three changes.
 */
const host: HostDescription = { platform: 'linux', arch: 'x64', osRelease: { ID: 'rhel', ID_LIKE: 'fedora' }, executables: new Set(['dnf', 'rpm']) };
let repo: RpmTestRepo;
let dnf: DnfPackageManager;

beforeAll(async () => {
  repo = await RpmTestRepo.create('patchwave-dnf-rm-');
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
  const config = path.join(repo.dir, 'dnf.conf');
  await fs.mkdir(root);
  await fs.writeFile(
    config,
    ['[main]', 'gpgcheck=0', 'install_weak_deps=False', 'reposdir=', 'keepcache=0', '', '[pwlocal]', 'name=patchwave test repository', `baseurl=file://${repo.repoDir}`, 'gpgcheck=0', 'enabled=1', 'metadata_expire=never', ''].join('\n'),
  );
  await repo.runner.run({
    command: 'dnf',
    args: [`--config=${config}`, `--installroot=${root}`, '--releasever=1', '-y', '-q', 'install', '--', 'pwtest-a-1.0-1', 'pwtest-old-1.0-1'],
    timeoutMs: 120_000,
  });
  dnf = new DnfPackageManager('dnf', { exec: repo.runner, log: pino({ level: 'silent' }), host, local: { dnf: { installRoot: root, configFile: config, releaseVer: '1' } } });
}, 300_000);

afterAll(async () => {
  await repo?.remove();
});

describe('dnf plans list installs, upgrades and removals', { timeout: 120_000 }, () => {
  it('plans the upgrade, the new dependency and the removal of the obsoleted package, then applies exactly that', async () => {
    const plan = await dnf.plan({ packages: [{ name: 'pwtest-a' }] });
    expect(plan.changes).toEqual([
      { kind: 'upgrade', name: 'pwtest-a', arch: 'noarch', from: '1.0-1', to: '1.1-1' },
      { kind: 'remove', name: 'pwtest-old', arch: 'noarch', from: '1.0-1', to: null },
      { kind: 'install', name: 'pwtest-b', arch: 'noarch', from: null, to: '1.0-1' },
    ]);
    expect(plan.notes).toContain('the transaction removes packages (obsoleted or conflicting)');
    const result = await dnf.apply(plan, { timeoutMs: 120_000 });
    expect(result.ok).toBe(true);
    const installed = Object.fromEntries((await dnf.listInstalled()).map((p) => [p.name, p.version]));
    expect(installed).toEqual({ 'pwtest-a': '1.1-1', 'pwtest-b': '1.0-1' });
  });
});
