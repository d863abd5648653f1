import { GroupSafetySettings, jobSigningBytes, type AvailableUpdate, type DeploymentSpecInput, type GroupSafetySettingsInput, type HealthProbeInput, type Job, type SafetyReport } from '@patchwave/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { publicKeyObject, verifyText } from '../signing/ed25519.js';
import { MemorySigningKeyStore } from '../signing/signing-key.js';
import { SigningKeyring } from '../signing/signing-keyring.js';
import { OPENSSL_UPDATE, openDeploymentHarness, type DeploymentHarness } from '../../testing/deployment-harness.js';
import { eventForResult } from './device-job-machine.js';

let h: DeploymentHarness;
beforeEach(async () => {
  h = await openDeploymentHarness();
});
afterEach(async () => {
  await h.close();
});

const PG_UPDATE: AvailableUpdate = { ...OPENSSL_UPDATE, name: 'postgresql-16', installedVersion: '16.4-1', candidateVersion: '16.5-1', advisories: [], cves: [] };
const HTTP_PROBE: HealthProbeInput = { kind: 'http', name: 'web', url: 'http://127.0.0.1:8080/health', expectStatus: [200] };

async function setSafety(group: string, settings: GroupSafetySettingsInput) {
  await h.temp.store.groupSafety.put({ group, settings: GroupSafetySettings.parse(settings), updatedAt: h.clock.now(), updatedBy: 'user:alice' });
}

const spec = (over: Partial<DeploymentSpecInput> = {}): DeploymentSpecInput => ({
  name: 'safe patching',
  what: { kind: 'security' },
  targets: { tags: ['web'] },
  waves: [{ name: 'all', select: { kind: 'rest' }, gates: { maxFailures: 0 } }],
  rebootPolicy: { mode: 'never' },
  ...over,
});

const report = (over: Partial<SafetyReport> = {}): SafetyReport => ({
  preflight: [],
  before: [{ name: 'web', kind: 'http', ok: true, detail: 'HTTP 200', ms: 3 }],
  after: [{ name: 'web', kind: 'http', ok: false, detail: 'HTTP 500', ms: 4 }],
  broken: ['web'],
  ...over,
});

async function startOne(what: DeploymentSpecInput['what'] = { kind: 'security' }, over: Partial<DeploymentSpecInput> = {}) {
  const id = await h.create(spec({ what, ...over }));
  await h.services.commands.start(id, h.alice);
  await h.services.orchestrator.tick();
  return id;
}

