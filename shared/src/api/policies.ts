import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { ManagerName } from '../domain/manager.js';
import { isValidTimeZone, RebootPolicy, TimeZone } from '../protocol/jobs.js';
import { DeploymentSpec, DeploymentTag, GroupName, GroupWindow, OsFilter, WaveSpec } from './deployments.js';
import { Priority } from './findings.js';

/**
 * Patch policies: recurring deployments with a scope, a selection of updates, a deferral, a wave
 * template, a schedule and auto-approval rules. Each run of a policy creates a normal deployment
 * (approval required), asks for its dry run, and approves it automatically only when every planned
 * change passes the rules. Shape and bounds are checked here; the server's policy domain checks
 * what needs its data or libraries (cron syntax, enrolled devices).
 */

const Timestamp = z.iso.datetime({ offset: true });

/** Severity on one scale for rules: a tool's `important` counts as `high`, `moderate` as `medium`. */
export const POLICY_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const PolicySeverity = z.enum(POLICY_SEVERITIES, { error: `severity must be one of ${POLICY_SEVERITIES.join(', ')}` });
export type PolicySeverity = z.infer<typeof PolicySeverity>;

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export const Weekday = z.enum(WEEKDAYS, { error: `weekday must be one of ${WEEKDAYS.join(', ')}` });
export type Weekday = z.infer<typeof Weekday>;

/** A wall-clock time `HH:MM` on a 24-hour clock. */
export const TimeOfDay = z
  .string({ error: 'time must be a string "HH:MM"' })
  .refine((t) => /^([01]\d|2[0-3]):[0-5]\d$/.test(t), { error: (iss) => `time must be HH:MM between 00:00 and 23:59 (got "${String(iss.input)}")` });

/** Whether `YYYY-MM-DD` names a day that exists (no February 30). */
export function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

export const CalendarDate = z
  .string({ error: 'date must be a string "YYYY-MM-DD"' })
  .refine(isCalendarDate, { error: (iss) => `"${String(iss.input)}" is not a calendar date (YYYY-MM-DD that exists, e.g. 2026-02-28)` });

/** A package name pattern: `*` matches any run of characters, `?` one character. */
export const PackageGlob = z
  .string()
  .regex(/^[A-Za-z0-9._+:@~*?-]{1,128}$/, 'package patterns are 1-128 characters: letters, digits, . _ + : @ ~ - and the wildcards * ?');

export const PolicyRecurrence = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('weekly'), days: z.array(Weekday).min(1, 'name at least one day').max(7), time: TimeOfDay }),
    z.object({
      kind: z.literal('monthly-nth'),
      /** 1-5, or `last`: the 2nd Tuesday is Patch Tuesday. A 5th weekday that a month lacks is skipped that month. */
      nth: z.union([z.number().int().min(1).max(5), z.literal('last')], { error: 'nth must be 1, 2, 3, 4, 5 or "last"' }),
      weekday: Weekday,
      time: TimeOfDay,
    }),
    z.object({ kind: z.literal('once'), date: CalendarDate, time: TimeOfDay }),
    /** 5 fields (minute hour day-of-month month day-of-week); syntax is checked by the server. */
    z.object({ kind: z.literal('cron'), expression: z.string().trim().min(1, 'cron expression must not be empty').max(LIMITS.shortText) }),
  ],
  { error: 'recurrence.kind must be weekly, monthly-nth, once or cron' },
);
export type PolicyRecurrence = z.infer<typeof PolicyRecurrence>;

export const PolicyTimeZone = z
  .string({ error: 'timeZone must be a string' })
  .max(64)
  .refine((tz) => tz === 'device' || isValidTimeZone(tz), {
    error: (iss) => `timeZone must be "device" or an IANA time zone such as "Europe/Berlin" (got ${JSON.stringify(iss.input)})`,
  });

export const PolicySchedule = z
  .object({
    recurrence: PolicyRecurrence,
    /** `device`: each device's own time zone (from its facts); devices that report none use `fallbackTimeZone`. */
    timeZone: PolicyTimeZone.default('UTC'),
    fallbackTimeZone: TimeZone.default('UTC'),
    /** First and last day (in the schedule's zone) on which runs may happen. */
    startDate: CalendarDate.optional(),
    endDate: CalendarDate.optional(),
    /** A run missed while the server was down still happens when it comes back within this many minutes. */
    catchUpMinutes: z.number().int().min(5, 'catchUpMinutes must be at least 5 (the runner looks every minute)').max(7 * 24 * 60).default(12 * 60),
  })
  .superRefine((s, ctx) => {
    if (s.startDate && s.endDate && s.endDate < s.startDate) ctx.addIssue({ code: 'custom', path: ['endDate'], message: 'endDate must not be before startDate' });
  });
