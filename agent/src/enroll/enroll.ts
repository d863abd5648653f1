import { ApiErrorBody, ENROLL_PATH, EnrollResponse, PatchwaveError, type DeviceFacts, type ErrorCode, type ServerKeyring } from '@patchwave/shared';
import type { Logger } from 'pino';
import { Backoff, type RandomSource } from '../connection/backoff.js';
import type { Clock } from '../connection/clock.js';
import type { AgentIdentity } from '../state/state-store.js';

export interface EnrollOptions {
  serverUrl: string;
  token: string;
  facts: DeviceFacts;
  agentVersion: string;
  tags?: string[];
  clock: Clock;
  random: RandomSource;
  log: Logger;
  /** Injected for tests; global fetch by default. */
  fetch?: typeof fetch;
  /** Stop retrying network errors after this many attempts (default: never stop). */
  maxAttempts?: number;
  signal?: AbortSignal;
}

const TOKEN_HINT: Partial<Record<ErrorCode, string>> = {
  E_TOKEN_INVALID: 'the enrollment token is not known to the server (check for a typo, or create one with `patchwave token create`)',
  E_TOKEN_EXPIRED: 'the enrollment token has expired: create a new one with `patchwave token create --expires …`',
  E_TOKEN_REVOKED: 'the enrollment token was revoked: ask an operator for a new one',
  E_TOKEN_EXHAUSTED: 'the enrollment token has been used as often as it allows (--max-uses): create a new one',
};

/** Refusals that no retry will fix: a bad token or a bad request. */
export class EnrollmentRefused extends PatchwaveError {
  constructor(code: ErrorCode, message: string, readonly status: number) {
    super(code, message, { details: { status } });
    this.name = 'EnrollmentRefused';
  }
}

function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clock.clearTimeout(handle);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

async function refusal(res: Response): Promise<EnrollmentRefused> {
  const text = await res.text().catch(() => '');
  let body: ApiErrorBody | undefined;
  try {
    const parsed = ApiErrorBody.safeParse(JSON.parse(text));
    if (parsed.success) body = parsed.data;
  } catch {
    body = undefined; // not JSON: described by the status below
  }
  const code = body?.error.code ?? (res.status === 401 ? 'E_TOKEN_INVALID' : 'E_VALIDATION');
  const hint = res.status === 401 ? (TOKEN_HINT[code] ?? body?.error.message ?? 'the server refused the enrollment token') : undefined;
  const message = hint ?? `server refused enrollment (HTTP ${res.status}): ${body?.error.message ?? text.slice(0, 300)}`;
  return new EnrollmentRefused(code, `enrollment failed: ${message}`, res.status);
}

/**
 * Exchanges the enrollment token for this device's credential (POST /api/v1/enroll). A refused
 * token fails at once with a message saying which token problem it is; network errors and server
 * errors (5xx, 429) are retried with full-jitter backoff on the injected clock.
 */
/** The identity to store, plus the server's signing keys from the answer (pinned by the trust module, not stored here). */
export type EnrolledIdentity = AgentIdentity & { serverKeys?: ServerKeyring };

export async function enroll(options: EnrollOptions): Promise<EnrolledIdentity> {
  const doFetch = options.fetch ?? fetch;
  const url = `${options.serverUrl.replace(/\/+$/, '')}${ENROLL_PATH}`;
  const backoff = new Backoff({ random: options.random });
  const body = JSON.stringify({ token: options.token, facts: options.facts, agentVersion: options.agentVersion, ...(options.tags?.length ? { tags: options.tags } : {}) });
  for (let attempt = 1; ; attempt++) {
    let retryReason: string;
    try {
      const res = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body,
        signal: options.signal ?? null,
      });
      if (res.ok) {
        const parsed = EnrollResponse.safeParse(await res.json().catch(() => undefined));
        if (!parsed.success) {
          throw new PatchwaveError('E_VALIDATION', `enrollment answer from ${url} is not an EnrollResponse: ${parsed.error.issues[0]?.message ?? ''}`);
        }
        options.log.info({ deviceId: parsed.data.deviceId }, 'enrolled');
        return {
          deviceId: parsed.data.deviceId,
          credential: parsed.data.credential,
          serverUrl: options.serverUrl,
          enrolledAt: new Date(options.clock.now()).toISOString(),
          ...(parsed.data.serverKeys ? { serverKeys: parsed.data.serverKeys } : {}),
        };
      }
      if (res.status < 500 && res.status !== 429 && res.status !== 408) throw await refusal(res);
      retryReason = `HTTP ${res.status}`;
      await res.body?.cancel();
    } catch (err) {
      if (err instanceof PatchwaveError || options.signal?.aborted) throw err;
      const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
      retryReason = cause?.code ?? cause?.message ?? (err as Error).message;
    }
    if (options.maxAttempts !== undefined && attempt >= options.maxAttempts) {
      throw new PatchwaveError('E_INTERNAL', `enrollment failed: server ${options.serverUrl} unreachable after ${attempt} attempts (${retryReason})`);
    }
    const delayMs = backoff.next();
    options.log.warn({ attempt, delayMs, reason: retryReason, server: options.serverUrl }, 'enrollment attempt failed; retrying');
    await sleep(options.clock, delayMs, options.signal);
  }
}
