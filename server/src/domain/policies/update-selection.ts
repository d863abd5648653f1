import { POLICY_SEVERITIES, type AvailableUpdate, type FindingSeverity, type PolicySeverity, type PolicySpec, type Priority, type Severity } from '@patchwave/shared';

/**
 * Which of a device's available updates a policy run takes: the selection (security or all,
 * minimum severity, managers, package patterns), then the deferral — an update is due once it was
 * first seen on the device at least `deferral.days` ago, unless it fixes a KEV-listed finding or a
 * finding of an expedited priority. Pure: the caller loads updates, first-seen times and findings.
 */

/** What the findings of a device say about one update (the worst of the findings it fixes). */
export interface UpdateRisk {
  kev: boolean;
  priorities: Priority[];
  severity: PolicySeverity | null;
}

export interface CandidateUpdate {
  manager: AvailableUpdate['manager'];
  name: string;
  arch: string;
  from: string | null;
  to: string;
  security: boolean | 'unknown';
  severity: PolicySeverity | null;
  kev: boolean;
  priorities: Priority[];
  firstSeenAt: Date;
}

export interface DeviceSelection {
  selected: (CandidateUpdate & { expedited: string | null })[];
  deferred: (CandidateUpdate & { dueAt: Date })[];
}

export const updateRiskKey = (u: { manager: string; name: string; arch: string }): string => `${u.manager}\u0000${u.name}\u0000${u.arch}`;
export const firstSeenKey = (u: { manager: string; name: string; version: string }): string => `${u.manager}\u0000${u.name}\u0000${u.version}`;

const TOOL_SEVERITY: Record<Severity, PolicySeverity | null> = { critical: 'critical', important: 'high', moderate: 'medium', low: 'low', unspecified: null };
const FINDING_SEVERITY: Record<FindingSeverity, PolicySeverity | null> = { critical: 'critical', high: 'high', medium: 'medium', low: 'low', none: null, unknown: null };

export const severityRank = (s: PolicySeverity): number => POLICY_SEVERITIES.indexOf(s);

export function worseSeverity(a: PolicySeverity | null, b: PolicySeverity | null): PolicySeverity | null {
  if (a === null) return b;
  if (b === null) return a;
  return severityRank(a) >= severityRank(b) ? a : b;
}

export const fromToolSeverity = (s: Severity | undefined): PolicySeverity | null => (s ? TOOL_SEVERITY[s] : null);
export const fromFindingSeverity = (s: FindingSeverity): PolicySeverity | null => FINDING_SEVERITY[s];

const globCache = new Map<string, RegExp>();

/** `*` any run of characters, `?` one; everything else literal. */
export function globMatches(pattern: string, name: string): boolean {
  let re = globCache.get(pattern);
  if (!re) {
    const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    re = new RegExp(`^${body}$`);
    globCache.set(pattern, re);
  }
  return re.test(name);
}

export const matchesAny = (patterns: readonly string[], name: string): boolean => patterns.some((p) => globMatches(p, name));

/** Whether the selection (not yet the deferral) takes this update. */
export function selectionTakes(sel: PolicySpec['selection'], u: CandidateUpdate): boolean {
  if (sel.updates === 'security' && u.security !== true) return false;
  if (sel.minSeverity && (u.severity === null || severityRank(u.severity) < severityRank(sel.minSeverity))) return false;
  if (sel.managers && !sel.managers.includes(u.manager)) return false;
  if (sel.packages && !matchesAny(sel.packages, u.name)) return false;
  return !matchesAny(sel.excludePackages, u.name);
}

/** The expedite rule an update meets, in words, or null. */
export function expediteReason(deferral: PolicySpec['deferral'], u: CandidateUpdate): string | null {
  if (deferral.expedite.kev && u.kev) return 'fixes a KEV-listed vulnerability';
  const p = u.priorities.find((x) => deferral.expedite.priorities.includes(x));
  return p ? `fixes a ${p} finding` : null;
}

export function candidateOf(u: AvailableUpdate, risk: UpdateRisk | undefined, firstSeenAt: Date): CandidateUpdate {
  return {
    manager: u.manager,
    name: u.name,
    arch: u.arch,
    from: u.installedVersion,
    to: u.candidateVersion,
    security: u.security,
    severity: worseSeverity(fromToolSeverity(u.severity), risk?.severity ?? null),
    kev: risk?.kev ?? false,
    priorities: risk?.priorities ?? [],
    firstSeenAt,
  };
}

/**
 * One device's selection at `now`. An update with no recorded first sighting counts as first seen
 * `now` (it is new to the server), so a deferral holds it back.
 */
export function selectForDevice(
  spec: Pick<PolicySpec, 'selection' | 'deferral'>,
  updates: readonly AvailableUpdate[],
  risks: ReadonlyMap<string, UpdateRisk>,
  firstSeen: ReadonlyMap<string, Date>,
  now: Date,
): DeviceSelection {
  const out: DeviceSelection = { selected: [], deferred: [] };
  const deferMs = spec.deferral.days * 86_400_000;
  for (const u of updates) {
    const c = candidateOf(u, risks.get(updateRiskKey(u)), firstSeen.get(firstSeenKey({ manager: u.manager, name: u.name, version: u.candidateVersion })) ?? now);
    if (!selectionTakes(spec.selection, c)) continue;
    const dueAt = new Date(c.firstSeenAt.getTime() + deferMs);
    if (dueAt <= now) out.selected.push({ ...c, expedited: null });
    else {
      const expedited = expediteReason(spec.deferral, c);
      if (expedited) out.selected.push({ ...c, expedited });
      else out.deferred.push({ ...c, dueAt });
    }
  }
  return out;
}
