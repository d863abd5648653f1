import { z } from 'zod';
import { LIMITS } from '../limits.js';

/** Frame id: unique per sender; receivers use it for acks, error replies and de-duplication. */
export const FrameId = z
  .string()
  .min(1)
  .max(LIMITS.id)
  .regex(/^[A-Za-z0-9._:-]+$/, 'frame id may contain only letters, digits and . _ : -');

/** Every frame: `{ v, id, type, ts, payload }`; `type` is a dotted name. */
export function envelope<T extends string, P extends z.ZodType>(type: T, payload: P) {
  return z.object({
    v: z.number().int().min(1).max(1000),
    id: FrameId,
    type: z.literal(type),
    ts: z.string().max(64),
    payload,
  });
}

export const EnvelopeHeader = z.object({
  v: z.number().int(),
  id: FrameId,
  type: z.string().max(64),
  ts: z.string().max(64),
  payload: z.unknown(),
});
