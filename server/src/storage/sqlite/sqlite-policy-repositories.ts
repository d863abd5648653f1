import type { PolicySpec, PolicyState } from '@patchwave/shared';
import type {
  PolicyRecord,
  PolicyRepositories,
  PolicyRepository,
  PolicyRunPatch,
  PolicyRunRecord,
  PolicyRunRepository,
  PolicyScheduleMarks,
  UpdateSightings,
} from '../../domain/policies/ports.js';
import { firstSeenKey } from '../../domain/policies/update-selection.js';
import { iso, isoOrNull, parseJson, toDate, toDateOrNull, type Db } from './rows.js';
import type { PoliciesTable, PolicyRunsTable } from './schema-policies.js';

function toPolicy(r: PoliciesTable): PolicyRecord {
  return {
    id: r.id,
    name: r.name,
    spec: JSON.parse(r.spec_json) as PolicySpec,
    state: r.state as PolicyState,
    createdBy: r.created_by,
    createdAt: toDate(r.created_at),
    updatedAt: toDate(r.updated_at),
    scheduleSince: toDate(r.schedule_since),
    pausedAt: toDateOrNull(r.paused_at),
    pausedBy: r.paused_by,
    pauseReason: r.pause_reason,
    pausedDeployments: parseJson<string[]>(r.paused_deployments_json, []),
    revision: r.revision,
  };
}

export class SqlitePolicyRepository implements PolicyRepository {
  constructor(private readonly db: Db) {}

  async insert(p: Omit<PolicyRecord, 'revision'>): Promise<PolicyRecord> {
    const row: PoliciesTable = {
      id: p.id,
      name: p.name,
      spec_json: JSON.stringify(p.spec),
      state: p.state,
      created_by: p.createdBy,
      created_at: iso(p.createdAt),
      updated_at: iso(p.updatedAt),
      schedule_since: iso(p.scheduleSince),
      paused_at: isoOrNull(p.pausedAt),
      paused_by: p.pausedBy,
      pause_reason: p.pauseReason,
      paused_deployments_json: JSON.stringify(p.pausedDeployments),
      revision: 1,
    };
    await this.db.insertInto('policies').values(row).execute();
    return toPolicy(row);
  }

  async get(id: string): Promise<PolicyRecord | null> {
    const r = await this.db.selectFrom('policies').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toPolicy(r) : null;
  }

  async list(): Promise<PolicyRecord[]> {
    return (await this.db.selectFrom('policies').selectAll().orderBy('name').orderBy('id').execute()).map(toPolicy);
  }

  async update(id: string, revision: number, patch: Parameters<PolicyRepository['update']>[2]): Promise<PolicyRecord | null> {
    const set: Partial<PoliciesTable> = { revision: revision + 1 };
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.spec !== undefined) set.spec_json = JSON.stringify(patch.spec);
    if (patch.state !== undefined) set.state = patch.state;
    if (patch.updatedAt !== undefined) set.updated_at = iso(patch.updatedAt);
    if (patch.scheduleSince !== undefined) set.schedule_since = iso(patch.scheduleSince);
    if (patch.pausedAt !== undefined) set.paused_at = isoOrNull(patch.pausedAt);
    if (patch.pausedBy !== undefined) set.paused_by = patch.pausedBy;
    if (patch.pauseReason !== undefined) set.pause_reason = patch.pauseReason;
    if (patch.pausedDeployments !== undefined) set.paused_deployments_json = JSON.stringify(patch.pausedDeployments);
    const res = await this.db.updateTable('policies').set(set).where('id', '=', id).where('revision', '=', revision).executeTakeFirst();
    return Number(res.numUpdatedRows) === 1 ? this.get(id) : null;
  }

  async delete(id: string): Promise<boolean> {
    await this.db.deleteFrom('policy_schedule_marks').where('policy_id', '=', id).execute();
    const res = await this.db.deleteFrom('policies').where('id', '=', id).executeTakeFirst();
    return Number(res.numDeletedRows) === 1;
  }
}

function toRun(r: PolicyRunsTable): PolicyRunRecord {
  return {
    id: r.id,
    policyId: r.policy_id,
    trigger: r.trigger as PolicyRunRecord['trigger'],
    timeZones: JSON.parse(r.time_zones_json) as string[],
    scheduledFor: toDateOrNull(r.scheduled_for),
    startedAt: toDate(r.started_at),
    finishedAt: toDateOrNull(r.finished_at),
    outcome: r.outcome as PolicyRunRecord['outcome'],
    deploymentId: r.deployment_id,
    devices: r.devices,
    packages: r.packages,
    deferred: r.deferred,
    expedited: r.expedited,
    reasons: JSON.parse(r.reasons_json) as string[],
    blockers: JSON.parse(r.blockers_json) as PolicyRunRecord['blockers'],
    selection: JSON.parse(r.selection_json) as PolicyRunRecord['selection'],
  };
}

