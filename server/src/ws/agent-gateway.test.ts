import type { InstalledPackage, Inventory, ServerMessage } from '@patchwave/shared';
import { agentFrame, AGENT_WS_PATH, diffPackages, HEARTBEAT_UNACKED_CAPABILITY, LIMITS, PROTOCOL_VERSION, serverFrame } from '@patchwave/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../domain/clock.js';
import { inventoryHash } from '../domain/inventory/inventory-hash.js';
import { enrollDevice } from '../testing/enroll.js';
import { sampleInventory, samplePackages } from '../testing/facts.js';
import type { TestApp } from '../testing/test-app.js';
import { openTestApp } from '../testing/test-app.js';
import { TestAgentSocket } from '../testing/ws-client.js';

// Real servers, sockets and SQLite files: generous ceilings for a loaded 2-core CI machine.
vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

let t: TestApp;
let url: string;

beforeEach(async () => {
  t = await openTestApp();
  const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
  url = `${address.replace('http', 'ws')}${AGENT_WS_PATH}`;
});

afterEach(async () => {
  await t.close();
});

const hello = () => agentFrame('agent.hello', { protocolVersion: PROTOCOL_VERSION, agentVersion: '0.1.0', capabilities: ['inventory.delta'] });

function expectType<T extends ServerMessage['type']>(frame: ServerMessage, type: T): Extract<ServerMessage, { type: T }> {
  expect(frame.type, JSON.stringify(frame)).toBe(type);
  return frame as Extract<ServerMessage, { type: T }>;
}

async function connected(credential: string): Promise<TestAgentSocket> {
  const agent = TestAgentSocket.connect(url, credential);
  await agent.opened;
  return agent;
}

async function greeted(credential: string): Promise<TestAgentSocket> {
  const agent = await connected(credential);
  agent.send(hello());
  expectType(await agent.next(), 'server.welcome');
  return agent;
}

function fullReport(inventory: Inventory) {
  return agentFrame('inventory.report', { kind: 'full', hash: inventoryHash(inventory), inventory });
}

function deltaReport(base: Inventory, next: Inventory, baseHash = inventoryHash(base)) {
  return agentFrame('inventory.report', {
    kind: 'delta',
    hash: inventoryHash(next),
    baseHash,
    collectedAt: next.collectedAt,
    facts: next.facts,
    managers: next.managers,
    packages: diffPackages(base.packages, next.packages),
    updates: next.updates,
    reboot: next.reboot,
  });
}

describe('agent gateway: authentication before the upgrade', () => {
  it('answers 401 without a credential, with a wrong one and with an API token, and creates nothing', async () => {
    const devicesBefore = (await t.app.services.devices.list({ sort: 'hostname', order: 'asc', limit: 10, offset: 0 })).total;
    for (const headers of <Record<string, string>[]>[{}, { authorization: 'Bearer pwa_not-a-real-credential-0000000000000000000000' }, { authorization: `Bearer ${t.adminToken}` }]) {
      const refused = await TestAgentSocket.refused(url, headers);
      expect(refused.status).toBe(401);
      expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'E_CREDENTIAL_INVALID' } });
    }
    expect((await t.app.services.devices.list({ sort: 'hostname', order: 'asc', limit: 10, offset: 0 })).total).toBe(devicesBefore);
    expect(t.app.agents.size).toBe(0);
    const rejected = await t.app.services.audit.list({ limit: 10, action: 'agent.connect.rejected' });
    expect(rejected).toHaveLength(3);
    expect(rejected[0]?.details).toMatchObject({ reason: 'no credential', remoteAddress: '127.0.0.1' });
  });
});

