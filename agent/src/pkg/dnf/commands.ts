import { PatchwaveError } from '@patchwave/shared';
import type { CommandSpec } from '../../exec/command-runner.js';
import type { LocalManagerSettings } from '../package-manager.js';
import { assertLocalPath } from '../rpmdb/local-path.js';
import { RPM_QUERY_FORMAT } from '../rpmdb/rpm-query.js';
import { systemPath } from '../rpmdb/system-path.js';
import { REPOQUERY_FORMAT } from './parse-repoquery.js';

/** Which command-line family answers: dnf 4 (EL8–9, Fedora ≤ 40), dnf5 (Fedora ≥ 41, EL10) or yum 3 (EL6–7). */
export type RpmDialect = 'dnf4' | 'dnf5' | 'yum';

/** `dnf --version`: dnf4 prints `4.14.0` on its first line, dnf5 `dnf5 version 5.2.6.2`. */
export function dialectOfVersion(text: string): 'dnf4' | 'dnf5' {
  const first = text.split('\n')[0]?.trim() ?? '';
  return /^dnf5\b/.test(first) || /^5\./.test(first) ? 'dnf5' : 'dnf4';
}

/** The tool's version number from `--version`'s first line. */
export function versionOfOutput(text: string): string | undefined {
  const first = text.split('\n')[0]?.trim() ?? '';
  return /(\d+(?:\.\d+)+)/.exec(first)?.[1];
}

const QUERY_TIMEOUT = 10 * 60_000;
const RELEASEVER = /^[A-Za-z0-9._-]{1,64}$/;

/** Host-local options every dnf/yum call gets (install root, config file, release version). */
export function globalArgs(settings: LocalManagerSettings['dnf']): { tool: string[]; rpm: string[] } {
  const tool: string[] = [];
  const rpm: string[] = [];
  if (settings?.configFile) tool.push(`--config=${assertLocalPath('dnf.configFile', settings.configFile)}`);
  if (settings?.installRoot) {
    const root = assertLocalPath('dnf.installRoot', settings.installRoot);
    tool.push(`--installroot=${root}`);
    rpm.push('--root', root);
  }
  if (settings?.releaseVer) {
    if (!RELEASEVER.test(settings.releaseVer)) throw new PatchwaveError('E_CONFIG_INVALID', 'dnf.releaseVer must be 1-64 letters, digits, dots, dashes or underscores');
    tool.push(`--releasever=${settings.releaseVer}`);
  }
  return { tool, rpm };
}

export interface RpmCommands {
  version(): CommandSpec;
  rpmQueryAll(): CommandSpec;
  rpmQueryKernels(): CommandSpec;
  uname(): CommandSpec;
  candidates(): CommandSpec;
  advisories(): CommandSpec;
  cves(): CommandSpec;
  /** `--assumeno <args>`: prints the transaction, then aborts (exit 1 on dnf4/dnf5/yum). */
  dryRun(args: readonly string[]): CommandSpec;
  run(args: readonly string[], timeoutMs: number): CommandSpec;
  needsRestarting(): CommandSpec;
}

/**
 * Every command line the dnf/yum adapter runs (README.md lists them). `binary` is `dnf`, `dnf5`
 * or `yum`; package arguments always follow `--`, added by the caller.
 */
export function rpmCommands(binary: string, dialect: RpmDialect, settings: LocalManagerSettings['dnf'], env: { PATH?: string } = {}): RpmCommands {
  const g = globalArgs(settings);
  const path = { PATH: systemPath(env.PATH) };
  const tool = (args: readonly string[], okExitCodes: readonly number[] = [0], timeoutMs = QUERY_TIMEOUT): CommandSpec => ({
    command: binary,
    args: [...g.tool, ...args],
    timeoutMs,
    okExitCodes,
    env: path,
  });
  return {
    version: () => ({ command: binary, args: ['--version'], timeoutMs: 60_000 }),
    rpmQueryAll: () => ({ command: 'rpm', args: [...g.rpm, '-qa', '--qf', RPM_QUERY_FORMAT], timeoutMs: QUERY_TIMEOUT }),
    rpmQueryKernels: () => ({
      command: 'rpm',
      args: [...g.rpm, '-q', '--whatprovides', 'kernel', '--qf', '%{NAME}\\t%{EPOCH}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\t%{SOURCERPM}\\n'],
      timeoutMs: 60_000,
      okExitCodes: [0, 1],
    }),
    uname: () => ({ command: 'uname', args: ['-r'], timeoutMs: 10_000 }),
    candidates: () =>
      dialect === 'yum'
        ? tool(['-q', 'check-update'], [0, 100])
        : tool(['-q', 'repoquery', '--upgrades', '--latest-limit=1', `--queryformat=${REPOQUERY_FORMAT}`]),
    advisories: () =>
      dialect === 'dnf5'
        ? tool(['-q', 'advisory', 'list', '--all', '--json'])
        : dialect === 'yum'
          ? tool(['-q', 'updateinfo', 'list', 'all'])
          : tool(['-q', 'updateinfo', 'list', '--all']),
    cves: () =>
      dialect === 'dnf5'
        ? tool(['-q', 'advisory', 'list', '--available', '--with-cve', '--json'])
        : dialect === 'yum'
          ? tool(['-q', 'updateinfo', 'list', 'cves'])
          : tool(['-q', 'updateinfo', 'list', '--available', '--with-cve']),
    dryRun: (args) => tool(['--assumeno', ...args], [0, 1]),
    run: (args, timeoutMs) => tool(['-y', ...args], [0, 1], timeoutMs),
    needsRestarting: () =>
      dialect === 'yum'
        ? { command: 'needs-restarting', args: ['-r'], timeoutMs: 120_000, okExitCodes: [0, 1], env: path }
        : tool(dialect === 'dnf5' ? ['needs-restarting'] : ['needs-restarting', '-r'], [0, 1], 120_000),
  };
}
