import type { ApiErrorBody, ErrorCode } from '@patchwave/shared';

/**
 * The one place that maps error codes to HTTP statuses. A coded error that is not listed here is a
 * deliberate refusal of the request and answers 400; only uncoded failures answer 500.
 */
const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  E_VALIDATION: 400,
  E_CONFIG_INVALID: 400,
  E_BAD_FRAME: 400,
  E_UNAUTHORIZED: 401,
  E_TOKEN_INVALID: 401,
  E_TOKEN_EXPIRED: 401,
  E_TOKEN_REVOKED: 401,
  E_TOKEN_EXHAUSTED: 401,
  E_CREDENTIAL_INVALID: 401,
  E_FORBIDDEN: 403,
  E_NOT_FOUND: 404,
  E_CONFLICT: 409,
  E_ILLEGAL_TRANSITION: 409,
  E_PAYLOAD_TOO_LARGE: 413,
  E_RATE_LIMITED: 429,
  E_INTERNAL: 500,
  E_NOT_SUPPORTED: 501,
  E_CSRF_FAILED: 403,
  E_ORIGIN_REFUSED: 403,
  E_PASSWORD_CHANGE_REQUIRED: 403,
  E_LOGIN_LOCKED: 429,
  E_DEVICE_NOT_APPROVED: 409,
  E_DUPLICATE_CONNECTION: 409,
  /** A deployment names a package a target's group holds. */
  E_PKG_HELD: 409,
};

export function statusForCode(code: ErrorCode): number {
  return STATUS_BY_CODE[code] ?? 400;
}

/** Fastify's own errors (body parsing, limits) by their status, as codes. */
export function codeForStatus(status: number): ErrorCode {
  if (status === 401) return 'E_UNAUTHORIZED';
  if (status === 403) return 'E_FORBIDDEN';
  if (status === 404) return 'E_NOT_FOUND';
  if (status === 409) return 'E_CONFLICT';
  if (status === 413) return 'E_PAYLOAD_TOO_LARGE';
  if (status === 429) return 'E_RATE_LIMITED';
  if (status >= 500) return 'E_INTERNAL';
  return 'E_VALIDATION';
}

export function errorBody(code: ErrorCode, message: string, details?: unknown): ApiErrorBody {
  return details === undefined ? { error: { code, message } } : { error: { code, message, details } };
}
