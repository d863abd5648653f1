import type { ServerMessage } from '@patchwave/shared';

/** One live agent connection, as the rest of the server sees it. */
export interface AgentLink {
  readonly deviceId: string;
  readonly connectedAt: Date;
  send(frame: ServerMessage): void;
  close(code: number, reason: string): void;
}

/** Close code of a second connection of a device that already has one (refused, not the first). */
export const CLOSE_DUPLICATE = 4002;
/** Close code of a connection whose credential was just revoked. */
export const CLOSE_REVOKED = 4001;

/**
 * Live agent connections by device id: later features push jobs through `get(id)` and close a
 * revoked agent at once. One identity, one live session: while a device has a connection, a
 * second one with the same credential is refused (a cloned VM or a copied credential), never
 * allowed to take over the first.
 */
export class AgentRegistry {
  private readonly links = new Map<string, AgentLink>();
  private readonly capabilities = new WeakMap<AgentLink, ReadonlySet<string>>();
  private readonly greetedListeners = new Set<(link: AgentLink, capabilities: ReadonlySet<string>) => void>();
  private closing = false;

  /**
   * A link said hello (after the server's welcome went out): remember what it can do and tell the
   * listeners (the deployment orchestrator offers the jobs that wait for the device).
   */
  greeted(link: AgentLink, capabilities: readonly string[]): void {
    const set = new Set(capabilities);
    this.capabilities.set(link, set);
    if (this.links.get(link.deviceId) !== link) return;
    for (const listener of this.greetedListeners) listener(link, set);
  }

  /** Listens to hellos; returns the function that stops listening. */
  onGreeted(listener: (link: AgentLink, capabilities: ReadonlySet<string>) => void): () => void {
    this.greetedListeners.add(listener);
    return () => this.greetedListeners.delete(listener);
  }

  /** True when the device's current link said hello listing `capability`. */
  hasCapability(deviceId: string, capability: string): boolean {
    const link = this.links.get(deviceId);
    return link !== undefined && (this.capabilities.get(link)?.has(capability) ?? false);
  }

  /**
   * Registers the link. False when the device already has another live link: the new one is not
   * registered and the caller must close it (CLOSE_DUPLICATE).
   */
  add(link: AgentLink): boolean {
    const existing = this.links.get(link.deviceId);
    if (existing && existing !== link) return false;
    this.links.set(link.deviceId, link);
    return true;
  }

  /** Removes the link if it is still the device's current one. */
  remove(link: AgentLink): void {
    if (this.links.get(link.deviceId) === link) this.links.delete(link.deviceId);
  }

  get(deviceId: string): AgentLink | undefined {
    return this.links.get(deviceId);
  }

  isOnline(deviceId: string): boolean {
    return this.links.has(deviceId);
  }

  get size(): number {
    return this.links.size;
  }

  deviceIds(): string[] {
    return [...this.links.keys()];
  }

  /** True once shutdown began: new connections are closed at once. */
  get isClosing(): boolean {
    return this.closing;
  }

  /** Shutdown: refuses new links and closes every open one. */
  closeAll(code: number, reason: string): void {
    this.closing = true;
    for (const link of [...this.links.values()]) link.close(code, reason);
    this.links.clear();
  }
}
