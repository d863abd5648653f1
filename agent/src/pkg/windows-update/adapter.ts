import { PatchwaveError, type AvailableUpdate, type ErrorCode, type InstalledPackage, type RebootState } from '@patchwave/shared';
import type { Logger } from 'pino';
import { CommandError, tail, type CommandRunner, type CommandSpec } from '../../exec/command-runner.js';
import { assertSafeArgument } from '../package-names.js';
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
import type { ParseProblem } from '../parse-outcome.js';
import { windowsPaths, WU_TIMEOUTS, wuaCommand, wusaUninstall, type WuaAction, type WuPaths } from './commands.js';
import { classifyHResult, hresultHex, RESULT, wusaVerdict } from './hresult.js';
import { assertAdvisory, assertUpdateId, assertWuName } from './names.js';
import { parseInstall, parseInstalled, parseInstalledUpdates, parseReboot, parseSearch, parseVersion, scriptFailure, toAvailableUpdates } from './parse.js';
import type { InstallUpdateResult, WuaUpdate } from './schema.js';
import { ScriptFile } from './script-file.js';
import { WUA_SCRIPT } from './wua-script.js';

export const WINDOWS_UPDATE_CAPABILITIES: ManagerCapabilities = {
  // wusa /uninstall, for updates Windows marks as uninstallable; others get E_ROLLBACK_UNSUPPORTED.
  canRollback: true,
  canPinVersion: false,
  knowsSecurity: true,
  needsUser: false,
  partialUpgrade: true,
  detectsReboot: true,
};

export interface WindowsUpdateAdapterDeps extends AdapterDeps {
  paths?: WuPaths;
  /** Where the script file goes (the agent's data directory); os.tmpdir() by default. */
  scriptDir?: string;
  now?: () => number;
}

interface Run {
  exitCode: number | null;
  text: string;
  failure?: { code: ErrorCode; message: string };
}

/** Windows Update through the Windows Update Agent COM API (wua.ps1) and wusa.exe. */
export class WindowsUpdatePackageManager implements PackageManager {
  readonly name = 'windows-update' as const;
  readonly capabilities = WINDOWS_UPDATE_CAPABILITIES;
  private readonly exec: CommandRunner;
  private readonly log: Logger;
  private readonly paths: WuPaths;
  private readonly script: ScriptFile;
  private readonly arch: string;
  private readonly now: () => number;
  private readonly rebootReasons: string[] = [];

  constructor(deps: WindowsUpdateAdapterDeps) {
    this.exec = deps.exec;
    this.log = deps.log.child({ manager: 'windows-update' });
    this.paths = deps.paths ?? windowsPaths(process.env['SystemRoot']);
    this.script = new ScriptFile(WUA_SCRIPT, deps.scriptDir ?? deps.local?.windowsUpdate?.scriptDir);
    this.arch = deps.host.arch;
    this.now = deps.now ?? Date.now;
  }

  async version(): Promise<string | undefined> {
    return parseVersion((await this.query('Version', WU_TIMEOUTS.query)).text);
  }

  async listInstalled(): Promise<InstalledPackage[]> {
    const parsed = parseInstalled((await this.query('Installed', WU_TIMEOUTS.installed)).text, this.arch);
    return this.accept(parsed.value, parsed.problems, 'installed programs and KBs');
  }

  async listUpdates(): Promise<AvailableUpdate[]> {
    return toAvailableUpdates(await this.search());
  }

