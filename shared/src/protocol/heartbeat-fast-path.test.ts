import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../limits.js';
import { AGENT_MESSAGE_TYPES, ackFrameText, agentFrame, parseAgentFrame, serverFrame } from './frames.js';
import { quickHeartbeat } from './heartbeat-fast-path.js';
import { AgentMessage } from './messages.js';
import { parseFrame } from './parse.js';

/** The schema path alone: what parseAgentFrame answered before the fast path. */
const schemaOnly = (text: string) => parseFrame(AgentMessage, text, AGENT_MESSAGE_TYPES);

const hash = fc.stringMatching(/^[a-f0-9]{64}$/);
const frameId = fc.oneof({ weight: 4, arbitrary: fc.uuid() }, fc.stringMatching(/^[A-Za-z0-9._:-]{1,140}$/), fc.string({ maxLength: 10 }), fc.constant(''), fc.constant(7));
const payloadLike = fc.record(
  {
    inventoryHash: fc.oneof({ weight: 4, arbitrary: hash }, fc.string({ maxLength: 66 }), fc.constant(null), fc.constant('A'.repeat(64))),
    uptimeSeconds: fc.oneof({ weight: 4, arbitrary: fc.nat() }, fc.double(), fc.constant(-1), fc.constant(-0), fc.constant(null), fc.constant('5')),
    extra: fc.anything(),
  },
  { requiredKeys: [] },
);
const heartbeatLike = fc.record(
  {
    v: fc.oneof({ weight: 6, arbitrary: fc.constant(1) }, fc.integer({ min: -2, max: 1002 }), fc.double(), fc.constant('1'), fc.constant(null)),
    id: frameId,
    type: fc.oneof({ weight: 4, arbitrary: fc.constant('heartbeat') }, fc.constantFrom('ack', 'agent.hello', 'Heartbeat'), fc.string({ maxLength: 70 })),
    ts: fc.oneof({ weight: 4, arbitrary: fc.constant('2026-11-27T05:00:00.000Z') }, fc.string({ maxLength: 70 }), fc.constant(5)),
    payload: fc.oneof({ weight: 4, arbitrary: payloadLike }, fc.constant(null), fc.array(fc.nat(), { maxLength: 2 }), fc.string({ maxLength: 5 })),
    unknownKey: fc.anything(),
  },
  { requiredKeys: ['type'] },
);

describe('heartbeat fast path', () => {
  it('answers every frame exactly as the schemas do: same frames accepted, same codes and messages', () => {
    let accepted = 0;
    fc.assert(
      fc.property(heartbeatLike, (frame) => {
        const text = JSON.stringify(frame);
        const answer = parseAgentFrame(text);
        expect(answer).toStrictEqual(schemaOnly(text));
        if (answer.ok) accepted += 1;
      }),
      { numRuns: 5_000 },
    );
    // Both sides of the fast path were exercised (about one frame in ten is a valid heartbeat).
    expect(accepted).toBeGreaterThan(50);
    expect(accepted).toBeLessThan(4_950);
  });

  it('agrees on numbers JSON reads as non-finite or awkward', () => {
    for (const uptime of ['1e400', '-1e400', '-0', '-1', '0.5', '1e-400']) {
      const text = `{"v":1,"id":"f-1","type":"heartbeat","ts":"t","payload":{"uptimeSeconds":${uptime}}}`;
      expect(parseAgentFrame(text)).toStrictEqual(schemaOnly(text));
    }
    const long = `{"v":1,"id":"${'a'.repeat(LIMITS.id + 1)}","type":"heartbeat","ts":"t","payload":{}}`;
    expect(parseAgentFrame(long)).toStrictEqual(schemaOnly(long));
  });

  it('takes the heartbeats agents send, with and without the inventory hash', () => {
    for (const payload of [{ uptimeSeconds: 42 }, { inventoryHash: 'c'.repeat(64), uptimeSeconds: 0 }, {}]) {
      const frame = agentFrame('heartbeat', payload);
      const raw: unknown = JSON.parse(JSON.stringify(frame));
      expect(quickHeartbeat(raw)).toStrictEqual(frame);
      expect(parseAgentFrame(JSON.stringify(frame))).toStrictEqual({ ok: true, frame });
    }
  });

  it('leaves every other frame type to the schemas', () => {
    expect(quickHeartbeat(JSON.parse(JSON.stringify(agentFrame('ack', { of: 'f-1' }))))).toBeNull();
  });
});

describe('ackFrameText', () => {
  it('is byte for byte the JSON of the ack frame', () => {
    const now = new Date('2026-11-27T05:00:00.123Z');
    fc.assert(
      fc.property(fc.oneof(fc.uuid(), fc.stringMatching(/^[A-Za-z0-9._:-]{1,128}$/), fc.string()), fc.uuid(), (of, id) => {
        expect(ackFrameText(of, id, now)).toBe(JSON.stringify(serverFrame('ack', { of }, id, now)));
      }),
    );
    expect(ackFrameText('a"b\\c', 'x', now)).toBe(JSON.stringify(serverFrame('ack', { of: 'a"b\\c' }, 'x', now)));
  });
});
