import { describe, expect, it } from 'vitest';
import { MANAGER_NAMES } from '../domain/manager.js';
import * as shared from '../index.js';
import { compareVersions, schemeForManager, VERSION_SCHEMES, VersionScheme } from './index.js';
import type { VersionScheme as Scheme } from './index.js';

describe('schemeForManager', () => {
  it.each([
    ['apt', 'dpkg'],
    ['dnf', 'rpm'],
    ['yum', 'rpm'],
    ['zypper', 'rpm'],
    ['pacman', 'pacman'],
    ['apk', 'apk'],
    ['brew', 'generic'],
    ['softwareupdate', 'generic'],
    ['winget', 'generic'],
    ['choco', 'generic'],
    ['windows-update', 'generic'],
    ['simulated', 'generic'],
  ] as const)('%s versions are %s versions', (manager, scheme) => {
    expect(schemeForManager(manager)).toBe(scheme);
  });

  it('covers every manager', () => {
    for (const manager of MANAGER_NAMES) expect(VERSION_SCHEMES).toContain(schemeForManager(manager));
  });
});

describe('compareVersions', () => {
  it('dispatches to the scheme: the same pair orders differently under different schemes', () => {
    // '~' is a pre-release in dpkg and rpm, a commit hash in apk, a separator in pacman and generic.
    const pair = ['1.0~c1', '1.0'] as const;
    const answers = Object.fromEntries(VERSION_SCHEMES.map((s) => [s, compareVersions(s, ...pair)]));
    expect(answers).toEqual({ dpkg: -1, rpm: -1, apk: 1, pacman: 1, generic: 1 });
  });

  it('validates a scheme name from outside with zod, and refuses unknown ones by name', () => {
    expect(VersionScheme.parse('rpm')).toBe('rpm');
    expect(VersionScheme.safeParse('semver').success).toBe(false);
    expect(() => compareVersions('semver' as Scheme, '1', '2')).toThrow("unknown version scheme 'semver'");
    expect(() => compareVersions('toString' as Scheme, '1', '2')).toThrow(TypeError);
  });

  it('is exported from @patchwave/shared', () => {
    expect(shared.compareVersions).toBe(compareVersions);
    expect(shared.schemeForManager).toBe(schemeForManager);
    expect(shared.compareDpkg('1:1', '2')).toBe(1);
  });
});
