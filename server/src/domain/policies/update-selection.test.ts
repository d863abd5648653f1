import { PolicyDeferral, PolicySelection, type AvailableUpdate } from '@patchwave/shared';
import { describe, expect, it } from 'vitest';
import { firstSeenKey, globMatches, selectForDevice, updateRiskKey, type UpdateRisk } from './update-selection.js';

const NOW = new Date('2026-03-10T00:00:00Z');
const DAY = 86_400_000;
const update = (name: string, over: Partial<AvailableUpdate> = {}): AvailableUpdate => ({
  manager: 'apt',
  name,
  arch: 'amd64',
  installedVersion: '1.0',
  candidateVersion: '1.1',
  security: true,
  advisories: [],
  cves: [],
  ...over,
});
const seen = (entries: [AvailableUpdate, number][]) => new Map(entries.map(([u, daysAgo]) => [firstSeenKey({ manager: u.manager, name: u.name, version: u.candidateVersion }), new Date(NOW.getTime() - daysAgo * DAY)]));
const spec = (deferralDays: number, selection: object = {}) => ({ selection: PolicySelection.parse(selection), deferral: PolicyDeferral.parse({ days: deferralDays }) });
const none = new Map<string, UpdateRisk>();

describe('deferral', () => {
  it('does not select an update first seen 2 days ago with a 7-day deferral, and selects one seen 8 days ago', () => {
    const fresh = update('fresh');
    const old = update('old');
    const sel = selectForDevice(spec(7), [fresh, old], none, seen([[fresh, 2], [old, 8]]), NOW);
    expect(sel.selected.map((s) => s.name)).toEqual(['old']);
    expect(sel.deferred.map((d) => [d.name, d.dueAt.toISOString()])).toEqual([['fresh', '2026-03-15T00:00:00.000Z']]);
  });

  it('lets a KEV-listed update and a P1 one skip the deferral, saying why', () => {
    const kev = update('kev');
    const p1 = update('p1');
    const p3 = update('p3');
    const risks = new Map<string, UpdateRisk>([
      [updateRiskKey(kev), { kev: true, priorities: ['P2'], severity: 'high' }],
      [updateRiskKey(p1), { kev: false, priorities: ['P1'], severity: 'critical' }],
      [updateRiskKey(p3), { kev: false, priorities: ['P3'], severity: 'medium' }],
    ]);
    const sel = selectForDevice(spec(7), [kev, p1, p3], risks, seen([[kev, 2], [p1, 2], [p3, 2]]), NOW);
    expect(sel.selected.map((s) => [s.name, s.expedited])).toEqual([
      ['kev', 'fixes a KEV-listed vulnerability'],
      ['p1', 'fixes a P1 finding'],
    ]);
    expect(sel.deferred.map((d) => d.name)).toEqual(['p3']);
  });

  it('counts an update never seen before as seen now', () => {
    expect(selectForDevice(spec(1), [update('new')], none, new Map(), NOW).deferred.map((d) => d.name)).toEqual(['new']);
    expect(selectForDevice(spec(0), [update('new')], none, new Map(), NOW).selected.map((d) => d.name)).toEqual(['new']);
  });
});

describe('selection', () => {
  const updates = [
    update('openssl', { severity: 'important' }),
    update('vim', { security: false }),
    update('libssl3', { security: 'unknown' }),
    update('curl', { severity: 'low', manager: 'dnf' }),
    update('linux-image-amd64', { severity: 'critical' }),
  ];
  const names = (selection: object) => selectForDevice(spec(0, selection), updates, none, new Map(), NOW).selected.map((s) => s.name);

  it('takes security updates only where the tool says so, or all', () => {
    expect(names({})).toEqual(['openssl', 'curl', 'linux-image-amd64']);
    expect(names({ updates: 'all' })).toEqual(['openssl', 'vim', 'libssl3', 'curl', 'linux-image-amd64']);
  });

  it('filters by minimum severity (a tool\'s important counts as high), manager and name patterns', () => {
    expect(names({ minSeverity: 'high' })).toEqual(['openssl', 'linux-image-amd64']);
    expect(names({ managers: ['dnf'] })).toEqual(['curl']);
    expect(names({ updates: 'all', packages: ['lib*', 'vi?'] })).toEqual(['vim', 'libssl3']);
    expect(names({ excludePackages: ['linux-image-*'] })).toEqual(['openssl', 'curl']);
  });

  it('matches globs literally apart from * and ?', () => {
    expect(globMatches('libc6.*', 'libc6.x')).toBe(true);
    expect(globMatches('libc6.*', 'libc6x')).toBe(false);
    expect(globMatches('g++', 'g++')).toBe(true);
  });
});
