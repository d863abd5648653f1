import { AGENT_WS_PATH, LIMITS } from '@patchwave/shared';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AgentConnectionOptions } from './agent-connection.js';
import { AgentConnection } from './agent-connection.js';
import { CLOSE_DUPLICATE } from './agent-registry.js';
import { alertDuplicateConnection } from './duplicate-connection.js';
import { LastSeenWriter, TOUCH_INTERVAL_MS } from './last-seen-writer.js';
import { LivenessSweep } from './liveness-sweep.js';

export const CLOSE_GOING_AWAY = 1001;

/** Slack over the heartbeat interval before a silent agent is pinged: timer drift, a slow network. */
export const HEARTBEAT_GRACE_MS = 5_000;
/** The liveness sweep's period (or the ping interval, if shorter): how late a dead peer may be noticed. */
export const SWEEP_MS = 5_000;

/**
 * The gateway's liveness sweep: an agent that heartbeats on time is never pinged; one silent for
 * longer than a heartbeat interval (and the grace) is pinged, and dropped if it does not answer
 * within the ping interval.
 */
export function livenessSweep(options: Pick<AgentConnectionOptions, 'heartbeatSeconds' | 'pingIntervalMs' | 'now'>): LivenessSweep {
  return new LivenessSweep({
    sweepMs: Math.min(SWEEP_MS, options.pingIntervalMs),
    silentMs: Math.max(options.pingIntervalMs, options.heartbeatSeconds * 1000 + HEARTBEAT_GRACE_MS),
    answerMs: options.pingIntervalMs,
    now: options.now ?? (() => performance.now()),
  });
}

/** Options of @fastify/websocket for the agent gateway: frame size limit and 1001 on shutdown. */
export function websocketPluginOptions(app: FastifyInstance) {
  return {
    options: { maxPayload: LIMITS.maxFrameBytes },
    preClose: (done: () => void) => {
      app.agents.closeAll(CLOSE_GOING_AWAY, 'server shutting down');
      app.websocketServer.close(() => done());
    },
  };
}

/**
 * `GET /api/v1/agent`: the agent's credential is checked by the access hook before the upgrade
 * (401, nothing created); the upgraded socket becomes an AgentConnection in the registry.
 */
export async function agentGateway(app: FastifyInstance, options: Omit<AgentConnectionOptions, 'lastSeen'>): Promise<void> {
  // A refused upgrade (401) leaves a raw socket that Node no longer manages as HTTP: end it, so
  // that a client holding it open cannot keep the server from shutting down.
  app.addHook('onResponse', async (request, reply) => {
    if (request.headers.upgrade && reply.statusCode !== 101) request.raw.socket?.end();
  });
  const sweep = livenessSweep(options);
  sweep.start();
  const lastSeen = new LastSeenWriter({ write: (ids) => app.services.devices.touchMany(ids), intervalMs: TOUCH_INTERVAL_MS, log: app.log as Logger });
  lastSeen.start();
  app.addHook('onClose', async () => {
    sweep.stop();
    await lastSeen.stop();
  });
  app.get(
    AGENT_WS_PATH,
    {
      websocket: true,
      config: { access: 'agent' },
      schema: { tags: ['agents'], summary: 'Agent WebSocket (Authorization: Bearer <agent credential>)', hide: true },
    },
    (socket, request) => {
      const device = request.device;
      if (!device) {
        socket.close(1008, 'not authenticated');
        return;
      }
      const log = (request.log as Logger).child({ deviceId: device.id });
      if (app.agents.isClosing) {
        socket.close(CLOSE_GOING_AWAY, 'server shutting down');
        return;
      }
      const connection = new AgentConnection(device.id, socket, app.services, app.metrics, log, {
        ...options,
        lastSeen,
        onHello: (link, hello) => {
          options.onHello?.(link, hello);
          app.agents.greeted(link, hello.capabilities);
        },
      });
      connection.start((code) => {
        sweep.remove(connection);
        app.agents.remove(connection);
        app.metrics.agentConnections.set(app.agents.size);
        app.metrics.agentDisconnects.inc({ code: String(code) });
        log.info({ code, badFrames: connection.badFrameCount }, 'agent disconnected');
      });
      sweep.add(connection);
      if (!app.agents.add(connection)) {
        // Two upgrades of one credential raced past the check before the upgrade: the first stays.
        connection.close(CLOSE_DUPLICATE, 'this device is connected already');
        void alertDuplicateConnection(app, device.id, request.ip, 'registration').catch((err: unknown) => log.error({ err }, 'auditing a duplicate connection failed'));
        return;
      }
      app.metrics.agentConnections.set(app.agents.size);
      log.info({ remoteAddress: request.ip }, 'agent connected');
    },
  );
}
