import type { CoverageBreakdown, Ratio } from '@patchwave/shared';
import type { ComplianceFilter, ReportTable } from '../api/compliance.js';
import { complianceSummary, reportUrl } from '../api/compliance.js';
import { CommitInput } from '../components/commit-input.js';
import type { Column } from '../components/data-table.js';
import { DataTable } from '../components/data-table.js';
import { ErrorNotice } from '../components/notice.js';
import { PageHeader } from '../components/page-header.js';
import { Age, DateTime, UpdatedAt } from '../components/time.js';
import { formatNumber } from '../format.js';
import { useResource } from '../hooks/use-resource.js';
import { useSearchParams } from '../router.js';

const PERIODS = [7, 30, 90, 365] as const;
const TABLES: { value: ReportTable; label: string }[] = [
  { value: 'metrics', label: 'metrics' },
  { value: 'breakdown', label: 'breakdown per group, tag and OS' },
  { value: 'overdue-findings', label: 'overdue findings' },
  { value: 'deployments', label: 'deployments' },
  { value: 'stale-devices', label: 'stale devices' },
];
const DAY_MS = 86_400_000;

const percent = (r: Ratio): string => (r.percent === null ? '—' : `${r.percent.toFixed(1)} %`);
const ratioHint = (r: Ratio, noun: string): string => `${formatNumber(r.numerator)} of ${formatNumber(r.denominator)} ${noun}`;
const days = (d: number | null): string => (d === null ? '—' : `${d.toFixed(1)} d`);

function Metric({ label, value, hint, testId, tone = 'neutral' }: { label: string; value: string; hint: string; testId: string; tone?: string }) {
  return (
    <div class={`stat-tile tone-${tone}`}>
      <div class="stat-body">
        <span class="stat-label">{label}</span>
        <span class="stat-value" data-testid={testId}>
          {value}
        </span>
        <span class="stat-hint">{hint}</span>
      </div>
    </div>
  );
}

const breakdownColumns: Column<CoverageBreakdown>[] = [
  { id: 'slice', header: 'Slice', cell: (b) => `${b.dimension === 'all' ? 'all devices' : `${b.dimension} ${b.key}`}` },
  { id: 'devices', header: 'Devices', className: 'w-xs num', cell: (b) => formatNumber(b.devicesInScope) },
  { id: 'stale', header: 'Stale', className: 'w-xs num', cell: (b) => formatNumber(b.devicesStale) },
  { id: 'noOverdue', header: 'No overdue', className: 'w-s num', cell: (b) => percent(b.noOverdue) },
  { id: 'noMissing', header: 'Fully patched', className: 'w-s num', cell: (b) => percent(b.noMissingSecurity) },
  { id: 'open', header: 'Open', className: 'w-xs num', cell: (b) => formatNumber(b.openFindings) },
  { id: 'overdue', header: 'Overdue', className: 'w-xs num', cell: (b) => formatNumber(b.overdueFindings) },
];

/** Reads the filters from the address: comma-separated groups, tags, OS keys and a period in days. */
function readFilter(params: URLSearchParams, now: number): { filter: ComplianceFilter; period: number } {
  const period = PERIODS.find((p) => String(p) === params.get('days')) ?? 30;
  const filter: ComplianceFilter = { from: new Date(now - period * DAY_MS).toISOString().slice(0, 10) };
  for (const key of ['group', 'tag', 'os'] as const) {
    const v = params.get(key);
    if (v) filter[key] = v;
  }
  return { filter, period };
}

/**
 * Compliance as auditors read it: coverage, time to patch, MTTR, SLA attainment and failure rate
 * for a scope (groups, tags, OS) and period, the breakdown per slice, and the same report as JSON,
 * CSV or PDF (recorded in the audit log with the log's head hash).
 */
