import path from 'node:path';
import type { AgentMessage, Job, JobResultPayload, ManagerName, PreviousVersion } from '@patchwave/shared';
import type { Logger } from 'pino';
import { JournalFile, type JournalDamage, type JournalIo } from './journal-file.js';
import { parseJournalRecord, type JournalRecord, type ManagerRun } from './journal-records.js';

/** A job the agent has accepted and not finished. */
export interface ActiveJob {
  job: Job;
  receivedAt: string;
  state: 'received' | 'held' | 'running';
  holdUntil?: string;
  /** When it started running. */
  startedAt?: string;
  rollbackPlan?: PreviousVersion[];
  /** Managers whose run started, in order, and the runs that returned. */
  started: ManagerName[];
  runs: ManagerRun[];
  /** Reboots this job asked for before applying (pre-flight `reboot-first`). */
  safetyReboots: number;
}

export interface RebootIntent {
  jobId: string | null;
  at: string;
  bootId: string;
  result?: JobResultPayload;
}

export interface ScheduledReboot {
  jobId: string;
  rebootAt: string;
}

export interface JobStoreOptions {
  log: Logger;
  io?: JournalIo;
  /** Compact when the file grows past this many bytes (default 1 MiB). */
  compactBytes?: number;
  /** Seen ids are kept this long after their job's expiry (default 7 days), then forgotten. */
  seenRetentionMs?: number;
}

/** The journal file inside the agent's state directory. */
export const JOURNAL_FILE = path.join('journal', 'jobs.jsonl');

/**
 * The agent's durable job state, rebuilt from the journal on open: active jobs with the steps they
 * reached, the ids of every job seen (never run twice), the outbox of frames waiting for the
 * server's ack, and reboot intents. Every mutation appends (and fsyncs) a record first.
 */
export class JobStore {
  private readonly seen = new Map<string, string>();
  private readonly jobs = new Map<string, ActiveJob>();
  private readonly queue = new Map<string, AgentMessage>();
  private intent: RebootIntent | null = null;
  private readonly scheduled = new Map<string, string>();
  private lastBootId: string | null = null;
  private readonly compactBytes: number;
  private readonly seenRetentionMs: number;

  private constructor(
    private readonly journal: JournalFile<JournalRecord>,
    readonly damage: JournalDamage | null,
    opts: JobStoreOptions,
  ) {
    this.compactBytes = opts.compactBytes ?? 1024 * 1024;
    this.seenRetentionMs = opts.seenRetentionMs ?? 7 * 86_400_000;
  }

  static open(stateDir: string, opts: JobStoreOptions): JobStore {
    const { journal, records, damage } = JournalFile.open(path.join(stateDir, JOURNAL_FILE), parseJournalRecord, {
      log: opts.log,
      ...(opts.io ? { io: opts.io } : {}),
    });
    const store = new JobStore(journal, damage, opts);
    for (const r of records) store.apply(r);
    return store;
  }

  /** Replays one record into memory (used on open and after every append). */
  private apply(r: JournalRecord): void {
    switch (r.t) {
      case 'seen':
        this.seen.set(r.jobId, r.expiresAt);
        break;
      case 'job':
        this.seen.set(r.job.jobId, r.job.expiresAt);
        this.jobs.set(r.job.jobId, { job: r.job, receivedAt: r.at, state: 'received', started: [], runs: [], safetyReboots: 0 });
        break;
      case 'state': {
        const j = this.jobs.get(r.jobId);
        if (j) {
          j.state = r.state;
          j.holdUntil = r.holdUntil;
          if (r.state === 'running') j.startedAt = r.at;
        }
        break;
      }
      case 'rollback-plan': {
        const j = this.jobs.get(r.jobId);
        if (j) j.rollbackPlan = r.packages;
        break;
      }
      case 'apply-start':
        this.jobs.get(r.jobId)?.started.push(r.manager);
        break;
      case 'apply-done':
        this.jobs.get(r.jobId)?.runs.push(r.run);
        break;
      case 'safety-reboot': {
        const j = this.jobs.get(r.jobId);
        if (j) j.safetyReboots += 1;
        break;
      }
      case 'reboot-intent':
        this.intent = { jobId: r.jobId, at: r.at, bootId: r.bootId, ...(r.result ? { result: r.result } : {}) };
        if (r.jobId) this.scheduled.delete(r.jobId);
        break;
      case 'reboot-failed':
        this.intent = null;
        break;
      case 'reboot-scheduled':
        this.scheduled.set(r.jobId, r.rebootAt);
        break;
      case 'rebooted':
        this.intent = null;
        this.lastBootId = r.bootId;
        break;
      case 'finished':
        this.jobs.delete(r.jobId);
        this.seen.set(r.jobId, r.expiresAt);
        this.queue.set(r.frame.id, r.frame);
        break;
      case 'outbox':
        this.queue.set(r.frame.id, r.frame);
        break;
      case 'acked':
        this.queue.delete(r.frameId);
        break;
    }
  }

  private write(r: JournalRecord): void {
    this.journal.append(r);
    this.apply(r);
  }

  hasSeen(jobId: string): boolean {
    return this.seen.has(jobId);
  }

  get(jobId: string): ActiveJob | undefined {
    return this.jobs.get(jobId);
  }

