import type { Principal, Role } from '../domain/api-tokens/api-token.js';
import type { DeploymentServices } from '../domain/deployments/deployment-services.js';
import type { Device } from '../domain/devices/device.js';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import type { Services } from '../services.js';
import type { AgentFrameHandler } from '../ws/agent-connection.js';
import type { AgentRegistry } from '../ws/agent-registry.js';

/**
 * Who may call a route: anyone (`public`), an enrolled agent with its credential (`agent`), any
 * signed-in operator acting on themselves only (`self`: who am I, log out, change my password), or
 * an operator whose token or session carries the role (admin satisfies every role; `auditor` marks
 * a read route open to every role). Every route must declare one; a route without it is refused to
 * everybody.
 */
export type RouteAccess = 'public' | 'agent' | 'self' | { role: Role };

export interface RouteEntry {
  method: string;
  url: string;
  access: RouteAccess | null;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    /** The operator behind the request, on routes that require a role. */
    principal: Principal | null;
    /** The agent's device, on `agent` routes. */
    device: Device | null;
  }
  interface FastifyInstance {
    services: Services;
    agents: AgentRegistry;
    /** Deployments: operator commands, reads, agent reports and the orchestrator loop. */
    deployments: DeploymentServices;
    metrics: ServerMetrics;
    /** Handlers of agent frame types beyond the core ones, by type; features register theirs here. */
    agentFrameHandlers: Map<string, AgentFrameHandler>;
    /** Every route with its declared access (routes without one show `access: null`). */
    routeTable(): RouteEntry[];
  }
}
