/**
 * Stable error codes shared by agent, server, CLI and console.
 * Clients branch on these codes, never on messages. Add codes; never rename or reuse one.
 */
export const ERROR_CODES = [
  // generic
  'E_VALIDATION',
  'E_NOT_FOUND',
  'E_CONFLICT',
  'E_UNAUTHORIZED',
  'E_FORBIDDEN',
  'E_RATE_LIMITED',
  'E_PAYLOAD_TOO_LARGE',
  'E_INTERNAL',
  'E_NOT_SUPPORTED',
  'E_CONFIG_INVALID',
  // enrollment and identity
  'E_TOKEN_INVALID',
  'E_TOKEN_EXPIRED',
  'E_TOKEN_REVOKED',
  'E_TOKEN_EXHAUSTED',
  'E_CREDENTIAL_INVALID',
  // protocol
  'E_BAD_FRAME',
  'E_UNKNOWN_MESSAGE',
  'E_PROTOCOL_VERSION',
  'E_FRAME_TOO_LARGE',
  'E_INVENTORY_BASE_MISMATCH',
  // process execution
  'E_COMMAND_FAILED',
  'E_COMMAND_TIMEOUT',
  'E_COMMAND_NOT_FOUND',
  // package managers
  'E_INVALID_PACKAGE_NAME',
  'E_PKG_LOCKED',
  'E_PKG_NOT_FOUND',
  'E_PKG_NO_UPDATE',
  'E_PKG_HALF_CONFIGURED',
  'E_PKG_SCRIPT_FAILED',
  'E_PKG_DOWNLOAD_FAILED',
  'E_PKG_CONFLICT',
  'E_PKG_PARSE_FAILED',
  'E_PKG_TIMEOUT',
  'E_PKG_FAILED',
  'E_PKG_RETRY',
  'E_ROLLBACK_UNSUPPORTED',
  // jobs
  'E_JOB_EXPIRED',
  'E_JOB_NOT_YET_VALID',
  'E_JOB_REPLAYED',
  'E_JOB_WRONG_DEVICE',
  'E_JOB_BAD_SIGNATURE',
  'E_JOB_INTERRUPTED',
  // deployments
  'E_ILLEGAL_TRANSITION',
  'E_JOB_OUTSIDE_WINDOW',
  'E_JOB_TIMED_OUT',
  // vulnerability feeds
  'E_FEED_INVALID',
  // trust and security (operators, sessions, agent identity, transport)
  'E_CSRF_FAILED',
  'E_LOGIN_LOCKED',
  'E_PASSWORD_CHANGE_REQUIRED',
  'E_ORIGIN_REFUSED',
  'E_DEVICE_NOT_APPROVED',
  'E_DUPLICATE_CONNECTION',
  'E_SERVER_KEY_MISMATCH',
  'E_TLS_PIN_MISMATCH',
  // safe patching (holds, pre-flight checks, health probes, policies)
  'E_PKG_HELD',
  'E_PREFLIGHT_FAILED',
  'E_HEALTH_ALREADY_FAILING',
  'E_HEALTH_CHECK_FAILED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

const codeSet: ReadonlySet<string> = new Set(ERROR_CODES);

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && codeSet.has(value);
}

/** An error that carries a stable code; `details` must be safe to show to an operator. */
export class PatchwaveError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PatchwaveError';
    this.code = code;
    this.details = options?.details;
  }
}