describe('agent gateway: conversation', () => {
  it('welcomes a hello with the stored inventory hash (null before any report) and registers the connection', async () => {
    const { deviceId, credential } = await enrollDevice(t.app);
    const agent = await connected(credential);
    agent.send(hello());
    const welcome = expectType(await agent.next(), 'server.welcome');
    expect(welcome.payload).toMatchObject({ protocolVersion: PROTOCOL_VERSION, deviceId, inventoryHash: null, heartbeatSeconds: 60, capabilities: ['inventory.delta'] });
    expect(t.app.agents.isOnline(deviceId)).toBe(true);
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/devices/${deviceId}`, headers: t.auth() });
    expect(res.json()).toMatchObject({ online: true });
    agent.ws.close(1000);
    await agent.closed;
    await expect.poll(() => t.app.agents.isOnline(deviceId), { timeout: 15_000 }).toBe(false);
  });

  it('stores a full report, applies a delta, records history and acks both', async () => {
    const { deviceId, credential } = await enrollDevice(t.app);
    const agent = await greeted(credential);
    const base = sampleInventory(samplePackages(50));
    const full = fullReport(base);
    agent.send(full);
    expect(expectType(await agent.next(), 'ack').payload.of).toBe(full.id);

    const packages: InstalledPackage[] = base.packages
      .filter((p) => p.name !== 'pkg-00002')
      .map((p) => (p.name === 'pkg-00001' ? { ...p, version: '1.0-2' } : p.name === 'pkg-00003' ? { ...p, version: '1.0-0' } : p));
    packages.push({ manager: 'apt', name: 'newpkg', version: '0.9', arch: 'amd64' });
    const next = sampleInventory(packages, { collectedAt: '2026-01-02T00:00:00.000Z', updates: [] });
    const delta = deltaReport(base, next);
    agent.send(delta);
    expect(expectType(await agent.next(), 'ack').payload.of).toBe(delta.id);

    const device = await t.app.services.devices.get(deviceId);
    expect(device.inventoryHash).toBe(inventoryHash(next));
    expect(device.counts).toEqual({ packages: 50, updates: 0, securityUpdates: 0 });
    const history = await t.app.services.inventory.listHistory(deviceId, { limit: 10, offset: 0 });
    expect(history.items.map((h) => [h.name, h.change, h.fromVersion, h.toVersion]).sort()).toEqual([
      ['newpkg', 'installed', null, '0.9'],
      ['pkg-00001', 'upgraded', '1.0-1', '1.0-2'],
      ['pkg-00002', 'removed', '1.0-2', null],
      ['pkg-00003', 'downgraded', '1.0-3', '1.0-0'],
    ]);
    const reports = await t.app.services.inventory.listReports(deviceId, { limit: 10, offset: 0 });
    expect(reports.items.map((r) => [r.kind, r.changeCount])).toEqual([
      ['delta', 4],
      ['full', 0],
    ]);

    // A reconnecting agent learns the hash the server holds.
    agent.ws.close(1000);
    await agent.closed;
    const again = await connected(credential);
    again.send(hello());
    expect(expectType(await again.next(), 'server.welcome').payload.inventoryHash).toBe(inventoryHash(next));
    again.ws.close(1000);
    await again.closed;
  });

  it('answers a delta on an unknown base with E_INVENTORY_BASE_MISMATCH and stores nothing', async () => {
    const { deviceId, credential } = await enrollDevice(t.app);
    const agent = await greeted(credential);
    const base = sampleInventory(samplePackages(5));
    const next = sampleInventory(samplePackages(6));
    const delta = deltaReport(base, next);
    agent.send(delta);
    const error = expectType(await agent.next(), 'error');
    expect(error.payload).toMatchObject({ code: 'E_INVENTORY_BASE_MISMATCH', of: delta.id });
    expect((await t.app.services.devices.get(deviceId)).inventoryHash).toBeNull();

    agent.send(fullReport(base));
    expectType(await agent.next(), 'ack');
    const wrongBase = deltaReport(base, next, 'f'.repeat(64));
    agent.send(wrongBase);
    expect(expectType(await agent.next(), 'error').payload).toMatchObject({ code: 'E_INVENTORY_BASE_MISMATCH', of: wrongBase.id });
    expect((await t.app.services.devices.get(deviceId)).inventoryHash).toBe(inventoryHash(base));
  });

  it('refuses a full report whose hash does not match its content', async () => {
    const { deviceId, credential } = await enrollDevice(t.app);
    const agent = await greeted(credential);
    const inventory = sampleInventory(samplePackages(3));
    const frame = agentFrame('inventory.report', { kind: 'full', hash: 'a'.repeat(64), inventory });
    agent.send(frame);
    const error = expectType(await agent.next(), 'error');
    expect(error.payload).toMatchObject({ code: 'E_BAD_FRAME', of: frame.id });
    expect(error.payload.message).toContain(inventoryHash(inventory));
    expect((await t.app.services.devices.get(deviceId)).inventoryHash).toBeNull();
  });

  it('acks heartbeats and updates last seen on every frame', async () => {
    const { deviceId, credential } = await enrollDevice(t.app);
    const before = (await t.app.services.devices.get(deviceId)).lastSeenAt;
    const agent = await greeted(credential);
    const beat = agentFrame('heartbeat', { uptimeSeconds: 10 });
    agent.send(beat);
    expect(expectType(await agent.next(), 'ack').payload.of).toBe(beat.id);
    const after = (await t.app.services.devices.get(deviceId)).lastSeenAt;
    expect(after.getTime()).toBeGreaterThanOrEqual(before.getTime());
    expect((await t.app.services.devices.get(deviceId)).agentVersion).toBe('0.1.0');
  });

  it('sends no ack of heartbeats to an agent that announces heartbeat.unacked, and still answers its other frames', async () => {
    const { credential } = await enrollDevice(t.app);
    const agent = await connected(credential);
    agent.send(agentFrame('agent.hello', { protocolVersion: PROTOCOL_VERSION, agentVersion: '0.2.0', capabilities: ['inventory.delta', HEARTBEAT_UNACKED_CAPABILITY] }));
    expectType(await agent.next(), 'server.welcome');
    agent.send(agentFrame('heartbeat', { uptimeSeconds: 10 }));
    agent.send(agentFrame('heartbeat', { uptimeSeconds: 11 }));
    // Frames are answered in arrival order: what comes next answers the frame after the heartbeats.
    const inventory = sampleInventory(samplePackages(2));
    const report = fullReport(inventory);
    agent.send(report);
    expect(expectType(await agent.next(), 'ack').payload.of).toBe(report.id);
    // An invalid heartbeat is still refused by name.
    agent.send({ v: 1, id: 'f-9', type: 'heartbeat', ts: new Date().toISOString(), payload: { uptimeSeconds: -1 } });
    expect(expectType(await agent.next(), 'error').payload).toMatchObject({ code: 'E_BAD_FRAME', of: 'f-9' });
  });
});

describe('agent gateway: last seen', () => {
  it('writes the last sign of life of heartbeating agents in batches, and the pending batch when the server stops', async () => {
    const clock = new ManualClock('2026-03-01T00:00:00.000Z');
    const clocked = await openTestApp({ clock });
    try {
      const address = await clocked.app.listen({ host: '127.0.0.1', port: 0 });
      const { deviceId, credential } = await enrollDevice(clocked.app);
      const agent = TestAgentSocket.connect(`${address.replace('http', 'ws')}${AGENT_WS_PATH}`, credential);
      await agent.opened;
      agent.send(hello());
      expectType(await agent.next(), 'server.welcome');
      clock.set('2026-03-01T00:05:00.000Z');
      const beat = agentFrame('heartbeat', { uptimeSeconds: 10 });
      agent.send(beat);
      expect(expectType(await agent.next(), 'ack').payload.of).toBe(beat.id);
      // The heartbeat only marked the device; the batch (every 15 s, or at shutdown) writes it, at its own time.
      clock.set('2026-03-01T00:05:10.000Z');
      await clocked.app.close();
      expect((await clocked.app.services.devices.get(deviceId)).lastSeenAt.toISOString()).toBe('2026-03-01T00:05:10.000Z');
    } finally {
      await clocked.close();
    }
  });
});

describe('agent gateway: bad frames and limits', () => {
  it('answers each invalid or unknown frame with an error frame and counts it', async () => {
    const { credential } = await enrollDevice(t.app);
    const agent = await greeted(credential);
    agent.send('not json');
    expect(expectType(await agent.next(), 'error').payload).toMatchObject({ code: 'E_BAD_FRAME' });
    agent.send({ v: 1, id: 'f-1', type: 'no.such-message', ts: new Date().toISOString(), payload: {} });
    expect(expectType(await agent.next(), 'error').payload).toMatchObject({ code: 'E_UNKNOWN_MESSAGE', of: 'f-1' });
    agent.send({ v: 1, id: 'f-2', type: 'heartbeat', ts: new Date().toISOString(), payload: { uptimeSeconds: -5 } });
    const invalid = expectType(await agent.next(), 'error');
    expect(invalid.payload).toMatchObject({ code: 'E_BAD_FRAME', of: 'f-2' });
    expect(invalid.payload.message).toContain('payload.uptimeSeconds');
    agent.send({ v: 99, id: 'f-3', type: 'heartbeat', ts: new Date().toISOString(), payload: {} });
    expect(expectType(await agent.next(), 'error').payload).toMatchObject({ code: 'E_PROTOCOL_VERSION', of: 'f-3' });
    agent.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(expectType(await agent.next(), 'error').payload).toMatchObject({ code: 'E_BAD_FRAME' });
    const metrics = await t.app.metrics.registry.getSingleMetricAsString('patchwave_agent_bad_frames_total');
    expect(metrics).toContain('patchwave_agent_bad_frames_total{code="E_BAD_FRAME"} 3');
    expect(metrics).toContain('patchwave_agent_bad_frames_total{code="E_UNKNOWN_MESSAGE"} 1');
    expect(metrics).toContain('patchwave_agent_bad_frames_total{code="E_PROTOCOL_VERSION"} 1');
  });

  it('refuses frames before agent.hello', async () => {
    const { credential } = await enrollDevice(t.app);
    const agent = await connected(credential);
    const beat = agentFrame('heartbeat', {});
    agent.send(beat);
    const error = expectType(await agent.next(), 'error');
    expect(error.payload).toMatchObject({ code: 'E_BAD_FRAME', of: beat.id });
    expect(error.payload.message).toContain('before agent.hello');
  });

  it('closes the connection with 1008 at the tenth bad frame', async () => {
    const { credential } = await enrollDevice(t.app);
    const agent = await greeted(credential);
    for (let i = 0; i < 10; i += 1) agent.send(`garbage ${i}`);
    for (let i = 0; i < 10; i += 1) expectType(await agent.next(), 'error');
    expect(await agent.closed).toEqual({ code: 1008, reason: 'too many invalid frames' });
  });

  it('closes the connection with 1009 for a frame over 4 MiB', async () => {
    const { deviceId, credential } = await enrollDevice(t.app);
    const agent = await greeted(credential);
    agent.send('x'.repeat(LIMITS.maxFrameBytes + 1));
    expect((await agent.closed).code).toBe(1009);
    await expect.poll(() => t.app.agents.isOnline(deviceId), { timeout: 15_000 }).toBe(false);
  });

  it('rate-limits a flooding agent with E_RATE_LIMITED and then closes it', async () => {
    await t.close();
    t = await openTestApp({ config: { agent: { maxBadFrames: 10, messagesPerSecond: 1, burst: 3 } } });
    const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
    url = `${address.replace('http', 'ws')}${AGENT_WS_PATH}`;
    const { credential } = await enrollDevice(t.app);
    const agent = await greeted(credential);
    for (let i = 0; i < 30; i += 1) agent.send(agentFrame('heartbeat', {}));
    const codes: string[] = [];
    for (;;) {
      const frame = await Promise.race([agent.next(), agent.closed.then(() => null)]);
      if (!frame) break;
      codes.push(frame.type === 'error' ? frame.payload.code : frame.type);
    }
    expect(codes.filter((c) => c === 'ack').length).toBeLessThanOrEqual(3);
    expect(codes).toContain('E_RATE_LIMITED');
    expect((await agent.closed).code).toBe(1008);
  });

  it('refuses a second connection of a connected device (409, audited) and keeps the first', async () => {
    const { deviceId, credential } = await enrollDevice(t.app);
    const first = await greeted(credential);
    const refused = await TestAgentSocket.refused(url, { authorization: `Bearer ${credential}` });
    expect(refused.status).toBe(409);
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'E_DUPLICATE_CONNECTION' } });
    expect(t.app.agents.get(deviceId)).toBeDefined();
    first.send(agentFrame('heartbeat', {}));
    expectType(await first.next(), 'ack');
    const [alert] = await t.app.services.audit.list({ limit: 10, action: 'agent.connect.duplicate' });
    expect(alert).toMatchObject({ actor: `device:${deviceId}`, target: `device:${deviceId}`, details: { stage: 'upgrade', remoteAddress: '127.0.0.1' } });
  });
});

describe('agent gateway: frame types handled by later features', () => {
  it('answers E_NOT_SUPPORTED to a valid frame no handler takes, and routes it to a registered handler', async () => {
    const { deviceId, credential } = await enrollDevice(t.app);
    const agent = await greeted(credential);
    // Deployments register a handler for agent.rebooted; without one the core answers E_NOT_SUPPORTED.
    t.app.agentFrameHandlers.delete('agent.rebooted');
    const rebooted = agentFrame('agent.rebooted', { bootId: 'boot-1' });
    agent.send(rebooted);
    expect(expectType(await agent.next(), 'error').payload).toMatchObject({ code: 'E_NOT_SUPPORTED', of: rebooted.id });

    const seen: string[] = [];
    t.app.agentFrameHandlers.set('agent.rebooted', async (frame, link) => {
      seen.push(`${link.deviceId}:${frame.type}`);
      link.send(serverFrame('ack', { of: frame.id }));
    });
    const again = agentFrame('agent.rebooted', { bootId: 'boot-2' });
    agent.send(again);
    expect(expectType(await agent.next(), 'ack').payload.of).toBe(again.id);
    expect(seen).toEqual([`${deviceId}:agent.rebooted`]);
  });
});

describe('agent gateway: shutdown', () => {
  it('closes agent sockets with 1001 when the app closes', async () => {
    const a = await enrollDevice(t.app);
    const b = await enrollDevice(t.app);
    const first = await greeted(a.credential);
    const second = await greeted(b.credential);
    await t.app.close();
    expect((await first.closed).code).toBe(1001);
    expect((await second.closed).code).toBe(1001);
    expect(t.app.agents.size).toBe(0);
  });
});
