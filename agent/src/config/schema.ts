import { normalizeFingerprint } from '@patchwave/shared';
import { z } from 'zod';
import { parseDuration } from './duration.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

export const ServerUrl = z
  .string()
  .max(2048)
  .transform((v, ctx) => {
    const problem = !URL.canParse(v)
      ? 'is not a URL'
      : !/^https?:$/.test(new URL(v).protocol)
        ? 'must start with https:// (or http:// on loopback)'
        : new URL(v).username || new URL(v).password
          ? 'must not contain a user name or password'
          : undefined;
    if (problem) {
      ctx.addIssue({ code: 'custom', message: problem });
      return z.NEVER;
    }
    return v.replace(/\/+$/, '');
  });

export const InventoryInterval = z
  .union([z.string().max(32), z.number()])
  .transform((v, ctx) => {
    const ms = parseDuration(v);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: 'is not a duration (examples: "30m", "1h", "6h", 3600)' });
      return z.NEVER;
    }
    if (ms < 30_000 || ms > 7 * 86_400_000) {
      ctx.addIssue({ code: 'custom', message: 'must be between 30s and 7d' });
      return z.NEVER;
    }
    return ms;
  });

/** A SHA-256 fingerprint as an operator may paste it (hex, optional colons, optional `sha256:`), kept canonical (64 lowercase hex). */
export const Fingerprint = z
  .string()
  .max(128)
  .transform((v, ctx) => {
    const normalized = normalizeFingerprint(v);
    if (!normalized) {
      ctx.addIssue({ code: 'custom', message: 'is not a SHA-256 fingerprint (64 hex digits, colons allowed)' });
      return z.NEVER;
    }
    return normalized;
  });

export const Tag = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/, 'tags are 1-64 characters: letters, digits and . _ : / -');

/** One apt `-o` setting, `Key::Sub=value`: never an option of its own, never a newline. */
export const AptOption = z
  .string()
  .max(1024)
  .regex(/^[A-Za-z0-9][A-Za-z0-9:_.-]*=[^\r\n\0]*$/, 'must look like Key::Sub=value');

/** Host-local package-manager settings: only this file (or a test) sets them, never the server. */
export const ManagerSettingsFile = z.strictObject({
  apt: z.strictObject({ options: z.array(AptOption).max(64).default([]) }).optional(),
});

/** The JSON config file. Strict: an unknown key is a typo that must not pass silently. */
export const AgentConfigFile = z.strictObject({
  serverUrl: ServerUrl.optional(),
  enrollToken: z.string().min(1).max(256).optional(),
  stateDir: z.string().min(1).max(4096).optional(),
  inventoryInterval: InventoryInterval.optional(),
  logLevel: z.enum(LOG_LEVELS).optional(),
  tags: z.array(Tag).max(64).optional(),
  /** Allow http:// to a server that is not on loopback (the credential then travels in clear). */
  allowInsecureHttp: z.boolean().optional(),
  /** Fingerprint of the server's job-signing key to pin (else trusted on first use at enrollment). */
  serverKey: Fingerprint.optional(),
  /** SHA-256 fingerprint of the server's TLS certificate to pin (a self-signed certificate). */
  serverFingerprint: Fingerprint.optional(),
  managers: ManagerSettingsFile.optional(),
});
export type AgentConfigFile = z.input<typeof AgentConfigFile>;

export function isLoopbackUrl(url: string): boolean {
  return LOOPBACK.test(new URL(url).hostname);
}
