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
 * - 1 (additive, 2026-11-28): trust.keys (server → agent: the Ed25519 job-signing keyring, new keys
 *   endorsed by an older one, revoked key ids) and credential.rotate (server → agent, acked by
 *   `ack` once stored), sent only to agents listing `trust.keys` / `credential.rotate` in their
 *   hello; security.event (agent → server: a job or key refused, written to the audit log);
 *   EnrollResponse.serverKeys (the keyring, for trust on first use).
 */
export const PROTOCOL_VERSION = 1;

/** Oldest agent protocol version this build still serves. */
export const MIN_PROTOCOL_VERSION = 1;
