import { randomUUID } from 'node:crypto';
import { parsePolicySpec, PatchwaveError, type PolicyIssue, type PolicyRunView, type PolicySpec, type PolicyView } from '@patchwave/shared';
import { checkCron } from '../deployments/cron.js';
import type { Operator } from '../deployments/context.js';
import type { SerialQueue } from '../deployments/serial-queue.js';
import { resolveTargets } from '../deployments/targets.js';
import { loadPolicy, policyActor, policyTarget, scopeTargets, zoneGroups, type PolicyDeps } from './policy-context.js';
import { toRunView } from './policy-views.js';
import type { PolicyRecord, PolicyRunRecord } from './ports.js';
import { nextRun } from './schedule.js';

function invalid(issues: PolicyIssue[]): PatchwaveError {
  return new PatchwaveError('E_VALIDATION', issues.map((i) => `${i.path}: ${i.message}`).join('; '), { details: { issues } });
}

/** Checks that need the server's libraries: cron syntax of a cron recurrence and of the windows. */
function checkSpec(spec: PolicySpec): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  const rec = spec.schedule.recurrence;
  if (rec.kind === 'cron') {
    const res = checkCron(rec.expression);
    if (!res.ok) issues.push({ path: 'schedule.recurrence.expression', message: res.message });
  }
  spec.windows.forEach((w, i) => {
    const res = checkCron(w.cron);
    if (!res.ok) issues.push({ path: `windows.${i}.cron`, message: res.message });
  });
  return issues;
}

function validated(input: unknown): PolicySpec {
  const parsed = parsePolicySpec(input);
  if (!parsed.ok) throw invalid(parsed.issues);
  const issues = checkSpec(parsed.spec);
  if (issues.length) throw invalid(issues);
  return parsed.spec;
}

const sameSchedule = (a: PolicySpec, b: PolicySpec) => JSON.stringify([a.schedule, a.scope]) === JSON.stringify([b.schedule, b.scope]);

/**
 * Policies as operators manage them: create and replace (validated in full, nothing stored on bad
 * input), delete, pause (its running deployments pause too, before their next wave) and resume
 * (they resume), and the views with the next run per time zone. Every change is audited.
 */
export class PolicyService {
  constructor(
    private readonly deps: PolicyDeps,
    private readonly serial: SerialQueue,
  ) {}

  create(input: unknown, op: Operator): Promise<PolicyRecord> {
    return this.serial.run(async () => {
      const spec = validated(input);
      await this.assertNameFree(spec.name, null);
      const now = this.deps.clock.now();
      const id = randomUUID();
      return this.deps.store.transaction(async (tx) => {
        const p = await tx.policies.insert({
          id,
          name: spec.name,
          spec,
          state: 'active',
          createdBy: op.actor,
          createdAt: now,
          updatedAt: now,
          scheduleSince: now,
          pausedAt: null,
          pausedBy: null,
          pauseReason: null,
          pausedDeployments: [],
        });
        await this.deps.audit.record(tx.audit, { actor: op.actor, action: 'policy.create', target: policyTarget(id), details: { name: spec.name, spec } });
        return p;
      });
    });
  }

  /** Replaces the spec. A changed schedule or scope counts from now: past occurrences do not fire. */
  replace(idOrName: string, input: unknown, op: Operator): Promise<PolicyRecord> {
    return this.serial.run(async () => {
      const p = await loadPolicy(this.deps.store, idOrName);
      const spec = validated(input);
      await this.assertNameFree(spec.name, p.id);
      const now = this.deps.clock.now();
      return this.deps.store.transaction(async (tx) => {
        const updated = await tx.policies.update(p.id, p.revision, { name: spec.name, spec, updatedAt: now, ...(sameSchedule(p.spec, spec) ? {} : { scheduleSince: now }) });
        if (!updated) throw new PatchwaveError('E_CONFLICT', `policy ${p.id} changed meanwhile; read it again and retry`);
        await this.deps.audit.record(tx.audit, { actor: op.actor, action: 'policy.update', target: policyTarget(p.id), details: { name: spec.name, before: p.spec, after: spec } });
        return updated;
      });
    });
  }

  /** Deletes the policy; its runs stay as history, its deployments are not touched. */
  delete(idOrName: string, op: Operator): Promise<void> {
    return this.serial.run(async () => {
      const p = await loadPolicy(this.deps.store, idOrName);
      await this.deps.store.transaction(async (tx) => {
        await tx.policies.delete(p.id);
        await this.deps.audit.record(tx.audit, { actor: op.actor, action: 'policy.delete', target: policyTarget(p.id), details: { name: p.name } });
      });
    });
  }

