import type { AccessRepositories } from './access-repositories.js';
import type { ApiTokenRepository } from './api-tokens/api-token-repository.js';
import type { AuditRepository } from './audit/audit-repository.js';
import type { DeploymentRepositories } from './deployments/ports.js';
import type { DeviceRepository } from './devices/device-repository.js';
import type { EnrollmentTokenRepository } from './enrollment/enrollment-token-repository.js';
import type { GroupSafetyRepository } from './group-safety/group-safety-repository.js';
import type { InventoryRepository } from './inventory/inventory-repository.js';
import type { PolicyRepositories } from './policies/ports.js';
import type { VulnerabilityRepositories } from './vulnerabilities/ports.js';

/** Every repository, bound to one connection or one transaction. */
export interface Repositories extends DeploymentRepositories, AccessRepositories, VulnerabilityRepositories, PolicyRepositories {
  devices: DeviceRepository;
  inventory: InventoryRepository;
  enrollmentTokens: EnrollmentTokenRepository;
  apiTokens: ApiTokenRepository;
  audit: AuditRepository;
  groupSafety: GroupSafetyRepository;
}

/**
 * The storage port of the domain. `transaction` runs `fn` with repositories bound to one
 * transaction: committed when `fn` resolves, rolled back when it throws. Inside `fn` use only the
 * repositories it is given.
 */
export interface Store extends Repositories {
  transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T>;
  /** Throws when the database cannot be reached (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
