import { JOBS_CAPABILITY, type ServerMessage } from '@patchwave/shared';
import type { AgentLinks } from '../domain/deployments/runtime-ports.js';
import type { AgentRegistry } from './agent-registry.js';

/** The orchestrator's view of live agents, over the gateway's registry. */
export class RegistryAgentLinks implements AgentLinks {
  constructor(private readonly registry: AgentRegistry) {}

  canRunJobs(deviceId: string): boolean {
    return this.registry.hasCapability(deviceId, JOBS_CAPABILITY);
  }

  hasCapability(deviceId: string, capability: string): boolean {
    return this.registry.hasCapability(deviceId, capability);
  }

  isOnline(deviceId: string): boolean {
    return this.registry.isOnline(deviceId);
  }

  send(deviceId: string, frame: ServerMessage): boolean {
    const link = this.registry.get(deviceId);
    if (!link) return false;
    link.send(frame);
    return true;
  }
}