  /** Unfinished jobs, oldest first. */
  active(): ActiveJob[] {
    return [...this.jobs.values()].sort((a, b) => (a.receivedAt < b.receivedAt ? -1 : a.receivedAt > b.receivedAt ? 1 : 0));
  }

  receive(job: Job, at: string): void {
    this.write({ t: 'job', at, job });
  }

  setState(jobId: string, state: 'held' | 'running', at: string, holdUntil?: string): void {
    this.write({ t: 'state', jobId, at, state, ...(holdUntil ? { holdUntil } : {}) });
  }

  recordRollbackPlan(jobId: string, packages: PreviousVersion[], at: string): void {
    this.write({ t: 'rollback-plan', jobId, at, packages });
  }

  applyStarted(jobId: string, manager: ManagerName, at: string): void {
    this.write({ t: 'apply-start', jobId, at, manager });
  }

  recordSafetyReboot(jobId: string, at: string): void {
    this.write({ t: 'safety-reboot', jobId, at });
  }

  applyDone(jobId: string, run: ManagerRun, at: string): void {
    this.write({ t: 'apply-done', jobId, at, run });
  }

  /** Marks a job done and queues its result frame, in one record. */
  finish(jobId: string, expiresAt: string, frame: AgentMessage, at: string): void {
    this.write({ t: 'finished', jobId, at, expiresAt, frame });
  }

  /** Remembers a job id that was refused before it was stored (so a replay is refused too). */
  markSeen(jobId: string, expiresAt: string): void {
    this.write({ t: 'seen', jobId, expiresAt });
  }

  enqueue(frame: AgentMessage, at: string): void {
    this.write({ t: 'outbox', at, frame });
  }

  /** Removes an acked frame; false when it was not (or no longer) queued. */
  ack(frameId: string, at: string): boolean {
    if (!this.queue.has(frameId)) return false;
    this.write({ t: 'acked', at, frameId });
    return true;
  }

  /** Frames waiting for the server's ack, in the order they were queued. */
  outbox(): AgentMessage[] {
    return [...this.queue.values()];
  }

  rebootIntent(): RebootIntent | null {
    return this.intent;
  }

  recordRebootIntent(intent: RebootIntent): void {
    this.write({ t: 'reboot-intent', ...intent, ...(intent.result ? { result: intent.result } : {}) });
  }

  recordRebootFailed(message: string, at: string): void {
    this.write({ t: 'reboot-failed', at, message });
  }

  scheduleReboot(jobId: string, rebootAt: string, at: string): void {
    this.write({ t: 'reboot-scheduled', jobId, at, rebootAt });
  }

  scheduledReboots(): ScheduledReboot[] {
    return [...this.scheduled.entries()].map(([jobId, rebootAt]) => ({ jobId, rebootAt }));
  }

  recordRebooted(bootId: string, at: string): void {
    this.write({ t: 'rebooted', at, bootId });
  }

  /** Boot id of the last completed reboot check-in. */
  lastRebootBootId(): string | null {
    return this.lastBootId;
  }

  /** Bytes in the journal. */
  size(): number {
    return this.journal.size();
  }

  /** Compacts when the journal has grown past the threshold. */
  maybeCompact(now: Date): boolean {
    if (this.journal.size() < this.compactBytes) return false;
    this.compact(now);
    return true;
  }

  /**
   * Rewrites the journal with only what is still needed: seen ids (minus those whose job expired
   * longer than the retention ago: such a job is refused as expired anyway), active jobs with
   * their steps, queued frames, the reboot intent and scheduled reboots.
   */
  compact(now: Date): void {
    const at = now.toISOString();
    const cutoff = now.getTime() - this.seenRetentionMs;
    const records: JournalRecord[] = [];
    for (const [jobId, expiresAt] of this.seen) {
      if (!this.jobs.has(jobId) && Date.parse(expiresAt) >= cutoff) records.push({ t: 'seen', jobId, expiresAt });
    }
    for (const j of this.active()) {
      const id = j.job.jobId;
      records.push({ t: 'job', at: j.receivedAt, job: j.job });
      if (j.state !== 'received') {
        records.push({ t: 'state', jobId: id, at: j.startedAt ?? at, state: j.state, ...(j.holdUntil ? { holdUntil: j.holdUntil } : {}) });
      }
      if (j.rollbackPlan) records.push({ t: 'rollback-plan', jobId: id, at, packages: j.rollbackPlan });
      for (const m of j.started) records.push({ t: 'apply-start', jobId: id, at, manager: m });
      for (const run of j.runs) records.push({ t: 'apply-done', jobId: id, at, run });
      for (let i = 0; i < j.safetyReboots; i++) records.push({ t: 'safety-reboot', jobId: id, at });
    }
    for (const frame of this.queue.values()) records.push({ t: 'outbox', at, frame });
    if (this.lastBootId) records.push({ t: 'rebooted', at, bootId: this.lastBootId });
    if (this.intent) records.push({ t: 'reboot-intent', ...this.intent });
    for (const [jobId, rebootAt] of this.scheduled) records.push({ t: 'reboot-scheduled', jobId, at, rebootAt });
    this.journal.rewrite(records);
    for (const [jobId, expiresAt] of [...this.seen]) {
      if (!this.jobs.has(jobId) && Date.parse(expiresAt) < cutoff) this.seen.delete(jobId);
    }
  }

  close(): void {
    this.journal.close();
  }
}
