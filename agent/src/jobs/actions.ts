import {
  LIMITS,
  PatchwaveError,
  type ErrorCode,
  type InstalledPackage,
  type JobAction,
  type JobPackage,
  type ManagerName,
  type ManagerPlan,
  type PackageHold,
  type PackageResult,
  type PreviousVersion,
  type UpdateSelection,
} from '@patchwave/shared';
import type { Logger } from 'pino';
import type { ApplyResult, PackageManager, PackageSelection, Plan } from '../pkg/package-manager.js';
import { holdRules, planRespectingHolds } from '../safety/plan-guard.js';
import type { JobStore } from './job-store.js';
import type { ManagerRun } from './journal-records.js';

/** What running one action produced, before re-inventory and reboot. */
export interface ActionOutcome {
  ok: boolean;
  errorCode?: ErrorCode;
  message?: string;
  exitCode: number | null;
  packages: PackageResult[];
  rollbackPlan?: PreviousVersion[];
  plans?: ManagerPlan[];
  rebootRequired: boolean;
  /** Managers that ran (their reboot state is checked afterwards). */
  ran: PackageManager[];
  outputTail: string;
}

export interface ActionContext {
  jobId: string;
  store: JobStore;
  managers: readonly PackageManager[];
  now: () => Date;
  log: Logger;
  timeoutMs: number;
  progress: (phase: 'preparing' | 'applying' | 'verifying', manager?: ManagerName) => void;
}

const codeOf = (err: unknown, fallback: ErrorCode): ErrorCode => (err instanceof PatchwaveError ? err.code : fallback);
const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, LIMITS.message);
const tailOf = (texts: readonly string[]) => texts.filter(Boolean).join('\n').slice(-LIMITS.outputTail);

function groupBy<T>(items: readonly T[], key: (t: T) => ManagerName): Map<ManagerName, T[]> {
  const out = new Map<ManagerName, T[]>();
  for (const item of items) out.set(key(item), [...(out.get(key(item)) ?? []), item]);
  return out;
}

/** The installed package a request refers to (by name, and by arch when it gives one). */
export function findInstalled(installed: readonly InstalledPackage[], name: string, arch?: string): InstalledPackage | undefined {
  return installed.find((p) => p.name === name && (!arch || p.arch === arch));
}

/** Whether `after` is what was asked for: the exact version, or any version for "newest". */
export function versionMatches(requested: string | null, after: string | null): boolean {
  return requested === null ? after !== null : after === requested;
}

function failedPackage(manager: ManagerName, name: string, arch: string, requested: string | null, code: ErrorCode, message: string): PackageResult {
  return { manager, name, arch, requested, before: null, after: null, ok: false, errorCode: code, message };
}

function errorRun(manager: ManagerName, err: unknown): ManagerRun {
  const e = err as { exitCode?: unknown; stderrTail?: unknown };
  return {
    manager,
    ok: false,
    exitCode: typeof e.exitCode === 'number' ? e.exitCode : null,
    errorCode: codeOf(err, 'E_PKG_FAILED'),
    message: messageOf(err),
    rebootRequired: false,
    outputTail: typeof e.stderrTail === 'string' ? e.stderrTail.slice(-LIMITS.outputTail) : '',
    packages: [],
  };
}

function toRun(result: ApplyResult): ManagerRun {
  return {
    manager: result.manager,
    ok: result.ok,
    exitCode: result.exitCode,
    ...(result.errorCode ? { errorCode: result.errorCode } : {}),
    rebootRequired: result.rebootRequired,
    outputTail: result.outputTail.slice(-LIMITS.outputTail),
    packages: result.packages.map((p) => ({ ...p, ...(p.message ? { message: p.message.slice(0, LIMITS.message) } : {}) })),
  };
}

function summarize(packages: PackageResult[], runs: ManagerRun[], extra: Partial<ActionOutcome> & { ran: PackageManager[] }): ActionOutcome {
  const failedRun = runs.find((r) => !r.ok);
  const failedPkg = packages.find((p) => !p.ok);
  const ok = !failedRun && !failedPkg;
  const errorCode = failedPkg?.errorCode ?? failedRun?.errorCode ?? (ok ? undefined : 'E_PKG_FAILED');
  const message = failedRun?.message ?? failedPkg?.message;
  const last = runs[runs.length - 1];
  return {
    ok,
    ...(errorCode ? { errorCode } : {}),
    ...(message ? { message } : {}),
    exitCode: failedRun ? failedRun.exitCode : (last?.exitCode ?? null),
    packages,
    rebootRequired: runs.some((r) => r.rebootRequired),
    outputTail: tailOf(runs.map((r) => r.outputTail)),
    ...extra,
  };
}

