import { z } from 'zod';
import { Priority } from '@patchwave/shared';
import type { AssetCriticality, CvssScore, FindingSeverity, RiskFactor, RiskScore } from '@patchwave/shared';
import { REPRESENTATIVE_BASE } from './severity.js';

/**
 * An explainable risk score: a weighted sum of six factors, each mapped onto 0..1, scaled to
 * 0..100. Every factor is returned with its input, its normalised value, its weight and the points
 * it contributed, so `findings show` can say why a finding is P1. The model is configuration
 * (validated here) and its id is stored with each score.
 *
 * | factor      | input                          | value                          | default weight |
 * |-------------|--------------------------------|--------------------------------|----------------|
 * | cvss        | CVSS base score (or label)     | base / 10                      | 0.35           |
 * | epss        | EPSS probability (30 days)     | the probability                | 0.20           |
 * | kev         | in CISA KEV                    | 1 / 0                          | 0.20           |
 * | ransomware  | KEV knownRansomwareCampaignUse | 1 / 0                          | 0.05           |
 * | criticality | device criticality             | low .25, medium .5, high .75, critical 1 | 0.12 |
 * | exposure    | device tagged internet-facing  | 1 / 0                          | 0.08           |
 *
 * Bands: P1 ≥ 60, P2 ≥ 40, P3 ≥ 20, else P4. Floors: a KEV finding is at least P2, a KEV finding
 * with known ransomware use is P1.
 */

const weight = z.number().min(0).max(100);
const priorities = Priority.options;

export const RiskModel = z
  .object({
    id: z.string().min(1).max(64).default('patchwave-risk/1'),
    weights: z
      .object({
        cvss: weight.default(0.35),
        epss: weight.default(0.2),
        kev: weight.default(0.2),
        ransomware: weight.default(0.05),
        criticality: weight.default(0.12),
        exposure: weight.default(0.08),
      })
      .prefault({}),
    criticality: z
      .object({
        low: z.number().min(0).max(1).default(0.25),
        medium: z.number().min(0).max(1).default(0.5),
        high: z.number().min(0).max(1).default(0.75),
        critical: z.number().min(0).max(1).default(1),
      })
      .prefault({}),
    /** Lowest total for each band; P4 is everything below P3. */
    bands: z
      .object({ P1: z.number().min(0).max(100).default(60), P2: z.number().min(0).max(100).default(40), P3: z.number().min(0).max(100).default(20) })
      .prefault({}),
    floors: z
      .object({ kev: Priority.nullable().default('P2'), kevRansomware: Priority.nullable().default('P1') })
      .prefault({}),
  })
  .refine((m) => Object.values(m.weights).some((w) => w > 0), { message: 'at least one weight must be above 0', path: ['weights'] })
  .refine((m) => m.bands.P1 >= m.bands.P2 && m.bands.P2 >= m.bands.P3, { message: 'bands must satisfy P1 ≥ P2 ≥ P3', path: ['bands'] });
export type RiskModel = z.infer<typeof RiskModel>;

export const DEFAULT_RISK_MODEL: RiskModel = RiskModel.parse({});

export interface AssetContext {
  /** null when the device has no criticality attribute: scored as medium, and said so. */
  criticality: AssetCriticality | null;
  internetFacing: boolean;
}

export interface RiskInput {
  cvss: CvssScore | null;
  /** Used for the CVSS factor when there is no vector. */
  severity: FindingSeverity;
  epss: { probability: number; scoreDate: string; cve: string } | null;
  kev: { cve: string; dateAdded: string; knownRansomware: boolean } | null;
  asset: AssetContext;
}

const round1 = (n: number): number => Math.round(n * 10) / 10;

export function scoreRisk(input: RiskInput, model: RiskModel = DEFAULT_RISK_MODEL): RiskScore {
  const w = model.weights;
  const sum = w.cvss + w.epss + w.kev + w.ransomware + w.criticality + w.exposure;
  const crit = input.asset.criticality ?? 'medium';
  const base = input.cvss ? input.cvss.baseScore : REPRESENTATIVE_BASE[input.severity];
  const parts: Omit<RiskFactor, 'points'>[] = [
    {
      factor: 'cvss',
      input: base,
      value: base / 10,
      weight: w.cvss,
      source: input.cvss
        ? `CVSS:${input.cvss.version} base score`
        : input.severity === 'unknown'
          ? 'assumed 5.0: no CVSS vector or severity published'
          : `no CVSS vector: mid-band score for severity ${input.severity}`,
    },
    {
      factor: 'epss',
      input: input.epss ? input.epss.probability : null,
      value: input.epss ? input.epss.probability : 0,
      weight: w.epss,
      source: input.epss ? `EPSS ${input.epss.scoreDate} for ${input.epss.cve}` : 'no EPSS score for these CVEs',
    },
    { factor: 'kev', input: input.kev !== null, value: input.kev ? 1 : 0, weight: w.kev, source: input.kev ? `CISA KEV: ${input.kev.cve} added ${input.kev.dateAdded}` : 'not in CISA KEV' },
    {
      factor: 'ransomware',
      input: input.kev?.knownRansomware ?? false,
      value: input.kev?.knownRansomware ? 1 : 0,
      weight: w.ransomware,
      source: input.kev?.knownRansomware ? 'KEV: known ransomware campaign use' : 'no known ransomware use',
    },
    {
      factor: 'criticality',
      input: crit,
      value: model.criticality[crit],
      weight: w.criticality,
      source: input.asset.criticality ? 'device criticality attribute' : 'device has no criticality: scored as medium',
    },
    {
      factor: 'exposure',
      input: input.asset.internetFacing,
      value: input.asset.internetFacing ? 1 : 0,
      weight: w.exposure,
      source: input.asset.internetFacing ? 'device tagged internet-facing' : 'not tagged internet-facing',
    },
  ];
  const factors: RiskFactor[] = parts.map((p) => ({ ...p, points: round1((100 * p.value * p.weight) / sum) }));
  const total = Math.min(100, round1(factors.reduce((acc, f) => acc + f.points, 0)));
  const banded: Priority = total >= model.bands.P1 ? 'P1' : total >= model.bands.P2 ? 'P2' : total >= model.bands.P3 ? 'P3' : 'P4';
  let priority = banded;
  let floor: RiskScore['floor'] = null;
  const apply = (p: Priority | null, reason: string): void => {
    if (p && priorities.indexOf(p) < priorities.indexOf(priority)) {
      priority = p;
      floor = { priority: p, reason };
    }
  };
  if (input.kev?.knownRansomware) apply(model.floors.kevRansomware, `in CISA KEV with known ransomware use: at least ${model.floors.kevRansomware}`);
  if (input.kev) apply(model.floors.kev, `in CISA KEV: at least ${model.floors.kev}`);
  return { total, priority, model: model.id, factors, floor };
}
