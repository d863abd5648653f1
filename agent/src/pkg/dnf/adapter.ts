import { compareVersions, PatchwaveError, type AvailableUpdate, type ErrorCode, type InstalledPackage, type RebootState } from '@patchwave/shared';
import type { Logger } from 'pino';
import { CommandError, tail, type CommandResult, type CommandRunner, type CommandSpec } from '../../exec/command-runner.js';
import type {
  AdapterDeps,
  ApplyOptions,
  ApplyResult,
  LocalManagerSettings,
  ManagerCapabilities,
  PackageManager,
  PackageSelection,
  Plan,
  PlannedChange,
  RollbackTarget,
} from '../package-manager.js';
import { checkLockFiles, type LockStatus } from '../lock-status.js';
import { assertRpmArch, assertRpmEvr, assertRpmName } from '../rpmdb/names.js';
import { packageOutcomes, type ExpectedChange } from '../rpmdb/outcomes.js';
import { parseRpmQuery } from '../rpmdb/rpm-query.js';
import { dialectOfVersion, rpmCommands, versionOfOutput, type RpmCommands, type RpmDialect } from './commands.js';
import { mergeUpdates } from './merge-updates.js';
import { parseRpmRun } from './parse-apply.js';
import { parseCheckUpdate, type RpmCandidate } from './parse-check-update.js';
import { parseNeedsRestarting } from './parse-needs-restarting.js';
import { parseRepoquery } from './parse-repoquery.js';
import { parseTransaction } from './parse-transaction.js';
import { parseDnf5AdvisoryJson, parseUpdateinfoList, type AdvisoryEntry } from './parse-updateinfo.js';
import { applyArgs, assertSelection, buildTargets, nevraSpec } from './targets.js';

export const RPM_CAPABILITIES: ManagerCapabilities = {
  canRollback: true,
  canPinVersion: true,
  knowsSecurity: true,
  needsUser: false,
  partialUpgrade: true,
  detectsReboot: true,
};

/** dnf4, dnf5 and yum 3 behind one adapter: they share rpm, the NEVRA grammar and updateinfo. */
export class DnfPackageManager implements PackageManager {
  readonly capabilities = RPM_CAPABILITIES;
  readonly dataPaths = ['/var/cache/dnf', '/var/cache/yum', '/var/lib/rpm', '/usr'] as const;
  private readonly exec: CommandRunner;
  private readonly log: Logger;
  private readonly binary: string;
  private readonly settings: LocalManagerSettings['dnf'];
  private dialectValue: Promise<RpmDialect> | undefined;
  private commandsValue: Promise<RpmCommands> | undefined;

  constructor(
    readonly name: 'dnf' | 'yum',
    deps: AdapterDeps,
  ) {
    this.exec = deps.exec;
    this.log = deps.log.child({ manager: name });
    this.settings = deps.local?.dnf;
    this.binary = name === 'yum' ? 'yum' : deps.host.executables.has('dnf') || !deps.host.executables.has('dnf5') ? 'dnf' : 'dnf5';
    if (name === 'yum') this.dialectValue = Promise.resolve('yum');
    // Settings are checked now, so that a bad config fails at start-up rather than mid-job.
    rpmCommands(this.binary, 'dnf4', this.settings);
  }

  /** dnf4 or dnf5, from `dnf --version` (asked once). */
  dialect(): Promise<RpmDialect> {
    this.dialectValue ??= this.exec.run({ command: this.binary, args: ['--version'], timeoutMs: 60_000 }).then((r) => dialectOfVersion(r.stdout));
    return this.dialectValue;
  }

  private commands(): Promise<RpmCommands> {
    this.commandsValue ??= this.dialect().then((d) => rpmCommands(this.binary, d, this.settings, { PATH: process.env['PATH'] }));
    return this.commandsValue;
  }

