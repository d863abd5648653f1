import { randomUUID } from 'node:crypto';
import {
  parseDeploymentSpec,
  PatchwaveError,
  type ApproveDeploymentRequest,
  type GateName,
  type ResumeDeploymentRequest,
  type SkipGatesRequest,
  type SpecIssue,
} from '@patchwave/shared';
import { explicitHoldRefusal, safetyResolver } from '../group-safety/index.js';
import { changeDeployment, deploymentTarget, identityOf, latestPerDevice, loadDeployment, publishWave, setWave, type DeploymentDeps, type Operator } from './context.js';
import { deploymentMachine } from './deployment-machine.js';
import type { DeploymentStarter } from './deployment-start.js';
import { targetPackageCatalog } from './inventory-view.js';
import type { JobOffers } from './job-offers.js';
import { closeJob } from './job-close.js';
import type { DeploymentRecord, NewDeviceJob } from './ports.js';
import type { SerialQueue } from './serial-queue.js';
import { checkDeploymentSpec } from './spec-check.js';
import { describeTargets, resolveTargets } from './targets.js';
import { IllegalTransitionError } from './transition-table.js';

function invalid(issues: SpecIssue[]): PatchwaveError {
  return new PatchwaveError('E_VALIDATION', issues.map((i) => `${i.path}: ${i.message}`).join('; '), { details: { issues } });
}

const FAILED_STATES = new Set(['failed', 'timed_out', 'interrupted']);

/**
 * Operator actions on deployments. Each one is checked against the state machine, runs in one
 * transaction with its audit entry (actor and reason), and pokes the loop so that its effect
 * (offers, gate evaluation) follows at once.
 */
export class DeploymentCommands {
  constructor(
    private readonly deps: DeploymentDeps,
    private readonly serial: SerialQueue,
    private readonly starter: DeploymentStarter,
    private readonly offers: JobOffers,
    private readonly poke: () => void,
  ) {}

  /**
   * Validates and stores a new deployment. Nothing is persisted when the spec is malformed, names
   * a saved query, selects no enrolled device, has a bad cron expression or names a package no
   * target device knows. It then waits for approval, or is scheduled when none is required.
   * A named package that a target's group holds is refused (E_PKG_HELD) unless `heldPackages` is
   * `leave-out` — for callers that compiled the package list themselves (a policy run): each
   * device's job then simply leaves the held package out.
   */
  create(input: unknown, op: Operator, options: { heldPackages?: 'refuse' | 'leave-out' } = {}): Promise<DeploymentRecord> {
    return this.serial.run(async () => {
      const parsed = parseDeploymentSpec(input);
      if (!parsed.ok) throw invalid(parsed.issues);
      const spec = parsed.spec;
      if (spec.targets.queryId) {
        throw invalid([{ path: 'targets.queryId', message: 'saved device queries are not available on this server; select devices by tags, groups, os or deviceIds' }]);
      }
      const devices = await resolveTargets(this.deps.store.devices, spec.targets);
      const issues: SpecIssue[] = [];
      const known = new Set(devices.map((d) => d.id));
      spec.targets.deviceIds.forEach((id, i) => {
        if (!known.has(id)) issues.push({ path: `targets.deviceIds.${i}`, message: `no enrolled device ${id} (or it is excluded)` });
      });
      if (devices.length === 0) issues.push({ path: 'targets', message: `no targets: no enrolled device matches (${describeTargets(spec.targets)})` });
      const catalog =
        spec.what.kind === 'packages' && devices.length > 0
          ? await targetPackageCatalog(this.deps.store.inventory, [...known], spec.what.packages)
          : undefined;
      issues.push(...checkDeploymentSpec(spec, catalog));
      if (issues.length) throw invalid(issues);
      // A package named explicitly that a target's group holds is refused before anything is stored.
      if (options.heldPackages !== 'leave-out') {
        const safetyOf = await safetyResolver(this.deps.store);
        const held = explicitHoldRefusal(spec.what, devices.map((x) => ({ deviceId: x.id, holds: safetyOf(x.tags).holds })));
        if (held) throw held;
      }
      const now = this.deps.clock.now();
      const id = randomUUID();
      const event = spec.approval.required ? 'submit' : 'schedule';
      const state = deploymentMachine.next('draft', event);
      const created = await this.deps.store.transaction(async (tx) => {
        const draft = await tx.deployments.insert({ id, name: spec.name, spec, createdBy: op.actor, creatorIdentity: identityOf(op), createdAt: now, changeRecord: spec.approval.changeRecord ?? null });
        const moved = await tx.deployments.update(id, draft.revision, { state, updatedAt: now });
        if (!moved) throw new PatchwaveError('E_CONFLICT', `deployment ${id} changed while it was created`);
        await this.deps.audit.record(tx.audit, {
          actor: op.actor,
          action: 'deployment.create',
          target: deploymentTarget(id),
          details: {
            name: spec.name,
            state,
            what: spec.what,
            targets: describeTargets(spec.targets),
            matchingDevices: devices.length,
            waves: spec.waves.map((w) => ({ name: w.name, select: w.select, gates: w.gates })),
            approvalRequired: spec.approval.required,
            ...(spec.approval.changeRecord ? { changeRecord: spec.approval.changeRecord } : {}),
            rebootPolicy: spec.rebootPolicy,
          },
        });
        return moved;
      });
      this.deps.events.publish({ type: 'deployment.updated', at: now.toISOString(), deploymentId: id, state: created.state, currentWave: null, action: 'deployment.create', actor: op.actor });
      this.poke();
      return created;
    });
  }