  /** Pauses the policy: no new runs, no auto-approvals, and its running deployments pause before their next wave. */
  pause(idOrName: string, reason: string, op: Operator): Promise<PolicyRecord> {
    return this.serial.run(async () => {
      const p = await loadPolicy(this.deps.store, idOrName);
      if (p.state === 'paused') throw new PatchwaveError('E_CONFLICT', `policy ${p.name} is already paused (by ${p.pausedBy ?? 'unknown'}: ${p.pauseReason ?? ''})`);
      const paused: string[] = [];
      const asPolicy: Operator = { id: p.id, name: p.name, actor: policyActor(p.id) };
      for (const run of await this.deps.store.policyRuns.withDeployments(p.id)) {
        const d = run.deploymentId ? await this.deps.store.deployments.get(run.deploymentId) : null;
        if (d?.state !== 'running') continue;
        await this.deps.deployments.commands.pause(d.id, `policy ${p.name} paused by ${op.actor}: ${reason}`, asPolicy);
        paused.push(d.id);
      }
      const now = this.deps.clock.now();
      return this.deps.store.transaction(async (tx) => {
        const updated = await tx.policies.update(p.id, p.revision, { state: 'paused', pausedAt: now, pausedBy: op.actor, pauseReason: reason, pausedDeployments: paused, updatedAt: now });
        if (!updated) throw new PatchwaveError('E_CONFLICT', `policy ${p.id} changed meanwhile; read it again and retry`);
        await this.deps.audit.record(tx.audit, { actor: op.actor, action: 'policy.pause', target: policyTarget(p.id), details: { reason, pausedDeployments: paused } });
        return updated;
      });
    });
  }

  /** Resumes the policy and the deployments its pause paused; occurrences missed while paused do not fire. */
  resume(idOrName: string, reason: string, op: Operator): Promise<PolicyRecord> {
    return this.serial.run(async () => {
      const p = await loadPolicy(this.deps.store, idOrName);
      if (p.state !== 'paused') throw new PatchwaveError('E_CONFLICT', `policy ${p.name} is not paused`);
      const resumed: string[] = [];
      const asPolicy: Operator = { id: p.id, name: p.name, actor: policyActor(p.id) };
      for (const id of p.pausedDeployments) {
        const d = await this.deps.store.deployments.get(id);
        if (d?.state !== 'paused') continue;
        await this.deps.deployments.commands.resume(id, { reason: `policy ${p.name} resumed by ${op.actor}: ${reason}`, retryFailed: false }, asPolicy);
        resumed.push(id);
      }
      const now = this.deps.clock.now();
      return this.deps.store.transaction(async (tx) => {
        const updated = await tx.policies.update(p.id, p.revision, {
          state: 'active',
          pausedAt: null,
          pausedBy: null,
          pauseReason: null,
          pausedDeployments: [],
          scheduleSince: now,
          updatedAt: now,
        });
        if (!updated) throw new PatchwaveError('E_CONFLICT', `policy ${p.id} changed meanwhile; read it again and retry`);
        await this.deps.audit.record(tx.audit, { actor: op.actor, action: 'policy.resume', target: policyTarget(p.id), details: { reason, resumedDeployments: resumed } });
        return updated;
      });
    });
  }

  async get(idOrName: string): Promise<PolicyView> {
    return this.view(await loadPolicy(this.deps.store, idOrName));
  }

  async list(): Promise<{ items: PolicyView[]; total: number }> {
    const items: PolicyView[] = [];
    for (const p of await this.deps.store.policies.list()) items.push(await this.view(p));
    return { items, total: items.length };
  }

  async runs(idOrName: string, page: { limit: number; offset: number }) {
    const p = await loadPolicy(this.deps.store, idOrName);
    const res = await this.deps.store.policyRuns.list(p.id, page);
    return { items: await Promise.all(res.items.map((r) => this.runView(r))), total: res.total };
  }

  private async view(p: PolicyRecord): Promise<PolicyView> {
    const now = this.deps.clock.now();
    const devices = await resolveTargets(this.deps.store.devices, scopeTargets(p.spec.scope));
    const notes: string[] = [];
    const nextRuns: PolicyView['nextRuns'] = [];
    for (const g of zoneGroups(p.spec, devices)) {
      if (g.fallback) {
        notes.push(`${g.devices.length} device(s) report no time zone the server knows (${g.devices.slice(0, 5).map((d) => d.hostname).join(', ')}); they run on the fallback time zone ${g.timeZone}`);
      }
      if (p.state !== 'active') continue;
      const at = nextRun(p.spec.schedule, g.timeZone, now, this.deps.cron);
      if (at) nextRuns.push({ timeZone: g.timeZone, at: at.toISOString(), devices: g.devices.length, fallback: g.fallback });
    }
    if (devices.length === 0) notes.push('no enrolled device is in scope yet');
    if (p.state === 'paused') notes.push(`paused by ${p.pausedBy ?? 'unknown'}: ${p.pauseReason ?? ''}`);
    const last = (await this.deps.store.policyRuns.list(p.id, { limit: 1, offset: 0 })).items[0];
    return {
      id: p.id,
      name: p.name,
      state: p.state,
      spec: p.spec,
      createdBy: p.createdBy,
      createdAt: p.createdAt.toISOString(),
      updatedAt: p.updatedAt.toISOString(),
      pausedAt: p.pausedAt?.toISOString() ?? null,
      pausedBy: p.pausedBy,
      pauseReason: p.pauseReason,
      revision: p.revision,
      nextRuns: nextRuns.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)),
      lastRun: last ? await this.runView(last) : null,
      notes,
    };
  }

  /** A run with its deployment's current state. */
  private async runView(r: PolicyRunRecord): Promise<PolicyRunView> {
    const d = r.deploymentId ? await this.deps.store.deployments.get(r.deploymentId) : null;
    return { ...toRunView(r), ...(d ? { deploymentState: d.state } : {}) };
  }

  private async assertNameFree(name: string, self: string | null): Promise<void> {
    const clash = (await this.deps.store.policies.list()).find((p) => p.name === name && p.id !== self);
    if (clash) throw new PatchwaveError('E_CONFLICT', `a policy named "${name}" already exists (${clash.id})`);
  }
}
