import { createHash } from 'node:crypto';
import type { WaveSelector } from '@patchwave/shared';

export interface AssignableDevice {
  id: string;
  tags: readonly string[];
}

export interface WaveAssignment {
  /** Device ids per wave, in wave order; inside a wave, by stable position. */
  waves: string[][];
  /** Targets no wave selects (percent waves under 100% and no `rest` wave). */
  unassigned: string[];
}

/**
 * A device's stable position in a deployment: the first 52 bits of SHA-256(deployment id, device
 * id) as a fraction in [0, 1). It depends on nothing else, so it survives restarts, re-ordering
 * and other devices joining or leaving.
 */
export function wavePosition(deploymentId: string, deviceId: string): number {
  const hex = createHash('sha256').update(`${deploymentId}\n${deviceId}`).digest('hex').slice(0, 13);
  return Number.parseInt(hex, 16) / 2 ** 52;
}

function byPosition(deploymentId: string, devices: readonly AssignableDevice[]): AssignableDevice[] {
  const pos = new Map(devices.map((d) => [d.id, wavePosition(deploymentId, d.id)]));
  return [...devices].sort((a, b) => (pos.get(a.id) ?? 0) - (pos.get(b.id) ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Splits a deployment's targets into its waves, deterministically:
 * 1. tag waves claim first, each device going to the first tag wave (in wave order) that names
 *    one of its tags;
 * 2. the remaining devices, ordered by `wavePosition`, are cut into consecutive slices for the
 *    percent waves: the slice ends at ceil(cumulative% × remaining / 100), so a 5% canary of 20
 *    devices gets exactly 1 and a non-zero percentage of a non-empty pool never gets rounded to 0
 *    on the first slice;
 * 3. a `rest` wave takes whatever is left; without one, those devices are `unassigned`.
 * The same deployment id and target set always give the same assignment, whatever the order the
 * devices come in. Duplicate device ids are counted once.
 */
export function assignWaves(
  deploymentId: string,
  selectors: readonly WaveSelector[],
  devices: readonly AssignableDevice[],
): WaveAssignment {
  const unique = [...new Map(devices.map((d) => [d.id, d])).values()];
  const waves: string[][] = selectors.map(() => []);
  const remaining: AssignableDevice[] = [];
  for (const device of byPosition(deploymentId, unique)) {
    const tags = new Set(device.tags);
    const index = selectors.findIndex((s) => s.kind === 'tags' && s.tags.some((t) => tags.has(t)));
    if (index >= 0) waves[index]?.push(device.id);
    else remaining.push(device);
  }
  const n = remaining.length;
  let start = 0;
  let cumulative = 0;
  selectors.forEach((selector, index) => {
    if (selector.kind !== 'percent') return;
    cumulative += selector.percent;
    const end = Math.min(n, Math.ceil((cumulative * n) / 100 - 1e-9));
    waves[index] = remaining.slice(start, Math.max(start, end)).map((d) => d.id);
    start = Math.max(start, end);
  });
  const restIndex = selectors.findIndex((s) => s.kind === 'rest');
  const leftover = remaining.slice(start).map((d) => d.id);
  if (restIndex >= 0) waves[restIndex] = leftover;
  return { waves, unassigned: restIndex >= 0 ? [] : leftover };
}
