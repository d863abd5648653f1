import type { DeploymentSpecInput } from '@patchwave/shared';

/**
 * The deployment builder's form as text fields (what a person typed), and the pure conversion to
 * the `DeploymentSpec` the server validates. Nothing is judged here: a value that is not a number
 * is sent as typed, so the server's issue names the field and says what is wrong with it.
 */

export type WhatKind = 'security' | 'all' | 'packages' | 'advisories';
export type WaveKind = 'percent' | 'tags' | 'rest';
export type RebootMode = 'never' | 'if-required' | 'always' | 'deadline';

export interface WaveForm {
  /** Stable key for rendering (waves are added and removed). */
  key: number;
  name: string;
  kind: WaveKind;
  percent: string;
  tags: string;
  minSample: string;
  minSuccessRate: string;
  maxFailures: string;
  soakMinutes: string;
  healthCheckMinutes: string;
}

export interface OsForm {
  key: number;
  platform: 'linux' | 'windows' | 'darwin';
  id: string;
  release: string;
}

export interface WindowForm {
  key: number;
  group: string;
  cron: string;
  durationMinutes: string;
  timeZone: string;
}

export interface BuilderForm {
  name: string;
  description: string;
  what: WhatKind;
  /** One package a line (or comma-separated): `name`, `name=version`, `apt:name=version`. */
  packages: string;
  /** Advisory or CVE ids, separated by commas, spaces or lines. */
  advisories: string;
  tags: string;
  groups: string;
  deviceIds: string;
  os: OsForm[];
  excludeTags: string;
  excludeDeviceIds: string;
  waves: WaveForm[];
  /** `datetime-local` values (the browser's time zone). */
  startAt: string;
  deadline: string;
  windows: WindowForm[];
  reboot: RebootMode;
  rebootWithinMinutes: string;
  approvalRequired: boolean;
  changeRecord: string;
  jobTimeoutMinutes: string;
}

let nextKey = 1;
export const newKey = (): number => nextKey++;

export function newWave(name: string, kind: WaveKind, percent = ''): WaveForm {
  return { key: newKey(), name, kind, percent, tags: '', minSample: '', minSuccessRate: '', maxFailures: '', soakMinutes: '', healthCheckMinutes: '' };
}

/** A sensible start: a 10 % canary with strict gates, then the rest. */
export function defaultForm(): BuilderForm {
  const canary = { ...newWave('canary', 'percent', '10'), minSuccessRate: '100', maxFailures: '0' };
  return {
    name: '',
    description: '',
    what: 'security',
    packages: '',
    advisories: '',
    tags: '',
    groups: '',
    deviceIds: '',
    os: [],
    excludeTags: '',
    excludeDeviceIds: '',
    waves: [canary, newWave('broad', 'rest')],
    startAt: '',
    deadline: '',
    windows: [],
    reboot: 'if-required',
    rebootWithinMinutes: '60',
    approvalRequired: true,
    changeRecord: '',
    jobTimeoutMinutes: '60',
  };
}

export const splitList = (text: string): string[] => text.split(/[\s,]+/).filter((t) => t !== '');

/** `''` → absent; a number → the number; anything else → the text itself (the server names it). */
function numberField(text: string): number | string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

/** A `datetime-local` value as an ISO instant; a value the browser cannot read is sent as typed. */
function instant(text: string): string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? t : new Date(ms).toISOString();
}

/** `apt:openssl=3.0.13-1`, `openssl=3.0.13-1`, `openssl` (newest candidate). */
export function parsePackageLine(line: string): { name: string; version: string | null; manager?: string } {
  let rest = line.trim();
  let manager: string | undefined;
  const colon = rest.indexOf(':');
  const eq = rest.indexOf('=');
  if (colon > 0 && (eq === -1 || colon < eq)) {
    manager = rest.slice(0, colon);
    rest = rest.slice(colon + 1);
  }
  const at = rest.indexOf('=');
  const name = at === -1 ? rest : rest.slice(0, at);
  const version = at === -1 ? null : rest.slice(at + 1) || null;
  return { name, version, ...(manager ? { manager } : {}) };
}

