import { z } from 'zod';
import { LIMITS } from '../limits.js';

export const RebootState = z.object({
  /** `unknown` when no check could run (no tool, no marker). */
  required: z.union([z.boolean(), z.literal('unknown')]),
  /** Human-readable reasons, e.g. "running kernel 6.1.0-17 but 6.1.0-18 installed". */
  reasons: z.array(z.string().max(LIMITS.message)).max(100).default([]),
  /** Packages that asked for the reboot, when the tool says (Ubuntu's reboot-required.pkgs). */
  packages: z.array(z.string().max(LIMITS.packageName)).max(LIMITS.smallList).default([]),
});
export type RebootState = z.infer<typeof RebootState>;

/**
 * Combines the reboot states of several checks: any `true` wins; otherwise a `false` from a check
 * that could tell; `unknown` only when no check could tell.
 */
export function mergeRebootStates(states: readonly RebootState[]): RebootState {
  const required = states.some((s) => s.required === true)
    ? true
    : states.some((s) => s.required === false)
      ? false
      : 'unknown';
  return {
    required,
    reasons: states.flatMap((s) => s.reasons),
    packages: [...new Set(states.flatMap((s) => s.packages))],
  };
}