  /** Approves a deployment awaiting approval; its author cannot. */
  approve(id: string, req: ApproveDeploymentRequest, op: Operator): Promise<DeploymentRecord> {
    return this.serial.run(async () => {
      const d = await loadDeployment(this.deps.store, id);
      if (!deploymentMachine.can(d.state, 'approve')) {
        throw new IllegalTransitionError('deployment', d.state, 'approve', deploymentMachine.allowed(d.state), d.approvedBy ? `approved by ${d.approvedBy}` : undefined);
      }
      if (identityOf(op) === d.creatorIdentity || op.actor === d.createdBy) {
        throw new PatchwaveError('E_FORBIDDEN', `an approver cannot approve their own deployment (${d.createdBy} created it); ask another approver`);
      }
      const now = this.deps.clock.now();
      const changeRecord = req.changeRecord ?? d.changeRecord;
      const plans = await this.deps.store.deviceJobs.list(id, { kind: 'plan' });
      const approved = await changeDeployment(
        this.deps,
        d,
        'approve',
        { approvedBy: op.actor, approvedAt: now, approvalComment: req.comment ?? null, changeRecord: changeRecord ?? null },
        {
          actor: op.actor,
          action: 'deployment.approve',
          reason: req.comment,
          details: { ...(changeRecord ? { changeRecord } : {}), author: d.createdBy, dryRunDevices: latestPerDevice(plans).length, dryRunReady: latestPerDevice(plans).filter((p) => p.state === 'succeeded').length },
        },
      );
      this.poke();
      return approved;
    });
  }

  /** Starts a scheduled deployment now (one with a start time in the future starts by itself then). */
  start(id: string, op: Operator, reason?: string): Promise<DeploymentRecord> {
    return this.serial.run(async () => {
      const d = await loadDeployment(this.deps.store, id);
      if (d.state === 'awaiting_approval') {
        throw new IllegalTransitionError('deployment', d.state, 'start', deploymentMachine.allowed(d.state), 'it needs an approval first');
      }
      const startAt = d.spec.schedule.startAt ? new Date(d.spec.schedule.startAt) : null;
      if (d.state === 'scheduled' && startAt && startAt > this.deps.clock.now()) {
        throw new PatchwaveError('E_CONFLICT', `deployment is scheduled to start at ${startAt.toISOString()}; it starts by itself then`);
      }
      const started = await this.starter.start(d, { actor: op.actor, action: 'deployment.start', reason: reason ?? 'started by an operator' });
      this.poke();
      return started;
    });
  }

  pause(id: string, reason: string, op: Operator): Promise<DeploymentRecord> {
    return this.serial.run(async () => {
      const d = await loadDeployment(this.deps.store, id);
      const paused = await changeDeployment(this.deps, d, 'pause', {}, { actor: op.actor, action: 'deployment.pause', reason });
      return paused;
    });
  }

