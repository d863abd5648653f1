import { PatchwaveError, type AvailableUpdate, type ErrorCode, type InstalledPackage, type RebootState } from '@patchwave/shared';
import type { Logger } from 'pino';
import { CommandError, tail, type CommandRunner } from '../../exec/command-runner.js';
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
import { softwareUpdateCommands as cmd } from './commands.js';
import { assertLabel } from './names.js';
import { parseApplications, parseInstallOutput, parseSoftwareUpdateList, parseSwVers, toAvailableUpdates, type SoftwareUpdateItem } from './parse.js';

export const SOFTWAREUPDATE_CAPABILITIES: ManagerCapabilities = {
  canRollback: false,
  canPinVersion: false,
  // Only updates Apple titles as security updates are marked; all others are `unknown`.
  knowsSecurity: false,
  needsUser: false,
  partialUpgrade: true,
  // softwareupdate cannot say whether a restart is pending; the adapter knows only its own installs.
  detectsReboot: false,
};

/** Apple's softwareupdate (macOS updates, Command Line Tools, Safari, firmware). */
export class SoftwareUpdatePackageManager implements PackageManager {
  readonly name = 'softwareupdate' as const;
  readonly capabilities = SOFTWAREUPDATE_CAPABILITIES;
  private readonly exec: CommandRunner;
  private readonly log: Logger;
  private readonly rebootReasons: string[] = [];

  constructor(deps: AdapterDeps) {
    this.exec = deps.exec;
    this.log = deps.log.child({ manager: 'softwareupdate' });
  }

  /** softwareupdate ships with the OS: its version is the macOS version. */
  async version(): Promise<string | undefined> {
    return (await this.exec.run(cmd.productVersion())).stdout.trim() || undefined;
  }

  /** macOS itself (sw_vers) plus every application bundle (system_profiler SPApplicationsDataType). */
  async listInstalled(): Promise<InstalledPackage[]> {
    const os = parseSwVers((await this.exec.run(cmd.swVers())).stdout);
    const res = await this.exec.run(cmd.applications());
    const apps = parseApplications(res.stdout);
    if (apps.problems.length) this.log.warn({ problems: apps.problems.slice(0, 10) }, 'unreadable entries in system_profiler output');
    if (apps.value.length === 0 && apps.problems.length > 0) {
      throw new PatchwaveError('E_PKG_PARSE_FAILED', `could not read system_profiler SPApplicationsDataType: ${apps.problems[0]?.message ?? ''}`);
    }
    const system: InstalledPackage[] = os.productVersion
      ? [{ manager: 'softwareupdate', name: os.productName ?? 'macOS', version: os.buildVersion ? `${os.productVersion} (${os.buildVersion})` : os.productVersion, arch: '' }]
      : [];
    return [...system, ...apps.value];
  }

  async listUpdates(): Promise<AvailableUpdate[]> {
    return toAvailableUpdates(await this.items());
  }

  async plan(selection: PackageSelection): Promise<Plan> {
    for (const p of selection.packages ?? []) {
      assertLabel(p.name);
      if (p.version !== undefined) assertLabel(p.version);
    }
    const plan: Plan = { manager: 'softwareupdate', selection, changes: [], unresolved: [], notes: [], targets: [] };
    for (const id of selection.advisories ?? []) {
      plan.unresolved.push({ name: id, code: 'E_NOT_SUPPORTED', message: 'softwareupdate has no advisory metadata: select updates by label instead' });
    }
    if (!selection.all && !selection.securityOnly && !selection.packages?.length) return plan;
    const items = await this.items();
    const updates = toAvailableUpdates(items);
    const chosen: SoftwareUpdateItem[] = [];
    if (selection.all) chosen.push(...items);
    else {
      if (selection.securityOnly) {
        chosen.push(...items.filter((_, i) => updates[i]?.security === true));
        plan.notes.push('softwareupdate marks only updates Apple titles "Security Update" / "Security Response"; other updates may carry security fixes too');
      }
      for (const p of selection.packages ?? []) {
        // Exact label first; an operator may drop a trailing space, so match on it as a fallback.
        const item = items.find((u) => u.label === p.name) ?? items.find((u) => u.label.trimEnd() === p.name.trimEnd());
        if (!item) plan.unresolved.push({ name: p.name, code: 'E_PKG_NOT_FOUND', message: `softwareupdate --list does not offer ${JSON.stringify(p.name)}` });
        else if (p.version !== undefined && p.version !== item.version) {
          plan.unresolved.push({ name: p.name, code: 'E_NOT_SUPPORTED', message: `softwareupdate offers ${item.version}, not ${p.version}` });
        } else if (!chosen.includes(item)) chosen.push(item);
      }
    }
    plan.changes = chosen.map((u) => ({ kind: 'upgrade', name: u.label, arch: '', from: null, to: u.version }));
    plan.targets = chosen.map((u) => u.label);
    const restarts = chosen.filter((u) => u.restart || u.shutdown);
    if (chosen.length) plan.notes.push('softwareupdate has no dry run: the plan is `softwareupdate --list`');
    if (restarts.length) {
      plan.notes.push(`${restarts.length} update(s) need a restart or shut down to finish: ${restarts.map((u) => u.title).join(', ')}`);
      plan.notes.push('on Apple silicon, macOS updates install from the command line only with a volume owner\'s credentials or through MDM');
    }
    return plan;
  }