export function CompliancePage() {
  const [params, setParams] = useSearchParams();
  const { filter, period } = readFilter(params, Date.now());
  const key = JSON.stringify(filter);
  const summary = useResource((signal) => complianceSummary(filter, signal), [key], { refreshMs: 60_000 });
  const table = TABLES.find((t) => t.value === params.get('table'))?.value ?? 'metrics';
  const s = summary.data;

  return (
    <>
      <PageHeader title="Compliance" sub={<UpdatedAt at={summary.updatedAt} busy={summary.loading} />} />
      <section class="panel filters compliance-filters" aria-label="Scope and period">
        <label class="inline-field">
          Groups
          <CommitInput name="group" value={filter.group ?? ''} placeholder="berlin, web" onCommit={(v) => setParams({ group: v || null }, { replace: true })} />
        </label>
        <label class="inline-field">
          Tags
          <CommitInput name="tag" value={filter.tag ?? ''} placeholder="env=prod" onCommit={(v) => setParams({ tag: v || null }, { replace: true })} />
        </label>
        <label class="inline-field">
          OS
          <CommitInput name="os" value={filter.os ?? ''} placeholder="Debian GNU/Linux 12" onCommit={(v) => setParams({ os: v || null }, { replace: true })} />
        </label>
        <label class="inline-field">
          Period
          <select value={String(period)} onChange={(e) => setParams({ days: (e.currentTarget as HTMLSelectElement).value }, { replace: true })}>
            {PERIODS.map((p) => (
              <option key={p} value={String(p)}>
                last {p} days
              </option>
            ))}
          </select>
        </label>
      </section>
      {summary.error ? <ErrorNotice error={summary.error} onRetry={summary.reload} /> : null}

      <section class="tiles" aria-label="Metrics">
        <Metric label="No overdue finding" value={s ? percent(s.coverage.noOverdue) : '\u00a0'} hint={s ? ratioHint(s.coverage.noOverdue, 'devices') : ''} testId="metric-no-overdue" tone="ok" />
        <Metric label="Fully patched" value={s ? percent(s.coverage.noMissingSecurity) : '\u00a0'} hint={s ? ratioHint(s.coverage.noMissingSecurity, 'devices') : ''} testId="metric-patched" />
        <Metric label="MTTR" value={s ? days(s.mttrDays) : '\u00a0'} hint={s ? `median time to patch ${days(s.timeToPatch.fromFirstSeen.medianDays)}` : ''} testId="metric-mttr" />
        <Metric label="SLA attainment" value={s ? percent(s.slaAttainment) : '\u00a0'} hint={s ? ratioHint(s.slaAttainment, 'findings') : ''} testId="metric-sla" />
        <Metric label="Patch failure rate" value={s ? percent(s.failureRate.overall) : '\u00a0'} hint={s ? ratioHint(s.failureRate.overall, 'device jobs') : ''} testId="metric-failure" tone="warn" />
        <Metric
          label="Open findings"
          value={s ? formatNumber(s.openFindings.total) : '\u00a0'}
          hint={s ? `${formatNumber(s.openFindings.overdue)} overdue · P1 ${s.openFindings.byPriority.P1 ?? 0} · P2 ${s.openFindings.byPriority.P2 ?? 0}` : ''}
          testId="metric-open"
          tone="danger"
        />
      </section>
      {s ? (
        <p class="muted" data-testid="compliance-scope">
          {formatNumber(s.devices.inScope)} of {formatNumber(s.devices.total)} devices in scope, {formatNumber(s.devices.stale)} stale (silent {s.staleAfterDays}+ days) · period <DateTime iso={s.period.from} /> to{' '}
          <DateTime iso={s.period.to} />
        </p>
      ) : null}

      <section class="panel" aria-labelledby="downloads-title" data-testid="report-downloads">
        <h2 id="downloads-title">Reports</h2>
        <p class="help">The same scope and period. Each download is recorded in the audit log with the log's head hash.</p>
        <div class="download-row">
          <a class="button" href={reportUrl(filter, 'pdf')} download>
            Download PDF
          </a>
          <a class="button" href={reportUrl(filter, 'json')} download>
            Download JSON
          </a>
          <label class="inline-field">
            CSV table
            <select value={table} onChange={(e) => setParams({ table: (e.currentTarget as HTMLSelectElement).value }, { replace: true })}>
              {TABLES.map((t) => (
                <option key={t.value} value={t.value}>
                  {t.label}
                </option>
              ))}
            </select>
          </label>
          <a class="button" href={reportUrl(filter, 'csv', table)} download>
            Download CSV
          </a>
        </div>
      </section>

      <section class="panel" aria-labelledby="breakdown-title">
        <h2 id="breakdown-title">Breakdown</h2>
        <DataTable caption="Coverage per slice" columns={breakdownColumns} rows={s?.breakdown} rowKey={(b) => `${b.dimension}:${b.key}`} reserveRows={3} testId="breakdown-table" />
      </section>
      {s && s.staleDevices.length > 0 ? (
        <section class="panel" aria-labelledby="stale-title">
          <h2 id="stale-title">Stale devices</h2>
          <ul>
            {s.staleDevices.map((d) => (
              <li key={d.deviceId}>
                {d.hostname}: last seen <Age iso={d.lastSeenAt} never="never" />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}
