import { agentFrame, parseServerFrame } from '@patchwave/shared';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { ServerMetrics } from '../metrics/server-metrics.js';
import type { Services } from '../services.js';
import { FakeAgentSocket } from '../testing/fake-agent-socket.js';
import { AgentConnection } from './agent-connection.js';
import { HEARTBEAT_GRACE_MS, livenessSweep } from './agent-gateway.js';
import { LivenessSweep, type Pingable } from './liveness-sweep.js';

class Peer implements Pingable {
  lastHeardAt = 0;
  pings = 0;
  terminated = false;
  ping(): void {
    this.pings += 1;
  }
  terminate(): void {
    this.terminated = true;
  }
}

describe('LivenessSweep', () => {
  const setup = () => {
    const clock = { now: 0 };
    const sweep = new LivenessSweep({ sweepMs: 5_000, silentMs: 65_000, answerMs: 30_000, now: () => clock.now });
    /** Advances the clock by `ms` in sweep periods, sweeping after each, calling `between` first. */
    const run = (ms: number, between: () => void = () => undefined) => {
      for (let t = 0; t < ms; t += 5_000) {
        clock.now += 5_000;
        between();
        sweep.sweep();
      }
    };
    return { clock, sweep, run };
  };

  it('never pings a peer that is heard from within the silence limit', () => {
    const { clock, sweep, run } = setup();
    const peer = new Peer();
    sweep.add(peer);
    run(3_600_000, () => {
      if (clock.now % 60_000 === 0) peer.lastHeardAt = clock.now;
    });
    expect(peer.pings).toBe(0);
    expect(peer.terminated).toBe(false);
  });

  it('pings a silent peer once, and drops it when it does not answer in time', () => {
    const { sweep, run } = setup();
    const peer = new Peer();
    sweep.add(peer);
    run(60_000);
    expect(peer.pings).toBe(0);
    run(5_000);
    expect(peer.pings).toBe(1);
    run(25_000);
    expect(peer.terminated).toBe(false);
    run(5_000);
    expect(peer.pings).toBe(1);
    expect(peer.terminated).toBe(true);
    expect(sweep.size).toBe(0);
  });

  it('keeps a pinged peer that answers, and pings it again only after another silence', () => {
    const { clock, sweep, run } = setup();
    const peer = new Peer();
    sweep.add(peer);
    run(65_000);
    expect(peer.pings).toBe(1);
    clock.now += 1;
    peer.lastHeardAt = clock.now;
    run(60_000);
    expect(peer.terminated).toBe(false);
    expect(peer.pings).toBe(1);
    run(10_000);
    expect(peer.pings).toBe(2);
    expect(peer.terminated).toBe(false);
  });

  it('runs on one injected interval timer until stopped', () => {
    const timers: { fn: () => void; ms: number; cleared: boolean }[] = [];
    const clock = { now: 0 };
    const sweep = new LivenessSweep({
      sweepMs: 5_000,
      silentMs: 10_000,
      answerMs: 10_000,
      now: () => clock.now,
      timers: {
        setInterval: (fn, ms) => timers.push({ fn, ms, cleared: false }) - 1,
        clearInterval: (i) => void ((timers[i as number] as { cleared: boolean }).cleared = true),
      },
    });
    const peers = [new Peer(), new Peer(), new Peer()];
    for (const p of peers) sweep.add(p);
    sweep.start();
    sweep.start();
    expect(timers.map((t) => t.ms)).toEqual([5_000]);
    clock.now = 10_000;
    timers[0]?.fn();
    expect(peers.map((p) => p.pings)).toEqual([1, 1, 1]);
    sweep.stop();
    expect(timers[0]?.cleared).toBe(true);
  });
});

describe('agent connection liveness (gateway thresholds)', () => {
  const services = {
    devices: { touch: async () => undefined, recordHello: async () => ({ inventoryHash: null }) },
  } as unknown as Services;

  const setup = () => {
    const clock = { now: 0 };
    const options = {
      serverVersion: 'test',
      heartbeatSeconds: 60,
      maxBadFrames: 10,
      messagesPerSecond: 1000,
      burst: 1000,
      pingIntervalMs: 30_000,
      now: () => clock.now,
      lastSeen: { seen: () => undefined },
    };
    const sweep = livenessSweep(options);
    const socket = new FakeAgentSocket();
    const connection = new AgentConnection('dev-1', socket as unknown as WebSocket, services, new ServerMetrics(), pino({ level: 'silent' }), options);
    connection.start(() => sweep.remove(connection));
    sweep.add(connection);
    socket.hello();
    const advance = (ms: number, between: () => void = () => undefined) => {
      for (let t = 0; t < ms; t += 5_000) {
        clock.now += 5_000;
        between();
        sweep.sweep();
      }
    };
    return { clock, sweep, socket, advance };
  };

  it('does not ping an agent that heartbeats every heartbeat interval, and acks every heartbeat', async () => {
    const { clock, socket, advance } = setup();
    let beats = 0;
    advance(30 * 60_000, () => {
      if (clock.now % 60_000 === 0) {
        socket.receive(agentFrame('heartbeat', { uptimeSeconds: clock.now / 1000 }));
        beats += 1;
      }
    });
    expect(socket.pings).toBe(0);
    expect(socket.terminated).toBe(false);
    await expect.poll(() => socket.sent.map((t) => parseServerFrame(t)).filter((f) => f.ok && f.frame.type === 'ack').length).toBe(beats);
  });

  it('pings a silent agent after a heartbeat interval and the grace, and drops it when the ping is not answered', () => {
    const { socket, advance } = setup();
    advance(60_000 + HEARTBEAT_GRACE_MS - 5_000);
    expect(socket.pings).toBe(0);
    advance(5_000);
    expect(socket.pings).toBe(1);
    advance(25_000);
    expect(socket.terminated).toBe(false);
    advance(5_000);
    expect(socket.terminated).toBe(true);
  });

  it('keeps a silent agent that answers the ping with a pong', () => {
    const { clock, socket, advance } = setup();
    advance(60_000 + HEARTBEAT_GRACE_MS);
    expect(socket.pings).toBe(1);
    clock.now += 1;
    socket.emit('pong');
    advance(60_000);
    expect(socket.terminated).toBe(false);
    expect(socket.pings).toBe(1);
  });

  it('leaves the sweep when the socket closes', () => {
    const { sweep, socket } = setup();
    expect(sweep.size).toBe(1);
    socket.emit('close', 1000);
    expect(sweep.size).toBe(0);
  });
});
