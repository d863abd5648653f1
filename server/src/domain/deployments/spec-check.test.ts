import { DeploymentSpec } from '@patchwave/shared';
import { describe, expect, it } from 'vitest';
import { checkCron } from './cron.js';
import { checkDeploymentSpec } from './spec-check.js';

describe('checkCron', () => {
  it('accepts 5 and 6 fields and aliases', () => {
    for (const expr of ['0 2 * * *', '*/15 1-3 * * 1-5', '0 0 2 * * sat', '30 2 L * *', '@daily', ' 0 22 * * 6 ']) {
      expect(checkCron(expr)).toEqual({ ok: true });
    }
  });

  it('refuses unparseable expressions with a message an operator understands', () => {
    expect(checkCron('61 2 * * *')).toEqual({
      ok: false,
      message:
        '"61 2 * * *" is not a valid cron expression (Constraint error, got value 61 expected range 0-59); use 5 fields (minute hour day-of-month month day-of-week), e.g. "0 2 * * 6"',
    });
    expect(checkCron('every night')).toMatchObject({ ok: false, message: expect.stringContaining('"every night" has 2 fields') });
    expect(checkCron('* * *')).toMatchObject({ ok: false, message: expect.stringContaining('has 3 fields') });
    expect(checkCron('0 2 * * funday')).toMatchObject({ ok: false, message: expect.stringContaining('is not a valid cron expression') });
    expect(checkCron('*/10 0 2 * * *')).toMatchObject({ ok: false, message: expect.stringContaining('repeats within a minute') });
    expect(checkCron('@fortnightly')).toMatchObject({ ok: false, message: expect.stringContaining('is not a cron alias') });
    expect(checkCron('')).toMatchObject({ ok: false, message: expect.stringContaining('cron expression is empty') });
  });
});

describe('checkDeploymentSpec', () => {
  const spec = DeploymentSpec.parse({
    name: 'x',
    what: { kind: 'packages', packages: [{ name: 'openssl', version: null }, { name: 'opensssl', version: '3.0.13-1', manager: 'apt' }] },
    targets: { tags: ['web'] },
    waves: [{ name: 'all', select: { kind: 'rest' } }],
    schedule: {
      windows: [
        { group: '*', cron: '0 2 * * *', durationMinutes: 60, timeZone: 'UTC' },
        { group: 'db', cron: '0 25 * * *', durationMinutes: 60, timeZone: 'UTC' },
      ],
    },
  });

  it('names the bad cron expression and the unknown package by path', () => {
    const known = new Set(['openssl']);
    const issues = checkDeploymentSpec(spec, { knows: (name) => known.has(name) });
    expect(issues).toEqual([
      { path: 'schedule.windows.1.cron', message: expect.stringContaining('"0 25 * * *" is not a valid cron expression') },
      { path: 'what.packages.1.name', message: 'unknown package "opensssl" for apt: no device reports it installed or available' },
    ]);
  });

  it('has nothing to say about a good spec', () => {
    const good = DeploymentSpec.parse({ ...spec, schedule: { windows: [spec.schedule.windows[0]] } });
    expect(checkDeploymentSpec(good, { knows: () => true })).toEqual([]);
  });
});
