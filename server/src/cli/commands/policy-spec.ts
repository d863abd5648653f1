import type { PolicySpecInput } from '@patchwave/shared';
import { UsageError } from '../usage-error.js';
import { minutesOf, wavesOf } from './deploy-spec.js';

/** Flags of `patchwave policy create` (every value as typed; the server validates the spec it makes). */
export interface PolicyFlags {
  name?: string | undefined;
  description?: string | undefined;
  tag?: string[] | undefined;
  group?: string[] | undefined;
  os?: string[] | undefined;
  'exclude-tag'?: string[] | undefined;
  all?: boolean | undefined;
  'min-severity'?: string | undefined;
  manager?: string[] | undefined;
  package?: string[] | undefined;
  exclude?: string[] | undefined;
  defer?: string | undefined;
  'no-expedite-kev'?: boolean | undefined;
  'expedite-priority'?: string | undefined;
  weekly?: string | undefined;
  monthly?: string | undefined;
  once?: string | undefined;
  cron?: string | undefined;
  tz?: string | undefined;
  'fallback-tz'?: string | undefined;
  waves?: string | undefined;
  'min-success'?: string | undefined;
  'max-failures'?: string | undefined;
  soak?: string | undefined;
  window?: string[] | undefined;
  reboot?: string | undefined;
  'rollback-on-health-failure'?: boolean | undefined;
  'auto-approve'?: boolean | undefined;
  'max-severity'?: string | undefined;
  essential?: string[] | undefined;
  'allow-major'?: boolean | undefined;
  'allow-non-security'?: boolean | undefined;
  timeout?: string | undefined;
}

type Recurrence = PolicySpecInput['schedule']['recurrence'];
const NTH: Record<string, number | 'last'> = { '1st': 1, '2nd': 2, '3rd': 3, '4th': 4, '5th': 5, first: 1, second: 2, third: 3, fourth: 4, fifth: 5, last: 'last' };

function at(text: string, flag: string): [string, string] {
  const i = text.lastIndexOf('@');
  if (i <= 0) throw new UsageError(`${flag}: expected WHEN@HH:MM, got "${text}"`);
  return [text.slice(0, i), text.slice(i + 1)];
}

/** `--weekly tue,thu@02:00`, `--monthly 2nd-tue@03:00` (or `last-sun@04:00`), `--once 2026-12-24@18:00`, `--cron "0 2 * * 2"`. */
export function recurrenceOf(f: PolicyFlags): Recurrence {
  const given = (['weekly', 'monthly', 'once', 'cron'] as const).filter((k) => f[k] !== undefined);
  if (given.length !== 1) throw new UsageError(`policy create: give exactly one schedule: --weekly, --monthly, --once or --cron${given.length ? ` (got ${given.map((g) => `--${g}`).join(' and ')})` : ''}`);
  if (f.weekly !== undefined) {
    const [days, time] = at(f.weekly, '--weekly');
    return { kind: 'weekly', days: days.split(',').map((d) => d.trim().toLowerCase()) as ('tue' | 'mon')[], time };
  }
  if (f.monthly !== undefined) {
    const [when, time] = at(f.monthly, '--monthly');
    const m = /^([a-z0-9]+)-([a-z]{3})$/i.exec(when);
    const nth = m ? NTH[(m[1] as string).toLowerCase()] : undefined;
    if (!m || nth === undefined) throw new UsageError(`--monthly: expected NTH-DAY@HH:MM such as 2nd-tue@03:00 or last-sun@04:00, got "${f.monthly}"`);
    return { kind: 'monthly-nth', nth, weekday: (m[2] as string).toLowerCase() as 'tue', time };
  }
  if (f.once !== undefined) {
    const [date, time] = at(f.once, '--once');
    return { kind: 'once', date, time };
  }
  return { kind: 'cron', expression: f.cron as string };
}