  async plan(selection: PackageSelection): Promise<Plan> {
    const names = (selection.packages ?? []).map((p) => {
      if (p.version !== undefined) assertSafeArgument('version', p.version, /^[0-9]{1,9}$/);
      return { request: p, name: assertWuName(p.name) };
    });
    const advisories = (selection.advisories ?? []).map(assertAdvisory);
    const plan: Plan = { manager: 'windows-update', selection, changes: [], unresolved: [], notes: [], targets: [] };
    if (!selection.all && !selection.securityOnly && names.length === 0 && advisories.length === 0) return plan;
    const updates = await this.search();
    const offered = toAvailableUpdates(updates);
    const chosen = new Set<number>();
    offered.forEach((u, i) => {
      if (selection.all || (selection.securityOnly && u.security === true)) chosen.add(i);
    });
    for (const { request, name } of names) {
      const hits = updates.flatMap((u, i) => ((name.kind === 'kb' ? u.KBArticleIDs.includes(name.kb) : u.Identity.UpdateID.toLowerCase() === name.id) ? [i] : []));
      if (hits.length === 0) {
        plan.unresolved.push({ name: request.name, code: 'E_PKG_NOT_FOUND', message: `${request.name} is not offered (installed, superseded, hidden or not applicable)` });
        continue;
      }
      for (const i of hits) {
        if (request.version !== undefined && request.version !== offered[i]?.candidateVersion) {
          plan.unresolved.push({ name: request.name, code: 'E_NOT_SUPPORTED', message: `Windows Update offers revision ${offered[i]?.candidateVersion}, not ${request.version}` });
        } else chosen.add(i);
      }
    }
    for (const id of advisories) {
      const want = id.toUpperCase().replace(/^KB/, '');
      const hits = updates.flatMap((u, i) => (u.KBArticleIDs.includes(want) || u.SecurityBulletinIDs.some((b) => b.toUpperCase() === want) || u.CveIDs.some((c) => c.toUpperCase() === want) ? [i] : []));
      if (hits.length === 0) plan.unresolved.push({ name: id, code: 'E_PKG_NOT_FOUND', message: `no offered update names ${id}` });
      hits.forEach((i) => chosen.add(i));
    }
    for (const i of [...chosen].sort((a, b) => a - b)) {
      const u = offered[i];
      const w = updates[i];
      if (!u || !w) continue;
      plan.changes.push({ kind: 'install', name: u.name, arch: '', from: null, to: u.candidateVersion });
      plan.targets.push(w.Identity.UpdateID.toLowerCase());
    }
    if (plan.changes.length) {
      plan.notes.push('Windows Update has no dry run: the plan is what the Windows Update Agent offers now (IsInstalled=0 and IsHidden=0)');
      const reboots = plan.changes.filter((c) => offered.find((u) => u.name === c.name)?.rebootRequired).length;
      if (reboots) plan.notes.push(`${reboots} update(s) may require a restart`);
    }
    return plan;
  }

  async apply(plan: Plan, options: ApplyOptions): Promise<ApplyResult> {
    if (plan.manager !== 'windows-update') throw new PatchwaveError('E_VALIDATION', `a ${plan.manager} plan cannot be applied by Windows Update`);
    const ids = plan.targets.map(assertUpdateId);
    if (ids.length === 0) return { manager: 'windows-update', ok: true, exitCode: null, packages: [], rebootRequired: false, outputTail: '' };
    const run = await this.invoke('Install', { updateIds: ids }, options.timeoutMs);
    const parsed = run.failure ? undefined : parseInstall(run.text);
    const report = parsed?.value;
    const failure = run.failure ?? (report ? undefined : { code: 'E_PKG_PARSE_FAILED' as const, message: parsed?.problems[0]?.message ?? 'no result' });
    const packages = ids.map((id, i): PackageOutcome => {
      const change = plan.changes.length === ids.length ? plan.changes[i] : undefined;
      const base = { name: change?.name ?? id, arch: '', requested: change?.to ?? null, before: null };
      if (failure) return { ...base, after: null, ok: false, errorCode: failure.code, message: failure.message };
      const rec = report?.Updates.find((u) => u.Identity.UpdateID.toLowerCase() === id);
      if (!rec) {
        const gone = report?.NotFound.some((n) => n.toLowerCase() === id);
        return { ...base, after: null, ok: false, errorCode: gone ? 'E_PKG_NOT_FOUND' : 'E_PKG_FAILED', message: gone ? 'no longer offered: installed, superseded or hidden since the plan' : 'the script reported no result for it' };
      }
      return outcome(base, rec, report?.RebootRequiredBeforeInstallation ?? false);
    });
    const rebootRequired = Boolean(report?.Install?.RebootRequired) || (report?.Updates ?? []).some((u) => u.RebootRequired);
    if (rebootRequired) this.rebootReasons.push(`Windows Update installed ${packages.filter((p) => p.ok).map((p) => p.name).join(', ')} and asked for a restart`);
    const ok = packages.every((p) => p.ok);
    if (!ok) this.log.warn({ exitCode: run.exitCode, failed: packages.filter((p) => !p.ok).map((p) => ({ name: p.name, errorCode: p.errorCode })) }, 'Windows Update install failed');
    const errorCode = ok ? undefined : packages.find((p) => !p.ok)?.errorCode;
    return { manager: 'windows-update', ok, exitCode: run.exitCode, ...(errorCode ? { errorCode } : {}), packages, rebootRequired, outputTail: tail(run.text) };
  }

