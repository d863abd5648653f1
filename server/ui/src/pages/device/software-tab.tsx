import type { InstalledPackageEntry, ManagerName } from '@patchwave/shared';
import { listPackages } from '../../api/devices.js';
import type { Column } from '../../components/data-table.js';
import { DataTable } from '../../components/data-table.js';
import { ErrorNotice } from '../../components/notice.js';
import { Pager, shownOf } from '../../components/pager.js';
import { DateTime } from '../../components/time.js';
import { useResource } from '../../hooks/use-resource.js';
import { TAB_PAGE_SIZE, useTabQuery } from './use-tab-query.js';

const columns: Column<InstalledPackageEntry>[] = [
  { id: 'name', header: 'Package', cell: (p) => <span title={p.name}>{p.name}</span> },
  { id: 'version', header: 'Version', className: 'w-l mono', cell: (p) => <span title={p.version}>{p.version}</span> },
  { id: 'arch', header: 'Arch', className: 'w-xs', cell: (p) => p.arch || '—' },
  { id: 'manager', header: 'Manager', className: 'w-xs', cell: (p) => p.manager },
  { id: 'source', header: 'Source package', className: 'w-m', cell: (p) => (p.source ? `${p.source.name}${p.source.version && p.source.version !== p.version ? ` ${p.source.version}` : ''}` : '—') },
  { id: 'since', header: 'Version since', className: 'w-m', cell: (p) => <DateTime iso={p.since} /> },
];

/** Installed software, filtered by name and package manager and paged by the server. */
export function SoftwareTab({ deviceId, managers }: { deviceId: string; managers: readonly ManagerName[] }) {
  const q = useTabQuery();
  const manager = (managers as readonly string[]).includes(q.params.get('manager') ?? '') ? (q.params.get('manager') as ManagerName) : undefined;
  const query = { name: q.name || undefined, manager, limit: TAB_PAGE_SIZE, offset: q.offset };
  const packages = useResource((signal) => listPackages(deviceId, query, signal), [deviceId, JSON.stringify(query)]);
  return (
    <>
      <form class="filters" role="search" aria-label="Filter installed software" onSubmit={(e) => e.preventDefault()}>
        <label>
          Package name
          <input type="search" name="name" value={q.draft} placeholder="part of the name" onInput={(e) => q.setDraft((e.currentTarget as HTMLInputElement).value)} />
        </label>
        {managers.length > 1 ? (
          <label>
            Manager
            <select name="manager" value={manager ?? ''} onChange={(e) => q.setFilter({ manager: (e.currentTarget as HTMLSelectElement).value || null })}>
              <option value="">all</option>
              {managers.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          </label>
        ) : null}
      </form>
      {packages.error ? <ErrorNotice error={packages.error} onRetry={packages.reload} /> : null}
      <DataTable
        caption="Installed software"
        columns={columns}
        rows={packages.data?.items}
        rowKey={(p) => `${p.manager}/${p.name}/${p.arch}`}
        busy={packages.loading}
        empty={q.name ? 'No installed package matches.' : 'No inventory has arrived from this device yet.'}
        testId="packages-table"
      />
      <Pager noun="packages" shown={shownOf(packages.data)} offset={q.offset} limit={TAB_PAGE_SIZE} onOffset={q.setOffset} />
    </>
  );
}
