/**
 * Wire protocol version between agent and server. Bump only for a breaking change; additive
 * changes (new optional keys, new message types both sides may ignore) stay inside a version.
 *
 * History:
 * - 1 (2026-11-26): envelope { v, id, type, ts, payload }; agent.hello / server.welcome,
 *   inventory.report (full or delta by content hash), heartbeat, ack, error.
 * - 1 (additive, 2026-11-27): job.offer and job.cancel (server → agent; typed actions apply /
 *   rollback / rescan / reboot / plan, device-bound, notBefore / expiresAt, maintenance window +
 *   deadline, optional keyId + signature over `jobSigningBytes`); job.accepted, job.progress,
 *   job.result (acked by `ack`, repeated until then) and agent.rebooted (agent → server). Servers
 *   send jobs only to agents whose hello lists the `jobs` capability.
 */
export const PROTOCOL_VERSION = 1;

/** Oldest agent protocol version this build still serves. */
export const MIN_PROTOCOL_VERSION = 1;