  /**
   * Restores the state before a deployment: an update installed by it (no previous version) is
   * uninstalled with wusa where Windows allows it; one that was there before stays.
   */
  async rollback(previous: RollbackTarget[], options: ApplyOptions): Promise<ApplyResult> {
    const targets = previous.map((p) => ({ p, name: assertWuName(p.name) }));
    const deadline = this.now() + options.timeoutMs;
    const remove = targets.filter((t) => t.p.version === null);
    const installed = remove.length ? await this.installedUpdates() : [];
    const packages: PackageOutcome[] = [];
    let output = '';
    let exitCode: number | null = null;
    let reboot = false;
    for (const { p, name } of targets) {
      const base = { name: p.name, arch: p.arch ?? '', requested: p.version };
      if (p.version !== null) {
        packages.push({ ...base, before: p.version, after: p.version, ok: true, message: 'installed before the deployment: nothing to roll back' });
        continue;
      }
      const rec = installed.find((u) => (name.kind === 'kb' ? u.KBArticleIDs.includes(name.kb) : u.Identity.UpdateID.toLowerCase() === name.id));
      if (!rec) {
        packages.push({ ...base, before: null, after: null, ok: true, message: 'not installed: nothing to roll back' });
        continue;
      }
      const before = String(rec.Identity.RevisionNumber);
      const kb = name.kind === 'kb' ? name.kb : rec.KBArticleIDs.find((k) => /^[0-9]{4,8}$/.test(k));
      if (!kb || !rec.IsUninstallable) {
        const why = kb ? `Windows marks KB${kb} as not uninstallable` : 'the update has no KB article for wusa to uninstall';
        packages.push({ ...base, before, after: before, ok: false, errorCode: 'E_ROLLBACK_UNSUPPORTED', message: why });
        continue;
      }
      const remaining = deadline - this.now();
      if (remaining <= 0) {
        packages.push({ ...base, before, after: before, ok: false, errorCode: 'E_PKG_TIMEOUT', message: 'not started: the rollback deadline had passed' });
        continue;
      }
      const run = await this.tolerant(wusaUninstall(this.paths, kb, remaining));
      output += `${output ? '\n' : ''}> wusa /uninstall /kb:${kb}\n${run.text}`;
      if (exitCode === null || exitCode === 0) exitCode = run.exitCode;
      const verdict = run.exitCode === null ? { ok: false, rebootRequired: false, code: run.failure?.code ?? 'E_PKG_TIMEOUT', message: run.failure?.message ?? 'timed out' } : wusaVerdict(run.exitCode);
      reboot ||= verdict.rebootRequired;
      if (verdict.rebootRequired) this.rebootReasons.push(`wusa uninstalled KB${kb}; a restart completes it`);
      packages.push({ ...base, before, after: verdict.ok ? null : before, ok: verdict.ok, ...(verdict.code ? { errorCode: verdict.code } : {}), message: verdict.message });
    }
    const ok = packages.every((p) => p.ok);
    const errorCode = ok ? undefined : packages.find((p) => !p.ok)?.errorCode;
    return { manager: 'windows-update', ok, exitCode, ...(errorCode ? { errorCode } : {}), packages, rebootRequired: reboot, outputTail: tail(output) };
  }

  async rebootRequired(): Promise<RebootState> {
    const parsed = parseReboot((await this.query('Reboot', WU_TIMEOUTS.query)).text);
    if (parsed.problems.length) this.log.warn({ problems: parsed.problems }, 'unreadable reboot state');
    const state = parsed.value;
    if (this.rebootReasons.length === 0) return state;
    return { required: true, reasons: [...state.reasons, ...this.rebootReasons], packages: state.packages };
  }

  /** Removes the script's temporary directory. */
  async dispose(): Promise<void> {
    await this.script.dispose();
  }

  private async search(): Promise<WuaUpdate[]> {
    const parsed = parseSearch((await this.query('Search', WU_TIMEOUTS.search)).text);
    return this.accept(parsed.value, parsed.problems, 'Windows Update search results');
  }

