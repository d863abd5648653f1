import type { DeploymentSpecInput } from '@patchwave/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDeploymentHarness, type DeploymentHarness } from '../../testing/deployment-harness.js';

let h: DeploymentHarness;
beforeEach(async () => {
  h = await openDeploymentHarness();
});
afterEach(async () => {
  await h.close();
});

const capped = (concurrency: number): DeploymentSpecInput => ({
  name: 'openssl, three at a time',
  what: { kind: 'security' },
  targets: { tags: ['web'] },
  waves: [{ name: 'all', select: { kind: 'rest' } }],
  rebootPolicy: { mode: 'never' },
  concurrency,
});

const inFlight = async (id: string) => (await h.temp.store.deviceJobs.list(id, { kind: 'apply', states: ['offered', 'accepted', 'running'] })).length;

describe('deployment concurrency cap', () => {
  it('never has more than `concurrency` devices installing; each result lets the next device start', async () => {
    const devices = [];
    for (let i = 0; i < 8; i++) devices.push(await h.device(`web-${i}`, ['web']));
    for (const d of devices) h.links.online.add(d.id);
    const id = await h.create(capped(3));
    await h.services.commands.start(id, h.alice);
    await h.services.orchestrator.tick();
    expect(await inFlight(id)).toBe(3);
    // Reconnecting devices that wait for their turn are not offered past the cap either.
    for (const d of devices) await h.services.orchestrator.deviceReady(d.id);
    expect(await inFlight(id)).toBe(3);
    let finished = 0;
    while (finished < 8) {
      const open = await h.temp.store.deviceJobs.list(id, { kind: 'apply', states: ['offered'] });
      expect(open.length).toBeGreaterThan(0);
      expect(open.length).toBeLessThanOrEqual(3);
      const [job] = open;
      if (!job) break;
      await h.services.reports.result(job.deviceId, `frame-${job.jobId}`, h.result(job, 'succeeded'));
      finished++;
      await h.services.orchestrator.tick();
      expect(await inFlight(id)).toBe(Math.min(3, 8 - finished));
    }
    const view = await h.services.reads.get(id);
    expect(view.state).toBe('completed');
    expect(view.counts.succeeded).toBe(8);
    // One job per device (a reconnect re-sends the same job id, never a second job).
    for (const d of devices) expect(new Set(h.links.offers(d.id).map((j) => j.jobId)).size).toBe(1);
  });

  it('refuses a cap below 1 with a message naming the field', async () => {
    await expect(h.create(capped(0))).rejects.toThrow(/concurrency must be 1 or more/);
  });
});
