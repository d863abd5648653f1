import type { InventoryReportEntry } from '@patchwave/shared';
import { listReports } from '../../api/devices.js';
import type { Column } from '../../components/data-table.js';
import { DataTable } from '../../components/data-table.js';
import { ErrorNotice } from '../../components/notice.js';
import { Pager, shownOf } from '../../components/pager.js';
import { DateTime } from '../../components/time.js';
import { formatNumber } from '../../format.js';
import { useResource } from '../../hooks/use-resource.js';
import { TAB_PAGE_SIZE, useTabQuery } from './use-tab-query.js';

const columns: Column<InventoryReportEntry>[] = [
  { id: 'received', header: 'Received', className: 'w-m', cell: (r) => <DateTime iso={r.receivedAt} /> },
  { id: 'kind', header: 'Kind', className: 'w-xs', cell: (r) => r.kind },
  { id: 'packages', header: 'Packages', className: 'w-s num', cell: (r) => formatNumber(r.counts.packages) },
  { id: 'updates', header: 'Updates', className: 'w-s num', cell: (r) => formatNumber(r.counts.updates) },
  { id: 'security', header: 'Security', className: 'w-s num', cell: (r) => formatNumber(r.counts.securityUpdates) },
  { id: 'changes', header: 'Changes', className: 'w-s num', cell: (r) => formatNumber(r.changeCount) },
  { id: 'hash', header: 'Content hash', className: 'mono', cell: (r) => <span title={r.hash}>{r.hash.slice(0, 16)}…</span> },
];

/** Every inventory report the server accepted from this device, newest first. */
export function ReportsTab({ deviceId }: { deviceId: string }) {
  const q = useTabQuery();
  const query = { limit: TAB_PAGE_SIZE, offset: q.offset };
  const reports = useResource((signal) => listReports(deviceId, query, signal), [deviceId, q.offset]);
  return (
    <>
      {reports.error ? <ErrorNotice error={reports.error} onRetry={reports.reload} /> : null}
      <DataTable
        caption="Inventory reports"
        columns={columns}
        rows={reports.data?.items}
        rowKey={(r) => String(r.id)}
        busy={reports.loading}
        empty="No inventory report has arrived from this device yet."
        testId="reports-table"
      />
      <Pager noun="reports" shown={shownOf(reports.data)} offset={q.offset} limit={TAB_PAGE_SIZE} onOffset={q.setOffset} />
    </>
  );
}