export type PolicySchedule = z.infer<typeof PolicySchedule>;

/** Which devices a policy covers: any of tags or groups (or every device of the named systems), narrowed by os. */
export const PolicyScope = z
  .object({
    tags: z.array(DeploymentTag).max(64).default([]),
    groups: z.array(GroupName).max(64).default([]),
    os: z.array(OsFilter).max(32).default([]),
    exclude: z.object({ tags: z.array(DeploymentTag).max(64).default([]) }).default({ tags: [] }),
  })
  .superRefine((s, ctx) => {
    if (s.tags.length + s.groups.length + s.os.length === 0) ctx.addIssue({ code: 'custom', message: 'empty scope: select devices by tags, groups or os' });
  });
export type PolicyScope = z.infer<typeof PolicyScope>;

export const PolicySelection = z.object({
  /** `security`: only updates the tool marks as security updates; `all`: every available update. */
  updates: z.enum(['security', 'all'], { error: 'updates must be "security" or "all"' }).default('security'),
  /** Only updates at least this severe (the tool's rating or the worst finding the update fixes). */
  minSeverity: PolicySeverity.optional(),
  managers: z.array(ManagerName).min(1).max(16).optional(),
  /** Only packages matching one of these patterns. */
  packages: z.array(PackageGlob).min(1).max(64).optional(),
  excludePackages: z.array(PackageGlob).max(64).default([]),
});
export type PolicySelection = z.infer<typeof PolicySelection>;

export const PolicyDeferral = z.object({
  /** Only updates first seen on the device at least this many days ago. */
  days: z
    .number({ error: 'deferral.days must be a number of days' })
    .int('deferral.days must be a whole number of days')
    .min(0, { error: (iss) => `deferral.days must be 0 or more (got ${String(iss.input)})` })
    .max(365, 'deferral.days must be at most 365'),
  /** Updates that skip the deferral: those fixing a KEV-listed finding, or a finding of these priorities. */
  expedite: z.object({ kev: z.boolean().default(true), priorities: z.array(Priority).max(4).default(['P1']) }).default({ kev: true, priorities: ['P1'] }),
});
export type PolicyDeferral = z.infer<typeof PolicyDeferral>;

export const AutoApprovalRules = z.object({
  enabled: z.boolean().default(false),
  /** A planned change fixing something more severe than this waits for an approver. */
  maxSeverity: PolicySeverity.default('high'),
  /** Every planned upgrade must be a security update. */
  securityOnly: z.boolean().default(true),
  blockMajorVersionJump: z.boolean().default(true),
  /** Never auto-approve a plan that changes a package matching one of these. */
  essentialPackages: z.array(PackageGlob).max(256).default([]),
  /** Always on: a plan that removes a package waits for an approver. */
  blockRemovals: z.literal(true, { error: 'blockRemovals cannot be turned off: a plan that removes a package always waits for an approver' }).default(true),
  /** An update no source rates: `allow` treats it as within maxSeverity, `block` holds it for an approver. */
  unknownSeverity: z.enum(['allow', 'block']).default('allow'),
});
export type AutoApprovalRules = z.infer<typeof AutoApprovalRules>;

const CHECK_TARGETS = { tags: ['policy-check'] };

export const PolicySpec = z
  .object({
    name: z.string().trim().min(1, 'name must not be empty').max(128),
    description: z.string().max(LIMITS.message).optional(),
    scope: PolicyScope,
    selection: PolicySelection.default({ updates: 'security', excludePackages: [] }),
    deferral: PolicyDeferral.default({ days: 0, expedite: { kev: true, priorities: ['P1'] } }),
    waves: z
      .array(WaveSpec)
      .min(1, 'give at least one wave')
      .max(20, 'at most 20 waves')
      .superRefine((waves, ctx) => {
        // The wave template follows the deployment rules (names, overlapping tags, percentages, rest last).
        const check = DeploymentSpec.safeParse({ name: 'check', what: { kind: 'all' }, targets: CHECK_TARGETS, waves });
        if (check.success) return;
        for (const issue of check.error.issues) if (issue.path[0] === 'waves') ctx.addIssue({ code: 'custom', path: issue.path.slice(1) as PropertyKey[], message: issue.message });
      })
      .default([{ name: 'all', select: { kind: 'rest' }, gates: {} }]),
    /** Maintenance windows per device group, copied into each run's deployment. */
    windows: z.array(GroupWindow).max(256).default([]),
    schedule: PolicySchedule,
    rebootPolicy: RebootPolicy.default({ mode: 'if-required' }),
    /** Roll a device back when its health probes fail after applying (where its group has probes). */
    rollbackOnHealthFailure: z.boolean().default(false),
    autoApproval: AutoApprovalRules.default({
      enabled: false,
      maxSeverity: 'high',
      securityOnly: true,
      blockMajorVersionJump: true,
      essentialPackages: [],
      blockRemovals: true,
      unknownSeverity: 'allow',
    }),
    jobTimeoutMinutes: z.number().int().min(1).max(24 * 60).default(60),
  });
