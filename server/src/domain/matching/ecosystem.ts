import type { DeviceFacts, ManagerName, VersionScheme } from '@patchwave/shared';

/**
 * OSV ecosystem strings (ossf/osv-schema ecosystems.json) ↔ lookup keys, and device facts → the
 * keys a device's packages are looked up under.
 *
 * Keys drop what does not change which packages a release has: Ubuntu's `:LTS`, Red Hat's
 * repository (`::baseos`, `::appstream`) and minor release, SUSE's module and support phase
 * (`Linux Enterprise Module for Basesystem 15 SP5`, `… Server 15 SP5-LTSS` → `SUSE:SLE:15 SP5`).
 * An ecosystem without a release suffix (`Debian`, `AlmaLinux`) applies to every release: key `<family>:*`.
 */

export type NameKind = 'source' | 'binary-or-source';

export interface EcosystemRef {
  key: string;
  family: string;
  scheme: VersionScheme;
}

interface Family {
  scheme: VersionScheme;
  /** What `affected[].package.name` names in this family. */
  names: NameKind;
  managers: ManagerName[];
}

const RPM: ManagerName[] = ['dnf', 'yum'];
const FAMILIES: Record<string, Family> = {
  Debian: { scheme: 'dpkg', names: 'source', managers: ['apt'] },
  Ubuntu: { scheme: 'dpkg', names: 'source', managers: ['apt'] },
  Alpine: { scheme: 'apk', names: 'source', managers: ['apk'] },
  Wolfi: { scheme: 'apk', names: 'source', managers: ['apk'] },
  Chainguard: { scheme: 'apk', names: 'source', managers: ['apk'] },
  'Red Hat': { scheme: 'rpm', names: 'binary-or-source', managers: RPM },
  'Rocky Linux': { scheme: 'rpm', names: 'source', managers: RPM },
  AlmaLinux: { scheme: 'rpm', names: 'source', managers: RPM },
  SUSE: { scheme: 'rpm', names: 'source', managers: ['zypper'] },
  openSUSE: { scheme: 'rpm', names: 'source', managers: ['zypper'] },
  'Photon OS': { scheme: 'rpm', names: 'binary-or-source', managers: ['dnf', 'yum'] },
  Mageia: { scheme: 'rpm', names: 'source', managers: RPM },
  'Azure Linux': { scheme: 'rpm', names: 'source', managers: ['dnf'] },
  openEuler: { scheme: 'rpm', names: 'source', managers: RPM },
};

export function familyOf(family: string): Family | undefined {
  return Object.hasOwn(FAMILIES, family) ? FAMILIES[family] : undefined;
}

const SLE = /^Linux Enterprise .+? (\d+)(?: SP(\d+))?(?:-[A-Za-z]+)?$/;

function releaseKey(family: string, suffix: string): string | null {
  switch (family) {
    case 'Debian':
    case 'Rocky Linux':
    case 'AlmaLinux':
    case 'Mageia':
    case 'Azure Linux':
      return /^\d+$/.test(suffix) ? suffix : (/^(\d+)\.\d+$/.exec(suffix)?.[1] ?? null);
    case 'Alpine': {
      const m = /^v?(\d+\.\d+)$/.exec(suffix);
      return m ? `v${m[1]}` : null;
    }
    case 'Ubuntu': {
      const parts = suffix.split(':').filter((p) => p !== 'LTS');
      const version = parts.find((p) => /^\d{2}\.\d{2}$/.test(p));
      if (!version) return null;
      return [...parts.filter((p) => p !== version), version].join(':');
    }
    case 'Red Hat': {
      // CPE without `cpe:/[oa]:redhat:`: product:version[:update[:edition]], e.g. enterprise_linux:9::appstream.
      const [product, version] = suffix.split(':');
      if (!product || !version) return null;
      const major = /^(\d+)/.exec(version)?.[1];
      if (!major) return null;
      return product === 'enterprise_linux' ? `enterprise_linux:${major}` : `${product}:${version}`;
    }
    case 'SUSE': {
      const m = SLE.exec(suffix);
      return m ? `SLE:${m[1]}${m[2] ? ` SP${m[2]}` : ''}` : suffix;
    }
    default:
      return suffix;
  }
}

const normalized = new Map<string, EcosystemRef | null>();

/** Lookup key of a published ecosystem string; null for ecosystems no agent reports (npm, PyPI, Go…). */
export function normalizeOsvEcosystem(raw: string): EcosystemRef | null {
  const cached = normalized.get(raw);
  if (cached !== undefined) return cached;
  const ref = normalizeUncached(raw);
  // Feeds use a few hundred distinct ecosystem strings; the bound only guards against junk.
  if (normalized.size < 10_000) normalized.set(raw, ref);
  return ref;
}

