import { LIMITS } from '../limits.js';
import { ENVELOPE_TEXT_MAX, FRAME_ID_PATTERN } from './envelope.js';
import { HASH_PATTERN, type Heartbeat } from './messages.js';
import { MIN_PROTOCOL_VERSION, PROTOCOL_VERSION } from './version.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The heartbeat, by far the most frequent agent frame, checked by hand: the same rules as the
 * envelope header, the version check and the Heartbeat schema, returning what that schema returns
 * (unknown keys dropped). It only ever accepts: null sends the frame down the schema path, which
 * gives the error code and message, so a bad heartbeat is refused exactly as before.
 */
export function quickHeartbeat(raw: unknown): Heartbeat | null {
  if (!isRecord(raw) || raw.type !== 'heartbeat') return null;
  const { v, id, ts, payload } = raw;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < Math.max(1, MIN_PROTOCOL_VERSION) || v > Math.min(1000, PROTOCOL_VERSION)) return null;
  if (typeof id !== 'string' || id.length < 1 || id.length > LIMITS.id || !FRAME_ID_PATTERN.test(id)) return null;
  if (typeof ts !== 'string' || ts.length > ENVELOPE_TEXT_MAX) return null;
  if (!isRecord(payload)) return null;
  const { inventoryHash, uptimeSeconds } = payload;
  if (inventoryHash !== undefined && (typeof inventoryHash !== 'string' || !HASH_PATTERN.test(inventoryHash))) return null;
  if (uptimeSeconds !== undefined && (typeof uptimeSeconds !== 'number' || !Number.isFinite(uptimeSeconds) || uptimeSeconds < 0)) return null;
  // Assigned rather than spread: conditional spreads cost as much as the rest of the check.
  const out: Heartbeat['payload'] = {};
  if (inventoryHash !== undefined) out.inventoryHash = inventoryHash;
  if (uptimeSeconds !== undefined) out.uptimeSeconds = uptimeSeconds;
  return { v, id, type: 'heartbeat', ts, payload: out };
}