export type PolicySpec = z.infer<typeof PolicySpec>;
export type PolicySpecInput = z.input<typeof PolicySpec>;

export interface PolicyIssue {
  path: string;
  message: string;
}

export type PolicyParseResult = { ok: true; spec: PolicySpec } | { ok: false; issues: PolicyIssue[]; message: string };

/** Validates a policy spec; every issue names its field (`schedule.recurrence.time`). Never throws. */
export function parsePolicySpec(input: unknown): PolicyParseResult {
  const res = PolicySpec.safeParse(input);
  if (res.success) return { ok: true, spec: res.data };
  const issues = res.error.issues.map((i) => ({ path: i.path.length ? i.path.join('.') : '(spec)', message: i.message }));
  return { ok: false, issues, message: issues.map((i) => `${i.path}: ${i.message}`).join('; ') };
}

export const PolicyState = z.enum(['active', 'paused']);
export type PolicyState = z.infer<typeof PolicyState>;

export const POLICY_RUN_OUTCOMES = ['nothing-to-do', 'awaiting-plan', 'auto-approved', 'awaiting-approval', 'failed'] as const;
export const PolicyRunOutcome = z.enum(POLICY_RUN_OUTCOMES);
export type PolicyRunOutcome = z.infer<typeof PolicyRunOutcome>;

/** Why a run's deployment was not approved automatically: one rule, one device, one package. */
export const ApprovalBlocker = z.object({
  rule: z.enum(['removal', 'downgrade', 'essential', 'major-version', 'severity', 'not-security', 'not-selected', 'plan-failed', 'unresolved', 'disabled']),
  deviceId: z.string().max(LIMITS.id).optional(),
  package: z.string().max(LIMITS.packageName).optional(),
  message: z.string().max(LIMITS.message),
});
export type ApprovalBlocker = z.infer<typeof ApprovalBlocker>;

export const PolicyRunView = z.object({
  id: z.string(),
  policyId: z.string(),
  trigger: z.enum(['schedule', 'run-now']),
  /** The time zones whose occurrence this run is (`device` schedules run per zone). */
  timeZones: z.array(z.string()),
  scheduledFor: Timestamp.nullable(),
  startedAt: Timestamp,
  finishedAt: Timestamp.nullable(),
  outcome: PolicyRunOutcome,
  deploymentId: z.string().nullable(),
  /** The deployment's state now (history and show; absent where not looked up). */
  deploymentState: z.string().optional(),
  devices: z.number().int(),
  packages: z.number().int(),
  /** Updates held back by the deferral, and why others were chosen despite it. */
  deferred: z.number().int(),
  expedited: z.number().int(),
  reasons: z.array(z.string()),
  blockers: z.array(ApprovalBlocker),
});
export type PolicyRunView = z.infer<typeof PolicyRunView>;

export const PolicyNextRun = z.object({ timeZone: z.string(), at: Timestamp, devices: z.number().int(), fallback: z.boolean() });
export type PolicyNextRun = z.infer<typeof PolicyNextRun>;

export const PolicyView = z.object({
  id: z.string(),
  name: z.string(),
  state: PolicyState,
  spec: PolicySpec,
  createdBy: z.string(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  pausedAt: Timestamp.nullable(),
  pausedBy: z.string().nullable(),
  pauseReason: z.string().nullable(),
  revision: z.number().int(),
  /** The next occurrence per time zone of the devices in scope (empty when paused or none is left). */
  nextRuns: z.array(PolicyNextRun),
  lastRun: PolicyRunView.nullable(),
  /** Notes for the operator, e.g. devices that report no time zone and use the fallback. */
  notes: z.array(z.string()),
});
export type PolicyView = z.infer<typeof PolicyView>;

export const PolicyList = z.object({ items: z.array(PolicyView), total: z.number().int() });
export type PolicyList = z.infer<typeof PolicyList>;

export const PolicyRunList = z.object({ items: z.array(PolicyRunView), total: z.number().int() });
export type PolicyRunList = z.infer<typeof PolicyRunList>;

export const PolicyActionRequest = z.object({ reason: z.string().trim().min(1, 'give a reason').max(1024) });
export type PolicyActionRequest = z.infer<typeof PolicyActionRequest>;
export type PolicyScheduleInput = z.input<typeof PolicySchedule>;
