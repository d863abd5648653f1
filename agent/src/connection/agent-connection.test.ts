import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { EventEmitter } from 'node:events';
import type { InstalledPackage, Inventory } from '@patchwave/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mapFacts } from '../inventory/facts-map.js';
import { inventoryHash } from '../inventory/hash.js';
import { silentLogger } from '../log/logger.js';
import { StateStore } from '../state/state-store.js';
import { AgentConnection, agentSocketUrl, type ConnectionEvents } from './agent-connection.js';
import { ManualClock } from './clock.js';
import { TestAgentServer, type TestServerState } from './__tests__/test-server.js';

const CREDENTIAL = 'test-credential-'.padEnd(48, 'x');
const HOUR = 3_600_000;
/** Re-inventory interval in these tests; the server's heartbeat is set above it so jumps of the clock never starve a ping. */
const INTERVAL = HOUR / 2;
const facts = mapFacts({ hostname: 'agent-under-test', platform: 'linux', machine: 'x86_64', uptimeSeconds: 1 });
const pkg = (name: string, version: string): InstalledPackage => ({ manager: 'apt', name, version, arch: 'amd64' });

/** Resolves with the next `event` whose payload passes `test` (no sleeping: waits on the event). */
function next<K extends keyof ConnectionEvents>(
  emitter: EventEmitter<ConnectionEvents>,
  event: K,
  test: (...args: ConnectionEvents[K]) => boolean = () => true,
): Promise<ConnectionEvents[K]> {
  return new Promise((resolve) => {
    const listener = (...args: ConnectionEvents[K]) => {
      if (!test(...args)) return;
      (emitter as EventEmitter).off(event as string, listener as (...a: unknown[]) => void);
      resolve(args);
    };
    (emitter as EventEmitter).on(event as string, listener as (...a: unknown[]) => void);
  });
}

let dir: string;
let packages: InstalledPackage[];
let clock: ManualClock;
let server: TestAgentServer;
let state: TestServerState;
let port: number;
const connections: AgentConnection[] = [];

function inventory(): Inventory {
  return { collectedAt: new Date(clock.now()).toISOString(), facts, managers: [{ name: 'apt', ok: true }], packages, updates: [], reboot: { required: false, reasons: [], packages: [] } };
}

async function agent(store?: StateStore): Promise<AgentConnection> {
  const conn = new AgentConnection({
    serverUrl: `http://127.0.0.1:${port}`,
    credential: CREDENTIAL,
    agentVersion: '0.0.0-test',
    collectInventory: async () => inventory(),
    store: store ?? (await StateStore.open(dir, silentLogger())),
    inventoryIntervalMs: INTERVAL,
    clock,
    random: () => 0.5,
    log: silentLogger(),
    stableAfterMs: 60_000,
  });
  connections.push(conn);
  return conn;
}

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pw-conn-'));
  packages = [pkg('jq', '1.6'), pkg('curl', '7.88')];
  clock = new ManualClock(Date.UTC(2026, 0, 1));
  state = { hash: null, packages: [] };
  server = new TestAgentServer(state, CREDENTIAL);
  port = await server.listen();
});

