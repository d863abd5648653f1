/**
 * The trust state of an enrolled device: whether an operator approved it (enrollment tokens may
 * require approval), whether its credential was revoked, and where a credential rotation stands.
 */
export interface DeviceTrust {
  deviceId: string;
  approved: boolean;
  approvedAt: Date | null;
  approvedBy: string | null;
  credentialRevokedAt: Date | null;
  credentialRevokedBy: string | null;
  credentialRotatedAt: Date | null;
  /** An operator asked for a new credential; cleared once the agent uses or acknowledges it. */
  rotationRequestedAt: Date | null;
  /** A new credential was issued and not yet confirmed; both the old and the new one are accepted. */
  hasPendingCredential: boolean;
}

/**
 * May the orchestrator send this device jobs? Only when an operator approved it (or its token did
 * not require approval) and its credential was not revoked. Deployments must call this for every
 * target before offering a job; a refused device is reported, not silently skipped.
 */
export function deviceMayReceiveJobs(device: { approved: boolean; credentialRevokedAt: Date | null }): boolean {
  return device.approved && device.credentialRevokedAt === null;
}

/** Why `deviceMayReceiveJobs` said no, for the operator (null when it said yes). */
export function jobRefusalReason(device: { approved: boolean; credentialRevokedAt: Date | null }): string | null {
  if (device.credentialRevokedAt) return 'the device credential was revoked';
  if (!device.approved) return 'the device waits for an operator to approve it (its enrollment token requires approval)';
  return null;
}
