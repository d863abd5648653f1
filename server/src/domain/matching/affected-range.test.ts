import { describe, expect, it } from 'vitest';
import type { AffectedPackage, RangeEvent } from '../advisories/advisory.js';
import { compileAffected, evaluateAffected } from './affected-range.js';

function affected(events: RangeEvent[][], versions: string[] = []): AffectedPackage {
  return { ecosystem: 'Debian:12', name: 'p', ranges: events.map((e) => ({ type: 'ECOSYSTEM', events: e })), versions, binaries: [], cvss: [] };
}
const verdict = (a: AffectedPackage, v: string, scheme: 'dpkg' | 'rpm' | 'apk' = 'dpkg') => evaluateAffected(compileAffected('A', 0, a, 'Debian:12', scheme), v);

describe('OSV range evaluation', () => {
  const simple = affected([[{ introduced: '0' }, { fixed: '1.2-3+deb12u1' }]]);

  it('introduced 0 / fixed: below the fix is affected, the fix and above are not', () => {
    expect(verdict(simple, '1.2-3')).toEqual({ via: 'range', fixedVersion: '1.2-3+deb12u1' });
    expect(verdict(simple, '1.2-3+deb12u1')).toBeNull();
    expect(verdict(simple, '1.2-3+deb12u2')).toBeNull();
    expect(verdict(simple, '1.4-1~bpo12+1')).toBeNull();
    expect(verdict(simple, '1:0.9-1')).toBeNull(); // an epoch outranks any upstream version
  });

  it('introduced later than 0: versions before it are not affected', () => {
    const a = affected([[{ introduced: '3.0.0-1' }, { fixed: '3.0.13-1~deb12u1' }]]);
    expect(verdict(a, '1.1.1w-0+deb11u1')).toBeNull();
    expect(verdict(a, '3.0.0-1')).toMatchObject({ via: 'range' });
    expect(verdict(a, '3.0.11-1~deb12u2')).toMatchObject({ fixedVersion: '3.0.13-1~deb12u1' });
    expect(verdict(a, '3.0.13-1~deb12u1')).toBeNull();
  });

  it('last_affected includes itself', () => {
    const a = affected([[{ introduced: '0' }, { last_affected: '2.0-1' }]]);
    expect(verdict(a, '2.0-1')).toEqual({ via: 'range', fixedVersion: null });
    expect(verdict(a, '2.0-2')).toBeNull();
  });

  it('several introduced/fixed pairs, in any order in the record', () => {
    const a = affected([[{ fixed: '1.5' }, { introduced: '2.0' }, { introduced: '1.0' }, { fixed: '2.3' }]]);
    expect(verdict(a, '0.9')).toBeNull();
    expect(verdict(a, '1.2')).toEqual({ via: 'range', fixedVersion: '1.5' });
    expect(verdict(a, '1.7')).toBeNull();
    expect(verdict(a, '2.1')).toEqual({ via: 'range', fixedVersion: '2.3' });
    expect(verdict(a, '2.3')).toBeNull();
  });

  it('an introduced with no fix stays affected with no fixed version', () => {
    expect(verdict(affected([[{ introduced: '0' }]]), '99')).toEqual({ via: 'range', fixedVersion: null });
  });

  it('a version enumerated in `versions` is affected even outside the ranges', () => {
    const a = affected([[{ introduced: '0' }, { fixed: '1.0-1' }]], ['1.1-1']);
    expect(verdict(a, '1.1-1')).toEqual({ via: 'versions', fixedVersion: null });
    expect(verdict(a, '1.1-2')).toBeNull();
  });

  it('compares with the ecosystem’s scheme (rpm epoch, apk revision)', () => {
    const rpm = affected([[{ introduced: '0' }, { fixed: '1:3.0.7-27.el9' }]]);
    expect(verdict(rpm, '1:3.0.7-25.el9', 'rpm')).toMatchObject({ fixedVersion: '1:3.0.7-27.el9' });
    expect(verdict(rpm, '1:3.0.7-27.el9_4.1', 'rpm')).toBeNull();
    const apk = affected([[{ introduced: '0' }, { fixed: '1.36.1-r29' }]]);
    expect(verdict(apk, '1.36.1-r28', 'apk')).toMatchObject({ via: 'range' });
    expect(verdict(apk, '1.36.1-r29', 'apk')).toBeNull();
    expect(verdict(apk, '1.36.1_p1-r0', 'apk')).toBeNull();
  });

  it('ignores SEMVER and GIT ranges (no OS package manager reports those)', () => {
    const a: AffectedPackage = { ...simple, ranges: [{ type: 'GIT', events: [{ introduced: '0' }, { fixed: 'abc123' }] }] };
    expect(verdict(a, '1.0')).toBeNull();
  });
});
