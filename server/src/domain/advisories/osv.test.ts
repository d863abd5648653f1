import { readFileSync } from 'node:fs';
import { zipSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { AdvisoryView } from '@patchwave/shared';
import { toAdvisoryView } from './advisory-view.js';
import { formatIssue, unwrapFeed } from './feed-issue.js';
import { parseOsvJson } from './osv.js';
import { parseOsvFiles, parseOsvZip } from './osv-files.js';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const USN = fixture('osv-ubuntu-USN-2319-3.json');

describe('parseOsvJson', () => {
  it('reads the real Ubuntu USN-2319-3 record', () => {
    const r = parseOsvJson('USN-2319-3.json', USN);
    expect(r.ok).toBe(true);
    const [a] = unwrapFeed(r);
    expect(a).toMatchObject({
      id: 'USN-2319-3',
      source: 'osv',
      published: '2014-09-17T02:06:09.934226Z',
      modified: '2025-07-16T04:41:48Z',
      withdrawn: null,
      summary: 'openjdk-7 update',
      aliases: [],
      cves: [],
      cvss: [],
    });
    expect(a?.affected).toHaveLength(1);
    expect(a?.affected[0]).toMatchObject({
      ecosystem: 'Ubuntu:14.04:LTS',
      name: 'openjdk-7',
      purl: 'pkg:deb/ubuntu/openjdk-7@7u65-2.5.2-3~14.04?arch=source&distro=trusty',
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '7u65-2.5.2-3~14.04' }] }],
    });
    expect(a?.affected[0]?.versions).toHaveLength(14);
    expect(a?.affected[0]?.binaries).toContainEqual({ name: 'openjdk-7-jre-headless', fixedVersion: '7u65-2.5.2-3~14.04' });
    expect(a?.affected[0]?.ecosystemSpecific?.['availability']).toBe('No subscription required');
    expect(a?.references.map((x) => x.type)).toEqual(['ADVISORY', 'REPORT']);
    const view = toAdvisoryView(a!);
    expect(AdvisoryView.parse(view)).toEqual(view);
    expect(view.affected).toEqual([{ ecosystem: 'Ubuntu:14.04:LTS', name: 'openjdk-7', fixedVersions: ['7u65-2.5.2-3~14.04'], rangeCount: 1, versionCount: 14 }]);
  });

  it('reads constructed Debian records (an array) with CVSS, urgency and upstream CVEs', () => {
    const list = unwrapFeed(parseOsvJson('debian.json', fixture('osv-debian-constructed.json')));
    expect(list.map((a) => a.id)).toEqual(['DSA-9001-1', 'DEBIAN-CVE-2024-90002']);
    expect(list[0]).toMatchObject({ cves: ['CVE-2024-90001'], severityLabel: 'high', cvss: [] });
    expect(list[1]?.cvss).toEqual([{ version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', baseScore: 9.8, severity: 'critical' }]);
  });

  it('accepts an OSV API response { vulns: [...] }', () => {
    const r = parseOsvJson('api.json', JSON.stringify({ vulns: [JSON.parse(USN)] }));
    expect(unwrapFeed(r).map((a) => a.id)).toEqual(['USN-2319-3']);
  });

  it('rejects truncated JSON with its line and imports nothing', () => {
    const r = parseOsvJson('USN.json', USN.slice(0, 1500));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]?.file).toBe('USN.json');
    expect(r.issues[0]?.line).toBeGreaterThan(1);
    expect(r.issues[0]?.message).toMatch(/invalid JSON/);
    expect(() => unwrapFeed(r)).toThrow(/feed rejected, nothing imported: USN\.json line \d+/);
  });

  it('names the record and field of a schema error, and returns no record of the file', () => {
    const good = JSON.parse(USN);
    const bad = { ...JSON.parse(USN), id: 'USN-0000-1', modified: 'yesterday' };
    const noEvents = { ...JSON.parse(USN), id: 'USN-0000-2' };
    noEvents.affected[0].ranges[0].events = [{ fixed: '1.0' }];
    const r = parseOsvJson('mixed.json', JSON.stringify([good, bad, noEvents]));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map(formatIssue)).toEqual([
      'mixed.json record 1 USN-0000-1 modified: Invalid ISO datetime',
      'mixed.json record 2 USN-0000-2 affected[0].ranges[0].events: a range needs at least one "introduced" event',
    ]);
  });

  it('rejects an event with two keys and a range type it does not know', () => {
    const rec = JSON.parse(USN);
    rec.affected[0].ranges = [{ type: 'ECOSYSTEM', events: [{ introduced: '0', fixed: '1' }] }, { type: 'CALVER', events: [{ introduced: '0' }] }];
    const r = parseOsvJson('x.json', JSON.stringify(rec));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const fields = r.issues.map((i) => i.field);
    expect(fields).toContain('affected[0].ranges[0].events[0]');
    expect(fields).toContain('affected[0].ranges[1].type');
  });

  it('rejects a garbage CVSS vector naming the record and the severity entry', () => {
    const rec = { ...JSON.parse(USN), severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/garbage' }] };
    const r = parseOsvJson('cvss.json', JSON.stringify(rec));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(formatIssue(r.issues[0]!)).toBe('cvss.json USN-2319-3 severity[0].score: CVSS 3.1 vector: malformed metric "garbage"');
  });

  it('rejects a vector under the wrong severity type', () => {
    const rec = { ...JSON.parse(USN), severity: [{ type: 'CVSS_V4', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }] };
    const r = parseOsvJson('x.json', JSON.stringify(rec));
    expect(!r.ok && r.issues[0]?.message).toBe('CVSS_V4 holds a CVSS 3.1 vector');
  });

  it('keeps an Ubuntu priority as the severity label', () => {
    const rec = { ...JSON.parse(USN), severity: [{ type: 'Ubuntu', score: 'medium' }] };
    expect(unwrapFeed(parseOsvJson('x.json', JSON.stringify(rec)))[0]?.severityLabel).toBe('medium');
  });
});

