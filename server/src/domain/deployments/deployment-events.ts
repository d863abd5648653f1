import type { DeploymentStreamEvent } from '@patchwave/shared';

type Unsequenced<E> = E extends unknown ? Omit<E, 'seq'> : never;
export type DeploymentEventInput = Unsequenced<Exclude<DeploymentStreamEvent, { type: 'snapshot' | 'heartbeat' }>>;
export type SequencedDeploymentEvent = Exclude<DeploymentStreamEvent, { type: 'snapshot' | 'heartbeat' }>;
export type DeploymentEventListener = (event: SequencedDeploymentEvent) => void;

/**
 * In-process publish/subscribe of deployment changes, for the console's event stream. Events are
 * numbered in publication order; a listener that throws is logged by the caller's wrapper and
 * does not stop the others. Nothing is stored: a client that reconnects reads a fresh snapshot.
 */
export class DeploymentEventBus {
  private seq = 0;
  private readonly listeners = new Map<string, Set<DeploymentEventListener>>();

  /** Listens to one deployment's events (`*`: every deployment). Returns the unsubscribe function. */
  subscribe(deploymentId: string, listener: DeploymentEventListener): () => void {
    const set = this.listeners.get(deploymentId) ?? new Set<DeploymentEventListener>();
    set.add(listener);
    this.listeners.set(deploymentId, set);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(deploymentId);
    };
  }

  publish(event: DeploymentEventInput): SequencedDeploymentEvent {
    const sequenced = { ...event, seq: ++this.seq } as SequencedDeploymentEvent;
    for (const key of [event.deploymentId, '*']) {
      for (const listener of this.listeners.get(key) ?? []) {
        try {
          listener(sequenced);
        } catch {
          // A broken listener (a closed stream) must not stop the orchestrator; it unsubscribes itself.
          continue;
        }
      }
    }
    return sequenced;
  }

  /** The number of the last event published (a stream's snapshot is as of this number). */
  get lastSeq(): number {
    return this.seq;
  }

  listenerCount(deploymentId?: string): number {
    if (deploymentId !== undefined) return this.listeners.get(deploymentId)?.size ?? 0;
    return [...this.listeners.values()].reduce((n, s) => n + s.size, 0);
  }
}
