import fs from 'node:fs/promises';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostDescription } from '../host.js';
import { RpmTestRepo } from '../rpmdb/test-repo.js';
import { ZypperPackageManager } from './adapter.js';

/**
 * The real zypper (Debian's zypper 1.14.42 / libzypp 17.25.7) with `--root` in a temp
 * directory and a local rpm-md repository this test builds (rpmbuild, createrepo_c,
 * modifyrepo_c). zypper reads updateinfo.xml as SUSE patches, so the security patch, its
 * category, severity and CVE all come from zypper itself. ZYPP_LOGFILE keeps zypper's log in the
 * temp directory too.
 */
const PATCH = 'PWSA-2026:0001';
const CVE = 'CVE-2026-0001';
const host: HostDescription = { platform: 'linux', arch: 'x64', osRelease: { ID: 'sles', ID_LIKE: 'suse' }, executables: new Set(['zypper', 'rpm']) };
const timeout = { timeoutMs: 120_000 };

let repo: RpmTestRepo;
let zypper: ZypperPackageManager;
let root: string;

const version = async (name: string): Promise<string | undefined> => (await zypper.listInstalled()).find((p) => p.name === name)?.version;

beforeAll(async () => {
  repo = await RpmTestRepo.create('patchwave-zypper-');
  for (const pkg of [
    { name: 'pwtest-foo', version: '1.0' },
    { name: 'pwtest-foo', version: '1.1' },
    { name: 'pwtest-bar', version: '2.0', epoch: 1 },
    { name: 'pwtest-bar', version: '2.1', epoch: 1, requires: ['pwtest-dep'] },
    { name: 'pwtest-dep', version: '1.0' },
    { name: 'pwtest-broken', version: '1.0' },
    { name: 'pwtest-broken', version: '1.1', failPre: true },
    { name: 'pwtest-kernelish', version: '1.0', provides: ['installhint(reboot-needed)'] },
    { name: 'pwtest-kernelish', version: '1.1', provides: ['installhint(reboot-needed)'] },
  ]) {
    await repo.build(pkg);
  }
  await repo.publish([
    {
      id: PATCH,
      type: 'security',
      severity: 'Important',
      title: 'pwtest-foo and pwtest-bar security update',
      cves: [CVE],
      packages: [{ name: 'pwtest-foo', version: '1.1' }, { name: 'pwtest-bar', version: '2.1', epoch: 1 }],
    },
    { id: 'PWRA-2026:0003', type: 'bugfix', severity: 'Low', title: 'pwtest-kernelish fix', packages: [{ name: 'pwtest-kernelish', version: '1.1' }] },
  ]);
  root = path.join(repo.dir, 'root');
  await fs.mkdir(root);
  const z = (args: string[]) => repo.runner.run({ command: 'zypper', args: ['--non-interactive', '--root', root, ...args], timeoutMs: 120_000 });
  await z(['addrepo', '--no-gpgcheck', `file://${repo.repoDir}`, 'pwlocal']);
  await z(['refresh']);
  await z(['install', '--', 'pwtest-foo=1.0-1', 'pwtest-bar=1:2.0-1', 'pwtest-broken=1.0-1', 'pwtest-kernelish=1.0-1']);
  // Installing pwtest-kernelish raised the reboot flag; start from a booted system.
  await fs.rm(path.join(root, 'run', 'reboot-needed'), { force: true });
  zypper = new ZypperPackageManager({ exec: repo.runner, log: pino({ level: 'silent' }), host, local: { zypper: { root } } });
}, 300_000);

afterAll(async () => {
  await repo?.remove();
});

