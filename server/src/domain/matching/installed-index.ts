import type { DeviceEcosystem } from './ecosystem.js';
import { matchableKey } from './matchable.js';
import type { MatchablePackage } from './matchable.js';

/**
 * Which devices have which matchable packages: the device side of incremental matching. A new
 * advisory asks for the devices that have one (ecosystem, name); a new inventory replaces one
 * device's packages. Phase 2 backs this port with the inventory tables (index on ecosystem key and
 * name); the in-memory one is compact enough for the 10,000 × 2,000 benchmark.
 */
export interface InstalledIndex {
  /** Replaces a device's packages and returns what it had before (empty for a new device). */
  setDevice(deviceId: string, ecosystem: DeviceEcosystem, packages: readonly MatchablePackage[]): readonly MatchablePackage[];
  removeDevice(deviceId: string): void;
  /** A device's packages with the index's numeric id of each one's key (`keyIds[i]` for `packages[i]`). */
  device(deviceId: string): DevicePackages | undefined;
  deviceIds(): Iterable<string>;
  /** Devices whose own ecosystem key is `primaryKey`, with their matchables named `name`. */
  withPackage(primaryKey: string, name: string): Iterable<{ deviceId: string; ecosystem: DeviceEcosystem; package: MatchablePackage; keyId: number }>;
  /** The numeric id of `matchableKey(primaryKey, name)`, when any device ever had it. */
  keyIdOf(primaryKey: string, name: string): number | undefined;
  /** Own ecosystem keys of devices that look `ecosystemKey` up (itself, or e.g. `Debian:12` for `Debian:*`). */
  primaryKeysFor(ecosystemKey: string): Iterable<string>;
}

/**
 * Key ids are small integers the index assigns to each distinct package key (SQLite: the rowid of
 * a package-key table), so that the matcher can cache by array index instead of hashing strings.
 */
export interface DevicePackages {
  ecosystem: DeviceEcosystem;
  packages: readonly MatchablePackage[];
  keyIds: ArrayLike<number>;
}

interface DeviceSlot {
  id: string;
  ecosystem: DeviceEcosystem;
  /** Sorted by key id; `keyIds[i]` is the key of `packages[i]`. */
  packages: MatchablePackage[];
  keyIds: Int32Array;
}

/** Growable list of device numbers per key, with swap-removal. */
class IntList {
  data = new Int32Array(4);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  remove(v: number): void {
    for (let i = 0; i < this.length; i++) {
      if (this.data[i] === v) {
        this.data[i] = this.data[--this.length] as number;
        return;
      }
    }
  }
}

export class InMemoryInstalledIndex implements InstalledIndex {
  private readonly slots: (DeviceSlot | undefined)[] = [];
  private readonly numOf = new Map<string, number>();
  private readonly idByKey = new Map<string, number>();
  private readonly devicesOfKey: IntList[] = [];
  /** lookup key → own key → number of devices. */
  private readonly lookupUse = new Map<string, Map<string, number>>();

  setDevice(deviceId: string, ecosystem: DeviceEcosystem, packages: readonly MatchablePackage[]): readonly MatchablePackage[] {
    if (packages.length >= 2_097_152) throw new RangeError(`${packages.length} packages on one device`);
    let num = this.numOf.get(deviceId);
    const old = num === undefined ? undefined : this.slots[num];
    if (num === undefined) {
      num = this.slots.length;
      this.numOf.set(deviceId, num);
      this.slots.push(undefined);
    }
    // Sort by key id natively: key id and position packed into one float (positions < 2^21).
    const packed = new Float64Array(packages.length);
    for (let i = 0; i < packages.length; i++) packed[i] = this.keyId((packages[i] as MatchablePackage).key) * 2_097_152 + i;
    packed.sort();
    const keyIds = new Int32Array(packages.length);
    const sorted = new Array<MatchablePackage>(packages.length);
    for (let i = 0; i < packed.length; i++) {
      const v = packed[i] as number;
      const at = v % 2_097_152;
      keyIds[i] = (v - at) / 2_097_152;
      sorted[i] = packages[at] as MatchablePackage;
    }
    const slot: DeviceSlot = { id: deviceId, ecosystem, packages: sorted, keyIds };
    // Merge the two sorted key lists: keys only in the old one lose this device, keys only in the new one gain it.
    const prev = old ? old.keyIds : new Int32Array(0);
    let i = 0;
    let j = 0;
    while (i < prev.length || j < keyIds.length) {
      const a = i < prev.length ? (prev[i] as number) : Infinity;
      const b = j < keyIds.length ? (keyIds[j] as number) : Infinity;
      if (a === b) {
        while (i < prev.length && prev[i] === a) i++;
        while (j < keyIds.length && keyIds[j] === b) j++;
      } else if (a < b) {
        (this.devicesOfKey[a] as IntList).remove(num);
        while (i < prev.length && prev[i] === a) i++;
      } else {
        (this.devicesOfKey[b] as IntList).push(num);
        while (j < keyIds.length && keyIds[j] === b) j++;
      }
    }
    if (old) this.useLookups(old.ecosystem, -1);
    this.useLookups(ecosystem, 1);
    this.slots[num] = slot;
    return old ? old.packages : [];
  }

  removeDevice(deviceId: string): void {
    const num = this.numOf.get(deviceId);
    const slot = num === undefined ? undefined : this.slots[num];
    if (num === undefined || !slot) return;
    for (const k of new Set(slot.keyIds)) this.devicesOfKey[k]?.remove(num);
    this.useLookups(slot.ecosystem, -1);
    this.slots[num] = undefined;
    this.numOf.delete(deviceId);
  }

  device(deviceId: string): DevicePackages | undefined {
    const num = this.numOf.get(deviceId);
    return num === undefined ? undefined : this.slots[num];
  }

  deviceIds(): Iterable<string> {
    return this.numOf.keys();
  }

  keyIdOf(primaryKey: string, name: string): number | undefined {
    return this.idByKey.get(matchableKey(primaryKey, name));
  }

  *withPackage(primaryKey: string, name: string): Iterable<{ deviceId: string; ecosystem: DeviceEcosystem; package: MatchablePackage; keyId: number }> {
    const k = this.idByKey.get(matchableKey(primaryKey, name));
    if (k === undefined) return;
    const list = this.devicesOfKey[k] as IntList;
    for (let i = 0; i < list.length; i++) {
      const slot = this.slots[list.data[i] as number];
      if (!slot) continue;
      for (let j = lowerBound(slot.keyIds, k); j < slot.keyIds.length && slot.keyIds[j] === k; j++) {
        yield { deviceId: slot.id, ecosystem: slot.ecosystem, package: slot.packages[j] as MatchablePackage, keyId: k };
      }
    }
  }

  primaryKeysFor(ecosystemKey: string): Iterable<string> {
    return this.lookupUse.get(ecosystemKey)?.keys() ?? [];
  }

  private keyId(key: string): number {
    let id = this.idByKey.get(key);
    if (id === undefined) {
      id = this.devicesOfKey.length;
      this.idByKey.set(key, id);
      this.devicesOfKey.push(new IntList());
    }
    return id;
  }

  private useLookups(eco: DeviceEcosystem, delta: 1 | -1): void {
    const own = eco.lookups[0] as string;
    for (const lookup of eco.lookups) {
      let m = this.lookupUse.get(lookup);
      if (!m) this.lookupUse.set(lookup, (m = new Map()));
      const n = (m.get(own) ?? 0) + delta;
      if (n > 0) m.set(own, n);
      else m.delete(own);
    }
  }
}

function lowerBound(a: Int32Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
