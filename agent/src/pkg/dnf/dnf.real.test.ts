import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostDescription } from '../host.js';
import type { ApplyResult } from '../package-manager.js';
import { RpmTestRepo } from '../rpmdb/test-repo.js';
import { DnfPackageManager } from './adapter.js';

/**
 * The real dnf (Debian's dnf 4.14 / libdnf 0.69 / rpm 4.18) against a repository this test
 * builds with rpmbuild + createrepo_c + modifyrepo_c, installing into an --installroot under
 * os.tmpdir(). Nothing outside the temp directory is touched: dnf keeps its cache, logs and
 * history inside the install root, and HOME points into the temp directory because Debian's rpm
 * puts its database under ~/.rpmdb.
 */
const ADVISORY = 'PWSA-2026:0001';
const CVE = 'CVE-2026-0001';
const host: HostDescription = { platform: 'linux', arch: 'x64', osRelease: { ID: 'rhel', ID_LIKE: 'fedora' }, executables: new Set(['dnf', 'rpm']) };
const timeout = { timeoutMs: 120_000 };

let repo: RpmTestRepo;
let hadRpmdb: boolean;
let dnf: DnfPackageManager;
let root: string;
let config: string;

const version = async (name: string): Promise<string | undefined> => (await dnf.listInstalled()).find((p) => p.name === name)?.version;

const exists = (p: string): Promise<boolean> => fs.access(p).then(() => true, () => false);

beforeAll(async () => {
  hadRpmdb = await exists(path.join(os.homedir(), '.rpmdb'));
  repo = await RpmTestRepo.create('patchwave-dnf-');
  for (const pkg of [
    { name: 'pwtest-foo', version: '1.0' },
    { name: 'pwtest-foo', version: '1.1' },
    { name: 'pwtest-bar', version: '2.0', epoch: 1 },
    { name: 'pwtest-bar', version: '2.1', epoch: 1, requires: ['pwtest-dep'] },
    { name: 'pwtest-dep', version: '1.0' },
    { name: 'pwtest-broken', version: '1.0' },
    { name: 'pwtest-broken', version: '1.1', failPre: true },
    { name: 'pwtest-postfail', version: '1.0' },
    { name: 'pwtest-postfail', version: '1.1', failPost: true },
  ]) {
    await repo.build(pkg);
  }
  await repo.publish([
    { id: ADVISORY, type: 'security', severity: 'Important', title: 'pwtest-foo security update', cves: [CVE], packages: [{ name: 'pwtest-foo', version: '1.1' }] },
    { id: 'PWBA-2026:0002', type: 'bugfix', severity: 'None', title: 'pwtest-bar bug fix', packages: [{ name: 'pwtest-bar', version: '2.1', epoch: 1 }] },
  ]);
  root = path.join(repo.dir, 'root');
  config = path.join(repo.dir, 'dnf.conf');
  await fs.mkdir(root);
  await fs.writeFile(
    config,
    [
      '[main]',
      'gpgcheck=0',
      'install_weak_deps=False',
      'reposdir=',
      'keepcache=0',
      '',
      '[pwlocal]',
      'name=patchwave test repository',
      `baseurl=file://${repo.repoDir}`,
      'gpgcheck=0',
      'enabled=1',
      'metadata_expire=never',
      '',
    ].join('\n'),
  );
  // The starting point: version 1.0 of everything, installed by dnf itself.
  await repo.runner.run({
    command: 'dnf',
    args: [`--config=${config}`, `--installroot=${root}`, '--releasever=1', '-y', '-q', 'install', '--', 'pwtest-foo-1.0-1', 'pwtest-bar-1:2.0-1', 'pwtest-broken-1.0-1', 'pwtest-postfail-1.0-1'],
    timeoutMs: 120_000,
  });
  dnf = new DnfPackageManager('dnf', {
    exec: repo.runner,
    log: pino({ level: 'silent' }),
    host,
    local: { dnf: { installRoot: root, configFile: config, releaseVer: '1' } },
  });
}, 300_000);

