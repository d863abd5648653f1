import type { GroupWindow, MaintenanceWindow } from '@patchwave/shared';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { startDecision, windowsForDevice, windowStateAt } from './maintenance-window.js';

const d = (iso: string) => new Date(iso);
const berlin = (cron: string, durationMinutes: number): MaintenanceWindow => ({ cron, durationMinutes, timeZone: 'Europe/Berlin' });
const newYork = (cron: string, durationMinutes: number): MaintenanceWindow => ({ cron, durationMinutes, timeZone: 'America/New_York' });

describe('windowStateAt', () => {
  it('follows the zone offset in winter and summer (Europe/Berlin 02:00 = 01:00Z / 00:00Z)', () => {
    expect(windowStateAt(berlin('0 2 * * *', 60), d('2026-01-15T01:30:00Z'))).toEqual({
      open: true,
      openedAt: d('2026-01-15T01:00:00Z'),
      closesAt: d('2026-01-15T02:00:00Z'),
    });
    expect(windowStateAt(berlin('0 2 * * *', 60), d('2026-07-15T00:30:00Z'))).toMatchObject({ open: true, openedAt: d('2026-07-15T00:00:00Z') });
    expect(windowStateAt(berlin('0 2 * * *', 60), d('2026-07-15T01:30:00Z'))).toEqual({
      open: false,
      opensAt: d('2026-07-16T00:00:00Z'),
      closesAt: d('2026-07-16T01:00:00Z'),
    });
  });

  it('is open from the first instant to just before the end', () => {
    const w = berlin('0 2 * * *', 60);
    expect(windowStateAt(w, d('2026-01-15T01:00:00.000Z')).open).toBe(true);
    expect(windowStateAt(w, d('2026-01-15T01:59:59.999Z')).open).toBe(true);
    expect(windowStateAt(w, d('2026-01-15T02:00:00.000Z')).open).toBe(false);
    expect(windowStateAt(w, d('2026-01-15T00:59:59.999Z')).open).toBe(false);
  });

  describe('Europe/Berlin, spring forward on Sunday 29 March 2026 (02:00 CET -> 03:00 CEST)', () => {
    it('keeps a window that spans the change exactly as long as it says (3 h elapsed, 4 h by the wall clock)', () => {
      const w = berlin('0 1 * * *', 180);
      const state = windowStateAt(w, d('2026-03-29T00:30:00Z'));
      expect(state).toEqual({ open: true, openedAt: d('2026-03-29T00:00:00Z'), closesAt: d('2026-03-29T03:00:00Z') });
      expect(windowStateAt(w, d('2026-03-29T02:59:00Z')).open).toBe(true);
      expect(windowStateAt(w, d('2026-03-29T03:00:00Z')).open).toBe(false);
    });

    it('opens a window whose start time does not exist that day one hour later by the wall clock, not never', () => {
      const w = berlin('30 2 * * *', 60);
      expect(windowStateAt(w, d('2026-03-28T23:00:00Z'))).toEqual({
        open: false,
        opensAt: d('2026-03-29T01:30:00Z'),
        closesAt: d('2026-03-29T02:30:00Z'),
      });
      expect(windowStateAt(w, d('2026-03-29T01:45:00Z')).open).toBe(true);
      // The next day is back to 02:30 CEST = 00:30Z.
      expect(windowStateAt(w, d('2026-03-29T03:00:00Z'))).toMatchObject({ open: false, opensAt: d('2026-03-30T00:30:00Z') });
    });
  });

  describe('Europe/Berlin, fall back on Sunday 25 October 2026 (03:00 CEST -> 02:00 CET)', () => {
    it('opens a start time that happens twice only once, at its first occurrence', () => {
      const w = berlin('30 2 * * *', 30);
      expect(windowStateAt(w, d('2026-10-24T23:00:00Z'))).toMatchObject({ open: false, opensAt: d('2026-10-25T00:30:00Z') });
      expect(windowStateAt(w, d('2026-10-25T00:45:00Z')).open).toBe(true);
      // 01:30Z is 02:30 CET, the second 02:30 of the night: no second window.
      expect(windowStateAt(w, d('2026-10-25T01:40:00Z'))).toMatchObject({ open: false, opensAt: d('2026-10-26T01:30:00Z') });
    });

    it('keeps a spanning window to its elapsed duration (2 h elapsed, 1 h by the wall clock)', () => {
      const w = berlin('0 2 * * *', 120);
      expect(windowStateAt(w, d('2026-10-25T01:00:00Z'))).toEqual({
        open: true,
        openedAt: d('2026-10-25T00:00:00Z'),
        closesAt: d('2026-10-25T02:00:00Z'),
      });
    });
  });

  describe('America/New_York (spring forward 8 March, fall back 1 November 2026)', () => {
    it('runs a Saturday 22:00 window for 4 elapsed hours across the spring change', () => {
      const w = newYork('0 22 * * 6', 240);
      expect(windowStateAt(w, d('2026-03-08T06:59:00Z'))).toEqual({
        open: true,
        openedAt: d('2026-03-08T03:00:00Z'),
        closesAt: d('2026-03-08T07:00:00Z'),
      });
      expect(windowStateAt(w, d('2026-03-08T07:00:00Z'))).toMatchObject({ open: false, opensAt: d('2026-03-15T02:00:00Z') });
    });

    it('opens a Sunday 02:00 window at 03:00 EDT on the day 02:00 does not exist', () => {
      expect(windowStateAt(newYork('0 2 * * 0', 60), d('2026-03-07T12:00:00Z'))).toMatchObject({ open: false, opensAt: d('2026-03-08T07:00:00Z') });
    });

    it('opens a 01:30 window once on the night 01:30 happens twice', () => {
      const w = newYork('30 1 * * *', 20);
      expect(windowStateAt(w, d('2026-11-01T05:40:00Z'))).toMatchObject({ open: true, openedAt: d('2026-11-01T05:30:00Z') });
      expect(windowStateAt(w, d('2026-11-01T06:40:00Z'))).toMatchObject({ open: false, opensAt: d('2026-11-02T06:30:00Z') });
    });
  });

  it('evaluates one instant differently in different zones', () => {
    const now = d('2026-06-01T01:30:00Z'); // 03:30 in Berlin, 21:30 the day before in New York
    expect(windowStateAt(berlin('0 3 * * *', 60), now).open).toBe(true);
    expect(windowStateAt(newYork('0 3 * * *', 60), now).open).toBe(false);
    expect(windowStateAt(newYork('0 21 * * *', 60), now).open).toBe(true);
  });

  it('opens and closes as an injected clock moves', () => {
    const clock = new ManualClock('2026-03-28T22:00:00Z');
    const w = berlin('0 1 * * *', 180);
    const seen: boolean[] = [];
    for (let i = 0; i < 12; i++) {
      seen.push(windowStateAt(w, clock.now()).open);
      clock.advance(30 * 60_000);
    }
    // 22:00Z .. 03:30Z in half hours: open from 00:00Z to before 03:00Z.
    expect(seen).toEqual([false, false, false, false, true, true, true, true, true, true, false, false]);
  });
});

