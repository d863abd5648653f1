import { describe, expect, it } from 'vitest';
import { isCalendarDate, parsePolicySpec } from './policies.js';

const base = { name: 'p', scope: { tags: ['web'] }, schedule: { recurrence: { kind: 'weekly', days: ['tue'], time: '02:00' } } };

describe('policy spec', () => {
  it('knows which dates exist', () => {
    expect(['2026-02-28', '2028-02-29', '2026-12-31'].map(isCalendarDate)).toEqual([true, true, true]);
    expect(['2026-02-29', '2026-02-30', '2026-04-31', '2026-13-01', '2026-1-1', ''].map(isCalendarDate)).toEqual([false, false, false, false, false, false]);
  });

  it('applies the defaults: security updates, no deferral, KEV and P1 expedited, one wave, removals always blocked', () => {
    const res = parsePolicySpec(base);
    expect(res.ok && res.spec).toMatchObject({
      selection: { updates: 'security', excludePackages: [] },
      deferral: { days: 0, expedite: { kev: true, priorities: ['P1'] } },
      waves: [{ name: 'all', select: { kind: 'rest' } }],
      schedule: { timeZone: 'UTC', fallbackTimeZone: 'UTC', catchUpMinutes: 720 },
      autoApproval: { enabled: false, maxSeverity: 'high', blockRemovals: true },
    });
  });

  it('names every bad field', () => {
    const res = parsePolicySpec({
      ...base,
      scope: {},
      deferral: { days: 1.5 },
      waves: [{ name: 'a', select: { kind: 'rest' } }, { name: 'a', select: { kind: 'percent', percent: 10 } }],
      schedule: { recurrence: { kind: 'monthly-nth', nth: 6, weekday: 'tuesday', time: '2:00' }, timeZone: 'device', fallbackTimeZone: 'Nowhere/Land', startDate: '2026-02-30' },
      autoApproval: { maxSeverity: 'urgent' },
    });
    expect(res.ok).toBe(false);
    const paths = res.ok ? [] : res.issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'scope',
        'deferral.days',
        'waves.0.select',
        'waves.1.name',
        'schedule.recurrence.nth',
        'schedule.recurrence.weekday',
        'schedule.recurrence.time',
        'schedule.fallbackTimeZone',
        'schedule.startDate',
        'autoApproval.maxSeverity',
      ]),
    );
  });
});
