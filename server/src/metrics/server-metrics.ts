import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The server's Prometheus metrics, on a registry of its own (not prom-client's global one) so that
 * several apps in one process (tests) do not share counters.
 */
export class ServerMetrics {
  readonly registry = new Registry();

  readonly agentConnections = new Gauge({ name: 'patchwave_agent_connections', help: 'Agent WebSocket connections open now', registers: [this.registry] });

  readonly agentFrames = new Counter({
    name: 'patchwave_agent_frames_total',
    help: 'Valid frames received from agents, by message type',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  readonly agentBadFrames = new Counter({
    name: 'patchwave_agent_bad_frames_total',
    help: 'Invalid, unknown, out-of-order or rate-limited frames received from agents, by error code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly agentDisconnects = new Counter({
    name: 'patchwave_agent_disconnects_total',
    help: 'Agent connections closed, by close code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly agentRejected = new Counter({
    name: 'patchwave_agent_rejected_connections_total',
    help: 'Agent connection attempts refused before the upgrade',
    registers: [this.registry],
  });

  readonly inventoryReports = new Counter({
    name: 'patchwave_inventory_reports_total',
    help: 'Inventory reports by kind and result (stored, or the error code)',
    labelNames: ['kind', 'result'] as const,
    registers: [this.registry],
  });

  readonly inventoryApplySeconds = new Histogram({
    name: 'patchwave_inventory_apply_seconds',
    help: 'Time to diff and store one inventory report',
    labelNames: ['kind'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly httpRequests = new Counter({
    name: 'patchwave_http_requests_total',
    help: 'REST requests by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  /** Adds process metrics (CPU, memory, event loop); once per process, in the real server only. */
  collectProcessMetrics(): void {
    collectDefaultMetrics({ register: this.registry, prefix: 'patchwave_' });
  }
}