export class SqlitePolicyRunRepository implements PolicyRunRepository {
  constructor(private readonly db: Db) {}

  async insert(run: PolicyRunRecord): Promise<void> {
    await this.db
      .insertInto('policy_runs')
      .values({
        id: run.id,
        policy_id: run.policyId,
        trigger: run.trigger,
        time_zones_json: JSON.stringify(run.timeZones),
        scheduled_for: isoOrNull(run.scheduledFor),
        started_at: iso(run.startedAt),
        finished_at: isoOrNull(run.finishedAt),
        outcome: run.outcome,
        deployment_id: run.deploymentId,
        devices: run.devices,
        packages: run.packages,
        deferred: run.deferred,
        expedited: run.expedited,
        reasons_json: JSON.stringify(run.reasons),
        blockers_json: JSON.stringify(run.blockers),
        selection_json: JSON.stringify(run.selection),
      })
      .execute();
  }

  async get(id: string): Promise<PolicyRunRecord | null> {
    const r = await this.db.selectFrom('policy_runs').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toRun(r) : null;
  }

  async update(id: string, patch: PolicyRunPatch): Promise<PolicyRunRecord | null> {
    const set: Partial<PolicyRunsTable> = {};
    if (patch.finishedAt !== undefined) set.finished_at = isoOrNull(patch.finishedAt);
    if (patch.outcome !== undefined) set.outcome = patch.outcome;
    if (patch.deploymentId !== undefined) set.deployment_id = patch.deploymentId;
    if (patch.reasons !== undefined) set.reasons_json = JSON.stringify(patch.reasons);
    if (patch.blockers !== undefined) set.blockers_json = JSON.stringify(patch.blockers);
    if (Object.keys(set).length > 0) await this.db.updateTable('policy_runs').set(set).where('id', '=', id).execute();
    return this.get(id);
  }

  async list(policyId: string, page: { limit: number; offset: number }): Promise<{ items: PolicyRunRecord[]; total: number }> {
    const rows = await this.db
      .selectFrom('policy_runs')
      .selectAll()
      .where('policy_id', '=', policyId)
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute();
    const total = await this.db.selectFrom('policy_runs').select((eb) => eb.fn.countAll<number>().as('n')).where('policy_id', '=', policyId).executeTakeFirstOrThrow();
    return { items: rows.map(toRun), total: Number(total.n) };
  }

  async listAwaitingPlan(): Promise<PolicyRunRecord[]> {
    return (await this.db.selectFrom('policy_runs').selectAll().where('outcome', '=', 'awaiting-plan').orderBy('started_at').orderBy('id').execute()).map(toRun);
  }

  async withDeployments(policyId: string): Promise<PolicyRunRecord[]> {
    return (
      await this.db.selectFrom('policy_runs').selectAll().where('policy_id', '=', policyId).where('deployment_id', 'is not', null).orderBy('started_at').execute()
    ).map(toRun);
  }
}

export class SqlitePolicyScheduleMarks implements PolicyScheduleMarks {
  constructor(private readonly db: Db) {}

  async get(policyId: string): Promise<Map<string, Date>> {
    const rows = await this.db.selectFrom('policy_schedule_marks').selectAll().where('policy_id', '=', policyId).execute();
    return new Map(rows.map((r) => [r.time_zone, toDate(r.fired_at)]));
  }

  async set(policyId: string, timeZone: string, at: Date): Promise<void> {
    await this.db
      .insertInto('policy_schedule_marks')
      .values({ policy_id: policyId, time_zone: timeZone, fired_at: iso(at) })
      .onConflict((oc) => oc.columns(['policy_id', 'time_zone']).doUpdateSet({ fired_at: iso(at) }))
      .execute();
  }
}

export class SqliteUpdateSightings implements UpdateSightings {
  constructor(private readonly db: Db) {}

  async forDevice(deviceId: string): Promise<Map<string, Date>> {
    const rows = await this.db.selectFrom('update_sightings').selectAll().where('device_id', '=', deviceId).execute();
    return new Map(rows.map((r) => [firstSeenKey(r), toDate(r.first_seen_at)]));
  }
}

export function sqlitePolicyRepositories(db: Db): PolicyRepositories {
  return {
    policies: new SqlitePolicyRepository(db),
    policyRuns: new SqlitePolicyRunRepository(db),
    policyMarks: new SqlitePolicyScheduleMarks(db),
    updateSightings: new SqliteUpdateSightings(db),
  };
}
