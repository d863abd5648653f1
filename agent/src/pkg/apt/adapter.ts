import os from 'node:os';
import { LIMITS, PatchwaveError, type AvailableUpdate, type ErrorCode, type InstalledPackage, type RebootState } from '@patchwave/shared';
import type { Logger } from 'pino';
import { CommandError, tail, type CommandResult, type CommandRunner } from '../../exec/command-runner.js';
import { NodeHostFiles, type HostFiles } from '../host-files.js';
import type { HostDescription } from '../host.js';
import type {
  AdapterDeps,
  ApplyOptions,
  ApplyResult,
  ManagerCapabilities,
  PackageManager,
  PackageOutcome,
  PackageSelection,
  Plan,
  RollbackTarget,
} from '../package-manager.js';
import { aptCommands, aptOptionArgs, type AptCommands } from './commands.js';
import { assertDpkgArch, assertDpkgName, assertDpkgVersion } from './names.js';
import { parseAptSimulation, updatesFromSimulation, type VersionCompare } from './parse-apt-sim.js';
import { classifyAptFailure, dpkgErrorLines, parseAptStatus, parseDpkgAudit } from './parse-apt-status.js';
import { parseDpkgQuery, type DpkgQueryResult } from './parse-dpkg-query.js';
import { checkLockFiles, type LockFiles, type LockIo, type LockStatus } from '../lock-status.js';
import { planFromSimulation, type PlanTarget } from './plan.js';
import { aptRebootState } from './reboot.js';
import { dpkgCompare } from './version-compare.js';

export const APT_CAPABILITIES: ManagerCapabilities = {
  canRollback: true,
  canPinVersion: true,
  knowsSecurity: true,
  needsUser: false,
  partialUpgrade: true,
  detectsReboot: true,
  canHold: true,
};

/** dpkg's and apt's fcntl locks (apt takes lock-frontend first since 1.9; dpkg takes lock). */
export const APT_LOCKS: LockFiles = {
  fcntl: ['/var/lib/dpkg/lock-frontend', '/var/lib/dpkg/lock', '/var/lib/apt/lists/lock', '/var/cache/apt/archives/lock'],
};

export interface AptAdapterDeps extends AdapterDeps {
  files?: HostFiles;
  /** `uname -r`; os.release() by default. */
  kernelRelease?: () => string;
  compare?: VersionCompare;
  /** Where the lock check reads /proc/locks and stats the lock files (tests). */
  lockIo?: LockIo;
}

/** A target on apt's command line: `name[:arch]=version` (install or downgrade) or `name[:arch]-` (remove). */
function parseTarget(target: string): { name: string; version: string | null } {
  const eq = target.indexOf('=');
  if (eq === -1) {
    if (target.endsWith('-')) return { name: assertDpkgName(target.slice(0, -1)), version: null };
    throw new PatchwaveError('E_INVALID_PACKAGE_NAME', `apt target ${JSON.stringify(target.slice(0, 80))} has no version (expected name=version)`);
  }
  return { name: assertDpkgName(target.slice(0, eq)), version: assertDpkgVersion(target.slice(eq + 1)) };
}

function bare(name: string): string {
  return name.split(':')[0] ?? name;
}

/** apt and dpkg (Debian, Ubuntu and derivatives). Commands: ./commands.ts; formats: ./parse-*.ts. */
export class AptPackageManager implements PackageManager {
  readonly name = 'apt' as const;
  readonly capabilities = APT_CAPABILITIES;
  readonly dataPaths = ['/var/cache/apt/archives', '/var/lib/dpkg', '/usr'] as const;
  private readonly exec: CommandRunner;
  private readonly log: Logger;
  private readonly host: HostDescription;
  private readonly files: HostFiles;
  private readonly cmd: AptCommands;
  private readonly compare: VersionCompare;
  private readonly kernelRelease: () => string;
  private nativeArchValue: string | undefined;
  private readonly lockIo: LockIo | undefined;

