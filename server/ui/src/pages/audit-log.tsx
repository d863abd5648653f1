import type { AuditEntryView, AuditVerification } from '@patchwave/shared';
import { useEffect, useState } from 'preact/hooks';
import { listAudit, verifyAudit } from '../api/audit.js';
import type { Column } from '../components/data-table.js';
import { DataTable } from '../components/data-table.js';
import { ErrorNotice } from '../components/notice.js';
import { PageHeader } from '../components/page-header.js';
import { DateTime } from '../components/time.js';
import { formatNumber } from '../format.js';
import { useDebounced } from '../hooks/use-debounced.js';
import { useResource } from '../hooks/use-resource.js';
import { useSearchParams } from '../router.js';

const PAGE = 50;

const columns: Column<AuditEntryView>[] = [
  { id: 'seq', header: '#', className: 'w-2xs num', cell: (e) => formatNumber(e.seq) },
  { id: 'at', header: 'Time', className: 'w-m', cell: (e) => <DateTime iso={e.at} /> },
  { id: 'actor', header: 'Actor', className: 'w-m', cell: (e) => <span title={e.actor}>{e.actor}</span> },
  { id: 'action', header: 'Action', className: 'w-l mono', cell: (e) => e.action },
  { id: 'target', header: 'Target', className: 'w-m mono', cell: (e) => <span title={e.target}>{e.target || '—'}</span> },
  {
    id: 'details',
    header: 'Details',
    className: 'mono',
    cell: (e) => {
      const text = JSON.stringify(e.details);
      return <span title={text}>{text === '{}' ? '—' : text}</span>;
    },
  },
  { id: 'hash', header: 'Hash', className: 'w-s mono', cell: (e) => <span title={e.hash}>{e.hash.slice(0, 10)}</span> },
];

function VerificationBanner({ v, onVerify, busy }: { v: AuditVerification | undefined; onVerify: () => void; busy: boolean }) {
  const text = !v
    ? 'Verifying the hash chain…'
    : v.ok
      ? `Chain intact: ${formatNumber(v.count)} entries verified${v.headSeq !== null ? `, head #${v.headSeq} (${(v.headHash ?? '').slice(0, 16)}…)` : ''}.`
      : `Chain broken at entry #${v.firstBroken?.seq ?? '?'}: ${v.firstBroken?.reason ?? 'unknown reason'}. Entries from there on cannot be trusted.`;
  return (
    <div class={`notice ${!v ? 'notice-info' : v.ok ? 'notice-ok' : 'notice-error'} verification`} role={v && !v.ok ? 'alert' : 'status'} data-testid="audit-verification">
      <p>{text}</p>
      <button type="button" onClick={onVerify} disabled={busy}>
        {busy ? 'Verifying…' : 'Verify again'}
      </button>
    </div>
  );
}

/**
 * The append-only, hash-chained audit log with the server's verification of the whole chain.
 * Pages follow the log's sequence; without filters the first view is the latest page.
 */
export function AuditLogPage() {
  const [params, setParams] = useSearchParams();
  const verification = useResource((signal) => verifyAudit(signal), []);
  const filters = { action: params.get('action') ?? '', actor: params.get('actor') ?? '', target: params.get('target') ?? '' };
  const filtered = Boolean(filters.action || filters.actor || filters.target);
  const head = verification.data?.headSeq ?? 0;
  const afterParam = params.get('after');
  const after = afterParam !== null ? Math.max(0, Number(afterParam) || 0) : filtered ? 0 : Math.max(0, head - PAGE);
  const ready = filtered || afterParam !== null || verification.data !== undefined || verification.error !== undefined;
  const query = { afterSeq: after, limit: PAGE, action: filters.action || undefined, actor: filters.actor || undefined, target: filters.target || undefined };
  const entries = useResource((signal) => (ready ? listAudit(query, signal) : Promise.resolve(undefined)), [ready, JSON.stringify(query)]);
  const [visited, setVisited] = useState<number[]>([]);

  const [draft, setDraft] = useState(filters);
  const settled = useDebounced(draft, 400);
  useEffect(() => {
    if (settled.action !== filters.action || settled.actor !== filters.actor || settled.target !== filters.target) {
      setVisited([]);
      setParams({ ...settled, after: null }, { replace: true });
    }
  }, [settled]);

  const go = (next: number) => {
    setVisited([...visited, after]);
    setParams({ after: next });
  };
  const back = () => {
    const previous = filtered ? visited.at(-1) : Math.max(0, after - PAGE);
    if (previous === undefined) return;
    setVisited(visited.slice(0, -1));
    setParams({ after: previous });
  };
  const next = entries.data?.nextAfterSeq ?? null;

  return (
    <>
      <PageHeader title="Audit log" sub="Every operator and agent action that changes something, hash-chained: an edit or deletion in the database breaks the chain." />
      <VerificationBanner v={verification.data} onVerify={verification.reload} busy={verification.loading} />
      {verification.error ? <ErrorNotice error={verification.error} onRetry={verification.reload} /> : null}
      <form class="filters" role="search" aria-label="Filter the audit log" onSubmit={(e) => e.preventDefault()}>
        {(['action', 'actor', 'target'] as const).map((f) => (
          <label key={f}>
            {f[0]?.toUpperCase()}
            {f.slice(1)}
            <input
              type="search"
              name={f}
              value={draft[f]}
              placeholder={f === 'action' ? 'device.update' : f === 'actor' ? 'token:admin' : 'device:…'}
              onInput={(e) => setDraft({ ...draft, [f]: (e.currentTarget as HTMLInputElement).value.trim() })}
            />
          </label>
        ))}
      </form>
      {entries.error ? <ErrorNotice error={entries.error} onRetry={entries.reload} /> : null}
      <DataTable
        caption="Audit entries"
        columns={columns}
        rows={entries.data?.items}
        rowKey={(e) => String(e.seq)}
        busy={entries.loading}
        empty={filtered ? 'No entry matches these filters.' : 'The audit log is empty.'}
        testId="audit-table"
      />
      <nav class="pager" aria-label="Pages of the audit log">
        <p class="pager-status">{entries.data ? (entries.data.items.length ? `Entries #${entries.data.items[0]?.seq} to #${entries.data.items.at(-1)?.seq}` : 'No entries') : '\u00a0'}</p>
        <div class="pager-buttons">
          <button type="button" onClick={() => setParams({ after: 0 })} disabled={after === 0}>
            Oldest
          </button>
          <button type="button" onClick={back} disabled={after === 0 || (filtered && visited.length === 0)}>
            Older
          </button>
          <button type="button" onClick={() => next !== null && go(next)} disabled={next === null}>
            Newer
          </button>
          {!filtered ? (
            <button type="button" onClick={() => setParams({ after: null })} disabled={afterParam === null}>
              Latest
            </button>
          ) : null}
        </div>
      </nav>
    </>
  );
}