  /** rpm's transaction lock (fcntl on `.rpm.lock`, classic and /usr/lib/sysimage locations) and dnf4's pid lock. */
  lockStatus(): Promise<LockStatus> {
    const root = this.settings?.installRoot ?? '';
    return checkLockFiles({
      fcntl: [`${root}/var/lib/rpm/.rpm.lock`, `${root}/usr/lib/sysimage/rpm/.rpm.lock`],
      pidFiles: [`${root}/var/lib/dnf/rpmdb_lock.pid`, '/run/dnf/rpmtransaction.lock'],
    });
  }

  async version(): Promise<string | undefined> {
    const res = await this.exec.run({ command: this.binary, args: ['--version'], timeoutMs: 60_000 });
    return versionOfOutput(res.stdout);
  }

  async listInstalled(): Promise<InstalledPackage[]> {
    const cmd = await this.commands();
    const res = await this.exec.run(cmd.rpmQueryAll());
    const parsed = parseRpmQuery(res.stdout, this.name);
    if (parsed.problems.length) this.log.warn({ problems: parsed.problems.slice(0, 10) }, 'unreadable lines in rpm -qa output');
    return parsed.value;
  }

  async listUpdates(): Promise<AvailableUpdate[]> {
    const [installed, candidates] = await Promise.all([this.listInstalled(), this.candidates()]);
    if (candidates.length === 0) return [];
    const { advisories, cveEntries, metadataPresent } = await this.advisories();
    return mergeUpdates({ manager: this.name, installed, candidates, advisories, cveEntries, metadataPresent });
  }

  async plan(selection: PackageSelection): Promise<Plan> {
    // Every name is validated before any process runs.
    assertSelection(selection);
    const dialect = await this.dialect();
    const cmd = await this.commands();
    const installed = await this.listInstalled();
    const pinned = selection.packages?.some((p) => p.version !== undefined) ?? false;
    const candidates = pinned ? await this.candidates() : [];
    const targets = buildTargets(dialect, selection, installed, candidates);
    const plan: Plan = { manager: this.name, selection, changes: [], unresolved: [...targets.unresolved], notes: [], targets: [] };
    if (targets.args.length === 0) return plan;
    const res = await this.exec.run(cmd.dryRun(targets.args));
    const text = `${res.stdout}\n${res.stderr}`;
    const tx = parseTransaction(res.stdout);
    if (tx.problems.length) this.log.warn({ problems: tx.problems.slice(0, 10) }, 'unreadable rows in the transaction table');
    const report = parseRpmRun(text).value;
    for (const name of report.notFound) {
      if (!plan.unresolved.some((u) => u.name === name)) plan.unresolved.push({ name, code: 'E_PKG_NOT_FOUND', message: `${this.binary} found no match for ${name}` });
    }
    for (const s of tx.value.skipped) {
      plan.unresolved.push({ name: s.name, code: 'E_PKG_CONFLICT', message: `${s.name}-${s.evr}.${s.arch} ${s.reason}` });
    }
    if (res.exitCode !== 0 && !tx.value.resolved && report.errorCode && report.errorCode !== 'E_PKG_NOT_FOUND' && report.errorCode !== 'E_PKG_NO_UPDATE') {
      throw new PatchwaveError(report.errorCode, `${this.binary} could not resolve the transaction: ${report.message ?? 'see the output'}`, {
        details: { outputTail: tail(text, 2000) },
      });
    }
    const current = new Map(installed.map((p) => [`${p.name}.${p.arch}`, p.version]));
    plan.changes = tx.value.rows.map(
      (row): PlannedChange => ({
        kind: row.kind,
        name: row.name,
        arch: row.arch,
        from: row.kind === 'install' ? null : (row.from ?? current.get(`${row.name}.${row.arch}`) ?? (row.kind === 'remove' ? row.evr : null)),
        to: row.kind === 'remove' ? null : row.evr,
      }),
    );
    plan.targets = applyArgs(dialect, plan.changes).flat();
    if (selection.securityOnly && !(await this.advisories()).metadataPresent) {
      plan.notes.push('the repositories publish no updateinfo, so security-only selects nothing; select all updates or name packages');
    }
    if (plan.changes.some((c) => c.kind === 'remove')) plan.notes.push('the transaction removes packages (obsoleted or conflicting)');
    return plan;
  }

