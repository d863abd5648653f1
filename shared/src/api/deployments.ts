import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { OsPlatform } from '../domain/device.js';
import { DeviceId, MaintenanceWindow, RebootPolicy, UpdateSelection } from '../protocol/jobs.js';

/**
 * What an operator submits to create a deployment (REST body, CLI file, console form). Shape and
 * bounds are checked here; what needs the server's data or libraries (cron syntax, unknown
 * packages, a saved query that does not exist) is checked by the server's deployment domain.
 */

const Timestamp = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time, e.g. 2026-03-29T01:00:00Z' });

/** Same grammar as device tags on the server. */
export const DeploymentTag = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:=/@+-]{0,63}$/, 'tags are 1-64 characters: letters, digits and . _ : = / @ + -');

/** A device group; a device is in group NAME when it carries the tag `group=NAME`. */
export const GroupName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,57}$/, 'group names are 1-58 characters: letters, digits and . _ : / @ + -');

export const GROUP_TAG_PREFIX = 'group=';

/** The groups a device belongs to, read from its tags. */
export function deviceGroups(tags: readonly string[]): string[] {
  return tags.filter((t) => t.startsWith(GROUP_TAG_PREFIX)).map((t) => t.slice(GROUP_TAG_PREFIX.length));
}

const percent = (field: string) =>
  z
    .number({ error: `${field} must be a number between 0 and 100` })
    .min(0, { error: (iss) => `${field} must be between 0 and 100 (got ${String(iss.input)})` })
    .max(100, { error: (iss) => `${field} must be between 0 and 100 (got ${String(iss.input)})` });

export const OsFilter = z.object({
  platform: OsPlatform,
  /** os-release ID (`debian`, `ubuntu`, `rocky`). */
  id: z.string().min(1).max(64).optional(),
  /** Release prefix: `12`, `22.04`, `14.`. */
  release: z.string().min(1).max(64).optional(),
});
export type OsFilter = z.infer<typeof OsFilter>;

/**
 * Which devices. A device is a target when it matches any of tags, groups, deviceIds or the saved
 * query; `os`, when given, narrows that set (alone, it selects every device of those systems);
 * `exclude` removes devices last.
 */
export const DeploymentTargets = z
  .object({
    tags: z.array(DeploymentTag).max(64).default([]),
    groups: z.array(GroupName).max(64).default([]),
    os: z.array(OsFilter).max(32).default([]),
    deviceIds: z.array(DeviceId).max(LIMITS.smallList * 10).default([]),
    queryId: DeviceId.optional(),
    exclude: z
      .object({
        tags: z.array(DeploymentTag).max(64).default([]),
        deviceIds: z.array(DeviceId).max(LIMITS.smallList * 10).default([]),
      })
      .default({ tags: [], deviceIds: [] }),
  })
  .superRefine((t, ctx) => {
    const any = t.tags.length + t.groups.length + t.os.length + t.deviceIds.length + (t.queryId ? 1 : 0);
    if (any === 0) {
      ctx.addIssue({
        code: 'custom',
        message: 'no targets: select devices by tags, groups, os, deviceIds or queryId',
      });
    }
  });
export type DeploymentTargets = z.infer<typeof DeploymentTargets>;

/** How a wave picks its devices: by tag (first matching tag wave wins), a share of the rest, or all that is left. */
export const WaveSelector = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('tags'), tags: z.array(DeploymentTag).min(1, 'a tag wave needs at least one tag').max(64) }),
  z.object({
    kind: z.literal('percent'),
    percent: percent('percent').refine((p) => p > 0, { message: 'percent must be greater than 0' }),
  }),
  z.object({ kind: z.literal('rest') }),
]);
export type WaveSelector = z.infer<typeof WaveSelector>;

/**
 * Gates a wave is checked against. `completion` (every device has an outcome) is always on; the
 * others are configured per wave. An operator may skip any of them for a halted wave.
 */
export const GATE_NAMES = ['completion', 'minSample', 'successRate', 'failureBudget', 'soak', 'health'] as const;
export const GateName = z.enum(GATE_NAMES);
export type GateName = z.infer<typeof GateName>;

