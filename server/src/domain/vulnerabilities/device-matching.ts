import { compareVersions } from '@patchwave/shared';
import type { AvailableUpdate, InstalledPackage } from '@patchwave/shared';
import type { Logger } from 'pino';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import { factsForHit } from '../findings/assess.js';
import type { Finding } from '../findings/finding.js';
import { findingId } from '../findings/finding.js';
import { reconcile } from '../findings/reconcile.js';
import type { CurrentState, ReconcileResult, ReportRef } from '../findings/reconcile.js';
import { deviceEcosystem } from '../matching/ecosystem.js';
import type { DeviceEcosystem } from '../matching/ecosystem.js';
import { SupersedenceGraph } from '../matching/kb-supersedence.js';
import { toMatchables } from '../matching/matchable.js';
import type { MatchablePackage } from '../matching/matchable.js';
import { Matcher } from '../matching/matcher.js';
import { installedKbs, securityUpdateHits } from '../matching/security-updates.js';
import type { Repositories, Store } from '../store.js';
import type { VulnerabilityConfig } from './config.js';
import { explainingFinding, retireExplained } from './duplicate-findings.js';
import { persistFindings, scoringContext } from './finding-writer.js';

export interface DeviceMatchSummary {
  deviceId: string;
  reportId: number;
  /** The device's own OSV ecosystem key, or null with `unsupportedReason` (matched on package-manager metadata only). */
  ecosystem: string | null;
  unsupportedReason: string | null;
  /** `all`, or the package groups the inventory changed. */
  scope: 'all' | string[];
  evaluated: number;
  opened: number;
  fixed: number;
  reopened: number;
  /** Windows updates offered but covered by an installed superseding update. */
  suppressed: number;
}

const count = (r: ReconcileResult, kind: string): number => r.events.filter((e) => e.kind === kind).length;

/** Lowest matchable version per package group: what the device has now of each group. */
function versionsByGroup(eco: DeviceEcosystem, matchables: readonly MatchablePackage[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of matchables) {
    const v = out.get(m.group);
    if (v === undefined || compareVersions(eco.scheme, m.version, v) < 0) out.set(m.group, m.version);
  }
  return out;
}

/** What the device has now of a package-manager or KB finding's package, for evidence. */
function securityCurrent(installed: readonly InstalledPackage[], graph: SupersedenceGraph): (f: Finding) => CurrentState {
  const byKey = new Map(installed.map((p) => [`${p.manager}\u0000${p.name}\u0000${p.arch}`, p.version]));
  const kbs = installedKbs(installed);
  return (f) => {
    if (f.source === 'kb') {
      if (kbs.has(f.group)) return { kind: 'present', version: f.group };
      const cover = graph.coveredBy(f.group, kbs);
      // Not installed and not superseded: no evidence of a fix, whatever Windows Update offers now.
      return cover.covered ? { kind: 'superseded', by: cover.by as string } : { kind: 'present', version: f.installedVersion };
    }
    for (const b of f.binaries) {
      const v = byKey.get(`${b.manager}\u0000${b.name}\u0000${b.arch}`);
      if (v !== undefined) return { kind: 'present', version: v };
    }
    return { kind: 'absent' };
  };
}

/**
 * Matching after an inventory report: the device's packages (grouped by source package for
 * Debian/Ubuntu/Alpine/SUSE) are diffed against what the matcher last saw, only the changed
 * groups are evaluated, and findings are opened, refreshed or closed with this report as the
 * evidence. Then the package managers' own security metadata (apt security origin, updateinfo,
 * Windows Update with supersedence) is reconciled the same way.
 */
export class DeviceMatching {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
    private readonly config: VulnerabilityConfig,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Matches the device at stored report `reportId`; a report already matched (or older) is skipped. */
  async matchDevice(deviceId: string, report: { id: number; receivedAt: string }): Promise<DeviceMatchSummary | null> {
    return this.store.transaction(async (tx) => {
      const state = await tx.matchState.get(deviceId);
      if (state && state.reportId >= report.id) return null;
      return this.matchIn(tx, deviceId, report);
    });
  }

  /** Re-matches devices whose newest report was stored but not matched (a crash in between). */
  async resumePending(): Promise<number> {
    const pending = await this.store.matchState.pending();
    for (const p of pending) {
      try {
        await this.matchDevice(p.deviceId, { id: p.reportId, receivedAt: p.receivedAt });
      } catch (err) {
        this.log.error({ err, deviceId: p.deviceId, reportId: p.reportId }, 'matching a pending inventory failed');
      }
    }
    return pending.length;
  }

