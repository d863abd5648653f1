import { ApiTokenService } from './domain/api-tokens/api-token-service.js';
import { AuditLog } from './domain/audit/audit-log.js';
import type { Clock } from './domain/clock.js';
import { DeviceService } from './domain/devices/device-service.js';
import { EnrollmentService } from './domain/enrollment/enrollment-service.js';
import { GroupSafetyService } from './domain/group-safety/group-safety-service.js';
import { InventoryService } from './domain/inventory/inventory-service.js';
import type { Store } from './domain/store.js';
import { AgentIdentityService } from './domain/agent-identity/agent-identity-service.js';
import type { SessionPolicy } from './domain/sessions/session.js';
import { SessionService } from './domain/sessions/session-service.js';
import type { UserServiceOptions } from './domain/users/user-service.js';
import { UserService } from './domain/users/user-service.js';

/** The domain services the transports (REST, WebSocket, CLI) call. */
export interface Services {
  audit: AuditLog;
  devices: DeviceService;
  inventory: InventoryService;
  enrollment: EnrollmentService;
  apiTokens: ApiTokenService;
  users: UserService;
  sessions: SessionService;
  agentIdentity: AgentIdentityService;
  /** Holds, health probes and pre-flight checks per device group. */
  groupSafety: GroupSafetyService;
}

/** Tunables of the trust services (config `security`); defaults when omitted. */
export interface ServiceOptions {
  sessions?: Partial<SessionPolicy>;
  users?: UserServiceOptions;
}

export function createServices(store: Store, clock: Clock, options: ServiceOptions = {}): Services {
  const audit = new AuditLog(store.audit, clock);
  return {
    audit,
    devices: new DeviceService(store, audit, clock),
    inventory: new InventoryService(store, clock),
    enrollment: new EnrollmentService(store, audit, clock),
    apiTokens: new ApiTokenService(store, audit, clock),
    users: new UserService(store, audit, clock, options.users),
    sessions: new SessionService(store, audit, clock, options.sessions),
    agentIdentity: new AgentIdentityService(store, audit, clock),
    groupSafety: new GroupSafetyService(store, audit, clock),
  };
}
