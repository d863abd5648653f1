import { LIMITS, type AvailableUpdate } from '@patchwave/shared';
import type { ParseOutcome, ParseProblem } from '../parse-outcome.js';
import type { PlannedChangeKind } from '../package-manager.js';
import { splitArchQualifier } from './names.js';

/** One release file a candidate comes from, as apt prints it: `Label:Version/Archive`. */
export interface AptOrigin {
  raw: string;
  label?: string;
  version?: string;
  archive?: string;
}

export interface SimulatedChange {
  kind: PlannedChangeKind;
  name: string;
  arch: string;
  from: string | null;
  to: string | null;
  origins: AptOrigin[];
  security: boolean;
}

/** A line apt prints for the user: `E:` errors, `W:` warnings, `N:` notes. */
export interface AptMessage {
  level: 'E' | 'W' | 'N';
  text: string;
}

export interface AptSimulation {
  changes: SimulatedChange[];
  messages: AptMessage[];
  /** Requested packages apt did nothing for, with why. */
  skipped: { name: string; reason: 'already-newest' | 'not-installed' | 'not-found' | 'version-not-found'; text: string }[];
  /** Packages `dist-upgrade` kept back (held or unresolvable). */
  keptBack: string[];
}

/** Compares two versions (negative, zero, positive), to tell an upgrade from a downgrade. */
export type VersionCompare = (a: string, b: string) => number;

const INST = /^Inst (\S+) (?:\[([^\]]*)\] )?\((\S+)(?: (.*?))? \[([^\]]*)\]\)(?: \[.*\])?\s*$/;
const REMV = /^Remv (\S+)(?: \[([^\]]*)\])?(?: \[.*\])?\s*$/;

/** `Debian-Security:12/oldstable-security`, `Ubuntu:16.10/yakkety-updates`, `localhost` (no Release file). */
export function parseOrigin(raw: string): AptOrigin {
  const origin: AptOrigin = { raw };
  let rest = raw;
  const colon = rest.indexOf(':');
  if (colon > 0) {
    origin.label = rest.slice(0, colon);
    rest = rest.slice(colon + 1);
  }
  const slash = rest.lastIndexOf('/');
  if (slash >= 0) {
    origin.version = rest.slice(0, slash) || undefined;
    origin.archive = rest.slice(slash + 1) || undefined;
  } else if (origin.label !== undefined) {
    origin.archive = rest || undefined;
  }
  if (origin.version === undefined) delete origin.version;
  if (origin.archive === undefined) delete origin.archive;
  return origin;
}

/**
 * A candidate is a security update when one of its origins is the Debian security archive (label
 * `Debian-Security`) or a `*-security` suite (Ubuntu `jammy-security`, `yakkety-security`, ESM's
 * `*-infra-security`). A package in both -updates and -security counts as security.
 */
export function isSecurityOrigin(origin: AptOrigin): boolean {
  return origin.label === 'Debian-Security' || /-security$/.test(origin.archive ?? '');
}

function splitOrigins(text: string | undefined): AptOrigin[] {
  if (!text) return [];
  return text
    .split(', ')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(parseOrigin);
}

function changeKind(from: string | null, to: string, compare?: VersionCompare): PlannedChangeKind {
  if (from === null) return 'install';
  if (from === to) return 'reinstall';
  return compare && compare(to, from) < 0 ? 'downgrade' : 'upgrade';
}

/**
 * Reads `apt-get -s …` (simulate) output: `Inst`/`Remv` lines, `E:`/`W:` messages, what was kept
 * back and which requested packages apt skipped. Conf lines repeat the Inst lines and are ignored.
 */
