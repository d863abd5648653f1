import type { CvssScore, FindingSeverity, Severity } from '@patchwave/shared';

/**
 * Severity labels as distributions and vendors publish them, onto the CVSS qualitative scale:
 * Ubuntu priorities (negligible…critical), Debian urgencies (unimportant, low, medium, high),
 * Red Hat / SUSE / MSRC ratings (Low, Moderate, Important, Critical).
 */
const LABELS: Record<string, FindingSeverity> = {
  critical: 'critical',
  high: 'high',
  important: 'high',
  medium: 'medium',
  moderate: 'medium',
  low: 'low',
  negligible: 'low',
  unimportant: 'low',
  none: 'none',
};

export function severityFromLabel(label: string | null | undefined): FindingSeverity {
  if (!label) return 'unknown';
  const key = label.trim().toLowerCase().replace(/\*+$/, '');
  return Object.hasOwn(LABELS, key) ? (LABELS[key] as FindingSeverity) : 'unknown';
}

export function severityFromManager(s: Severity | null | undefined): FindingSeverity {
  switch (s) {
    case 'critical':
      return 'critical';
    case 'important':
      return 'high';
    case 'moderate':
      return 'medium';
    case 'low':
      return 'low';
    default:
      return 'unknown';
  }
}

/** CVSS severity when there is a vector; otherwise the publisher's own label. */
export function findingSeverity(cvss: CvssScore | null, label: FindingSeverity): FindingSeverity {
  return cvss ? cvss.severity : label;
}

/**
 * A stand-in base score for findings with a severity label but no vector (mid-band of the CVSS
 * range for that severity), so the risk score still reflects the publisher's rating.
 */
export const REPRESENTATIVE_BASE: Record<FindingSeverity, number> = {
  critical: 9.5,
  high: 8.0,
  medium: 5.5,
  low: 2.5,
  none: 0,
  unknown: 5.0,
};
