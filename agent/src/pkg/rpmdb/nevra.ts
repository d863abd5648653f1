/** Name, epoch, version, release and architecture of one rpm, as dnf, yum and zypper print them. */
export interface Nevra {
  name: string;
  /** Empty when the tool printed none (which rpm treats as 0). */
  epoch: string;
  version: string;
  release: string;
  arch: string;
}

/** Architectures rpm knows, so that a table column can be told apart from a repository id. */
const ARCH = /^(noarch|x86_64(_v[1-4])?|amd64|i[3-6]86|athlon|geode|pentium[34]|aarch64|arm\w*|ppc\w*|s390x?|riscv\w+|loongarch\w+|mips\w*|sparc\w*|ia64|alpha\w*|sh[34]\w*|src|nosrc)$/;

export function isRpmArch(value: string): boolean {
  return ARCH.test(value);
}

/** `E:V-R` with the epoch left out when it is absent or 0, the way `rpm -q` prints versions. */
export function formatEvr(epoch: string, version: string, release: string): string {
  const e = epoch === '(none)' || epoch === '0' ? '' : epoch;
  const vr = release ? `${version}-${release}` : version;
  return e ? `${e}:${vr}` : vr;
}

/** Drops a leading `0:` so that `0:1.0-1` and `1.0-1` read the same. */
export function normalizeEvr(evr: string): string {
  return evr.startsWith('0:') ? evr.slice(2) : evr;
}

export function nevraEvr(n: Nevra): string {
  return formatEvr(n.epoch, n.version, n.release);
}

/**
 * Splits `name-[epoch:]version-release.arch` (`bind-libs-32:9.8.2-0.17.rc1.el6.3.x86_64`,
 * `glibc-2.28-26.fc29.x86_64`). The arch must be one rpm knows; undefined when the text is not a
 * NEVRA. The epoch may also come first (`32:bind-libs-9.8.2-…`), as yum prints it in places.
 */
export function parseNevra(text: string): Nevra | undefined {
  let rest = text.trim();
  const lead = /^(\d+):([^:]+)$/.exec(rest);
  if (lead?.[1] !== undefined && lead[2] !== undefined) {
    const inner = parseNevra(lead[2]);
    return inner ? { ...inner, epoch: lead[1] } : undefined;
  }
  const dot = rest.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const arch = rest.slice(dot + 1);
  if (!isRpmArch(arch)) return undefined;
  rest = rest.slice(0, dot);
  const relDash = rest.lastIndexOf('-');
  if (relDash <= 0) return undefined;
  const release = rest.slice(relDash + 1);
  rest = rest.slice(0, relDash);
  const verDash = rest.lastIndexOf('-');
  if (verDash <= 0) return undefined;
  let version = rest.slice(verDash + 1);
  const name = rest.slice(0, verDash);
  let epoch = '';
  const colon = version.indexOf(':');
  if (colon !== -1) {
    epoch = version.slice(0, colon);
    version = version.slice(colon + 1);
    if (!/^\d+$/.test(epoch)) return undefined;
  }
  if (!name || !version || !release || /\s/.test(name)) return undefined;
  return { name, epoch, version, release, arch };
}

/** Splits `name.arch` (`python3.11.x86_64`) at the last dot when what follows is an rpm arch. */
export function splitNameArch(text: string): { name: string; arch: string } | undefined {
  const dot = text.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const arch = text.slice(dot + 1);
  return isRpmArch(arch) ? { name: text.slice(0, dot), arch } : undefined;
}

/** Looks like `[E:]V-R` (a version column), not a name or a repository id. */
export function looksLikeEvr(text: string): boolean {
  return /^(?:\d+:)?[A-Za-z0-9._+~^]+-[A-Za-z0-9._+~^]+$/.test(text) && /^(?:\d+:)?\d/.test(text);
}
