import { GroupSafetySettings, type GroupSafetySettingsInput } from '@patchwave/shared';
import { describe, expect, it } from 'vitest';
import type { GroupSafetyRecord } from './group-safety-repository.js';
import { jobSafety, mergeSafety, safetyGroupsOf, strictestPreflight } from './merge.js';

const rec = (group: string, settings: GroupSafetySettingsInput): GroupSafetyRecord => ({ group, settings: GroupSafetySettings.parse(settings), updatedAt: new Date(0), updatedBy: 'user:alice' });

describe('merging group safety settings for a device', () => {
  it('takes its groups from its tags, plus * for every device', () => {
    expect(safetyGroupsOf(['web', 'group=db', 'group=eu', 'group=db'])).toEqual(['*', 'db', 'eu']);
    expect(safetyGroupsOf([])).toEqual(['*']);
  });

  it('adds up holds and probes (identical ones once), keeps each group of a hold, and picks the strictest pre-flight', () => {
    const merged = mergeSafety([
      rec('*', { holds: [{ name: 'linux-image-amd64', reason: 'kernel via its own process' }], probes: [{ kind: 'service', name: 'ssh', service: 'ssh' }], preflight: { minFreeDiskMb: 200 } }),
      rec('db', {
        holds: [{ name: 'postgresql-16', reason: 'DBA sign-off' }, { name: 'linux-image-amd64', reason: 'kernel via its own process' }],
        probes: [{ kind: 'tcp', name: 'pg', port: 5432 }, { kind: 'service', name: 'ssh', service: 'ssh' }],
        preflight: { minFreeDiskMb: 2000, requireLockFree: false, pendingReboot: 'reboot-first' },
      }),
      rec('eu', { preflight: { minFreeDiskMb: 100, requireAcPower: true, pendingReboot: 'skip' }, settleMs: 5000 }),
      rec('x', { settleMs: 2000 }),
    ]);
    expect(merged.settleMs).toBe(5000);
    expect(jobSafety(merged, false)?.settleMs).toBe(5000);
    expect(merged.groups).toEqual(['*', 'db', 'eu', 'x']);
    expect(merged.holds.map((h) => `${h.group}:${h.name}`)).toEqual(['*:linux-image-amd64', 'db:postgresql-16']);
    expect(merged.probes.map((p) => p.name)).toEqual(['ssh', 'pg']);
    expect(merged.preflight).toEqual({ minFreeDiskMb: 2000, requireLockFree: true, requireAcPower: true, pendingReboot: 'skip' });
  });

  it('keeps both probes when two groups use one name for different checks', () => {
    const merged = mergeSafety([rec('a', { probes: [{ kind: 'tcp', name: 'app', port: 80 }] }), rec('b', { probes: [{ kind: 'tcp', name: 'app', port: 8080 }] })]);
    expect(merged.probes.map((p) => [p.name, p.kind === 'tcp' ? p.port : 0])).toEqual([
      ['app', 80],
      ['app-1', 8080],
    ]);
  });

  it('orders pending-reboot rules ignore < reboot-first < skip, and has no pre-flight when no group sets one', () => {
    const base = { minFreeDiskMb: 0, requireLockFree: false, requireAcPower: false } as const;
    expect(strictestPreflight([{ ...base, pendingReboot: 'reboot-first' }, { ...base, pendingReboot: 'ignore' }])?.pendingReboot).toBe('reboot-first');
    expect(strictestPreflight([])).toBeUndefined();
    expect(mergeSafety([rec('a', { holds: [{ name: 'x' }] })]).preflight).toBeUndefined();
  });

  it('builds the job block with every field explicit and the group in each hold reason, or none when there is nothing to do', () => {
    const merged = mergeSafety([rec('db', { holds: [{ name: 'postgresql-16', reason: 'DBA sign-off' }, { name: 'redis', manager: 'apt', versionRange: '<8' }], probes: [{ kind: 'tcp', name: 'pg', port: 5432 }] })]);
    expect(jobSafety(merged, true)).toEqual({
      probes: [{ kind: 'tcp', name: 'pg', host: '127.0.0.1', port: 5432, timeoutMs: 5000 }],
      holds: [
        { name: 'postgresql-16', reason: 'group db: DBA sign-off' },
        { name: 'redis', manager: 'apt', versionRange: '<8', reason: 'group db' },
      ],
      rollbackOnHealthFailure: true,
    });
    expect(jobSafety(mergeSafety([]), false)).toBeUndefined();
    expect(jobSafety(mergeSafety([]), true)).toBeUndefined();
    expect(jobSafety(mergeSafety([rec('a', { preflight: {} })]), false)).toEqual({ probes: [], preflight: { minFreeDiskMb: 500, requireLockFree: true, requireAcPower: false, pendingReboot: 'ignore' }, holds: [], rollbackOnHealthFailure: false });
  });
});
