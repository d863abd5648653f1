import type { z } from 'zod';
import type { ErrorCode } from '../errors.js';
import { LIMITS } from '../limits.js';
import { EnvelopeHeader } from './envelope.js';
import { MIN_PROTOCOL_VERSION, PROTOCOL_VERSION } from './version.js';

export type FrameParseResult<T> =
  | { ok: true; frame: T }
  | { ok: false; code: ErrorCode; message: string; of?: string };

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(frame)'}: ${i.message}`)
    .join('; ');
}

/**
 * Parses one text frame against a message union. Never throws: a bad frame yields the error code
 * and a message naming what was wrong and where, plus the frame id when it could be read.
 * `quick` may accept a frame it has checked by the same rules (a hand-written fast path for the
 * most frequent frame); whatever it returns null for goes through the schemas.
 */
export function parseFrame<S extends z.ZodType>(
  schema: S,
  text: string,
  knownTypes: ReadonlySet<string>,
  quick?: (raw: unknown) => z.infer<S> | null,
): FrameParseResult<z.infer<S>> {
  if (text.length > LIMITS.maxFrameBytes) {
    return { ok: false, code: 'E_FRAME_TOO_LARGE', message: `frame is larger than ${LIMITS.maxFrameBytes} bytes` };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, code: 'E_BAD_FRAME', message: `frame is not JSON: ${(err as Error).message}` };
  }
  const fast = quick?.(raw);
  if (fast) return { ok: true, frame: fast };
  const header = EnvelopeHeader.safeParse(raw);
  if (!header.success) {
    return { ok: false, code: 'E_BAD_FRAME', message: `bad envelope: ${describeIssues(header.error)}` };
  }
  const { v, id, type } = header.data;
  if (v < MIN_PROTOCOL_VERSION || v > PROTOCOL_VERSION) {
    return {
      ok: false,
      code: 'E_PROTOCOL_VERSION',
      message: `protocol version ${v} is not supported (supported: ${MIN_PROTOCOL_VERSION}..${PROTOCOL_VERSION})`,
      of: id,
    };
  }
  if (!knownTypes.has(type)) {
    return { ok: false, code: 'E_UNKNOWN_MESSAGE', message: `unknown message type "${type}"`, of: id };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, code: 'E_BAD_FRAME', message: `invalid ${type}: ${describeIssues(parsed.error)}`, of: id };
  }
  return { ok: true, frame: parsed.data };
}
