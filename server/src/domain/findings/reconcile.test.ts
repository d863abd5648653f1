import { readFileSync } from 'node:fs';
import { FindingView } from '@patchwave/shared';
import type { InstalledPackage } from '@patchwave/shared';
import { describe, expect, it } from 'vitest';
import type { Advisory } from '../advisories/advisory.js';
import { parseEpssCsv } from '../advisories/epss.js';
import { unwrapFeed } from '../advisories/feed-issue.js';
import { parseOsvJson } from '../advisories/osv.js';
import { InMemoryThreatIntel } from '../advisories/threat-intel.js';
import { InMemoryAffectedIndex } from '../matching/affected-index.js';
import { deviceEcosystem } from '../matching/ecosystem.js';
import { InMemoryInstalledIndex } from '../matching/installed-index.js';
import { toMatchables } from '../matching/matchable.js';
import { Matcher } from '../matching/matcher.js';
import type { MatchHit } from '../matching/matcher.js';
import { SupersedenceGraph } from '../matching/kb-supersedence.js';
import { securityUpdateHits } from '../matching/security-updates.js';
import type { SecurityHit } from '../matching/security-updates.js';
import { factsForHit } from './assess.js';
import type { ScoringContext } from './assess.js';
import { findingState, toFindingView } from './finding.js';
import type { Finding } from './finding.js';
import { acceptRisk, markNotAffected, revokeException } from './lifecycle.js';
import { factsOfFinding, reconcile, rescore } from './reconcile.js';
import type { CurrentState, ReconcileScope } from './reconcile.js';

// Constructed Debian records (no real Debian OSV record exists in shared/fixtures; see the sidecar).
const DEBIAN = unwrapFeed(parseOsvJson('d.json', readFileSync(new URL('../advisories/fixtures/osv-debian-constructed.json', import.meta.url), 'utf8')));
const byId = new Map(DEBIAN.map((a) => [a.id, a]));
const EPSS = unwrapFeed(parseEpssCsv('e.csv', '#model_version:v2025.03.14,score_date:2025-09-03T12:55:00Z\ncve,epss,percentile\nCVE-2024-90001,0.42,0.97\n'));

const eco = (() => {
  const r = deviceEcosystem({ platform: 'linux', distro: 'Debian', release: '12', id: 'debian', kernel: '', arch: 'x86_64' });
  if (!r.ok) throw new Error(r.reason);
  return r.ecosystem;
})();
const lib = (v: string): InstalledPackage => ({ manager: 'apt', name: 'libexample1', version: v, arch: 'amd64', source: { name: 'libexample', version: v } });

/** A small harness over the pure pieces, standing in for the phase-2 service. */
function harness() {
  const matcher = new Matcher(new InMemoryAffectedIndex(), new InMemoryInstalledIndex());
  for (const a of DEBIAN) matcher.applyAdvisory(a);
  const store = new Map<string, Finding>();
  let packages: InstalledPackage[] = [];
  const scoring: ScoringContext = {
    intel: new InMemoryThreatIntel(null, EPSS),
    asset: () => ({ criticality: 'high', internetFacing: true }),
  };
  const current = (f: Finding): CurrentState => {
    const p = packages.filter((x) => (x.source?.name ?? x.name) === f.group);
    return p.length === 0 ? { kind: 'absent' } : { kind: 'present', version: p[0]!.source?.version ?? p[0]!.version };
  };
  const apply = (scope: ReconcileScope, hits: (MatchHit | SecurityHit)[], report: { id: string; observedAt: string }) => {
    const r = reconcile({ scope, existing: [...store.values()], hits, report, current, facts: (h) => factsForHit(h, (id) => byId.get(id)), scoring });
    for (const f of r.upserts) store.set(f.id, f);
    return r;
  };
  const inventory = (id: string, observedAt: string, pkgs: InstalledPackage[]) => {
    packages = pkgs;
    const m = matcher.updateDevice('dev-1', eco, toMatchables(eco, pkgs));
    return apply({ kind: 'device', deviceId: 'dev-1', groups: m.scope === 'all' ? 'all' : new Set(m.scope.groups), sources: ['osv'] }, m.hits, { id, observedAt });
  };
  const advisory = (a: Advisory, at: string) => {
    byId.set(a.id, a);
    const m = matcher.applyAdvisory(a);
    return apply({ kind: 'advisory', advisoryId: a.id, withdrawn: a.withdrawn !== null }, m.hits, { id: `import-${a.id}`, observedAt: at });
  };
  return { store, inventory, advisory, apply, scoring };
}

