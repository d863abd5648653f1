import { describe, expect, it } from 'vitest';
import { primaryCvss, scoreCvss, severityOfScore } from './cvss.js';

describe('scoreCvss', () => {
  // Reference scores from the FIRST calculators (v3.1, v4.0) and NVD (v2).
  it.each([
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', '3.1', 9.8, 'critical'],
    ['CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', '3.0', 9.8, 'critical'],
    ['CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:L/A:L', '3.1', 5.6, 'medium'],
    ['CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', '3.1', 7.8, 'high'],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N', '3.1', 0, 'none'],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', '4.0', 9.3, 'critical'],
    ['AV:N/AC:L/Au:N/C:P/I:P/A:P', '2.0', 7.5, 'high'],
  ])('%s → %s base %s', (vector, version, base, severity) => {
    const r = scoreCvss(vector);
    expect(r).toEqual({ ok: true, score: { version, vector, baseScore: base, severity } });
  });

  it('takes the base score, not the temporal or threat one', () => {
    const v3 = scoreCvss('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:C');
    expect(v3.ok && v3.score.baseScore).toBe(9.8);
    const v4 = scoreCvss('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U');
    expect(v4.ok && v4.score.baseScore).toBe(9.3);
  });

  it.each([
    ['', /empty/],
    ['hello', /not a CVSS vector/],
    ['CVSS:3.1/AV:N', /lacks base metric\(s\) AC, PR, UI, S, C, I, A/],
    ['CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', /lacks base metric\(s\) AV/],
    ['CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', /rejected: Unknown component value Q for component AV/],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AV:L', /metric AV given twice/],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:1', /malformed metric "ZZ:1"/],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:Q', /Unknown component ZZ/],
    ['CVSS:9.9/AV:N', /not a CVSS vector/],
    ['CVSS:3.1/AV:N/garbage', /malformed metric "garbage"/],
    ['x'.repeat(600), /longer than 512/],
  ])('rejects %j', (vector, message) => {
    const r = scoreCvss(vector);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });

  it('maps scores to the qualitative scale', () => {
    expect([0, 0.1, 3.9, 4, 6.9, 7, 8.9, 9, 10].map((s) => severityOfScore(s, '3.1'))).toEqual([
      'none', 'low', 'low', 'medium', 'medium', 'high', 'high', 'critical', 'critical',
    ]);
    expect(severityOfScore(10, '2.0')).toBe('high');
  });

  it('prefers v3.x, then v4.0, then v2 as the primary score', () => {
    const v2 = { version: '2.0', vector: 'v2', baseScore: 10, severity: 'high' } as const;
    const v4 = { version: '4.0', vector: 'v4', baseScore: 9.3, severity: 'critical' } as const;
    const v3 = { version: '3.1', vector: 'v3', baseScore: 7.5, severity: 'high' } as const;
    expect(primaryCvss([v2, v4, v3])).toBe(v3);
    expect(primaryCvss([v2, v4])).toBe(v4);
    expect(primaryCvss([])).toBeNull();
  });
});
