import { describe, expect, it } from 'vitest';
import { assertAdvisoryId, assertRpmEvr, assertRpmName } from './names.js';
import { formatEvr, looksLikeEvr, normalizeEvr, parseNevra, splitNameArch } from './nevra.js';
import { parseSourceRpm } from './rpm-query.js';

describe('NEVRA', () => {
  it('splits the forms dnf, yum and zypper print', () => {
    expect(parseNevra('glibc-2.28-26.fc29.x86_64')).toEqual({ name: 'glibc', epoch: '', version: '2.28', release: '26.fc29', arch: 'x86_64' });
    expect(parseNevra('bind-libs-32:9.8.2-0.17.rc1.el6.3.x86_64')).toEqual({ name: 'bind-libs', epoch: '32', version: '9.8.2', release: '0.17.rc1.el6.3', arch: 'x86_64' });
    expect(parseNevra('1:NetworkManager-1.10.2-14.el7_5.x86_64')).toMatchObject({ name: 'NetworkManager', epoch: '1', version: '1.10.2' });
    expect(parseNevra('389-ds-base-1.4.3-1.el8.x86_64')).toMatchObject({ name: '389-ds-base', version: '1.4.3' });
    expect(parseNevra('kernel-3.10.0-862.3.3.el7')).toBeUndefined();
    expect(parseNevra('x:1-1.noarch')).toBeUndefined();
    expect(splitNameArch('python3.11.x86_64')).toEqual({ name: 'python3.11', arch: 'x86_64' });
    expect(splitNameArch('python3.11')).toBeUndefined();
  });

  it('formats versions the way rpm -q does', () => {
    expect(formatEvr('(none)', '1.0', '1')).toBe('1.0-1');
    expect(formatEvr('0', '1.0', '1')).toBe('1.0-1');
    expect(formatEvr('2', '1.26', '34.el7')).toBe('2:1.26-34.el7');
    expect(normalizeEvr('0:1.0-1')).toBe('1.0-1');
    expect(looksLikeEvr('14:4.9.2-3.el7')).toBe(true);
    expect(looksLikeEvr('@System')).toBe(false);
    expect(parseSourceRpm('glibc-2.28-26.fc29.src.rpm')).toEqual({ name: 'glibc', version: '2.28-26.fc29' });
    expect(parseSourceRpm('(none)')).toBeUndefined();
  });
});

describe('argument grammar', () => {
  it('accepts real rpm names, versions and advisory ids', () => {
    expect(assertRpmName('perl-Module-Pluggable')).toBe('perl-Module-Pluggable');
    expect(assertRpmName('libstdc++')).toBe('libstdc++');
    expect(assertRpmEvr('1:2.0^git3~rc1-1.fc41')).toBe('1:2.0^git3~rc1-1.fc41');
    expect(assertAdvisoryId('RHSA-2024:1234')).toBe('RHSA-2024:1234');
    expect(assertAdvisoryId('SUSE-SLE-SERVER-12-SP2-2017-97')).toBe('SUSE-SLE-SERVER-12-SP2-2017-97');
  });

  it('rejects what could be an option, a glob or a second argument', () => {
    for (const bad of ['-y', '--setopt=gpgcheck=0', 'foo*', 'foo bar', 'foo/../bar', 'a=b', '.hidden']) {
      expect(() => assertRpmName(bad)).toThrow(expect.objectContaining({ code: 'E_INVALID_PACKAGE_NAME' }) as Error);
    }
    expect(() => assertRpmEvr('1.0-1-1')).toThrow();
    expect(() => assertRpmEvr('x:1.0')).toThrow();
  });
});