export function parseAptSimulation(text: string, compare?: VersionCompare): ParseOutcome<AptSimulation> {
  const result: AptSimulation = { changes: [], messages: [], skipped: [], keptBack: [] };
  const problems: ParseProblem[] = [];
  let inKeptBack = false;
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    if (inKeptBack) {
      if (line.startsWith('  ')) {
        result.keptBack.push(...line.trim().split(/\s+/));
        return;
      }
      inKeptBack = false;
    }
    if (line.startsWith('Inst ')) {
      const m = INST.exec(line);
      if (!m) {
        problems.push({ line: index + 1, message: `unreadable Inst line: ${line.slice(0, 200)}` });
        return;
      }
      const { name, arch: qualifier } = splitArchQualifier(m[1] ?? '');
      const from = m[2] ?? null;
      const to = m[3] ?? '';
      const arch = m[5] || qualifier || '';
      if (name.length > LIMITS.packageName || to.length > LIMITS.version || (from?.length ?? 0) > LIMITS.version || arch.length > LIMITS.arch) {
        problems.push({ line: index + 1, message: 'package name, version or architecture too long' });
        return;
      }
      const origins = splitOrigins(m[4]);
      result.changes.push({ kind: changeKind(from, to, compare), name, arch, from, to, origins, security: origins.some(isSecurityOrigin) });
      return;
    }
    if (line.startsWith('Remv ')) {
      const m = REMV.exec(line);
      if (!m) {
        problems.push({ line: index + 1, message: `unreadable Remv line: ${line.slice(0, 200)}` });
        return;
      }
      const { name, arch } = splitArchQualifier(m[1] ?? '');
      result.changes.push({ kind: 'remove', name, arch: arch ?? '', from: m[2] ?? null, to: null, origins: [], security: false });
      return;
    }
    const msg = /^([EWN]): (.*)$/.exec(line);
    if (msg) {
      const level = msg[1] as AptMessage['level'];
      const body = msg[2] ?? '';
      result.messages.push({ level, text: body });
      const notFound = /^Unable to locate package (\S+)/.exec(body);
      if (notFound) result.skipped.push({ name: notFound[1] ?? '', reason: 'not-found', text: body });
      const noVersion = /^Version '([^']*)' for '([^']*)' was not found/.exec(body);
      if (noVersion) result.skipped.push({ name: noVersion[2] ?? '', reason: 'version-not-found', text: body });
      return;
    }
    const newest = /^(\S+) is already the newest version \(([^)]*)\)\.?$/.exec(line);
    if (newest) {
      result.skipped.push({ name: newest[1] ?? '', reason: 'already-newest', text: line });
      return;
    }
    const notInstalled = /^Skipping (\S+), it is not installed and only upgrades are requested\.?$/.exec(line);
    if (notInstalled) {
      result.skipped.push({ name: notInstalled[1] ?? '', reason: 'not-installed', text: line });
      return;
    }
    if (/^The following packages have been kept back:$/.test(line)) inKeptBack = true;
  });
  return { value: result, problems };
}

/** Available updates from a simulated `dist-upgrade`: every change that installs a version. */
export function updatesFromSimulation(sim: AptSimulation): AvailableUpdate[] {
  return sim.changes
    .filter((c) => c.to !== null && c.kind !== 'remove' && c.kind !== 'reinstall')
    .map((c) => ({
      manager: 'apt' as const,
      name: c.name,
      arch: c.arch,
      installedVersion: c.from,
      candidateVersion: c.to ?? '',
      security: c.security,
      advisories: [],
      cves: [],
      ...(c.origins.length ? { origin: c.origins.map((o) => o.raw).join(', ').slice(0, LIMITS.shortText) } : {}),
    }));
}

/** `patchwave-agent parse apt updates`: the updates a dist-upgrade simulation offers. */
export function parseAptUpdates(text: string): ParseOutcome<AvailableUpdate[]> {
  const sim = parseAptSimulation(text);
  const errors = sim.value.messages.filter((m) => m.level === 'E').map((m) => ({ message: `apt: ${m.text}` }));
  return { value: updatesFromSimulation(sim.value), problems: [...sim.problems, ...errors] };
}
