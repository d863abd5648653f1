import { z } from 'zod';
import { LIMITS } from '../limits.js';

/** What a frame id may contain (FrameId; the heartbeat fast path checks the same). */
export const FRAME_ID_PATTERN = /^[A-Za-z0-9._:-]+$/;
/** Longest `type` and `ts` of an envelope. */
export const ENVELOPE_TEXT_MAX = 64;

/** Frame id: unique per sender; receivers use it for acks, error replies and de-duplication. */
export const FrameId = z.string().min(1).max(LIMITS.id).regex(FRAME_ID_PATTERN, 'frame id may contain only letters, digits and . _ : -');

/** Every frame: `{ v, id, type, ts, payload }`; `type` is a dotted name. */
export function envelope<T extends string, P extends z.ZodType>(type: T, payload: P) {
  return z.object({
    v: z.number().int().min(1).max(1000),
    id: FrameId,
    type: z.literal(type),
    ts: z.string().max(ENVELOPE_TEXT_MAX),
    payload,
  });
}

export const EnvelopeHeader = z.object({
  v: z.number().int(),
  id: FrameId,
  type: z.string().max(ENVELOPE_TEXT_MAX),
  ts: z.string().max(ENVELOPE_TEXT_MAX),
  payload: z.unknown(),
});