afterAll(async () => {
  await repo?.remove();
  // Debian's rpm would have created ~/.rpmdb had HOME not pointed into the temp directory.
  expect(await exists(path.join(os.homedir(), '.rpmdb'))).toBe(hadRpmdb);
});

describe('dnf adapter against the real dnf', { timeout: 120_000 }, () => {
  it('is dnf 4 and lists what rpm has installed, epoch and source package included', async () => {
    expect(await dnf.dialect()).toBe('dnf4');
    expect(await dnf.version()).toMatch(/^4\.\d+/);
    const installed = await dnf.listInstalled();
    expect(installed.map((p) => `${p.name} ${p.version}`).sort()).toEqual(['pwtest-bar 1:2.0-1', 'pwtest-broken 1.0-1', 'pwtest-foo 1.0-1', 'pwtest-postfail 1.0-1']);
    expect(installed.find((p) => p.name === 'pwtest-bar')).toEqual({ manager: 'dnf', name: 'pwtest-bar', version: '1:2.0-1', arch: 'noarch', source: { name: 'pwtest-bar', version: '1:2.0-1' } });
  });

  it('lists updates with the security flag, severity, advisory and CVE from updateinfo', async () => {
    const updates = await dnf.listUpdates();
    expect(updates.find((u) => u.name === 'pwtest-foo')).toEqual({
      manager: 'dnf',
      name: 'pwtest-foo',
      arch: 'noarch',
      installedVersion: '1.0-1',
      candidateVersion: '1.1-1',
      security: true,
      severity: 'important',
      advisories: [ADVISORY],
      cves: [CVE],
      origin: 'pwlocal',
    });
    expect(updates.find((u) => u.name === 'pwtest-bar')).toMatchObject({ installedVersion: '1:2.0-1', candidateVersion: '1:2.1-1', security: false, advisories: ['PWBA-2026:0002'], cves: [] });
    expect(updates.map((u) => u.name).sort()).toEqual(['pwtest-bar', 'pwtest-broken', 'pwtest-foo', 'pwtest-postfail']);
  });

  it('plans security-only, by advisory and by name from dnf --assumeno, changing nothing', async () => {
    const security = await dnf.plan({ securityOnly: true });
    expect(security.changes).toEqual([{ kind: 'upgrade', name: 'pwtest-foo', arch: 'noarch', from: '1.0-1', to: '1.1-1' }]);
    expect(security.targets).toEqual(['install', '--', 'pwtest-foo-1.1-1.noarch']);
    const byAdvisory = await dnf.plan({ advisories: [ADVISORY] });
    expect(byAdvisory.changes).toEqual(security.changes);
    const bar = await dnf.plan({ packages: [{ name: 'pwtest-bar' }, { name: 'pwtest-nonexistent' }] });
    expect(bar.changes).toEqual([
      { kind: 'upgrade', name: 'pwtest-bar', arch: 'noarch', from: '1:2.0-1', to: '1:2.1-1' },
      { kind: 'install', name: 'pwtest-dep', arch: 'noarch', from: null, to: '1.0-1' },
    ]);
    expect(bar.unresolved).toEqual([{ name: 'pwtest-nonexistent', code: 'E_PKG_NOT_FOUND', message: 'pwtest-nonexistent is not installed' }]);
    expect(await version('pwtest-foo')).toBe('1.0-1');
    expect(await version('pwtest-dep')).toBeUndefined();
  });

  it('applies the security plan, then rolls it back with a downgrade', async () => {
    const plan = await dnf.plan({ securityOnly: true });
    const applied = await dnf.apply(plan, timeout);
    expect(applied).toMatchObject({ manager: 'dnf', ok: true, exitCode: 0, packages: [{ name: 'pwtest-foo', arch: 'noarch', requested: '1.1-1', before: '1.0-1', after: '1.1-1', ok: true }] });
    expect(applied.outputTail).toContain('Complete!');
    expect((await dnf.listUpdates()).some((u) => u.name === 'pwtest-foo')).toBe(false);

    const back = await dnf.rollback([{ name: 'pwtest-foo', arch: 'noarch', version: '1.0-1' }], timeout);
    expect(back).toMatchObject({ ok: true, exitCode: 0, packages: [{ name: 'pwtest-foo', before: '1.1-1', after: '1.0-1', ok: true }] });
    expect(await version('pwtest-foo')).toBe('1.0-1');
  });

  it('pins a version: up and down in one transaction through dnf install', async () => {
    const plan = await dnf.plan({ packages: [{ name: 'pwtest-foo', version: '1.1-1' }, { name: 'pwtest-bar', version: '1:2.1-1' }] });
    expect(plan.changes.map((c) => `${c.kind} ${c.name} ${c.to}`).sort()).toEqual(['install pwtest-dep 1.0-1', 'upgrade pwtest-bar 1:2.1-1', 'upgrade pwtest-foo 1.1-1']);
    expect((await dnf.apply(plan, timeout)).ok).toBe(true);
    const down = await dnf.plan({ packages: [{ name: 'pwtest-foo', version: '1.0-1' }] });
    expect(down.changes).toEqual([{ kind: 'downgrade', name: 'pwtest-foo', arch: 'noarch', from: '1.1-1', to: '1.0-1' }]);
    expect((await dnf.apply(down, timeout)).packages[0]).toMatchObject({ after: '1.0-1', ok: true });
    // Back to where the test started: bar 1:2.0-1 again and pwtest-dep, which it never had, gone.
    const back = await dnf.rollback([{ name: 'pwtest-bar', arch: 'noarch', version: '1:2.0-1' }, { name: 'pwtest-dep', version: null }], timeout);
    expect(back.ok).toBe(true);
    expect(back.packages).toEqual([
      expect.objectContaining({ name: 'pwtest-bar', before: '1:2.1-1', after: '1:2.0-1', ok: true }),
      expect.objectContaining({ name: 'pwtest-dep', before: '1.0-1', after: null, ok: true }),
    ]);
  });

  it('reports a failing %pre scriptlet: nothing changed, E_PKG_SCRIPT_FAILED with the rpm error', async () => {
    const plan = await dnf.plan({ packages: [{ name: 'pwtest-broken' }] });
    const result: ApplyResult = await dnf.apply(plan, timeout);
    expect(result.ok).toBe(false);
    expect(result.exitCode).toBe(1);
    expect(result.errorCode).toBe('E_PKG_SCRIPT_FAILED');
    expect(result.packages).toEqual([
      expect.objectContaining({ name: 'pwtest-broken', requested: '1.1-1', before: '1.0-1', after: '1.0-1', ok: false, errorCode: 'E_PKG_SCRIPT_FAILED' }),
    ]);
    expect(result.packages[0]?.message).toContain('pwtest-broken: pre-install scriptlet failing on purpose');
    expect(result.outputTail).toContain('Error in PREIN scriptlet in rpm package pwtest-broken');
    expect(result.outputTail).toContain('Error: Transaction failed');
  });

  it('reports a failing %post scriptlet although dnf exits 0: installed, but not ok', async () => {
    const result = await dnf.apply(await dnf.plan({ packages: [{ name: 'pwtest-postfail' }] }), timeout);
    expect(result.exitCode).toBe(0);
    expect(result.ok).toBe(false);
    expect(result.packages).toEqual([
      expect.objectContaining({ name: 'pwtest-postfail', before: '1.0-1', after: '1.1-1', ok: false, errorCode: 'E_PKG_SCRIPT_FAILED' }),
    ]);
  });

  it('says plainly when it cannot tell whether a reboot is needed', async () => {
    // Debian cannot install dnf-plugins-core next to zypper (both ship /usr/bin/needs-restarting),
    // and the running kernel says nothing about an install root.
    expect(await dnf.rebootRequired()).toEqual({ required: 'unknown', reasons: ['needs-restarting is not available (dnf-plugins-core / yum-utils not installed)'], packages: [] });
  });
});
