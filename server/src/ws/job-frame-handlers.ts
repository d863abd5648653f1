import { serverFrame, type AgentMessage } from '@patchwave/shared';
import type { DeploymentServices } from '../domain/deployments/deployment-services.js';
import type { AgentFrameHandler } from './agent-connection.js';
import type { AgentLink } from './agent-registry.js';

type Frame<T extends AgentMessage['type']> = Extract<AgentMessage, { type: T }>;

/**
 * Agent frames of the job protocol, handed to the deployment services: job.accepted and
 * job.progress (best effort, never acked), job.result and agent.rebooted (acked once stored, so the
 * agent's outbox lets go of them; a repeat is acked again and counted once).
 */
export function jobFrameHandlers(deployments: DeploymentServices): Map<string, AgentFrameHandler> {
  const ack = (link: AgentLink, frame: AgentMessage) => link.send(serverFrame('ack', { of: frame.id }));
  return new Map<string, AgentFrameHandler>([
    ['job.accepted', (frame, link) => deployments.reports.accepted(link.deviceId, (frame as Frame<'job.accepted'>).payload)],
    ['job.progress', (frame, link) => deployments.reports.progress(link.deviceId, (frame as Frame<'job.progress'>).payload)],
    [
      'job.result',
      async (frame, link) => {
        await deployments.reports.result(link.deviceId, frame.id, (frame as Frame<'job.result'>).payload);
        ack(link, frame);
      },
    ],
    [
      'agent.rebooted',
      async (frame, link) => {
        await deployments.reports.rebooted(link.deviceId, (frame as Frame<'agent.rebooted'>).payload);
        ack(link, frame);
      },
    ],
  ]);
}
