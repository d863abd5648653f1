import type { WaveSelector } from '@patchwave/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assignWaves, wavePosition, type AssignableDevice } from './wave-assignment.js';

const fleet = (n: number, tags: (i: number) => string[] = () => []): AssignableDevice[] =>
  Array.from({ length: n }, (_, i) => ({ id: `dev-${String(i).padStart(3, '0')}`, tags: tags(i) }));

const shuffle = <T>(items: readonly T[], seed: number): T[] => {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
};

const canaryPilotRest: WaveSelector[] = [
  { kind: 'percent', percent: 5 },
  { kind: 'percent', percent: 25 },
  { kind: 'rest' },
];

describe('wavePosition', () => {
  it('is a stable fraction in [0, 1) that depends on the deployment and the device', () => {
    const p = wavePosition('dep-1', 'dev-1');
    expect(p).toBeGreaterThanOrEqual(0);
    expect(p).toBeLessThan(1);
    expect(wavePosition('dep-1', 'dev-1')).toBe(p);
    expect(wavePosition('dep-2', 'dev-1')).not.toBe(p);
    // Pinned: SHA-256("dep-1\ndev-1") starts with 5ee22a3465b20. Changing the hash input or the
    // algorithm would move devices of running deployments between waves.
    expect(p).toBe(0x5ee22a3465b20 / 2 ** 52);
  });
});

describe('assignWaves', () => {
  it('cuts 20 devices into canary 5% / pilot 25% / rest: 1 / 5 / 14', () => {
    const a = assignWaves('dep-1', canaryPilotRest, fleet(20));
    expect(a.waves.map((w) => w.length)).toEqual([1, 5, 14]);
    expect(a.unassigned).toEqual([]);
    expect(new Set(a.waves.flat()).size).toBe(20);
  });

  it('gives the same assignment whatever the order of the devices and on every recomputation', () => {
    const devices = fleet(57, (i) => (i % 7 === 0 ? ['canary'] : []));
    const selectors: WaveSelector[] = [{ kind: 'tags', tags: ['canary'] }, { kind: 'percent', percent: 10 }, { kind: 'rest' }];
    const first = assignWaves('dep-x', selectors, devices);
    for (const seed of [1, 2, 3, 99]) {
      expect(assignWaves('dep-x', selectors, shuffle(devices, seed))).toEqual(first);
    }
  });

  it('depends on the deployment id, so different deployments pick different canaries', () => {
    const a = assignWaves('dep-a', canaryPilotRest, fleet(100));
    const b = assignWaves('dep-b', canaryPilotRest, fleet(100));
    expect(a.waves[0]).not.toEqual(b.waves[0]);
  });

  it('keeps a device in the same wave when another device joins the rest of the fleet', () => {
    const devices = fleet(200);
    const before = assignWaves('dep-1', canaryPilotRest, devices);
    const after = assignWaves('dep-1', canaryPilotRest, [...devices, { id: 'dev-new', tags: [] }]);
    // Positions do not move; only a slice boundary can shift by the one new device.
    const moved = devices.filter((d) => before.waves.findIndex((w) => w.includes(d.id)) !== after.waves.findIndex((w) => w.includes(d.id)));
    expect(moved.length).toBeLessThanOrEqual(2);
  });

  it('lets tag waves claim first, first matching wave wins, and splits percentages over the remaining devices', () => {
    const devices = fleet(24, (i) => (i < 2 ? ['canary', 'web'] : i < 6 ? ['web'] : []));
    const selectors: WaveSelector[] = [
      { kind: 'tags', tags: ['canary'] },
      { kind: 'percent', percent: 50 },
      { kind: 'tags', tags: ['web', 'canary'] },
      { kind: 'rest' },
    ];
    const a = assignWaves('dep-1', selectors, devices);
    expect([...(a.waves[0] ?? [])].sort()).toEqual(['dev-000', 'dev-001']);
    expect([...(a.waves[2] ?? [])].sort()).toEqual(['dev-002', 'dev-003', 'dev-004', 'dev-005']);
    // 18 devices remain after the tag waves: 50% of them is 9.
    expect(a.waves[1]).toHaveLength(9);
    expect(a.waves[3]).toHaveLength(9);
    expect(a.waves[1]?.some((id) => ['dev-000', 'dev-001', 'dev-002'].includes(id))).toBe(false);
  });

  it('leaves devices unassigned without a rest wave, and handles empty fleets and duplicates', () => {
    const a = assignWaves('dep-1', [{ kind: 'percent', percent: 10 }], fleet(30));
    expect(a.waves[0]).toHaveLength(3);
    expect(a.unassigned).toHaveLength(27);
    expect(assignWaves('dep-1', canaryPilotRest, [])).toEqual({ waves: [[], [], []], unassigned: [] });
    const dup = assignWaves('dep-1', [{ kind: 'rest' }], [...fleet(3), ...fleet(3)]);
    expect(dup.waves[0]).toHaveLength(3);
  });

  it('orders devices inside a wave by position', () => {
    const a = assignWaves('dep-1', [{ kind: 'rest' }], fleet(10));
    const positions = (a.waves[0] ?? []).map((id) => wavePosition('dep-1', id));
    expect(positions).toEqual([...positions].sort((x, y) => x - y));
  });

  it('property: every device lands in exactly one wave or unassigned, and slices add up', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 120 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (n, percents, rest) => {
          const total = percents.reduce((s, p) => s + p, 0);
          fc.pre(total <= 100);
          const selectors: WaveSelector[] = [...percents.map((percent): WaveSelector => ({ kind: 'percent', percent })), ...(rest ? [{ kind: 'rest' } as const] : [])];
          const a = assignWaves('dep-p', selectors, fleet(n));
          const all = [...a.waves.flat(), ...a.unassigned];
          expect(all).toHaveLength(n);
          expect(new Set(all).size).toBe(n);
          const cut = percents.reduce((s, _p, i) => s + (a.waves[i]?.length ?? 0), 0);
          expect(cut).toBe(Math.max(0, Math.min(n, Math.ceil((total * n) / 100 - 1e-9))));
        },
      ),
    );
  });
});