  async apply(plan: Plan, options: ApplyOptions): Promise<ApplyResult> {
    if (plan.manager !== 'softwareupdate') throw new PatchwaveError('E_VALIDATION', `a ${plan.manager} plan cannot be applied by softwareupdate`);
    const labels = plan.targets.map(assertLabel);
    if (labels.length === 0) return { manager: 'softwareupdate', ok: true, exitCode: null, packages: [], rebootRequired: false, outputTail: '' };
    const offered = await this.items();
    let text = '';
    let exitCode: number | null = null;
    let runFailure: ErrorCode | undefined;
    try {
      const res = await this.exec.run(cmd.install(labels, options.timeoutMs));
      text = `${res.stdout}${res.stderr}`;
      exitCode = res.exitCode;
    } catch (err) {
      if (!(err instanceof CommandError) || err.code === 'E_COMMAND_NOT_FOUND') throw err;
      text = `${err.stdout}${err.stderr}`;
      exitCode = err.exitCode;
      runFailure = err.timedOut || err.exitCode === null ? 'E_PKG_TIMEOUT' : 'E_PKG_FAILED';
    }
    const report = parseInstallOutput(text).value;
    const left = await this.items();
    const packages = labels.map((label): PackageOutcome => {
      const before = offered.find((u) => u.label === label);
      const still = left.find((u) => u.label === label);
      const base = { name: label, arch: '', requested: before?.version ?? null, before: null };
      if (!before) return { ...base, after: null, ok: false, errorCode: 'E_PKG_NOT_FOUND', message: 'no longer offered by softwareupdate --list' };
      if (!still) return { ...base, after: before.version, ok: true };
      // A restart-bound update stays listed until the restart that completes it.
      const staged = (before.restart || before.shutdown) && report.restart && !runFailure && report.errors.length === 0;
      if (staged) return { ...base, after: null, ok: true, message: `${before.title} is staged: it completes at the next restart` };
      const code: ErrorCode = report.unknown.some((u) => u === label) ? 'E_PKG_NOT_FOUND' : (runFailure ?? 'E_PKG_FAILED');
      return { ...base, after: null, ok: false, errorCode: code, message: report.errors[0] ?? `${before.title} is still offered after softwareupdate --install` };
    });
    const installedNeedingRestart = packages.filter((p) => p.ok && offered.some((u) => u.label === p.name && (u.restart || u.shutdown)));
    const rebootRequired = installedNeedingRestart.length > 0 || (report.restart && packages.some((p) => p.ok));
    if (rebootRequired) this.rebootReasons.push(`softwareupdate installed ${installedNeedingRestart.map((p) => p.name.trim()).join(', ') || 'updates'} that need a restart`);
    const ok = packages.every((p) => p.ok);
    if (!ok) this.log.warn({ exitCode, failed: packages.filter((p) => !p.ok).map((p) => p.name) }, 'softwareupdate --install failed');
    const errorCode = ok ? undefined : packages.find((p) => !p.ok)?.errorCode;
    return { manager: 'softwareupdate', ok, exitCode, ...(errorCode ? { errorCode } : {}), packages, rebootRequired, outputTail: tail(text) };
  }

  async rollback(previous: RollbackTarget[], _options: ApplyOptions): Promise<ApplyResult> {
    previous.forEach((p) => assertLabel(p.name));
    return {
      manager: 'softwareupdate',
      ok: false,
      exitCode: null,
      errorCode: 'E_ROLLBACK_UNSUPPORTED',
      packages: previous.map((p) => ({
        name: p.name,
        arch: p.arch ?? '',
        requested: p.version,
        before: null,
        after: null,
        ok: false,
        errorCode: 'E_ROLLBACK_UNSUPPORTED',
        message: 'macOS updates cannot be uninstalled by softwareupdate',
      })),
      rebootRequired: false,
      outputTail: '',
    };
  }

  async rebootRequired(): Promise<RebootState> {
    // This process installed restart-bound updates; a restart would have ended it, so it is still due.
    return this.rebootReasons.length
      ? { required: true, reasons: [...this.rebootReasons], packages: [] }
      : { required: 'unknown', reasons: ['softwareupdate cannot tell whether a restart is pending'], packages: [] };
  }

  private async items(): Promise<SoftwareUpdateItem[]> {
    const res = await this.exec.run(cmd.list());
    const parsed = parseSoftwareUpdateList(`${res.stdout}\n${res.stderr}`);
    if (parsed.problems.length) this.log.warn({ problems: parsed.problems.slice(0, 10) }, 'unreadable lines in softwareupdate --list');
    if (parsed.value.length === 0 && parsed.problems.length > 0) {
      throw new PatchwaveError('E_PKG_PARSE_FAILED', `could not read softwareupdate --list: ${parsed.problems[0]?.message ?? ''}`, { details: { sample: res.stdout.slice(0, 500) } });
    }
    return parsed.value;
  }
}
