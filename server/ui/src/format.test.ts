import { describe, expect, it } from 'vitest';
import { nextSort } from './components/data-table.js';
import { formatAge, formatBytes, formatDateTime, formatDuration, osLabel, parseTags } from './format.js';

const now = Date.parse('2026-03-10T12:00:00.000Z');
const ago = (ms: number) => new Date(now - ms).toISOString();

describe('formatting', () => {
  it('says how long ago, in the past and the future', () => {
    expect(formatAge(ago(10_000), now)).toBe('just now');
    expect(formatAge(ago(5 * 60_000), now)).toBe('5 min ago');
    expect(formatAge(ago(3 * 3_600_000), now)).toBe('3 h ago');
    expect(formatAge(ago(2 * 86_400_000), now)).toBe('2 days ago');
    expect(formatAge(ago(120 * 86_400_000), now)).toBe('4 months ago');
    expect(formatAge(ago(-7 * 86_400_000), now)).toBe('in 7 days');
    expect(formatAge(null, now)).toBe('never');
    expect(formatAge('not a date', now)).toBe('not a date');
  });

  it('writes dates compactly and keeps what it cannot read', () => {
    expect(formatDateTime('2026-03-10T12:05:00.000Z')).toMatch(/^2026-03-1[01] \d{2}:\d{2}$/);
    expect(formatDateTime(null)).toBe('—');
    expect(formatDateTime('soon')).toBe('soon');
  });

  it('sizes, durations and OS names', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(4_294_967_296)).toBe('4.0 GiB');
    expect(formatBytes(20_000_000_000)).toBe('19 GiB');
    expect(formatDuration(3600 * 26 + 60)).toBe('1 d 2 h');
    expect(formatDuration(125)).toBe('2 min');
    expect(osLabel({ platform: 'linux', id: 'debian', distro: 'Debian GNU/Linux', release: '12' })).toBe('Debian GNU/Linux 12');
    expect(osLabel({ platform: 'linux', id: 'alpine', distro: '', release: '' })).toBe('alpine');
  });

  it('splits typed tags on commas and white space', () => {
    expect(parseTags(' env=prod, web  site/berlin,,')).toEqual(['env=prod', 'web', 'site/berlin']);
    expect(parseTags('')).toEqual([]);
  });

  it('sorts a new column first in its natural order and flips the same one', () => {
    expect(nextSort({ key: 'hostname', order: 'asc' }, 'hostname')).toEqual({ key: 'hostname', order: 'desc' });
    expect(nextSort({ key: 'hostname', order: 'desc' }, 'securityUpdates', 'desc')).toEqual({ key: 'securityUpdates', order: 'desc' });
  });
});
