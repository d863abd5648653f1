import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ENROLL_PATH, agentFrame, PROTOCOL_VERSION } from '@patchwave/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SecurityConfig } from '../../server/src/config.js';
import { deviceMayReceiveJobs } from '../../server/src/domain/agent-identity/device-trust.js';
import { sampleFacts } from '../../server/src/testing/facts.js';
import { TestAgentSocket } from '../../server/src/testing/ws-client.js';
import { eventually, listeningServer, type ListeningServer } from './support/security-server.js';
import { startTrustedAgent, type TrustedAgent } from './support/trusted-agent.js';

/**
 * Threats: a leaked, used-up or revoked enrollment token enrolling a rogue agent; a revoked agent
 * that stays connected; a copied credential (cloned VM) running a second session; a stale
 * credential after rotation. Real server, real sockets, the real agent runtime.
 */

let s: ListeningServer;
const agents: TrustedAgent[] = [];

beforeEach(async () => {
  s = await listeningServer({ config: { security: SecurityConfig.parse({ addressMaxFailures: 5 }) } });
});
afterEach(async () => {
  for (const a of agents.splice(0)) await a.stop();
  await s.close();
});

async function token(over: { maxUses?: number; requiresApproval?: boolean } = {}) {
  return s.t.app.services.enrollment.createToken({ name: 't', expiresAt: new Date(Date.now() + 3_600_000), maxUses: over.maxUses ?? 1, tags: [], requiresApproval: over.requiresApproval ?? false }, 'system');
}

