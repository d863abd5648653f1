import { PatchwaveError, type AvailableUpdate, type ErrorCode, type InstalledPackage, type RebootState } from '@patchwave/shared';
import type { Logger } from 'pino';
import { CommandError, tail, type CommandResult, type CommandRunner } from '../../exec/command-runner.js';
import { NodeHostFiles, type HostFiles } from '../host-files.js';
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
import { assertRpmArch, assertRpmEvr, assertRpmName } from '../rpmdb/names.js';
import { normalizeEvr } from '../rpmdb/nevra.js';
import { packageOutcomes, type ExpectedChange } from '../rpmdb/outcomes.js';
import { parseRpmQuery } from '../rpmdb/rpm-query.js';
import { assertSelection } from '../rpmdb/selection.js';
import { zypperCommands, zypperRoot, type ZypperCommands } from './commands.js';
import { exitMeaning, ZYPPER_EXIT } from './exit-codes.js';
import { mergeZypperUpdates } from './merge.js';
import { parsePatchInfo } from './parse-patch-info.js';
import { parseZypperRun } from './parse-run.js';
import { parseInstallSummary } from './parse-summary.js';
import { parseListPatches, parseListUpdates } from './parse-updates.js';
import { zypperTargets } from './targets.js';

export const ZYPPER_CAPABILITIES: ManagerCapabilities = {
  canRollback: true,
  canPinVersion: true,
  knowsSecurity: true,
  needsUser: false,
  partialUpgrade: true,
  detectsReboot: true,
};

/** How many times an installing run is repeated when zypper updated itself (exit 103). */
const MAX_RESTARTS = 3;
/** Patch ids per `zypper info -t patch` call. */
const INFO_BATCH = 200;

import { checkLockFiles, type LockStatus } from '../lock-status.js';

export interface ZypperAdapterDeps extends AdapterDeps {
  /** Where the reboot-needed flag is looked for when zypper has no needs-rebooting; defaults to the real files. */
  files?: HostFiles;
}

/** zypper (SLES, openSUSE): packages from rpm, updates and SUSE patches from zypper's XML output. */
export class ZypperPackageManager implements PackageManager {
  readonly name = 'zypper' as const;
  readonly capabilities = ZYPPER_CAPABILITIES;
  readonly dataPaths = ['/var/cache/zypp', '/var/lib/rpm', '/usr'] as const;
  private readonly exec: CommandRunner;
  private readonly log: Logger;
  private readonly cmd: ZypperCommands;
  private readonly files: HostFiles;
  private readonly root: string | undefined;

  constructor(deps: ZypperAdapterDeps) {
    const settings: LocalManagerSettings['zypper'] = deps.local?.zypper;
    this.exec = deps.exec;
    this.log = deps.log.child({ manager: 'zypper' });
    this.cmd = zypperCommands(settings, { PATH: process.env['PATH'] });
    this.files = deps.files ?? new NodeHostFiles();
    this.root = zypperRoot(settings);
  }

  /** libzypp's pid lock (`/run/zypp.pid`, under --root when set) and rpm's `.rpm.lock`. */
  lockStatus(): Promise<LockStatus> {
    const root = this.root ?? '';
    return checkLockFiles({
      pidFiles: [`${root}/run/zypp.pid`, `${root}/var/run/zypp.pid`],
      fcntl: [`${root}/var/lib/rpm/.rpm.lock`, `${root}/usr/lib/sysimage/rpm/.rpm.lock`],
    });
  }

  async version(): Promise<string | undefined> {
    const res = await this.exec.run(this.cmd.version());
    return /zypper (\S+)/.exec(res.stdout)?.[1];
  }

  async listInstalled(): Promise<InstalledPackage[]> {
    const res = await this.exec.run(this.cmd.rpmQueryAll());
    const parsed = parseRpmQuery(res.stdout, 'zypper');
    if (parsed.problems.length) this.log.warn({ problems: parsed.problems.slice(0, 10) }, 'unreadable lines in rpm -qa output');
    return parsed.value;
  }

  async listUpdates(): Promise<AvailableUpdate[]> {
    const res = await this.exec.run(this.cmd.listUpdates());
    const updates = parseListUpdates(res.stdout);
    if (updates.problems.length) this.log.warn({ problems: updates.problems.slice(0, 10) }, 'unreadable list-updates XML');
    if (updates.value.length === 0) return [];
    const installed = updates.value.every((u) => u.editionOld) ? [] : await this.listInstalled();
    const patches = parseListPatches((await this.exec.run(this.cmd.listPatches())).stdout);
    if (patches.problems.length) this.log.warn({ problems: patches.problems.slice(0, 10) }, 'unreadable list-patches XML');
    const needed = patches.value.filter((p) => p.status === 'needed').map((p) => p.id);
    const contents = [];
    for (let i = 0; i < needed.length; i += INFO_BATCH) {
      const info = parsePatchInfo((await this.exec.run(this.cmd.patchInfo(needed.slice(i, i + INFO_BATCH)))).stdout);
      if (info.problems.length) this.log.warn({ problems: info.problems.slice(0, 10) }, 'unreadable zypper info -t patch output');
      contents.push(...info.value);
    }
    return mergeZypperUpdates(updates.value, installed, patches.value, contents);
  }

