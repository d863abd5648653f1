import { readFileSync } from 'node:fs';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ReplayCommandRunner, type Replay } from '../../exec/replay-runner.js';
import { MemoryHostFiles } from '../host-files.js';
import type { HostDescription } from '../host.js';
import type { Plan } from '../package-manager.js';
import { RPM_QUERY_FORMAT } from '../rpmdb/rpm-query.js';
import { ZypperPackageManager } from './adapter.js';
import { detectZypper } from './detect.js';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const log = pino({ level: 'silent' });
const sles: HostDescription = { platform: 'linux', arch: 'x64', osRelease: { ID: 'sles', ID_LIKE: 'suse', VERSION_ID: '15.5' }, executables: new Set(['zypper', 'rpm']) };
const HOSTILE = ['--allow-unauthenticated', '-oAPT::Get::AllowUnauthenticated=1', 'foo; rm -rf /', 'foo\nbar', '$(id)', 'foo bar'];
const RPM_QA = { command: 'rpm', args: ['-qa', '--qf', RPM_QUERY_FORMAT] };

function adapter(replays: Replay[], files: Record<string, string> = {}): { pm: ZypperPackageManager; exec: ReplayCommandRunner } {
  const exec = new ReplayCommandRunner(replays);
  return { pm: new ZypperPackageManager({ exec, log, host: sles, files: new MemoryHostFiles(files) }), exec };
}

const securityPlan: Plan = {
  manager: 'zypper',
  selection: { securityOnly: true },
  changes: [{ kind: 'upgrade', name: 'pwtest-foo', arch: 'noarch', from: '1.0-1', to: '1.1-1' }],
  unresolved: [],
  notes: [],
  targets: ['patch', '--category', 'security'],
};

describe('detect', () => {
  it('finds zypper on SUSE only', () => {
    expect(detectZypper(sles)).toBe(true);
    expect(detectZypper({ ...sles, osRelease: { ID: 'opensuse-tumbleweed', ID_LIKE: 'opensuse suse' } })).toBe(true);
    expect(detectZypper({ ...sles, osRelease: { ID: 'opensuse-leap', ID_LIKE: 'suse opensuse' } })).toBe(true);
    expect(detectZypper({ ...sles, osRelease: { ID: 'debian' } })).toBe(false);
    expect(detectZypper({ ...sles, executables: new Set(['rpm']) })).toBe(false);
  });
});

describe('hostile names never reach a process', () => {
  for (const name of HOSTILE) {
    it(`rejects ${JSON.stringify(name)}`, async () => {
      const { pm, exec } = adapter([]);
      await expect(pm.plan({ packages: [{ name }] })).rejects.toMatchObject({ code: 'E_INVALID_PACKAGE_NAME' });
      await expect(pm.plan({ advisories: [name] })).rejects.toMatchObject({ code: 'E_INVALID_PACKAGE_NAME' });
      await expect(pm.plan({ packages: [{ name: 'bash', version: name }] })).rejects.toMatchObject({ code: 'E_INVALID_PACKAGE_NAME' });
      await expect(pm.rollback([{ name, version: '1-1' }], { timeoutMs: 1000 })).rejects.toMatchObject({ code: 'E_INVALID_PACKAGE_NAME' });
      await expect(pm.apply({ ...securityPlan, selection: { packages: [{ name }] } }, { timeoutMs: 1000 })).rejects.toMatchObject({ code: 'E_INVALID_PACKAGE_NAME' });
      expect(exec.calls).toEqual([]);
    });
  }
});

describe('exit codes of an installing run', () => {
  const qa = (foo: string) => `pwtest-foo\t(none)\t${foo}\t1\tnoarch\tpwtest-foo-${foo}-1.src.rpm\n`;

  it('runs again when zypper updated itself (103), then reads 102 as installed-with-reboot', async () => {
    let runs = 0;
    const zypperCalls: string[] = [];
    const replies: Replay[] = [
      { match: { command: 'zypper', args: ['--non-interactive', 'patch', '--category', 'security'] }, exitCode: 103, stdout: fixture('zypper-patch-category-security-dry-run.sles12sp2.txt') },
      { match: { command: 'zypper', args: ['--non-interactive', 'patch', '--category', 'security'] }, exitCode: 102, stdout: 'Installing: pwtest-foo-1.1-1.noarch [done]\n' },
    ];
    // The same command answers 103 first, then 102: a replay runner per call keeps that in order.
    const pm = new ZypperPackageManager({
      exec: {
        run: async (spec) => {
          if (spec.command === 'rpm') return new ReplayCommandRunner([{ match: RPM_QA, stdout: qa(runs === 0 ? '1.0' : '1.1') }]).run(spec);
          zypperCalls.push([spec.command, ...spec.args].join(' '));
          const reply = replies[Math.min(runs++, replies.length - 1)];
          return new ReplayCommandRunner(reply ? [reply] : []).run(spec);
        },
      },
      log,
      host: sles,
      files: new MemoryHostFiles({}),
    });
    const result = await pm.apply(securityPlan, { timeoutMs: 1000 });
    expect(zypperCalls).toEqual(['zypper --non-interactive patch --category security', 'zypper --non-interactive patch --category security']);
    expect(result).toMatchObject({ ok: true, exitCode: 102, rebootRequired: true, packages: [{ name: 'pwtest-foo', before: '1.0-1', after: '1.1-1', ok: true }] });
    expect(result.outputTail).toContain('patchwave: zypper updated itself; the command must run again (103)');
  });

  it('reads 7 as a held lock and 107 as a failed scriptlet', async () => {
    const locked = adapter([
      { match: RPM_QA, stdout: qa('1.0') },
      { match: /^zypper --non-interactive patch/, exitCode: 7, stderr: 'System management is locked by the application with pid 4242 (zypper).\nClose this application before trying again.\n' },
    ]);
    expect(await locked.pm.apply(securityPlan, { timeoutMs: 1000 })).toMatchObject({ ok: false, exitCode: 7, errorCode: 'E_PKG_LOCKED', packages: [{ after: '1.0-1', errorCode: 'E_PKG_LOCKED' }] });

    const scriptlet = adapter([
      { match: RPM_QA, stdout: qa('1.1') },
      { match: /^zypper --non-interactive patch/, exitCode: 107, stdout: 'Additional rpm output:\nwarning: %post(pwtest-foo-1.1-1.noarch) scriptlet failed, exit status 1\n' },
      { match: /^zypper --non-interactive needs-rebooting/, exitCode: 0 },
    ]);
    const result = await scriptlet.pm.apply(securityPlan, { timeoutMs: 1000 });
    expect(result).toMatchObject({ ok: false, exitCode: 107, errorCode: 'E_PKG_SCRIPT_FAILED' });
    expect(result.packages[0]).toMatchObject({ name: 'pwtest-foo', after: '1.1-1', ok: false, errorCode: 'E_PKG_SCRIPT_FAILED' });
  });
});

describe('reboot', () => {
  it('falls back to the reboot-needed flag file when zypper has no needs-rebooting', async () => {
    const old = [{ match: /^zypper --non-interactive needs-rebooting$/, exitCode: 2, stderr: "Unknown command 'needs-rebooting'\n" }];
    expect(await adapter(old, { '/run/reboot-needed': '' }).pm.rebootRequired()).toEqual({ required: true, reasons: ['/run/reboot-needed exists'], packages: [] });
    expect((await adapter(old).pm.rebootRequired()).required).toBe('unknown');
  });
});
