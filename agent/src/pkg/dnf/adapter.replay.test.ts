import { readFileSync } from 'node:fs';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ReplayCommandRunner, type Replay } from '../../exec/replay-runner.js';
import type { HostDescription } from '../host.js';
import type { Plan } from '../package-manager.js';
import { RPM_QUERY_FORMAT } from '../rpmdb/rpm-query.js';
import { DnfPackageManager } from './adapter.js';
import { detectDnf, detectYum } from './detect.js';
import { featureBlock } from './feature-file.js';
import { REPOQUERY_FORMAT } from './parse-repoquery.js';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const log = pino({ level: 'silent' });
const rhel = (executables: string[]): HostDescription => ({
  platform: 'linux',
  arch: 'x64',
  osRelease: { ID: 'rocky', ID_LIKE: 'rhel centos fedora', VERSION_ID: '9.4' },
  executables: new Set(executables),
});
const HOSTILE = ['--allow-unauthenticated', '-oAPT::Get::AllowUnauthenticated=1', 'foo; rm -rf /', 'foo\nbar', '$(id)', 'foo bar', '`id`', 'a|b'];

function adapter(name: 'dnf' | 'yum', replays: Replay[], executables = ['dnf', 'rpm']): { pm: DnfPackageManager; exec: ReplayCommandRunner } {
  const exec = new ReplayCommandRunner(replays);
  return { pm: new DnfPackageManager(name, { exec, log, host: rhel(executables) }), exec };
}

describe('detect', () => {
  it('finds dnf on the Fedora/RHEL family only, and yum only where there is no dnf', () => {
    expect(detectDnf(rhel(['dnf']))).toBe(true);
    expect(detectDnf(rhel(['dnf5']))).toBe(true);
    expect(detectDnf({ ...rhel(['dnf']), osRelease: { ID: 'debian' } })).toBe(false);
    expect(detectDnf({ ...rhel(['dnf']), osRelease: { ID: 'amzn', ID_LIKE: 'fedora' } })).toBe(true);
    expect(detectDnf({ ...rhel(['dnf']), platform: 'darwin' })).toBe(false);
    expect(detectYum(rhel(['yum']))).toBe(true);
    expect(detectYum(rhel(['yum', 'dnf']))).toBe(false);
    expect(detectYum({ ...rhel(['yum']), osRelease: { ID: 'centos', ID_LIKE: 'rhel fedora', VERSION_ID: '7' } })).toBe(true);
  });
});

describe('hostile names never reach a process', () => {
  for (const name of HOSTILE) {
    it(`rejects ${JSON.stringify(name)} in plan, apply and rollback before anything runs`, async () => {
      const { pm, exec } = adapter('dnf', []);
      await expect(pm.plan({ packages: [{ name }] })).rejects.toMatchObject({ code: 'E_INVALID_PACKAGE_NAME' });
      await expect(pm.plan({ packages: [{ name: 'bash', version: name }] })).rejects.toMatchObject({ code: 'E_INVALID_PACKAGE_NAME' });
      await expect(pm.plan({ advisories: [name] })).rejects.toMatchObject({ code: 'E_INVALID_PACKAGE_NAME' });
      await expect(pm.rollback([{ name, version: '1.0-1' }], { timeoutMs: 1000 })).rejects.toMatchObject({ code: 'E_INVALID_PACKAGE_NAME' });
      const plan: Plan = { manager: 'dnf', selection: { all: true }, changes: [{ kind: 'upgrade', name, arch: 'x86_64', from: '1-1', to: '2-1' }], unresolved: [], notes: [], targets: [] };
      await expect(pm.apply(plan, { timeoutMs: 1000 })).rejects.toMatchObject({ code: 'E_INVALID_PACKAGE_NAME' });
      expect(exec.calls).toEqual([]);
    });
  }
});

