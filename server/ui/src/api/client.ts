import type { ApiErrorBody } from '@patchwave/shared';
import { authHeaders, restoreSession, sessionEnded } from '../auth/session.js';

/** A failed API call: the HTTP status and the server's stable error code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type QueryValue = string | number | boolean | undefined | null;
export type Query = Record<string, QueryValue>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  /** A 401 means "wrong credentials" here (sign-in, password change), not "the session ended". */
  keepSessionOn401?: boolean;
}

/** `?a=1&b=x` from the defined, non-empty values. */
export function queryString(query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

/**
 * Calls the REST API. Responses are typed by the caller with the shared API schemas' types; a
 * non-2xx answer becomes an ApiError with the server's code. A 401 ends the session, so the app
 * shows the sign-in page instead of a broken screen. The session cookie goes with every request;
 * state changes carry the CSRF token (auth/session.ts).
 */
export async function apiRequest<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...authHeaders(method) };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`${path}${queryString(options.query)}`, {
      method,
      headers,
      body: options.body === undefined ? null : JSON.stringify(options.body),
      credentials: 'same-origin',
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'E_NETWORK', 'The server could not be reached. Is it running?');
  }
  const text = await res.text();
  const json = text === '' ? undefined : parseJson(text);
  if (!res.ok) {
    const body = json as Partial<ApiErrorBody> | undefined;
    const error = body?.error;
    if (res.status === 401 && !options.keepSessionOn401) sessionEnded('expired');
    // The account must change its one-time password first: /auth/me says so and the app asks for it.
    if (error?.code === 'E_PASSWORD_CHANGE_REQUIRED') void restoreSession();
    throw new ApiError(res.status, error?.code ?? `HTTP_${res.status}`, error?.message ?? `${method} ${path} failed with HTTP ${res.status}`, error?.details);
  }
  return json as T;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(0, 'E_BAD_RESPONSE', 'The server sent a response that is not JSON.');
  }
}

export const isAbort = (err: unknown): boolean => err instanceof DOMException && err.name === 'AbortError';

/** One field the server refused: `path` is dotted (`waves.1.gates.minSuccessRate`), without the `body.` prefix. */
export interface FieldIssue {
  path: string;
  message: string;
}

/**
 * The field-level issues of a 400 answer. Schema validation names paths from the request part
 * (`body.waves.0.name`), the domain's checks from the spec (`waves.0.name`); both become the latter.
 */
export function issuesOf(err: unknown): FieldIssue[] {
  if (!(err instanceof ApiError)) return [];
  const details = err.details as { issues?: unknown } | undefined;
  if (!details || !Array.isArray(details.issues)) return [];
  return details.issues
    .filter((i): i is FieldIssue => typeof i === 'object' && i !== null && typeof (i as FieldIssue).path === 'string' && typeof (i as FieldIssue).message === 'string')
    .map((i) => ({ path: i.path === 'body' ? '(spec)' : i.path.replace(/^body\./, ''), message: i.message }));
}
