import { readFileSync } from 'node:fs';
import type { DeploymentSpecInput, WaveSpec } from '@patchwave/shared';
import { UsageError } from '../usage-error.js';

/** The flags `patchwave deploy create` turns into a spec when no --file is given. */
export interface SpecFlags {
  name?: string;
  'security-only'?: boolean;
  all?: boolean;
  package?: string[];
  advisory?: string[];
  tag?: string[];
  group?: string[];
  device?: string[];
  os?: string[];
  waves?: string;
  'min-success'?: string;
  'max-failures'?: string;
  'min-sample'?: string;
  soak?: string;
  health?: string;
  reboot?: string;
  'require-approval'?: boolean;
  'change-record'?: string;
  'start-at'?: string;
  deadline?: string;
  window?: string[];
  timeout?: string;
  'rollback-on-health-failure'?: boolean;
}

const UNITS: Record<string, number> = { s: 1 / 60, m: 1, h: 60, d: 1440 };

/** `90s`, `10m`, `2h`, `1d` → minutes (fractions for seconds). */
export function minutesOf(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)([smhd])$/.exec(text.trim());
  if (!m) throw new UsageError(`${flag}: expected a duration like 90s, 10m, 2h or 1d, got "${text}"`);
  return Number(m[1]) * (UNITS[m[2] as string] as number);
}

function numberFlag(text: string | undefined, flag: string, min: number, max: number, integer = false): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text.replace(/%$/, ''));
  if (!Number.isFinite(n) || text.trim() === '' || (integer && !Number.isInteger(n))) throw new UsageError(`${flag}: expected ${integer ? 'a whole number' : 'a number'}, got "${text}"`);
  if (n < min || n > max) throw new UsageError(`${flag}: must be between ${min} and ${max}, got ${n}`);
  return n;
}

/** `5%,25%,rest` → waves named canary, pilot…, broad. A single `rest` is one wave called `all`. */
export function wavesOf(text: string): WaveSpec['select'][] {
  const parts = text.split(',').map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) throw new UsageError('--waves: give at least one wave, e.g. 5%,25%,rest');
  return parts.map((p, i) => {
    if (p === 'rest') {
      if (i !== parts.length - 1) throw new UsageError(`--waves: "rest" must be the last wave (got "${text}")`);
      return { kind: 'rest' as const };
    }
    if (p.startsWith('tag:')) return { kind: 'tags' as const, tags: p.slice(4).split('+').filter(Boolean) };
    const m = /^(\d+(?:\.\d+)?)%$/.exec(p);
    if (!m) throw new UsageError(`--waves: "${p}" is not a wave; use a percentage (5%), tag:NAME or rest`);
    return { kind: 'percent' as const, percent: Number(m[1]) };
  });
}

function waveNames(count: number): string[] {
  if (count === 1) return ['all'];
  return Array.from({ length: count }, (_, i) => (i === 0 ? 'canary' : i === count - 1 ? 'broad' : count === 3 ? 'pilot' : `pilot-${i}`));
}

function rebootOf(text: string): DeploymentSpecInput['rebootPolicy'] {
  if (text === 'never' || text === 'if-required' || text === 'always') return { mode: text };
  const m = /^deadline:(.+)$/.exec(text);
  if (m) return { mode: 'deadline', withinMinutes: Math.max(1, Math.round(minutesOf(m[1] as string, '--reboot'))) };
  throw new UsageError(`--reboot: expected never, if-required, always or deadline:<duration>, got "${text}"`);
}

/** `CRON|DURATION|TIMEZONE[|GROUP]`, e.g. `0 2 * * 6|3h|Europe/Berlin|db`. */
function windowOf(text: string): NonNullable<NonNullable<DeploymentSpecInput['schedule']>['windows']>[number] {
  const [cron, duration, timeZone, group] = text.split('|').map((s) => s.trim());
  if (!cron || !duration || !timeZone) throw new UsageError(`--window: expected "CRON|DURATION|TIMEZONE[|GROUP]", e.g. "0 2 * * 6|3h|UTC", got "${text}"`);
  return { cron, durationMinutes: minutesOf(duration, '--window'), timeZone, group: group || '*' };
}

