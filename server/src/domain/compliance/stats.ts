import type { DurationStats, Ratio } from '@patchwave/shared';

const round2 = (n: number): number => Math.round(n * 100) / 100;

export function ratio(numerator: number, denominator: number): Ratio {
  return { numerator, denominator, percent: denominator === 0 ? null : round2((100 * numerator) / denominator) };
}

/** Median (mean of the two middle values for an even count). */
export function median(sorted: readonly number[]): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const mid = n >>> 1;
  return n % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Nearest-rank percentile: an observed value, as auditors expect ("90 % were fixed within N days"). */
export function percentile(sorted: readonly number[], p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const rank = Math.max(1, Math.ceil(p * n));
  return sorted[Math.min(rank, n) - 1] as number;
}

export function durationStats(days: readonly number[]): DurationStats {
  const sorted = [...days].sort((a, b) => a - b);
  const m = median(sorted);
  const p = percentile(sorted, 0.9);
  return {
    count: sorted.length,
    medianDays: m === null ? null : round2(m),
    p90Days: p === null ? null : round2(p),
    meanDays: sorted.length === 0 ? null : round2(sorted.reduce((a, b) => a + b, 0) / sorted.length),
  };
}
