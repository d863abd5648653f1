import { describe, expect, it } from 'vitest';
import type { AgentLink } from './agent-registry.js';
import { AgentRegistry } from './agent-registry.js';

function link(deviceId: string): AgentLink & { closes: [number, string][] } {
  const closes: [number, string][] = [];
  return { deviceId, connectedAt: new Date(), closes, send: () => undefined, close: (code, reason) => void closes.push([code, reason]) };
}

describe('AgentRegistry', () => {
  it('keeps one link per device: a second one is refused and the first stays untouched', () => {
    const registry = new AgentRegistry();
    const a1 = link('a');
    const a2 = link('a');
    expect(registry.add(a1)).toBe(true);
    expect(registry.add(a2)).toBe(false);
    expect(a1.closes).toEqual([]);
    expect(registry.get('a')).toBe(a1);
    registry.remove(a2);
    expect(registry.get('a')).toBe(a1);
    registry.remove(a1);
    expect(registry.isOnline('a')).toBe(false);
    expect(registry.add(a2)).toBe(true);
  });

  it('closes everything on shutdown and reports that it is closing', () => {
    const registry = new AgentRegistry();
    const a = link('a');
    const b = link('b');
    registry.add(a);
    registry.add(b);
    expect(registry.deviceIds().sort()).toEqual(['a', 'b']);
    registry.closeAll(1001, 'bye');
    expect(a.closes).toEqual([[1001, 'bye']]);
    expect(b.closes).toEqual([[1001, 'bye']]);
    expect(registry.size).toBe(0);
    expect(registry.isClosing).toBe(true);
  });
});
