import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseEpssCsv } from './epss.js';
import { formatIssue, unwrapFeed } from './feed-issue.js';
import { parseKevCatalog } from './kev.js';
import { InMemoryThreatIntel, summarizeThreat } from './threat-intel.js';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const KEV = fixture('cisa-kev-catalog.excerpt.json');
const EPSS_HEAD = fixture('epss-csv-header.format-note.txt');

describe('parseKevCatalog', () => {
  it('reads the real catalog excerpt, ransomware flags and due dates included', () => {
    const r = parseKevCatalog('kev.json', KEV);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const c = r.value;
    expect(c).toMatchObject({ catalogVersion: '2025.08.25', dateReleased: '2025-08-25T17:04:19.9796Z', count: 1404 });
    expect(c.entries).toHaveLength(11);
    expect(c.entries[0]).toMatchObject({ cve: 'CVE-2025-48384', vendorProject: 'Git', dateAdded: '2025-08-25', dueDate: '2025-09-15', knownRansomware: false, cwes: ['CWE-59', 'CWE-436'] });
    expect(c.entries.filter((e) => e.knownRansomware).map((e) => e.cve)).toEqual(['CVE-2025-49704', 'CVE-2025-49706', 'CVE-2025-53770']);
    // The excerpt keeps the catalog's count: a warning, not an error, nothing lost.
    expect(r.warnings).toEqual([{ file: 'kev.json', field: 'count', message: 'catalog says 1404 entries but holds 11 (an excerpt?)' }]);
  });

  it('names the entry and field that breaks the schema, and imports none', () => {
    const doc = JSON.parse(KEV);
    doc.vulnerabilities[3].dueDate = '15/09/2025';
    doc.vulnerabilities[5].cveID = 'CVE-25-1';
    delete doc.vulnerabilities[6].requiredAction;
    const r = parseKevCatalog('kev.json', JSON.stringify(doc));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map(formatIssue)).toEqual([
      'kev.json record 3 CVE-2025-43300 vulnerabilities[3].dueDate: a date in the form YYYY-MM-DD',
      'kev.json record 5 CVE-25-1 vulnerabilities[5].cveID: a CVE id like CVE-2024-12345',
      'kev.json record 6 CVE-2025-8875 vulnerabilities[6].requiredAction: Invalid input: expected string, received undefined',
    ]);
  });

  it('rejects a duplicate CVE, a missing header field, and truncated JSON', () => {
    const doc = JSON.parse(KEV);
    doc.vulnerabilities.push(doc.vulnerabilities[0]);
    expect(parseKevCatalog('k.json', JSON.stringify(doc))).toMatchObject({ ok: false, issues: [{ record: 11, message: 'CVE-2025-48384 listed twice' }] });
    const { catalogVersion: _c, ...noVersion } = JSON.parse(KEV);
    expect(parseKevCatalog('k.json', JSON.stringify(noVersion))).toMatchObject({ ok: false, issues: [{ field: 'catalogVersion' }] });
    const cut = parseKevCatalog('k.json', KEV.slice(0, 4000));
    expect(!cut.ok && cut.issues[0]?.message).toMatch(/invalid JSON/);
  });
});

describe('parseEpssCsv', () => {
  it('reads the documented layout (fixture header + first row)', () => {
    const r = parseEpssCsv('epss.csv', EPSS_HEAD);
    expect(r).toEqual({
      ok: true,
      value: { modelVersion: 'v2025.03.14', scoreDate: '2025-09-03', scores: [{ cve: 'CVE-1999-0001', epss: 0.0142, percentile: 0.7991 }] },
      warnings: [],
    });
  });

  it('accepts the +0000 score_date form, CRLF and exponents', () => {
    const r = parseEpssCsv('e.csv', '#model_version:v2023.03.01,score_date:2023-03-07T00:00:00+0000\r\ncve,epss,percentile\r\nCVE-2023-0001,1e-05,0.01\r\nCVE-2023-0002,0.97,1.0\r\n');
    expect(r.ok && r.value.scores).toEqual([
      { cve: 'CVE-2023-0001', epss: 0.00001, percentile: 0.01 },
      { cve: 'CVE-2023-0002', epss: 0.97, percentile: 1 },
    ]);
  });

  it('names the line and field of bad rows and returns no scores', () => {
    const text = [EPSS_HEAD.trimEnd(), 'CVE-2020-1,0.5,0.5', 'CVE-2020-1234,1.5,0.5', 'CVE-2020-1235,0.1', 'CVE-2020-1236,abc,-1'].join('\n');
    const r = parseEpssCsv('e.csv', text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map(formatIssue)).toEqual([
      'e.csv line 4 record 1 cve: not a CVE id: "CVE-2020-1"',
      'e.csv line 5 record 2 CVE-2020-1234 epss: not a probability in 0..1: "1.5"',
      'e.csv line 6 record 3: expected 3 fields, got 2',
      'e.csv line 7 record 4 CVE-2020-1236 epss: not a probability in 0..1: "abc"',
      'e.csv line 7 record 4 CVE-2020-1236 percentile: not a fraction in 0..1: "-1"',
    ]);
  });

  it('requires the model/date line and the header', () => {
    expect(parseEpssCsv('e.csv', 'cve,epss,percentile\nCVE-2020-1234,0.1,0.2\n')).toMatchObject({ ok: false, issues: [{ line: 1 }] });
    expect(parseEpssCsv('e.csv', '#model_version:v1,score_date:2024-01-01T00:00:00Z\ncve,score\n')).toMatchObject({ ok: false, issues: [{ line: 2 }] });
  });
});

describe('threat summary', () => {
  it('takes the earliest KEV due date, any ransomware use, and the highest EPSS', () => {
    const kev = unwrapFeed(parseKevCatalog('kev.json', KEV));
    const epss = unwrapFeed(parseEpssCsv('e.csv', '#model_version:v1,score_date:2025-09-01T00:00:00Z\ncve,epss,percentile\nCVE-2025-48384,0.2,0.9\nCVE-2025-49704,0.6,0.99\n'));
    const intel = new InMemoryThreatIntel(kev, epss);
    expect(summarizeThreat(['CVE-2025-48384', 'CVE-2025-49704', 'CVE-2000-0001'], intel)).toEqual({
      kev: { cve: 'CVE-2025-49704', dateAdded: '2025-07-22', dueDate: '2025-07-23', knownRansomware: true },
      epss: { cve: 'CVE-2025-49704', probability: 0.6, percentile: 0.99, scoreDate: '2025-09-01' },
    });
    expect(summarizeThreat(['CVE-2000-0001'], intel)).toEqual({ kev: null, epss: null });
  });
});
