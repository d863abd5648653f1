import { randomUUID } from 'node:crypto';
import { GroupSafetySettings, Inventory as InventorySchema, type AvailableUpdate, type ManagerPlan, type PolicySpecInput } from '@patchwave/shared';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OPENSSL_UPDATE, openDeploymentHarness, type DeploymentHarness } from '../../testing/deployment-harness.js';
import { sampleFacts, sampleNewDevice } from '../../testing/facts.js';
import { AuditLog } from '../audit/audit-log.js';
import { cronOccurrences } from '../deployments/cron.js';
import type { Operator } from '../deployments/context.js';
import { inventoryHash } from '../inventory/inventory-hash.js';
import { InventoryService } from '../inventory/inventory-service.js';
import { createPolicyServices, type PolicyServices } from './policy-services.js';

const DAY = 86_400_000;
let h: DeploymentHarness;
let p: PolicyServices;
const carol: Operator = { id: 'carol', name: 'carol', actor: 'api-token:carol' };

beforeEach(async () => {
  // Monday 2 March 2026, 10:00 UTC.
  h = await openDeploymentHarness('2026-03-02T10:00:00.000Z');
  p = createPolicyServices({ store: h.temp.store, audit: new AuditLog(h.temp.store.audit, h.clock), clock: h.clock, log: pino({ level: 'silent' }), deployments: h.services, cron: cronOccurrences });
});
afterEach(async () => {
  await h.close();
});

/** A device whose facts report `timezone` (or none), with one inventory through the real service. */
async function device(hostname: string, timezone: string | undefined, updates: AvailableUpdate[] = [OPENSSL_UPDATE]): Promise<string> {
  const facts = sampleFacts({ hostname, ...(timezone ? { timezone } : {}) });
  const d = await h.temp.store.devices.insert(sampleNewDevice({ id: randomUUID(), hostname, tags: ['group=web'], facts }));
  const installed = updates.map((u) => ({ manager: u.manager, name: u.name, arch: u.arch, version: u.installedVersion ?? '0' }));
  const inv = InventorySchema.parse({ collectedAt: h.clock.now().toISOString(), facts, managers: [{ name: 'apt', ok: true }], packages: installed, updates, reboot: { required: false } });
  const stored = await new InventoryService(h.temp.store, h.clock).report(d.id, { kind: 'full', hash: inventoryHash(inv), inventory: inv });
  if (!stored.ok) throw new Error(stored.message);
  return d.id;
}

function policy(over: Partial<PolicySpecInput> = {}): PolicySpecInput {
  return {
    name: 'web weekly',
    scope: { groups: ['web'] },
    schedule: { recurrence: { kind: 'weekly', days: ['tue'], time: '02:00' }, timeZone: 'Europe/Berlin' },
    autoApproval: { enabled: true, maxSeverity: 'high', essentialPackages: ['postgresql*'] },
    ...over,
  };
}

/** Answers every offered plan job of the deployment with these plans. */
async function answerPlans(deploymentId: string, plans: ManagerPlan[]): Promise<void> {
  const jobs = await h.temp.store.deviceJobs.list(deploymentId, { kind: 'plan' });
  expect(jobs.length).toBeGreaterThan(0);
  for (const job of jobs) {
    expect(job.state).toBe('offered');
    await h.services.reports.result(job.deviceId, randomUUID(), h.result(job, 'succeeded', { plans }));
  }
}

const upgrade = (name: string, from: string, to: string) => ({ kind: 'upgrade' as const, name, arch: 'amd64', from, to });

