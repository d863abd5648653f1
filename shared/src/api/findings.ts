import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { ManagerName } from '../domain/manager.js';

/**
 * Views of vulnerability findings, advisories and the patch catalog, as the REST API, the CLI and
 * the console show them. The server's domain computes them; these schemas are the contract.
 */

const id = z.string().min(1).max(LIMITS.id);
const text = (max: number = LIMITS.shortText) => z.string().max(max);
const timestamp = z.iso.datetime({ offset: true });
const day = z.iso.date();
const cveId = z.string().regex(/^CVE-\d{4}-\d{4,19}$/, 'a CVE id like CVE-2024-12345');

/** Device attribute: how bad it is when this device is compromised. */
export const AssetCriticality = z.enum(['low', 'medium', 'high', 'critical']);
export type AssetCriticality = z.infer<typeof AssetCriticality>;

/** Severity on the CVSS qualitative scale (v3/v4); `unknown` when no source gives one. */
export const FindingSeverity = z.enum(['critical', 'high', 'medium', 'low', 'none', 'unknown']);
export type FindingSeverity = z.infer<typeof FindingSeverity>;

export const Priority = z.enum(['P1', 'P2', 'P3', 'P4']);
export type Priority = z.infer<typeof Priority>;

export const CvssVersion = z.enum(['2.0', '3.0', '3.1', '4.0']);
export type CvssVersion = z.infer<typeof CvssVersion>;

export const CvssScore = z.object({
  version: CvssVersion,
  vector: text(),
  /** Base score (CVSS-B for v4): threat and environment are covered by EPSS, KEV and asset context. */
  baseScore: z.number().min(0).max(10),
  severity: FindingSeverity,
});
export type CvssScore = z.infer<typeof CvssScore>;

export const RiskFactorName = z.enum(['cvss', 'epss', 'kev', 'ransomware', 'criticality', 'exposure']);
export type RiskFactorName = z.infer<typeof RiskFactorName>;

/** One part of a risk score: what went in, how it was normalised, how much it weighs. */
export const RiskFactor = z.object({
  factor: RiskFactorName,
  /** The raw input (a CVSS base score, an EPSS probability, `true` for KEV membership, `high`…). */
  input: z.union([z.number(), z.string(), z.boolean(), z.null()]),
  /** The input mapped onto 0..1. */
  value: z.number().min(0).max(1),
  weight: z.number().min(0),
  /** value × weight, scaled so that all points add up to `total`. */
  points: z.number().min(0),
  /** Where the input came from (`CVSS:3.1 vector`, `EPSS 2025-03-14`, `assumed: no data`). */
  source: text(),
});
export type RiskFactor = z.infer<typeof RiskFactor>;

export const RiskScore = z.object({
  /** 0..100, the sum of the factors' points. */
  total: z.number().min(0).max(100),
  priority: Priority,
  /** Identifies the weights and bands used, so an old score can be explained later. */
  model: text(64),
  factors: z.array(RiskFactor).max(16),
  /** Set when a rule raised the priority above what the total alone gives (e.g. KEV is at least P2). */
  floor: z.object({ priority: Priority, reason: text(LIMITS.title) }).nullable(),
});
export type RiskScore = z.infer<typeof RiskScore>;

/** Stored lifecycle of a finding. */
export const FindingStatus = z.enum(['open', 'fixed', 'accepted_risk', 'not_affected']);
export type FindingStatus = z.infer<typeof FindingStatus>;

/** What an operator sees: the status, with `overdue` as a state of its own and expired exceptions back to open. */
export const FindingState = z.enum(['open', 'overdue', 'fixed', 'accepted_risk', 'not_affected']);
export type FindingState = z.infer<typeof FindingState>;

export const FindingSource = z.enum(['osv', 'package-manager', 'kb']);
export type FindingSource = z.infer<typeof FindingSource>;

/** The inventory report that showed the vulnerable package gone: the only way a finding becomes fixed. */
export const FixEvidence = z.object({
  kind: z.enum(['upgraded', 'removed', 'superseded']),
  inventoryReportId: id,
  observedAt: timestamp,
  /** Version seen in that report; null when the package was removed. */
  installedVersion: text(LIMITS.version).nullable(),
});
export type FixEvidence = z.infer<typeof FixEvidence>;

/** An accepted risk always names who approved it, why, and when it stops applying. */
export const RiskException = z
  .object({
    reason: z.string().min(1).max(LIMITS.message),
    approver: z.string().min(1).max(LIMITS.shortText),
    approvedAt: timestamp,
    expiresAt: timestamp,
  })
  .refine((e) => Date.parse(e.expiresAt) > Date.parse(e.approvedAt), {
    message: 'expiresAt must be after approvedAt',
    path: ['expiresAt'],
  });
export type RiskException = z.infer<typeof RiskException>;

export const NotAffected = z.object({
  reason: z.enum(['advisory_withdrawn', 'advisory_revised', 'operator_assessment']),
  note: text(LIMITS.message).optional(),
  decidedBy: text().optional(),
  decidedAt: timestamp,
});
export type NotAffected = z.infer<typeof NotAffected>;