  async plan(selection: PackageSelection): Promise<Plan> {
    assertSelection(selection);
    const installed = selection.packages?.length ? await this.listInstalled() : [];
    const targets = zypperTargets(selection, installed);
    const plan: Plan = { manager: 'zypper', selection, changes: [], unresolved: targets.unresolved, notes: targets.notes, targets: targets.args };
    if (targets.args.length === 0) return plan;
    const res = await this.exec.run(this.cmd.dryRun(targets.args));
    const summary = parseInstallSummary(res.stdout);
    if (summary.problems.length) this.log.warn({ problems: summary.problems.slice(0, 10) }, 'unreadable dry-run XML');
    const meaning = exitMeaning(res.exitCode);
    if (res.exitCode === ZYPPER_EXIT.INF_CAP_NOT_FOUND) {
      for (const e of summary.value.errors) plan.unresolved.push({ name: /'([^']+)'/.exec(e)?.[1] ?? e.slice(0, 100), code: 'E_PKG_NOT_FOUND', message: e });
    } else if (!meaning.ok && !summary.value.resolved) {
      throw new PatchwaveError(meaning.code ?? 'E_PKG_FAILED', `zypper could not resolve the request: ${summary.value.errors.join(' ') || meaning.note}`, {
        details: { exitCode: res.exitCode, outputTail: tail(`${res.stdout}\n${res.stderr}`, 2000) },
      });
    }
    plan.changes = summary.value.rows
      .filter((r) => r.type === 'package')
      .map(
        (r): PlannedChange => ({
          kind: r.kind,
          name: r.name,
          arch: r.arch,
          from: r.kind === 'install' ? null : r.editionOld ? normalizeEvr(r.editionOld) : r.kind === 'remove' ? normalizeEvr(r.edition) : null,
          to: r.kind === 'remove' ? null : normalizeEvr(r.edition),
        }),
      );
    const patches = summary.value.rows.filter((r) => r.type === 'patch').map((r) => r.name);
    if (patches.length) plan.notes.push(`installs patches: ${patches.join(', ')}`);
    if (meaning.note !== 'ok' && meaning.ok) plan.notes.push(meaning.note);
    return plan;
  }

  async apply(plan: Plan, options: ApplyOptions): Promise<ApplyResult> {
    if (plan.manager !== 'zypper') throw new PatchwaveError('E_VALIDATION', `a ${plan.manager} plan cannot be applied by zypper`);
    assertSelection(plan.selection);
    for (const c of plan.changes) {
      assertRpmName(c.name);
      if (c.arch) assertRpmArch(c.arch);
      if (c.to !== null) assertRpmEvr(c.to);
    }
    const installed = plan.selection.packages?.length ? await this.listInstalled() : [];
    const targets = zypperTargets(plan.selection, installed);
    const expected = plan.changes.filter((c) => c.kind !== 'install').map((c): ExpectedChange => ({ name: c.name, arch: c.arch, to: c.to }));
    return this.execute(targets.args, expected, options);
  }

  async rollback(previous: RollbackTarget[], options: ApplyOptions): Promise<ApplyResult> {
    const restore: string[] = [];
    const remove: string[] = [];
    const expected: ExpectedChange[] = [];
    for (const p of previous) {
      const name = assertRpmName(p.name);
      const arch = p.arch === undefined ? '' : assertRpmArch(p.arch);
      const base = arch ? `${name}.${arch}` : name;
      if (p.version === null) remove.push(base);
      else restore.push(`${base}=${assertRpmEvr(p.version)}`);
      expected.push({ name, arch, to: p.version });
    }
    const results: ApplyResult[] = [];
    if (restore.length) results.push(await this.execute(['install', '--oldpackage', '--', ...restore], expected.filter((e) => e.to !== null), options));
    if (remove.length) results.push(await this.execute(['remove', '--', ...remove], expected.filter((e) => e.to === null), options));
    if (results.length === 0) return { manager: 'zypper', ok: true, exitCode: null, packages: [], rebootRequired: false, outputTail: '' };
    const [first, second] = results;
    if (!first || !second) return first ?? (second as ApplyResult);
    const merged: ApplyResult = {
      manager: 'zypper',
      ok: first.ok && second.ok,
      exitCode: first.exitCode !== 0 ? first.exitCode : second.exitCode,
      packages: [...first.packages, ...second.packages],
      rebootRequired: first.rebootRequired || second.rebootRequired,
      outputTail: tail(`${first.outputTail}\n${second.outputTail}`),
    };
    const code = first.errorCode ?? second.errorCode;
    if (code) merged.errorCode = code;
    return merged;
  }