  async apply(plan: Plan, options: ApplyOptions): Promise<ApplyResult> {
    if (plan.manager !== this.name) throw new PatchwaveError('E_VALIDATION', `a ${plan.manager} plan cannot be applied by ${this.name}`);
    applyArgs('dnf4', plan.changes); // validates every name and version before any process runs
    const dialect = await this.dialect();
    const runs = applyArgs(dialect, plan.changes);
    const expected = plan.changes
      .filter((c) => c.kind !== 'install')
      .map((c): ExpectedChange => ({ name: c.name, arch: c.arch, to: c.to }));
    return this.execute(runs, expected, options);
  }

  async rollback(previous: RollbackTarget[], options: ApplyOptions): Promise<ApplyResult> {
    const restore: string[] = [];
    const remove: string[] = [];
    const expected: ExpectedChange[] = [];
    for (const p of previous) {
      const name = assertRpmName(p.name);
      const arch = p.arch === undefined ? '' : assertRpmArch(p.arch);
      if (p.version === null) {
        remove.push(arch ? `${name}.${arch}` : name);
        expected.push({ name, arch, to: null });
      } else {
        restore.push(nevraSpec(name, assertRpmEvr(p.version), arch));
        expected.push({ name, arch, to: p.version });
      }
    }
    const dialect = await this.dialect();
    const runs: string[][] = [];
    if (restore.length) runs.push([dialect === 'yum' ? 'downgrade' : 'install', '--', ...restore]);
    if (remove.length) runs.push(['remove', '--', ...remove]);
    return this.execute(runs, expected, options);
  }

  async rebootRequired(): Promise<RebootState> {
    const cmd = await this.commands();
    const dialect = await this.dialect();
    if (dialect === 'yum' && this.settings?.installRoot) {
      return { required: 'unknown', reasons: ['yum-utils needs-restarting cannot look into an install root'], packages: [] };
    }
    let res: CommandResult | CommandError;
    try {
      res = await this.exec.run(cmd.needsRestarting());
    } catch (err) {
      if (!(err instanceof CommandError)) throw err;
      res = err;
    }
    const text = `${res.stdout}\n${res.stderr}`;
    const parsed = parseNeedsRestarting(text).value;
    const exitCode = res.exitCode;
    if (parsed.required !== 'unknown' && exitCode === (parsed.required ? 1 : 0)) return parsed;
    const why = /No such command|could be a DNF plugin command|not found/i.test(text) || (res instanceof CommandError && res.code === 'E_COMMAND_NOT_FOUND')
      ? 'needs-restarting is not available (dnf-plugins-core / yum-utils not installed)'
      : `needs-restarting answered exit ${exitCode ?? 'none'}: ${tail(text.trim(), 200)}`;
    this.log.info({ why }, 'needs-restarting gave no answer; comparing the running kernel with the newest installed one');
    return this.settings?.installRoot ? { required: 'unknown', reasons: [why], packages: [] } : this.kernelCheck(why);
  }

  private async kernelCheck(why: string): Promise<RebootState> {
    const cmd = await this.commands();
    const [uname, kernels] = await Promise.all([this.exec.run(cmd.uname()), this.exec.run(cmd.rpmQueryKernels())]);
    const running = uname.stdout.trim();
    const newest = parseRpmQuery(kernels.stdout, this.name).value.sort((a, b) => compareVersions('rpm', b.version, a.version))[0];
    if (!newest || !running) return { required: 'unknown', reasons: [why, 'no kernel package is installed'], packages: [] };
    const release = `${newest.version.replace(/^\d+:/, '')}.${newest.arch}`;
    return release === running
      ? { required: false, reasons: [], packages: [] }
      : { required: true, reasons: [`running kernel ${running}, newest installed ${release}`], packages: [newest.name] };
  }

  private async candidates(): Promise<RpmCandidate[]> {
    const cmd = await this.commands();
    const dialect = await this.dialect();
    const res = await this.exec.run(cmd.candidates());
    const parsed = dialect === 'yum' ? parseCheckUpdate(res.stdout) : parseRepoquery(res.stdout);
    if (parsed.problems.length) this.log.warn({ problems: parsed.problems.slice(0, 10) }, 'unreadable lines in the update listing');
    return parsed.value;
  }