function normalizeUncached(raw: string): EcosystemRef | null {
  const colon = raw.indexOf(':');
  const family = colon < 0 ? raw : raw.slice(0, colon);
  const f = familyOf(family);
  if (!f) return null;
  if (colon < 0 || raw.slice(colon + 1).trim() === '') return { key: `${family}:*`, family, scheme: f.scheme };
  const release = releaseKey(family, raw.slice(colon + 1));
  return release === null ? null : { key: `${family}:${release}`, family, scheme: f.scheme };
}

/** How a device's packages are matched: the keys to look them up under, in order, and how. */
export interface DeviceEcosystem {
  family: string;
  /** First key: the device's own release; then variants it subscribes to; last the family wildcard. */
  lookups: string[];
  scheme: VersionScheme;
  names: NameKind;
  managers: ManagerName[];
}

export interface DeviceEcosystemOptions {
  /** Ubuntu Pro / ESM attached: `Ubuntu:Pro:<release>` advisories apply too. */
  ubuntuPro?: boolean;
  /** Extra Red Hat streams the device is subscribed to (`rhel_eus:9.4`, `rhel_aus:8.4`). */
  redHatStreams?: string[];
}

export type DeviceEcosystemResult = { ok: true; ecosystem: DeviceEcosystem } | { ok: false; reason: string };

function build(family: string, release: string, extra: string[] = []): DeviceEcosystemResult {
  const f = FAMILIES[family] as Family;
  const lookups = [...new Set([`${family}:${release}`, ...extra.map((e) => `${family}:${e}`), `${family}:*`])];
  return { ok: true, ecosystem: { family, lookups, scheme: f.scheme, names: f.names, managers: f.managers } };
}

const major = (release: string): string | null => /^(\d+)/.exec(release)?.[1] ?? null;

/**
 * The OSV ecosystem of a device from its os-release facts (`id`, `release` = VERSION_ID). OSes
 * OSV does not cover (CentOS Stream, Fedora, Arch, derivatives such as Mint) get a reason
 * instead: they are matched on their package managers' own security metadata only.
 */
export function deviceEcosystem(os: DeviceFacts['os'], opts: DeviceEcosystemOptions = {}): DeviceEcosystemResult {
  const id = (os.id ?? '').toLowerCase();
  const release = os.release.trim();
  const m = major(release);
  const need = (ok: string | null, family: string, extra: string[] = []): DeviceEcosystemResult =>
    ok === null ? { ok: false, reason: `release "${release}" of ${id} is not a numbered release` } : build(family, ok, extra);
  switch (id) {
    case 'debian':
      return need(m, 'Debian');
    case 'ubuntu': {
      const v = /^\d{2}\.\d{2}/.exec(release)?.[0] ?? null;
      return need(v, 'Ubuntu', opts.ubuntuPro && v ? [`Pro:${v}`] : []);
    }
    case 'alpine': {
      const v = /^(\d+\.\d+)/.exec(release)?.[1];
      return need(v ? `v${v}` : null, 'Alpine');
    }
    case 'rhel':
      return need(m ? `enterprise_linux:${m}` : null, 'Red Hat', opts.redHatStreams ?? []);
    case 'rocky':
      return need(m, 'Rocky Linux');
    case 'almalinux':
      return need(m, 'AlmaLinux');
    case 'sles':
    case 'sled':
    case 'sles_sap': {
      const v = /^(\d+)(?:\.(\d+))?/.exec(release);
      return need(v ? `SLE:${v[1]}${v[2] && v[2] !== '0' ? ` SP${v[2]}` : ''}` : null, 'SUSE');
    }
    case 'opensuse-leap':
      return need(/^\d+\.\d+$/.test(release) ? `Leap ${release}` : null, 'openSUSE');
    case 'opensuse-tumbleweed':
      return build('openSUSE', 'Tumbleweed');
    case 'photon':
      return need(/^\d+\.\d+$/.test(release) ? release : null, 'Photon OS');
    case 'mageia':
      return need(m, 'Mageia');
    case 'azurelinux':
      return need(m, 'Azure Linux');
    case 'wolfi':
      return build('Wolfi', '*');
    case 'chainguard':
      return build('Chainguard', '*');
    default:
      return { ok: false, reason: id ? `no OSV ecosystem for os id "${id}"` : 'the device reports no os-release id' };
  }
}
