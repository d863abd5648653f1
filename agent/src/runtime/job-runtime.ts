import type { Job, ServerMessage } from '@patchwave/shared';
import type { Logger } from 'pino';
import type { AgentConnection } from '../connection/agent-connection.js';
import type { Clock } from '../connection/clock.js';
import type { CommandRunner } from '../exec/command-runner.js';
import type { JobVerifier } from '../jobs/admission.js';
import { readBootId } from '../jobs/boot-id.js';
import { JobExecutor, type JobExecutorDeps } from '../jobs/job-executor.js';
import { JobStore } from '../jobs/job-store.js';
import { CommandRebooter } from '../jobs/rebooter.js';
import type { PackageManager } from '../pkg/package-manager.js';
import { loadScenario } from '../pkg/simulated/scenario.js';
import { SimulatedRebooter, simulatedBootId } from '../pkg/simulated/rebooter.js';
import { systemSafetyRuntime } from '../safety/safety-runtime.js';

export interface JobRuntimeDeps {
  stateDir: string;
  deviceId: string;
  managers: readonly PackageManager[];
  connection: AgentConnection;
  clock: Clock;
  log: Logger;
  exec: CommandRunner;
  /** `--simulate <scenario>`: simulated reboots (a new boot id, then `onSimulatedReboot`), never the host's. */
  simulateScenario?: string | undefined;
  onSimulatedReboot: (reason: string) => void;
  /** Checks job signatures (the trust work's Ed25519 verifier); without one, jobs are not verified. */
  verifier?: JobVerifier | undefined;
  /** Told of every refused offer (the trust work reports it as a security event). */
  onRefused?: JobExecutorDeps['onRefused'];
}

export interface JobRuntime {
  executor: JobExecutor;
  store: JobStore;
  /**
   * Stops taking frames. With `waitForJob` (a simulated reboot) the job in progress finishes and
   * the journal is closed; without (a stop signal) nothing new starts and the journal stays as it
   * is — a job cut short is reported `interrupted` at the next start.
   */
  close(options: { waitForJob: boolean }): Promise<void>;
}

/** The job as it was on the wire (the signature covers exactly those bytes' keys). */
function rawJob(text: string): Readonly<Record<string, unknown>> | undefined {
  try {
    const frame = JSON.parse(text) as { payload?: { job?: unknown } };
    const job = frame.payload?.job;
    return job && typeof job === 'object' ? (job as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Job execution wired to the connection (agent/src/jobs/README.md): the journal-backed store and
 * executor are started (recovering after a crash or reboot) before the connection is; every
 * welcome re-sends the outbox; job.offer / job.cancel / acks go to the executor; results are
 * re-inventoried through the connection's normal inventory report.
 */
export async function startJobRuntime(deps: JobRuntimeDeps): Promise<JobRuntime> {
  const { log, connection } = deps;
  const store = JobStore.open(deps.stateDir, { log });
  const scenario = deps.simulateScenario ? loadScenario(deps.simulateScenario) : null;
  const executor = new JobExecutor({
    deviceId: deps.deviceId,
    store,
    managers: deps.managers,
    clock: deps.clock,
    log,
    reinventory: () => connection.reinventory(),
    rebooter: scenario ? new SimulatedRebooter(deps.stateDir, scenario, deps.onSimulatedReboot) : new CommandRebooter(deps.exec),
    bootId: scenario ? simulatedBootId(deps.stateDir, scenario) : readBootId,
    send: (frame) => {
      connection.sendFrame(frame);
    },
    safety: systemSafetyRuntime({ exec: deps.exec, log }),
    ...(deps.verifier ? { verifier: deps.verifier } : {}),
    ...(deps.onRefused ? { onRefused: deps.onRefused } : {}),
  });
  const onWelcome = () => executor.resend();
  const onFrame = (frame: ServerMessage, text: string) => {
    switch (frame.type) {
      case 'job.offer': {
        const raw = rawJob(text);
        void executor.offer(frame.payload.job as Job, raw);
        return;
      }
      case 'job.cancel':
        void executor.cancel(frame.payload.jobId, frame.payload.reason);
        return;
      case 'ack':
        executor.ack(frame.payload.of);
        return;
      default:
        return;
    }
  };
  connection.on('welcome', onWelcome);
  connection.on('frame', onFrame);
  await executor.start();
  return {
    executor,
    store,
    async close({ waitForJob }) {
      connection.off('welcome', onWelcome);
      connection.off('frame', onFrame);
      if (!waitForJob) {
        executor.stop();
        return;
      }
      await executor.idle();
      executor.stop();
      store.close();
    },
  };
}
