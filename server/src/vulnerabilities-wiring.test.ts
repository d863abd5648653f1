import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FeedImportResult, FindingListItem, Page } from '@patchwave/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ServerConfig } from './config.js';
import { ManualClock } from './domain/clock.js';
import { diffInventory } from './domain/inventory/package-change.js';
import { fetchFeed } from './domain/vulnerabilities/feed-fetch.js';
import type { CronScheduler } from './domain/vulnerabilities/index.js';
import { enrollDevice } from './testing/enroll.js';
import { sampleInventory } from './testing/facts.js';
import type { TestApp } from './testing/test-app.js';
import { openTestApp } from './testing/test-app.js';
import { debianFacts, debPackage, jsonFeed, kevCatalog, osvRecord } from './testing/vulnerability-fixtures.js';

vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

/** A scheduler that records tasks; the test runs them when it wants. */
class RecordingScheduler implements CronScheduler {
  readonly tasks: { expression: string; task: () => Promise<void>; stopped: boolean }[] = [];
  schedule(expression: string, task: () => Promise<void>) {
    const entry = { expression, task, stopped: false };
    this.tasks.push(entry);
    return { stop: () => void (entry.stopped = true) };
  }
}

let t: TestApp | undefined;
let http: Server | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
  if (http) {
    http.closeAllConnections();
    http.close();
    http = undefined;
  }
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  http = createServer(handler);
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}

const kev = JSON.stringify(kevCatalog([{ cve: 'CVE-2025-3333', dateAdded: '2025-06-01', dueDate: '2025-06-22' }]));
const osv = JSON.stringify(osvRecord({ id: 'DEBIAN-CVE-2025-3333', ecosystem: 'Debian:12', name: 'zlib', fixed: '1:1.2.13.dfsg-1+deb12u1', cves: ['CVE-2025-3333'] }));

