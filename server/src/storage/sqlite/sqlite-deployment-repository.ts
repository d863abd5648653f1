import type { DeploymentSpec, DeploymentState } from '@patchwave/shared';
import type { Page } from '../../domain/paging.js';
import type { DeploymentPatch, DeploymentQuery, DeploymentRecord, DeploymentRepository, NewDeployment } from '../../domain/deployments/ports.js';
import type { Db } from './rows.js';
import { iso, isoOrNull, toDate, toDateOrNull } from './rows.js';
import type { DeploymentsTable } from './schema-deployments.js';
import { conflictAs } from './sqlite-conflict.js';

function toRecord(row: DeploymentsTable): DeploymentRecord {
  return {
    id: row.id,
    name: row.name,
    spec: JSON.parse(row.spec_json) as DeploymentSpec,
    state: row.state as DeploymentState,
    currentWave: row.current_wave,
    createdBy: row.created_by,
    creatorIdentity: row.creator_identity ?? row.created_by,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
    approvedBy: row.approved_by,
    approvedAt: toDateOrNull(row.approved_at),
    approvalComment: row.approval_comment,
    changeRecord: row.change_record,
    haltReason: row.halt_reason,
    startedAt: toDateOrNull(row.started_at),
    finishedAt: toDateOrNull(row.finished_at),
    targetCount: row.target_count,
    unassignedCount: row.unassigned_count,
    revision: row.revision,
  };
}

/** Column values of a patch; keys that are absent stay untouched. */
function patchColumns(p: DeploymentPatch): Partial<DeploymentsTable> {
  const out: Partial<DeploymentsTable> = { updated_at: iso(p.updatedAt) };
  if (p.state !== undefined) out.state = p.state;
  if (p.currentWave !== undefined) out.current_wave = p.currentWave;
  if (p.approvedBy !== undefined) out.approved_by = p.approvedBy;
  if (p.approvedAt !== undefined) out.approved_at = isoOrNull(p.approvedAt);
  if (p.approvalComment !== undefined) out.approval_comment = p.approvalComment;
  if (p.changeRecord !== undefined) out.change_record = p.changeRecord;
  if (p.haltReason !== undefined) out.halt_reason = p.haltReason;
  if (p.startedAt !== undefined) out.started_at = isoOrNull(p.startedAt);
  if (p.finishedAt !== undefined) out.finished_at = isoOrNull(p.finishedAt);
  if (p.targetCount !== undefined) out.target_count = p.targetCount;
  if (p.unassignedCount !== undefined) out.unassigned_count = p.unassignedCount;
  return out;
}

export class SqliteDeploymentRepository implements DeploymentRepository {
  constructor(private readonly db: Db) {}

  async insert(d: NewDeployment): Promise<DeploymentRecord> {
    const at = iso(d.createdAt);
    const row = await conflictAs(`deployment ${d.id} already exists`, () =>
      this.db
        .insertInto('deployments')
        .values({
          id: d.id,
          name: d.name,
          spec_json: JSON.stringify(d.spec),
          state: 'draft',
          current_wave: null,
          created_by: d.createdBy,
          creator_identity: d.creatorIdentity ?? d.createdBy,
          created_at: at,
          updated_at: at,
          approved_by: null,
          approved_at: null,
          approval_comment: null,
          change_record: d.changeRecord ?? null,
          halt_reason: null,
          started_at: null,
          finished_at: null,
          target_count: 0,
          unassigned_count: 0,
          revision: 1,
        })
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
    return toRecord(row);
  }

  async get(id: string): Promise<DeploymentRecord | null> {
    const row = await this.db.selectFrom('deployments').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async list(query: DeploymentQuery): Promise<Page<DeploymentRecord>> {
    let base = this.db.selectFrom('deployments');
    if (query.states) base = base.where('state', 'in', query.states.length ? [...query.states] : ['(none)']);
    const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await base.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.limit).offset(query.offset).execute();
    return { items: rows.map(toRecord), total: Number(total.n), limit: query.limit, offset: query.offset };
  }

  async update(id: string, expectedRevision: number, patch: DeploymentPatch): Promise<DeploymentRecord | null> {
    const row = await this.db
      .updateTable('deployments')
      .set({ ...patchColumns(patch), revision: expectedRevision + 1 })
      .where('id', '=', id)
      .where('revision', '=', expectedRevision)
      .returningAll()
      .executeTakeFirst();
    return row ? toRecord(row) : null;
  }
}
