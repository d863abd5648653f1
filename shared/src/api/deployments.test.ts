import { describe, expect, it } from 'vitest';
import { deviceGroups, parseDeploymentSpec, type DeploymentSpecInput } from './deployments.js';

const valid: DeploymentSpecInput = {
  name: 'March security',
  what: { kind: 'security' },
  targets: { tags: ['env=prod'] },
  waves: [
    { name: 'canary', select: { kind: 'tags', tags: ['canary'] }, gates: { minSample: 1, minSuccessRate: 100, soakMinutes: 30 } },
    { name: 'pilot', select: { kind: 'percent', percent: 25 }, gates: { minSuccessRate: 95, maxFailures: 2, healthCheckMinutes: 15 } },
    { name: 'broad', select: { kind: 'rest' } },
  ],
  schedule: {
    startAt: '2026-03-27T18:00:00Z',
    deadline: '2026-04-10T00:00:00Z',
    windows: [
      { group: 'berlin', cron: '0 2 * * *', durationMinutes: 180, timeZone: 'Europe/Berlin' },
      { group: '*', cron: '0 22 * * 6', durationMinutes: 240, timeZone: 'America/New_York' },
    ],
  },
  approval: { required: true, changeRecord: 'CHG-1234' },
};

function issuesOf(input: unknown): { path: string; message: string }[] {
  const res = parseDeploymentSpec(input);
  if (res.ok) throw new Error('expected the spec to be refused');
  return res.issues;
}

describe('DeploymentSpec', () => {
  it('accepts a complete spec and fills defaults', () => {
    const res = parseDeploymentSpec(valid);
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(res.spec.rebootPolicy).toEqual({ mode: 'if-required' });
    expect(res.spec.jobTimeoutMinutes).toBe(60);
    expect(res.spec.waves[2]?.gates).toEqual({});
    expect(res.spec.targets.exclude).toEqual({ tags: [], deviceIds: [] });
  });

  it('refuses a deployment with no targets', () => {
    expect(issuesOf({ ...valid, targets: {} })).toEqual([
      { path: 'targets', message: 'no targets: select devices by tags, groups, os, deviceIds or queryId' },
    ]);
    expect(issuesOf({ ...valid, targets: { tags: [], deviceIds: [] } })[0]?.path).toBe('targets');
  });

  it('refuses the same tag in two waves', () => {
    const waves = [
      { name: 'a', select: { kind: 'tags', tags: ['web', 'db'] } },
      { name: 'b', select: { kind: 'tags', tags: ['web'] } },
    ];
    expect(issuesOf({ ...valid, waves })).toEqual([
      {
        path: 'waves.1.select.tags.0',
        message: 'overlapping waves: tag "web" is already selected by wave "a" (waves.0); a device belongs to one wave only',
      },
    ]);
  });

  it('refuses percentages adding up to more than 100', () => {
    const waves = [
      { name: 'canary', select: { kind: 'percent', percent: 30 } },
      { name: 'pilot', select: { kind: 'percent', percent: 80 } },
    ];
    const [issue] = issuesOf({ ...valid, waves });
    expect(issue?.path).toBe('waves');
    expect(issue?.message).toContain('percentages add up to 110% (canary 30% + pilot 80%)');
  });

  it('refuses a gate percentage of 140 and names the wave and the gate', () => {
    const waves = [{ name: 'canary', select: { kind: 'rest' }, gates: { minSuccessRate: 140 } }];
    expect(issuesOf({ ...valid, waves })).toEqual([
      { path: 'waves.0.gates.minSuccessRate', message: 'minSuccessRate must be between 0 and 100 (got 140)' },
    ]);
  });

  it('refuses a bad time zone', () => {
    const schedule = { windows: [{ group: '*', cron: '0 2 * * *', durationMinutes: 60, timeZone: 'Europe/Atlantis' }] };
    const [issue] = issuesOf({ ...valid, schedule });
    expect(issue?.path).toBe('schedule.windows.0.timeZone');
    expect(issue?.message).toMatch(/is not an IANA time zone/);
  });

  it('refuses a window duration of zero or less', () => {
    for (const durationMinutes of [0, -30]) {
      const schedule = { windows: [{ group: 'berlin', cron: '0 2 * * *', durationMinutes, timeZone: 'UTC' }] };
      expect(issuesOf({ ...valid, schedule })).toEqual([
        { path: 'schedule.windows.0.durationMinutes', message: 'durationMinutes must be greater than 0' },
      ]);
    }
  });

  it('refuses a rest wave that is not last, duplicate wave names and a deadline before the start', () => {
    const waves = [
      { name: 'all', select: { kind: 'rest' } },
      { name: 'all', select: { kind: 'percent', percent: 10 } },
    ];
    const paths = issuesOf({ ...valid, waves, schedule: { startAt: '2026-04-02T00:00:00Z', deadline: '2026-04-01T00:00:00Z' } }).map(
      (i) => i.path,
    );
    expect(paths.sort()).toEqual(['schedule.deadline', 'waves.0.select', 'waves.1.name']);
  });

  it('refuses a percent wave of 0 and an empty tag wave', () => {
    expect(issuesOf({ ...valid, waves: [{ name: 'x', select: { kind: 'percent', percent: 0 } }] })[0]?.message).toBe(
      'percent must be greater than 0',
    );
    expect(issuesOf({ ...valid, waves: [{ name: 'x', select: { kind: 'tags', tags: [] } }] })[0]?.message).toBe(
      'a tag wave needs at least one tag',
    );
  });

  it('reports every problem at once, the cross-field ones included', () => {
    const waves = [
      { name: 'a', select: { kind: 'percent', percent: 80 } },
      { name: 'b', select: { kind: 'percent', percent: 80 } },
    ];
    const schedule = { windows: [{ group: '*', cron: '0 2 * * *', durationMinutes: 0, timeZone: 'UTC' }] };
    expect(issuesOf({ ...valid, name: '', targets: {}, waves, schedule }).map((i) => i.path)).toEqual([
      'name',
      'targets',
      'schedule.windows.0.durationMinutes',
      'waves',
    ]);
  });

  it('joins every issue into one message', () => {
    const res = parseDeploymentSpec({ ...valid, name: '', targets: {} });
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.message).toBe('name: name must not be empty; targets: no targets: select devices by tags, groups, os, deviceIds or queryId');
  });
});

describe('deviceGroups', () => {
  it('reads group=NAME tags', () => {
    expect(deviceGroups(['env=prod', 'group=berlin', 'group=db', 'web'])).toEqual(['berlin', 'db']);
  });
});
