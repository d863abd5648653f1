import type {
  ApproveDeploymentRequest,
  DeploymentList,
  DeploymentPlanView,
  DeploymentSpecInput,
  DeploymentState,
  DeploymentView,
  DeviceJobList,
  DeviceJobState,
  ResumeDeploymentRequest,
  RollbackRequest,
  RollbackView,
  SkipGatesRequest,
} from '@patchwave/shared';
import { apiRequest } from './client.js';

const base = '/api/v1/deployments';
const one = (id: string) => `${base}/${encodeURIComponent(id)}`;
const sig = (signal?: AbortSignal) => (signal ? { signal } : {});

export const listDeployments = (query: { states?: readonly DeploymentState[]; limit?: number; offset?: number }, signal?: AbortSignal) =>
  apiRequest<DeploymentList>('GET', base, { query: { state: query.states?.join(','), limit: query.limit, offset: query.offset }, ...sig(signal) });

export const createDeployment = (spec: DeploymentSpecInput) => apiRequest<DeploymentView>('POST', base, { body: spec });

export const getDeployment = (id: string, signal?: AbortSignal) => apiRequest<DeploymentView>('GET', one(id), sig(signal));

export const requestPlan = (id: string) => apiRequest<DeploymentPlanView>('POST', `${one(id)}/plan`);

export const getPlan = (id: string, signal?: AbortSignal) => apiRequest<DeploymentPlanView>('GET', `${one(id)}/plan`, sig(signal));

export const approveDeployment = (id: string, body: ApproveDeploymentRequest) => apiRequest<DeploymentView>('POST', `${one(id)}/approve`, { body });

export const startDeployment = (id: string, reason?: string) => apiRequest<DeploymentView>('POST', `${one(id)}/start`, { body: reason ? { reason } : {} });

export const pauseDeployment = (id: string, reason: string) => apiRequest<DeploymentView>('POST', `${one(id)}/pause`, { body: { reason } });

export const resumeDeployment = (id: string, body: ResumeDeploymentRequest) => apiRequest<DeploymentView>('POST', `${one(id)}/resume`, { body });

export const abortDeployment = (id: string, reason: string) => apiRequest<DeploymentView>('POST', `${one(id)}/abort`, { body: { reason } });

export const skipGates = (id: string, body: SkipGatesRequest) => apiRequest<DeploymentView>('POST', `${one(id)}/skip-gate`, { body });

export const rollbackDeployment = (id: string, body: RollbackRequest) => apiRequest<RollbackView>('POST', `${one(id)}/rollback`, { body });

export const listDeviceJobs = (id: string, query: { wave?: number; state?: DeviceJobState; kind?: 'apply' | 'rollback' | 'plan' }, signal?: AbortSignal) =>
  apiRequest<DeviceJobList>('GET', `${one(id)}/devices`, { query: { ...query }, ...sig(signal) });

/** The live stream of one deployment (server-sent events; the session cookie authenticates it). */
export const deploymentEventsUrl = (id: string) => `${one(id)}/events`;
