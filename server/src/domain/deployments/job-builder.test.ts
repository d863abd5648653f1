import { Job, type AvailableUpdate, type InstalledPackage } from '@patchwave/shared';
import { describe, expect, it } from 'vitest';
import { buildJob, choosePackages } from './job-builder.js';

const installed: InstalledPackage[] = [
  { manager: 'apt', name: 'openssl', version: '3.0.11-1~deb12u2', arch: 'amd64' },
  { manager: 'apt', name: 'curl', version: '7.88.1-10+deb12u4', arch: 'amd64' },
  { manager: 'apt', name: 'vim', version: '2:9.0.1378-2', arch: 'amd64' },
];
const update = (name: string, candidateVersion: string, security: boolean | 'unknown', extra: Partial<AvailableUpdate> = {}): AvailableUpdate => ({
  manager: 'apt',
  name,
  arch: 'amd64',
  installedVersion: installed.find((p) => p.name === name)?.version ?? null,
  candidateVersion,
  security,
  advisories: [],
  cves: [],
  ...extra,
});
const updates = [
  update('openssl', '3.0.13-1~deb12u1', true, { advisories: ['DSA-5585-1'], cves: ['CVE-2023-5678'] }),
  update('curl', '7.88.1-10+deb12u5', false),
  update('vim', '2:9.0.1378-2+deb12u1', 'unknown'),
];

describe('choosePackages', () => {
  it('takes security updates only where the tool said so, pinned to the reported candidate', () => {
    expect(choosePackages({ kind: 'security' }, { installed, updates })).toEqual({
      packages: [{ manager: 'apt', name: 'openssl', version: '3.0.13-1~deb12u1', arch: 'amd64' }],
      unmatched: [],
    });
    expect(choosePackages({ kind: 'all' }, { installed, updates }).packages.map((p) => p.name)).toEqual(['openssl', 'curl', 'vim']);
  });

  it('matches advisories and CVEs, and names those nothing fixes', () => {
    expect(choosePackages({ kind: 'advisories', ids: ['CVE-2023-5678', 'CVE-2024-9999'] }, { installed, updates })).toEqual({
      packages: [{ manager: 'apt', name: 'openssl', version: '3.0.13-1~deb12u1', arch: 'amd64' }],
      unmatched: [{ item: 'CVE-2024-9999', reason: 'no available update on this device fixes CVE-2024-9999' }],
    });
  });

  it('resolves named packages: newest candidate, an exact version, nothing when already there, a new install with its manager', () => {
    const res = choosePackages(
      {
        kind: 'packages',
        packages: [
          { name: 'curl', version: null },
          { name: 'vim', version: '2:9.0.1378-2' },
          { name: 'openssl', version: '3.0.11-1~deb12u1' },
          { name: 'htop', version: null, manager: 'apt' },
          { name: 'nginx', version: null },
        ],
      },
      { installed, updates },
    );
    expect(res.packages).toEqual([
      { manager: 'apt', name: 'curl', version: '7.88.1-10+deb12u5', arch: 'amd64' },
      { manager: 'apt', name: 'openssl', version: '3.0.11-1~deb12u1', arch: 'amd64' },
      { manager: 'apt', name: 'htop', version: null },
    ]);
    expect(res.unmatched).toEqual([{ item: 'nginx', reason: 'no package manager on this device reports nginx; name the manager to install it' }]);
  });
});

describe('buildJob', () => {
  it('builds a valid envelope that lives until the deadline', () => {
    const now = new Date('2026-03-02T10:00:00Z');
    const job = buildJob({
      jobId: 'j-1',
      deviceId: 'dev-1',
      deploymentId: 'd-1',
      action: { kind: 'rescan' },
      now,
      window: { cron: '0 2 * * *', durationMinutes: 120, timeZone: 'Europe/Berlin' },
      deadline: new Date('2026-03-09T00:00:00Z'),
      timeoutMinutes: 30,
    });
    expect(Job.parse(job)).toEqual(job);
    expect(job).toMatchObject({ notBefore: '2026-03-02T09:59:00.000Z', expiresAt: '2026-03-09T00:00:00.000Z', deadline: '2026-03-09T00:00:00.000Z' });
    expect(buildJob({ jobId: 'j-2', deviceId: 'd', action: { kind: 'rescan' }, now }).expiresAt).toBe('2026-03-09T10:00:00.000Z');
  });
});
