/**
 * What detection looks at, gathered once from the real host (see host-probe.ts) and injected, so
 * that every adapter's `detect` is a pure function tested without the host.
 */
export interface HostDescription {
  platform: 'linux' | 'darwin' | 'win32' | 'other';
  arch: string;
  /** Parsed /etc/os-release (keys as in the file: ID, ID_LIKE, VERSION_ID, …); empty off Linux. */
  osRelease: Readonly<Record<string, string>>;
  /** Executable names found on PATH or in well-known locations (`apt-get`, `dnf`, `brew`, …). */
  executables: ReadonlySet<string>;
  /** Effective uid on POSIX; undefined on Windows. */
  uid?: number;
}

/** Parses os-release text (KEY=value, values optionally quoted) into a record. Pure. */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    let value = line.slice(eq + 1).trim();
    if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) {
      value = value.slice(1, -1).replace(/\\(["'$`\\])/g, '$1');
    }
    if (/^[A-Z0-9_]+$/.test(key)) out[key] = value;
  }
  return out;
}

/** ID and ID_LIKE of the host, lower-cased: `["ubuntu", "debian"]`. */
export function osFamily(host: HostDescription): string[] {
  const ids = [host.osRelease['ID'] ?? '', ...(host.osRelease['ID_LIKE'] ?? '').split(/\s+/)];
  return ids.map((s) => s.toLowerCase()).filter(Boolean);
}