/** Runs one manager's change with the journal around it: start recorded before, the run after. */
async function journaledRun(ctx: ActionContext, pm: PackageManager, run: () => Promise<ApplyResult>): Promise<ManagerRun> {
  ctx.store.applyStarted(ctx.jobId, pm.name, ctx.now().toISOString());
  ctx.progress('applying', pm.name);
  let rec: ManagerRun;
  try {
    rec = toRun(await run());
  } catch (err) {
    ctx.log.warn({ err, manager: pm.name }, 'package manager run failed');
    rec = errorRun(pm.name, err);
  }
  ctx.store.applyDone(ctx.jobId, rec, ctx.now().toISOString());
  return rec;
}

interface Prepared {
  pm: PackageManager;
  requests: JobPackage[];
  installed: InstalledPackage[];
  plan: Plan;
}

/**
 * Installs packages at given (or newest) versions. Order: for every manager, read what is
 * installed and plan (no side effect); record the rollback plan — the version of every package
 * the plans would touch — in the journal; then, per manager, record the start, apply, record the
 * run; finally read back what is installed.
 */
export async function runApply(ctx: ActionContext, action: Extract<JobAction, { kind: 'apply' }>): Promise<ActionOutcome> {
  const packages: PackageResult[] = [];
  const prepared: Prepared[] = [];
  ctx.progress('preparing');
  for (const [manager, requests] of groupBy(action.packages, (p) => p.manager)) {
    const pm = ctx.managers.find((m) => m.name === manager);
    if (!pm) {
      for (const r of requests) packages.push(failedPackage(manager, r.name, r.arch ?? '', r.version, 'E_NOT_SUPPORTED', `no ${manager} package manager on this device`));
      continue;
    }
    try {
      const installed = await pm.listInstalled();
      const selection: PackageSelection = {
        packages: requests.map((r) => ({ name: r.name, ...(r.version ? { version: r.version } : {}), ...(r.arch ? { arch: r.arch } : {}) })),
      };
      // Holds (the job's and the tool's own) are enforced here, before anything runs.
      const holds = action.safety ? await holdRules(pm, action.safety.holds, ctx.log) : [];
      prepared.push({ pm, requests, installed, plan: await planRespectingHolds(pm, selection, holds) });
    } catch (err) {
      for (const r of requests) packages.push(failedPackage(manager, r.name, r.arch ?? '', r.version, codeOf(err, 'E_PKG_FAILED'), messageOf(err)));
    }
  }
  const rollbackPlan: PreviousVersion[] = [];
  for (const { pm, requests, installed, plan } of prepared) {
    const keys = new Set<string>();
    const add = (name: string, arch: string, version: string | null) => {
      if (keys.has(`${name}\u0000${arch}`)) return;
      keys.add(`${name}\u0000${arch}`);
      rollbackPlan.push({ manager: pm.name, name, arch, version });
    };
    // Every package the plan changes (requested or pulled in), then requested ones it leaves alone.
    for (const c of plan.changes) add(c.name, c.arch, findInstalled(installed, c.name, c.arch || undefined)?.version ?? c.from);
    for (const r of requests) {
      if (rollbackPlan.some((p) => p.manager === pm.name && p.name === r.name && (!r.arch || p.arch === r.arch))) continue;
      const cur = findInstalled(installed, r.name, r.arch);
      add(r.name, cur?.arch ?? r.arch ?? '', cur?.version ?? null);
    }
  }
  ctx.store.recordRollbackPlan(ctx.jobId, rollbackPlan, ctx.now().toISOString());

  const runs: ManagerRun[] = [];
  const ran: PackageManager[] = [];
  for (const { pm, requests, installed, plan } of prepared) {
    const run = plan.changes.length > 0 ? await journaledRun(ctx, pm, () => pm.apply(plan, { timeoutMs: ctx.timeoutMs })) : undefined;
    if (run) {
      runs.push(run);
      ran.push(pm);
    }
    let after: InstalledPackage[] = installed;
    if (run) {
      try {
        after = await pm.listInstalled();
      } catch (err) {
        ctx.log.warn({ err, manager: pm.name }, 'could not read installed packages after apply');
      }
    }
    for (const r of requests) {
      const unresolved = plan.unresolved.find((u) => u.name === r.name);
      const before = findInstalled(installed, r.name, r.arch);
      const now = findInstalled(after, r.name, r.arch);
      const reported = run?.packages.find((p) => p.name === r.name && (!r.arch || p.arch === r.arch));
      const ok = !unresolved && (reported?.ok ?? true) && versionMatches(r.version, now?.version ?? null);
      const errorCode = unresolved?.code ?? reported?.errorCode ?? (ok ? undefined : (run?.errorCode ?? 'E_PKG_FAILED'));
      const message =
        unresolved?.message ??
        reported?.message ??
        (ok ? undefined : (run?.message ?? `asked for ${r.version ?? 'the newest version'}, found ${now?.version ?? 'not installed'}`));
      packages.push({
        manager: pm.name,
        name: r.name,
        arch: now?.arch ?? before?.arch ?? r.arch ?? '',
        requested: r.version,
        before: before?.version ?? null,
        after: now?.version ?? null,
        ok,
        ...(errorCode ? { errorCode } : {}),
        ...(message ? { message } : {}),
      });
    }
  }
  return summarize(packages, runs, { rollbackPlan, ran });
}

