import type { OperatorRole } from '@patchwave/shared';
import { useEffect, useState } from 'preact/hooks';
import { currentSession, onSessionChange } from './session.js';

/**
 * What a role may do, as the server's access rules say it (server/src/http/access-control.ts:
 * admin may do everything, every role may read, otherwise the route's role must match). The
 * console hides or disables what the role cannot do; the server stays the authority and refuses
 * with 403 whatever slips through.
 */
export type Permission =
  /** Create, dry-run, start, pause, resume, abort, roll back deployments; edit device labels. */
  | 'deploy'
  /** Approve deployments (not one's own), accept risks, mark findings not affected. */
  | 'approve'
  /** Users, enrollment tokens, API tokens. */
  | 'admin';

const NEEDS: Record<Permission, OperatorRole> = { deploy: 'operator', approve: 'approver', admin: 'admin' };

export function can(role: OperatorRole | null, permission: Permission): boolean {
  if (role === null) return false;
  return role === 'admin' || role === NEEDS[permission];
}

export const ROLE_LABELS: Record<OperatorRole, string> = {
  admin: 'admin — users, tokens and everything operators and approvers do',
  operator: 'operator — builds, starts and steers deployments, edits device labels',
  approver: 'approver — approves deployments (not their own) and accepts risks',
  auditor: 'auditor — reads everything, changes nothing',
};

/** The signed-in role, re-rendered when it changes. */
export function useRole(): OperatorRole | null {
  const [role, setRole] = useState(() => currentSession().role);
  useEffect(() => onSessionChange(() => setRole(currentSession().role)), []);
  return role;
}

/** Whether the signed-in user may do this. */
export function useCan(permission: Permission): boolean {
  return can(useRole(), permission);
}
