import { LIMITS, type HealthProbe, type ProbeOutcome } from '@patchwave/shared';
import type { Logger } from 'pino';
import type { CommandRunner } from '../exec/command-runner.js';
import { probeHttp, probeTcp } from './probe-net.js';
import { probeProcess, type ProcessLister } from './probe-process.js';
import { probeService } from './probe-service.js';

export interface ProbeDeps {
  exec: CommandRunner;
  platform: NodeJS.Platform;
  processes: ProcessLister;
  /** Monotonic milliseconds, for the `ms` of each outcome. */
  now: () => number;
  log: Logger;
}

/** Settles with `fallback` once `ms` have passed, whatever the probe does (a hung child, a slow list). */
function bounded<T>(work: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}

async function runOne(probe: HealthProbe, deps: ProbeDeps): Promise<{ ok: boolean; detail: string }> {
  switch (probe.kind) {
    case 'service':
      return probeService(deps.exec, deps.platform, probe.service, probe.timeoutMs);
    case 'tcp':
      return probeTcp(probe.host, probe.port, probe.timeoutMs);
    case 'http':
      return probeHttp(probe.url, probe.expectStatus, probe.timeoutMs);
    case 'process':
      return probeProcess(deps.processes, probe.process, deps.platform);
  }
}

/** Runs one probe, never longer than its timeout, never throwing: a probe that cannot run fails. */
export async function runProbe(probe: HealthProbe, deps: ProbeDeps): Promise<ProbeOutcome> {
  const started = deps.now();
  const timedOut = { ok: false, detail: `timed out after ${probe.timeoutMs} ms` };
  const work = runOne(probe, deps).catch((err: unknown) => ({ ok: false, detail: `could not probe: ${(err as Error).message}` }));
  const res = await bounded(work, probe.timeoutMs + 50, timedOut);
  const outcome: ProbeOutcome = { name: probe.name, kind: probe.kind, ok: res.ok, detail: res.detail.slice(0, LIMITS.shortText), ms: Math.max(0, deps.now() - started) };
  deps.log.info({ probe: probe.name, kind: probe.kind, ok: outcome.ok, detail: outcome.detail, ms: outcome.ms }, 'health probe ran');
  return outcome;
}

/**
 * Runs every probe (concurrently: each is bounded by its own timeout) and keeps their order. The
 * process list is read once per run, however many process probes there are.
 */
export function runProbes(probes: readonly HealthProbe[], deps: ProbeDeps): Promise<ProbeOutcome[]> {
  let list: Promise<string[]> | undefined;
  const shared: ProbeDeps = { ...deps, processes: () => (list ??= deps.processes()) };
  return Promise.all(probes.map((p) => runProbe(p, shared)));
}

/** Names of probes that passed before and fail after. A probe failing both times is not the patch's doing. */
export function brokenProbes(before: readonly ProbeOutcome[], after: readonly ProbeOutcome[]): string[] {
  return after.filter((a) => !a.ok && before.some((b) => b.name === a.name && b.ok)).map((a) => a.name);
}

/**
 * Re-runs the probes that passed before and fail now, every `intervalMs`, until they pass or
 * `graceMs` has elapsed (a service restarted by its package may need a moment to listen again).
 * Returns the last outcome of every probe.
 */
export async function settleProbes(
  probes: readonly HealthProbe[],
  before: readonly ProbeOutcome[],
  deps: ProbeDeps & { sleep: (ms: number) => Promise<void> },
  graceMs: number,
  intervalMs = 1_000,
): Promise<ProbeOutcome[]> {
  let outcomes = await runProbes(probes, deps);
  const deadline = deps.now() + graceMs;
  while (brokenProbes(before, outcomes).length > 0 && deps.now() + intervalMs <= deadline) {
    await deps.sleep(intervalMs);
    const retry = new Set(brokenProbes(before, outcomes));
    const again = await runProbes(probes.filter((p) => retry.has(p.name)), deps);
    outcomes = outcomes.map((o) => again.find((a) => a.name === o.name) ?? o);
  }
  return outcomes;
}