describe('parseOsvFiles and parseOsvZip', () => {
  const enc = new TextEncoder();
  const files = [
    { name: 'osv/USN-2319-3.json', bytes: enc.encode(USN) },
    { name: 'osv/debian.json', bytes: enc.encode(fixture('osv-debian-constructed.json')) },
    { name: 'osv/README.md', bytes: enc.encode('# notes') },
  ];

  it('reads a directory’s files and skips what is not JSON, saying so', () => {
    const r = parseOsvFiles(files);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.map((a) => a.id).sort()).toEqual(['DEBIAN-CVE-2024-90002', 'DSA-9001-1', 'USN-2319-3']);
    expect(r.warnings).toEqual([{ file: 'osv/README.md', message: 'skipped: not a .json file' }]);
  });

  it('keeps the newer of two copies of one id', () => {
    const newer = { ...JSON.parse(USN), modified: '2026-01-01T00:00:00Z', summary: 'newer' };
    const r = parseOsvFiles([
      { name: 'b.json', bytes: enc.encode(JSON.stringify(newer)) },
      { name: 'a.json', bytes: enc.encode(USN) },
    ]);
    expect(r.ok && r.value.map((a) => a.summary)).toEqual(['newer']);
  });

  it('one bad file rejects the whole directory', () => {
    const r = parseOsvFiles([...files, { name: 'osv/bad.json', bytes: enc.encode('{"id": "X"') }]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => i.file)).toEqual(['osv/bad.json']);
  });

  it('rejects bytes that are not UTF-8', () => {
    const r = parseOsvFiles([{ name: 'bin.json', bytes: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) }]);
    expect(!r.ok && r.issues[0]?.message).toBe('not valid UTF-8');
  });

  it('reads a zip as OSV publishes per ecosystem (one record per entry)', () => {
    const zip = zipSync({
      'USN-2319-3.json': strToU8(USN),
      'ALPINE-CVE-2024-90003.json': strToU8(fixture('osv-alpine-constructed.json')),
      'dir/': new Uint8Array(0),
    });
    const r = parseOsvZip('Ubuntu-all.zip', zip);
    expect(r.ok && r.value.map((a) => a.id).sort()).toEqual(['ALPINE-CVE-2024-90003', 'USN-2319-3']);
  });

  it('names the zip entry of a bad record', () => {
    const zip = zipSync({ 'ok.json': strToU8(USN), 'bad.json': strToU8('{"id":"B","modified":"x"}') });
    const r = parseOsvZip('all.zip', zip);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map(formatIssue)).toEqual(['all.zip!bad.json B modified: Invalid ISO datetime']);
  });

  it('refuses entries above the size limit and broken archives', () => {
    const zip = zipSync({ 'big.json': strToU8(USN) });
    const r = parseOsvZip('all.zip', zip, { maxEntryBytes: 100, maxTotalBytes: 1e9 });
    expect(!r.ok && r.issues[0]?.message).toMatch(/exceeds the 100-byte limit/);
    const broken = parseOsvZip('cut.zip', zip.slice(0, zip.length - 30));
    expect(broken.ok).toBe(false);
    expect(parseOsvZip('empty.zip', zipSync({})).ok).toBe(false);
  });
});
