import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EpssFeed } from '../../domain/advisories/epss.js';
import type { KevCatalog } from '../../domain/advisories/kev.js';
import type { ThreatIntel } from '../../domain/advisories/threat-intel.js';
import { summarizeThreat } from '../../domain/advisories/threat-intel.js';

/** A ThreatIntel port loaded with a KEV catalog and an EPSS feed by the implementation's own writer. */
export type OpenThreatIntel = () => Promise<{ intel: ThreatIntel; load(kev: KevCatalog | null, epss: EpssFeed | null): Promise<void>; cleanup(): Promise<void> }>;

const entry = (cve: string, dueDate: string, knownRansomware = false) => ({
  cve, vendorProject: 'v', product: 'p', vulnerabilityName: cve, dateAdded: '2025-01-02', dueDate, requiredAction: 'patch', shortDescription: 'd', knownRansomware, cwes: ['CWE-79'],
});

export function threatIntelContract(implementation: string, open: OpenThreatIntel): void {
  describe(`ThreatIntel contract (${implementation})`, () => {
    let sut: Awaited<ReturnType<OpenThreatIntel>>;
    beforeEach(async () => {
      sut = await open();
    });
    afterEach(async () => sut.cleanup());

    it('answers KEV membership and EPSS per CVE, with the score date', async () => {
      await sut.load(
        { catalogVersion: '2025.01.02', dateReleased: '2025-01-02T12:00:00.000Z', count: 2, entries: [entry('CVE-2024-0001', '2025-01-23', true), entry('CVE-2024-0002', '2025-01-30')] },
        { modelVersion: 'v2025.03.14', scoreDate: '2025-03-20', scores: [{ cve: 'CVE-2024-0001', epss: 0.5, percentile: 0.97 }, { cve: 'CVE-2024-0003', epss: 0.0004, percentile: 0.1 }] },
      );
      expect(sut.intel.kev('CVE-2024-0001')).toEqual(entry('CVE-2024-0001', '2025-01-23', true));
      expect(sut.intel.kev('CVE-2024-0003')).toBeUndefined();
      expect(sut.intel.epss('CVE-2024-0003')).toEqual({ cve: 'CVE-2024-0003', epss: 0.0004, percentile: 0.1, scoreDate: '2025-03-20' });
      expect(sut.intel.epss('CVE-2024-0002')).toBeUndefined();
      expect(summarizeThreat(['CVE-2024-0002', 'CVE-2024-0001', 'CVE-2024-0003'], sut.intel)).toEqual({
        kev: { cve: 'CVE-2024-0001', dateAdded: '2025-01-02', dueDate: '2025-01-23', knownRansomware: true },
        epss: { cve: 'CVE-2024-0001', probability: 0.5, percentile: 0.97, scoreDate: '2025-03-20' },
      });
    });

    it('a new catalog replaces the old one: entries missing from it are gone', async () => {
      await sut.load({ catalogVersion: '1', dateReleased: '2025-01-02T00:00:00.000Z', count: 1, entries: [entry('CVE-2024-0001', '2025-01-23')] }, null);
      await sut.load({ catalogVersion: '2', dateReleased: '2025-01-03T00:00:00.000Z', count: 1, entries: [entry('CVE-2024-0009', '2025-01-24')] }, null);
      expect(sut.intel.kev('CVE-2024-0001')).toBeUndefined();
      expect(sut.intel.kev('CVE-2024-0009')?.dueDate).toBe('2025-01-24');
    });
  });
}