  private async matchIn(tx: Repositories, deviceId: string, report: { id: number; receivedAt: string }): Promise<DeviceMatchSummary | null> {
    const device = await tx.devices.get(deviceId);
    if (!device) return null;
    const now = this.clock.now().toISOString();
    const ref: ReportRef = { id: String(report.id), observedAt: report.receivedAt };
    const installed = await tx.inventory.listInstalled(deviceId);
    const updates: AvailableUpdate[] = (await tx.fleet.availableUpdates([deviceId])).get(deviceId) ?? [];
    const existing = await tx.findings.listByDevice(deviceId);
    const scoring = scoringContext(tx, this.config);
    const facts = (h: Parameters<typeof factsForHit>[0]) => factsForHit(h, tx.matching.advisory);
    const matcher = new Matcher(tx.matching.affected, tx.matching.installed);
    const eco = deviceEcosystem(device.facts.os);

    let osv: ReconcileResult = { upserts: [], events: [] };
    let scope: DeviceMatchSummary['scope'] = 'all';
    let evaluated = 0;
    const osvIds = new Set(existing.filter((f) => f.source === 'osv').map((f) => f.id));
    let activeOsv: Finding[] = [];
    if (eco.ok) {
      const matchables = toMatchables(eco.ecosystem, installed);
      const m = matcher.updateDevice(deviceId, eco.ecosystem, matchables);
      const current = versionsByGroup(eco.ecosystem, matchables);
      scope = m.scope === 'all' ? 'all' : m.scope.groups;
      evaluated = m.evaluated;
      osv = reconcile({
        scope: { kind: 'device', deviceId, groups: m.scope === 'all' ? 'all' : new Set(m.scope.groups), sources: ['osv'] },
        existing,
        hits: m.hits,
        report: ref,
        current: (f) => {
          const v = current.get(f.group);
          return v === undefined ? { kind: 'absent' } : { kind: 'present', version: v };
        },
        facts,
        scoring,
      });
      for (const h of m.hits) osvIds.add(findingId(h.deviceId, h.advisoryId, h.group));
      // Active OSV findings of the device, evaluated now or earlier (a delta evaluates only changed groups).
      const changed = new Set(osv.upserts.map((u) => u.id));
      activeOsv = [...osv.upserts, ...existing.filter((f) => !changed.has(f.id))].filter((f) => f.source === 'osv' && (f.status === 'open' || f.status === 'accepted_risk'));
    } else {
      // Not an OSV ecosystem (any more): stop matching advisories against packages we cannot evaluate.
      matcher.removeDevice(deviceId);
    }

    const windows = [...installed, ...updates].some((p) => p.manager === 'windows-update');
    const graph = new SupersedenceGraph(windows ? await tx.supersedence.edges() : []);
    const sec = securityUpdateHits(deviceId, installed, updates, graph);
    // The same advisory on the same package from OSV and from the package manager is one finding: OSV's, with ranges.
    // A security update the tool names no advisory for (`apt:<package>`) that reaches an OSV fix is that finding's fix, not another finding.
    const hits = sec.hits.filter((h) => !osvIds.has(findingId(h.deviceId, h.advisoryId, h.group)) && !explainingFinding(h, activeOsv));
    const retired = retireExplained(existing, activeOsv, ref.observedAt);
    const retiredIds = new Set(retired.upserts.map((f) => f.id));
    const pm = reconcile({
      scope: { kind: 'device', deviceId, groups: 'all', sources: ['package-manager', 'kb'] },
      existing: existing.filter((f) => !retiredIds.has(f.id)),
      hits,
      report: ref,
      current: securityCurrent(installed, graph),
      facts,
      scoring,
    });

    await persistFindings(
      tx,
      this.audit,
      { upserts: [...osv.upserts, ...pm.upserts, ...retired.upserts], events: [...osv.events, ...pm.events, ...retired.events] },
      now,
      `device:${deviceId}`,
    );
    await tx.matchState.set({
      deviceId,
      reportId: report.id,
      matchedAt: now,
      ecosystem: eco.ok ? (eco.ecosystem.lookups[0] as string) : null,
      unsupportedReason: eco.ok ? null : eco.reason,
    });
    return {
      deviceId,
      reportId: report.id,
      ecosystem: eco.ok ? (eco.ecosystem.lookups[0] as string) : null,
      unsupportedReason: eco.ok ? null : eco.reason,
      scope,
      evaluated,
      opened: count(osv, 'opened') + count(pm, 'opened'),
      fixed: count(osv, 'fixed') + count(pm, 'fixed'),
      reopened: count(osv, 'reopened') + count(pm, 'reopened'),
      suppressed: sec.suppressed.length,
    };
  }
}
