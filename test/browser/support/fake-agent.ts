import type { DeviceFacts, EnrollResponse, Inventory } from '@patchwave/shared';
import { AGENT_WS_PATH, agentFrame, ENROLL_PATH, PROTOCOL_VERSION } from '@patchwave/shared';
import { inventoryHash } from '../../../server/src/domain/inventory/inventory-hash.js';
import { TestAgentSocket } from '../../../server/src/testing/ws-client.js';

/**
 * A device that is not this machine, enrolled the way a real agent enrolls: an enrollment token
 * from the REST API, `POST /api/v1/enroll`, then hello and a full inventory report over the agent
 * WebSocket. What it reports is up to the test (hostile strings included).
 */
export interface FakeAgent {
  deviceId: string;
  socket: TestAgentSocket;
  close(): void;
}

async function json<T>(res: Response, what: string): Promise<T> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

/** `capabilities`: what the agent announces in its hello (`['jobs']` to be offered deployment jobs). */
export async function enrollFakeAgent(serverUrl: string, adminToken: string, inventory: Inventory, capabilities: string[] = []): Promise<FakeAgent> {
  const created = await json<{ token: string }>(
    await fetch(`${serverUrl}/api/v1/enrollment-tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'fake agent', expiresIn: '1h', maxUses: 1 }),
    }),
    'creating an enrollment token',
  );
  const enrolled = await json<EnrollResponse>(
    await fetch(`${serverUrl}${ENROLL_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: created.token, facts: inventory.facts satisfies DeviceFacts, agentVersion: '0.1.0' }),
    }),
    'enrolling',
  );
  const socket = TestAgentSocket.connect(`${serverUrl.replace(/^http/, 'ws')}${AGENT_WS_PATH}`, enrolled.credential);
  await socket.opened;
  socket.send(agentFrame('agent.hello', { protocolVersion: PROTOCOL_VERSION, agentVersion: '0.1.0', capabilities }));
  await waitForFrame(socket, (f) => f.type === 'server.welcome');
  const report = agentFrame('inventory.report', { kind: 'full', hash: inventoryHash(inventory), inventory });
  socket.send(report);
  const answer = await waitForFrame(socket, (f) => (f.type === 'ack' || f.type === 'error') && 'of' in f.payload && f.payload.of === report.id);
  if (answer.type === 'error') throw new Error(`the server refused the inventory: ${JSON.stringify(answer.payload)}`);
  return { deviceId: enrolled.deviceId, socket, close: () => socket.ws.close() };
}

type Frame = Awaited<ReturnType<TestAgentSocket['next']>>;

/** The next frame that `want` accepts; fails with the frames seen when none comes within 15 s. */
async function waitForFrame(socket: TestAgentSocket, want: (f: Frame) => boolean, timeoutMs = 15_000): Promise<Frame> {
  const seen: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no matching frame from the server within ${timeoutMs} ms; saw ${seen.join(', ') || 'none'}`)), timeoutMs);
  });
  try {
    for (;;) {
      const frame = await Promise.race([socket.next(), deadline]);
      if (want(frame)) return frame;
      seen.push(frame.type);
    }
  } finally {
    clearTimeout(timer);
  }
}
