import type { DeviceSortKey, DeviceSummary } from '@patchwave/shared';
import { useEffect, useState } from 'preact/hooks';
import type { DeviceListParams } from '../api/devices.js';
import { listDevices } from '../api/devices.js';
import { fleetSummary } from '../api/fleet.js';
import { CriticalityBadge, RebootBadge, SecurityCount, Tags } from '../components/badges.js';
import type { Column } from '../components/data-table.js';
import { CommitInput } from '../components/commit-input.js';
import { DataTable, nextSort } from '../components/data-table.js';
import { Link } from '../components/link.js';
import { ErrorNotice } from '../components/notice.js';
import { PageHeader } from '../components/page-header.js';
import { Pager, shownOf } from '../components/pager.js';
import { Age, UpdatedAt } from '../components/time.js';
import { formatNumber, osLabel } from '../format.js';
import { useDebounced } from '../hooks/use-debounced.js';
import { useResource } from '../hooks/use-resource.js';
import { useSearchParams } from '../router.js';

const REFRESH_MS = 15_000;
const SORT_KEYS = ['hostname', 'os', 'lastSeenAt', 'enrolledAt', 'criticality', 'securityUpdates', 'updates'] as const satisfies readonly DeviceSortKey[];
const PAGE_SIZES = [25, 50, 100, 200] as const;
/** Columns whose natural first click is "most first". */
const DESC_FIRST = new Set<string>(['securityUpdates', 'updates', 'criticality', 'lastSeenAt']);

const columns: Column<DeviceSummary>[] = [
  {
    id: 'hostname',
    header: 'Name',
    sortKey: 'hostname',
    cell: (d) => (
      <span class="with-dot">
        <span class={`dot ${d.online ? 'dot-online' : 'dot-offline'}`} title={d.online ? 'online' : 'offline'} aria-label={d.online ? 'online' : 'offline'} role="img" />
        <Link href={`/devices/${encodeURIComponent(d.id)}`} title={d.hostname}>
          {d.hostname}
        </Link>
      </span>
    ),
  },
  { id: 'os', header: 'OS', sortKey: 'os', className: 'w-l', cell: (d) => <span title={`${osLabel(d.os)} (${d.arch})`}>{osLabel(d.os)}</span> },
  { id: 'seen', header: 'Last seen', sortKey: 'lastSeenAt', className: 'w-s', cell: (d) => <Age iso={d.lastSeenAt} /> },
  { id: 'security', header: <span title="Missing security updates">Security</span>, sortKey: 'securityUpdates', className: 'w-xs num', cell: (d) => <SecurityCount count={d.counts.securityUpdates} /> },
  { id: 'updates', header: 'Updates', sortKey: 'updates', className: 'w-xs num', cell: (d) => formatNumber(d.counts.updates) },
  { id: 'reboot', header: 'Reboot', className: 'w-s', cell: (d) => <RebootBadge required={d.rebootRequired} /> },
  { id: 'tags', header: 'Tags', className: 'w-m', cell: (d) => <Tags tags={d.tags} /> },
  { id: 'criticality', header: 'Criticality', sortKey: 'criticality', className: 'w-s', cell: (d) => <CriticalityBadge value={d.criticality} /> },
];

function oneOf<T extends string>(value: string | null, allowed: readonly T[]): T | undefined {
  return allowed.find((a) => a === value);
}