describe('windowsForDevice', () => {
  const windows: GroupWindow[] = [
    { group: 'berlin', ...berlin('0 2 * * *', 120) },
    { group: 'db', ...berlin('0 4 * * 0', 60) },
    { group: '*', ...newYork('0 22 * * 6', 240) },
  ];
  it('uses the windows of the device groups, else the default ones', () => {
    expect(windowsForDevice(windows, ['berlin', 'db']).map((w) => w.group)).toEqual(['berlin', 'db']);
    expect(windowsForDevice(windows, ['paris']).map((w) => w.group)).toEqual(['*']);
    expect(windowsForDevice(windows.slice(0, 2), [])).toEqual([]);
  });
});

describe('startDecision', () => {
  const nightly = berlin('0 2 * * *', 120); // 01:00Z-03:00Z in winter

  it('starts at once with no windows, or waits for the start time', () => {
    expect(startDecision({ windows: [] }, d('2026-01-10T12:00:00Z'))).toEqual({ kind: 'now', until: null });
    expect(startDecision({ windows: [], startAt: d('2026-01-11T00:00:00Z') }, d('2026-01-10T12:00:00Z'))).toEqual({
      kind: 'wait',
      until: d('2026-01-11T00:00:00Z'),
      reason: 'starts at 2026-01-11T00:00:00.000Z',
    });
  });

  it('starts inside a window and says when it closes', () => {
    expect(startDecision({ windows: [nightly] }, d('2026-01-10T01:30:00Z'))).toEqual({ kind: 'now', until: d('2026-01-10T03:00:00Z') });
  });

  it('lets a device that was offline during its window catch up in the next one', () => {
    const back = d('2026-01-10T09:00:00Z');
    expect(startDecision({ windows: [nightly], deadline: d('2026-01-20T00:00:00Z') }, back)).toEqual({
      kind: 'wait',
      until: d('2026-01-11T01:00:00Z'),
      reason: 'outside its maintenance window; the next one opens at 2026-01-11T01:00:00.000Z',
    });
  });

  it('misses when the deadline passed or comes before the next window', () => {
    expect(startDecision({ windows: [nightly], deadline: d('2026-01-10T00:00:00Z') }, d('2026-01-10T01:30:00Z'))).toMatchObject({
      kind: 'missed',
      reason: 'the deadline 2026-01-10T00:00:00.000Z has passed',
    });
    expect(startDecision({ windows: [nightly], deadline: d('2026-01-11T00:30:00Z') }, d('2026-01-10T09:00:00Z'))).toEqual({
      kind: 'missed',
      reason: 'the next maintenance window opens at 2026-01-11T01:00:00.000Z, after the deadline 2026-01-11T00:30:00.000Z',
    });
  });

  it('takes the earliest of several windows', () => {
    const weekly = newYork('0 22 * * 6', 240); // Saturday 22:00 EST = Sunday 03:00Z
    expect(startDecision({ windows: [weekly, nightly] }, d('2026-01-10T09:00:00Z'))).toMatchObject({ kind: 'wait', until: d('2026-01-11T01:00:00Z') });
    expect(startDecision({ windows: [weekly, nightly] }, d('2026-01-11T04:00:00Z'))).toEqual({ kind: 'now', until: d('2026-01-11T07:00:00Z') });
  });

  it('waits for a future start time that falls inside a window, and for the window after it otherwise', () => {
    const now = d('2026-01-09T12:00:00Z');
    expect(startDecision({ windows: [nightly], startAt: d('2026-01-10T01:30:00Z') }, now)).toMatchObject({ kind: 'wait', until: d('2026-01-10T01:30:00Z') });
    expect(startDecision({ windows: [nightly], startAt: d('2026-01-10T05:00:00Z') }, now)).toMatchObject({ kind: 'wait', until: d('2026-01-11T01:00:00Z') });
  });
});
