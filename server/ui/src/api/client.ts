import type { ApiErrorBody } from '@patchwave/shared';
import { authHeaders, signOut } from '../auth/session.js';

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
  /** Authenticate with this token instead of the session's (checking a token before signing in). */
  token?: string;
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
 * shows the sign-in page instead of a broken screen.
 */
export async function apiRequest<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const auth = options.token === undefined ? authHeaders() : { authorization: `Bearer ${options.token}` };
  const headers: Record<string, string> = { accept: 'application/json', ...auth };
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
    if (res.status === 401 && options.token === undefined) signOut('expired');
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
