import type {
  AUTH_PATHS as SharedAuthPaths,
  CSRF_HEADER as SharedCsrfHeader,
  DEPLOYMENT_STATES as SharedDeploymentStates,
  GATE_NAMES as SharedGateNames,
  OPERATOR_ROLES as SharedRoles,
  PASSWORD_MIN_LENGTH as SharedPasswordMin,
} from '@patchwave/shared';

/**
 * Constants of the shared contract the console needs at run time. Importing them from
 * @patchwave/shared would pull zod and every schema into the bundle, so they are repeated here and
 * `satisfies typeof …` makes the type checker fail the build the moment they drift apart.
 */
export const AUTH_PATHS = {
  login: '/api/v1/auth/login',
  logout: '/api/v1/auth/logout',
  me: '/api/v1/auth/me',
  csrf: '/api/v1/auth/csrf',
  password: '/api/v1/auth/password',
} as const satisfies typeof SharedAuthPaths;

export const CSRF_HEADER = 'x-csrf-token' satisfies typeof SharedCsrfHeader;

export const PASSWORD_MIN_LENGTH = 12 satisfies typeof SharedPasswordMin;

export const DEPLOYMENT_STATES = ['draft', 'awaiting_approval', 'scheduled', 'running', 'paused', 'halted', 'completed', 'aborted'] as const satisfies typeof SharedDeploymentStates;

export const GATE_NAMES = ['completion', 'minSample', 'successRate', 'failureBudget', 'soak', 'health'] as const satisfies typeof SharedGateNames;

export const OPERATOR_ROLES = ['admin', 'operator', 'approver', 'auditor'] as const satisfies typeof SharedRoles;
