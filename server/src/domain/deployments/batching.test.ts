import type { DeploymentSpecInput } from '@patchwave/shared';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../audit/audit-log.js';
import { openDeploymentHarness, type DeploymentHarness } from '../../testing/deployment-harness.js';
import { OfferBatch } from './offer-batch.js';
import { JobOffers } from './job-offers.js';
import type { DeviceJobRecord } from './ports.js';

let h: DeploymentHarness;
beforeEach(async () => {
  h = await openDeploymentHarness();
});
afterEach(async () => {
  await h.close();
});

const oneWave: DeploymentSpecInput = {
  name: 'openssl everywhere',
  what: { kind: 'security' },
  targets: { tags: ['web'] },
  waves: [{ name: 'all', select: { kind: 'rest' } }],
  rebootPolicy: { mode: 'never' },
};

async function offeredFleet(n: number) {
  for (let i = 0; i < n; i++) h.links.online.add((await h.device(`web-${String(i).padStart(2, '0')}`, ['web'])).id);
  const id = await h.create(oneWave);
  await h.services.commands.start(id, h.alice);
  await h.services.orchestrator.tick();
  return { id, jobs: await h.temp.store.deviceJobs.list(id, { kind: 'apply' }) };
}

describe('job results that arrive together', () => {
  it('are stored together exactly as one by one: first per job counts, unknown ignored, audit chained', async () => {
    const { id, jobs } = await offeredFleet(4);
    const [a, b, c, d] = jobs;
    if (!a || !b || !c || !d) throw new Error('four jobs expected');
    // A pass in flight keeps the queue busy: the results below queue up behind it and go together.
    const pass = h.services.orchestrator.tick();
    const outcomes = Promise.all([
      h.services.reports.result(a.deviceId, 'f-a', h.result(a)),
      h.services.reports.result(b.deviceId, 'f-b', h.result(b, 'failed')),
      h.services.reports.result(a.deviceId, 'f-a2', h.result(a, 'failed')),
      h.services.reports.result(c.deviceId, 'f-x', { ...h.result(c), jobId: 'no-such-job' }),
      h.services.reports.result(d.deviceId, 'f-c', h.result(c)),
      h.services.reports.result(c.deviceId, 'f-c2', h.result(c)),
    ]);
    await pass;
    // The result for c sent by another device is ignored; c's own counts.
    expect(await outcomes).toEqual(['recorded', 'recorded', 'duplicate', 'unknown', 'unknown', 'recorded']);
    const states = Object.fromEntries((await h.temp.store.deviceJobs.list(id, { kind: 'apply' })).map((j) => [j.jobId, j.state]));
    expect(states).toEqual({ [a.jobId]: 'succeeded', [b.jobId]: 'failed', [c.jobId]: 'succeeded', [d.jobId]: 'offered' });
    expect((await h.temp.store.jobResults.get(a.jobId))?.frameId).toBe('f-a');
    const audit = new AuditLog(h.temp.store.audit, h.clock);
    const entries = await audit.list({ action: 'deployment.job.result', limit: 100 });
    expect(entries.map((e) => e.details.jobId).sort()).toEqual([a.jobId, b.jobId, c.jobId].sort());
    expect((await audit.verify()).ok).toBe(true);
    expect(h.events.filter((e) => e.type === 'job.updated' && e.state !== 'offered').map((e) => (e.type === 'job.updated' ? e.jobId : ''))).toEqual([a.jobId, b.jobId, c.jobId]);
  });

  it('a result that cannot be stored fails alone; the others of its batch are stored', async () => {
    const { jobs } = await offeredFleet(3);
    const [a, b, c] = jobs;
    if (!a || !b || !c) throw new Error('three jobs expected');
    const pass = h.services.orchestrator.tick();
    // A BigInt cannot be serialised: storing this result throws inside the shared transaction.
    const bad = { ...h.result(b), exitCode: 10n as unknown as number };
    const settled = Promise.allSettled([
      h.services.reports.result(a.deviceId, 'f-a', h.result(a)),
      h.services.reports.result(b.deviceId, 'f-b', bad),
      h.services.reports.result(c.deviceId, 'f-c', h.result(c)),
    ]);
    await pass;
    expect((await settled).map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await h.temp.store.deviceJobs.get(a.jobId))?.state).toBe('succeeded');
    expect((await h.temp.store.deviceJobs.get(b.jobId))?.state).toBe('offered');
    expect((await h.temp.store.deviceJobs.get(c.jobId))?.state).toBe('succeeded');
    expect(await h.temp.store.jobResults.get(b.jobId)).toBeNull();
  });
});

describe('offers of one pass', () => {
  it('are stored before they are sent, in batches, in the order they were decided, with the envelope sent', async () => {
    for (let i = 0; i < 5; i++) h.links.online.add((await h.device(`web-${i}`, ['web'])).id);
    const offline = await h.device('web-offline', ['web']);
    const id = await h.create(oneWave);
    await h.services.commands.start(id, h.alice);
    const d = await h.temp.store.deployments.get(id);
    if (!d) throw new Error('no deployment');
    const pending = await h.temp.store.deviceJobs.list(id, { kind: 'apply', states: ['pending'] });
    // Each send reads its job from the store at that moment (the connection answers in order).
    const atSend: Promise<DeviceJobRecord | null>[] = [];
    const send = h.links.send.bind(h.links);
    h.links.send = (deviceId, frame) => {
      if (frame.type === 'job.offer') atSend.push(h.temp.store.deviceJobs.get(frame.payload.job.jobId));
      return send(deviceId, frame);
    };
    const offers = new JobOffers({ store: h.temp.store, audit: new AuditLog(h.temp.store.audit, h.clock), clock: h.clock, links: h.links, events: h.services.events, log: pino({ level: 'silent' }) });
    const batch = new OfferBatch(offers, 2);
    const outcomes: string[] = [];
    for (const job of pending) outcomes.push((await batch.add(d, job)).kind);
    // Two full batches went out on the way; the fifth offer waits for the flush.
    expect(atSend).toHaveLength(4);
    await batch.flush();
    expect(batch.sent).toBe(5);
    expect(outcomes.filter((o) => o === 'offered')).toHaveLength(5);
    expect(outcomes.filter((o) => o === 'offline')).toHaveLength(1);
    const seen = await Promise.all(atSend);
    expect(seen.map((j) => j?.state)).toEqual(Array(5).fill('offered'));
    for (const j of seen) expect(h.links.offers(j?.deviceId ?? '')).toEqual([j?.job]);
    expect(seen.map((j) => j?.jobId)).toEqual(pending.filter((j) => j.deviceId !== offline.id).map((j) => j.jobId));
    expect((await h.temp.store.deviceJobs.list(id, { deviceIds: [offline.id] }))[0]?.state).toBe('pending');
  });
});
