import type { MeResponse, OperatorRole, UserView } from '@patchwave/shared';
import { AUTH_PATHS, CSRF_HEADER } from '../api/constants.js';

/**
 * Who the console acts as: a console session (username and password → an HttpOnly, SameSite=Strict
 * cookie the page cannot read, plus a CSRF token kept in memory only and sent as `x-csrf-token` on
 * every request that changes state). A reload recovers the CSRF token from `GET /auth/me`. Every
 * other module asks this one how to authenticate, so the pages never see a secret.
 */

export type SignOutReason = 'signed-out' | 'expired';

export interface SessionState {
  /** `unknown` until `/auth/me` has answered once (the console shows a blank frame, not a flash of the sign-in form). */
  status: 'unknown' | 'signed-out' | 'signed-in';
  user: UserView | null;
  role: OperatorRole | null;
  csrfToken: string | null;
}

type Listener = () => void;
const listeners = new Set<Listener>();
let state: SessionState = { status: 'unknown', user: null, role: null, csrfToken: null };
let lastReason: SignOutReason | null = null;

export const currentSession = (): SessionState => state;

export function isSignedIn(): boolean {
  return state.status === 'signed-in';
}

/** A reason to show on the sign-in page (the session expired), cleared once read. */
export function takeSignOutReason(): SignOutReason | null {
  const reason = lastReason;
  lastReason = null;
  return reason;
}

function set(next: SessionState): void {
  state = next;
  for (const l of [...listeners]) l();
}

/** Kept after a successful login or `/auth/me` (and after the forced password change). */
export function sessionStarted(me: { user: UserView | null; role: OperatorRole; csrfToken: string | null }): void {
  lastReason = null;
  set({ status: 'signed-in', user: me.user, role: me.role, csrfToken: me.csrfToken });
}

/** The user changed (password changed, profile reloaded): same session, new view of the user. */
export function userChanged(user: UserView): void {
  if (state.status === 'signed-in') set({ ...state, user, role: user.role });
}

/** Forgets the session locally (the server has ended it, or the caller ends it right after). */
export function sessionEnded(reason: SignOutReason = 'signed-out'): void {
  if (state.status === 'signed-out') return;
  lastReason = reason === 'expired' && state.status === 'signed-in' ? reason : null;
  set({ status: 'signed-out', user: null, role: null, csrfToken: null });
}

/** Asks the server who the cookie belongs to; signed out when it answers 401 (or cannot be reached). */
export async function restoreSession(): Promise<void> {
  try {
    const res = await fetch(AUTH_PATHS.me, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
    if (!res.ok) {
      set({ status: 'signed-out', user: null, role: null, csrfToken: null });
      return;
    }
    const me = (await res.json()) as MeResponse;
    sessionStarted(me);
  } catch {
    set({ status: 'signed-out', user: null, role: null, csrfToken: null });
  }
}

/** Headers that authenticate a request: the cookie goes by itself; state changes add the CSRF token. */
export function authHeaders(method: string): Record<string, string> {
  const safe = method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
  return !safe && state.csrfToken ? { [CSRF_HEADER]: state.csrfToken } : {};
}

export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
