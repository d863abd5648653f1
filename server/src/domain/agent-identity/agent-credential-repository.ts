import type { DeviceTrust } from './device-trust.js';

export interface CredentialMatch {
  deviceId: string;
  /** `pending`: the hash is the new credential of a rotation not yet confirmed. */
  matched: 'current' | 'pending';
  trust: DeviceTrust;
}

/** Agent credentials and approval, stored with the device. */
export interface AgentCredentialRepository {
  findByCredentialHash(credentialHash: string): Promise<CredentialMatch | null>;
  getTrust(deviceId: string): Promise<DeviceTrust | null>;
  /** Marks a freshly enrolled device as waiting for approval. */
  requireApproval(deviceId: string): Promise<void>;
  approve(deviceId: string, at: Date, by: string): Promise<DeviceTrust | null>;
  /** Revokes once (a second revoke keeps the first time). */
  revoke(deviceId: string, at: Date, by: string): Promise<DeviceTrust | null>;
  requestRotation(deviceId: string, at: Date): Promise<DeviceTrust | null>;
  /** Stores the hash of a newly issued credential next to the current one (replacing an earlier pending one). */
  setPendingCredential(deviceId: string, credentialHash: string): Promise<void>;
  /** The pending credential becomes the only one; false when there was none. */
  promotePending(deviceId: string, at: Date): Promise<boolean>;
}
