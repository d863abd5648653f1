import { describe, expect, it } from 'vitest';
import type { PackageHold } from '../protocol/safety.js';
import { blockingHold, describeHold, holdApplies, holdForbids, parseVersionRange, versionInRange } from './package-holds.js';

describe('package holds', () => {
  it('parses ranges of comparisons and refuses anything else', () => {
    expect(parseVersionRange(' >=1.4  <2.0 ')).toEqual([
      { op: '>=', version: '1.4' },
      { op: '<', version: '2.0' },
    ]);
    expect(parseVersionRange('=1:2.3-4')).toEqual([{ op: '=', version: '1:2.3-4' }]);
    expect(() => parseVersionRange('1.4')).toThrow(/not a comparison like >=1.4/);
    expect(() => parseVersionRange('   ')).toThrow(/empty/);
  });

  it("compares in the manager's own version order", () => {
    // dpkg: a tilde sorts before the release, an epoch wins over everything.
    expect(versionInRange('apt', '2.0~rc1', '<2.0')).toBe(true);
    expect(versionInRange('apt', '1:1.0', '<2.0')).toBe(false);
    expect(versionInRange('apt', '3.0.13-1~deb12u1', '>=3.0 <3.1')).toBe(true);
    expect(versionInRange('apt', '3.1.0-1', '>=3.0 <3.1')).toBe(false);
    // rpm: 1.10 is newer than 1.9 (numeric segments).
    expect(versionInRange('dnf', '1.10', '>1.9')).toBe(true);
    expect(versionInRange('dnf', '1.9', '>=1.9 <=1.9')).toBe(true);
    expect(versionInRange('dnf', '1.9', '=1.9.0')).toBe(false);
  });

  it('applies a hold by name, and by manager when it names one', () => {
    expect(holdApplies({ name: 'openssl' }, { manager: 'apt', name: 'openssl' })).toBe(true);
    expect(holdApplies({ name: 'openssl', manager: 'dnf' }, { manager: 'apt', name: 'openssl' })).toBe(false);
    expect(holdApplies({ name: 'openssl' }, { manager: 'apt', name: 'openssl3' })).toBe(false);
  });

  it('forbids every change without a range, and changes outside the range or to an unknown version with one', () => {
    const pinned: PackageHold = { name: 'postgresql-16', reason: 'DBA sign-off' };
    const ranged: PackageHold = { name: 'openssl', manager: 'apt', versionRange: '>=3.0 <3.1' };
    expect(holdForbids(pinned, 'apt', '16.4-1')).toBe(true);
    expect(holdForbids(ranged, 'apt', '3.0.15-1')).toBe(false);
    expect(holdForbids(ranged, 'apt', '3.1.0-1')).toBe(true);
    expect(holdForbids(ranged, 'apt', null)).toBe(true);
    expect(blockingHold([ranged, pinned], { manager: 'apt', name: 'openssl' }, '3.0.15-1')).toBeUndefined();
    expect(blockingHold([ranged, pinned], { manager: 'apt', name: 'postgresql-16' }, '16.5-1')).toBe(pinned);
    expect(describeHold(pinned)).toBe('postgresql-16 is held: never to be changed (reason: DBA sign-off)');
    expect(describeHold(ranged)).toBe('openssl (apt) is held: allowed only within >=3.0 <3.1');
  });
});
