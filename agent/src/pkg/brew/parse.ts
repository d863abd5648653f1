import { compareVersions, type AvailableUpdate, type ErrorCode, type InstalledPackage } from '@patchwave/shared';
import { z } from 'zod';
import type { ParseOutcome, ParseProblem } from '../parse-outcome.js';
import { CASK_PREFIX } from './names.js';

/*
 * Pure parsers for Homebrew output (formats and the Homebrew versions they come from in
 * README.md). None of them throws.
 */

/** Casks printed `installed_versions` as one comma-joined string in older Homebrew, an array in current 4.x. */
const Versions = z.union([z.array(z.string()), z.string().transform((s) => (s ? s.split(/,\s*/) : []))]);

const OutdatedEntry = z.object({
  name: z.string().min(1).max(256),
  installed_versions: Versions,
  current_version: z.union([z.string(), z.number()]).transform(String),
  pinned: z.boolean().optional().default(false),
  pinned_version: z.string().nullable().optional(),
});

const OutdatedDocument = z.object({
  formulae: z.array(z.unknown()).default([]),
  casks: z.array(z.unknown()).default([]),
});

export interface BrewOutdated {
  updates: AvailableUpdate[];
  /** Outdated but pinned (`brew pin`): Homebrew will not upgrade them, so they are not offered. */
  pinned: { name: string; pinnedVersion: string | null }[];
}

/** `brew outdated --json=v2`: `{ formulae: [...], casks: [...] }`; casks are named `cask:<token>`. */
export function parseBrewOutdated(text: string): ParseOutcome<BrewOutdated> {
  const value: BrewOutdated = { updates: [], pinned: [] };
  const problems: ParseProblem[] = [];
  if (!text.trim()) return { value, problems };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { value, problems: [{ message: `brew outdated did not print JSON: ${(err as Error).message}` }] };
  }
  const doc = OutdatedDocument.safeParse(json);
  if (!doc.success) return { value, problems: [{ message: `unexpected brew outdated JSON: ${doc.error.issues[0]?.message ?? 'invalid'}` }] };
  const read = (entries: unknown[], kind: 'formulae' | 'casks') =>
    entries.forEach((raw, i) => {
      const e = OutdatedEntry.safeParse(raw);
      if (!e.success) {
        problems.push({ message: `${kind}[${i}]: ${e.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}` });
        return;
      }
      const name = kind === 'casks' ? `${CASK_PREFIX}${e.data.name}` : e.data.name;
      if (e.data.pinned) {
        value.pinned.push({ name, pinnedVersion: e.data.pinned_version ?? null });
        return;
      }
      value.updates.push({
        manager: 'brew',
        name,
        arch: '',
        installedVersion: newest(e.data.installed_versions),
        candidateVersion: e.data.current_version,
        security: 'unknown',
        advisories: [],
        cves: [],
      });
    });
  read(doc.data.formulae, 'formulae');
  read(doc.data.casks, 'casks');
  return { value, problems };
}

function newest(versions: readonly string[]): string | null {
  const v = versions.filter(Boolean);
  return v.length === 0 ? null : v.reduce((a, b) => (compareVersions('generic', a, b) >= 0 ? a : b));
}

/** `brew list --formula --versions` / `brew list --cask --versions`: `name version [version…]`. */
export function parseBrewList(text: string, kind: 'formula' | 'cask' = 'formula'): ParseOutcome<InstalledPackage[]> {
  const value: InstalledPackage[] = [];
  const problems: ParseProblem[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const [name = '', ...versions] = line.split(/\s+/);
    const version = newest(versions);
    if (!/^[A-Za-z0-9][A-Za-z0-9@+._/-]*$/.test(name) || version === null) {
      problems.push({ line: i + 1, message: `not a brew list line: ${JSON.stringify(line.slice(0, 120))}` });
      return;
    }
    value.push({ manager: 'brew', name: kind === 'cask' ? `${CASK_PREFIX}${name}` : name, version, arch: '' });
  });
  return { value, problems };
}

/** `brew --version`: `Homebrew 4.3.5` (then a line per tap on older versions). */
export function parseBrewVersion(text: string): string | undefined {
  return /^Homebrew (\S+)/m.exec(text)?.[1];
}

export interface BrewFailure {
  code: ErrorCode;
  message: string;
  /** Formula or cask names the message is about, as Homebrew printed them. */
  packages: string[];
}

const CAUSES: { pattern: RegExp; code: ErrorCode }[] = [
  { pattern: /^Error: (?:No available (?:formula|cask)|No (?:formulae or casks|casks?) found|No such keg|.* not installed)/, code: 'E_PKG_NOT_FOUND' },
  { pattern: /has already locked|Another active Homebrew (?:update )?process is already in progress/, code: 'E_PKG_LOCKED' },
  { pattern: /Not upgrading \d+ pinned packages?/, code: 'E_PKG_CONFLICT' },
  { pattern: /Failed to download resource|Download failed|curl: \(\d+\)|Could not resolve host/, code: 'E_PKG_DOWNLOAD_FAILED' },
  { pattern: /An exception occurred within a (?:post_install|postinstall|preflight|postflight) block/, code: 'E_PKG_SCRIPT_FAILED' },
  { pattern: /^Error: /, code: 'E_PKG_FAILED' },
];

/** The `Error:` lines of a `brew upgrade` run (and the pinned notice), each classified. */
export function parseBrewRun(text: string): ParseOutcome<BrewFailure[]> {
  const value: BrewFailure[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    const cause = CAUSES.find((c) => c.pattern.test(line));
    if (!cause) return;
    const quoted = [...line.matchAll(/"([^"]+)"/g)].map((m) => m[1] ?? '');
    const keg = /(?:^Error: |No such keg: \S*\/Cellar\/)([a-z0-9@+._/-]+)(?: \S+)? not installed/.exec(line)?.[1];
    // "Not upgrading 1 pinned package:" is followed by "name version, name version".
    const pinned = cause.code === 'E_PKG_CONFLICT' ? (lines[i + 1] ?? '').split(/,\s*/).map((p) => p.split(' ')[0] ?? '') : [];
    const lock = /locked (?:\S*\/(?:Cellar|Caskroom)\/)?([a-z0-9@+._-]*[a-z0-9@+_-])/.exec(line)?.[1];
    value.push({ code: cause.code, message: line.trim().slice(0, 500), packages: [...quoted, ...(keg ? [keg] : []), ...pinned, ...(lock ? [lock] : [])].filter(Boolean) });
  });
  return { value, problems: [] };
}

/** A passwd entry: `getent passwd <uid>` (7 fields) or macOS `id -P <uid>` (10 fields). */
export function parsePasswd(text: string): { name: string; uid: number; gid: number; home: string } | undefined {
  const f = text.trim().split('\n')[0]?.split(':') ?? [];
  if (f.length !== 7 && f.length !== 10) return undefined;
  const [name = '', , uid = '', gid = ''] = f;
  const home = f[f.length - 2] ?? '';
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*\$?$/.test(name) || !/^\d+$/.test(uid) || !/^\d+$/.test(gid) || !home.startsWith('/')) return undefined;
  return { name, uid: Number(uid), gid: Number(gid), home };
}