  /** Resumes a paused or halted deployment; after a halt, by default the current wave's failed devices get a new job. */
  resume(id: string, req: ResumeDeploymentRequest, op: Operator): Promise<DeploymentRecord> {
    return this.serial.run(async () => {
      const d = await loadDeployment(this.deps.store, id);
      const wave = d.currentWave;
      const now = this.deps.clock.now();
      const retries: NewDeviceJob[] = [];
      if (d.state === 'halted' && req.retryFailed && wave !== null) {
        const latest = latestPerDevice(await this.deps.store.deviceJobs.list(id, { wave, kind: 'apply' }));
        for (const j of latest.filter((x) => FAILED_STATES.has(x.state))) {
          // Strictly newer than the job it retries, so that it is the device's latest even within one millisecond.
          const createdAt = new Date(Math.max(now.getTime(), j.createdAt.getTime() + 1));
          retries.push({ jobId: randomUUID(), deploymentId: id, deviceId: j.deviceId, wave, kind: 'apply', createdAt });
        }
      }
      const resumed = await changeDeployment(
        this.deps,
        d,
        'resume',
        { haltReason: null },
        { actor: op.actor, action: 'deployment.resume', reason: req.reason, details: { retried: retries.map((r) => r.deviceId), ...(d.haltReason ? { haltReason: d.haltReason } : {}) } },
        async (tx) => {
          if (wave !== null) await setWave(tx, id, wave, 'running', now, { lastOutcome: null });
          await tx.deviceJobs.insertMany(retries);
        },
      );
      await this.publishWaves(id, wave);
      this.poke();
      return resumed;
    });
  }

  /** Aborts: nothing new starts; pending jobs are skipped, offered ones withdrawn; running ones finish and report. */
  abort(id: string, reason: string, op: Operator): Promise<DeploymentRecord> {
    return this.serial.run(async () => {
      const d = await loadDeployment(this.deps.store, id);
      const now = this.deps.clock.now();
      const aborted = await changeDeployment(this.deps, d, 'abort', { finishedAt: now }, { actor: op.actor, action: 'deployment.abort', reason }, async (tx) => {
        for (const w of await tx.waves.list(id)) if (w.state !== 'passed') await setWave(tx, id, w.index, 'aborted', now);
      });
      await this.publishWaves(id, null);
      for (const job of await this.deps.store.deviceJobs.list(id, { states: ['pending', 'offered', 'accepted'] })) {
        if (job.state === 'pending') {
          await closeJob(this.deps, job, 'skip', { message: `deployment aborted: ${reason}`, actor: op.actor, action: 'deployment.job.skip' });
        } else if (job.kind !== 'rollback') {
          this.offers.cancel(job, `deployment aborted: ${reason}`);
        }
      }
      return aborted;
    });
  }

  /** Waives gates of the current wave: a halted deployment runs again; a running one is judged without them. */
  skipGates(id: string, req: SkipGatesRequest, op: Operator): Promise<DeploymentRecord> {
    return this.serial.run(async () => {
      const d = await loadDeployment(this.deps.store, id);
      if (d.currentWave === null || req.wave !== d.currentWave) {
        throw new PatchwaveError('E_CONFLICT', d.currentWave === null ? `deployment is ${d.state}: it has no current wave` : `wave ${req.wave} is not the current wave (${d.currentWave})`);
      }
      const wave = await this.deps.store.waves.get(id, req.wave);
      const skipped = [...new Set<GateName>([...(wave?.skippedGates ?? []), ...req.gates])];
      const now = this.deps.clock.now();
      let result: DeploymentRecord;
      if (d.state === 'halted') {
        result = await changeDeployment(this.deps, d, 'skip_gates', { haltReason: null }, { actor: op.actor, action: 'deployment.skip-gate', reason: req.reason, details: { wave: req.wave, gates: req.gates, haltReason: d.haltReason } }, (tx) =>
          setWave(tx, id, req.wave, 'running', now, { skippedGates: skipped, lastOutcome: null }),
        );
      } else if (d.state === 'running' || d.state === 'paused') {
        result = await this.deps.store.transaction(async (tx) => {
          await tx.waves.update(id, req.wave, { skippedGates: skipped, lastOutcome: null });
          await this.deps.audit.record(tx.audit, { actor: op.actor, action: 'deployment.skip-gate', target: deploymentTarget(id), details: { wave: req.wave, gates: req.gates, reason: req.reason, state: d.state } });
          return d;
        });
      } else {
        throw new IllegalTransitionError('deployment', d.state, 'skip_gates', deploymentMachine.allowed(d.state));
      }
      await this.publishWaves(id, req.wave);
      this.poke();
      return result;
    });
  }

  private async publishWaves(id: string, only: number | null): Promise<void> {
    for (const w of await this.deps.store.waves.list(id)) if (only === null || w.index === only) publishWave(this.deps, w);
  }
}
