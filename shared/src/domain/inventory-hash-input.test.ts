import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, quoteString, shapeEncoder } from './canonical-json.js';
import type { Inventory } from './inventory.js';
import { encodePackage, inventoryHashInput } from './inventory-hash-input.js';
import { packageKey } from './package.js';

/** The algorithm agents and servers hashed with before the fast encoder: the reference. */
function referenceHashInput(inv: Inventory): string {
  const byKey = (a: { manager: string; name: string; arch: string }, b: { manager: string; name: string; arch: string }) => {
    const ka = packageKey(a);
    const kb = packageKey(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };
  const { uptimeSeconds: _uptime, disks, ...facts } = inv.facts;
  return canonicalJson({
    facts: { ...facts, disks: disks.map(({ usedBytes: _used, ...d }) => d) },
    managers: [...inv.managers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    packages: [...inv.packages].sort(byKey),
    updates: [...inv.updates].sort(byKey),
    reboot: inv.reboot,
  });
}

const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom('', 'a', 'apt', 'Apt', 'é', '\u0000', '"\\\n', '\ud800', '\udfff x', '😀', '__proto__', 'constructor'),
);
/** Anything a careless caller might put in: undefined, NaN, nested and null-prototype objects, sparse arrays, boxed values. */
const odd = fc.anything({ maxDepth: 2, maxKeys: 4, withNullPrototype: true, withSparseArray: true, withBoxedValues: true, withObjectString: true, withUnicodeString: true, withDate: true, key: text });
const optional = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, fc.constant(undefined), odd);
const extraKeys = fc.option(fc.dictionary(text, odd, { maxKeys: 3 }), { nil: undefined });
const withExtra = <T extends object>(arb: fc.Arbitrary<T>) =>
  fc.tuple(arb, extraKeys, fc.nat(9)).map(([value, extra, roll]) => (extra && roll === 0 ? { ...value, ...extra } : value));

// Few distinct names and managers, so that lists have ties and duplicates to sort stably.
const name = fc.oneof(fc.constantFrom('libc6', 'openssl', 'zlib1g', 'a', 'a\u0000b'), text);
const manager = fc.oneof(fc.constantFrom('apt', 'dnf', 'winget'), text);
const source = withExtra(fc.record({ name: text, version: optional(text) }, { requiredKeys: ['name'] }));
const pkg = withExtra(fc.record({ manager, name, version: optional(text), arch: fc.oneof(fc.constantFrom('amd64', 'all', ''), text), source: optional(source) }, { requiredKeys: [] }));
const update = withExtra(
  fc.record(
    {
      manager,
      name,
      arch: fc.constantFrom('amd64', ''),
      installedVersion: fc.oneof(text, fc.constant(null)),
      candidateVersion: text,
      security: optional(fc.constantFrom(true, false, 'unknown')),
      severity: optional(fc.constantFrom('critical', 'low')),
      advisories: optional(fc.array(text, { maxLength: 3 })),
      cves: optional(fc.array(text, { maxLength: 3 })),
      origin: optional(text),
      title: optional(text),
      rebootRequired: optional(fc.boolean()),
    },
    { requiredKeys: [] },
  ),
);
type Keyed = { manager: string; name: string; arch: string };
const compareKeys = (a: unknown, b: unknown) => {
  const ka = packageKey(a as Keyed);
  const kb = packageKey(b as Keyed);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};
const list = <T>(arb: fc.Arbitrary<T>) =>
  fc.tuple(fc.array(arb, { maxLength: 25 }), fc.boolean()).map(([items, presorted]) => (presorted ? [...items].sort(compareKeys) : items));

const inventory = fc.record({
  collectedAt: text,
  facts: withExtra(
    fc.record({
      hostname: text,
      os: fc.record({ platform: fc.constantFrom('linux', 'win32'), distro: text, release: text, kernel: text, arch: text, id: optional(text) }),
      disks: fc.array(withExtra(fc.record({ mount: text, fsType: text, sizeBytes: fc.nat(), usedBytes: fc.nat() })), { maxLength: 3 }),
      uptimeSeconds: fc.double(),
      extra: optional(odd),
    }),
  ),
  managers: fc.array(withExtra(fc.record({ name: manager, ok: fc.boolean(), version: optional(text) })), { maxLength: 3 }),
  packages: list(pkg),
  updates: list(update),
  reboot: optional(fc.record({ required: fc.constantFrom(true, false, 'unknown'), reasons: fc.array(text, { maxLength: 2 }), packages: fc.array(text, { maxLength: 2 }) })),
}) as unknown as fc.Arbitrary<Inventory>;