function whatOf(f: SpecFlags): DeploymentSpecInput['what'] {
  const chosen = [f['security-only'] ? 'security' : '', f.all ? 'all' : '', f.package?.length ? 'packages' : '', f.advisory?.length ? 'advisories' : ''].filter(Boolean);
  if (chosen.length > 1) throw new UsageError(`choose one of --security-only, --all, --package, --advisory (got ${chosen.join(' and ')})`);
  if (f.package?.length) {
    return {
      kind: 'packages',
      packages: f.package.map((p) => {
        const [name, version] = p.split('=');
        if (!name) throw new UsageError(`--package: expected NAME or NAME=VERSION, got "${p}"`);
        return { name, version: version || null };
      }),
    };
  }
  if (f.advisory?.length) return { kind: 'advisories', ids: f.advisory };
  return { kind: f.all ? 'all' : 'security' };
}

/** Builds a spec from the common-case flags; the server validates it in full. */
export function specFromFlags(f: SpecFlags): DeploymentSpecInput {
  const selects = wavesOf(f.waves ?? '5%,25%,rest');
  const names = waveNames(selects.length);
  const minSuccessRate = numberFlag(f['min-success'], '--min-success', 0, 100);
  const maxFailures = numberFlag(f['max-failures'], '--max-failures', 0, 1_000_000, true);
  const minSample = numberFlag(f['min-sample'], '--min-sample', 0, 1_000_000, true);
  const gates = {
    ...(minSuccessRate !== undefined ? { minSuccessRate } : {}),
    ...(maxFailures !== undefined ? { maxFailures } : {}),
    ...(minSample !== undefined ? { minSample } : {}),
    ...(f.soak ? { soakMinutes: minutesOf(f.soak, '--soak') } : {}),
    ...(f.health ? { healthCheckMinutes: minutesOf(f.health, '--health') } : {}),
  };
  const os = (f.os ?? []).map((o) => {
    const [platform, id, release] = o.split(':');
    return { platform: platform as 'linux', ...(id ? { id } : {}), ...(release ? { release } : {}) };
  });
  const what = whatOf(f);
  return {
    name: f.name ?? `${what.kind === 'security' ? 'security updates' : what.kind === 'all' ? 'all updates' : what.kind} for ${[...(f.tag ?? []), ...(f.group ?? [])].join(', ') || 'selected devices'}`,
    what,
    targets: { tags: f.tag ?? [], groups: f.group ?? [], deviceIds: f.device ?? [], os },
    waves: selects.map((select, i) => ({ name: names[i] as string, select, gates })),
    schedule: {
      ...(f['start-at'] ? { startAt: f['start-at'] } : {}),
      ...(f.deadline ? { deadline: f.deadline } : {}),
      windows: (f.window ?? []).map(windowOf),
    },
    rebootPolicy: rebootOf(f.reboot ?? 'if-required'),
    approval: { required: f['require-approval'] ?? false, ...(f['change-record'] ? { changeRecord: f['change-record'] } : {}) },
    ...(f.timeout ? { jobTimeoutMinutes: Math.max(1, Math.round(minutesOf(f.timeout, '--timeout'))) } : {}),
    ...(f['rollback-on-health-failure'] ? { rollbackOnHealthFailure: true } : {}),
  };
}

/**
 * The request body of a `create` command: the JSON of `--file`, or what `fromFlags` builds from the
 * spec flags. Both at once is a usage error (`command` names it).
 */
export function bodyFromFileOrFlags<F extends object>(command: string, file: string | undefined, flags: F, fromFlags: (flags: F) => unknown): unknown {
  if (file && Object.values(flags).some((v) => v !== undefined)) throw new UsageError(`${command}: give --file or spec flags, not both`);
  return file ? specFromFile(file) : fromFlags(flags);
}

/** Reads a JSON spec file (`-` for stdin is not supported: give a path). */
export function specFromFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`--file: cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageError(`--file: ${path} is not JSON: ${(err as Error).message}`);
  }
}
