/**
 * Who the console acts as. Phase 1: the operator pastes an API token (`pwt_…`), kept in
 * sessionStorage (gone when the tab closes, never in localStorage or a cookie) and sent as
 * `Authorization: Bearer`. Everything that knows how requests are authenticated is in this file,
 * so a cookie session with a CSRF header replaces it here without touching the pages.
 */

const STORAGE_KEY = 'patchwave.apiToken';
const TOKEN_PATTERN = /^pwt_[A-Za-z0-9_-]{43}$/;

export type SignOutReason = 'signed-out' | 'expired';

type Listener = () => void;
const listeners = new Set<Listener>();
let memoryToken: string | null = null;
let lastReason: SignOutReason | null = null;

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    // Storage disabled by the browser: the session lives as long as the page.
    return null;
  }
}

export function currentToken(): string | null {
  return storage()?.getItem(STORAGE_KEY) ?? memoryToken;
}

export function isSignedIn(): boolean {
  return currentToken() !== null;
}

/** A reason to show on the sign-in page (the session expired), cleared once read. */
export function takeSignOutReason(): SignOutReason | null {
  const reason = lastReason;
  lastReason = null;
  return reason;
}

/** A message naming what is wrong with a pasted token, or null when it looks like one. */
export function tokenProblem(token: string): string | null {
  if (token === '') return 'Paste the API token.';
  if (!token.startsWith('pwt_')) return 'An API token starts with "pwt_" (enrollment tokens "pwe_" and agent credentials "pwa_" cannot sign in).';
  if (!TOKEN_PATTERN.test(token)) return 'An API token is "pwt_" followed by 43 letters, digits, "-" or "_".';
  return null;
}

export function signIn(token: string): void {
  const s = storage();
  if (s) s.setItem(STORAGE_KEY, token);
  else memoryToken = token;
  lastReason = null;
  notify();
}

export function signOut(reason: SignOutReason = 'signed-out'): void {
  storage()?.removeItem(STORAGE_KEY);
  memoryToken = null;
  lastReason = reason === 'expired' ? reason : null;
  notify();
}

/** Headers that authenticate a request to the API. */
export function authHeaders(): Record<string, string> {
  const token = currentToken();
  return token ? { authorization: `Bearer ${token}` } : {};
}

export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function notify(): void {
  for (const l of [...listeners]) l();
}
