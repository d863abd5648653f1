import type { ServerMessage } from '@patchwave/shared';

/** One live agent connection, as the rest of the server sees it. */
export interface AgentLink {
  readonly deviceId: string;
  readonly connectedAt: Date;
  send(frame: ServerMessage): void;
  close(code: number, reason: string): void;
}

/** Close code for a connection replaced by a newer one from the same device. */
export const CLOSE_REPLACED = 4000;

/**
 * Live agent connections by device id: later features push jobs through `get(id)` and close a
 * revoked agent at once. One connection per device; a newer one replaces the older.
 */
export class AgentRegistry {
  private readonly links = new Map<string, AgentLink>();
  private closing = false;

  /** Registers the link; returns the link it replaced, already closed, if any. */
  add(link: AgentLink): AgentLink | null {
    const previous = this.links.get(link.deviceId) ?? null;
    this.links.set(link.deviceId, link);
    if (previous && previous !== link) previous.close(CLOSE_REPLACED, 'replaced by a newer connection of this device');
    return previous;
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
