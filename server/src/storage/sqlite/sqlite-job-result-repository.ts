import type { JobResultPayload } from '@patchwave/shared';
import type { JobResultRepository, StoredJobResult } from '../../domain/deployments/ports.js';
import type { Db } from './rows.js';
import { iso, toDate } from './rows.js';
import type { DeploymentJobResultsTable } from './schema-deployments.js';

function toStored(row: DeploymentJobResultsTable): StoredJobResult {
  return {
    jobId: row.job_id,
    deviceId: row.device_id,
    deploymentId: row.deployment_id,
    frameId: row.frame_id,
    receivedAt: toDate(row.received_at),
    result: JSON.parse(row.result_json) as JobResultPayload,
  };
}

export class SqliteJobResultRepository implements JobResultRepository {
  constructor(private readonly db: Db) {}

  async insert(result: StoredJobResult): Promise<{ inserted: boolean; stored: StoredJobResult }> {
    // The first result of a job wins: a repeat (the agent re-sends until acked) changes nothing.
    const inserted = await this.db
      .insertInto('deployment_job_results')
      .values({
        job_id: result.jobId,
        device_id: result.deviceId,
        deployment_id: result.deploymentId,
        frame_id: result.frameId,
        received_at: iso(result.receivedAt),
        result_json: JSON.stringify(result.result),
      })
      .onConflict((oc) => oc.column('job_id').doNothing())
      .returning('job_id')
      .executeTakeFirst();
    const stored = await this.get(result.jobId);
    if (!stored) throw new Error(`job result ${result.jobId} vanished after insert`);
    return { inserted: inserted !== undefined, stored };
  }

  async get(jobId: string): Promise<StoredJobResult | null> {
    const row = await this.db.selectFrom('deployment_job_results').selectAll().where('job_id', '=', jobId).executeTakeFirst();
    return row ? toStored(row) : null;
  }

  async listByDeployment(deploymentId: string): Promise<StoredJobResult[]> {
    const rows = await this.db
      .selectFrom('deployment_job_results')
      .selectAll()
      .where('deployment_id', '=', deploymentId)
      .orderBy('received_at')
      .orderBy('job_id')
      .execute();
    return rows.map(toStored);
  }
}
