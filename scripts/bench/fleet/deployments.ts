import type { DeploymentSpecInput, DeploymentView, DeviceJobView } from '@patchwave/shared';
import { inventoryBase } from '../../fleet-sim/inventory-model.js';
import { api } from '../../fleet-sim/server-process.js';
import type { LiveFleet } from './live-fleet.js';
import { maxOverlap } from './table.js';

/** The name of the n-th upgrade pending on every simulated device (see RESERVED_UPDATES). */
export function reservedUpdate(packages: number, n: number): string {
  const u = inventoryBase(packages).updates[n];
  if (!u) throw new Error(`no reserved upgrade ${n} in a ${packages}-package inventory`);
  return u.name;
}

/** One wave over the `wave` devices installing one named package; optionally capped. */
export function oneWave(name: string, pkg: string, concurrency?: number): DeploymentSpecInput {
  return {
    name,
    what: { kind: 'packages', packages: [{ name: pkg, version: null }] },
    targets: { tags: ['wave'] },
    waves: [{ name: 'all', select: { kind: 'rest' } }],
    rebootPolicy: { mode: 'never' },
    ...(concurrency ? { concurrency } : {}),
  };
}

export async function createAndStart(live: LiveFleet, spec: DeploymentSpecInput): Promise<{ id: string; startedAt: number }> {
  const { id } = await api<{ id: string }>(live.server, 'POST', '/api/v1/deployments', spec);
  const startedAt = performance.timeOrigin + performance.now();
  await api(live.server, 'POST', `/api/v1/deployments/${id}/start`, { reason: 'fleet benchmark' });
  return { id, startedAt };
}

export async function waitFinal(live: LiveFleet, id: string, timeoutMs: number): Promise<DeploymentView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await api<DeploymentView>(live.server, 'GET', `/api/v1/deployments/${id}`);
    if (d.state === 'completed' || d.state === 'halted' || d.state === 'aborted') return d;
    if (Date.now() > deadline) throw new Error(`deployment ${id} not final after ${timeoutMs} ms: ${JSON.stringify({ state: d.state, counts: d.counts })}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** What the server stored about a finished deployment's jobs: correctness facts, no timings. */
export async function jobFacts(live: LiveFleet, id: string): Promise<{ jobs: number; devices: number; final: number; withResult: number; maxInFlight: number; states: Record<string, number> }> {
  const { items } = await api<{ items: DeviceJobView[] }>(live.server, 'GET', `/api/v1/deployments/${id}/devices?kind=apply`);
  const states: Record<string, number> = {};
  for (const j of items) states[j.state] = (states[j.state] ?? 0) + 1;
  const open = new Set(['pending', 'offered', 'accepted', 'running']);
  const spans = items.filter((j) => j.offeredAt).map((j) => [Date.parse(j.offeredAt as string), j.finishedAt ? Date.parse(j.finishedAt) : Infinity] as [number, number]);
  return {
    jobs: items.length,
    devices: new Set(items.map((j) => j.deviceId)).size,
    final: items.filter((j) => !open.has(j.state)).length,
    withResult: items.filter((j) => j.result !== undefined).length,
    maxInFlight: maxOverlap(spans),
    states,
  };
}