function positiveInt(value: string | null): number | undefined {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/** Reads the list's state from the address, so every view of the list can be linked and reloaded. */
function readQuery(params: URLSearchParams): DeviceListParams & { sort: DeviceSortKey; order: 'asc' | 'desc'; limit: number; offset: number } {
  const q: DeviceListParams & { sort: DeviceSortKey; order: 'asc' | 'desc'; limit: number; offset: number } = {
    sort: oneOf(params.get('sort'), SORT_KEYS) ?? 'hostname',
    order: oneOf(params.get('order'), ['asc', 'desc'] as const) ?? 'asc',
    limit: oneOf(params.get('limit'), PAGE_SIZES.map(String)) ? Number(params.get('limit')) : 50,
    offset: Math.max(0, Number(params.get('offset')) || 0),
  };
  const name = params.get('q');
  if (name) q.name = name;
  const os = params.get('os');
  if (os) q.os = os;
  const tag = params.get('tag');
  if (tag) q.tag = tag;
  const missing = oneOf(params.get('missing'), ['security', 'any'] as const);
  if (missing) q.missing = missing;
  if (params.get('reboot') === 'required') q.reboot = 'required';
  const stale = positiveInt(params.get('stale'));
  if (stale) q.notSeenForDays = stale;
  return q;
}

/** Every device, searched, filtered, sorted and paged by the server (10,000 devices are 200 pages of 50). */
export function DevicesPage() {
  const [params, setParams] = useSearchParams();
  const query = readQuery(params);
  const key = JSON.stringify(query);
  const devices = useResource((signal) => listDevices(query, signal), [key], { refreshMs: REFRESH_MS });
  // The OS suggestions cost a fleet-wide count: asked for only when the OS field is used.
  const [osWanted, setOsWanted] = useState(false);
  const osNames = useResource((signal) => (osWanted ? fleetSummary({ top: 0 }, signal) : Promise.resolve(undefined)), [osWanted]);

  const [search, setSearch] = useState(query.name ?? '');
  const settled = useDebounced(search, 300);
  useEffect(() => {
    if ((query.name ?? '') !== settled.trim()) setParams({ q: settled.trim(), offset: null }, { replace: true });
  }, [settled]);
  // Back/forward to another search: the box follows the address.
  useEffect(() => {
    if ((query.name ?? '') !== settled.trim()) setSearch(query.name ?? '');
  }, [query.name]);

  const setFilter = (changes: Record<string, string | number | null>) => setParams({ ...changes, offset: null });
  const filtered = Boolean(query.name || query.os || query.tag || query.missing || query.reboot || query.notSeenForDays);
  const knownOs = [...new Set((osNames.data?.byOs ?? []).flatMap((o) => [o.distro, o.platform]).filter(Boolean))];

  return (
    <>
      <PageHeader title="Devices" sub={<UpdatedAt at={devices.updatedAt} busy={devices.loading} />} actions={<button type="button" onClick={devices.reload}>Refresh</button>} />
      <form class="filters" role="search" aria-label="Filter devices" onSubmit={(e) => e.preventDefault()}>
        <label>
          Name
          <input type="search" name="q" value={search} placeholder="part of the hostname" onInput={(e) => setSearch((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <label>
          OS
          <CommitInput name="os" list="known-os" value={query.os ?? ''} placeholder="debian, linux, macOS…" onFocus={() => setOsWanted(true)} onCommit={(os) => setFilter({ os })} />
          <datalist id="known-os">
            {knownOs.map((o) => (
              <option key={o} value={o} />
            ))}
          </datalist>
        </label>
        <label>
          Tag
          <CommitInput name="tag" value={query.tag ?? ''} placeholder="env=prod" onCommit={(tag) => setFilter({ tag })} />
        </label>
        <label>
          Updates
          <select name="missing" value={query.missing ?? ''} onChange={(e) => setFilter({ missing: (e.currentTarget as HTMLSelectElement).value })}>
            <option value="">any state</option>
            <option value="security">missing security updates</option>
            <option value="any">missing any update</option>
          </select>
        </label>
        <label>
          Not seen for
          <select name="stale" value={String(query.notSeenForDays ?? '')} onChange={(e) => setFilter({ stale: (e.currentTarget as HTMLSelectElement).value })}>
            <option value="">—</option>
            {[1, 3, 7, 14, 30, 90].map((d) => (
              <option key={d} value={String(d)}>
                {d}+ days
              </option>
            ))}
          </select>
        </label>
        <label class="checkbox">
          <input type="checkbox" name="reboot" checked={query.reboot === 'required'} onChange={(e) => setFilter({ reboot: (e.currentTarget as HTMLInputElement).checked ? 'required' : null })} />
          Reboot pending
        </label>
        <button
          type="button"
          class="secondary"
          disabled={!filtered}
          onClick={() => {
            setSearch('');
            setParams({ q: null, os: null, tag: null, missing: null, stale: null, reboot: null, offset: null });
          }}
        >
          Clear filters
        </button>
      </form>
      {devices.error ? <ErrorNotice error={devices.error} onRetry={devices.reload} /> : null}
      <DataTable
        caption="Devices"
        columns={columns}
        rows={devices.data?.items}
        rowKey={(d) => d.id}
        reserveRows={Math.min(query.limit, 25)}
        sort={{ key: query.sort, order: query.order }}
        onSort={(k) => {
          const next = nextSort({ key: query.sort, order: query.order }, k, DESC_FIRST.has(k) ? 'desc' : 'asc');
          setParams({ sort: next.key, order: next.order, offset: null });
        }}
        busy={devices.loading}
        empty={filtered ? 'No device matches these filters.' : 'No device has enrolled yet. Create an enrollment token under Enrollment tokens and start an agent with it.'}
        testId="devices-table"
      />
      <Pager
        noun="devices"
        shown={shownOf(devices.data)}
        offset={query.offset}
        limit={query.limit}
        sizes={PAGE_SIZES}
        onOffset={(o) => setParams({ offset: o || null })}
        onLimit={(l) => setParams({ limit: l === 50 ? null : l, offset: null })}
      />
    </>
  );
}