  constructor(deps: AptAdapterDeps) {
    this.exec = deps.exec;
    this.log = deps.log.child({ manager: 'apt' });
    this.host = deps.host;
    this.files = deps.files ?? new NodeHostFiles();
    this.cmd = aptCommands(aptOptionArgs(deps.local?.aptOptions), { PATH: process.env['PATH'] });
    this.compare = deps.compare ?? dpkgCompare;
    this.kernelRelease = deps.kernelRelease ?? (() => os.release());
    this.lockIo = deps.lockIo;
  }

  lockStatus(): Promise<LockStatus> {
    return checkLockFiles(APT_LOCKS, this.lockIo);
  }

  /** `apt-mark hold -- <names>`: dpkg's own hold, honoured by every apt run (ours or an admin's). */
  async hold(names: readonly string[]): Promise<void> {
    if (names.length) await this.exec.run(this.cmd.mark('hold', names.map((n) => assertDpkgName(n))));
  }

  async unhold(names: readonly string[]): Promise<void> {
    if (names.length) await this.exec.run(this.cmd.mark('unhold', names.map((n) => assertDpkgName(n))));
  }

  /** `apt-mark showhold`: one package name per line. */
  async listHeld(): Promise<string[]> {
    const res = await this.exec.run(this.cmd.showHold());
    return res.stdout
      .split('\n')
      .map((l) => bare(l.trim()))
      .filter(Boolean);
  }

  async version(): Promise<string | undefined> {
    const res = await this.exec.run(this.cmd.version());
    return /^apt (\S+)/.exec(res.stdout)?.[1];
  }

  async listInstalled(): Promise<InstalledPackage[]> {
    const result = await this.query();
    if (result.unsettled.length) {
      this.log.warn({ unsettled: result.unsettled.slice(0, 20) }, 'dpkg lists packages that are not cleanly installed');
    }
    return result.packages;
  }

  async listUpdates(): Promise<AvailableUpdate[]> {
    const res = await this.exec.run(this.cmd.simulateDistUpgrade());
    const sim = parseAptSimulation(res.stdout, this.compare);
    if (sim.problems.length) this.log.warn({ problems: sim.problems.slice(0, 10) }, 'unreadable lines in apt-get -s dist-upgrade');
    return updatesFromSimulation(sim.value);
  }

  async plan(selection: PackageSelection): Promise<Plan> {
    const requested: PlanTarget[] = [];
    const notes: string[] = [];
    const unresolved: Plan['unresolved'] = [];
    // Validate everything before any process runs.
    for (const p of selection.packages ?? []) {
      assertDpkgName(p.name);
      if (p.version !== undefined) assertDpkgVersion(p.version);
      if (p.arch !== undefined) assertDpkgArch(p.arch);
    }
    for (const id of selection.advisories ?? []) {
      unresolved.push({ name: id, code: 'E_NOT_SUPPORTED', message: 'apt has no advisory metadata: select packages or security updates instead' });
    }
    const native = await this.nativeArch();
    for (const p of selection.packages ?? []) requested.push({ name: p.name, arch: p.arch, version: p.version });
    if (selection.all || selection.securityOnly) {
      const updates = await this.listUpdates();
      const chosen = updates.filter((u) => u.installedVersion !== null && (selection.all || u.security === true));
      if (selection.securityOnly && !selection.all) notes.push(`${chosen.length} security update(s) from Debian-Security / *-security suites`);
      for (const u of chosen) {
        if (!requested.some((r) => bare(r.name) === u.name && (r.arch ?? u.arch) === u.arch)) {
          requested.push({ name: u.name, arch: u.arch, version: u.candidateVersion });
        }
      }
    }
    const plan = await planFromSimulation({
      selection,
      requested,
      unresolved,
      notes,
      nativeArch: native,
      compare: this.compare,
      simulate: async (targets) => {
        const res = await this.exec.run(this.cmd.simulateInstall(targets));
        return { exitCode: res.exitCode, text: `${res.stdout}\n${res.stderr}` };
      },
    });
    return this.withRemovalArchs(plan);
  }

