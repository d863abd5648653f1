import { LIMITS, type JobResultPayload, type ManagerName, type PackageResult } from '@patchwave/shared';
import type { Logger } from 'pino';
import type { PackageManager } from '../pkg/package-manager.js';
import { findInstalled, versionMatches } from './actions.js';
import type { ActiveJob } from './job-store.js';

/** Where the job was when the agent stopped, in words for the operator. */
function stage(active: ActiveJob): string {
  if (active.started.length > active.runs.length) return `while ${active.started[active.started.length - 1]} was changing packages`;
  if (active.runs.length > 0) return `after ${active.runs.map((r) => r.manager).join(', ')} finished, before the result was written`;
  if (active.rollbackPlan) return 'after recording the rollback plan, before changing anything';
  return 'while preparing, before changing anything';
}

/**
 * The result of a job the agent was running when it stopped (crash, kill, power loss): status
 * `interrupted`, with every package's version read back from the package manager now — the real
 * state, not the intended one — next to the version the rollback plan recorded before.
 */
export async function interruptedResult(
  active: ActiveJob,
  managers: readonly PackageManager[],
  deviceId: string,
  now: Date,
  log: Logger,
): Promise<Omit<JobResultPayload, 'inventoryHash'>> {
  const { job } = active;
  const action = job.action;
  const wanted: { manager: ManagerName; name: string; arch?: string; requested: string | null }[] =
    action.kind === 'apply'
      ? action.packages.map((p) => ({ manager: p.manager, name: p.name, ...(p.arch ? { arch: p.arch } : {}), requested: p.version }))
      : action.kind === 'rollback'
        ? action.packages.map((p) => ({ manager: p.manager, name: p.name, ...(p.arch ? { arch: p.arch } : {}), requested: p.version }))
        : [];
  const installed = new Map<ManagerName, Awaited<ReturnType<PackageManager['listInstalled']>> | Error>();
  for (const m of new Set(wanted.map((w) => w.manager))) {
    const pm = managers.find((x) => x.name === m);
    try {
      installed.set(m, pm ? await pm.listInstalled() : new Error(`no ${m} package manager on this device`));
    } catch (err) {
      log.warn({ err, manager: m, jobId: job.jobId }, 'could not read installed packages for an interrupted job');
      installed.set(m, err as Error);
    }
  }
  const packages: PackageResult[] = wanted.map((w) => {
    const list = installed.get(w.manager);
    const planned = active.rollbackPlan?.find((p) => p.manager === w.manager && p.name === w.name && (!w.arch || p.arch === w.arch));
    if (!list || list instanceof Error) {
      return { manager: w.manager, name: w.name, arch: w.arch ?? '', requested: w.requested, before: planned?.version ?? null, after: null, ok: false, errorCode: 'E_JOB_INTERRUPTED', message: `state unknown: ${list?.message ?? 'not read'}` };
    }
    const cur = findInstalled(list, w.name, w.arch);
    const after = cur?.version ?? null;
    const before = planned ? planned.version : after;
    const ok = action.kind === 'rollback' ? after === w.requested : versionMatches(w.requested, after) && (w.requested !== null || after !== before);
    return { manager: w.manager, name: w.name, arch: cur?.arch ?? planned?.arch ?? w.arch ?? '', requested: w.requested, before, after, ok, ...(ok ? {} : { errorCode: 'E_JOB_INTERRUPTED' as const }) };
  });
  const lastRun = active.runs[active.runs.length - 1];
  return {
    jobId: job.jobId,
    deviceId,
    kind: action.kind,
    status: 'interrupted',
    errorCode: 'E_JOB_INTERRUPTED',
    message: `the agent stopped ${stage(active)}; versions were read back after it restarted`,
    startedAt: active.startedAt ?? active.receivedAt,
    finishedAt: now.toISOString(),
    exitCode: lastRun?.exitCode ?? null,
    packages,
    ...(active.rollbackPlan ? { rollbackPlan: active.rollbackPlan } : {}),
    reboot: { required: active.runs.some((r) => r.rebootRequired), performed: false },
    outputTail: active.runs.map((r) => r.outputTail).filter(Boolean).join('\n').slice(-LIMITS.outputTail),
  };
}
