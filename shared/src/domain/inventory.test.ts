import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PackageDelta } from './inventory.js';
import { applyPackageDelta, diffPackages } from './inventory.js';
import type { InstalledPackage } from './package.js';
import { packageKey } from './package.js';

const pkg: fc.Arbitrary<InstalledPackage> = fc.record(
  {
    manager: fc.constantFrom('apt' as const, 'dnf' as const, 'winget' as const),
    name: fc.oneof(fc.constantFrom('a', 'ab', 'a\u0000b', 'é', '😀', 'libc6'), fc.string({ unit: 'binary', minLength: 1, maxLength: 6 })),
    version: fc.constantFrom('1', '2', '1.0~rc1'),
    arch: fc.constantFrom('amd64', 'i386', ''),
    source: fc.option(fc.record({ name: fc.constantFrom('s', 't') }), { nil: undefined }),
  },
  { requiredKeys: ['manager', 'name', 'version', 'arch'] },
);

/** applyPackageDelta as first written: the reference for its faster ordering. */
function referenceApply(prev: readonly InstalledPackage[], delta: PackageDelta): InstalledPackage[] {
  const map = new Map(prev.map((p) => [packageKey(p), p]));
  for (const r of delta.remove) map.delete(packageKey(r));
  for (const p of delta.upsert) map.set(packageKey(p), p);
  return [...map.values()].sort((a, b) => (packageKey(a) < packageKey(b) ? -1 : packageKey(a) > packageKey(b) ? 1 : 0));
}

describe('applyPackageDelta', () => {
  it('gives the reference result, in key order, for sorted and unsorted lists', () => {
    const delta = fc.record({ upsert: fc.array(pkg, { maxLength: 8 }), remove: fc.array(pkg, { maxLength: 8 }) });
    fc.assert(
      fc.property(fc.array(pkg, { maxLength: 30 }), fc.boolean(), delta, (prev, presort, d) => {
        const list = presort ? referenceApply(prev, { upsert: [], remove: [] }) : prev;
        expect(applyPackageDelta(list, d)).toEqual(referenceApply(list, d));
      }),
      { numRuns: 500 },
    );
  });

  it('rebuilds the next list from diffPackages', () => {
    fc.assert(
      fc.property(fc.array(pkg, { maxLength: 30 }), fc.array(pkg, { maxLength: 30 }), (prev, next) => {
        expect(applyPackageDelta(prev, diffPackages(prev, next))).toEqual(referenceApply(next, { upsert: [], remove: [] }));
      }),
      { numRuns: 300 },
    );
  });
});
