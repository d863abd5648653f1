import type { DeviceJobState, GateName, WaveGates } from '@patchwave/shared';

/** What the gates need to know about one device of the wave. */
export interface WaveDeviceStatus {
  deviceId: string;
  state: DeviceJobState;
  /** When its result arrived (or it timed out). */
  finishedAt: Date | null;
  /** When it rebooted (or is scheduled to) for this job; null when it did not. */
  rebootedAt: Date | null;
  /** Its first check-in after that reboot. */
  checkedInAt: Date | null;
  /** The result's error code: `E_HEALTH_CHECK_FAILED` failures are named as health failures. */
  errorCode?: string | null;
}

export type GateStatus = 'pass' | 'wait' | 'breach' | 'skipped' | 'off';

export interface GateCheckResult {
  gate: GateName;
  status: GateStatus;
  detail: string;
  /** For `wait`: when the check can change on its own (null: it waits for results). */
  until?: Date | null;
}

export type GateOutcome =
  | { verdict: 'pass'; reason: string; checks: GateCheckResult[] }
  | { verdict: 'wait'; reason: string; until: Date | null; checks: GateCheckResult[] }
  | { verdict: 'breach'; reason: string; checks: GateCheckResult[] };

const OPEN: ReadonlySet<DeviceJobState> = new Set(['pending', 'offered', 'accepted', 'running']);
const FAILURES: ReadonlySet<DeviceJobState> = new Set(['failed', 'timed_out', 'interrupted']);
/** States that carry a result from the device (a time-out does not). */
const RESULTS: ReadonlySet<DeviceJobState> = new Set(['succeeded', 'failed', 'interrupted']);

interface Tally {
  total: number;
  open: number;
  succeeded: number;
  failed: number;
  timedOut: number;
  interrupted: number;
  failures: number;
  /** Failed because a health probe that passed before broke after applying. */
  health: number;
  results: number;
  finished: number;
  lastFinishedAt: Date | null;
}

function tally(devices: readonly WaveDeviceStatus[]): Tally {
  const count = (s: DeviceJobState) => devices.filter((d) => d.state === s).length;
  const finished = devices.filter((d) => d.state === 'succeeded' || FAILURES.has(d.state));
  const last = finished.reduce<number | null>((m, d) => (d.finishedAt && (m === null || d.finishedAt.getTime() > m) ? d.finishedAt.getTime() : m), null);
  return {
    total: devices.length,
    open: devices.filter((d) => OPEN.has(d.state)).length,
    succeeded: count('succeeded'),
    failed: count('failed'),
    timedOut: count('timed_out'),
    interrupted: count('interrupted'),
    failures: devices.filter((d) => FAILURES.has(d.state)).length,
    health: devices.filter((d) => d.state === 'failed' && d.errorCode === 'E_HEALTH_CHECK_FAILED').length,
    results: devices.filter((d) => RESULTS.has(d.state)).length,
    finished: finished.length,
    lastFinishedAt: last === null ? null : new Date(last),
  };
}

