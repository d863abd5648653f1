import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { DeviceFacts } from '../domain/device.js';
import { ServerKeyring } from '../protocol/trust.js';

/** POST /api/v1/enroll: an enrollment token is exchanged once for a per-agent credential. */
export const EnrollRequest = z.object({
  token: z.string().min(1).max(LIMITS.shortText),
  facts: DeviceFacts,
  agentVersion: z.string().max(64),
});
export type EnrollRequest = z.infer<typeof EnrollRequest>;

export const EnrollResponse = z.object({
  deviceId: z.string().max(LIMITS.id),
  /** Shown once; the server keeps only its hash. */
  credential: z.string().min(43).max(LIMITS.shortText),
  /** The server's job-signing keys: pinned by the agent (checked against PATCHWAVE_SERVER_KEY when set, else trusted on first use). */
  serverKeys: ServerKeyring.optional(),
});
export type EnrollResponse = z.infer<typeof EnrollResponse>;

/** Path of the agent WebSocket; the credential goes in `Authorization: Bearer …` before the upgrade. */
export const AGENT_WS_PATH = '/api/v1/agent';
export const ENROLL_PATH = '/api/v1/enroll';
