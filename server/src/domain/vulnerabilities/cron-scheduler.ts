import cron from 'node-cron';

/** Runs tasks on cron expressions (UTC). Injected so tests can run a job when they choose. */
export interface CronScheduler {
  schedule(expression: string, task: () => Promise<void>): { stop(): void };
}

/** node-cron, UTC, never overlapping a run still going. */
export const nodeCronScheduler: CronScheduler = {
  schedule(expression, task) {
    if (!cron.validate(expression)) throw new Error(`"${expression}" is not a valid cron expression`);
    const t = cron.schedule(expression, task, { timezone: 'UTC', noOverlap: true });
    return { stop: () => void t.destroy() };
  },
};
