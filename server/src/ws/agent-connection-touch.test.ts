import { EventEmitter } from 'node:events';
import { agentFrame, parseServerFrame, PROTOCOL_VERSION } from '@patchwave/shared';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { ServerMetrics } from '../metrics/server-metrics.js';
import type { Services } from '../services.js';
import { AgentConnection, TOUCH_INTERVAL_MS } from './agent-connection.js';

/** The socket side AgentConnection uses: events in, frames out. */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  readonly sent: string[] = [];
  send(text: string): void {
    this.sent.push(text);
  }
  close(): void {
    this.readyState = 3;
  }
  ping(): void {}
  terminate(): void {}
}

describe('agent connection: last seen', () => {
  it('writes the device last-seen time at most once per interval, not on every heartbeat', async () => {
    const touches: string[] = [];
    const services = {
      devices: {
        touch: async (id: string) => void touches.push(id),
        recordHello: async () => ({ inventoryHash: null }),
      },
    } as unknown as Services;
    const socket = new FakeSocket();
    const connection = new AgentConnection('dev-1', socket as unknown as WebSocket, services, new ServerMetrics(), pino({ level: 'silent' }), {
      serverVersion: 'test',
      heartbeatSeconds: 60,
      maxBadFrames: 10,
      messagesPerSecond: 1000,
      burst: 1000,
      pingIntervalMs: 3_600_000,
    });
    connection.start(() => undefined);
    const acked = (n: number) =>
      expect.poll(() => socket.sent.map((t) => parseServerFrame(t)).filter((f) => f.ok && (f.frame.type === 'ack' || f.frame.type === 'server.welcome')).length).toBe(n);
    socket.emit('message', Buffer.from(JSON.stringify(agentFrame('agent.hello', { protocolVersion: PROTOCOL_VERSION, agentVersion: '1', capabilities: [] }))), false);
    await acked(1);
    for (let i = 0; i < 5; i++) socket.emit('message', Buffer.from(JSON.stringify(agentFrame('heartbeat', { uptimeSeconds: i }))), false);
    await acked(6);
    // Six frames within one interval: one write (the first frame), the rest answered from memory.
    expect(touches).toEqual(['dev-1']);
    expect(TOUCH_INTERVAL_MS).toBeGreaterThanOrEqual(5_000);
    socket.emit('close', 1000);
  });
});