export const AffectedBinary = z.object({
  manager: ManagerName,
  name: text(LIMITS.packageName),
  arch: text(LIMITS.arch),
  version: text(LIMITS.version),
});
export type AffectedBinary = z.infer<typeof AffectedBinary>;

export const FindingView = z.object({
  id,
  deviceId: id,
  advisoryId: text(),
  source: FindingSource,
  cves: z.array(cveId).max(LIMITS.smallList),
  /** OSV ecosystem the match was made in (`Debian:12`), or the package manager for its own metadata. */
  ecosystem: text(),
  package: z.object({
    /** Name the advisory uses: the source package for Debian/Ubuntu/Alpine/SUSE, the KB for Windows. */
    name: text(LIMITS.packageName),
    installedVersion: text(LIMITS.version),
    binaries: z.array(AffectedBinary).max(LIMITS.smallList),
  }),
  /** First version that fixes it; null when no fix is published yet. */
  fixedVersion: text(LIMITS.version).nullable(),
  severity: FindingSeverity,
  cvss: CvssScore.nullable(),
  epss: z.object({ probability: z.number().min(0).max(1), percentile: z.number().min(0).max(1), scoreDate: day }).nullable(),
  kev: z.object({ dateAdded: day, dueDate: day, knownRansomware: z.boolean() }).nullable(),
  score: RiskScore,
  firstSeenAt: timestamp,
  lastSeenAt: timestamp,
  advisoryPublishedAt: timestamp.nullable(),
  dueAt: timestamp,
  status: FindingStatus,
  state: FindingState,
  overdue: z.boolean(),
  evidence: FixEvidence.nullable(),
  exception: RiskException.nullable(),
  notAffected: NotAffected.nullable(),
});
export type FindingView = z.infer<typeof FindingView>;

export const AdvisoryView = z.object({
  id: text(),
  source: z.enum(['osv', 'package-manager', 'kb']),
  summary: text(LIMITS.title),
  details: text(LIMITS.message * 16).optional(),
  published: timestamp.nullable(),
  modified: timestamp,
  withdrawn: timestamp.nullable(),
  aliases: z.array(text()).max(LIMITS.smallList),
  cves: z.array(cveId).max(LIMITS.smallList),
  cvss: z.array(CvssScore).max(16),
  /** A distribution's own rating where it gives one (Ubuntu priority, Debian urgency, MSRC severity). */
  severityLabel: text(64).nullable(),
  references: z.array(z.object({ type: text(64), url: text(4096) })).max(LIMITS.smallList),
  affected: z
    .array(
      z.object({
        ecosystem: text(),
        name: text(LIMITS.packageName),
        fixedVersions: z.array(text(LIMITS.version)).max(LIMITS.smallList),
        rangeCount: z.number().int().nonnegative(),
        versionCount: z.number().int().nonnegative(),
      }),
    )
    .max(LIMITS.smallList),
});
export type AdvisoryView = z.infer<typeof AdvisoryView>;

/** One distinct update available somewhere in the fleet, and what installing it fixes. */
export const PatchCatalogEntry = z.object({
  kind: z.enum(['package', 'kb']),
  manager: ManagerName,
  name: text(LIMITS.packageName),
  arch: text(LIMITS.arch),
  version: text(LIMITS.version),
  security: z.union([z.boolean(), z.literal('unknown')]),
  severity: FindingSeverity,
  advisories: z.array(text()).max(LIMITS.smallList),
  cves: z.array(cveId).max(LIMITS.smallList),
  deviceCount: z.number().int().nonnegative(),
  deviceIds: z.array(id).max(LIMITS.listItems),
  findingCount: z.number().int().nonnegative(),
  findingIds: z.array(id).max(LIMITS.listItems),
  topPriority: Priority.nullable(),
  kev: z.boolean(),
});
export type PatchCatalogEntry = z.infer<typeof PatchCatalogEntry>;

/** What a deployment asks for in terms of findings; resolved to concrete package versions per device. */
export const FindingSelection = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('priority'), priorities: z.array(Priority).min(1).max(4) }),
  z.object({ kind: z.literal('cve'), cves: z.array(cveId).min(1).max(LIMITS.smallList) }),
  z.object({ kind: z.literal('kev') }),
  z.object({ kind: z.literal('advisory'), advisoryIds: z.array(text()).min(1).max(LIMITS.smallList) }),
  z.object({ kind: z.literal('finding'), findingIds: z.array(id).min(1).max(LIMITS.listItems) }),
]);
export type FindingSelection = z.infer<typeof FindingSelection>;

export const ResolvedSelection = z.object({
  devices: z.array(
    z.object({
      deviceId: id,
      packages: z.array(
        z.object({
          manager: ManagerName,
          name: text(LIMITS.packageName),
          arch: text(LIMITS.arch),
          version: text(LIMITS.version),
          fixes: z.array(id).max(LIMITS.smallList),
        }),
      ),
    }),
  ),
  /** Selected findings no available update fixes, with why; a deployment cannot include them. */
  unresolved: z.array(
    z.object({
      findingId: id,
      deviceId: id,
      reason: z.enum(['no_fix_published', 'no_update_available', 'update_below_fixed_version']),
    }),
  ),
});
export type ResolvedSelection = z.infer<typeof ResolvedSelection>;
