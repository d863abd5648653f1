import { describe, expect, it } from 'vitest';
import { startDecision, windowStateAt, type CronSource } from './maintenance-window.js';

/** A cron source for tests of the algorithm alone: every `minute` past each UTC hour; '' yields none. */
const hourlyAt: CronSource = (cron, _tz, after) => {
  const minute = Number(cron);
  let t = after.getTime();
  return {
    next() {
      if (cron === '') return null;
      const hour = Math.floor(t / 3_600_000) * 3_600_000;
      let occ = hour + minute * 60_000;
      if (occ <= t) occ += 3_600_000;
      t = occ;
      return new Date(occ);
    },
  };
};

const d = (iso: string) => new Date(iso);

describe('windowStateAt (algorithm)', () => {
  it('finds the open window from an anchor before it, and the next one when closed', () => {
    const w = { cron: '15', durationMinutes: 30, timeZone: 'UTC' };
    expect(windowStateAt(w, d('2026-01-01T10:20:00Z'), hourlyAt)).toEqual({
      open: true,
      openedAt: d('2026-01-01T10:15:00Z'),
      closesAt: d('2026-01-01T10:45:00Z'),
    });
    expect(windowStateAt(w, d('2026-01-01T10:45:00Z'), hourlyAt)).toEqual({
      open: false,
      opensAt: d('2026-01-01T11:15:00Z'),
      closesAt: d('2026-01-01T11:45:00Z'),
    });
  });

  it('handles windows longer than the period (overlapping occurrences)', () => {
    const w = { cron: '0', durationMinutes: 150, timeZone: 'UTC' };
    expect(windowStateAt(w, d('2026-01-01T10:59:00Z'), hourlyAt)).toMatchObject({ open: true, openedAt: d('2026-01-01T10:00:00Z'), closesAt: d('2026-01-01T12:30:00Z') });
  });

  it('reports a window that never opens', () => {
    const w = { cron: '', durationMinutes: 30, timeZone: 'UTC' };
    expect(windowStateAt(w, d('2026-01-01T10:20:00Z'), hourlyAt)).toEqual({ open: false, opensAt: null, closesAt: null });
    expect(startDecision({ windows: [w] }, d('2026-01-01T10:20:00Z'), hourlyAt)).toEqual({
      kind: 'missed',
      reason: 'no maintenance window ever opens (check the cron expressions)',
    });
  });
});