const pct = (x: number) => `${Math.round(x * 10) / 10}%`;
/** `30 min`, `1.5 min`, `45 s`: short soaks (seconds) read as seconds. */
const span = (minutes: number) => (minutes < 1 ? `${Math.round(minutes * 60)} s` : `${Math.round(minutes * 10) / 10} min`);
/** Time left, rounded up: `29 min`, `12 s`. */
const left = (ms: number) => (ms < 60_000 ? `${Math.ceil(ms / 1000)} s` : `${Math.ceil(ms / 60_000)} min`);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function failureBreakdown(t: Tally): string {
  const parts = [
    t.failed ? `${t.failed} failed${t.health ? ` (${t.health === t.failed ? 'health' : `${t.health} health`})` : ''}` : '',
    t.timedOut ? `${t.timedOut} timed out` : '',
    t.interrupted ? `${t.interrupted} interrupted` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'none';
}

function completion(t: Tally): GateCheckResult {
  return t.open > 0
    ? { gate: 'completion', status: 'wait', detail: `${plural(t.open, 'device')} of ${t.total} still without an outcome`, until: null }
    : { gate: 'completion', status: 'pass', detail: `all ${t.total} devices have an outcome` };
}

function minSample(n: number, t: Tally): GateCheckResult {
  if (t.results >= n) return { gate: 'minSample', status: 'pass', detail: `${t.results} results, at least ${n} needed` };
  if (t.results + t.open < n) {
    return {
      gate: 'minSample',
      status: 'breach',
      detail: `only ${t.results + t.open} of the ${n} results the minimum sample needs can still arrive (${t.results} results, ${t.open} open, ${t.total} devices in the wave)`,
    };
  }
  return { gate: 'minSample', status: 'wait', detail: `${t.results} of ${n} required results`, until: null };
}

function successRate(min: number, t: Tally): GateCheckResult {
  const best = t.finished + t.open === 0 ? 100 : ((t.succeeded + t.open) / (t.finished + t.open)) * 100;
  if (best < min) {
    return {
      gate: 'successRate',
      status: 'breach',
      detail:
        t.open > 0
          ? `success rate can no longer reach ${pct(min)}: ${t.succeeded} of ${t.finished} finished devices succeeded (${failureBreakdown(t)}), at best ${pct(best)} with ${t.open} open`
          : `success rate ${pct(best)} (${t.succeeded} of ${t.finished} succeeded; ${failureBreakdown(t)}) is below ${pct(min)}`,
    };
  }
  if (t.open > 0) {
    const sofar = t.finished ? pct((t.succeeded / t.finished) * 100) : 'n/a';
    return { gate: 'successRate', status: 'wait', detail: `${sofar} so far (${t.succeeded} of ${t.finished}), ${t.open} open; ${pct(min)} needed`, until: null };
  }
  return { gate: 'successRate', status: 'pass', detail: `success rate ${pct(best)} (${t.succeeded} of ${t.finished}), ${pct(min)} needed` };
}

function failureBudget(max: number, t: Tally): GateCheckResult {
  return t.failures > max
    ? { gate: 'failureBudget', status: 'breach', detail: `${plural(t.failures, 'failure')} (${failureBreakdown(t)}) exceed the failure budget of ${max}` }
    : { gate: 'failureBudget', status: 'pass', detail: `${plural(t.failures, 'failure')}, budget ${max}` };
}

function soak(minutes: number, t: Tally, now: Date): GateCheckResult {
  if (t.open > 0) return { gate: 'soak', status: 'wait', detail: `soak of ${span(minutes)} starts after the last result`, until: null };
  if (!t.lastFinishedAt) return { gate: 'soak', status: 'pass', detail: 'no results to soak' };
  const until = new Date(t.lastFinishedAt.getTime() + minutes * 60_000);
  if (now < until) {
    return { gate: 'soak', status: 'wait', detail: `soaking ${span(minutes)} after the last result (${left(until.getTime() - now.getTime())} left)`, until };
  }
  return { gate: 'soak', status: 'pass', detail: `soaked ${span(minutes)} after the last result` };
}

function health(minutes: number, devices: readonly WaveDeviceStatus[], now: Date): GateCheckResult {
  const rebooted = devices.filter((d): d is WaveDeviceStatus & { rebootedAt: Date } => d.rebootedAt !== null);
  if (rebooted.length === 0) return { gate: 'health', status: 'pass', detail: 'no device rebooted' };
  const late: string[] = [];
  let waitUntil: Date | null = null;
  let waiting = 0;
  for (const d of rebooted) {
    const due = new Date(d.rebootedAt.getTime() + minutes * 60_000);
    if (d.checkedInAt) {
      if (d.checkedInAt > due) late.push(d.deviceId);
    } else if (now >= due) {
      late.push(d.deviceId);
    } else {
      waiting++;
      if (!waitUntil || due > waitUntil) waitUntil = due;
    }
  }
  if (late.length) {
    const shown = late.slice(0, 10).join(', ') + (late.length > 10 ? `, … (${late.length - 10} more)` : '');
    return {
      gate: 'health',
      status: 'breach',
      detail: `${plural(late.length, 'device')} of ${rebooted.length} rebooted did not check in within ${span(minutes)}: ${shown}`,
    };
  }
  if (waiting) {
    return { gate: 'health', status: 'wait', detail: `${waiting} of ${rebooted.length} rebooted devices not checked in yet (${span(minutes)} allowed)`, until: waitUntil };
  }
  return { gate: 'health', status: 'pass', detail: `all ${rebooted.length} rebooted devices checked in within ${span(minutes)}` };
}

/**
 * Evaluates a wave's gates at `now`. Pure: the same inputs give the same outcome.
 * - breach wins over wait, wait over pass; a breach reason carries the numbers behind it;
 * - failure budget and success rate breach early, as soon as the outcome is certain;
 * - wait `until` is the latest time a timed check (soak, health) can change on its own, or null
 *   when the wave waits for results;
 * - `skip` lists gates an operator waived; they report `skipped`. Waiving `completion` lets the
 *   wave pass on the devices that have an outcome (stragglers finish in the background).
 * Failures are `failed`, `timed_out` and `interrupted`; `skipped` and `rolled_back` devices count
 * for nothing.
 */
export function evaluateGates(
  gates: WaveGates,
  devices: readonly WaveDeviceStatus[],
  now: Date,
  skip: readonly GateName[] = [],
): GateOutcome {
  // With completion waived, the other gates judge the devices that have an outcome.
  const considered = skip.includes('completion') ? devices.filter((d) => !OPEN.has(d.state)) : devices;
  const t = tally(considered);
  const off = (gate: GateName): GateCheckResult => ({ gate, status: 'off', detail: 'not configured' });
  const all: GateCheckResult[] = [
    completion(tally(devices)),
    gates.minSample !== undefined ? minSample(gates.minSample, t) : off('minSample'),
    gates.minSuccessRate !== undefined ? successRate(gates.minSuccessRate, t) : off('successRate'),
    gates.maxFailures !== undefined ? failureBudget(gates.maxFailures, t) : off('failureBudget'),
    gates.soakMinutes !== undefined ? soak(gates.soakMinutes, t, now) : off('soak'),
    gates.healthCheckMinutes !== undefined ? health(gates.healthCheckMinutes, considered, now) : off('health'),
  ];
  const checks = all.map((c): GateCheckResult => (skip.includes(c.gate) ? { gate: c.gate, status: 'skipped', detail: `skipped by an operator (${c.detail})` } : c));
  const breaches = checks.filter((c) => c.status === 'breach');
  if (breaches.length) return { verdict: 'breach', reason: breaches.map((c) => `${c.gate}: ${c.detail}`).join('; '), checks };
  const waits = checks.filter((c) => c.status === 'wait');
  if (waits.length) {
    const untimed = waits.some((c) => !c.until);
    const until = untimed ? null : new Date(Math.max(...waits.map((c) => (c.until as Date).getTime())));
    return { verdict: 'wait', reason: waits.map((c) => `${c.gate}: ${c.detail}`).join('; '), until, checks };
  }
  return { verdict: 'pass', reason: `all gates passed (${t.succeeded} of ${t.total} succeeded)`, checks };
}