  /** `Remv name [version]` carries no architecture on a single-arch host: dpkg knows it. */
  private async withRemovalArchs(plan: Plan): Promise<Plan> {
    const missing = plan.changes.filter((c) => c.arch === '').map((c) => c.name);
    if (missing.length === 0) return plan;
    const installed = await this.query([...new Set(missing)]);
    const changes = plan.changes.map((c) => {
      if (c.arch !== '') return c;
      const found = installed.packages.filter((p) => p.name === c.name);
      return found.length === 1 && found[0] ? { ...c, arch: found[0].arch } : c;
    });
    return { ...plan, changes };
  }

  async apply(plan: Plan, options: ApplyOptions): Promise<ApplyResult> {
    if (plan.manager !== 'apt') throw new PatchwaveError('E_VALIDATION', `an ${plan.manager} plan cannot be applied by apt`);
    const targets = plan.targets.map((t) => ({ target: t, ...parseTarget(t) }));
    return this.install('apply', targets, options);
  }

  async rollback(previous: RollbackTarget[], options: ApplyOptions): Promise<ApplyResult> {
    const targets = previous.map((p) => {
      const name = assertDpkgName(p.arch ? `${p.name}:${assertDpkgArch(p.arch)}` : p.name);
      if (p.version === null) return { target: `${name}-`, name, version: null };
      return { target: `${name}=${assertDpkgVersion(p.version)}`, name, version: p.version };
    });
    return this.install('rollback', targets, options);
  }

  async rebootRequired(): Promise<RebootState> {
    return aptRebootState({
      exec: this.exec,
      log: this.log,
      files: this.files,
      commands: this.cmd,
      compare: this.compare,
      kernelRelease: this.kernelRelease,
      hasNeedrestart: this.host.executables.has('needrestart'),
    });
  }

  private async nativeArch(): Promise<string> {
    if (this.nativeArchValue === undefined) {
      this.nativeArchValue = (await this.exec.run(this.cmd.nativeArch())).stdout.trim();
    }
    return this.nativeArchValue;
  }

  private async query(names: readonly string[] = []): Promise<DpkgQueryResult> {
    const res = await this.exec.run(this.cmd.dpkgQuery(names));
    const parsed = parseDpkgQuery(res.stdout);
    if (parsed.problems.length) this.log.warn({ problems: parsed.problems.slice(0, 10) }, 'unreadable lines in dpkg-query output');
    return parsed.value;
  }

  /** Runs one installing apt-get (apply or rollback) and reads back what is installed afterwards. */
  private async install(
    mode: 'apply' | 'rollback',
    targets: { target: string; name: string; version: string | null }[],
    options: ApplyOptions,
  ): Promise<ApplyResult> {
    if (targets.length === 0) {
      return { manager: 'apt', ok: true, exitCode: null, packages: [], rebootRequired: false, outputTail: '' };
    }
    const names = [...new Set(targets.map((t) => bare(t.name)))];
    const before = await this.query(names);
    const spec = mode === 'apply' ? this.cmd.apply(targets.map((t) => t.target), options.timeoutMs) : this.cmd.rollback(targets.map((t) => t.target), options.timeoutMs);
    let res: CommandResult | undefined;
    let runError: { code: ErrorCode; message: string; output: string } | undefined;
    try {
      res = await this.exec.run(spec);
    } catch (err) {
      if (!(err instanceof CommandError)) throw err;
      runError = {
        code: err.timedOut ? 'E_PKG_TIMEOUT' : err.code === 'E_COMMAND_NOT_FOUND' ? 'E_COMMAND_NOT_FOUND' : 'E_PKG_FAILED',
        message: err.message,
        output: `${err.stdout}\n${err.stderr}`,
      };
    }
    const output = res ? `${res.stdout}\n${res.stderr}` : (runError?.output ?? '');
    const status = parseAptStatus(res?.status ?? '').value;
    const after = await this.query(names);
    const half = await this.unsettled(after);
    let failure = res && res.exitCode !== 0 ? classifyAptFailure(output, status) : undefined;
    const dpkgLines = dpkgErrorLines(output);
    if (failure && half.length && failure.code !== 'E_PKG_LOCKED') {
      failure = {
        code: 'E_PKG_HALF_CONFIGURED',
        message: `${dpkgLines[0] ?? failure.message}; left ${half.map((h) => `${h.name} ${h.state}`).join(', ')}`,
        retryable: false,
      };
    }
    const packages = targets.map((t) =>
      this.outcome(t, { before, after, pmErrors: status.errors, dpkgLines, half }, failure?.code ?? runError?.code, failure?.message ?? runError?.message),
    );
    const reboot = await this.rebootRequired().catch((err: unknown) => {
      this.log.warn({ err }, 'reboot check after apply failed');
      return undefined;
    });
    const code = failure?.code ?? runError?.code;
    const result: ApplyResult = {
      manager: 'apt',
      ok: !code && packages.every((p) => p.ok),
      exitCode: res?.exitCode ?? null,
      packages,
      rebootRequired: reboot?.required === true,
      outputTail: tail([output.trim(), status.errors.map((e) => `pmerror:${e.package}: ${e.message}`).join('\n')].filter(Boolean).join('\n'), LIMITS.outputTail),
    };
    if (code) result.errorCode = code;
    if (!result.ok) {
      this.log.warn({ mode, errorCode: code, exitCode: result.exitCode, failed: packages.filter((p) => !p.ok).map((p) => p.name) }, `apt ${mode} failed`);
    }
    return result;
  }