/** All gates that are set must pass before the next wave starts. Absent: that gate is off. */
export const WaveGates = z.object({
  /** Results from at least this many devices. */
  minSample: z.number().int().min(0, 'minSample must be 0 or more').max(1_000_000).optional(),
  /** Percentage of finished devices that succeeded, 0..100. */
  minSuccessRate: percent('minSuccessRate').optional(),
  /** Most failures (failed, timed out, interrupted) the wave may have. */
  maxFailures: z.number().int().min(0, 'maxFailures must be 0 or more').max(1_000_000).optional(),
  /** Minutes to wait after the wave's last result. */
  soakMinutes: z.number().min(0, 'soakMinutes must be 0 or more').max(30 * 24 * 60).optional(),
  /** Devices that rebooted must check in again within this many minutes. */
  healthCheckMinutes: z.number().gt(0, 'healthCheckMinutes must be greater than 0').max(7 * 24 * 60).optional(),
});
export type WaveGates = z.infer<typeof WaveGates>;

export const WaveSpec = z.object({
  name: z.string().trim().min(1, 'wave name must not be empty').max(64),
  select: WaveSelector,
  gates: WaveGates.default({}),
});
export type WaveSpec = z.infer<typeof WaveSpec>;

/** A maintenance window for one device group (`*`: devices in no group that has its own window). */
export const GroupWindow = MaintenanceWindow.extend({
  group: z.union([z.literal('*'), GroupName]),
});
export type GroupWindow = z.infer<typeof GroupWindow>;

export const DeploymentSchedule = z
  .object({
    /** Nothing starts before this; absent: as soon as the deployment is started. */
    startAt: Timestamp.optional(),
    /** No job starts after this; devices that missed every window by then are skipped. */
    deadline: Timestamp.optional(),
    windows: z.array(GroupWindow).max(256).default([]),
  })
  .superRefine((s, ctx) => {
    if (s.startAt && s.deadline && Date.parse(s.deadline) <= Date.parse(s.startAt)) {
      ctx.addIssue({ code: 'custom', path: ['deadline'], message: 'deadline must be later than startAt' });
    }
  });
export type DeploymentSchedule = z.infer<typeof DeploymentSchedule>;

export const ApprovalSpec = z.object({
  required: z.boolean().default(false),
  /** Change-record reference (ticket id or URL) shown with the approval. */
  changeRecord: z.string().trim().min(1).max(LIMITS.shortText).optional(),
});

function checkWaves(waves: readonly WaveSpec[], ctx: z.RefinementCtx): void {
  const names = new Map<string, number>();
  const tags = new Map<string, number>();
  const percents: string[] = [];
  let percentSum = 0;
  waves.forEach((wave, i) => {
    const seen = names.get(wave.name);
    if (seen !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['waves', i, 'name'], message: `wave name "${wave.name}" is already used by waves.${seen}` });
    } else names.set(wave.name, i);
    const sel = wave.select;
    if (sel.kind === 'tags') {
      sel.tags.forEach((tag, j) => {
        const owner = tags.get(tag);
        if (owner !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['waves', i, 'select', 'tags', j],
            message: `overlapping waves: tag "${tag}" is already selected by wave "${waves[owner]?.name}" (waves.${owner}); a device belongs to one wave only`,
          });
        } else tags.set(tag, i);
      });
    } else if (sel.kind === 'percent') {
      percentSum += sel.percent;
      percents.push(`${wave.name} ${sel.percent}%`);
    } else if (i !== waves.length - 1) {
      ctx.addIssue({ code: 'custom', path: ['waves', i, 'select'], message: `wave "${wave.name}" takes the rest, so it must be the last wave` });
    }
  });
  if (percentSum > 100 + 1e-9) {
    ctx.addIssue({
      code: 'custom',
      path: ['waves'],
      message: `overlapping waves: percentages add up to ${Math.round(percentSum * 100) / 100}% (${percents.join(' + ')}); they split the targets left after tag waves and must add up to 100% or less`,
    });
  }
}