function set<T extends object, K extends string, V>(obj: T, key: K, value: V | undefined): T & Partial<Record<K, V>> {
  if (value !== undefined) (obj as Record<string, unknown>)[key] = value;
  return obj as T & Partial<Record<K, V>>;
}

export function toSpec(form: BuilderForm): DeploymentSpecInput {
  const what: DeploymentSpecInput['what'] =
    form.what === 'packages'
      ? { kind: 'packages', packages: form.packages.split(/[\n,]+/).map((l) => l.trim()).filter(Boolean).map(parsePackageLine) as never }
      : form.what === 'advisories'
        ? { kind: 'advisories', ids: splitList(form.advisories) }
        : { kind: form.what };

  const waves = form.waves.map((w) => {
    const gates = {};
    set(gates, 'minSample', numberField(w.minSample));
    set(gates, 'minSuccessRate', numberField(w.minSuccessRate));
    set(gates, 'maxFailures', numberField(w.maxFailures));
    set(gates, 'soakMinutes', numberField(w.soakMinutes));
    set(gates, 'healthCheckMinutes', numberField(w.healthCheckMinutes));
    const select = w.kind === 'percent' ? { kind: 'percent', percent: numberField(w.percent) ?? '' } : w.kind === 'tags' ? { kind: 'tags', tags: splitList(w.tags) } : { kind: 'rest' };
    return { name: w.name, select, gates };
  });

  const schedule = { windows: form.windows.map((w) => ({ group: w.group.trim() || '*', cron: w.cron, durationMinutes: numberField(w.durationMinutes) ?? '', timeZone: w.timeZone.trim() })) };
  set(schedule, 'startAt', instant(form.startAt));
  set(schedule, 'deadline', instant(form.deadline));

  const approval = { required: form.approvalRequired };
  set(approval, 'changeRecord', form.changeRecord.trim() || undefined);

  const spec = {
    name: form.name,
    what,
    targets: {
      tags: splitList(form.tags),
      groups: splitList(form.groups),
      os: form.os.map((o) => {
        const os = { platform: o.platform };
        set(os, 'id', o.id.trim() || undefined);
        set(os, 'release', o.release.trim() || undefined);
        return os;
      }),
      deviceIds: splitList(form.deviceIds),
      exclude: { tags: splitList(form.excludeTags), deviceIds: splitList(form.excludeDeviceIds) },
    },
    waves,
    schedule,
    rebootPolicy: form.reboot === 'deadline' ? { mode: 'deadline', withinMinutes: numberField(form.rebootWithinMinutes) ?? '' } : { mode: form.reboot },
    approval,
  };
  set(spec, 'description', form.description.trim() || undefined);
  set(spec, 'jobTimeoutMinutes', numberField(form.jobTimeoutMinutes));
  // Values a person typed that are not numbers stay text on purpose (see numberField).
  return spec as unknown as DeploymentSpecInput;
}

/**
 * A draft from the address (`/deployments/new?what=advisories&ids=CVE-…&devices=…&name=…`): what
 * "deploy the fix" on the findings pages opens.
 */
export function formFromQuery(params: URLSearchParams): BuilderForm {
  const form = defaultForm();
  const what = params.get('what');
  if (what === 'security' || what === 'all' || what === 'packages' || what === 'advisories') form.what = what;
  const ids = params.get('ids');
  if (ids) form.advisories = splitList(ids).join(', ');
  const packages = params.get('packages');
  if (packages) form.packages = splitList(packages).join('\n');
  const devices = params.get('devices');
  if (devices) form.deviceIds = splitList(devices).join('\n');
  const tags = params.get('tags');
  if (tags) form.tags = splitList(tags).join(' ');
  const name = params.get('name');
  if (name) form.name = name;
  return form;
}
