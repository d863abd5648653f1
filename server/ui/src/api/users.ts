import type { CreateUserRequest, UpdateUserRequest, UserView, UserWithPassword } from '@patchwave/shared';
import { apiRequest } from './client.js';

const base = '/api/v1/users';
const one = (id: string) => `${base}/${encodeURIComponent(id)}`;

export const listUsers = (signal?: AbortSignal) => apiRequest<{ items: UserView[] }>('GET', base, signal ? { signal } : {});

export const createUser = (body: CreateUserRequest) => apiRequest<UserWithPassword>('POST', base, { body });

export const updateUser = (id: string, body: UpdateUserRequest) => apiRequest<UserView>('PATCH', one(id), { body });

export const resetPassword = (id: string, password?: string) => apiRequest<UserWithPassword>('POST', `${one(id)}/reset-password`, { body: password ? { password } : {} });
