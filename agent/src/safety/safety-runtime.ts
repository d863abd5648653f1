import type { Logger } from 'pino';
import type { CommandRunner } from '../exec/command-runner.js';
import { nodeFactSources, type FactSources } from './preflight-facts.js';
import { systemProcesses, type ProcessLister } from './probe-process.js';
import type { ProbeDeps } from './probes.js';

/** What the executor needs to run safety checks: the probes' and the pre-flight's sources. */
export interface SafetyRuntime {
  probes: ProbeDeps;
  facts: FactSources;
  sleep: (ms: number) => Promise<void>;
}

export interface SafetyRuntimeOptions {
  exec: CommandRunner;
  log: Logger;
  platform?: NodeJS.Platform;
  processes?: ProcessLister;
  facts?: Partial<FactSources>;
}

/** The real sources: the command runner, systeminformation, statfs, wall-clock waits. */
export function systemSafetyRuntime(opts: SafetyRuntimeOptions): SafetyRuntime {
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  return {
    probes: {
      exec: opts.exec,
      platform: opts.platform ?? process.platform,
      processes: opts.processes ?? systemProcesses,
      now: () => performance.now(),
      log: opts.log,
    },
    facts: nodeFactSources({ sleep, ...opts.facts }),
    sleep,
  };
}