afterEach(async () => {
  await Promise.all(connections.splice(0).map((c) => c.stop()));
  await server.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('AgentConnection (protocol v1 against a WebSocket server)', () => {
  it('builds the socket URL from the server URL', () => {
    expect(agentSocketUrl('https://patch.example.com/pw/')).toBe('wss://patch.example.com/pw/api/v1/agent');
    expect(agentSocketUrl('http://127.0.0.1:8080')).toBe('ws://127.0.0.1:8080/api/v1/agent');
  });

  it('says hello, sends the full inventory, keeps it only after the ack, then heartbeats', async () => {
    const conn = await agent();
    const welcomed = next(conn, 'welcome');
    const reported = next(conn, 'report');
    const acked = next(conn, 'ack');
    await conn.start();
    expect((await welcomed)[0].heartbeatSeconds).toBe(5);
    const [report] = await reported;
    expect(report.kind).toBe('full');
    expect(server.received[0]).toMatchObject({ type: 'agent.hello', payload: { protocolVersion: 1, agentVersion: '0.0.0-test' } });
    expect(server.received[0]?.payload).not.toHaveProperty('inventoryHash');
    await acked;
    expect(state.hash).toBe(inventoryHash(inventory()));
    const saved = JSON.parse(await fs.readFile(path.join(dir, 'inventory-base.json'), 'utf8')) as { hash: string; packages: unknown[] };
    expect(saved.hash).toBe(state.hash);
    expect(saved.packages).toHaveLength(2);

    const before = server.received.length;
    clock.advance(5_000);
    await new Promise<void>((resolve) => {
      const check = () => (server.received.length > before ? resolve() : setImmediate(check));
      check();
    });
    expect(server.received[before]).toMatchObject({ type: 'heartbeat', payload: { inventoryHash: state.hash } });
  });

  it('re-inventories on schedule: nothing when unchanged, a delta when the content changed', async () => {
    server.heartbeatSeconds = 3600;
    const conn = await agent();
    const acked = next(conn, 'ack');
    await conn.start();
    await acked;

    const unchanged = next(conn, 'inventory-unchanged');
    clock.advance(INTERVAL);
    expect((await unchanged)[0].hash).toBe(state.hash);

    packages = [pkg('jq', '1.7'), pkg('curl', '7.88'), pkg('vim', '9.0')];
    const reported = next(conn, 'report');
    const ackedDelta = next(conn, 'ack');
    clock.advance(INTERVAL);
    expect((await reported)[0].kind).toBe('delta');
    await ackedDelta;
    const delta = server.received.filter((f) => f.type === 'inventory.report').at(-1);
    expect(delta?.payload).toMatchObject({ kind: 'delta', packages: { upsert: [pkg('jq', '1.7'), pkg('vim', '9.0')], remove: [] } });
    expect(state.packages.map((p) => `${p.name}=${p.version}`).sort()).toEqual(['curl=7.88', 'jq=1.7', 'vim=9.0']);
    expect(state.hash).toBe(inventoryHash(inventory()));
  });

  it('answers E_INVENTORY_BASE_MISMATCH by sending the full inventory', async () => {
    server.heartbeatSeconds = 3600;
    const conn = await agent();
    const acked = next(conn, 'ack');
    await conn.start();
    await acked;
    state.hash = 'e'.repeat(64); // the server lost what it had (restored from an older backup)
    packages = [pkg('jq', '1.7')];
    const mismatch = next(conn, 'server-error');
    const full = next(conn, 'report', (r) => r.kind === 'full');
    const ackedFull = next(conn, 'ack');
    clock.advance(INTERVAL);
    expect((await mismatch)[0].code).toBe('E_INVENTORY_BASE_MISMATCH');
    expect((await full)[0].reason).toBe('base mismatch');
    await ackedFull;
    expect(state.packages).toEqual([pkg('jq', '1.7')]);
    expect(state.hash).toBe(inventoryHash(inventory()));
  });

  it('reconnects by itself when the server goes away and comes back, sending nothing unchanged', async () => {
    server.heartbeatSeconds = 3600;
    const conn = await agent();
    const acked = next(conn, 'ack');
    await conn.start();
    await acked;

    const firstRetry = next(conn, 'reconnect');
    await server.close();
    const [retry] = await firstRetry;
    expect(retry).toEqual({ delayMs: 500, attempt: 1 }); // full jitter: 0.5 × 1 s

    // Still down: the attempt fails and the next delay's ceiling doubles.
    const secondRetry = next(conn, 'reconnect');
    clock.advance(retry.delayMs);
    expect((await secondRetry)[0]).toEqual({ delayMs: 1000, attempt: 2 });

    server = new TestAgentServer(state, CREDENTIAL, 3600);
    await server.listen(port);
    const welcomed = next(conn, 'welcome');
    const unchanged = next(conn, 'inventory-unchanged');
    clock.advance(1000);
    expect((await welcomed)[0].inventoryHash).toBe(state.hash);
    await unchanged;
    expect(server.received.map((f) => f.type)).toEqual(['agent.hello']);
    expect(server.received[0]?.payload).toMatchObject({ inventoryHash: state.hash });

    // A connection that stays up resets the backoff.
    clock.advance(60_000);
    const again = next(conn, 'reconnect');
    await server.close();
    expect((await again)[0]).toEqual({ delayMs: 500, attempt: 1 });
  });

  it('after an agent restart sends a delta against the inventory it had acknowledged', async () => {
    const first = await agent();
    const acked = next(first, 'ack');
    await first.start();
    await acked;
    await first.stop();

    packages = [pkg('jq', '1.6'), pkg('curl', '8.0')];
    const second = await agent();
    const reported = next(second, 'report');
    const ackedDelta = next(second, 'ack');
    await second.start();
    expect((await reported)[0].kind).toBe('delta');
    await ackedDelta;
    expect(state.packages.map((p) => `${p.name}=${p.version}`).sort()).toEqual(['curl=8.0', 'jq=1.6']);
  });

  it('adopts the server’s inventory as its base when it lost its own, then sends deltas', async () => {
    server.heartbeatSeconds = 3600;
    state.hash = inventoryHash(inventory());
    state.packages = packages;
    const conn = await agent();
    const unchanged = next(conn, 'inventory-unchanged');
    await conn.start();
    await unchanged;
    packages = [pkg('jq', '1.7'), pkg('curl', '7.88')];
    const reported = next(conn, 'report');
    clock.advance(INTERVAL);
    expect((await reported)[0].kind).toBe('delta');
  });

  it('logs bad frames with the reason, answers them with an error frame and stays connected', async () => {
    const conn = await agent();
    const acked = next(conn, 'ack');
    await conn.start();
    await acked;
    const notJson = next(conn, 'frame-error');
    server.broadcastRaw('this is not json');
    expect((await notJson)[0]).toMatchObject({ code: 'E_BAD_FRAME', message: expect.stringMatching(/not JSON/) });
    const unknown = next(conn, 'frame-error');
    server.broadcastRaw(JSON.stringify({ v: 1, id: 'x1', type: 'job.surprise', ts: 'now', payload: {} }));
    expect((await unknown)[0]).toEqual({ code: 'E_UNKNOWN_MESSAGE', message: 'unknown message type "job.surprise"' });
    const invalid = next(conn, 'frame-error');
    server.broadcastRaw(JSON.stringify({ v: 1, id: 'x2', type: 'ack', ts: 'now', payload: {} }));
    expect((await invalid)[0].message).toMatch(/invalid ack: payload.of/);
    expect(conn.connected).toBe(true);
    await new Promise<void>((resolve) => {
      const check = () => (server.rawReceived.filter((t) => t.includes('"type":"error"')).length >= 3 ? resolve() : setImmediate(check));
      check();
    });
    const errors = server.received.filter((f) => f.type === 'error');
    expect(errors.map((f) => f.payload)).toEqual([
      expect.objectContaining({ code: 'E_BAD_FRAME' }),
      expect.objectContaining({ code: 'E_UNKNOWN_MESSAGE', of: 'x1' }),
      expect.objectContaining({ code: 'E_BAD_FRAME', of: 'x2' }),
    ]);
  });

  it('drops a connection whose server stops answering pings, and reconnects', async () => {
    await server.close();
    server = new TestAgentServer(state, CREDENTIAL, 5);
    server.autoPong = false;
    await server.listen(port);
    const conn = await agent();
    const acked = next(conn, 'ack');
    await conn.start();
    await acked;
    const closed = next(conn, 'close');
    const retry = next(conn, 'reconnect');
    clock.advance(5_000); // heartbeat + ping
    clock.advance(5_000); // no pong since: the peer is gone
    expect((await closed)[0].code).toBe(1006);
    expect((await retry)[0].attempt).toBe(1);
  });

  it('reports a refused credential and keeps retrying with backoff', async () => {
    await server.close();
    server = new TestAgentServer(state, 'another-credential');
    await server.listen(port);
    const conn = await agent();
    const refused = next(conn, 'unauthorized');
    const retry = next(conn, 'reconnect');
    await conn.start();
    expect((await refused)[0]).toEqual({ status: 401 });
    expect((await retry)[0].attempt).toBe(1);
    expect(server.received).toEqual([]);
  });
});
