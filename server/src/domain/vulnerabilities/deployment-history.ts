import type { DeviceJobState } from '@patchwave/shared';
import type { JobOutcome } from '../compliance/history.js';
import type { ReportDeployment } from '../reports/compliance-report.js';
import type { Repositories } from '../store.js';

const PAGE = 500;

/** A device job's part in patch failure rates: rolled back, timed out and interrupted installs failed. */
function outcomeOf(state: DeviceJobState): JobOutcome['status'] | null {
  switch (state) {
    case 'succeeded':
      return 'succeeded';
    case 'failed':
    case 'timed_out':
    case 'interrupted':
    case 'rolled_back':
      return 'failed';
    case 'skipped':
      return 'skipped';
    default:
      return null;
  }
}

/**
 * Deployments that overlap [from, to] with their approvals, and the finished install jobs of their
 * devices (failure rates), read through the deployment area's repositories.
 */
export async function deploymentHistory(tx: Repositories, from: string, to: string): Promise<{ jobs: JobOutcome[]; deployments: ReportDeployment[] }> {
  const jobs: JobOutcome[] = [];
  const deployments: ReportDeployment[] = [];
  const fromMs = Date.parse(from);
  const toMs = Date.parse(to);
  for (let offset = 0; ; offset += PAGE) {
    const page = await tx.deployments.list({ limit: PAGE, offset });
    for (const d of page.items) {
      if (d.createdAt.getTime() > toMs || (d.finishedAt !== null && d.finishedAt.getTime() < fromMs)) continue;
      const deviceJobs = await tx.deviceJobs.list(d.id, { kind: 'apply' });
      let failed = 0;
      for (const j of deviceJobs) {
        const status = outcomeOf(j.state);
        if (status === 'failed') failed += 1;
        if (status && j.finishedAt) jobs.push({ deploymentId: d.id, deviceId: j.deviceId, status, finishedAt: j.finishedAt.toISOString() });
      }
      deployments.push({
        id: d.id,
        name: d.name,
        state: d.state,
        createdBy: d.createdBy,
        createdAt: d.createdAt.toISOString(),
        devices: d.targetCount || new Set(deviceJobs.map((j) => j.deviceId)).size,
        failed,
        approvals:
          d.approvedBy && d.approvedAt
            ? [{ approver: d.approvedBy, decision: 'approved', decidedAt: d.approvedAt.toISOString(), ...(d.approvalComment ? { comment: d.approvalComment } : {}) }]
            : [],
      });
    }
    if (page.items.length < PAGE) break;
  }
  return { jobs, deployments };
}