  /** Packages dpkg left half done, from dpkg-query and `dpkg --audit` (which exits 0 even then). */
  private async unsettled(after: DpkgQueryResult): Promise<{ name: string; state: string }[]> {
    const found = new Map(after.unsettled.map((u) => [u.name, u.state]));
    try {
      const audit = await this.exec.run(this.cmd.audit());
      for (const p of parseDpkgAudit(audit.stdout).value) if (!found.has(p.name)) found.set(p.name, p.state);
    } catch (err) {
      this.log.warn({ err }, 'dpkg --audit failed');
    }
    return [...found].map(([name, state]) => ({ name, state }));
  }

  private outcome(
    t: { name: string; version: string | null },
    seen: {
      before: DpkgQueryResult;
      after: DpkgQueryResult;
      pmErrors: { package: string; message: string }[];
      dpkgLines: string[];
      half: { name: string; state: string }[];
    },
    runCode: ErrorCode | undefined,
    runMessage: string | undefined,
  ): PackageOutcome {
    const { before, after, pmErrors, dpkgLines, half } = seen;
    const [name, qualifier] = t.name.split(':') as [string, string | undefined];
    const pick = (r: DpkgQueryResult) => {
      const all = [...r.packages, ...r.unsettled].filter((p) => p.name === name && (!qualifier || p.arch === qualifier));
      return all[0];
    };
    const was = pick(before);
    const now = after.packages.find((p) => p.name === name && (!qualifier || p.arch === qualifier));
    const arch = now?.arch ?? was?.arch ?? qualifier ?? '';
    const nowVersion = now?.version ?? null;
    const reached = t.version === null ? nowVersion === null : nowVersion === t.version;
    const outcome: PackageOutcome = { name, arch, requested: t.version, before: was?.version ?? null, after: nowVersion, ok: reached };
    if (!reached) {
      const own = pmErrors.find((e) => bare(e.package) === name);
      const dpkgLine = dpkgLines.find((l) => l.startsWith(`dpkg: error processing package ${name} `) || l.startsWith(`dpkg: error processing package ${name}:`));
      const state = half.find((h) => h.name === name);
      if (state) {
        const unsettledNow = after.unsettled.find((u) => u.name === name);
        outcome.after = unsettledNow?.version ?? outcome.after;
        outcome.errorCode = 'E_PKG_HALF_CONFIGURED';
        outcome.message = `${dpkgLine ?? own?.message ?? runMessage ?? 'dpkg did not finish'} (package is ${state.state})`;
      } else {
        outcome.errorCode = own ? 'E_PKG_SCRIPT_FAILED' : (runCode ?? 'E_PKG_FAILED');
        outcome.message = own?.message ?? runMessage ?? `installed version is ${nowVersion ?? 'none'}, expected ${t.version ?? 'removed'}`;
      }
    }
    return outcome;
  }
}
