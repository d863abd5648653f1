import type { AffectedBinary, InstalledPackage } from '@patchwave/shared';
import type { DeviceEcosystem } from './ecosystem.js';

/**
 * An installed package as matching sees it: the name advisories use, the version to compare, and
 * the binaries that stand behind it. Debian and Ubuntu advisories name source packages and their
 * source versions (a binNMU `1.2-3+b1` is source `1.2-3`), so `libssl3` and `openssl` from
 * source `openssl` at one version become one matchable `openssl`. Red Hat names binary or source
 * rpms, so each binary is looked up under both names.
 */
export interface MatchablePackage {
  /** `<device's own ecosystem key>\0<name>`: where it sits in the installed index. */
  key: string;
  /** Name looked up in advisories. */
  name: string;
  /** Name findings are grouped by: the source package when known. */
  group: string;
  /** Version compared with the advisory's ranges. */
  version: string;
  binaries: AffectedBinary[];
}

export function matchableKey(ecosystemKey: string, name: string): string {
  return `${ecosystemKey}\u0000${name}`;
}

export function toMatchables(eco: DeviceEcosystem, packages: readonly InstalledPackage[]): MatchablePackage[] {
  const primary = eco.lookups[0] as string;
  const groups = new Map<string, MatchablePackage>();
  const add = (name: string, group: string, version: string, bin: AffectedBinary): void => {
    const id = `${name}\u0000${version}\u0000${group}`;
    const existing = groups.get(id);
    if (existing) {
      existing.binaries.push(bin);
      return;
    }
    groups.set(id, { key: matchableKey(primary, name), name, group, version, binaries: [bin] });
  };
  for (const p of packages) {
    if (!eco.managers.includes(p.manager)) continue;
    const bin: AffectedBinary = { manager: p.manager, name: p.name, arch: p.arch, version: p.version };
    const source = p.source?.name || p.name;
    if (eco.names === 'source') {
      // dpkg: compare the source version; rpm/apk: a binary carries its source's version (and epoch).
      const version = eco.scheme === 'dpkg' ? p.source?.version || p.version : p.version;
      add(source, source, version, bin);
    } else {
      add(p.name, source, p.version, bin);
      if (source !== p.name) add(source, source, p.version, bin);
    }
  }
  return [...groups.values()];
}

/** Same content, whatever the order of binaries: tells which groups a new inventory changed. */
export function sameMatchable(a: MatchablePackage, b: MatchablePackage): boolean {
  if (a === b) return true;
  if (a.key !== b.key || a.version !== b.version || a.group !== b.group || a.binaries.length !== b.binaries.length) return false;
  return a.binaries.every((x) => b.binaries.some((y) => x.name === y.name && x.arch === y.arch && x.version === y.version && x.manager === y.manager));
}
