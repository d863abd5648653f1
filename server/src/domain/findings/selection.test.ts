import { FindingSelection, PatchCatalogEntry, ResolvedSelection } from '@patchwave/shared';
import type { AvailableUpdate } from '@patchwave/shared';
import { describe, expect, it } from 'vitest';
import type { Finding } from './finding.js';
import { findingId } from './finding.js';
import { buildPatchCatalog } from './patch-catalog.js';
import { resolveSelection } from './selection.js';

const NOW = '2025-09-10T00:00:00.000Z';

function finding(deviceId: string, advisoryId: string, over: Partial<Finding> & { priority?: 'P1' | 'P2' | 'P3' | 'P4'; kev?: boolean } = {}): Finding {
  const { priority = 'P3', kev = false, ...rest } = over;
  const group = rest.group ?? 'openssl';
  return {
    id: findingId(deviceId, advisoryId, group), deviceId, advisoryId, source: 'osv', ecosystem: 'Debian:12', group,
    installedVersion: '3.0.11-1~deb12u2', fixedVersion: '3.0.13-1~deb12u1',
    binaries: [{ manager: 'apt', name: 'libssl3', arch: 'amd64', version: '3.0.11-1~deb12u2' }, { manager: 'apt', name: 'openssl', arch: 'amd64', version: '3.0.11-1~deb12u2' }],
    cves: ['CVE-2024-90002'], severity: 'critical', cvss: null,
    threat: { kev: kev ? { cve: 'CVE-2024-90002', dateAdded: '2025-09-01', dueDate: '2025-09-22', knownRansomware: false } : null, epss: null },
    score: { total: 50, priority, model: 'patchwave-risk/1', factors: [], floor: null },
    advisoryPublishedAt: null, firstSeenAt: '2025-09-01T00:00:00.000Z', firstSeenReportId: 'r', lastSeenAt: '2025-09-01T00:00:00.000Z',
    dueAt: '2025-09-15T00:00:00.000Z', dueRule: 'x', status: 'open', resolvedAt: null, evidence: null, exception: null, notAffected: null, reopenCount: 0,
    ...rest,
  };
}
const up = (name: string, candidateVersion: string, extra: Partial<AvailableUpdate> = {}): AvailableUpdate => ({
  manager: 'apt', name, arch: 'amd64', installedVersion: '3.0.11-1~deb12u2', candidateVersion, security: true, advisories: [], cves: [], ...extra,
});

const updates: Record<string, AvailableUpdate[]> = {
  d1: [up('libssl3', '3.0.14-1~deb12u2'), up('openssl', '3.0.14-1~deb12u2'), up('bash', '5.2.15-2+b7', { security: false, installedVersion: '5.2.15-2+b2' })],
  d2: [up('libssl3', '3.0.14-1~deb12u2'), up('openssl', '3.0.11-1~deb12u3')],
  d3: [],
  d4: [up('libssl3', '3.0.14-1~deb12u2'), up('openssl', '3.0.14-1~deb12u2')],
};
const findings = [
  finding('d1', 'DEBIAN-CVE-2024-90002', { priority: 'P1', kev: true }),
  finding('d1', 'DSA-9001-1', { priority: 'P3', group: 'libexample', fixedVersion: null, binaries: [{ manager: 'apt', name: 'libexample1', arch: 'amd64', version: '1.2-3' }] }),
  finding('d2', 'DEBIAN-CVE-2024-90002', { priority: 'P1' }),
  finding('d3', 'DEBIAN-CVE-2024-90002', { priority: 'P1' }),
  finding('d4', 'DEBIAN-CVE-2024-90002', { priority: 'P1', status: 'accepted_risk', exception: { reason: 'r', approver: 'a', approvedAt: '2025-09-02T00:00:00Z', expiresAt: '2025-12-01T00:00:00Z' } }),
];
const updatesOf = (d: string) => updates[d] ?? [];

describe('deployment selections', () => {
  it('"fixes P1 findings" resolves to package@version per device, and says what cannot be fixed', () => {
    const r = resolveSelection(FindingSelection.parse({ kind: 'priority', priorities: ['P1'] }), findings, updatesOf, NOW);
    expect(ResolvedSelection.parse(r)).toEqual(r);
    expect(r.devices).toEqual([
      { deviceId: 'd1', packages: [
        { manager: 'apt', name: 'libssl3', arch: 'amd64', version: '3.0.14-1~deb12u2', fixes: [findings[0]!.id] },
        { manager: 'apt', name: 'openssl', arch: 'amd64', version: '3.0.14-1~deb12u2', fixes: [findings[0]!.id] },
      ] },
      // d2: openssl's candidate is below the fix; libssl3's is enough and still goes out.
      { deviceId: 'd2', packages: [{ manager: 'apt', name: 'libssl3', arch: 'amd64', version: '3.0.14-1~deb12u2', fixes: [findings[2]!.id] }] },
    ]);
    expect(r.unresolved).toEqual([
      { findingId: findings[2]!.id, deviceId: 'd2', reason: 'update_below_fixed_version' },
      { findingId: findings[3]!.id, deviceId: 'd3', reason: 'no_update_available' },
    ]);
  });

  it('"fixes KEV findings", "fixes CVE-X", by advisory; accepted risks are left out until the exception expires', () => {
    expect(resolveSelection({ kind: 'kev' }, findings, updatesOf, NOW).devices.map((d) => d.deviceId)).toEqual(['d1']);
    const byCve = resolveSelection({ kind: 'cve', cves: ['CVE-2024-90002'] }, findings, updatesOf, NOW);
    expect(byCve.devices.map((d) => d.deviceId)).toEqual(['d1', 'd2']);
    expect(resolveSelection({ kind: 'cve', cves: ['CVE-2024-90002'] }, findings, updatesOf, '2025-12-02T00:00:00.000Z').devices.map((d) => d.deviceId)).toEqual(['d1', 'd2', 'd4']);
    expect(resolveSelection({ kind: 'advisory', advisoryIds: ['DSA-9001-1'] }, findings, updatesOf, NOW)).toEqual({
      devices: [], unresolved: [{ findingId: findings[1]!.id, deviceId: 'd1', reason: 'no_fix_published' }],
    });
    expect(() => FindingSelection.parse({ kind: 'cve', cves: ['log4shell'] })).toThrow();
  });
});

describe('patch catalog', () => {
  it('lists distinct updates, devices needing each and findings each fixes, most urgent first', () => {
    const catalog = buildPatchCatalog(Object.entries(updates).map(([deviceId, u]) => ({ deviceId, updates: u })), findings, NOW);
    for (const e of catalog) expect(PatchCatalogEntry.parse(e)).toEqual(e);
    expect(catalog.map((e) => [e.name, e.version, e.deviceCount, e.findingCount, e.topPriority, e.kev, e.security])).toEqual([
      ['libssl3', '3.0.14-1~deb12u2', 3, 2, 'P1', true, true],
      ['openssl', '3.0.14-1~deb12u2', 2, 1, 'P1', true, true],
      ['openssl', '3.0.11-1~deb12u3', 1, 0, null, false, true],
      ['bash', '5.2.15-2+b7', 1, 0, null, false, false],
    ]);
    expect(catalog[0]!.deviceIds).toEqual(['d1', 'd2', 'd4']);
    expect(catalog[0]!.cves).toEqual(['CVE-2024-90002']);
  });
});