describe('zypper adapter against the real zypper', { timeout: 120_000 }, () => {
  it('lists installed packages and updates classified by the SUSE patch that fixes them', async () => {
    expect(await zypper.version()).toBe('1.14.42');
    expect((await zypper.listInstalled()).map((p) => `${p.name} ${p.version}`).sort()).toEqual(['pwtest-bar 1:2.0-1', 'pwtest-broken 1.0-1', 'pwtest-foo 1.0-1', 'pwtest-kernelish 1.0-1']);
    const updates = await zypper.listUpdates();
    expect(updates.find((u) => u.name === 'pwtest-foo')).toMatchObject({ installedVersion: '1.0-1', candidateVersion: '1.1-1', security: true, severity: 'important', advisories: [PATCH], cves: [CVE], origin: 'pwlocal' });
    expect(updates.find((u) => u.name === 'pwtest-bar')).toMatchObject({ installedVersion: '1:2.0-1', candidateVersion: '1:2.1-1', security: true, advisories: [PATCH] });
    expect(updates.find((u) => u.name === 'pwtest-kernelish')).toMatchObject({ security: false, advisories: ['PWRA-2026:0003'] });
    expect(updates.find((u) => u.name === 'pwtest-broken')).toMatchObject({ security: false, advisories: [] });
    expect(await zypper.rebootRequired()).toEqual({ required: false, reasons: [], packages: [] });
  });

  it('plans security patches with zypper --dry-run and resolves nothing it cannot find', async () => {
    const plan = await zypper.plan({ securityOnly: true });
    expect(plan.targets).toEqual(['patch', '--category', 'security']);
    expect(plan.changes).toEqual([
      { kind: 'install', name: 'pwtest-dep', arch: 'noarch', from: null, to: '1.0-1' },
      { kind: 'upgrade', name: 'pwtest-bar', arch: 'noarch', from: '1:2.0-1', to: '1:2.1-1' },
      { kind: 'upgrade', name: 'pwtest-foo', arch: 'noarch', from: '1.0-1', to: '1.1-1' },
    ]);
    expect(plan.notes).toContain(`installs patches: ${PATCH}`);
    const missing = await zypper.plan({ advisories: ['PWSA-1999:9999'] });
    expect(missing.changes).toEqual([]);
    expect(missing.unresolved).toEqual([expect.objectContaining({ code: 'E_PKG_NOT_FOUND' })]);
    expect(await version('pwtest-foo')).toBe('1.0-1');
  });

  it('applies the security patch, then rolls foo back with install --oldpackage', async () => {
    const result = await zypper.apply(await zypper.plan({ securityOnly: true }), timeout);
    expect(result).toMatchObject({ manager: 'zypper', ok: true, exitCode: 0, rebootRequired: false });
    expect(result.packages).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'pwtest-foo', before: '1.0-1', after: '1.1-1', ok: true }),
        expect.objectContaining({ name: 'pwtest-bar', before: '1:2.0-1', after: '1:2.1-1', ok: true }),
        expect.objectContaining({ name: 'pwtest-dep', requested: null, before: null, after: '1.0-1', ok: true }),
      ]),
    );
    const back = await zypper.rollback([{ name: 'pwtest-foo', arch: 'noarch', version: '1.0-1' }], timeout);
    expect(back).toMatchObject({ ok: true, packages: [expect.objectContaining({ name: 'pwtest-foo', before: '1.1-1', after: '1.0-1', ok: true })] });
  });

  it('pins a version by name and reports the reboot flag a package raised', async () => {
    const plan = await zypper.plan({ packages: [{ name: 'pwtest-kernelish', version: '1.1-1' }] });
    expect(plan.targets).toEqual(['install', '--oldpackage', '--', 'pwtest-kernelish=1.1-1']);
    const result = await zypper.apply(plan, timeout);
    expect(result).toMatchObject({ ok: true, rebootRequired: true, packages: [expect.objectContaining({ name: 'pwtest-kernelish', after: '1.1-1' })] });
    expect(await zypper.rebootRequired()).toMatchObject({ required: true });
  });

  it('reports a failing %pre scriptlet with exit 8 and the package unchanged', async () => {
    const result = await zypper.apply(await zypper.plan({ packages: [{ name: 'pwtest-broken' }] }), timeout);
    expect(result.ok).toBe(false);
    expect(result.exitCode).toBe(8);
    expect(result.errorCode).toBe('E_PKG_SCRIPT_FAILED');
    expect(result.packages).toEqual([expect.objectContaining({ name: 'pwtest-broken', before: '1.0-1', after: '1.0-1', ok: false, errorCode: 'E_PKG_SCRIPT_FAILED' })]);
    expect(result.outputTail).toContain('Installation of pwtest-broken-1.1-1.noarch failed');
  });
});