describe('inventoryHashInput', () => {
  it('is byte-identical to the reference canonical encoding for arbitrary inventories', () => {
    fc.assert(
      fc.property(inventory, (inv) => {
        expect(inventoryHashInput(inv)).toBe(referenceHashInput(inv));
      }),
      { numRuns: 300 },
    );
  });

  it('encodes a known inventory to the bytes agents already hash', () => {
    const inv = {
      collectedAt: '2026-01-01T00:00:00Z',
      facts: {
        hostname: 'h',
        os: { platform: 'linux', distro: 'Debian', release: '12', kernel: '6.1', arch: 'x86_64' },
        hardware: { cpu: { brand: 'c', cores: 2 }, memoryBytes: 1 },
        disks: [{ mount: '/', fsType: 'ext4', sizeBytes: 10, usedBytes: 5 }],
        network: [],
        uptimeSeconds: 99,
      },
      managers: [{ name: 'apt', ok: true }],
      packages: [
        { manager: 'apt', name: 'zlib1g', version: '1:1.2', arch: 'amd64' },
        { manager: 'apt', name: 'libc6', version: '2.36', arch: 'amd64', source: { name: 'glibc', version: undefined } },
      ],
      updates: [{ manager: 'apt', name: 'libc6', arch: 'amd64', installedVersion: '2.36', candidateVersion: '2.37', security: 'unknown', advisories: [], cves: ['CVE-1'] }],
      reboot: { required: false, reasons: [], packages: [] },
    } as Inventory;
    expect(inventoryHashInput(inv)).toBe(
      '{"facts":{"disks":[{"fsType":"ext4","mount":"/","sizeBytes":10}],"hardware":{"cpu":{"brand":"c","cores":2},"memoryBytes":1},"hostname":"h","network":[],' +
        '"os":{"arch":"x86_64","distro":"Debian","kernel":"6.1","platform":"linux","release":"12"}},"managers":[{"name":"apt","ok":true}],' +
        '"packages":[{"arch":"amd64","manager":"apt","name":"libc6","source":{"name":"glibc"},"version":"2.36"},{"arch":"amd64","manager":"apt","name":"zlib1g","version":"1:1.2"}],' +
        '"reboot":{"packages":[],"reasons":[],"required":false},' +
        '"updates":[{"advisories":[],"arch":"amd64","candidateVersion":"2.37","cves":["CVE-1"],"installedVersion":"2.36","manager":"apt","name":"libc6","security":"unknown"}]}',
    );
  });
});

describe('shapeEncoder', () => {
  const encode = shapeEncoder(['b', 'a']);

  it('matches canonicalJson on any value', () => {
    fc.assert(
      fc.property(fc.oneof(odd, fc.record({ a: odd, b: odd }, { requiredKeys: [] })), (value) => {
        expect(encode(value)).toBe(canonicalJson(value));
        expect(encodePackage(value)).toBe(canonicalJson(value));
      }),
      { numRuns: 300 },
    );
  });

  it('quotes strings exactly as JSON.stringify does', () => {
    fc.assert(
      fc.property(fc.oneof(text, fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) })), (value) => {
        expect(quoteString(value)).toBe(JSON.stringify(value));
      }),
      { numRuns: 1000 },
    );
  });

  it('falls back for other keys and ignores inherited ones', () => {
    expect(encode({ b: 1, a: undefined, c: 'x' })).toBe('{"b":1,"c":"x"}');
    expect(encode(Object.create({ a: 'inherited' }, { b: { value: 2, enumerable: true } }))).toBe('{"b":2}');
    expect(encode([{ a: 1 }])).toBe('[{"a":1}]');
    expect(encode(null)).toBe('null');
  });
});