export const DeploymentSpec = z
  .object({
    name: z.string().trim().min(1, 'name must not be empty').max(128),
    description: z.string().max(LIMITS.message).optional(),
    what: UpdateSelection,
    targets: DeploymentTargets,
    waves: z.array(WaveSpec).min(1, 'give at least one wave').max(20, 'at most 20 waves'),
    schedule: DeploymentSchedule.default({ windows: [] }),
    rebootPolicy: RebootPolicy.default({ mode: 'if-required' }),
    approval: ApprovalSpec.default({ required: false }),
    /** Upper bound for one device's package-manager run. */
    jobTimeoutMinutes: z.number().int().min(1).max(24 * 60).default(60),
    /** Most devices installing at once (apply job offered, accepted or running); absent: no cap. */
    concurrency: z.number().int().min(1, 'concurrency must be 1 or more').max(1_000_000).optional(),
    /**
     * A device whose health probes (its groups' safety settings) passed before applying and fail
     * after is rolled back at once by its agent. Either way it counts as `failed: health`.
     */
    rollbackOnHealthFailure: z.boolean({ error: 'rollbackOnHealthFailure must be true or false' }).default(false),
  })
  .superRefine((spec, ctx) => checkWaves(spec.waves, ctx));
export type DeploymentSpec = z.infer<typeof DeploymentSpec>;
/** What a client sends: defaults not yet applied. */
export type DeploymentSpecInput = z.input<typeof DeploymentSpec>;

export interface SpecIssue {
  /** Dotted path of the bad field (`waves.1.gates.minSuccessRate`), `(spec)` for the whole spec. */
  path: string;
  message: string;
}

export type SpecParseResult = { ok: true; spec: DeploymentSpec } | { ok: false; issues: SpecIssue[]; message: string };

/** Validates a deployment spec; on failure every issue names the field it is about. Never throws. */
export function parseDeploymentSpec(input: unknown): SpecParseResult {
  const res = DeploymentSpec.safeParse(input);
  if (res.success) return { ok: true, spec: res.data };
  const issues = res.error.issues.map((i) => ({ path: i.path.length ? i.path.join('.') : '(spec)', message: i.message }));
  return { ok: false, issues, message: issues.map((i) => `${i.path}: ${i.message}`).join('; ') };
}

/** Body of pause, resume, halt and abort: every operator action carries a reason for the audit log. */
export const DeploymentActionRequest = z.object({ reason: z.string().trim().min(1, 'give a reason').max(1024) });
export type DeploymentActionRequest = z.infer<typeof DeploymentActionRequest>;

export const ApproveDeploymentRequest = z.object({
  comment: z.string().trim().max(1024).optional(),
  changeRecord: z.string().trim().min(1).max(LIMITS.shortText).optional(),
});
export type ApproveDeploymentRequest = z.infer<typeof ApproveDeploymentRequest>;

/**
 * Resume a paused or halted deployment. `retryFailed` (default true) gives the devices of the
 * current wave whose job failed, timed out or was interrupted a new job, so that the wave's gates
 * judge the retry (after a fix) rather than the old failure.
 */
export const ResumeDeploymentRequest = DeploymentActionRequest.extend({ retryFailed: z.boolean().default(true) });
export type ResumeDeploymentRequest = z.infer<typeof ResumeDeploymentRequest>;

/** Let a halted wave pass despite the named gates. */
export const SkipGatesRequest = z.object({
  wave: z.number().int().min(0),
  gates: z.array(GateName).min(1, 'name at least one gate').max(GATE_NAMES.length),
  reason: z.string().trim().min(1, 'give a reason').max(1024),
});
export type SkipGatesRequest = z.infer<typeof SkipGatesRequest>;

export const RollbackRequest = z.object({
  scope: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('deployment') }),
    z.object({ kind: z.literal('wave'), wave: z.number().int().min(0) }),
    z.object({ kind: z.literal('devices'), deviceIds: z.array(DeviceId).min(1).max(LIMITS.smallList * 10) }),
  ]),
  reason: z.string().trim().min(1, 'give a reason').max(1024),
});
export type RollbackRequest = z.infer<typeof RollbackRequest>;
