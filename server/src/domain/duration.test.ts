import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  it('parses s, m, h, d and w', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('15m')).toBe(900_000);
    expect(parseDuration('24h')).toBe(86_400_000);
    expect(parseDuration('7d')).toBe(604_800_000);
    expect(parseDuration('2w')).toBe(1_209_600_000);
  });

  it('refuses anything else', () => {
    for (const bad of ['', '24', 'h', '0h', '-1h', '1.5h', '24 hours', '1y', '1H']) expect(parseDuration(bad), bad).toBeNull();
  });
});
