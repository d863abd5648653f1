import { PolicySchedule, type PolicyScheduleInput } from '@patchwave/shared';
import { describe, expect, it } from 'vitest';
import { cronOccurrences } from '../deployments/cron.js';
import { dueOccurrence, nextRun, occurrencesBetween } from './schedule.js';
import { instantOf, localMsOf } from './zoned-time.js';

const schedule = (input: PolicyScheduleInput) => PolicySchedule.parse(input);
const at = (iso: string) => new Date(iso);
const next = (s: PolicySchedule, tz: string, after: string) => nextRun(s, tz, at(after), cronOccurrences)?.toISOString() ?? null;

describe('zoned time', () => {
  it('reads wall clocks and resolves them back, with the DST gap moved forward and the repeated hour taken first', () => {
    expect(new Date(localMsOf(Date.parse('2026-07-01T00:00:00Z'), 'Europe/Berlin')).toISOString()).toBe('2026-07-01T02:00:00.000Z');
    // Berlin springs forward on Sunday 2026-03-29 at 02:00: 02:30 does not exist and becomes 03:30 CEST (01:30Z).
    expect(new Date(instantOf(Date.UTC(2026, 2, 29, 2, 30), 'Europe/Berlin')).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    // Berlin falls back on 2026-10-25: 02:30 happens twice, first in CEST (00:30Z).
    expect(new Date(instantOf(Date.UTC(2026, 9, 25, 2, 30), 'Europe/Berlin')).toISOString()).toBe('2026-10-25T00:30:00.000Z');
    // New York falls back on 2026-11-01: 01:30 EDT (05:30Z) before 01:30 EST (06:30Z).
    expect(new Date(instantOf(Date.UTC(2026, 10, 1, 1, 30), 'America/New_York')).toISOString()).toBe('2026-11-01T05:30:00.000Z');
  });
});

describe('weekly schedules', () => {
  const tuesday2 = (tz: string) => schedule({ recurrence: { kind: 'weekly', days: ['tue'], time: '02:00' }, timeZone: tz });

  it('runs every Tuesday at 02:00 in each time zone', () => {
    expect(next(tuesday2('UTC'), 'UTC', '2026-03-02T12:00:00Z')).toBe('2026-03-03T02:00:00.000Z');
    expect(next(tuesday2('Europe/Berlin'), 'Europe/Berlin', '2026-03-02T12:00:00Z')).toBe('2026-03-03T01:00:00.000Z');
    expect(next(tuesday2('America/New_York'), 'America/New_York', '2026-03-02T12:00:00Z')).toBe('2026-03-03T07:00:00.000Z');
    // 12:00Z on Monday is 21:00 in Tokyo: Tuesday 02:00 JST comes five hours later.
    expect(next(tuesday2('Asia/Tokyo'), 'Asia/Tokyo', '2026-03-02T12:00:00Z')).toBe('2026-03-02T17:00:00.000Z');
  });

  it('keeps the wall-clock time across the DST changes of Berlin and New York', () => {
    const s = tuesday2('Europe/Berlin');
    // Before the last Sunday of March 02:00 CET is 01:00Z; after it 02:00 CEST is 00:00Z.
    expect(next(s, 'Europe/Berlin', '2026-03-24T02:00:00Z')).toBe('2026-03-31T00:00:00.000Z');
    const ny = tuesday2('America/New_York');
    expect(next(ny, 'America/New_York', '2026-10-28T00:00:00Z')).toBe('2026-11-03T07:00:00.000Z');
    expect(next(ny, 'America/New_York', '2026-10-26T00:00:00Z')).toBe('2026-10-27T06:00:00.000Z');
  });

  it('moves a time in the spring-forward gap forward and runs a repeated time once', () => {
    const sunday = schedule({ recurrence: { kind: 'weekly', days: ['sun'], time: '02:30' }, timeZone: 'Europe/Berlin' });
    expect(next(sunday, 'Europe/Berlin', '2026-03-28T00:00:00Z')).toBe('2026-03-29T01:30:00.000Z');
    const fallBack = occurrencesBetween(sunday, 'Europe/Berlin', at('2026-10-24T00:00:00Z'), at('2026-10-26T00:00:00Z'), cronOccurrences);
    expect(fallBack.map((d) => d.toISOString())).toEqual(['2026-10-25T00:30:00.000Z']);
    const nyFallBack = schedule({ recurrence: { kind: 'weekly', days: ['sun'], time: '01:30' }, timeZone: 'America/New_York' });
    expect(occurrencesBetween(nyFallBack, 'America/New_York', at('2026-10-31T00:00:00Z'), at('2026-11-02T00:00:00Z'), cronOccurrences).map((d) => d.toISOString())).toEqual([
      '2026-11-01T05:30:00.000Z',
    ]);
  });

  it('lists several days of the week in order and respects start and end dates', () => {
    const s = schedule({ recurrence: { kind: 'weekly', days: ['fri', 'mon'], time: '23:30' }, timeZone: 'UTC', startDate: '2026-03-06', endDate: '2026-03-16' });
    const all = occurrencesBetween(s, 'UTC', at('2026-03-01T00:00:00Z'), at('2026-04-01T00:00:00Z'), cronOccurrences).map((d) => d.toISOString());
    expect(all).toEqual(['2026-03-06T23:30:00.000Z', '2026-03-09T23:30:00.000Z', '2026-03-13T23:30:00.000Z', '2026-03-16T23:30:00.000Z']);
    expect(next(s, 'UTC', '2026-03-17T00:00:00Z')).toBeNull();
  });
});

describe('Nth weekday of the month', () => {
  it('finds Patch Tuesday (2nd Tuesday) month by month in New York across the November change', () => {
    const s = schedule({ recurrence: { kind: 'monthly-nth', nth: 2, weekday: 'tue', time: '03:00' }, timeZone: 'America/New_York' });
    expect(next(s, 'America/New_York', '2026-10-01T00:00:00Z')).toBe('2026-10-13T07:00:00.000Z');
    expect(next(s, 'America/New_York', '2026-10-13T07:00:00Z')).toBe('2026-11-10T08:00:00.000Z');
    expect(next(s, 'America/New_York', '2026-11-10T08:00:00Z')).toBe('2026-12-08T08:00:00.000Z');
  });

  it('finds the last Sunday of March in Berlin, the day of the change itself', () => {
    const s = schedule({ recurrence: { kind: 'monthly-nth', nth: 'last', weekday: 'sun', time: '04:00' }, timeZone: 'Europe/Berlin' });
    expect(next(s, 'Europe/Berlin', '2026-03-01T00:00:00Z')).toBe('2026-03-29T02:00:00.000Z');
    expect(next(s, 'Europe/Berlin', '2026-03-29T02:00:00Z')).toBe('2026-04-26T02:00:00.000Z');
    expect(next(s, 'Europe/Berlin', '2026-10-01T00:00:00Z')).toBe('2026-10-25T03:00:00.000Z');
  });

  it('skips months without a 5th weekday', () => {
    const s = schedule({ recurrence: { kind: 'monthly-nth', nth: 5, weekday: 'fri', time: '12:00' }, timeZone: 'UTC' });
    // 2026: January has five Fridays (30th), February none, March none (27th is the 4th... 6,13,20,27), May has (29th).
    const found = occurrencesBetween(s, 'UTC', at('2026-01-01T00:00:00Z'), at('2026-06-01T00:00:00Z'), cronOccurrences).map((d) => d.toISOString().slice(0, 10));
    expect(found).toEqual(['2026-01-30', '2026-05-29']);
  });
});

describe('one-off and cron schedules', () => {
  it('runs a one-off once', () => {
    const s = schedule({ recurrence: { kind: 'once', date: '2026-12-24', time: '18:00' }, timeZone: 'Europe/Berlin' });
    expect(next(s, 'Europe/Berlin', '2026-01-01T00:00:00Z')).toBe('2026-12-24T17:00:00.000Z');
    expect(next(s, 'Europe/Berlin', '2026-12-24T17:00:00Z')).toBeNull();
  });

  it('evaluates a cron alternative in the zone', () => {
    const s = schedule({ recurrence: { kind: 'cron', expression: '0 2 * * 2' }, timeZone: 'Europe/Berlin' });
    expect(next(s, 'Europe/Berlin', '2026-03-24T02:00:00Z')).toBe('2026-03-31T00:00:00.000Z');
  });
});

describe('due occurrences', () => {
  const s = schedule({ recurrence: { kind: 'weekly', days: ['tue'], time: '02:00' }, timeZone: 'UTC', catchUpMinutes: 60 });

  it('is due once the time came, not before, and not again after it ran', () => {
    const since = at('2026-03-01T00:00:00Z');
    expect(dueOccurrence(s, 'UTC', since, at('2026-03-03T01:59:00Z'), cronOccurrences)).toBeNull();
    expect(dueOccurrence(s, 'UTC', since, at('2026-03-03T02:00:30Z'), cronOccurrences)?.toISOString()).toBe('2026-03-03T02:00:00.000Z');
    expect(dueOccurrence(s, 'UTC', at('2026-03-03T02:00:00Z'), at('2026-03-03T02:05:00Z'), cronOccurrences)).toBeNull();
  });

  it('catches up a run missed by less than catchUpMinutes, and lets older ones go', () => {
    const since = at('2026-03-01T00:00:00Z');
    expect(dueOccurrence(s, 'UTC', since, at('2026-03-03T02:59:00Z'), cronOccurrences)?.toISOString()).toBe('2026-03-03T02:00:00.000Z');
    expect(dueOccurrence(s, 'UTC', since, at('2026-03-03T03:01:00Z'), cronOccurrences)).toBeNull();
  });
});
