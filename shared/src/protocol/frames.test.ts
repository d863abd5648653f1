import { describe, expect, it } from 'vitest';
import { agentFrame, parseAgentFrame } from './frames.js';

describe('parseAgentFrame', () => {
  it('accepts a hello frame', () => {
    const frame = agentFrame('agent.hello', { protocolVersion: 1, agentVersion: '0.1.0', capabilities: [] });
    const res = parseAgentFrame(JSON.stringify(frame));
    expect(res).toEqual({ ok: true, frame });
  });
});