  private async installedUpdates() {
    const parsed = parseInstalledUpdates((await this.query('InstalledUpdates', WU_TIMEOUTS.installed)).text);
    return this.accept(parsed.value, parsed.problems, 'installed Windows updates');
  }

  /** A read-only action: any failure is an error for the caller. */
  private async query(action: WuaAction, timeoutMs: number): Promise<Run> {
    const run = await this.invoke(action, {}, timeoutMs);
    if (run.failure) throw new PatchwaveError(run.failure.code, `wua.ps1 -Action ${action}: ${run.failure.message}`, { details: { exitCode: run.exitCode } });
    return run;
  }

  private async invoke(action: WuaAction, args: { updateIds?: readonly string[] }, timeoutMs: number): Promise<Run> {
    const run = await this.tolerant(wuaCommand(this.paths, await this.script.path(), action, args, timeoutMs));
    if (run.failure || run.exitCode === 0) return run;
    // Exit code 1: the script's Error object says why (an HResult from the WUA API).
    const failure = scriptFailure(run.text) ?? { code: 'E_PKG_FAILED' as const, message: `wua.ps1 exited with ${run.exitCode}: ${run.text.slice(-500)}` };
    return { ...run, failure };
  }

  private async tolerant(spec: CommandSpec): Promise<Run> {
    try {
      const res = await this.exec.run(spec);
      return { exitCode: res.exitCode, text: res.stderr ? `${res.stdout}\n${res.stderr}` : res.stdout };
    } catch (err) {
      if (!(err instanceof CommandError) || err.code === 'E_COMMAND_NOT_FOUND') throw err;
      const text = `${err.stdout}${err.stderr ? `\n${err.stderr}` : ''}`;
      if (err.timedOut || err.exitCode === null) return { exitCode: null, text, failure: { code: 'E_PKG_TIMEOUT', message: err.message } };
      // Not 0 or 1: the script did not run (execution policy, PowerShell missing a module) or wusa failed.
      return { exitCode: err.exitCode, text, ...(spec.command === this.paths.wusa ? {} : { failure: { code: 'E_PKG_FAILED', message: `${err.message}: ${err.stderrTail.slice(-500)}` } }) };
    }
  }

  private accept<T>(value: T[], problems: ParseProblem[], what: string): T[] {
    if (problems.length) this.log.warn({ problems: problems.slice(0, 10) }, `unreadable entries in ${what}`);
    if (value.length === 0 && problems.length > 0) {
      throw new PatchwaveError('E_PKG_PARSE_FAILED', `could not read ${what}: ${problems[0]?.message ?? ''}`, { details: { problems: problems.slice(0, 10) } });
    }
    return value;
  }
}

function outcome(base: Omit<PackageOutcome, 'ok' | 'after'>, rec: InstallUpdateResult, restartFirst: boolean): PackageOutcome {
  const installedAt = base.requested ?? String(rec.Identity.RevisionNumber);
  if (rec.DownloadResultCode === RESULT.failed || rec.DownloadResultCode === RESULT.aborted) {
    const { code, label } = classifyHResult(rec.DownloadHResult);
    return { ...base, after: null, ok: false, errorCode: code === 'E_PKG_FAILED' ? 'E_PKG_DOWNLOAD_FAILED' : code, message: `download failed: ${label}` };
  }
  switch (rec.ResultCode) {
    case RESULT.succeeded:
      return { ...base, after: installedAt, ok: true, ...(rec.RebootRequired ? { message: 'installed; a restart completes it' } : {}) };
    case RESULT.succeededWithErrors:
      return { ...base, after: installedAt, ok: true, message: `installed with errors (${hresultHex(rec.HResult)})` };
    case RESULT.failed: {
      const { code, label } = classifyHResult(rec.HResult);
      return { ...base, after: null, ok: false, errorCode: code, message: `install failed: ${label}` };
    }
    case RESULT.aborted:
      return { ...base, after: null, ok: false, errorCode: 'E_PKG_FAILED', message: `install aborted (${hresultHex(rec.HResult)})` };
    default:
      return restartFirst
        ? { ...base, after: null, ok: false, errorCode: 'E_PKG_RETRY', message: 'Windows requires a restart before this update can install' }
        : { ...base, after: null, ok: false, errorCode: 'E_PKG_FAILED', message: `not installed (result code ${rec.ResultCode})` };
  }
}
