import { DeviceFacts, LIMITS, OsPlatform } from '@patchwave/shared';

/** What the probes found, as plain values (systeminformation's shapes, reduced to what we keep). */
export interface RawFacts {
  hostname: string;
  platform: string;
  machine: string;
  os?: { distro?: string; release?: string; codename?: string; kernel?: string; build?: string; fqdn?: string; serial?: string };
  osRelease?: Readonly<Record<string, string>>;
  system?: { manufacturer?: string; model?: string; serial?: string; virtual?: boolean };
  cpu?: { manufacturer?: string; brand?: string; cores?: number };
  memoryBytes?: number;
  disks?: { fs?: string; mount?: string; type?: string; size?: number; used?: number }[];
  network?: { iface?: string; mac?: string; ip4?: string; ip6?: string; internal?: boolean }[];
  uptimeSeconds: number;
  bootTimeMs?: number;
  timezone?: string;
}

const cut = (value: string | undefined, max: number = LIMITS.shortText): string | undefined => {
  const v = value?.trim();
  return v ? v.slice(0, max) : undefined;
};
const bytes = (n: number | undefined): number => (typeof n === 'number' && Number.isFinite(n) && n >= 0 ? Math.min(Math.floor(n), Number.MAX_SAFE_INTEGER) : 0);
/** Vendors fill DMI fields with placeholders; they identify nothing. */
const PLACEHOLDER = /^(|-|none|n\/a|default string|to be filled by o\.e\.m\.|system serial number|not specified|0|0123456789)$/i;
const real = (value: string | undefined, max?: number) => (value && !PLACEHOLDER.test(value.trim()) ? cut(value, max) : undefined);

function platform(p: string): OsPlatform {
  const parsed = OsPlatform.safeParse(p);
  return parsed.success ? parsed.data : 'other';
}

/**
 * Maps probe results to DeviceFacts within shared/src/limits.ts: strings cut to their limits,
 * lists capped, placeholder serials dropped. Pure; the result always passes DeviceFacts.
 */
export function mapFacts(raw: RawFacts): DeviceFacts {
  const idLike = cut(raw.osRelease?.['ID_LIKE'])?.split(/\s+/).filter(Boolean).slice(0, 16);
  const facts: DeviceFacts = {
    hostname: cut(raw.hostname, LIMITS.hostname) ?? 'unknown',
    os: {
      platform: platform(raw.platform),
      distro: cut(raw.os?.distro) ?? cut(raw.osRelease?.['NAME']) ?? raw.platform,
      release: cut(raw.os?.release) ?? cut(raw.osRelease?.['VERSION_ID']) ?? '',
      kernel: cut(raw.os?.kernel) ?? '',
      arch: cut(raw.machine, LIMITS.arch) ?? '',
    },
    hardware: {
      cpu: {
        brand: cut([raw.cpu?.manufacturer, raw.cpu?.brand].filter(Boolean).join(' ')) ?? 'unknown',
        cores: Math.min(Math.max(Math.floor(raw.cpu?.cores ?? 0), 0), 65_536),
      },
      memoryBytes: bytes(raw.memoryBytes),
    },
    disks: (raw.disks ?? [])
      .filter((d) => d.mount)
      .slice(0, 256)
      .map((d) => ({ mount: cut(d.mount) ?? '', fsType: cut(d.type) ?? '', sizeBytes: bytes(d.size), usedBytes: bytes(d.used) })),
    network: (raw.network ?? [])
      .filter((n) => n.iface)
      .slice(0, 256)
      .map((n) => ({
        name: cut(n.iface) ?? '',
        mac: cut(n.mac, 64) ?? '',
        ipv4: n.ip4 ? [n.ip4.slice(0, 64)] : [],
        ipv6: n.ip6 ? [n.ip6.slice(0, 64)] : [],
        internal: Boolean(n.internal),
      })),
    uptimeSeconds: Math.max(0, Math.floor(raw.uptimeSeconds)),
  };
  const fqdn = cut(raw.os?.fqdn, LIMITS.hostname);
  if (fqdn && fqdn !== facts.hostname) facts.fqdn = fqdn;
  const codename = cut(raw.os?.codename) ?? cut(raw.osRelease?.['VERSION_CODENAME']);
  if (codename) facts.os.codename = codename;
  const id = cut(raw.osRelease?.['ID']);
  if (id) facts.os.id = id;
  if (idLike?.length) facts.os.idLike = idLike;
  const build = cut(raw.os?.build);
  if (build) facts.os.build = build;
  const manufacturer = real(raw.system?.manufacturer);
  if (manufacturer) facts.hardware.manufacturer = manufacturer;
  const model = real(raw.system?.model);
  if (model) facts.hardware.model = model;
  const serial = real(raw.system?.serial) ?? real(raw.os?.serial);
  if (serial) facts.hardware.serial = serial;
  if (typeof raw.system?.virtual === 'boolean') facts.hardware.virtual = raw.system.virtual;
  if (raw.bootTimeMs !== undefined && Number.isFinite(raw.bootTimeMs)) facts.lastBootAt = new Date(raw.bootTimeMs).toISOString();
  const tz = cut(raw.timezone, 64);
  if (tz) facts.timezone = tz;
  return DeviceFacts.parse(facts);
}
