import { describe, expect, it } from 'vitest';
import { cryptoRandom } from './run-agent.js';

describe('cryptoRandom', () => {
  it('draws uniformly from [0, 1) without throwing', () => {
    const draws = Array.from({ length: 10_000 }, () => cryptoRandom());
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
  });
});