describe('policy runs', () => {
  it('defers an update first seen 2 days ago under a 7-day deferral, then selects it once due', async () => {
    await device('web-01', 'Europe/Berlin');
    const created = await p.policies.create(policy({ deferral: { days: 7 }, rollbackOnHealthFailure: true, rebootPolicy: { mode: 'never' } }), carol);
    h.clock.advance(2 * DAY);
    const early = await p.runner.runNow(created.id, carol);
    expect(early.outcome).toBe('nothing-to-do');
    expect(early.deploymentId).toBeNull();
    expect(early.deferred).toBe(1);
    expect(early.reasons.join(' ')).toContain('deferred by the 7-day deferral; the next is due 2026-03-09T10:00:00.000Z');
    expect((await h.temp.store.deployments.list({ limit: 10, offset: 0 })).items).toEqual([]);
    h.clock.advance(5 * DAY);
    const due = await p.runner.runNow(created.id, carol);
    expect(due.outcome).toBe('awaiting-plan');
    expect(due.deploymentId).not.toBeNull();
    const d = await h.temp.store.deployments.get(due.deploymentId as string);
    expect(d?.state).toBe('awaiting_approval');
    expect(d?.spec.what).toEqual({ kind: 'packages', packages: [{ name: 'openssl', version: null }] });
    expect(d?.createdBy).toBe(`policy-run:${due.id}`);
    expect(d?.spec).toMatchObject({ rollbackOnHealthFailure: true, rebootPolicy: { mode: 'never' }, approval: { required: true }, targets: { deviceIds: [expect.any(String)] } });
  });

  it('auto-approves a routine security update once the dry run is in, as the policy, and the deployment starts', async () => {
    const id = await device('web-01', 'Europe/Berlin');
    h.links.online.add(id);
    const created = await p.policies.create(policy(), carol);
    const run = await p.runner.runNow(created.id, carol);
    expect(await p.runner.judgePending()).toEqual([]);
    await answerPlans(run.deploymentId as string, [{ manager: 'apt', changes: [upgrade('openssl', '1.0', '1.1')], unresolved: [], notes: [] }]);
    const [judged] = await p.runner.judgePending();
    expect(judged?.outcome).toBe('auto-approved');
    const d = await h.temp.store.deployments.get(run.deploymentId as string);
    expect(d).toMatchObject({ state: 'scheduled', approvedBy: `policy:${created.id}` });
    await h.services.orchestrator.tick();
    expect((await h.temp.store.deployments.get(d?.id as string))?.state).toBe('running');
    const audit = await h.temp.store.audit.list({ limit: 100 });
    expect(audit.find((e) => e.action === 'deployment.approve')?.actor).toBe(`policy:${created.id}`);
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['policy.create', 'policy.run-now', 'policy.run']));

    // Pausing the policy pauses its running deployment; resuming resumes it.
    await p.policies.pause(created.id, 'change freeze', carol);
    expect((await h.temp.store.deployments.get(d?.id as string))?.state).toBe('paused');
    await p.policies.resume(created.id, 'freeze over', carol);
    expect((await h.temp.store.deployments.get(d?.id as string))?.state).toBe('running');
  });

  it('leaves a package out where a group holds it instead of failing the whole run', async () => {
    const free = await device('web-01', 'Europe/Berlin');
    const held = await device('web-02', 'Europe/Berlin');
    await h.temp.store.devices.update(held, { tags: ['group=web', 'group=db'] });
    await h.temp.store.groupSafety.put({ group: 'db', settings: GroupSafetySettings.parse({ holds: [{ name: 'openssl', reason: 'DBA sign-off' }] }), updatedAt: h.clock.now(), updatedBy: 'user:alice' });
    h.links.online.add(free);
    h.links.online.add(held);
    const created = await p.policies.create(policy(), carol);
    const run = await p.runner.runNow(created.id, carol);
    expect(run.outcome).not.toBe('failed');
    const plans = await h.temp.store.deviceJobs.list(run.deploymentId as string, { kind: 'plan' });
    expect(plans.map((j) => j.deviceId).sort()).toEqual([free, held].sort());
    const offeredTo = (id: string) => h.links.offers(id).map((job) => job.action);
    expect(offeredTo(free)).toEqual([expect.objectContaining({ kind: 'plan' })]);
    expect(JSON.stringify(offeredTo(held))).not.toContain('"openssl"');
  });

  it('holds a plan that removes a package, with the reason on the run', async () => {
    const id = await device('web-01', 'Europe/Berlin', [{ ...OPENSSL_UPDATE, name: 'pw-a' }]);
    h.links.online.add(id);
    const created = await p.policies.create(policy(), carol);
    const run = await p.runner.runNow(created.id, carol);
    await answerPlans(run.deploymentId as string, [
      {
        manager: 'apt',
        changes: [upgrade('pw-a', '1.0', '1.1'), { kind: 'install', name: 'pw-b', arch: 'all', from: null, to: '1.0' }, { kind: 'remove', name: 'pw-c', arch: 'all', from: '1.0', to: null }],
        unresolved: [],
        notes: [],
      },
    ]);
    const [judged] = await p.runner.judgePending();
    expect(judged?.outcome).toBe('awaiting-approval');
    expect(judged?.blockers).toEqual([{ rule: 'removal', deviceId: id, package: 'pw-c', message: `the plan removes pw-c 1.0 on ${id}; a removal always waits for an approver` }]);
    expect((await h.temp.store.deployments.get(run.deploymentId as string))?.state).toBe('awaiting_approval');
    const history = await p.policies.runs(created.id, { limit: 10, offset: 0 });
    expect(history.items[0]?.reasons.at(-1)).toContain('waits for an approver: 1 planned change(s) break the auto-approval rules (removal)');
  });

  it('holds a plan that changes an essential package', async () => {
    const id = await device('db-01', 'Europe/Berlin', [{ ...OPENSSL_UPDATE, name: 'postgresql-16', installedVersion: '16.1-1', candidateVersion: '16.2-1' }]);
    h.links.online.add(id);
    const created = await p.policies.create(policy(), carol);
    const run = await p.runner.runNow(created.id, carol);
    await answerPlans(run.deploymentId as string, [{ manager: 'apt', changes: [upgrade('postgresql-16', '16.1-1', '16.2-1')], unresolved: [], notes: [] }]);
    const [judged] = await p.runner.judgePending();
    expect(judged?.outcome).toBe('awaiting-approval');
    expect(judged?.blockers.map((b) => b.rule)).toEqual(['essential']);
  });

  it('does not approve automatically while paused, and judges runs after a restart from what is stored', async () => {
    const id = await device('web-01', 'Europe/Berlin');
    h.links.online.add(id);
    const created = await p.policies.create(policy(), carol);
    const run = await p.runner.runNow(created.id, carol);
    await p.policies.pause(created.id, 'change freeze', carol);
    await answerPlans(run.deploymentId as string, [{ manager: 'apt', changes: [upgrade('openssl', '1.0', '1.1')], unresolved: [], notes: [] }]);
    // A new server process: fresh services over the same database.
    const services = h.restart();
    const again = createPolicyServices({ store: h.temp.store, audit: new AuditLog(h.temp.store.audit, h.clock), clock: h.clock, log: pino({ level: 'silent' }), deployments: services, cron: cronOccurrences });
    const [judged] = await again.runner.judgePending();
    expect(judged).toMatchObject({ outcome: 'awaiting-approval' });
    expect(judged?.reasons.at(-1)).toBe('the policy is paused (change freeze): no automatic approval');
    expect((await h.temp.store.deployments.get(run.deploymentId as string))?.state).toBe('awaiting_approval');
  });

  it('closes a run interrupted before its deployment was created as failed', async () => {
    const created = await p.policies.create(policy(), carol);
    const at = h.clock.now();
    await h.temp.store.policyRuns.insert({
      id: 'interrupted',
      policyId: created.id,
      trigger: 'schedule',
      timeZones: ['Europe/Berlin'],
      scheduledFor: at,
      startedAt: at,
      finishedAt: null,
      outcome: 'awaiting-plan',
      deploymentId: null,
      devices: 1,
      packages: 1,
      deferred: 0,
      expedited: 0,
      reasons: [],
      blockers: [],
      selection: [],
    });
    const [closed] = await p.runner.judgePending();
    expect(closed).toMatchObject({ id: 'interrupted', outcome: 'failed', reasons: ['interrupted before its deployment was created'] });
  });

  it('runs on its schedule in each device time zone, once per occurrence, with a fallback for devices that report none', async () => {
    const berlin = await device('web-berlin', 'Europe/Berlin');
    const ny = await device('web-ny', 'America/New_York');
    const none = await device('web-none', undefined);
    const created = await p.policies.create(policy({ schedule: { recurrence: { kind: 'weekly', days: ['tue'], time: '02:00' }, timeZone: 'device', fallbackTimeZone: 'Asia/Tokyo' } }), carol);
    const view = await p.policies.get(created.id);
    expect(view.nextRuns).toEqual([
      { timeZone: 'Asia/Tokyo', at: '2026-03-02T17:00:00.000Z', devices: 1, fallback: true },
      { timeZone: 'Europe/Berlin', at: '2026-03-03T01:00:00.000Z', devices: 1, fallback: false },
      { timeZone: 'America/New_York', at: '2026-03-03T07:00:00.000Z', devices: 1, fallback: false },
    ]);
    expect(view.notes.join(' ')).toContain('report no time zone the server knows (web-none); they run on the fallback time zone Asia/Tokyo');
    expect((await p.runner.tick()).started).toEqual([]);
    const runDevices = async (at: string) => {
      h.clock.set(at);
      const started = (await p.runner.tick()).started;
      return Promise.all(started.map(async (r) => (r.deploymentId ? (await h.temp.store.deployments.get(r.deploymentId))?.spec.targets.deviceIds : [])));
    };
    expect(await runDevices('2026-03-02T17:00:30Z')).toEqual([[none]]);
    expect(await runDevices('2026-03-02T17:01:30Z')).toEqual([]);
    expect(await runDevices('2026-03-03T01:00:30Z')).toEqual([[berlin]]);
    expect(await runDevices('2026-03-03T07:00:30Z')).toEqual([[ny]]);
  });

  it('records a scheduled run with nothing to do and creates nothing', async () => {
    await device('web-01', 'Europe/Berlin', []);
    await p.policies.create(policy(), carol);
    h.clock.set('2026-03-03T01:00:10Z');
    const { started } = await p.runner.tick();
    expect(started.map((r) => [r.trigger, r.outcome, r.scheduledFor?.toISOString()])).toEqual([['schedule', 'nothing-to-do', '2026-03-03T01:00:00.000Z']]);
    expect((await h.temp.store.deployments.list({ limit: 10, offset: 0 })).items).toEqual([]);
  });

  it('refuses bad input with the field named and stores nothing', async () => {
    const bad = [
      [{ deferral: { days: -1 } }, 'deferral.days: deferral.days must be 0 or more (got -1)'],
      [{ schedule: { recurrence: { kind: 'once', date: '2026-02-30', time: '02:00' } } }, 'schedule.recurrence.date: "2026-02-30" is not a calendar date'],
      [{ schedule: { recurrence: { kind: 'weekly', days: ['tue'], time: '25:00' } } }, 'schedule.recurrence.time: time must be HH:MM between 00:00 and 23:59 (got "25:00")'],
      [{ schedule: { recurrence: { kind: 'weekly', days: ['tue'], time: '02:00' }, timeZone: 'Mars/Olympus' } }, 'schedule.timeZone: timeZone must be "device" or an IANA time zone'],
      [{ schedule: { recurrence: { kind: 'cron', expression: '0 2 * *' } } }, 'schedule.recurrence.expression: "0 2 * *" has 4 fields'],
      [{ autoApproval: { enabled: true, blockRemovals: false } }, 'autoApproval.blockRemovals: blockRemovals cannot be turned off'],
    ] as const;
    for (const [over, message] of bad) {
      await expect(p.policies.create(policy(over as Partial<PolicySpecInput>), carol), message).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringContaining(message) });
    }
    expect(await h.temp.store.policies.list()).toEqual([]);
  });
});
