import type { GateName, WaveState } from '@patchwave/shared';
import type { StoredGateOutcome, WavePatch, WaveRecord, WaveRepository } from '../../domain/deployments/ports.js';
import type { Db } from './rows.js';
import { isoOrNull, toDateOrNull } from './rows.js';
import type { DeploymentWavesTable } from './schema-deployments.js';
import { conflictAs } from './sqlite-conflict.js';

type OutcomeJson = Omit<StoredGateOutcome, 'evaluatedAt' | 'until' | 'checks'> & {
  evaluatedAt: string;
  until?: string | null;
  checks: (StoredGateOutcome['checks'][number] & { until?: string | null })[];
};

function outcomeToJson(o: StoredGateOutcome): string {
  return JSON.stringify(o);
}

/** JSON turned Dates into strings; turn them back. */
function outcomeFromJson(text: string): StoredGateOutcome {
  const raw = JSON.parse(text) as OutcomeJson;
  const date = (s: string | null | undefined) => (s === null || s === undefined ? s : new Date(s));
  const checks = raw.checks.map((c) => (c.until === undefined ? c : { ...c, until: date(c.until) as Date | null }));
  const base = { ...raw, checks, evaluatedAt: new Date(raw.evaluatedAt) };
  return (raw.verdict === 'wait' ? { ...base, until: date(raw.until) ?? null } : base) as StoredGateOutcome;
}

function toRecord(row: DeploymentWavesTable): WaveRecord {
  return {
    deploymentId: row.deployment_id,
    index: row.idx,
    name: row.name,
    state: row.state as WaveState,
    deviceCount: row.device_count,
    startedAt: toDateOrNull(row.started_at),
    finishedAt: toDateOrNull(row.finished_at),
    skippedGates: JSON.parse(row.skipped_gates_json) as GateName[],
    lastOutcome: row.last_outcome_json === null ? null : outcomeFromJson(row.last_outcome_json),
  };
}

export class SqliteWaveRepository implements WaveRepository {
  constructor(private readonly db: Db) {}

  async insertMany(waves: readonly WaveRecord[]): Promise<void> {
    if (waves.length === 0) return;
    const rows = waves.map((w) => ({
      deployment_id: w.deploymentId,
      idx: w.index,
      name: w.name,
      state: w.state,
      device_count: w.deviceCount,
      started_at: isoOrNull(w.startedAt),
      finished_at: isoOrNull(w.finishedAt),
      skipped_gates_json: JSON.stringify(w.skippedGates),
      last_outcome_json: w.lastOutcome ? outcomeToJson(w.lastOutcome) : null,
    }));
    const write = (db: Db) => db.insertInto('deployment_waves').values(rows).execute();
    await conflictAs('a wave with this deployment and index already exists', () =>
      this.db.isTransaction ? write(this.db) : this.db.transaction().execute(write),
    );
  }

  async list(deploymentId: string): Promise<WaveRecord[]> {
    const rows = await this.db.selectFrom('deployment_waves').selectAll().where('deployment_id', '=', deploymentId).orderBy('idx').execute();
    return rows.map(toRecord);
  }

  async get(deploymentId: string, index: number): Promise<WaveRecord | null> {
    const row = await this.db.selectFrom('deployment_waves').selectAll().where('deployment_id', '=', deploymentId).where('idx', '=', index).executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async update(deploymentId: string, index: number, patch: WavePatch): Promise<WaveRecord | null> {
    const set: Partial<DeploymentWavesTable> = {};
    if (patch.state !== undefined) set.state = patch.state;
    if (patch.startedAt !== undefined) set.started_at = isoOrNull(patch.startedAt);
    if (patch.finishedAt !== undefined) set.finished_at = isoOrNull(patch.finishedAt);
    if (patch.skippedGates !== undefined) set.skipped_gates_json = JSON.stringify(patch.skippedGates);
    if (patch.lastOutcome !== undefined) set.last_outcome_json = patch.lastOutcome ? outcomeToJson(patch.lastOutcome) : null;
    if (Object.keys(set).length === 0) return this.get(deploymentId, index);
    const row = await this.db
      .updateTable('deployment_waves')
      .set(set)
      .where('deployment_id', '=', deploymentId)
      .where('idx', '=', index)
      .returningAll()
      .executeTakeFirst();
    return row ? toRecord(row) : null;
  }
}
