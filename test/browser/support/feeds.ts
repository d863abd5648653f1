import type { InstalledPackage } from '@patchwave/shared';

/**
 * Vulnerability feeds for the console tests, in the published formats the server imports: an OSV
 * record in the schema Debian publishes (source package, ECOSYSTEM range, upstream CVE), a CISA
 * KEV catalog, an EPSS CSV. Constructed here (the real files are large); the formats match
 * server/src/testing/vulnerability-fixtures.ts, which the server's own tests use.
 */
export interface FeedFile {
  name: string;
  text: string;
}

export function debianOsv(cve: string, sourcePackage: string, fixed: string): FeedFile {
  const record = {
    schema_version: '1.7.0',
    id: `DEBIAN-${cve}`,
    summary: `${sourcePackage}: remote code execution (console test record)`,
    details: 'Constructed in the Debian OSV schema by the patchwave console tests.',
    published: '2026-01-05T00:00:00Z',
    modified: '2026-01-06T00:00:00Z',
    upstream: [cve],
    severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
    affected: [{ package: { ecosystem: 'Debian:12', name: sourcePackage, purl: `pkg:deb/debian/${sourcePackage}?arch=source` }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] }],
    references: [{ type: 'ADVISORY', url: 'https://security-tracker.debian.org/tracker/' }],
  };
  return { name: `DEBIAN-${cve}.json`, text: JSON.stringify(record) };
}

export function kev(cve: string, dateAdded: string, dueDate: string): FeedFile {
  const catalog = {
    title: 'CISA Catalog of Known Exploited Vulnerabilities',
    catalogVersion: dateAdded.replaceAll('-', '.'),
    dateReleased: `${dateAdded}T12:00:00.000Z`,
    count: 1,
    vulnerabilities: [
      {
        cveID: cve,
        vendorProject: 'Test',
        product: 'test product',
        vulnerabilityName: `Test ${cve}`,
        dateAdded,
        shortDescription: 'Constructed KEV entry for the patchwave console tests.',
        requiredAction: 'Apply updates per vendor instructions.',
        dueDate,
        knownRansomwareCampaignUse: 'Unknown',
        notes: '',
        cwes: [],
      },
    ],
  };
  return { name: 'kev.json', text: JSON.stringify(catalog) };
}

export function epss(scoreDate: string, rows: readonly [string, number, number][]): FeedFile {
  return { name: `epss_scores-${scoreDate}.csv`, text: [`#model_version:v2025.03.14,score_date:${scoreDate}T00:00:00+0000`, 'cve,epss,percentile', ...rows.map((r) => r.join(',')), ''].join('\n') };
}

/** The JSON body of `POST /api/v1/feeds/import`. */
export const importBody = (files: readonly FeedFile[]) => ({ files: files.map((f) => ({ name: f.name, data: Buffer.from(f.text).toString('base64') })) });

/** An apt package as Debian reports it (binary built from a source package of the same name). */
export const debPackage = (name: string, version: string): InstalledPackage => ({ manager: 'apt', name, version, arch: 'amd64', source: { name, version } });
