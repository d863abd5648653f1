import type { ChangePasswordRequest, LoginRequest, LoginResponse } from '@patchwave/shared';
import { AUTH_PATHS } from './constants.js';
import { apiRequest } from './client.js';

export const login = (body: LoginRequest) => apiRequest<LoginResponse>('POST', AUTH_PATHS.login, { body, keepSessionOn401: true });

export const logout = () => apiRequest<null>('POST', AUTH_PATHS.logout);

export const changePassword = (body: ChangePasswordRequest) => apiRequest<null>('POST', AUTH_PATHS.password, { body, keepSessionOn401: true });
