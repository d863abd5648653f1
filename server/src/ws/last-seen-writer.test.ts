import { agentFrame, parseServerFrame } from '@patchwave/shared';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { ServerMetrics } from '../metrics/server-metrics.js';
import type { Services } from '../services.js';
import { FakeAgentSocket } from '../testing/fake-agent-socket.js';
import { AgentConnection } from './agent-connection.js';
import { LastSeenWriter, TOUCH_INTERVAL_MS } from './last-seen-writer.js';
import type { LivenessTimers } from './liveness-sweep.js';

const silent = pino({ level: 'silent' });

function manualTimers() {
  const set: { fn: () => void; ms: number; cleared: boolean }[] = [];
  const timers: LivenessTimers = {
    setInterval: (fn, ms) => set.push({ fn, ms, cleared: false }) - 1,
    clearInterval: (i) => void ((set[i as number] as { cleared: boolean }).cleared = true),
  };
  return { set, timers };
}

describe('agent connection: last seen', () => {
  it('marks the device on every valid frame and writes it once per interval, not on every heartbeat', async () => {
    const writes: string[][] = [];
    const { set, timers } = manualTimers();
    const lastSeen = new LastSeenWriter({ write: async (ids) => void writes.push(ids), intervalMs: TOUCH_INTERVAL_MS, log: silent, timers });
    lastSeen.start();
    const services = { devices: { recordHello: async () => ({ inventoryHash: null }) } } as unknown as Services;
    const socket = new FakeAgentSocket();
    const connection = new AgentConnection('dev-1', socket as unknown as WebSocket, services, new ServerMetrics(), silent, {
      serverVersion: 'test',
      heartbeatSeconds: 60,
      maxBadFrames: 10,
      messagesPerSecond: 1000,
      burst: 1000,
      pingIntervalMs: 30_000,
      lastSeen,
    });
    connection.start(() => undefined);
    const acked = (n: number) =>
      expect.poll(() => socket.sent.map((t) => parseServerFrame(t)).filter((f) => f.ok && (f.frame.type === 'ack' || f.frame.type === 'server.welcome')).length).toBe(n);
    socket.hello();
    for (let i = 0; i < 5; i++) socket.receive(agentFrame('heartbeat', { uptimeSeconds: i }));
    await acked(6);
    expect(writes).toEqual([]);
    expect(set.map((t) => t.ms)).toEqual([TOUCH_INTERVAL_MS]);
    // Six frames within one interval: one write for the device.
    set[0]?.fn();
    await lastSeen.flush();
    expect(writes).toEqual([['dev-1']]);
    // Nothing heard: nothing written.
    set[0]?.fn();
    await lastSeen.flush();
    expect(writes).toHaveLength(1);
    socket.receive(agentFrame('heartbeat', { uptimeSeconds: 9 }));
    await acked(7);
    set[0]?.fn();
    await lastSeen.flush();
    expect(writes).toEqual([['dev-1'], ['dev-1']]);
    // A bad frame is not a valid sign of life (as before: only valid frames were written).
    socket.emit('message', Buffer.from('not json'), false);
    await expect.poll(() => socket.sent.length).toBe(8);
    await lastSeen.flush();
    expect(writes).toHaveLength(2);
    socket.emit('close', 1000);
  });
});

describe('LastSeenWriter', () => {
  it('writes one batch at a time, every device of the interval once', async () => {
    const started: string[][] = [];
    let release = () => undefined as void;
    const writer = new LastSeenWriter({
      write: (ids) => {
        started.push(ids);
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      },
      intervalMs: 1_000,
      log: silent,
      timers: manualTimers().timers,
    });
    for (const id of ['a', 'b', 'a', 'c']) writer.seen(id);
    const first = writer.flush();
    writer.seen('d');
    const second = writer.flush();
    await Promise.resolve();
    expect(started).toEqual([['a', 'b', 'c']]);
    release();
    await first;
    await expect.poll(() => started.length).toBe(2);
    expect(started[1]).toEqual(['d']);
    release();
    await second;
  });

  it('logs a failed write and keeps writing later batches', async () => {
    const errors: unknown[] = [];
    const log = pino({ level: 'error' }, { write: (line: string) => void errors.push(JSON.parse(line)) });
    const written: string[][] = [];
    let fail = true;
    const writer = new LastSeenWriter({
      write: async (ids) => {
        if (fail) throw new Error('database is locked');
        written.push(ids);
      },
      intervalMs: 1_000,
      log,
      timers: manualTimers().timers,
    });
    writer.seen('a');
    await writer.flush();
    expect(errors).toEqual([expect.objectContaining({ msg: 'writing last-seen times failed', devices: 1 })]);
    fail = false;
    writer.seen('b');
    await writer.flush();
    expect(written).toEqual([['b']]);
  });

  it('writes what is marked when stopped, and stops its timer', async () => {
    const { set, timers } = manualTimers();
    const written: string[][] = [];
    const writer = new LastSeenWriter({ write: async (ids) => void written.push(ids), intervalMs: 1_000, log: silent, timers });
    writer.start();
    writer.seen('a');
    await writer.stop();
    expect(written).toEqual([['a']]);
    expect(set[0]?.cleared).toBe(true);
  });
});
