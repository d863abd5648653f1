// The test (never bundled) checks the builder's output against the real shared schema.
// eslint-disable-next-line @typescript-eslint/no-restricted-imports
import { parseDeploymentSpec } from '@patchwave/shared';
import { describe, expect, it } from 'vitest';
import { defaultForm, formFromQuery, newWave, parsePackageLine, toSpec } from './form-state.js';

describe('deployment builder form → spec', () => {
  it('turns the default form with targets into a spec the shared schema accepts', () => {
    const form = { ...defaultForm(), name: 'openssl', tags: 'web, env=prod', approvalRequired: true, changeRecord: 'CHG-1' };
    const parsed = parseDeploymentSpec(toSpec(form));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.spec.targets.tags).toEqual(['web', 'env=prod']);
    expect(parsed.spec.waves.map((w) => [w.name, w.select, w.gates])).toEqual([
      ['canary', { kind: 'percent', percent: 10 }, { minSuccessRate: 100, maxFailures: 0 }],
      ['broad', { kind: 'rest' }, {}],
    ]);
    expect(parsed.spec.approval).toEqual({ required: true, changeRecord: 'CHG-1' });
  });

  it('sends what is not a number as typed, so the server names that field', () => {
    const form = { ...defaultForm(), name: 'x', tags: 'web' };
    form.waves = [{ ...newWave('canary', 'percent', 'ten'), minSuccessRate: '150' }];
    const parsed = parseDeploymentSpec(toSpec(form));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.issues.map((i) => i.path)).toEqual(['waves.0.select.percent', 'waves.0.gates.minSuccessRate']);
  });

  it('reads packages, advisories, OS rows, windows, schedule and reboot deadline', () => {
    const form = { ...defaultForm(), name: 'p', what: 'packages' as const, packages: 'apt:openssl=3.0.13-1\ncurl', deviceIds: 'a b', reboot: 'deadline' as const, rebootWithinMinutes: '30' };
    form.os = [{ key: 1, platform: 'linux', id: 'debian', release: '' }];
    form.windows = [{ key: 2, group: '', cron: '0 2 * * *', durationMinutes: '120', timeZone: 'UTC' }];
    form.startAt = '2030-01-02T03:04';
    const spec = toSpec(form) as unknown as Record<string, unknown>;
    expect(spec['what']).toEqual({ kind: 'packages', packages: [{ name: 'openssl', version: '3.0.13-1', manager: 'apt' }, { name: 'curl', version: null }] });
    expect((spec['targets'] as { os: unknown; deviceIds: unknown }).os).toEqual([{ platform: 'linux', id: 'debian' }]);
    expect((spec['schedule'] as { windows: unknown; startAt: string }).windows).toEqual([{ group: '*', cron: '0 2 * * *', durationMinutes: 120, timeZone: 'UTC' }]);
    expect((spec['schedule'] as { startAt: string }).startAt).toBe(new Date('2030-01-02T03:04').toISOString());
    expect(spec['rebootPolicy']).toEqual({ mode: 'deadline', withinMinutes: 30 });
    expect(parsePackageLine('libssl3=')).toEqual({ name: 'libssl3', version: null });
  });

  it('prefills a draft from the address of "deploy the fix"', () => {
    const form = formFromQuery(new URLSearchParams('what=advisories&ids=CVE-2024-1,DSA-5-1&devices=d1,d2&name=Fix%20CVE-2024-1'));
    expect(form).toMatchObject({ what: 'advisories', advisories: 'CVE-2024-1, DSA-5-1', deviceIds: 'd1\nd2', name: 'Fix CVE-2024-1' });
  });
});