function rebootOf(text: string): PolicySpecInput['rebootPolicy'] {
  if (text === 'never' || text === 'if-required' || text === 'always') return { mode: text };
  const m = /^deadline:(.+)$/.exec(text);
  if (m) return { mode: 'deadline', withinMinutes: Math.max(1, Math.round(minutesOf(m[1] as string, '--reboot'))) };
  throw new UsageError(`--reboot: expected never, if-required, always or deadline:<duration>, got "${text}"`);
}

function numberOf(text: string, flag: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${flag}: expected a number, got "${text}"`);
  return n;
}

/** Gate flags apply to every wave, as with `deploy create`. */
function gatesOf(f: PolicyFlags) {
  return {
    ...(f['min-success'] !== undefined ? { minSuccessRate: numberOf(f['min-success'].replace(/%$/, ''), '--min-success') } : {}),
    ...(f['max-failures'] !== undefined ? { maxFailures: numberOf(f['max-failures'], '--max-failures') } : {}),
    ...(f.soak !== undefined ? { soakMinutes: minutesOf(f.soak, '--soak') } : {}),
  };
}

export function policyFromFlags(f: PolicyFlags): PolicySpecInput {
  if (!f.name) throw new UsageError('policy create: give --name (or --file SPEC.json)');
  const waves = f.waves ? wavesOf(f.waves) : [{ kind: 'rest' as const }];
  const names = waves.length === 1 ? ['all'] : waves.map((_, i) => (i === 0 ? 'canary' : i === waves.length - 1 ? 'broad' : `pilot-${i}`));
  return {
    name: f.name,
    ...(f.description ? { description: f.description } : {}),
    scope: {
      tags: f.tag ?? [],
      groups: f.group ?? [],
      os: (f.os ?? []).map((o) => {
        const [platform, id, release] = o.split(':');
        return { platform: platform as 'linux', ...(id ? { id } : {}), ...(release ? { release } : {}) };
      }),
      exclude: { tags: f['exclude-tag'] ?? [] },
    },
    selection: {
      updates: f.all ? 'all' : 'security',
      ...(f['min-severity'] ? { minSeverity: f['min-severity'] as 'high' } : {}),
      ...(f.manager?.length ? { managers: f.manager as 'apt'[] } : {}),
      ...(f.package?.length ? { packages: f.package } : {}),
      excludePackages: f.exclude ?? [],
    },
    deferral: {
      days: f.defer === undefined ? 0 : numberOf(f.defer, '--defer'),
      expedite: { kev: !f['no-expedite-kev'], priorities: (f['expedite-priority'] ?? 'P1').split(',').filter(Boolean) as 'P1'[] },
    },
    waves: waves.map((select, i) => ({ name: names[i] as string, select, gates: gatesOf(f) })),
    windows: (f.window ?? []).map((w) => {
      const [cron, duration, timeZone, group] = w.split('|').map((s) => s.trim());
      if (!cron || !duration || !timeZone) throw new UsageError(`--window: expected "CRON|DURATION|TIMEZONE[|GROUP]", got "${w}"`);
      return { cron, durationMinutes: minutesOf(duration, '--window'), timeZone, group: group || '*' };
    }),
    schedule: { recurrence: recurrenceOf(f), timeZone: f.tz ?? 'UTC', ...(f['fallback-tz'] ? { fallbackTimeZone: f['fallback-tz'] } : {}) },
    rebootPolicy: rebootOf(f.reboot ?? 'if-required'),
    rollbackOnHealthFailure: f['rollback-on-health-failure'] ?? false,
    autoApproval: {
      enabled: f['auto-approve'] ?? false,
      ...(f['max-severity'] ? { maxSeverity: f['max-severity'] as 'high' } : {}),
      securityOnly: !f['allow-non-security'],
      blockMajorVersionJump: !f['allow-major'],
      essentialPackages: f.essential ?? [],
    },
    ...(f.timeout ? { jobTimeoutMinutes: Math.max(1, Math.round(minutesOf(f.timeout, '--timeout'))) } : {}),
  };
}