describe('dnf5', () => {
  const feature = fixture('ci-dnf-stack.dnf5.advisory-json.feature.txt');
  const installed = 'labirinto\t(none)\t1.56.1\t1.fc30\tx86_64\tlabirinto-1.56.1-1.fc30.src.rpm\n';
  const replays: Replay[] = [
    { match: { command: 'dnf', args: ['--version'] }, stdout: 'dnf5 version 5.2.6.2\ndnf5 plugin API version 2.0\nlibdnf5 version 5.2.6.2\n' },
    { match: { command: 'rpm', args: ['-qa', '--qf', RPM_QUERY_FORMAT] }, stdout: installed },
    {
      match: { command: 'dnf', args: ['-q', 'repoquery', '--upgrades', '--latest-limit=1', `--queryformat=${REPOQUERY_FORMAT}`] },
      stdout: 'labirinto\t0\t1.56.2\t6.fc30\tx86_64\tadvisories-updates\n',
    },
    { match: { command: 'dnf', args: ['-q', 'advisory', 'list', '--all', '--json'] }, stdout: featureBlock(feature, 'Scenario: Listing updates in json format with custom type and severity') },
    { match: { command: 'dnf', args: ['-q', 'advisory', 'list', '--available', '--with-cve', '--json'] }, stdout: '[]\n' },
  ];

  it('reads advisories from dnf5 JSON: the highest severity of the security advisories wins', async () => {
    const { pm, exec } = adapter('dnf', replays);
    const [update] = await pm.listUpdates();
    expect(update).toMatchObject({
      name: 'labirinto',
      installedVersion: '1.56.1-1.fc30',
      candidateVersion: '1.56.2-6.fc30',
      security: true,
      severity: 'critical',
      advisories: ['FEDORA-2019-57b5902ed1', 'FEDORA-2019-f4eb34cf4c', 'FEDORA-2022-2222222222', 'FEDORA-2022-2222222223', 'FEDORA-2022-2222222224'],
    });
    expect(exec.lines()[0]).toBe('dnf --version');
  });

  it('asks dnf5 for --advisories= and reads its needs-restarting (exit 1 = reboot)', async () => {
    const { pm, exec } = adapter('dnf', [
      ...replays,
      { match: /^dnf --assumeno upgrade --advisories=FEDORA-2019-57b5902ed1$/, exitCode: 1, stdout: '', stderr: 'Operation aborted by the user.\n' },
      { match: { command: 'dnf', args: ['needs-restarting'] }, exitCode: 1, stdout: fixture('dnf5-needs-restarting.reboot-required.txt') },
    ]);
    const plan = await pm.plan({ advisories: ['FEDORA-2019-57b5902ed1'] });
    expect(plan.changes).toEqual([]);
    expect(exec.lines()).toContain('dnf --assumeno upgrade --advisories=FEDORA-2019-57b5902ed1');
    expect(await pm.rebootRequired()).toMatchObject({ required: true, packages: ['glibc'] });
  });
});

describe('yum 3', () => {
  it('lists updates with check-update (exit 100) and yum updateinfo, and plans with update', async () => {
    const { pm, exec } = adapter(
      'yum',
      [
        { match: { command: 'rpm', args: ['-qa', '--qf', RPM_QUERY_FORMAT] }, stdout: 'tar\t2\t1.26\t32.el7\tx86_64\ttar-1.26-32.el7.src.rpm\n' },
        { match: { command: 'yum', args: ['-q', 'check-update'] }, exitCode: 100, stdout: fixture('yum-check-update.el7.txt') },
        { match: { command: 'yum', args: ['-q', 'updateinfo', 'list', 'all'] }, stdout: '' },
      ],
      ['yum', 'rpm'],
    );
    const updates = await pm.listUpdates();
    expect(updates.find((u) => u.name === 'tar')).toMatchObject({ installedVersion: '2:1.26-32.el7', candidateVersion: '2:1.26-34.el7', security: 'unknown' });
    expect(exec.lines()).not.toContain('yum -q updateinfo list cves');
  });

  it('reads needs-restarting -r from yum-utils with its exit code', async () => {
    const { pm } = adapter('yum', [{ match: { command: 'needs-restarting', args: ['-r'] }, exitCode: 1, stdout: fixture('yum-needs-restarting-r.el7.reboot-required.txt') }], ['yum']);
    expect(await pm.rebootRequired()).toMatchObject({ required: true, packages: ['kernel', 'glibc', 'dbus', 'linux-firmware', 'openssl-libs', 'systemd', 'gnutls'] });
  });

  it('does not trust exit 1 alone: the captured text with exit 0 (as the capture was mocked) is not an answer', async () => {
    const { pm } = adapter('yum', [
      { match: { command: 'needs-restarting', args: ['-r'] }, exitCode: 0, stdout: fixture('yum-needs-restarting-r.el7.reboot-required.txt') },
      { match: { command: 'uname', args: ['-r'] }, stdout: '3.10.0-957.1.3.el7.x86_64\n' },
      { match: /^rpm -q --whatprovides kernel/, stdout: 'kernel\t(none)\t3.10.0\t957.1.3.el7\tx86_64\tkernel-3.10.0-957.1.3.el7.src.rpm\n' },
    ], ['yum']);
    expect(await pm.rebootRequired()).toEqual({ required: false, reasons: [], packages: [] });
  });
});

describe('dnf4 without dnf-plugins-core', () => {
  it('falls back to comparing the running kernel with the newest installed one', async () => {
    const { pm } = adapter('dnf', [
      { match: { command: 'dnf', args: ['--version'] }, stdout: '4.14.0\n' },
      { match: { command: 'dnf', args: ['needs-restarting', '-r'] }, exitCode: 1, stderr: fixture('dnf4-needs-restarting-missing-plugin.debian12.txt') },
      { match: { command: 'uname', args: ['-r'] }, stdout: '5.14.0-362.8.1.el9_3.x86_64\n' },
      {
        match: /^rpm -q --whatprovides kernel/,
        stdout: 'kernel-core\t(none)\t5.14.0\t362.8.1.el9_3\tx86_64\tkernel-5.14.0-362.8.1.el9_3.src.rpm\nkernel-core\t(none)\t5.14.0\t427.13.1.el9_4\tx86_64\tkernel-5.14.0-427.13.1.el9_4.src.rpm\n',
      },
    ]);
    expect(await pm.rebootRequired()).toEqual({
      required: true,
      reasons: ['running kernel 5.14.0-362.8.1.el9_3.x86_64, newest installed 5.14.0-427.13.1.el9_4.x86_64'],
      packages: ['kernel-core'],
    });
  });
});
