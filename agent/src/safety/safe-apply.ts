import { LIMITS, type ErrorCode, type JobSafety, type PackageResult, type ProbeOutcome, type SafetyReport } from '@patchwave/shared';
import type { Logger } from 'pino';
import { runRollback, type ActionContext } from '../jobs/actions.js';
import type { PendingResult } from '../jobs/results.js';
import type { PackageManager } from '../pkg/package-manager.js';
import { gatherPreflightFacts } from './preflight-facts.js';
import { evaluatePreflight } from './preflight.js';
import { brokenProbes, runProbes, settleProbes } from './probes.js';
import type { SafetyRuntime } from './safety-runtime.js';

/** What the checks before applying decided. */
export interface BeforeGate {
  report: SafetyReport;
  /** Do not apply: the job ends `failed` with this code (nothing changed). */
  stop?: { code: ErrorCode; message: string };
  /** A reboot is pending and the policy says reboot first. */
  rebootFirst?: string;
}

const describe = (outcomes: readonly ProbeOutcome[], names: readonly string[]) =>
  outcomes
    .filter((o) => names.includes(o.name))
    .map((o) => `${o.name} (${o.kind}): ${o.detail}`)
    .join('; ');

/** Pre-flight checks, then the probes before applying. Changes nothing. */
export async function safetyBefore(safety: JobSafety, managers: readonly PackageManager[], rt: SafetyRuntime, log: Logger): Promise<BeforeGate> {
  const report: SafetyReport = { preflight: [], before: [], after: [], broken: [] };
  if (safety.preflight) {
    const c = safety.preflight;
    const facts = await gatherPreflightFacts(
      managers,
      { disk: c.minFreeDiskMb > 0, lock: c.requireLockFree, power: c.requireAcPower, reboot: c.pendingReboot !== 'ignore' },
      rt.facts,
      log,
    );
    const pre = evaluatePreflight(c, facts);
    report.preflight = pre.outcomes;
    log.info({ verdict: pre.verdict, preflight: pre.outcomes }, 'pre-flight checks ran');
    if (pre.verdict === 'fail') return { report, stop: { code: 'E_PREFLIGHT_FAILED', message: `pre-flight check failed, nothing was applied: ${pre.message ?? ''}` } };
    if (pre.verdict === 'reboot-first') return { report, rebootFirst: pre.message ?? 'a reboot is pending' };
  }
  report.before = await runProbes(safety.probes, rt.probes);
  const failing = report.before.filter((o) => !o.ok).map((o) => o.name);
  if (failing.length) {
    return {
      report,
      stop: {
        code: 'E_HEALTH_ALREADY_FAILING',
        message: `health probe(s) already failing before applying, so the device was skipped and nothing was applied: ${describe(report.before, failing)}`.slice(0, LIMITS.message),
      },
    };
  }
  return { report };
}

/** Whether an apply result still owes its after-probes (they wait for the reboot). */
export function owesAfterProbes(safety: JobSafety | undefined, result: PendingResult): safety is JobSafety {
  return Boolean(safety && safety.probes.length > 0 && result.safety && result.safety.before.length > 0 && result.safety.after.length === 0);
}

function rollbackStatus(packages: readonly PackageResult[], ok: boolean): 'succeeded' | 'failed' | 'unsupported' {
  if (ok) return 'succeeded';
  return packages.length > 0 && packages.every((p) => p.errorCode === 'E_ROLLBACK_UNSUPPORTED' || p.errorCode === 'E_NOT_SUPPORTED') ? 'unsupported' : 'failed';
}

/**
 * The probes after applying (and after the reboot, when there was one). A probe that passed before
 * and fails now (after `settleMs` of retries) fails the job with E_HEALTH_CHECK_FAILED; with
 * `rollbackOnHealthFailure` the job's own rollback plan is applied at once (no reboot of its own)
 * and the probes run again. Package results then show the versions installed after the rollback.
 */
export async function safetyAfter(ctx: ActionContext, safety: JobSafety, result: PendingResult, rt: SafetyRuntime): Promise<PendingResult> {
  const report: SafetyReport = result.safety ?? { preflight: [], before: [], after: [], broken: [] };
  const probeDeps = { ...rt.probes, sleep: rt.sleep };
  const after = await settleProbes(safety.probes, report.before, probeDeps, safety.settleMs ?? 0);
  const broken = brokenProbes(report.before, after);
  const next: PendingResult = { ...result, safety: { ...report, after, broken } };
  if (broken.length === 0) return next;
  const what = describe(after, broken);
  ctx.log.error({ broken, after }, 'health probes broke after applying');
  const messages = [`health probe(s) passed before and fail after applying: ${what}`, result.message];
  let packages = result.packages.map((p) => ({ ...p, ok: false, errorCode: 'E_HEALTH_CHECK_FAILED' as const, message: `applied, but health probe(s) broke: ${broken.join(', ')}` }));
  let outputTail = result.outputTail;
  if (safety.rollbackOnHealthFailure) {
    const targets = (result.rollbackPlan ?? []).filter((p) => result.packages.some((r) => r.manager === p.manager));
    ctx.log.warn({ targets: targets.length }, 'rolling back automatically after the health probes broke');
    const rb = await runRollback(ctx, { kind: 'rollback', packages: targets.length ? targets : [], rebootPolicy: { mode: 'never' } }, { keepJournaledPlan: true });
    const status = targets.length === 0 ? 'failed' : rollbackStatus(rb.packages, rb.ok);
    const rbAfter = await settleProbes(safety.probes, report.before, probeDeps, safety.settleMs ?? 0);
    const stillBroken = brokenProbes(report.before, rbAfter);
    const rbMessage =
      targets.length === 0
        ? 'no rollback plan was recorded for this job'
        : status === 'succeeded'
          ? `restored ${targets.map((t) => `${t.name} ${t.version ?? '(removed)'}`).join(', ')}`
          : (rb.message ?? rb.packages.find((p) => !p.ok)?.message ?? 'the rollback did not restore every package');
    next.safety = {
      ...report,
      after,
      broken,
      autoRollback: {
        status,
        ...(status !== 'succeeded' ? { errorCode: targets.length === 0 ? 'E_ROLLBACK_UNSUPPORTED' : (rb.errorCode ?? 'E_PKG_FAILED') } : {}),
        message: rbMessage.slice(0, LIMITS.message),
        after: rbAfter,
      },
    };
    messages.push(
      `automatic rollback ${status}: ${rbMessage}`,
      stillBroken.length ? `still failing after the rollback: ${describe(rbAfter, stillBroken)}` : 'the probes pass again after the rollback',
    );
    packages = packages.map((p) => {
      const restored = rb.packages.find((r) => r.manager === p.manager && r.name === p.name);
      return restored ? { ...p, after: restored.after, message: `rolled back to ${restored.after ?? '(removed)'} after health probe(s) broke: ${broken.join(', ')}` } : p;
    });
    outputTail = [result.outputTail, rb.outputTail].filter(Boolean).join('\n').slice(-LIMITS.outputTail);
  }
  return {
    ...next,
    status: 'failed',
    errorCode: 'E_HEALTH_CHECK_FAILED',
    message: messages.filter(Boolean).join('; ').slice(0, LIMITS.message),
    packages,
    outputTail,
  };
}
