import type { DeviceJobView } from '@patchwave/shared';
import type { Column } from '../../components/data-table.js';
import { DataTable } from '../../components/data-table.js';
import { Link } from '../../components/link.js';
import { Age } from '../../components/time.js';
import { JobStateBadge } from './state-badge.js';

function packagesText(j: DeviceJobView): string {
  const pkgs = j.result?.packages ?? [];
  if (pkgs.length === 0) return '';
  return pkgs.map((p) => `${p.name} ${p.before ?? '∅'} → ${p.after ?? '∅'}`).join(', ');
}

const columns: Column<DeviceJobView>[] = [
  { id: 'device', header: 'Device', cell: (j) => <Link href={`/devices/${encodeURIComponent(j.deviceId)}`}>{j.hostname ?? j.deviceId}</Link> },
  { id: 'wave', header: 'Wave', className: 'w-xs num', cell: (j) => String(j.wave + 1) },
  {
    id: 'state',
    header: 'State',
    className: 'w-m',
    cell: (j) => (
      <span title={j.outcome?.label}>
        <JobStateBadge state={j.state} />
        {j.outcome && j.outcome.label !== j.state ? <span class="muted"> {j.outcome.label}</span> : null}
      </span>
    ),
  },
  { id: 'result', header: 'Result', className: 'w-xl', cell: (j) => <span title={j.message ?? packagesText(j)}>{j.errorCode ? `${j.errorCode}: ${j.message ?? ''}` : packagesText(j) || (j.message ?? '')}</span> },
  { id: 'updated', header: 'Updated', className: 'w-s', cell: (j) => <Age iso={j.updatedAt} /> },
];

/** The device jobs (apply), updated by the live stream. */
export function JobsPanel({ jobs }: { jobs: DeviceJobView[] | undefined }) {
  return (
    <section class="panel" aria-labelledby="jobs-title">
      <h2 id="jobs-title">Devices</h2>
      <DataTable caption="Device jobs" columns={columns} rows={jobs} rowKey={(j) => j.jobId} reserveRows={3} empty="No device has a job yet: jobs are created when the deployment starts." testId="jobs-table" />
    </section>
  );
}
