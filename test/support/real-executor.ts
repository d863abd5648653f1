import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Job, type AgentMessage, type JobAction, type JobResultPayload } from '@patchwave/shared';
import { SystemClock } from '../../agent/src/connection/clock.js';
import { ExecaCommandRunner } from '../../agent/src/exec/index.js';
import { JobExecutor } from '../../agent/src/jobs/job-executor.js';
import { JobStore } from '../../agent/src/jobs/job-store.js';
import { RecordingRebooter } from '../../agent/src/jobs/rebooter.js';
import { silentLogger } from '../../agent/src/log/logger.js';
import type { PackageManager } from '../../agent/src/pkg/package-manager.js';
import { systemSafetyRuntime } from '../../agent/src/safety/safety-runtime.js';

/**
 * The agent's real job executor on a temp state directory: real package managers, the real
 * safety runtime (probes, pre-flight), the system clock, a journal on disk. Only the reboot is
 * recorded instead of performed, and results are collected instead of sent to a server.
 */
export function realExecutor(managers: PackageManager[]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'patchwave-exec-'));
  const log = silentLogger();
  const store = JobStore.open(dir, { log });
  const sent: AgentMessage[] = [];
  let inventories = 0;
  const executor = new JobExecutor({
    deviceId: 'dev-real',
    store,
    managers,
    reinventory: async () => {
      inventories++;
      return null;
    },
    rebooter: new RecordingRebooter(),
    bootId: async () => 'boot-real',
    clock: new SystemClock(),
    log,
    send: (f) => sent.push(f),
    safety: systemSafetyRuntime({ exec: new ExecaCommandRunner(), log, facts: { lockWaitMs: 0 } }),
  });
  let n = 0;
  /** Builds a job the way the agent receives one: parsed by the shared schema (defaults applied). */
  const job = (action: JobAction | Record<string, unknown>) =>
    Job.parse({
      jobId: `real-${process.pid}-${++n}`,
      deviceId: 'dev-real',
      action,
      issuedAt: new Date().toISOString(),
      notBefore: new Date(Date.now() - 60_000).toISOString(),
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
  const run = async (action: JobAction | Record<string, unknown>): Promise<JobResultPayload> => {
    const j = job(action);
    await executor.offer(j);
    const frame = sent.filter((f): f is Extract<AgentMessage, { type: 'job.result' }> => f.type === 'job.result').find((f) => f.payload.jobId === j.jobId);
    if (!frame) throw new Error(`no job.result for ${j.jobId}`);
    return frame.payload;
  };
  return {
    dir,
    executor,
    sent,
    run,
    inventories: () => inventories,
    close() {
      executor.stop();
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
