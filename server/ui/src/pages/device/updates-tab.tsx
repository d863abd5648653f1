import type { AvailableUpdate } from '@patchwave/shared';
import { listUpdates } from '../../api/devices.js';
import { SecurityFlag } from '../../components/badges.js';
import type { Column } from '../../components/data-table.js';
import { DataTable } from '../../components/data-table.js';
import { ErrorNotice } from '../../components/notice.js';
import { Pager, shownOf } from '../../components/pager.js';
import { useResource } from '../../hooks/use-resource.js';
import { TAB_PAGE_SIZE, useTabQuery } from './use-tab-query.js';

const columns: Column<AvailableUpdate>[] = [
  { id: 'name', header: 'Package', className: 'w-m', cell: (u) => <span title={u.title ?? u.name}>{u.name}</span> },
  { id: 'security', header: 'Security', className: 'w-s', cell: (u) => <SecurityFlag security={u.security} /> },
  { id: 'from', header: 'Installed', className: 'w-m mono', cell: (u) => <span title={u.installedVersion ?? ''}>{u.installedVersion ?? 'new'}</span> },
  { id: 'to', header: 'Available', className: 'w-m mono', cell: (u) => <span title={u.candidateVersion}>{u.candidateVersion}</span> },
  { id: 'severity', header: 'Severity', className: 'w-xs', cell: (u) => u.severity ?? '—' },
  {
    id: 'refs',
    header: 'Advisories / CVEs',
    className: 'w-m',
    cell: (u) => {
      const refs = [...u.advisories, ...u.cves];
      return refs.length ? <span title={refs.join(', ')}>{refs.join(', ')}</span> : <span class="muted">—</span>;
    },
  },
  { id: 'title', header: 'Title / origin', cell: (u) => <span title={[u.title, u.origin].filter(Boolean).join(' · ')}>{u.title ?? u.origin ?? '—'}</span> },
  { id: 'manager', header: 'Manager', className: 'w-xs', cell: (u) => u.manager },
];

const SECURITY = ['true', 'false', 'unknown'] as const;

/** Available updates with security ones marked, filterable by classification and name. */
export function UpdatesTab({ deviceId }: { deviceId: string }) {
  const q = useTabQuery();
  const security = SECURITY.find((s) => s === q.params.get('security'));
  const query = { name: q.name || undefined, security, limit: TAB_PAGE_SIZE, offset: q.offset };
  const updates = useResource((signal) => listUpdates(deviceId, query, signal), [deviceId, JSON.stringify(query)]);
  return (
    <>
      <form class="filters" role="search" aria-label="Filter available updates" onSubmit={(e) => e.preventDefault()}>
        <label>
          Package name
          <input type="search" name="name" value={q.draft} placeholder="part of the name" onInput={(e) => q.setDraft((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <label>
          Classification
          <select name="security" value={security ?? ''} onChange={(e) => q.setFilter({ security: (e.currentTarget as HTMLSelectElement).value || null })}>
            <option value="">all updates</option>
            <option value="true">security</option>
            <option value="false">not security</option>
            <option value="unknown">unclassified</option>
          </select>
        </label>
      </form>
      {updates.error ? <ErrorNotice error={updates.error} onRetry={updates.reload} /> : null}
      <DataTable
        caption="Available updates"
        columns={columns}
        rows={updates.data?.items}
        rowKey={(u) => `${u.manager}/${u.name}/${u.arch}`}
        busy={updates.loading}
        empty="No update is available for this device."
        testId="updates-table"
      />
      <Pager noun="updates" shown={shownOf(updates.data)} offset={q.offset} limit={TAB_PAGE_SIZE} onOffset={q.setOffset} />
    </>
  );
}
