import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { HealthProbe, PackageHold, PreflightChecks } from '../protocol/safety.js';
import { GroupName } from './deployments.js';

/**
 * Safe-patching settings of one device group (`*`: every device): packages never to touch or
 * pinned to a version range, health probes checked before and after every change, and pre-flight
 * checks. A device gets the union of the settings of all its groups and `*` (holds and probes
 * added up, the strictest pre-flight), carried in each signed apply job.
 */

export const MAX_GROUP_PROBES = 32;
export const MAX_GROUP_HOLDS = 500;

/** A group name, or `*` for every device. */
export const SafetyGroup = z.union([z.literal('*'), GroupName], {
  error: 'group must be "*" (every device) or a group name: 1-58 characters, letters, digits and . _ : / @ + -',
});
export type SafetyGroup = z.infer<typeof SafetyGroup>;

export const GroupSafetySettings = z
  .strictObject(
    {
      holds: z.array(PackageHold).max(MAX_GROUP_HOLDS, `at most ${MAX_GROUP_HOLDS} holds per group`).default([]),
      probes: z.array(HealthProbe).max(MAX_GROUP_PROBES, `at most ${MAX_GROUP_PROBES} probes per group`).default([]),
      preflight: PreflightChecks.optional(),
      /** After applying, retry a broken probe for up to this long before it counts (a restarting service). */
      settleMs: z.number().int('settleMs must be a whole number').min(0, 'settleMs must be 0 or more').max(600_000, 'settleMs must be at most 600000 (10 min)').optional(),
    },
    { error: (iss) => (iss.code === 'unrecognized_keys' ? `unknown field(s) ${iss.keys.map((k) => `"${k}"`).join(', ')}: expected holds, probes, preflight, settleMs` : undefined) },
  )
  .superRefine((s, ctx) => {
    const probes = new Map<string, number>();
    s.probes.forEach((p, i) => {
      const seen = probes.get(p.name);
      if (seen !== undefined) ctx.addIssue({ code: 'custom', path: ['probes', i, 'name'], message: `probe name "${p.name}" is already used by probes.${seen}` });
      else probes.set(p.name, i);
    });
    const holds = new Map<string, number>();
    s.holds.forEach((h, i) => {
      const key = `${h.manager ?? '*'}\u0000${h.name}`;
      const seen = holds.get(key);
      if (seen !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['holds', i, 'name'], message: `package "${h.name}"${h.manager ? ` (${h.manager})` : ''} is already held by holds.${seen}; merge the two into one hold` });
      } else holds.set(key, i);
    });
  });
export type GroupSafetySettings = z.infer<typeof GroupSafetySettings>;
/** What a client sends: defaults not yet applied. */
export type GroupSafetySettingsInput = z.input<typeof GroupSafetySettings>;

export const GroupSafetyView = z.object({
  group: SafetyGroup,
  settings: GroupSafetySettings,
  updatedAt: z.iso.datetime({ offset: true }),
  updatedBy: z.string().max(LIMITS.shortText),
});
export type GroupSafetyView = z.infer<typeof GroupSafetyView>;

export const GroupSafetyList = z.object({ items: z.array(GroupSafetyView) });
export type GroupSafetyList = z.infer<typeof GroupSafetyList>;

export interface SafetyIssue {
  /** Dotted path of the bad field (`probes.0.port`), `(settings)` for the whole body. */
  path: string;
  message: string;
}

export type SafetyParseResult = { ok: true; settings: GroupSafetySettings } | { ok: false; issues: SafetyIssue[]; message: string };

/** Validates group safety settings; on failure every issue names the field it is about. Never throws. */
export function parseGroupSafetySettings(input: unknown): SafetyParseResult {
  const res = GroupSafetySettings.safeParse(input);
  if (res.success) return { ok: true, settings: res.data };
  const issues = res.error.issues.map((i) => ({ path: i.path.length ? i.path.join('.') : '(settings)', message: i.message }));
  return { ok: false, issues, message: issues.map((i) => `${i.path}: ${i.message}`).join('; ') };
}
