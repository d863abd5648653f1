import type { Encoder } from './canonical-json.js';
import { canonicalJson, shapeEncoder } from './canonical-json.js';
import type { Inventory } from './inventory.js';
import { packageKey } from './package.js';

/** canonicalJson of an installed package, without sorting its keys each time. */
export const encodePackage: Encoder = shapeEncoder(['manager', 'name', 'version', 'arch', 'source'], { source: shapeEncoder(['name', 'version']) });

const encodeUpdate: Encoder = shapeEncoder([
  'manager',
  'name',
  'arch',
  'installedVersion',
  'candidateVersion',
  'security',
  'severity',
  'advisories',
  'cves',
  'origin',
  'title',
  'rebootRequired',
]);

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

type Keyed = { manager: string; name: string; arch: string };

// Pieces are handed on at about this size: large enough that few calls are made, small enough that
// nobody builds and then flattens one string of the whole inventory.
const PIECE = 16_384;

/**
 * Appends canonicalJson of the list, stably sorted by packageKey as `[...list].sort(byKey)` would
 * give it, to `out`, handing full pieces to `write`; returns what is left. Each key is computed
 * once, and nothing is sorted when the list is already in order (a delta applied by the server,
 * most agents' listings).
 */
function appendByKey(list: readonly Keyed[], encode: Encoder, out: string, write: (piece: string) => void): string {
  if (list.some((p) => p === null || typeof p !== 'object')) {
    return out + canonicalJson([...list].sort((a, b) => compareStrings(packageKey(a), packageKey(b))));
  }
  let ordered = list;
  if (list.length > 1) {
    const keys = list.map(packageKey);
    let sorted = true;
    for (let i = 1; i < keys.length && sorted; i++) sorted = compareStrings(keys[i - 1] as string, keys[i] as string) <= 0;
    if (!sorted) {
      const order = keys.map((_, i) => i).sort((a, b) => compareStrings(keys[a] as string, keys[b] as string));
      ordered = order.map((i) => list[i] as Keyed);
    }
  }
  let pending = `${out}[`;
  for (let i = 0; i < ordered.length; i++) {
    pending += i === 0 ? encode(ordered[i]) : `,${encode(ordered[i])}`;
    if (pending.length >= PIECE) {
      write(pending);
      pending = '';
    }
  }
  return `${pending}]`;
}

/**
 * inventoryHashInput, handed to `write` in pieces whose concatenation is that string. Pieces end
 * between values, never inside a string, so hashing them one after the other gives the hash of the
 * whole (and a server hashing thousands of packages skips building one large string).
 */
export function writeInventoryHashInput(inv: Inventory, write: (piece: string) => void): void {
  const { uptimeSeconds: _uptime, disks, ...facts } = inv.facts;
  let out = `{"facts":${canonicalJson({ ...facts, disks: disks.map(({ usedBytes: _used, ...d }) => d) })}`;
  out += `,"managers":${canonicalJson([...inv.managers].sort((a, b) => compareStrings(a.name, b.name)))}`;
  out = appendByKey(inv.packages, encodePackage, `${out},"packages":`, write);
  if (inv.reboot !== undefined) out += `,"reboot":${canonicalJson(inv.reboot)}`;
  out = appendByKey(inv.updates, encodeUpdate, `${out},"updates":`, write);
  write(`${out}}`);
}

/**
 * The part of an inventory that a content hash covers: everything but values that change on
 * their own (uptime, disk usage, collection time), with lists in a stable order. Byte-identical to
 * canonicalJson of { facts, managers, packages, updates, reboot } with the lists sorted by key (the
 * property test keeps that reference), but several times faster on thousands of packages.
 */
export function inventoryHashInput(inv: Inventory): string {
  const pieces: string[] = [];
  writeInventoryHashInput(inv, (piece) => pieces.push(piece));
  return pieces.join('');
}
