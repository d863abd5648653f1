import type { Job, JobResultPayload, ManagerPlan } from '@patchwave/shared';
import { agentFrame } from '@patchwave/shared';
import type { FakeAgent } from './fake-agent.js';

type Frame = Awaited<ReturnType<FakeAgent['socket']['next']>>;

/**
 * The job side of a fake agent (one enrolled with the `jobs` capability): every `job.offer` the
 * server sends is kept, and the test answers each as a real agent would — accepted, then a result
 * (succeeded or failed with the versions before and after, or a dry-run plan). Nothing runs on
 * this machine; what the device "did" is what the test says.
 */
export class JobInbox {
  readonly offers: Job[] = [];
  private readonly handled = new Set<string>();
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly agent: FakeAgent,
    readonly name: string,
  ) {
    void this.pump();
  }

  private async pump(): Promise<void> {
    for (;;) {
      const frame: Frame = await this.agent.socket.next();
      if (frame.type === 'job.offer') {
        this.offers.push(frame.payload.job);
        for (const l of [...this.listeners]) l();
      }
    }
  }

  /** An offer of this kind not answered yet, if any (marks it taken). */
  take(kind: Job['action']['kind']): Job | undefined {
    const job = this.offers.find((j) => j.action.kind === kind && !this.handled.has(j.jobId));
    if (job) this.handled.add(job.jobId);
    return job;
  }

  onOffer(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  accept(job: Job): void {
    this.agent.socket.send(agentFrame('job.accepted', { jobId: job.jobId, state: 'running' }));
  }

  private result(job: Job, fields: Partial<JobResultPayload> & Pick<JobResultPayload, 'status'>): void {
    const payload: JobResultPayload = {
      jobId: job.jobId,
      deviceId: job.deviceId,
      kind: job.action.kind,
      startedAt: new Date().toISOString(),
      finishedAt: new Date().toISOString(),
      exitCode: fields.status === 'succeeded' ? 0 : 100,
      packages: [],
      reboot: { required: false, performed: false },
      outputTail: '',
      inventoryHash: null,
      ...fields,
    };
    this.agent.socket.send(agentFrame('job.result', payload));
  }

  /** Installs every package of an apply job: before → the version asked for. */
  succeed(job: Job, before: string): void {
    if (job.action.kind !== 'apply') throw new Error(`succeed() answers apply jobs, got ${job.action.kind}`);
    this.accept(job);
    const packages = job.action.packages.map((p) => ({ manager: p.manager, name: p.name, arch: p.arch ?? 'amd64', requested: p.version, before, after: p.version ?? before, ok: true }));
    this.result(job, { status: 'succeeded', packages, rollbackPlan: packages.map((p) => ({ manager: p.manager, name: p.name, arch: p.arch, version: before })) });
  }

  /** The package manager failed: nothing changed. */
  fail(job: Job, before: string, message: string): void {
    if (job.action.kind !== 'apply') throw new Error(`fail() answers apply jobs, got ${job.action.kind}`);
    this.accept(job);
    const packages = job.action.packages.map((p) => ({ manager: p.manager, name: p.name, arch: p.arch ?? 'amd64', requested: p.version, before, after: before, ok: false, errorCode: 'E_PKG_SCRIPT_FAILED' as const, message }));
    this.result(job, { status: 'failed', errorCode: 'E_PKG_SCRIPT_FAILED', message, packages });
  }

  /** Answers a dry run with what the package manager would change. */
  plan(job: Job, plans: ManagerPlan[]): void {
    if (job.action.kind !== 'plan') throw new Error(`plan() answers plan jobs, got ${job.action.kind}`);
    this.accept(job);
    this.result(job, { status: 'succeeded', plans });
  }
}

/** The first unanswered offer of `kind` on any of the inboxes (waits for the server to send one). */
export function nextOffer(inboxes: readonly JobInbox[], kind: Job['action']['kind'], timeoutMs = 30_000): Promise<{ inbox: JobInbox; job: Job }> {
  return new Promise((resolve, reject) => {
    const offs: (() => void)[] = [];
    const finish = (value?: { inbox: JobInbox; job: Job }, error?: Error) => {
      clearTimeout(timer);
      for (const off of offs) off();
      if (value) resolve(value);
      else reject(error);
    };
    const check = () => {
      for (const inbox of inboxes) {
        const job = inbox.take(kind);
        if (job) return finish({ inbox, job });
      }
      return undefined;
    };
    const timer = setTimeout(() => finish(undefined, new Error(`no ${kind} job offered to ${inboxes.map((i) => i.name).join(', ')} within ${timeoutMs} ms`)), timeoutMs);
    for (const inbox of inboxes) offs.push(inbox.onOffer(check));
    check();
  });
}
