import { randomUUID } from 'node:crypto';
import { LIMITS, type DeploymentSpecInput } from '@patchwave/shared';
import type { Operator } from '../deployments/context.js';
import type { SerialQueue } from '../deployments/serial-queue.js';
import { resolveTargets } from '../deployments/targets.js';
import type { Device } from '../devices/device.js';
import { evaluateAutoApproval } from './auto-approval.js';
import { loadPolicy, policyActor, policyRunActor, policyTarget, scopeTargets, zoneGroups, type PolicyDeps } from './policy-context.js';
import type { PolicyRecord, PolicyRunRecord } from './ports.js';
import { excludeInFlight, selectRun } from './run-selection.js';
import { dueOccurrence } from './schedule.js';

export interface PolicyTickReport {
  /** Runs started by their schedule in this pass. */
  started: PolicyRunRecord[];
  /** Runs whose dry run was judged in this pass. */
  judged: PolicyRunRecord[];
}

const OPEN_STATES = new Set(['draft', 'awaiting_approval', 'scheduled', 'running', 'paused', 'halted']);

interface RunTrigger {
  trigger: PolicyRunRecord['trigger'];
  scheduledFor: Date | null;
  timeZones: string[];
  notes: string[];
}

/**
 * Runs policies. A pass (`tick`, driven by a timer in the wiring layer and by an injected clock in
 * tests) starts every run whose occurrence came — once per policy and time zone, marked before
 * anything else so that a crash never runs it twice — and judges the dry runs of runs that wait
 * for one. A run selects updates per device; with nothing to do it is recorded and creates
 * nothing, else it creates a normal deployment (approval required, linked to the run), asks for
 * its dry run, and once the plans are in approves it as the policy when every change passes the
 * auto-approval rules, or leaves it for an approver with the reasons on the run.
 */
export class PolicyRunner {
  constructor(
    private readonly deps: PolicyDeps,
    private readonly serial: SerialQueue,
  ) {}

  tick(): Promise<PolicyTickReport> {
    return this.serial.run(async () => {
      const report: PolicyTickReport = { started: [], judged: [] };
      for (const p of await this.deps.store.policies.list()) {
        if (p.state !== 'active') continue;
        try {
          const run = await this.startDue(p);
          if (run) report.started.push(run);
        } catch (err) {
          this.deps.log.error({ err, policyId: p.id }, 'policy run failed to start');
        }
      }
      report.judged = await this.judgeAll();
      return report;
    });
  }

  /** Runs a policy now, whatever its schedule (a paused one too: an operator asked). */
  runNow(idOrName: string, op: Operator): Promise<PolicyRunRecord> {
    return this.serial.run(async () => {
      const p = await loadPolicy(this.deps.store, idOrName);
      const devices = await resolveTargets(this.deps.store.devices, scopeTargets(p.spec.scope));
      const zones = [...new Set(zoneGroups(p.spec, devices).map((g) => g.timeZone))];
      await this.deps.audit.record(null, { actor: op.actor, action: 'policy.run-now', target: policyTarget(p.id), details: { name: p.name, devicesInScope: devices.length } });
      return this.execute(p, devices, { trigger: 'run-now', scheduledFor: null, timeZones: zones, notes: [`run now by ${op.actor}`] });
    });
  }

  /** Judges the dry runs that came in (called after plan results and on every pass). */
  judgePending(): Promise<PolicyRunRecord[]> {
    return this.serial.run(() => this.judgeAll());
  }

  private async startDue(p: PolicyRecord): Promise<PolicyRunRecord | null> {
    const now = this.deps.clock.now();
    const devices = await resolveTargets(this.deps.store.devices, scopeTargets(p.spec.scope));
    const groups = zoneGroups(p.spec, devices);
    const marks = await this.deps.store.policyMarks.get(p.id);
    const due: { timeZone: string; at: Date; devices: Device[] }[] = [];
    const notes: string[] = [];
    const byZone = new Map<string, Device[]>();
    for (const g of groups) {
      byZone.set(g.timeZone, [...(byZone.get(g.timeZone) ?? []), ...g.devices]);
      if (g.fallback) notes.push(`${g.devices.length} device(s) report no time zone; scheduled in the fallback ${g.timeZone}`);
    }
    for (const [timeZone, zoneDevices] of byZone) {
      const mark = marks.get(timeZone);
      const since = mark && mark > p.scheduleSince ? mark : p.scheduleSince;
      const at = dueOccurrence(p.spec.schedule, timeZone, since, now, this.deps.cron);
      if (at) due.push({ timeZone, at, devices: zoneDevices });
    }
    if (due.length === 0) return null;
    for (const d of due) await this.deps.store.policyMarks.set(p.id, d.timeZone, d.at);
    const scheduledFor = due.reduce((m, d) => (d.at < m ? d.at : m), due[0]?.at ?? now);
    return this.execute(p, due.flatMap((d) => d.devices), { trigger: 'schedule', scheduledFor, timeZones: due.map((d) => d.timeZone), notes });
  }