const enrollBody = (secret: string) => ({ token: secret, facts: sampleFacts({ hostname: 'rogue' }), agentVersion: '0.1.0' });
const post = (secret: string) => fetch(`${s.url}${ENROLL_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(enrollBody(secret)) });

async function agent(secret: string): Promise<TrustedAgent> {
  const a = await startTrustedAgent({ serverUrl: s.url, enrollToken: secret });
  agents.push(a);
  await eventually('the agent online', () => s.t.app.agents.isOnline(a.identity.deviceId));
  return a;
}

const devices = async () => (await s.t.app.services.devices.list({ sort: 'hostname', order: 'asc', limit: 100, offset: 0 })).total;

describe('enrollment tokens', () => {
  it('refuses a used-up, a revoked and an unknown token with 401, creates nothing and audits each refusal', async () => {
    const once = await token();
    expect((await post(once.secret)).status).toBe(201);
    const before = await devices();
    const usedUp = await post(once.secret);
    expect(usedUp.status).toBe(401);
    expect(await usedUp.json()).toMatchObject({ error: { code: 'E_TOKEN_EXHAUSTED' } });
    const revoked = await token({ maxUses: 10 });
    await s.t.app.services.enrollment.revokeToken(revoked.token.id, 'system');
    const refused = await post(revoked.secret);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: { code: 'E_TOKEN_REVOKED' } });
    expect(((await (await post('pwe_not-a-token-at-all-000000000000000000000')).json()) as { error: { code: string } }).error.code).toBe('E_TOKEN_INVALID');
    expect(await devices()).toBe(before);
    const audit = await s.t.app.services.audit.list({ limit: 10, action: 'device.enroll.rejected' });
    expect(audit.map((e) => e.details.code)).toEqual(['E_TOKEN_EXHAUSTED', 'E_TOKEN_REVOKED', 'E_TOKEN_INVALID']);
  });

  it('locks out an address that keeps presenting bad tokens (429), even when it then presents a good one', async () => {
    const good = await token();
    for (let i = 0; i < 5; i += 1) expect((await post(`pwe_guess-${i}-000000000000000000000000000000000000`)).status).toBe(401);
    const locked = await post(good.secret);
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await locked.json()).toMatchObject({ error: { code: 'E_RATE_LIMITED' } });
    expect((await s.t.app.services.enrollment.listTokens()).find((t) => t.id === good.token.id)?.uses).toBe(0);
  });

  it('gives a device enrolled with a "requires approval" token no jobs until an operator approves it', async () => {
    const { secret } = await token({ requiresApproval: true });
    const res = await post(secret);
    const { deviceId } = (await res.json()) as { deviceId: string };
    const device = await s.t.app.services.devices.get(deviceId);
    expect(device.approved).toBe(false);
    expect(deviceMayReceiveJobs(device)).toBe(false);
    const operator = await s.t.tokenWithRole('operator');
    const auditor = await s.t.tokenWithRole('auditor');
    expect((await s.t.app.inject({ method: 'POST', url: `/api/v1/devices/${deviceId}/approve`, headers: s.t.auth(auditor) })).statusCode).toBe(403);
    const trust = await s.t.app.inject({ method: 'GET', url: `/api/v1/devices/${deviceId}/trust`, headers: s.t.auth(auditor) });
    expect(trust.json()).toMatchObject({ approved: false, approvedAt: null });
    const approved = await s.t.app.inject({ method: 'POST', url: `/api/v1/devices/${deviceId}/approve`, headers: s.t.auth(operator) });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ approved: true, approvedBy: expect.stringMatching(/^api-token:/) });
    expect(deviceMayReceiveJobs(await s.t.app.services.devices.get(deviceId))).toBe(true);
    expect((await s.t.app.services.audit.list({ limit: 5, action: 'device.approve' }))[0]).toMatchObject({ target: `device:${deviceId}` });
  });
});

describe('agent credentials', () => {
  it('closes a revoked agent’s live socket at once (4001) and answers its next connection with 401', async () => {
    const a = await agent((await token()).secret);
    const closed = new Promise<{ code: number }>((resolve) => a.connection.once('close', resolve));
    const unauthorized = new Promise<{ status: number }>((resolve) => a.connection.once('unauthorized', resolve));
    const res = await s.t.app.inject({ method: 'POST', url: `/api/v1/devices/${a.identity.deviceId}/revoke`, headers: s.t.auth(), payload: { reason: 'laptop stolen' } });
    expect(res.json()).toMatchObject({ credentialRevokedAt: expect.any(String), online: false });
    expect((await closed).code).toBe(4001);
    expect((await unauthorized).status).toBe(401);
    expect(s.t.app.agents.isOnline(a.identity.deviceId)).toBe(false);
    const device = await s.t.app.services.devices.get(a.identity.deviceId);
    expect(deviceMayReceiveJobs(device)).toBe(false);
    const rejected = await s.t.app.services.audit.list({ limit: 10, action: 'agent.connect.rejected', target: `device:${a.identity.deviceId}` });
    expect(rejected[0]?.details).toMatchObject({ reason: 'revoked' });
    expect((await s.t.app.services.audit.list({ limit: 5, action: 'device.credential.revoke' }))[0]?.details).toEqual({ reason: 'laptop stolen' });
  });

  it('refuses a second session with the same credential (a cloned machine) and raises an alert; the first keeps working', async () => {
    const a = await agent((await token()).secret);
    const clone = await TestAgentSocket.refused(s.wsUrl, { authorization: `Bearer ${a.identity.credential}` });
    expect(clone.status).toBe(409);
    expect(JSON.parse(clone.body)).toMatchObject({ error: { code: 'E_DUPLICATE_CONNECTION' } });
    const [alert] = await s.t.app.services.audit.list({ limit: 5, action: 'agent.connect.duplicate' });
    expect(alert).toMatchObject({ actor: `device:${a.identity.deviceId}`, details: { alert: expect.stringContaining('cloned machine') } });
    expect(s.t.app.agents.isOnline(a.identity.deviceId)).toBe(true);
    expect(a.connection.connected).toBe(true);
  });

  it('rotates the credential over the live socket: the agent stores the new one atomically, the old one stops working', async () => {
    const a = await agent((await token()).secret);
    const old = a.identity.credential;
    const res = await s.t.app.inject({ method: 'POST', url: `/api/v1/devices/${a.identity.deviceId}/rotate-credential`, headers: s.t.auth() });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toEqual({ deviceId: a.identity.deviceId, delivery: 'sent' });
    await eventually('the rotation confirmed', async () => (await s.t.app.services.agentIdentity.trustOf(a.identity.deviceId)).credentialRotatedAt);
    const stored = JSON.parse(await readFile(join(a.stateDir, 'credential.json'), 'utf8')) as { credential: string };
    expect(stored.credential).not.toBe(old);
    expect(stored.credential).toBe(a.identity.credential);
    expect((await s.t.app.services.agentIdentity.authenticate(`Bearer ${old}`)).ok).toBe(false);
    expect((await s.t.app.services.agentIdentity.authenticate(`Bearer ${stored.credential}`)).ok).toBe(true);
    expect((await s.t.app.services.audit.list({ limit: 5, action: 'device.credential.rotated' }))[0]?.details).toEqual({ confirmedBy: 'acknowledged' });
    const refusedOld = await TestAgentSocket.refused(s.wsUrl, { authorization: `Bearer ${old}` });
    expect(refusedOld.status).toBe(401);
  });

  it('delivers a rotation asked for while the agent was offline at its next hello', async () => {
    const { secret } = await token();
    const res = await post(secret);
    const { deviceId, credential } = (await res.json()) as { deviceId: string; credential: string };
    const rotate = await s.t.app.inject({ method: 'POST', url: `/api/v1/devices/${deviceId}/rotate-credential`, headers: s.t.auth() });
    expect(rotate.json()).toEqual({ deviceId, delivery: 'pending' });
    const socket = TestAgentSocket.connect(s.wsUrl, credential);
    await socket.opened;
    socket.send(agentFrame('agent.hello', { protocolVersion: PROTOCOL_VERSION, agentVersion: '0.1.0', capabilities: ['credential.rotate'] }));
    expect((await socket.next()).type).toBe('server.welcome');
    const frame = await socket.next();
    expect(frame.type).toBe('credential.rotate');
    if (frame.type !== 'credential.rotate') return;
    socket.send(agentFrame('ack', { of: frame.id }));
    await eventually('rotation confirmed', async () => (await s.t.app.services.agentIdentity.trustOf(deviceId)).credentialRotatedAt);
    expect((await s.t.app.services.agentIdentity.authenticate(`Bearer ${credential}`)).ok).toBe(false);
    expect((await s.t.app.services.agentIdentity.authenticate(`Bearer ${frame.payload.credential}`)).ok).toBe(true);
    socket.ws.close();
  });
});
