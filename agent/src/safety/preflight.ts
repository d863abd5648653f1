import { LIMITS, type PreflightChecks, type PreflightOutcome, type RebootState } from '@patchwave/shared';
import type { LockStatus } from '../pkg/lock-status.js';

/** What the pre-flight checks look at, gathered by ./preflight-facts.ts (or given by a test). */
export interface PreflightFacts {
  /** Free space of each file system the package managers write, in MiB (absent: could not read). */
  disks: { path: string; freeMb: number }[];
  /** Lock of each package manager that can tell, after waiting for it. */
  locks: { manager: string; status: LockStatus }[];
  /** null: the OS does not tell. */
  power: { hasBattery: boolean; acConnected: boolean } | null;
  reboot: RebootState;
}

/** go: apply; fail: E_PREFLIGHT_FAILED, nothing applied; reboot-first: reboot, then run the job again. */
export type PreflightVerdict = 'go' | 'fail' | 'reboot-first';

export interface PreflightResult {
  outcomes: PreflightOutcome[];
  verdict: PreflightVerdict;
  /** The failed checks in words, for the job's message. */
  message?: string;
}

const short = (s: string) => s.slice(0, LIMITS.shortText);

/** Pure: the checks' outcomes and the verdict, from the facts and the job's settings. */
export function evaluatePreflight(checks: PreflightChecks, facts: PreflightFacts): PreflightResult {
  const outcomes: PreflightOutcome[] = [];
  const fullest = [...facts.disks].sort((a, b) => a.freeMb - b.freeMb)[0];
  if (checks.minFreeDiskMb > 0) {
    if (!fullest) outcomes.push({ check: 'disk', ok: false, detail: 'free disk space could not be read' });
    else {
      const ok = fullest.freeMb >= checks.minFreeDiskMb;
      outcomes.push({ check: 'disk', ok, detail: short(`${fullest.freeMb} MiB free on ${fullest.path} (${ok ? 'at least' : 'below'} ${checks.minFreeDiskMb} MiB)`) });
    }
  }
  if (checks.requireLockFree) {
    const held = facts.locks.filter((l) => l.status.held);
    const detail = held.length
      ? held.map((l) => `${l.manager}: ${l.status.detail}`).join('; ')
      : facts.locks.length
        ? `free (${facts.locks.map((l) => l.manager).join(', ')})`
        : 'no package manager here can tell whether it is locked';
    outcomes.push({ check: 'lock', ok: held.length === 0, detail: short(detail) });
  }
  if (checks.requireAcPower) {
    const p = facts.power;
    const ok = !p || !p.hasBattery || p.acConnected;
    const detail = !p ? 'the OS does not report power; not checked' : !p.hasBattery ? 'no battery (mains powered)' : p.acConnected ? 'on AC power' : 'on battery';
    outcomes.push({ check: 'power', ok, detail });
  }
  let verdict: PreflightVerdict = outcomes.every((o) => o.ok) ? 'go' : 'fail';
  const pending = facts.reboot.required === true;
  const reasons = facts.reboot.reasons.length ? `: ${facts.reboot.reasons.join('; ')}` : '';
  if (checks.pendingReboot === 'ignore') {
    outcomes.push({ check: 'pending-reboot', ok: true, detail: short(pending ? `a reboot is pending (ignored by policy)${reasons}` : 'not checked (policy: ignore)') });
  } else if (pending) {
    outcomes.push({ check: 'pending-reboot', ok: false, detail: short(`a reboot is pending from an earlier change${reasons}`) });
    if (verdict === 'go') verdict = checks.pendingReboot === 'reboot-first' ? 'reboot-first' : 'fail';
  } else {
    outcomes.push({ check: 'pending-reboot', ok: true, detail: facts.reboot.required === false ? 'no reboot pending' : 'whether a reboot is pending is unknown' });
  }
  const failed = outcomes.filter((o) => !o.ok);
  return { outcomes, verdict, ...(failed.length ? { message: failed.map((o) => `${o.check}: ${o.detail}`).join('; ') } : {}) };
}