describe('safe patching in deployments', () => {
  it("carries the merged safety of the device's groups and * in the signed apply job, and leaves held packages out", async () => {
    const d = await h.device('db-01', ['web', 'group=db'], [OPENSSL_UPDATE, PG_UPDATE]);
    h.links.online.add(d.id);
    await setSafety('*', { probes: [{ kind: 'service', name: 'ssh', service: 'ssh' }], preflight: { minFreeDiskMb: 300 } });
    await setSafety('db', { holds: [{ name: 'postgresql-16', reason: 'DBA sign-off' }], probes: [HTTP_PROBE], preflight: { minFreeDiskMb: 1000, pendingReboot: 'skip' } });
    await setSafety('other', { holds: [{ name: 'openssl' }] });
    const id = await startOne({ kind: 'security' }, { rollbackOnHealthFailure: true });

    const [offer] = h.links.offers(d.id);
    expect(offer?.action).toEqual({
      kind: 'apply',
      packages: [{ manager: 'apt', name: 'openssl', version: '1.1', arch: 'amd64' }],
      rebootPolicy: { mode: 'never' },
      safety: {
        probes: [
          { kind: 'service', name: 'ssh', service: 'ssh', timeoutMs: 5000 },
          { kind: 'http', name: 'web', url: 'http://127.0.0.1:8080/health', expectStatus: [200], timeoutMs: 5000 },
        ],
        preflight: { minFreeDiskMb: 1000, requireLockFree: true, requireAcPower: false, pendingReboot: 'skip' },
        holds: [{ name: 'postgresql-16', reason: 'group db: DBA sign-off' }],
        rollbackOnHealthFailure: true,
      },
    });
    const audit = await h.temp.store.audit.list({ limit: 10, action: 'deployment.job.held-packages' });
    expect(audit[0]?.details).toMatchObject({ deviceId: d.id, held: [{ name: 'postgresql-16', version: '16.5-1', group: 'db', reason: 'DBA sign-off' }] });
    expect((await h.services.reads.get(id)).spec.rollbackOnHealthFailure).toBe(true);

    // The signature covers the safety block: the job verifies as sent, and not once a probe is dropped.
    const { keyring } = await SigningKeyring.open(new MemorySigningKeyStore(), new ManualClock());
    const wire = JSON.parse(JSON.stringify(keyring.sign(offer as Job))) as Job & { signature: string };
    const key = publicKeyObject(keyring.list()[0]?.publicKey ?? '');
    expect(verifyText(key, jobSigningBytes(wire), wire.signature)).toBe(true);
    const tampered = structuredClone(wire);
    if (tampered.action.kind === 'apply' && tampered.action.safety) tampered.action.safety.probes.pop();
    expect(verifyText(key, jobSigningBytes(tampered), wire.signature)).toBe(false);
  });

  it('sends no safety block where no group has settings (a rollback rule alone could never fire)', async () => {
    const d = await h.device('web-01', ['web']);
    h.links.online.add(d.id);
    await startOne({ kind: 'security' }, { rollbackOnHealthFailure: true });
    expect(h.links.offers(d.id)[0]?.action).toEqual({ kind: 'apply', packages: [{ manager: 'apt', name: 'openssl', version: '1.1', arch: 'amd64' }], rebootPolicy: { mode: 'never' } });
  });

  it('gives no job with safety settings to an agent that does not announce it runs them', async () => {
    const old = await h.device('web-01', ['web', 'group=web']);
    const plain = await h.device('web-02', ['web']);
    for (const d of [old, plain]) {
      h.links.online.add(d.id);
      h.links.jobsOnly.add(d.id);
    }
    await setSafety('web', { probes: [HTTP_PROBE] });
    const id = await startOne();
    expect(h.links.offers(old.id)).toEqual([]);
    expect(h.links.offers(plain.id)).toHaveLength(1);
    const job = (await h.services.reads.jobs(id, { kind: 'apply' })).find((j) => j.deviceId === old.id);
    expect(job).toMatchObject({ state: 'skipped', errorCode: 'E_NOT_SUPPORTED', message: expect.stringContaining('its agent does not announce jobs.safety and would ignore them; upgrade the agent') });
  });

  it('skips a device whose every matching update is held, saying which hold', async () => {
    const d = await h.device('db-01', ['web', 'group=db']);
    h.links.online.add(d.id);
    await setSafety('db', { holds: [{ name: 'openssl', manager: 'apt', versionRange: '<1.1', reason: 'app certified on 1.0' }] });
    const id = await startOne();
    expect(h.links.offers(d.id)).toEqual([]);
    const [job] = await h.services.reads.jobs(id, { kind: 'apply' });
    expect(job).toMatchObject({ state: 'skipped', errorCode: 'E_PKG_HELD', outcome: { label: 'skipped: held package', counts: 'nothing' } });
    expect(job?.message).toBe('nothing to install: every matching update is held (openssl 1.1 (held by group db: only within <1.1, app certified on 1.0))');
  });

  it('refuses a deployment naming a held package, and stores nothing', async () => {
    await h.device('db-01', ['web', 'group=db'], [OPENSSL_UPDATE, PG_UPDATE]);
    await setSafety('db', { holds: [{ name: 'postgresql-16', reason: 'DBA sign-off' }] });
    await expect(h.create(spec({ what: { kind: 'packages', packages: [{ name: 'postgresql-16', version: null }] } }))).rejects.toMatchObject({
      code: 'E_PKG_HELD',
      message: expect.stringContaining('what.packages.0: postgresql-16 is held: never to be changed (reason: DBA sign-off) by group db on 1 target device'),
    });
    expect((await h.temp.store.deployments.list({ limit: 10, offset: 0 })).total).toBe(0);
    expect(await h.temp.store.audit.list({ limit: 10, action: 'deployment.create' })).toEqual([]);

    // A caller that compiled the list itself (a policy run) may ask for held packages to be left out per device instead.
    const d = await h.services.commands.create(spec({ what: { kind: 'packages', packages: [{ name: 'postgresql-16', version: null }, { name: 'openssl', version: null }] } }), h.alice, { heldPackages: 'leave-out' });
    const [device] = await h.temp.store.devices.list({ limit: 1, offset: 0, sort: 'enrolledAt', order: 'asc' }).then((p) => p.items);
    if (!device) throw new Error('no device');
    h.links.online.add(device.id);
    await h.services.commands.start(d.id, h.alice);
    await h.services.orchestrator.tick();
    expect(h.links.offers(device.id)[0]?.action).toMatchObject({ kind: 'apply', packages: [{ name: 'openssl', version: '1.1' }] });
  });

  it('counts a health failure against the gates as failed: health, with the automatic rollback shown and nothing left to roll back', async () => {
    const d = await h.device('web-01', ['web', 'group=web']);
    h.links.online.add(d.id);
    await setSafety('web', { probes: [HTTP_PROBE] });
    const id = await startOne({ kind: 'security' }, { rollbackOnHealthFailure: true });
    const [job] = await h.temp.store.deviceJobs.list(id, { kind: 'apply' });
    if (!job) throw new Error('no job');
    await h.services.reports.accepted(d.id, { jobId: job.jobId, state: 'running' });
    const safety = report({ autoRollback: { status: 'succeeded', after: [{ name: 'web', kind: 'http', ok: true, detail: 'HTTP 200', ms: 2 }] } });
    await h.services.reports.result(d.id, 'f-1', h.result(job, 'failed', { errorCode: 'E_HEALTH_CHECK_FAILED', message: 'health probe web broke after applying: HTTP 500', safety }));
    await h.services.orchestrator.tick();

    const view = await h.services.reads.get(id);
    expect(view.state).toBe('halted');
    expect(view.haltReason).toContain('failureBudget: 1 failure (1 failed (health)) exceed the failure budget of 0');
    const [shown] = await h.services.reads.jobs(id, { kind: 'apply' });
    expect(shown).toMatchObject({
      state: 'failed',
      errorCode: 'E_HEALTH_CHECK_FAILED',
      outcome: { label: 'failed: health (automatic rollback succeeded)', counts: 'failure', autoRollback: 'succeeded' },
      result: { safety: { broken: ['web'], autoRollback: { status: 'succeeded' } } },
    });
    const audit = await h.temp.store.audit.list({ limit: 10, action: 'deployment.job.result' });
    expect(audit[0]?.details).toMatchObject({ safety: { broken: ['web'], autoRollback: 'succeeded', healthyAfterRollback: true } });
    const rollback = await h.services.rollbacks.rollback(id, { scope: { kind: 'deployment' }, reason: 'undo' }, h.alice);
    expect(rollback.skipped).toEqual([{ deviceId: d.id, reason: 'its agent already rolled it back automatically after a health probe failed' }]);
  });

  it('skips a device that was already unhealthy before the change, without blaming the patch', async () => {
    const d = await h.device('web-01', ['web', 'group=web']);
    const ok = await h.device('web-02', ['web']);
    h.links.online.add(d.id);
    h.links.online.add(ok.id);
    await setSafety('web', { probes: [HTTP_PROBE] });
    const id = await startOne();
    for (const job of await h.temp.store.deviceJobs.list(id, { kind: 'apply' })) {
      await h.services.reports.accepted(job.deviceId, { jobId: job.jobId, state: 'running' });
      const result =
        job.deviceId === d.id
          ? h.result(job, 'failed', { errorCode: 'E_HEALTH_ALREADY_FAILING', message: 'health probe web failed before applying: HTTP 500; nothing was changed', packages: [], safety: report({ before: [{ name: 'web', kind: 'http', ok: false, detail: 'HTTP 500', ms: 3 }], after: [], broken: [] }) })
          : h.result(job);
      await h.services.reports.result(job.deviceId, `f-${job.jobId}`, result);
    }
    await h.services.orchestrator.tick();
    const view = await h.services.reads.get(id);
    expect(view.state).toBe('completed');
    expect(view.counts).toMatchObject({ succeeded: 1, skipped: 1, failed: 0 });
    const jobs = await h.services.reads.jobs(id, { kind: 'apply' });
    expect(jobs.find((j) => j.deviceId === d.id)).toMatchObject({ state: 'skipped', errorCode: 'E_HEALTH_ALREADY_FAILING', outcome: { label: 'skipped: already unhealthy before the change', counts: 'nothing' } });
  });

  it('maps results that are not the patch fault to skip, whatever their status', () => {
    expect(eventForResult('failed', 'E_HEALTH_ALREADY_FAILING')).toBe('skip');
    expect(eventForResult('failed', 'E_PREFLIGHT_FAILED')).toBe('skip');
    expect(eventForResult('rejected', 'E_PREFLIGHT_FAILED')).toBe('skip');
    expect(eventForResult('failed', 'E_HEALTH_CHECK_FAILED')).toBe('fail');
    expect(eventForResult('succeeded', 'E_PREFLIGHT_FAILED')).toBe('succeed');
  });

  it('sends a dry run only the packages the apply would carry when holds take some out, and flags held changes in the view', async () => {
    const d = await h.device('db-01', ['web', 'group=db'], [OPENSSL_UPDATE, PG_UPDATE]);
    const plain = await h.device('web-01', ['web']);
    h.links.online.add(d.id);
    h.links.online.add(plain.id);
    await setSafety('db', { holds: [{ name: 'postgresql-16', reason: 'DBA sign-off' }] });
    const id = await h.create(spec({ approval: { required: true } }));
    await h.services.plans.request(id, h.alice);
    expect(h.links.offers(d.id)[0]?.action).toEqual({ kind: 'plan', selection: { kind: 'packages', packages: [{ name: 'openssl', version: '1.1', manager: 'apt', arch: 'amd64' }] } });
    expect(h.links.offers(plain.id)[0]?.action).toEqual({ kind: 'plan', selection: { kind: 'security' } });
    const job = await h.temp.store.deviceJobs.get(h.links.offers(d.id)[0]?.jobId ?? '');
    if (!job) throw new Error('no plan job');
    // A dependency of the upgrade removes the held package: the view flags it.
    await h.services.reports.result(d.id, 'p-1', {
      ...h.result(job),
      plans: [
        {
          manager: 'apt',
          changes: [
            { kind: 'upgrade', name: 'openssl', arch: 'amd64', from: '1.0', to: '1.1' },
            { kind: 'remove', name: 'postgresql-16', arch: 'amd64', from: '16.4-1', to: null },
          ],
          unresolved: [],
          notes: [],
        },
      ],
    });
    let plan = await h.services.plans.view(id);
    expect(plan.summary).toMatchObject({ devices: 2, ready: 1, flagged: 1 });
    const device = plan.devices.find((x) => x.deviceId === d.id);
    expect(device?.removals).toEqual([{ manager: 'apt', name: 'postgresql-16', arch: 'amd64', from: '16.4-1' }]);
    expect(device?.flags.map((f) => f.kind)).toEqual(['removes-package', 'changes-held-package']);

    // With openssl held too, the device has nothing left to plan: ready, nothing to change, the holds named.
    await setSafety('db', { holds: [{ name: 'postgresql-16', reason: 'DBA sign-off' }, { name: 'openssl' }] });
    h.clock.advance(60_000);
    await h.services.plans.request(id, h.alice);
    expect(h.links.offers(d.id)).toHaveLength(1);
    plan = await h.services.plans.view(id);
    expect(plan.devices.find((x) => x.deviceId === d.id)).toMatchObject({ status: 'ready', plans: [], errorCode: 'E_PKG_HELD', message: expect.stringContaining('every matching update is held') });
  });
});
