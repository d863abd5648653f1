import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { gzipSync, strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parseEpssCsv } from './epss.js';
import { parseFeedFile, parseFeedFiles } from './feed-file.js';
import { parseKevCatalog } from './kev.js';
import { parseOsvJson } from './osv.js';
import { parseOsvZip } from './osv-files.js';
import { planAdvisoryImport, planKevImport, contentHash } from './import-plan.js';
import { unwrapFeed } from './feed-issue.js';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const file = (name: string, text: string): { name: string; bytes: Uint8Array } => ({ name, bytes: strToU8(text) });
const USN = fixture('osv-ubuntu-USN-2319-3.json');
const KEV = fixture('cisa-kev-catalog.excerpt.json');
const EPSS = fixture('epss-csv-header.format-note.txt');

describe('parseFeedFile', () => {
  it('recognises OSV, KEV, EPSS, zip and gzip by content', () => {
    expect(unwrapFeed(parseFeedFile(file('a.json', USN))).kind).toBe('osv');
    expect(unwrapFeed(parseFeedFile(file('known_exploited_vulnerabilities.json', KEV))).kind).toBe('kev');
    expect(unwrapFeed(parseFeedFile(file('epss.csv', EPSS))).kind).toBe('epss');
    expect(unwrapFeed(parseFeedFile({ name: 'all.zip', bytes: zipSync({ 'a.json': strToU8(USN) }) })).kind).toBe('osv-zip');
    const gz = parseFeedFile({ name: 'epss_scores-2025-09-03.csv.gz', bytes: gzipSync(strToU8(EPSS)) });
    expect(gz.ok && gz.value.kind).toBe('epss');
  });

  it('says what it expected for something else', () => {
    const r = parseFeedFile(file('notes.txt', 'hello'));
    expect(!r.ok && r.issues[0]?.message).toMatch(/not a recognised feed/);
  });

  it('bundles a directory all-or-nothing with per-file counts', () => {
    const ok = parseFeedFiles([file('usn.json', USN), file('kev.json', KEV), file('epss.csv', EPSS), file('debian.json', fixture('osv-debian-constructed.json'))]);
    expect(ok.ok).toBe(true);
    if (!ok.ok) return;
    expect(ok.value.advisories).toHaveLength(3);
    expect(ok.value.kev?.entries).toHaveLength(11);
    expect(ok.value.epss?.scores).toHaveLength(1);
    expect(ok.value.files).toEqual([
      { name: 'usn.json', kind: 'osv', records: 1 },
      { name: 'kev.json', kind: 'kev', records: 11 },
      { name: 'epss.csv', kind: 'epss', records: 1 },
      { name: 'debian.json', kind: 'osv', records: 2 },
    ]);
    const bad = parseFeedFiles([file('usn.json', USN), file('kev.json', KEV.replace('"2025-09-15"', '"soon"'))]);
    expect(bad.ok).toBe(false);
    expect(parseFeedFiles([file('a.json', KEV), file('b.json', KEV)])).toMatchObject({ ok: false, issues: [{ file: 'b.json', message: 'a second KEV catalog in one import' }] });
    expect(parseFeedFiles([]).ok).toBe(false);
  });
});

describe('feed parsers never throw', () => {
  const parsers: [string, (s: string) => unknown][] = [
    ['osv', (s) => parseOsvJson('f.json', s)],
    ['kev', (s) => parseKevCatalog('f.json', s)],
    ['epss', (s) => parseEpssCsv('f.csv', s)],
    ['any', (s) => parseFeedFile(file('f', s))],
  ];
  for (const [name, parse] of parsers) {
    it(`${name}: random text`, () => {
      fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (s) => {
        expect(() => parse(s)).not.toThrow();
      }), { numRuns: 300 });
    });
  }

  it('osv and kev: random JSON values and mutated real records', () => {
    const usn = JSON.parse(USN);
    const kev = JSON.parse(KEV);
    fc.assert(fc.property(fc.jsonValue(), fc.jsonValue(), fc.constantFrom('id', 'modified', 'affected', 'severity', 'aliases'), (v, w, key) => {
      for (const doc of [v, { ...usn, [key]: w }, { ...kev, vulnerabilities: [w, v] }]) {
        const text = JSON.stringify(doc) ?? 'null';
        expect(() => parseOsvJson('f.json', text)).not.toThrow();
        expect(() => parseKevCatalog('f.json', text)).not.toThrow();
        expect(() => parseFeedFile(file('f.json', text))).not.toThrow();
      }
    }), { numRuns: 300 });
  });

  it('osv: random severity strings are a clear error, never a throw', () => {
    const usn = JSON.parse(USN);
    fc.assert(fc.property(fc.string({ maxLength: 120 }), fc.constantFrom('CVSS_V2', 'CVSS_V3', 'CVSS_V4'), (score, type) => {
      const r = parseOsvJson('f.json', JSON.stringify({ ...usn, severity: [{ type, score }] }));
      if (!r.ok) expect(r.issues[0]?.message.length).toBeGreaterThan(0);
    }), { numRuns: 300 });
  });

  it('zip and gzip: random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom([0x50, 0x4b, 0x03, 0x04], [0x1f, 0x8b], []), (body, magic) => {
      const bytes = new Uint8Array([...magic, ...body]);
      expect(() => parseFeedFile({ name: 'f.bin', bytes })).not.toThrow();
      expect(() => parseOsvZip('f.zip', bytes)).not.toThrow();
    }), { numRuns: 300 });
  });
});

describe('import plans', () => {
  const advisories = unwrapFeed(parseOsvJson('d.json', fixture('osv-debian-constructed.json')));

  it('counts new, updated, unchanged and older; re-importing the same file changes nothing', () => {
    const stored = new Map<string, { hash: string; modified: string }>();
    const first = planAdvisoryImport(advisories, (id) => stored.get(id));
    expect(first.counts).toEqual({ new: 2, updated: 0, unchanged: 0, removed: 0, older: 0 });
    for (const u of first.upsert) stored.set(u.item.id, { hash: u.hash, modified: u.item.modified });
    expect(planAdvisoryImport(advisories, (id) => stored.get(id)).counts).toEqual({ new: 0, updated: 0, unchanged: 2, removed: 0, older: 0 });
    const changed = [{ ...advisories[0]!, modified: '2025-01-01T00:00:00Z', summary: 'revised' }, { ...advisories[1]!, modified: '2020-01-01T00:00:00Z', summary: 'stale copy' }];
    const second = planAdvisoryImport(changed, (id) => stored.get(id));
    expect(second.counts).toEqual({ new: 0, updated: 1, unchanged: 0, removed: 0, older: 1 });
    expect(second.upsert.map((u) => u.item.summary)).toEqual(['revised']);
  });

  it('a KEV catalog replaces the whole list', () => {
    const kev = unwrapFeed(parseKevCatalog('k.json', KEV));
    const stored = new Map([['CVE-2000-0001', { hash: 'x' }], ['CVE-2025-48384', { hash: contentHash(kev.entries[0]) }]]);
    const plan = planKevImport(kev, (c) => stored.get(c), () => stored.keys());
    expect(plan.counts).toEqual({ new: 10, updated: 0, unchanged: 1, removed: 1, older: 0 });
    expect(plan.remove).toEqual(['CVE-2000-0001']);
  });
});
