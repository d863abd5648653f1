import { sql } from 'kysely';
import type { DeviceTrust } from '../../domain/agent-identity/device-trust.js';
import type { AgentCredentialRepository, CredentialMatch } from '../../domain/agent-identity/agent-credential-repository.js';
import type { Db } from './rows.js';
import { iso, toDateOrNull } from './rows.js';

const TRUST_COLUMNS = [
  'id',
  'credential_hash',
  'approved',
  'approved_at',
  'approved_by',
  'credential_revoked_at',
  'credential_revoked_by',
  'credential_rotated_at',
  'credential_rotation_requested_at',
  'pending_credential_hash',
] as const;

interface TrustRow {
  id: string;
  credential_hash: string;
  approved: number;
  approved_at: string | null;
  approved_by: string | null;
  credential_revoked_at: string | null;
  credential_revoked_by: string | null;
  credential_rotated_at: string | null;
  credential_rotation_requested_at: string | null;
  pending_credential_hash: string | null;
}

function toTrust(row: TrustRow): DeviceTrust {
  return {
    deviceId: row.id,
    approved: row.approved === 1,
    approvedAt: toDateOrNull(row.approved_at),
    approvedBy: row.approved_by,
    credentialRevokedAt: toDateOrNull(row.credential_revoked_at),
    credentialRevokedBy: row.credential_revoked_by,
    credentialRotatedAt: toDateOrNull(row.credential_rotated_at),
    rotationRequestedAt: toDateOrNull(row.credential_rotation_requested_at),
    hasPendingCredential: row.pending_credential_hash !== null,
  };
}

/** Credential lifecycle columns of the devices table (0300-access). */
export class SqliteAgentCredentialRepository implements AgentCredentialRepository {
  constructor(private readonly db: Db) {}

  async findByCredentialHash(credentialHash: string): Promise<CredentialMatch | null> {
    const row = await this.db
      .selectFrom('devices')
      .select(TRUST_COLUMNS)
      .where((eb) => eb.or([eb('credential_hash', '=', credentialHash), eb('pending_credential_hash', '=', credentialHash)]))
      .executeTakeFirst();
    if (!row) return null;
    return { deviceId: row.id, matched: row.credential_hash === credentialHash ? 'current' : 'pending', trust: toTrust(row) };
  }

  async getTrust(deviceId: string): Promise<DeviceTrust | null> {
    const row = await this.db.selectFrom('devices').select(TRUST_COLUMNS).where('id', '=', deviceId).executeTakeFirst();
    return row ? toTrust(row) : null;
  }

  async requireApproval(deviceId: string): Promise<void> {
    await this.db.updateTable('devices').set({ approved: 0, approved_at: null, approved_by: null }).where('id', '=', deviceId).execute();
  }

  async approve(deviceId: string, at: Date, by: string): Promise<DeviceTrust | null> {
    await this.db.updateTable('devices').set({ approved: 1, approved_at: iso(at), approved_by: by }).where('id', '=', deviceId).where('approved', '=', 0).execute();
    return this.getTrust(deviceId);
  }

  async revoke(deviceId: string, at: Date, by: string): Promise<DeviceTrust | null> {
    await this.db
      .updateTable('devices')
      .set({ credential_revoked_at: iso(at), credential_revoked_by: by, pending_credential_hash: null, credential_rotation_requested_at: null })
      .where('id', '=', deviceId)
      .where('credential_revoked_at', 'is', null)
      .execute();
    return this.getTrust(deviceId);
  }

  async requestRotation(deviceId: string, at: Date): Promise<DeviceTrust | null> {
    await this.db.updateTable('devices').set({ credential_rotation_requested_at: iso(at) }).where('id', '=', deviceId).execute();
    return this.getTrust(deviceId);
  }

  async setPendingCredential(deviceId: string, credentialHash: string): Promise<void> {
    await this.db.updateTable('devices').set({ pending_credential_hash: credentialHash }).where('id', '=', deviceId).execute();
  }

  async promotePending(deviceId: string, at: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('devices')
      .set(() => ({
        credential_hash: sql<string>`pending_credential_hash`,
        pending_credential_hash: null,
        credential_rotated_at: iso(at),
        credential_rotation_requested_at: null,
      }))
      .where('id', '=', deviceId)
      .where('pending_credential_hash', 'is not', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
