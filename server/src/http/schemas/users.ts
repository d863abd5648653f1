import type { UserView } from '@patchwave/shared';
import type { User } from '../../domain/users/user.js';
import { isLocked } from '../../domain/users/user.js';

export function userView(user: User, now: Date): UserView {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    disabled: user.disabledAt !== null,
    mustChangePassword: user.mustChangePassword,
    createdAt: user.createdAt.toISOString(),
    createdBy: user.createdBy,
    lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
    lockedUntil: isLocked(user, now) ? (user.lockedUntil as Date).toISOString() : null,
  };
}