  async rebootRequired(): Promise<RebootState> {
    let res: CommandResult | CommandError;
    try {
      res = await this.exec.run(this.cmd.needsRebooting());
    } catch (err) {
      if (!(err instanceof CommandError)) throw err;
      res = err;
    }
    const text = `${res.stdout}\n${res.stderr}`.trim();
    if (res.exitCode === ZYPPER_EXIT.INF_REBOOT_NEEDED) return { required: true, reasons: [text.split('\n').slice(0, 2).join(' ') || 'zypper needs-rebooting: reboot needed'], packages: [] };
    if (res.exitCode === 0) return { required: false, reasons: [], packages: [] };
    // zypper before 1.14.?: no needs-rebooting. libzypp still writes the flag file.
    for (const flag of ['/run/reboot-needed', '/var/run/reboot-needed']) {
      if (await this.files.exists(`${this.root ?? ''}${flag}`)) return { required: true, reasons: [`${flag} exists`], packages: [] };
    }
    return { required: 'unknown', reasons: [`zypper needs-rebooting is not available: ${tail(text, 200)}`], packages: [] };
  }

  /** Runs one installing zypper command (again while zypper asks for it: exit 103) and reads back the rpm database. */
  private async execute(args: readonly string[], expected: readonly ExpectedChange[], options: ApplyOptions): Promise<ApplyResult> {
    if (args.length === 0) return { manager: 'zypper', ok: true, exitCode: null, packages: [], rebootRequired: false, outputTail: '' };
    const before = await this.listInstalled();
    let output = '';
    let exitCode: number | null = null;
    let runCode: ErrorCode | undefined;
    let runMessage: string | undefined;
    let rebootRequired = false;
    const notes: string[] = [];
    for (let attempt = 0; attempt < MAX_RESTARTS; attempt++) {
      let code: number;
      try {
        const res = await this.exec.run(this.cmd.run(args, options.timeoutMs));
        output += `${res.stdout}\n${res.stderr}\n`;
        exitCode = code = res.exitCode;
      } catch (err) {
        if (!(err instanceof CommandError)) throw err;
        output += `${err.stdout}\n${err.stderr}\n`;
        exitCode = err.exitCode;
        runCode = err.timedOut ? 'E_PKG_TIMEOUT' : err.code === 'E_COMMAND_NOT_FOUND' ? 'E_COMMAND_NOT_FOUND' : 'E_PKG_FAILED';
        runMessage = err.message;
        break;
      }
      const meaning = exitMeaning(code);
      if (meaning.rebootRequired) rebootRequired = true;
      if (meaning.note !== 'ok') notes.push(meaning.note);
      if (!meaning.ok) {
        runCode = meaning.code;
        runMessage = meaning.note;
      }
      if (!meaning.runAgain) break;
      this.log.info({ attempt: attempt + 1 }, 'zypper updated itself; running the command again');
    }
    const report = parseZypperRun(output).value;
    if (runCode && report.errorCode && runCode === 'E_PKG_FAILED') {
      runCode = report.errorCode;
      runMessage = report.message ?? runMessage;
    }
    const after = await this.listInstalled();
    const failures = [
      ...report.scriptlets.map((s) => ({ name: s.name, code: 'E_PKG_SCRIPT_FAILED' as const, message: `%${s.scriptlet.toLowerCase()} scriptlet failed: ${s.message}`, afterwards: !s.fatal })),
      ...report.failedPackages
        .filter((n) => !report.scriptlets.some((s) => s.name === n))
        .map((n) => ({ name: n, code: 'E_PKG_FAILED' as const, message: `zypper: installation of ${n} failed`, afterwards: false })),
    ];
    const run: { code?: ErrorCode; message?: string } = {};
    if (runCode) run.code = runCode;
    if (runMessage) run.message = runMessage;
    const packages = packageOutcomes(expected, before, after, failures, run);
    const ok = !runCode && packages.every((p) => p.ok);
    const tailText = [output.trim(), ...notes.map((n) => `patchwave: ${n}`)].join('\n');
    const result: ApplyResult = { manager: 'zypper', ok, exitCode, packages, rebootRequired, outputTail: tail(tailText) };
    if (!ok) result.errorCode = runCode ?? packages.find((p) => p.errorCode)?.errorCode ?? 'E_PKG_FAILED';
    if (!rebootRequired && packages.some((p) => p.before !== p.after)) result.rebootRequired = (await this.rebootRequired()).required === true;
    return result;
  }
}
