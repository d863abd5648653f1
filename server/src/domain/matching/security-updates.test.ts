import type { AvailableUpdate, InstalledPackage } from '@patchwave/shared';
import { describe, expect, it } from 'vitest';
import { SupersedenceGraph, normalizeKb } from './kb-supersedence.js';
import { missingKbHits, securityUpdateHits } from './security-updates.js';

// KB numbers as Windows Update reports them (shared/fixtures/windows: wua-search-kbarticleids,
// get-hotfix-format-list); the supersedence edges between them are constructed for the test.
const kb = (name: string): InstalledPackage => ({ manager: 'windows-update', name, version: '', arch: '' });
const offer = (name: string, extra: Partial<AvailableUpdate> = {}): AvailableUpdate => ({
  manager: 'windows-update', name, arch: '', installedVersion: null, candidateVersion: name, security: true, advisories: [], cves: [], ...extra,
});
const chain = new SupersedenceGraph([
  { kb: 'KB5012170', supersededBy: ['KB5020872'] },
  { kb: '5020872', supersededBy: ['KB5021233'] },
]);

describe('KB supersedence', () => {
  it('normalises KB ids', () => {
    expect(['KB5012170', 'kb5012170', ' 5012170 ', 'KB12', 'hello'].map(normalizeKb)).toEqual(['KB5012170', 'KB5012170', 'KB5012170', null, null]);
  });

  it('follows supersedence transitively and survives cycles', () => {
    expect([...chain.supersedersOf('KB5012170')].sort()).toEqual(['KB5020872', 'KB5021233']);
    const cyclic = new SupersedenceGraph([{ kb: 'KB1000001', supersededBy: ['KB1000002'] }, { kb: 'KB1000002', supersededBy: ['KB1000001'] }]);
    expect([...cyclic.supersedersOf('KB1000001')]).toEqual(['KB1000002']);
    expect(chain.coveredBy('KB5012170', new Set(['KB5021233']))).toEqual({ covered: true, by: 'KB5021233' });
    expect(chain.coveredBy('KB5021233', new Set(['KB5012170']))).toEqual({ covered: false, by: null });
  });

  it('an offered update superseded by an installed one is not a missing update (false-positive trap)', () => {
    const installed = [kb('KB5021233'), kb('KB4562830')];
    const updates = [offer('KB5012170', { severity: 'critical', cves: ['CVE-2022-26925'] }), offer('KB5021088', { severity: 'important' })];
    const r = securityUpdateHits('win1', installed, updates, chain);
    expect(r.suppressed).toEqual([{ kb: 'KB5012170', coveredBy: 'KB5021233' }]);
    expect(r.hits.map((h) => [h.advisoryId, h.source, h.fixedVersion, h.severity])).toEqual([['KB5021088', 'kb', 'KB5021088', 'important']]);
    // Without the supersedence data the old update would be reported missing.
    expect(securityUpdateHits('win1', installed, updates, new SupersedenceGraph()).hits.map((h) => h.advisoryId)).toEqual(['KB5012170', 'KB5021088']);
  });

  it('KB advisories: covered by the fixing KB or anything superseding it', () => {
    const advisory = { id: 'CVE-2022-26925', cves: ['CVE-2022-26925'], severity: 'important' as const, published: '2022-05-10T00:00:00Z', builds: ['19044'], fixedBy: ['KB5012170'] };
    const patched = missingKbHits('win1', '19044', [kb('KB5021233')], [advisory], chain);
    expect(patched).toEqual({ hits: [], suppressed: [{ kb: 'KB5012170', coveredBy: 'KB5021233' }] });
    const exact = missingKbHits('win2', '19044', [kb('KB5012170')], [advisory], chain);
    expect(exact).toEqual({ hits: [], suppressed: [] });
    const missing = missingKbHits('win3', '19044', [kb('KB4562830')], [advisory], chain);
    expect(missing.hits).toMatchObject([{ advisoryId: 'CVE-2022-26925', group: 'KB5012170', fixedVersion: 'KB5012170', cves: ['CVE-2022-26925'] }]);
    expect(missingKbHits('win4', '22631', [], [advisory], chain).hits).toEqual([]);
  });
});

describe('package-manager security metadata', () => {
  const installed: InstalledPackage[] = [
    { manager: 'apt', name: 'libssl3', version: '3.0.11-1~deb12u2', arch: 'amd64', source: { name: 'openssl', version: '3.0.11-1~deb12u2' } },
    { manager: 'dnf', name: 'curl', version: '7.76.1-26.el9', arch: 'x86_64' },
  ];

  it('apt security-origin updates have no advisory id: one finding per package group', () => {
    const r = securityUpdateHits('d', installed, [
      { manager: 'apt', name: 'libssl3', arch: 'amd64', installedVersion: '3.0.11-1~deb12u2', candidateVersion: '3.0.13-1~deb12u1', security: true, advisories: [], cves: [], origin: 'Debian-Security' },
      { manager: 'apt', name: 'base-files', arch: 'amd64', installedVersion: '12.4+deb12u11', candidateVersion: '12.4+deb12u15', security: false, advisories: [], cves: [] },
    ], new SupersedenceGraph());
    expect(r.hits).toEqual([
      expect.objectContaining({ advisoryId: 'apt:openssl', group: 'openssl', installedVersion: '3.0.11-1~deb12u2', fixedVersion: '3.0.13-1~deb12u1', source: 'package-manager', severity: null }),
    ]);
  });

  it('dnf updateinfo: one finding per advisory, CVEs and severity kept; unknown security is not a finding', () => {
    const r = securityUpdateHits('d', installed, [
      { manager: 'dnf', name: 'curl', arch: 'x86_64', installedVersion: '7.76.1-26.el9', candidateVersion: '7.76.1-29.el9_4', security: true, severity: 'moderate', advisories: ['RHSA-2024:2101', 'RHSA-2024:3501'], cves: ['CVE-2023-46218', 'not-a-cve'] },
      { manager: 'dnf', name: 'vim', arch: 'x86_64', installedVersion: '8.2', candidateVersion: '8.3', security: 'unknown', advisories: [], cves: [] },
    ], new SupersedenceGraph());
    expect(r.hits.map((h) => [h.advisoryId, h.group, h.cves, h.severity])).toEqual([
      ['RHSA-2024:2101', 'curl', ['CVE-2023-46218'], 'moderate'],
      ['RHSA-2024:3501', 'curl', ['CVE-2023-46218'], 'moderate'],
    ]);
  });
});