/** Restores previous versions where the adapter can; says E_ROLLBACK_UNSUPPORTED where it cannot. */
export async function runRollback(
  ctx: ActionContext,
  action: Extract<JobAction, { kind: 'rollback' }>,
  opts: { keepJournaledPlan?: boolean } = {},
): Promise<ActionOutcome> {
  const packages: PackageResult[] = [];
  const runs: ManagerRun[] = [];
  const ran: PackageManager[] = [];
  const current: PreviousVersion[] = [];
  const targets = groupBy(action.packages, (p) => p.manager);
  const snapshots = new Map<ManagerName, InstalledPackage[]>();
  ctx.progress('preparing');
  for (const [manager, wanted] of targets) {
    const pm = ctx.managers.find((m) => m.name === manager);
    const refuse = (code: ErrorCode, message: string) => {
      for (const t of wanted) packages.push(failedPackage(manager, t.name, t.arch, t.version, code, message));
    };
    if (!pm) refuse('E_NOT_SUPPORTED', `no ${manager} package manager on this device`);
    else if (!pm.capabilities.canRollback) refuse('E_ROLLBACK_UNSUPPORTED', `${manager} cannot restore previous versions`);
    else {
      try {
        const installed = await pm.listInstalled();
        snapshots.set(manager, installed);
        for (const t of wanted) current.push({ manager, name: t.name, arch: t.arch, version: findInstalled(installed, t.name, t.arch || undefined)?.version ?? null });
      } catch (err) {
        refuse(codeOf(err, 'E_PKG_FAILED'), messageOf(err));
      }
    }
  }
  // An automatic rollback inside an apply job keeps the apply's rollback plan in the journal.
  if (!opts.keepJournaledPlan) ctx.store.recordRollbackPlan(ctx.jobId, current, ctx.now().toISOString());
  for (const [manager, installed] of snapshots) {
    const pm = ctx.managers.find((m) => m.name === manager) as PackageManager;
    const wanted = targets.get(manager) ?? [];
    const run = await journaledRun(ctx, pm, () =>
      pm.rollback(
        wanted.map((t) => ({ name: t.name, version: t.version, ...(t.arch ? { arch: t.arch } : {}) })),
        { timeoutMs: ctx.timeoutMs },
      ),
    );
    runs.push(run);
    ran.push(pm);
    let after = installed;
    try {
      after = await pm.listInstalled();
    } catch (err) {
      ctx.log.warn({ err, manager }, 'could not read installed packages after rollback');
    }
    for (const t of wanted) {
      const now = findInstalled(after, t.name, t.arch || undefined)?.version ?? null;
      const reported = run.packages.find((p) => p.name === t.name);
      const ok = now === t.version && (reported?.ok ?? true);
      const errorCode = reported?.errorCode ?? (ok ? undefined : (run.errorCode ?? 'E_PKG_FAILED'));
      packages.push({
        manager,
        name: t.name,
        arch: t.arch,
        requested: t.version,
        before: findInstalled(installed, t.name, t.arch || undefined)?.version ?? null,
        after: now,
        ok,
        ...(errorCode ? { errorCode } : {}),
        ...(reported?.message ? { message: reported.message } : !ok && run.message ? { message: run.message } : {}),
      });
    }
  }
  return summarize(packages, runs, { rollbackPlan: current, ran });
}

function toSelection(selection: UpdateSelection, manager: ManagerName): PackageSelection {
  switch (selection.kind) {
    case 'security':
      return { securityOnly: true };
    case 'all':
      return { all: true };
    case 'advisories':
      return { advisories: selection.ids };
    case 'packages':
      return {
        packages: selection.packages
          .filter((p) => !p.manager || p.manager === manager)
          .map((p) => ({ name: p.name, ...(p.version ? { version: p.version } : {}), ...(p.arch ? { arch: p.arch } : {}) })),
      };
  }
}

/** A dry run: every relevant manager's own simulation of the selection. Changes nothing. */
export async function runPlan(ctx: ActionContext, selection: UpdateSelection, holds: readonly PackageHold[] = []): Promise<ActionOutcome> {
  ctx.progress('preparing');
  const plans: ManagerPlan[] = [];
  const errors: ManagerRun[] = [];
  for (const pm of ctx.managers) {
    const sel = toSelection(selection, pm.name);
    if (sel.packages && sel.packages.length === 0) continue;
    try {
      const plan = await planRespectingHolds(pm, sel, await holdRules(pm, holds, ctx.log));
      plans.push({ manager: pm.name, changes: plan.changes, unresolved: plan.unresolved, notes: plan.notes });
    } catch (err) {
      errors.push(errorRun(pm.name, err));
    }
  }
  return summarize([], errors, { plans, ran: [] });
}
