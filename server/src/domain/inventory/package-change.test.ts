import type { InstalledPackage } from '@patchwave/shared';
import { applyPackageDelta } from '@patchwave/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StoredPackage } from './package-change.js';
import { diffDelta, diffInventory } from './package-change.js';

const T0 = new Date('2026-01-01T00:00:00Z');
const T1 = new Date('2026-01-02T00:00:00Z');
const stored = (p: InstalledPackage): StoredPackage => ({ ...p, since: T0 });

describe('diffInventory', () => {
  it('classifies installs, removals, upgrades and downgrades by the manager ordering', () => {
    const before = [
      stored({ manager: 'apt', name: 'openssl', version: '3.0.11-1~deb12u1', arch: 'amd64' }),
      stored({ manager: 'apt', name: 'old', version: '1.0', arch: 'amd64' }),
      stored({ manager: 'apt', name: 'tilde', version: '1.0', arch: 'amd64' }),
      stored({ manager: 'dnf', name: 'kernel', version: '6.1.10-200.fc37', arch: 'x86_64' }),
    ];
    const after: InstalledPackage[] = [
      { manager: 'apt', name: 'openssl', version: '3.0.11-1~deb12u2', arch: 'amd64' },
      // dpkg: 1.0~rc1 sorts before 1.0, so this is a downgrade though the string is "longer"
      { manager: 'apt', name: 'tilde', version: '1.0~rc1', arch: 'amd64' },
      { manager: 'dnf', name: 'kernel', version: '6.1.9-200.fc37', arch: 'x86_64' },
      { manager: 'apt', name: 'new', version: '2.0', arch: 'all' },
    ];
    const diff = diffInventory(before, after, T1);
    expect(diff.changes.map((c) => [c.name, c.change, c.fromVersion, c.toVersion])).toEqual([
      ['openssl', 'upgraded', '3.0.11-1~deb12u1', '3.0.11-1~deb12u2'],
      ['tilde', 'downgraded', '1.0', '1.0~rc1'],
      ['kernel', 'downgraded', '6.1.10-200.fc37', '6.1.9-200.fc37'],
      ['new', 'installed', null, '2.0'],
      ['old', 'removed', '1.0', null],
    ]);
    expect(diff.remove).toEqual([{ manager: 'apt', name: 'old', arch: 'amd64' }]);
    expect(diff.upsert.map((p) => [p.name, p.since])).toEqual([
      ['openssl', T1],
      ['tilde', T1],
      ['kernel', T1],
      ['new', T1],
    ]);
    expect(diff.changes.every((c) => c.observedAt === T1)).toBe(true);
  });

  it('writes nothing for an unchanged inventory and no history for a source-only change', () => {
    const before = [stored({ manager: 'apt', name: 'a', version: '1', arch: 'amd64', source: { name: 'a-src', version: '1' } })];
    expect(diffInventory(before, [{ manager: 'apt', name: 'a', version: '1', arch: 'amd64', source: { name: 'a-src', version: '1' } }], T1)).toEqual({ upsert: [], remove: [], changes: [] });
    const sourceOnly = diffInventory(before, [{ manager: 'apt', name: 'a', version: '1', arch: 'amd64', source: { name: 'other', version: '1' } }], T1);
    expect(sourceOnly.changes).toEqual([]);
    expect(sourceOnly.upsert).toEqual([{ manager: 'apt', name: 'a', version: '1', arch: 'amd64', source: { name: 'other', version: '1' }, since: T0 }]);
  });

  it('treats the same name on another arch or manager as another package, and ignores duplicates', () => {
    const before = [stored({ manager: 'apt', name: 'libc6', version: '2.36', arch: 'amd64' })];
    const after: InstalledPackage[] = [
      { manager: 'apt', name: 'libc6', version: '2.36', arch: 'amd64' },
      { manager: 'apt', name: 'libc6', version: '2.36', arch: 'i386' },
      { manager: 'apt', name: 'libc6', version: '2.36', arch: 'i386' },
    ];
    const diff = diffInventory(before, after, T1);
    expect(diff.changes.map((c) => [c.arch, c.change])).toEqual([['i386', 'installed']]);
  });
});

describe('diffDelta', () => {
  // A small key space, so that deltas hit stored packages, remove and re-add them, and repeat keys.
  const pkg = fc.record(
    {
      manager: fc.constantFrom('apt' as const, 'dnf' as const),
      name: fc.constantFrom('a', 'b', 'c', 'libc6', 'a\u0000b', 'é'),
      version: fc.constantFrom('1.0', '1.0~rc1', '1.1', '2:0.9', '6.1.9-200.fc37', '6.1.10-200.fc37'),
      arch: fc.constantFrom('amd64', 'i386', ''),
      source: fc.option(fc.record({ name: fc.constantFrom('s', 't'), version: fc.option(fc.constantFrom('1', '2'), { nil: undefined }) }, { requiredKeys: ['name'] }), { nil: undefined }),
    },
    { requiredKeys: ['manager', 'name', 'version', 'arch'] },
  );
  const storedList = fc.array(fc.tuple(pkg, fc.boolean()), { maxLength: 20 }).map((items) => items.map(([p, old]) => ({ ...p, since: old ? T0 : T1 })));
  const delta = fc.record({ upsert: fc.array(pkg, { maxLength: 8 }), remove: fc.array(pkg.map(({ manager, name, arch }) => ({ manager, name, arch })), { maxLength: 8 }) });

  it('gives what diffInventory gives against the delta applied to what is stored', () => {
    const at = new Date('2026-01-03T00:00:00Z');
    fc.assert(
      fc.property(storedList, delta, (stored, d) => {
        const applied = applyPackageDelta(stored.map(({ since: _since, ...p }) => p), d);
        expect(diffDelta(stored, d, at)).toEqual(diffInventory(stored, applied, at));
      }),
      { numRuns: 500 },
    );
  });

  it('writes nothing for an empty delta', () => {
    expect(diffDelta([stored({ manager: 'apt', name: 'a', version: '1', arch: 'amd64' })], { upsert: [], remove: [] }, T1)).toEqual({ upsert: [], remove: [], changes: [] });
  });
});