  /** Advisories from updateinfo; a tool without updateinfo support yields none and says so. */
  private async advisories(): Promise<{ advisories: AdvisoryEntry[]; cveEntries: AdvisoryEntry[]; metadataPresent: boolean }> {
    const cmd = await this.commands();
    const dialect = await this.dialect();
    const parse = dialect === 'dnf5' ? parseDnf5AdvisoryJson : parseUpdateinfoList;
    const read = async (spec: CommandSpec, what: string): Promise<AdvisoryEntry[] | undefined> => {
      try {
        const parsed = parse((await this.exec.run(spec)).stdout);
        if (parsed.problems.length) this.log.warn({ problems: parsed.problems.slice(0, 10) }, `unreadable lines in the ${what} listing`);
        return parsed.value;
      } catch (err) {
        if (!(err instanceof CommandError)) throw err;
        this.log.warn({ err, what }, 'updateinfo listing failed: security classification unknown');
        return undefined;
      }
    };
    const advisories = await read(cmd.advisories(), 'advisory');
    const cveEntries = advisories && advisories.length > 0 ? ((await read(cmd.cves(), 'CVE')) ?? []) : [];
    return { advisories: advisories ?? [], cveEntries, metadataPresent: (advisories?.length ?? 0) > 0 };
  }

  /** Runs installing commands one after another (stopping at the first failure) and reads back the rpm database. */
  private async execute(runs: readonly string[][], expected: readonly ExpectedChange[], options: ApplyOptions): Promise<ApplyResult> {
    if (runs.length === 0) return { manager: this.name, ok: true, exitCode: null, packages: [], rebootRequired: false, outputTail: '' };
    const cmd = await this.commands();
    const before = await this.listInstalled();
    let output = '';
    let exitCode: number | null = null;
    let runCode: ErrorCode | undefined;
    let runMessage: string | undefined;
    for (const args of runs) {
      try {
        const res = await this.exec.run(cmd.run(args, options.timeoutMs));
        output += `${res.stdout}\n${res.stderr}\n`;
        exitCode = res.exitCode;
      } catch (err) {
        if (!(err instanceof CommandError)) throw err;
        output += `${err.stdout}\n${err.stderr}\n`;
        exitCode = err.exitCode;
        runCode = err.timedOut ? 'E_PKG_TIMEOUT' : err.code === 'E_COMMAND_NOT_FOUND' ? 'E_COMMAND_NOT_FOUND' : 'E_PKG_FAILED';
        runMessage = err.message;
      }
      if (exitCode !== 0) break;
    }
    const report = parseRpmRun(output).value;
    if (exitCode !== 0 && !runCode) {
      runCode = report.errorCode ?? 'E_PKG_FAILED';
      runMessage = report.message ?? `${this.binary} exited with ${exitCode}`;
    }
    const after = await this.listInstalled();
    const failures = report.scriptlets.map((s) => ({
      name: s.name,
      code: 'E_PKG_SCRIPT_FAILED' as const,
      message: `%${s.scriptlet.toLowerCase()} scriptlet failed: ${s.message}`,
      afterwards: !s.fatal,
    }));
    const run: { code?: ErrorCode; message?: string } = {};
    if (runCode) run.code = runCode;
    if (runMessage) run.message = runMessage;
    const packages = packageOutcomes(expected, before, after, failures, run);
    const ok = exitCode === 0 && packages.every((p) => p.ok);
    const result: ApplyResult = { manager: this.name, ok, exitCode, packages, rebootRequired: false, outputTail: tail(output.trim()) };
    if (!ok) result.errorCode = runCode ?? packages.find((p) => p.errorCode)?.errorCode ?? 'E_PKG_FAILED';
    if (packages.some((p) => p.before !== p.after)) result.rebootRequired = (await this.rebootRequired()).required === true;
    return result;
  }
}
