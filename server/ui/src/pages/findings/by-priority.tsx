import type { FindingListItem, Priority } from '@patchwave/shared';
import { listFindings } from '../../api/findings.js';
import type { Column } from '../../components/data-table.js';
import { DataTable } from '../../components/data-table.js';
import { Link } from '../../components/link.js';
import { ErrorNotice } from '../../components/notice.js';
import { Pager, shownOf } from '../../components/pager.js';
import { Age } from '../../components/time.js';
import { useResource } from '../../hooks/use-resource.js';
import { useSearchParams } from '../../router.js';
import { Epss, KevBadge, PriorityBadge } from './risk-badges.js';

const PRIORITIES: Priority[] = ['P1', 'P2', 'P3', 'P4'];
const STATES = ['open,overdue', 'overdue', 'fixed', 'accepted_risk', 'not_affected'] as const;

const columns: Column<FindingListItem>[] = [
  { id: 'priority', header: 'Priority', className: 'w-xs', cell: (f) => <PriorityBadge priority={f.score.priority} /> },
  { id: 'score', header: 'Score', className: 'w-xs num', cell: (f) => f.score.total.toFixed(0) },
  {
    id: 'vuln',
    header: 'Vulnerability',
    cell: (f) => (
      <Link href={`/findings/${encodeURIComponent(f.id)}`} title={f.advisoryId}>
        {f.cves[0] ?? f.advisoryId}
        {f.cves.length > 1 ? ` +${f.cves.length - 1}` : ''}
      </Link>
    ),
  },
  { id: 'package', header: 'Package', className: 'w-l', cell: (f) => <span title={`${f.package.name} ${f.package.installedVersion}`}>{f.package.name} {f.package.installedVersion}</span> },
  { id: 'device', header: 'Device', className: 'w-m', cell: (f) => <Link href={`/devices/${encodeURIComponent(f.deviceId)}`}>{f.hostname}</Link> },
  { id: 'kev', header: 'KEV', className: 'w-s', cell: (f) => <KevBadge kev={f.kev} /> },
  { id: 'epss', header: 'EPSS', className: 'w-s', cell: (f) => <Epss epss={f.epss} /> },
  { id: 'due', header: 'Due', sortKey: 'dueAt', className: 'w-s', cell: (f) => <span class={f.overdue ? 'text-danger' : ''}><Age iso={f.dueAt} /></span> },
];

/** Findings ranked by risk score, filtered by priority, state and KEV; the address holds the view. */
export function FindingsByPriority() {
  const [params, setParams] = useSearchParams();
  const priority = params.get('priority') ?? '';
  const status = STATES.find((s) => s === params.get('status')) ?? 'open,overdue';
  const kev = params.get('kev') === 'true' ? 'true' : undefined;
  const offset = Math.max(0, Number(params.get('offset')) || 0);
  const limit = 50;
  const findings = useResource(
    (signal) => listFindings({ ...(priority ? { priority } : {}), status, ...(kev ? { kev } : {}), sort: 'score', order: 'desc', limit, offset }, signal),
    [priority, status, kev, offset],
    { refreshMs: 30_000 },
  );
  return (
    <div role="tabpanel" id="panel-priority" aria-labelledby="tab-priority">
      <div class="filters">
        <fieldset class="chip-group">
          <legend class="visually-hidden">Priority</legend>
          <button type="button" aria-pressed={priority === '' ? 'true' : 'false'} onClick={() => setParams({ priority: null, offset: null }, { replace: true })}>
            All priorities
          </button>
          {PRIORITIES.map((p) => (
            <button key={p} type="button" aria-pressed={priority === p ? 'true' : 'false'} onClick={() => setParams({ priority: p, offset: null }, { replace: true })}>
              {p}
            </button>
          ))}
        </fieldset>
        <label class="inline-field">
          State
          <select value={status} onChange={(e) => setParams({ status: (e.currentTarget as HTMLSelectElement).value, offset: null }, { replace: true })}>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {s === 'open,overdue' ? 'open (incl. overdue)' : s.replace('_', ' ')}
              </option>
            ))}
          </select>
        </label>
        <label class="checkbox">
          <input type="checkbox" checked={kev === 'true'} onChange={(e) => setParams({ kev: (e.currentTarget as HTMLInputElement).checked ? 'true' : null, offset: null }, { replace: true })} />
          Only KEV (exploited in the wild)
        </label>
      </div>
      {findings.error ? <ErrorNotice error={findings.error} onRetry={findings.reload} /> : null}
      <DataTable caption="Findings by risk" columns={columns} rows={findings.data?.items} rowKey={(f) => f.id} reserveRows={5} busy={findings.loading} empty="No finding matches." testId="findings-table" />
      <Pager shown={shownOf(findings.data)} offset={offset} limit={limit} onOffset={(o) => setParams({ offset: o || null })} noun="findings" />
    </div>
  );
}
