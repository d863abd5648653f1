import type { PackageHistoryEntry } from '@patchwave/shared';
import { listHistory } from '../../api/devices.js';
import type { Column } from '../../components/data-table.js';
import { DataTable } from '../../components/data-table.js';
import { ErrorNotice } from '../../components/notice.js';
import { Pager, shownOf } from '../../components/pager.js';
import { DateTime } from '../../components/time.js';
import { useResource } from '../../hooks/use-resource.js';
import { TAB_PAGE_SIZE, useTabQuery } from './use-tab-query.js';

const CHANGES = ['installed', 'removed', 'upgraded', 'downgraded'] as const satisfies readonly PackageHistoryEntry['change'][];

const columns: Column<PackageHistoryEntry>[] = [
  { id: 'at', header: 'Observed', className: 'w-m', cell: (h) => <DateTime iso={h.observedAt} /> },
  { id: 'change', header: 'Change', className: 'w-s', cell: (h) => <span class={`badge change-${h.change}`}>{h.change}</span> },
  { id: 'name', header: 'Package', cell: (h) => <span title={h.name}>{h.name}</span> },
  { id: 'from', header: 'From', className: 'w-m mono', cell: (h) => h.fromVersion ?? '—' },
  { id: 'to', header: 'To', className: 'w-m mono', cell: (h) => h.toVersion ?? '—' },
  { id: 'manager', header: 'Manager', className: 'w-xs', cell: (h) => h.manager },
];

/** Package changes seen between inventories, newest first (the first inventory is the baseline). */
export function HistoryTab({ deviceId }: { deviceId: string }) {
  const q = useTabQuery();
  const change = CHANGES.find((c) => c === q.params.get('change'));
  const query = { name: q.name || undefined, change, limit: TAB_PAGE_SIZE, offset: q.offset };
  const history = useResource((signal) => listHistory(deviceId, query, signal), [deviceId, JSON.stringify(query)]);
  return (
    <>
      <form class="filters" role="search" aria-label="Filter package history" onSubmit={(e) => e.preventDefault()}>
        <label>
          Package name
          <input type="search" name="name" value={q.draft} placeholder="part of the name" onInput={(e) => q.setDraft((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <label>
          Change
          <select name="change" value={change ?? ''} onChange={(e) => q.setFilter({ change: (e.currentTarget as HTMLSelectElement).value || null })}>
            <option value="">all changes</option>
            {CHANGES.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
      </form>
      {history.error ? <ErrorNotice error={history.error} onRetry={history.reload} /> : null}
      <DataTable
        caption="Package history"
        columns={columns}
        rows={history.data?.items}
        rowKey={(h) => String(h.id)}
        busy={history.loading}
        empty="No package change has been observed since the first inventory."
        testId="history-table"
      />
      <Pager noun="changes" shown={shownOf(history.data)} offset={q.offset} limit={TAB_PAGE_SIZE} onOffset={q.setOffset} />
    </>
  );
}