describe('finding lifecycle from inventories', () => {
  it('opens with score parts and due date, closes on the upgrade’s evidence, reopens on a downgrade', () => {
    const h = harness();
    const opened = h.inventory('inv-1', '2025-09-01T10:00:00.000Z', [lib('1.2-3')]);
    expect(opened.events.map((e) => [e.kind, e.to])).toEqual([['opened', 'open']]);
    const [f] = opened.upserts;
    expect(f).toMatchObject({
      advisoryId: 'DSA-9001-1', group: 'libexample', installedVersion: '1.2-3', fixedVersion: '1.2-3+deb12u1', cves: ['CVE-2024-90001'],
      severity: 'high', firstSeenAt: '2025-09-01T10:00:00.000Z', firstSeenReportId: 'inv-1',
      dueAt: '2025-10-01T10:00:00.000Z', dueRule: 'high: 30 days from first seen', status: 'open',
    });
    // Parts of the score: Debian urgency "high" (no vector) → 8.0; EPSS 0.42; high, internet-facing device.
    expect(f!.score.factors.map((x) => [x.factor, x.points])).toEqual([['cvss', 28], ['epss', 8.4], ['kev', 0], ['ransomware', 0], ['criticality', 9], ['exposure', 8]]);
    expect(f!.score).toMatchObject({ total: 53.4, priority: 'P2' });
    const view = toFindingView(f!, '2025-09-02T00:00:00.000Z');
    expect(FindingView.parse(view)).toEqual(view);
    expect(view).toMatchObject({ state: 'open', overdue: false, epss: { probability: 0.42, percentile: 0.97, scoreDate: '2025-09-03' } });
    expect(findingState(f!, '2025-10-02T00:00:00.000Z')).toBe('overdue');

    const same = h.inventory('inv-2', '2025-09-02T10:00:00.000Z', [lib('1.2-3')]);
    expect(same).toEqual({ upserts: [], events: [] });

    const fixed = h.inventory('inv-3', '2025-09-05T10:00:00.000Z', [lib('1.2-3+deb12u1')]);
    expect(fixed.events.map((e) => [e.kind, e.from, e.to])).toEqual([['fixed', 'open', 'fixed']]);
    expect(fixed.upserts[0]).toMatchObject({
      status: 'fixed', resolvedAt: '2025-09-05T10:00:00.000Z',
      evidence: { kind: 'upgraded', inventoryReportId: 'inv-3', observedAt: '2025-09-05T10:00:00.000Z', installedVersion: '1.2-3+deb12u1' },
    });

    const back = h.inventory('inv-4', '2025-09-06T10:00:00.000Z', [lib('1.2-3')]);
    expect(back.events.map((e) => e.kind)).toEqual(['reopened']);
    expect(back.upserts[0]).toMatchObject({ status: 'open', evidence: null, reopenCount: 1, firstSeenAt: '2025-09-01T10:00:00.000Z' });

    const removed = h.inventory('inv-5', '2025-09-07T10:00:00.000Z', []);
    expect(removed.upserts[0]).toMatchObject({ status: 'fixed', evidence: { kind: 'removed', installedVersion: null, inventoryReportId: 'inv-5' } });
  });

  it('a revised advisory makes findings not affected; a withdrawn one too; revising back reopens', () => {
    const h = harness();
    h.inventory('inv-1', '2025-09-01T10:00:00.000Z', [lib('1.2-3')]);
    const a = byId.get('DSA-9001-1')!;
    const revised: Advisory = { ...a, modified: '2025-09-10T00:00:00Z', affected: [{ ...a.affected[0]!, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.2-1' }] }], versions: [] }] };
    const r = h.advisory(revised, '2025-09-10T00:00:00.000Z');
    expect(r.upserts[0]).toMatchObject({ status: 'not_affected', notAffected: { reason: 'advisory_revised' }, resolvedAt: '2025-09-10T00:00:00.000Z' });
    const again = h.advisory(a, '2025-09-11T00:00:00.000Z');
    expect(again.events.map((e) => e.kind)).toEqual(['reopened']);
    const gone = h.advisory({ ...a, withdrawn: '2025-09-12T00:00:00Z' }, '2025-09-12T00:00:00.000Z');
    expect(gone.upserts[0]).toMatchObject({ status: 'not_affected', notAffected: { reason: 'advisory_withdrawn' } });
  });

  it('accepted risk needs reason, approver and a future expiry; it lapses back to open', () => {
    const h = harness();
    const [f] = h.inventory('inv-1', '2025-09-01T10:00:00.000Z', [lib('1.2-3')]).upserts;
    expect(() => acceptRisk(f!, { reason: 'vendor appliance', approvedAt: '2025-09-02T00:00:00Z', expiresAt: '2025-12-01T00:00:00Z' }, '2025-09-02T00:00:00Z')).toThrow(/invalid risk exception: approver/);
    expect(() => acceptRisk(f!, { reason: 'x', approver: 'ciso', approvedAt: '2025-09-02T00:00:00Z', expiresAt: '2025-09-01T00:00:00Z' }, '2025-09-02T00:00:00Z')).toThrow(/expiresAt must be after approvedAt/);
    const t = acceptRisk(f!, { reason: 'compensating WAF rule', approver: 'ciso@example.org', approvedAt: '2025-09-02T00:00:00Z', expiresAt: '2025-10-15T00:00:00Z' }, '2025-09-02T00:00:00Z');
    expect(t.event).toMatchObject({ kind: 'risk_accepted', from: 'open', to: 'accepted_risk', actor: 'ciso@example.org' });
    expect(findingState(t.finding, '2025-10-10T00:00:00Z')).toBe('accepted_risk');
    expect(findingState(t.finding, '2025-10-16T00:00:00Z')).toBe('overdue');
    expect(revokeException(t.finding, '2025-09-03T00:00:00Z', 'ciso@example.org').finding.status).toBe('open');
    expect(() => revokeException(f!, '2025-09-03T00:00:00Z', 'x')).toThrow(/cannot revoke the exception of finding .*: it is open/);
    // An accepted risk is still closed by evidence.
    h.store.set(t.finding.id, t.finding);
    expect(h.inventory('inv-2', '2025-09-05T00:00:00.000Z', [lib('1.2-3+deb12u1')]).upserts[0]).toMatchObject({ status: 'fixed', exception: null });
  });

  it('an operator’s not-affected decision is not overturned by the next inventory', () => {
    const h = harness();
    const [f] = h.inventory('inv-1', '2025-09-01T10:00:00.000Z', [lib('1.2-3')]).upserts;
    const t = markNotAffected(f!, { reason: 'operator_assessment', note: 'feature compiled out', decidedBy: 'alice', decidedAt: '2025-09-02T00:00:00.000Z' });
    h.store.set(t.finding.id, t.finding);
    // Still vulnerable (1.2-2), so the group is re-evaluated and hit again.
    const r = h.inventory('inv-2', '2025-09-03T00:00:00.000Z', [lib('1.2-2')]);
    expect(h.store.get(f!.id)).toMatchObject({ status: 'not_affected', lastSeenAt: '2025-09-03T00:00:00.000Z' });
    expect(r.events).toEqual([]);
    expect(() => markNotAffected(f!, { reason: 'because', decidedAt: 'now' })).toThrow(/invalid not-affected decision/);
  });

  it('package-manager findings close only when the package changed', () => {
    const h = harness();
    const installed: InstalledPackage[] = [{ manager: 'dnf', name: 'curl', version: '7.76.1-26.el9', arch: 'x86_64' }];
    const offered = [{ manager: 'dnf' as const, name: 'curl', arch: 'x86_64', installedVersion: '7.76.1-26.el9', candidateVersion: '7.76.1-29.el9_4', security: true as const, severity: 'important' as const, advisories: ['RHSA-2024:2101'], cves: ['CVE-2023-46218'] }];
    let current: CurrentState = { kind: 'present', version: '7.76.1-26.el9' };
    const run = (id: string, at: string, updates: typeof offered) => {
      const hits = securityUpdateHits('dev-1', installed, updates, new SupersedenceGraph()).hits;
      const r = reconcile({ scope: { kind: 'device', deviceId: 'dev-1', groups: 'all', sources: ['package-manager'] }, existing: [...h.store.values()], hits, report: { id, observedAt: at }, current: () => current, facts: (x) => factsForHit(x, () => undefined), scoring: h.scoring });
      for (const f of r.upserts) h.store.set(f.id, f);
      return r;
    };
    expect(run('i1', '2025-09-01T00:00:00.000Z', offered).upserts[0]).toMatchObject({ source: 'package-manager', severity: 'high', dueAt: '2025-10-01T00:00:00.000Z', fixedVersion: '7.76.1-29.el9_4' });
    // The repository stopped offering it, but curl did not change: no evidence of a fix.
    expect(run('i2', '2025-09-02T00:00:00.000Z', []).upserts).toEqual([]);
    current = { kind: 'present', version: '7.76.1-29.el9_4' };
    expect(run('i3', '2025-09-03T00:00:00.000Z', []).upserts[0]).toMatchObject({ status: 'fixed', evidence: { kind: 'upgraded', installedVersion: '7.76.1-29.el9_4' } });
  });

  it('rescoring after a KEV import moves the due date and priority, with an event', () => {
    const h = harness();
    const [f] = h.inventory('inv-1', '2025-09-01T10:00:00.000Z', [lib('1.2-3')]).upserts;
    const kevIntel = new InMemoryThreatIntel({ catalogVersion: 'x', dateReleased: '2025-09-02T00:00:00Z', count: 1, entries: [{ cve: 'CVE-2024-90001', vendorProject: 'x', product: 'x', vulnerabilityName: 'x', dateAdded: '2025-09-02', dueDate: '2025-09-23', requiredAction: 'x', shortDescription: 'x', knownRansomware: false, cwes: [] }] }, EPSS);
    const r = rescore([f!], factsOfFinding, { ...h.scoring, intel: kevIntel }, '2025-09-02T00:00:00.000Z');
    expect(r.upserts[0]).toMatchObject({ dueAt: '2025-09-09T00:00:00.000Z', dueRule: 'KEV: 7 days from KEV listing', score: { priority: 'P1' } });
    expect(r.events[0]).toMatchObject({ kind: 'rescored', detail: { priority: ['P2', 'P1'] } });
    expect(rescore(r.upserts, factsOfFinding, { ...h.scoring, intel: kevIntel }, '2025-09-03T00:00:00.000Z').upserts).toEqual([]);
  });
});
