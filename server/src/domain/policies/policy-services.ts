import { SerialQueue } from '../deployments/serial-queue.js';
import type { PolicyDeps } from './policy-context.js';
import { PolicyRunner } from './policy-runner.js';
import { PolicyService } from './policy-service.js';

/** The policy area as the transports see it: one serial queue orders its changes. */
export interface PolicyServices {
  policies: PolicyService;
  runner: PolicyRunner;
}

export function createPolicyServices(deps: PolicyDeps): PolicyServices {
  const serial = new SerialQueue();
  return { policies: new PolicyService(deps, serial), runner: new PolicyRunner(deps, serial) };
}
