import { createHash } from 'node:crypto';
import type { InstalledPackage } from '@patchwave/shared';
import { inventoryHashInput } from '@patchwave/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sampleInventory, samplePackages } from '../../testing/facts.js';
import { inventoryHash } from './inventory-hash.js';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('inventoryHash', () => {
  it('hashes the pieces to the hash of the whole input, across many pieces and with any characters', () => {
    // Long names with astral characters (surrogate pairs), lone surrogates and escapes, unsorted:
    // the input runs to several pieces, and no piece may end inside a character.
    const odd = ['😀', '\ud800', 'é', '"\\', '\n', 'ǅ'];
    const packages: InstalledPackage[] = samplePackages(600).map((p, i) => ({
      ...p,
      name: `${odd[i % odd.length]}${'x'.repeat(i % 97)}${p.name}${odd[(i * 7) % odd.length]}`,
      source: { name: `src-😀-${i % 13}`, version: `${i}😀` },
    }));
    const inv = sampleInventory(packages.reverse());
    expect(inventoryHashInput(inv).length).toBeGreaterThan(3 * 16_384);
    expect(inventoryHash(inv)).toBe(sha256(inventoryHashInput(inv)));
  });

  it('agrees with sha256 of inventoryHashInput for arbitrary package lists', () => {
    const text = fc.string({ unit: 'binary', maxLength: 40 });
    const pkg = fc.record({ manager: fc.constantFrom('apt' as const, 'dnf' as const), name: text, version: text, arch: text }, { requiredKeys: ['manager', 'name', 'version', 'arch'] });
    fc.assert(
      fc.property(fc.array(pkg, { maxLength: 300 }), (packages) => {
        const inv = { ...sampleInventory([]), packages };
        expect(inventoryHash(inv)).toBe(sha256(inventoryHashInput(inv)));
      }),
      { numRuns: 100 },
    );
  });
});