  private async execute(p: PolicyRecord, devices: readonly Device[], t: RunTrigger): Promise<PolicyRunRecord> {
    const { deps } = this;
    const now = deps.clock.now();
    const id = randomUUID();
    const sel = await selectRun(deps.store, p.spec, devices, now);
    const reasons = [...t.notes];
    const open = await this.inFlight(p.id);
    const dropped = excludeInFlight(sel, open.pairs);
    if (dropped > 0) reasons.push(`${dropped} update(s) skipped: already in an open deployment of this policy (${open.ids.join(', ')})`);
    if (devices.length === 0) reasons.push('no enrolled device is in the policy scope');
    if (sel.deferred > 0) reasons.push(`${sel.deferred} update(s) deferred by the ${p.spec.deferral.days}-day deferral${sel.nextDue ? `; the next is due ${sel.nextDue.toISOString()}` : ''}`);
    if (sel.expedited > 0) reasons.push(`${sel.expedited} update(s) skip the deferral (KEV-listed or expedited priority)`);
    const run: PolicyRunRecord = {
      id,
      policyId: p.id,
      trigger: t.trigger,
      timeZones: t.timeZones,
      scheduledFor: t.scheduledFor,
      startedAt: now,
      finishedAt: null,
      outcome: 'awaiting-plan',
      deploymentId: null,
      devices: sel.withWork.length,
      packages: sel.packages,
      deferred: sel.deferred,
      expedited: sel.expedited,
      reasons,
      blockers: [],
      selection: sel.withWork,
    };
    if (sel.withWork.length === 0) {
      reasons.push(devices.length ? `nothing to do on ${devices.length} device(s) in scope` : 'nothing to do');
      const done: PolicyRunRecord = { ...run, outcome: 'nothing-to-do', finishedAt: now };
      await deps.store.transaction(async (tx) => {
        await tx.policyRuns.insert(done);
        await deps.audit.record(tx.audit, { actor: policyActor(p.id), action: 'policy.run', target: policyTarget(p.id), details: { runId: id, trigger: t.trigger, outcome: done.outcome, reasons } });
      });
      deps.log.info({ policyId: p.id, runId: id, trigger: t.trigger }, 'policy run: nothing to do');
      return done;
    }
    // The run is stored before its deployment: a crash in between leaves a run that the next pass closes as failed.
    await deps.store.policyRuns.insert(run);
    const asRun: Operator = { id, name: `policy ${p.name}`, actor: policyRunActor(id) };
    let deploymentId: string | null = null;
    try {
      const names = sel.names.slice(0, LIMITS.smallList);
      if (names.length < sel.names.length) reasons.push(`only the first ${names.length} of ${sel.names.length} package names fit one deployment; the rest wait for the next run`);
      const spec: DeploymentSpecInput = {
        name: `${p.name.slice(0, 100)} ${now.toISOString().slice(0, 16)}Z`,
        description: `Created by patch policy "${p.name}" (${p.id}), run ${id} (${t.trigger}).`,
        what: { kind: 'packages', packages: names.map((name) => ({ name, version: null })) },
        targets: { deviceIds: sel.withWork.map((w) => w.deviceId) },
        waves: p.spec.waves,
        schedule: { startAt: now.toISOString(), windows: p.spec.windows },
        rebootPolicy: p.spec.rebootPolicy,
        approval: { required: true, changeRecord: `policy:${p.id} run:${id}` },
        jobTimeoutMinutes: p.spec.jobTimeoutMinutes,
        rollbackOnHealthFailure: p.spec.rollbackOnHealthFailure,
      };
      // Group holds apply per device: a held name is left out where it is held (never refused for
      // the whole run because one target holds it), exactly as the job builder does for `security`.
      const d = await deps.deployments.commands.create(spec, asRun, { heldPackages: 'leave-out' });
      deploymentId = d.id;
      await deps.store.policyRuns.update(id, { deploymentId: d.id, reasons });
      await deps.deployments.plans.request(d.id, asRun);
      await deps.audit.record(null, {
        actor: policyActor(p.id),
        action: 'policy.run',
        target: policyTarget(p.id),
        details: { runId: id, trigger: t.trigger, deploymentId: d.id, devices: sel.withWork.length, packages: sel.packages, deferred: sel.deferred, expedited: sel.expedited },
      });
      deps.log.info({ policyId: p.id, runId: id, deploymentId: d.id, devices: sel.withWork.length }, 'policy run created a deployment');
    } catch (err) {
      deps.log.error({ err, policyId: p.id, runId: id, deploymentId }, 'policy run failed');
      if (deploymentId) {
        // The deployment exists: judging asks for its dry run again at the next pass.
        await deps.store.policyRuns.update(id, { reasons: [...reasons, `asking for the dry run failed (${(err as Error).message}); asked again at the next pass`] });
        return (await deps.store.policyRuns.get(id)) ?? run;
      }
      await deps.store.policyRuns.update(id, { outcome: 'failed', finishedAt: deps.clock.now(), reasons: [...reasons, `failed: ${(err as Error).message}`] });
      await deps.audit.record(null, { actor: policyActor(p.id), action: 'policy.run', target: policyTarget(p.id), details: { runId: id, outcome: 'failed', error: (err as Error).message } });
    }
    return (await deps.store.policyRuns.get(id)) ?? run;
  }

