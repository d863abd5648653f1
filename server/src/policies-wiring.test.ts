import type { AvailableUpdate } from '@patchwave/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from './domain/clock.js';
import { enrollDevice } from './testing/enroll.js';
import { openTestApp, type TestApp } from './testing/test-app.js';
import { debianFacts, debPackage, jsonFeed, kevCatalog, osvRecord, reportInventory } from './testing/vulnerability-fixtures.js';

vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const update = (name: string): AvailableUpdate => ({ manager: 'apt', name, arch: 'amd64', installedVersion: '1.0-1', candidateVersion: '1.1-1', security: true, advisories: [], cves: [] });

describe('policies in the app', () => {
  it('lets an update fixing a KEV-listed finding skip the deferral, from real feeds and findings, while a routine one waits', async () => {
    const clock = new ManualClock('2026-03-02T10:00:00.000Z');
    t = await openTestApp({ clock, deploymentLoop: false, policyLoop: false });
    await t.app.vulnerabilities.feeds.import(
      [
        jsonFeed('DSA-9001-1.json', osvRecord({ id: 'DSA-9001-1', ecosystem: 'Debian:12', name: 'exploited', fixed: '1.1-1', cves: ['CVE-2026-9001'] })),
        jsonFeed('DSA-9002-1.json', osvRecord({ id: 'DSA-9002-1', ecosystem: 'Debian:12', name: 'routine', fixed: '1.1-1', cves: ['CVE-2026-9002'] })),
        jsonFeed('known_exploited_vulnerabilities.json', kevCatalog([{ cve: 'CVE-2026-9001', dateAdded: '2026-02-01', dueDate: '2026-02-22' }])),
      ],
      { actor: 'test', origin: 'upload' },
    );
    const device = await enrollDevice(t.app, debianFacts('web-01'), ['web']);
    await reportInventory(t.app, device.deviceId, [debPackage('exploited', '1.0-1'), debPackage('routine', '1.0-1')], [update('exploited'), update('routine')]);
    const findings = await t.app.inject({ method: 'GET', url: '/api/v1/findings?kev=true', headers: t.auth() });
    expect(findings.json().items.map((f: { advisoryId: string }) => f.advisoryId)).toEqual(['DSA-9001-1']);

    const policy = await t.app.policies.policies.create(
      { name: 'web', scope: { tags: ['web'] }, deferral: { days: 7 }, schedule: { recurrence: { kind: 'weekly', days: ['tue'], time: '02:00' } } },
      { id: 'op', name: 'op', actor: 'api-token:op' },
    );
    clock.advance(2 * 86_400_000);
    const run = await t.app.policies.runner.runNow(policy.id, { id: 'op', name: 'op', actor: 'api-token:op' });
    expect(run).toMatchObject({ outcome: 'awaiting-plan', packages: 1, deferred: 1, expedited: 1 });
    expect(run.selection).toEqual([{ deviceId: device.deviceId, changes: [{ manager: 'apt', name: 'exploited', severity: null, security: true }] }]);
    expect(run.reasons.join(' ')).toContain('1 update(s) deferred by the 7-day deferral; the next is due 2026-03-09T10:00:00.000Z');
    expect(run.reasons.join(' ')).toContain('1 update(s) skip the deferral (KEV-listed or expedited priority)');
  });
});
