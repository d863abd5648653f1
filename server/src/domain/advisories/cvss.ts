import type { CvssScore, CvssVersion, FindingSeverity } from '@patchwave/shared';
import cvssLib from 'ae-cvss-calculator';

/**
 * CVSS vectors → base score and severity with ae-cvss-calculator. The library is lenient (it
 * accepts partial vectors and scores them 0, and lets a later duplicate win), so the syntax is
 * checked here first: a known version prefix, every base metric exactly once, no unknown metric.
 */

export type CvssResult = { ok: true; score: CvssScore } | { ok: false; error: string };

const V3_BASE = ['AV', 'AC', 'PR', 'UI', 'S', 'C', 'I', 'A'] as const;
const V4_BASE = ['AV', 'AC', 'AT', 'PR', 'UI', 'VC', 'VI', 'VA', 'SC', 'SI', 'SA'] as const;
const V2_BASE = ['AV', 'AC', 'Au', 'C', 'I', 'A'] as const;

const MAX_VECTOR = 512;

function parseParts(body: string): { parts: Map<string, string> } | { error: string } {
  const parts = new Map<string, string>();
  for (const part of body.split('/')) {
    const m = /^([A-Za-z]{1,3}):([A-Za-z]{1,8})$/.exec(part);
    if (!m) return { error: `malformed metric "${part.slice(0, 32)}"` };
    const [, key, value] = m as unknown as [string, string, string];
    if (parts.has(key)) return { error: `metric ${key} given twice` };
    parts.set(key, value);
  }
  return { parts };
}

/** Qualitative severity; the same bands for v3.x and v4.0. v2 has no `critical`. */
export function severityOfScore(score: number, version: CvssVersion): FindingSeverity {
  if (version === '2.0') return score >= 7 ? 'high' : score >= 4 ? 'medium' : 'low';
  if (score === 0) return 'none';
  if (score < 4) return 'low';
  if (score < 7) return 'medium';
  if (score < 9) return 'high';
  return 'critical';
}

export function scoreCvss(vector: string): CvssResult {
  if (typeof vector !== 'string' || vector.length === 0) return { ok: false, error: 'empty CVSS vector' };
  if (vector.length > MAX_VECTOR) return { ok: false, error: `CVSS vector longer than ${MAX_VECTOR} characters` };
  const trimmed = vector.trim();
  const prefix = /^CVSS:(3\.0|3\.1|4\.0)\//.exec(trimmed);
  const version: CvssVersion = prefix ? (prefix[1] as CvssVersion) : '2.0';
  const body = prefix ? trimmed.slice(prefix[0].length) : trimmed.replace(/^\(|\)$/g, '');
  if (!prefix && !/^AV:/.test(body)) {
    return { ok: false, error: `not a CVSS vector: "${trimmed.slice(0, 40)}" (expected CVSS:3.0/, CVSS:3.1/, CVSS:4.0/ or a v2 AV:… vector)` };
  }
  const parsed = parseParts(body);
  if ('error' in parsed) return { ok: false, error: `CVSS ${version} vector: ${parsed.error}` };
  const required = version === '4.0' ? V4_BASE : version === '2.0' ? V2_BASE : V3_BASE;
  const missing = required.filter((k) => !parsed.parts.has(k) || parsed.parts.get(k) === 'X');
  if (missing.length > 0) return { ok: false, error: `CVSS ${version} vector lacks base metric(s) ${missing.join(', ')}` };

  let instance: { calculateScores(): { base?: number; baseMetricsOnly?: number; overall: number }; isBaseFullyDefined(): boolean; findComponent(n: string): unknown };
  try {
    instance =
      version === '4.0'
        ? new cvssLib.Cvss4P0(trimmed)
        : version === '3.1'
          ? new cvssLib.Cvss3P1(trimmed)
          : version === '3.0'
            ? new cvssLib.Cvss3P0(trimmed)
            : new cvssLib.Cvss2(body);
  } catch (err) {
    return { ok: false, error: `CVSS ${version} vector rejected: ${err instanceof Error ? err.message : String(err)}` };
  }
  for (const key of parsed.parts.keys()) {
    if (instance.findComponent(key) === undefined) return { ok: false, error: `CVSS ${version} vector: unknown metric ${key}` };
  }
  if (!instance.isBaseFullyDefined()) return { ok: false, error: `CVSS ${version} vector: base metrics incomplete` };
  const scores = instance.calculateScores();
  const base = version === '4.0' ? (scores.baseMetricsOnly ?? scores.base) : scores.base;
  if (typeof base !== 'number' || !Number.isFinite(base) || base < 0 || base > 10) {
    return { ok: false, error: `CVSS ${version} vector: no base score could be computed` };
  }
  return { ok: true, score: { version, vector: trimmed, baseScore: base, severity: severityOfScore(base, version) } };
}

/**
 * The CVSS score that drives priority when a record carries several: v3.x first (the scale SLA
 * policies and EPSS/KEV practice are calibrated on), then v4.0, then v2; the highest within a version.
 */
export function primaryCvss(scores: readonly CvssScore[]): CvssScore | null {
  const rank = (v: CvssVersion): number => (v === '3.1' || v === '3.0' ? 0 : v === '4.0' ? 1 : 2);
  let best: CvssScore | null = null;
  for (const s of scores) {
    if (!best || rank(s.version) < rank(best.version) || (rank(s.version) === rank(best.version) && s.baseScore > best.baseScore)) best = s;
  }
  return best;
}
