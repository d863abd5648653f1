import { ApiTokenService } from './domain/api-tokens/api-token-service.js';
import { AuditLog } from './domain/audit/audit-log.js';
import type { Clock } from './domain/clock.js';
import { DeviceService } from './domain/devices/device-service.js';
import { EnrollmentService } from './domain/enrollment/enrollment-service.js';
import { InventoryService } from './domain/inventory/inventory-service.js';
import type { Store } from './domain/store.js';

/** The domain services the transports (REST, WebSocket, CLI) call. */
export interface Services {
  audit: AuditLog;
  devices: DeviceService;
  inventory: InventoryService;
  enrollment: EnrollmentService;
  apiTokens: ApiTokenService;
}

export function createServices(store: Store, clock: Clock): Services {
  const audit = new AuditLog(store.audit, clock);
  return {
    audit,
    devices: new DeviceService(store, audit, clock),
    inventory: new InventoryService(store, clock),
    enrollment: new EnrollmentService(store, audit, clock),
    apiTokens: new ApiTokenService(store, audit, clock),
  };
}