  /** Device and package pairs in this policy's deployments that have not finished. */
  private async inFlight(policyId: string): Promise<{ pairs: Map<string, Set<string>>; ids: string[] }> {
    const pairs = new Map<string, Set<string>>();
    const ids: string[] = [];
    for (const run of await this.deps.store.policyRuns.withDeployments(policyId)) {
      const d = run.deploymentId ? await this.deps.store.deployments.get(run.deploymentId) : null;
      if (!d || !OPEN_STATES.has(d.state)) continue;
      ids.push(d.id);
      for (const s of run.selection) {
        const set = pairs.get(s.deviceId) ?? new Set<string>();
        for (const c of s.changes) set.add(c.name);
        pairs.set(s.deviceId, set);
      }
    }
    return { pairs, ids };
  }

  private async judgeAll(): Promise<PolicyRunRecord[]> {
    const judged: PolicyRunRecord[] = [];
    for (const run of await this.deps.store.policyRuns.listAwaitingPlan()) {
      try {
        const done = await this.judge(run);
        if (done) judged.push(done);
      } catch (err) {
        this.deps.log.error({ err, runId: run.id, deploymentId: run.deploymentId }, 'judging a policy run failed; trying again at the next pass');
      }
    }
    return judged;
  }

  private async finish(run: PolicyRunRecord, outcome: PolicyRunRecord['outcome'], reasons: string[], blockers: PolicyRunRecord['blockers'] = []): Promise<PolicyRunRecord | null> {
    return this.deps.store.policyRuns.update(run.id, { outcome, reasons: [...run.reasons, ...reasons], blockers, finishedAt: this.deps.clock.now() });
  }

  private async judge(run: PolicyRunRecord): Promise<PolicyRunRecord | null> {
    const { deps } = this;
    if (!run.deploymentId) return this.finish(run, 'failed', ['interrupted before its deployment was created']);
    const d = await deps.store.deployments.get(run.deploymentId);
    if (!d) return this.finish(run, 'failed', [`deployment ${run.deploymentId} no longer exists`]);
    if (d.state !== 'awaiting_approval') {
      return this.finish(run, 'awaiting-approval', [`the deployment was ${d.state}${d.approvedBy ? ` (approved by ${d.approvedBy})` : ''} before its dry run was judged`]);
    }
    const p = await deps.store.policies.get(run.policyId);
    const view = await deps.deployments.plans.view(d.id);
    const inputs = view.devices.map((dv) => ({
      deviceId: dv.deviceId,
      status: dv.status,
      plans: dv.plans,
      message: dv.message,
      selected: run.selection.find((s) => s.deviceId === dv.deviceId)?.changes ?? [],
    }));
    if (!p) return this.finish(run, 'awaiting-approval', ['the policy was deleted: its deployment waits for an approver']);
    if (view.devices.length === 0) {
      // The dry run was never asked for (a crash between creating the deployment and asking): ask now.
      await deps.deployments.plans.request(d.id, { id: run.id, name: `policy ${p.name}`, actor: policyRunActor(run.id) });
      return null;
    }
    const verdict = evaluateAutoApproval(p.spec.autoApproval, inputs, new Set(run.selection.flatMap((s) => s.changes.map((c) => c.name))));
    if (verdict.kind === 'wait') return null;
    if (p.state === 'paused') return this.finish(run, 'awaiting-approval', [`the policy is paused (${p.pauseReason ?? ''}): no automatic approval`]);
    if (verdict.kind === 'hold') {
      const summary = `waits for an approver: ${verdict.blockers.length} planned change(s) break the auto-approval rules (${[...new Set(verdict.blockers.map((b) => b.rule))].join(', ')})`;
      const held = await this.finish(run, 'awaiting-approval', [summary], verdict.blockers.slice(0, 500));
      await deps.audit.record(null, { actor: policyActor(p.id), action: 'policy.hold', target: policyTarget(p.id), details: { runId: run.id, deploymentId: d.id, blockers: verdict.blockers.slice(0, 50) } });
      deps.log.info({ policyId: p.id, runId: run.id, deploymentId: d.id, blockers: verdict.blockers.length }, 'policy run held for approval');
      return held;
    }
    const comment = `auto-approved by policy "${p.name}": ${verdict.checked} planned change(s) on ${inputs.length} device(s) pass its rules (run ${run.id})`;
    await deps.deployments.commands.approve(d.id, { comment }, { id: p.id, name: `policy ${p.name}`, actor: policyActor(p.id) });
    deps.log.info({ policyId: p.id, runId: run.id, deploymentId: d.id }, 'policy run auto-approved');
    return this.finish(run, 'auto-approved', [comment]);
  }
}