describe('scheduled feed refresh (off by default)', () => {
  it('is off by default and refuses to be enabled without URLs', () => {
    expect(ServerConfig.parse({ dataDir: '/x' }).vulnerabilities.feeds.refresh).toMatchObject({ enabled: false, urls: [] });
    const bad = ServerConfig.safeParse({ dataDir: '/x', vulnerabilities: { feeds: { refresh: { enabled: true } } } });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]).toMatchObject({ path: ['vulnerabilities', 'feeds', 'refresh', 'urls'], message: 'refresh is enabled but no urls are configured' });
  });

  it('fetches the configured URLs on its schedule and imports them as one import, with the URLs as provenance', async () => {
    const base = await serve((req, res) => {
      if (req.url === '/kev/known_exploited_vulnerabilities.json') res.end(kev);
      else if (req.url === '/osv/DEBIAN-CVE-2025-3333.json') res.end(osv);
      else res.writeHead(404).end();
    });
    const scheduler = new RecordingScheduler();
    const urls = [`${base}/osv/DEBIAN-CVE-2025-3333.json`, `${base}/kev/known_exploited_vulnerabilities.json`];
    t = await openTestApp({
      clock: new ManualClock('2025-06-10T00:00:00.000Z'),
      vulnerabilityScheduler: scheduler,
      config: { vulnerabilities: ServerConfig.shape.vulnerabilities.parse({ feeds: { refresh: { enabled: true, schedule: '30 4 * * *', urls } } }) },
    });
    expect(scheduler.tasks.map((x) => x.expression)).toEqual(['30 4 * * *', '10 0 * * *', '* * * * *']);
    const { deviceId } = await enrollDevice(t.app, debianFacts('zlib-host'));
    const inventory = sampleInventory([debPackage('zlib1g', '1:1.2.13.dfsg-1', 'zlib')], { facts: debianFacts('zlib-host'), updates: [] });
    const { inventoryHash } = await import('./domain/inventory/inventory-hash.js');
    await t.app.services.inventory.report(deviceId, { kind: 'full', hash: inventoryHash(inventory), inventory });

    await scheduler.tasks[0]!.task();
    const imports = (await t.app.inject({ method: 'GET', url: '/api/v1/feeds/imports', headers: t.auth() })).json() as Page<FeedImportResult>;
    expect(imports.items[0]).toMatchObject({
      origin: 'schedule', actor: 'system:feed-refresh', counts: { advisories: { new: 1 }, kev: { new: 1 } }, findings: { opened: 1 },
      sources: [{ name: 'DEBIAN-CVE-2025-3333.json', url: urls[0] }, { name: 'known_exploited_vulnerabilities.json', url: urls[1] }],
    });
    const findings = (await t.app.inject({ method: 'GET', url: '/api/v1/findings', headers: t.auth() })).json() as Page<FindingListItem>;
    expect(findings.items.map((f) => [f.package.name, f.kev?.dueDate])).toEqual([['zlib', '2025-06-22']]);

    // The same refresh on demand: nothing changed upstream, nothing changes here.
    const again = await t.app.inject({ method: 'POST', url: '/api/v1/feeds/refresh', headers: t.auth() });
    expect(again.json()).toMatchObject({ counts: { advisories: { unchanged: 1 }, kev: { unchanged: 1 } } });
    await t.close();
    expect(scheduler.tasks.every((x) => x.stopped)).toBe(true);
    t = undefined;
  });

  it('a download over the size limit, an HTTP error or a hang imports nothing and says why', async () => {
    const base = await serve((req, res) => {
      if (req.url === '/big.json') res.end('x'.repeat(5000));
      else if (req.url === '/hang.json') res.write('{');
      else res.writeHead(503, 'Service Unavailable').end();
    });
    await expect(fetchFeed(`${base}/big.json`, { maxBytes: 4096, timeoutMs: 5000 })).rejects.toThrow(`cannot fetch ${base}/big.json: 5000 bytes exceed the 4096-byte limit; nothing imported`);
    await expect(fetchFeed(`${base}/down.json`, { maxBytes: 4096, timeoutMs: 5000 })).rejects.toThrow('server answered 503 Service Unavailable');
    await expect(fetchFeed(`${base}/hang.json`, { maxBytes: 4096, timeoutMs: 300 })).rejects.toThrow('download not finished within 0.3 s');
    await expect(fetchFeed('file:///etc/passwd', { maxBytes: 4096, timeoutMs: 300 })).rejects.toThrow('only http and https feeds can be fetched');

    t = await openTestApp({ config: { vulnerabilities: ServerConfig.shape.vulnerabilities.parse({ feeds: { refresh: { urls: [`${base}/osv.json`, `${base}/big.json`], maxBytes: 4096 } } }) } });
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/feeds/refresh', headers: t.auth() });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'E_FEED_INVALID', message: `cannot fetch ${base}/osv.json: server answered 503 Service Unavailable; nothing imported` });
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/feeds/imports', headers: t.auth() })).json()).toMatchObject({ total: 0 });
  });
});

describe('matching catch-up', () => {
  it('matches an inventory that was stored but not matched (a crash in between) at start', async () => {
    t = await openTestApp({ clock: new ManualClock('2025-06-10T00:00:00.000Z') });
    await t.app.vulnerabilities.feeds.import([jsonFeed('zlib.json', JSON.parse(osv))], { actor: 'test', origin: 'upload' });
    const { deviceId } = await enrollDevice(t.app, debianFacts('crashed'));
    // Stored straight through the repository: what survives when the server dies before matching.
    const pkgs = [debPackage('zlib1g', '1:1.2.13.dfsg-1', 'zlib')];
    const diff = diffInventory([], pkgs, new Date());
    await t.temp.store.inventory.apply({
      deviceId, receivedAt: new Date('2025-06-10T00:00:00.000Z'), report: { kind: 'full', hash: 'c'.repeat(64), baseHash: null, collectedAt: '2025-06-10T00:00:00.000Z' },
      facts: debianFacts('crashed'), managers: [], reboot: { required: false, reasons: [], packages: [] }, upsert: diff.upsert, remove: [], updates: [], changes: [], counts: { packages: 1, updates: 0, securityUpdates: 0 },
    });
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/findings', headers: t.auth() })).json()).toMatchObject({ total: 0 });
    expect(await t.app.vulnerabilities.jobs.catchUp()).toMatchObject({ rematched: 1 });
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/findings', headers: t.auth() })).json()).toMatchObject({ total: 1, items: [{ hostname: 'crashed', package: { name: 'zlib' } }] });
    expect(await t.app.vulnerabilities.jobs.catchUp()).toMatchObject({ rematched: 0 });
  });
});
