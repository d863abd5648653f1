import type { DeploymentSummary, Priority } from '@patchwave/shared';
import { complianceSummary } from '../../api/compliance.js';
import { listDeployments } from '../../api/deployments.js';
import { Link } from '../../components/link.js';
import { formatNumber } from '../../format.js';
import { useResource } from '../../hooks/use-resource.js';

const REFRESH_MS = 15_000;
const PRIORITIES: Priority[] = ['P1', 'P2', 'P3', 'P4'];

const pct = (p: number | null | undefined) => (p === null || p === undefined ? '—' : `${p.toFixed(1)} %`);

/** Coverage now and open findings by priority (with the overdue ones), each linking to the list behind it. */
export function RiskPanels() {
  const summary = useResource((signal) => complianceSummary({}, signal), [], { refreshMs: REFRESH_MS });
  const s = summary.data;
  return (
    <>
      <section class="panel" aria-labelledby="coverage-title" data-slot="coverage">
        <h2 id="coverage-title">Patch coverage</h2>
        <p class="big-number" data-testid="coverage-now">
          {s ? pct(s.coverage.noMissingSecurity.percent) : '\u00a0'}
        </p>
        <p class="muted">
          {s ? `${formatNumber(s.coverage.noMissingSecurity.numerator)} of ${formatNumber(s.coverage.noMissingSecurity.denominator)} devices have no open security finding; ${pct(s.coverage.noOverdue.percent)} none overdue.` : '\u00a0'}
        </p>
        <p class="panel-foot">
          <Link href="/compliance?days=90">Compliance over 90 days</Link>
        </p>
      </section>
      <section class="panel" aria-labelledby="findings-title" data-slot="findings">
        <h2 id="findings-title">Open findings</h2>
        <ul class="priority-counts" data-testid="findings-by-priority">
          {PRIORITIES.map((p) => (
            <li key={p}>
              <Link href={`/findings?priority=${p}`}>
                <span class={`badge priority-${p}`}>{p}</span> {s ? formatNumber(s.openFindings.byPriority[p] ?? 0) : '\u00a0'}
              </Link>
            </li>
          ))}
        </ul>
        <p class={s && s.openFindings.overdue > 0 ? 'text-danger' : 'muted'}>{s ? `${formatNumber(s.openFindings.overdue)} overdue of ${formatNumber(s.openFindings.total)} open` : '\u00a0'}</p>
      </section>
    </>
  );
}

function progress(d: DeploymentSummary): string {
  const done = (d.counts.succeeded ?? 0) + (d.counts.failed ?? 0) + (d.counts.timed_out ?? 0) + (d.counts.interrupted ?? 0) + (d.counts.skipped ?? 0);
  return `${formatNumber(done)} of ${formatNumber(d.targetCount)} devices`;
}

/** Deployments running, paused or halted now, with their wave and progress. */
export function RunningDeployments() {
  const list = useResource((signal) => listDeployments({ states: ['running', 'paused', 'halted'], limit: 5 }, signal), [], { refreshMs: REFRESH_MS });
  const items = list.data?.items;
  return (
    <section class="panel" aria-labelledby="running-title" data-slot="deployments">
      <h2 id="running-title">Deployments running</h2>
      {items && items.length === 0 ? <p class="muted">No deployment is running.</p> : null}
      <ul class="running-list" data-testid="running-deployments">
        {(items ?? []).map((d) => (
          <li key={d.id}>
            <Link href={`/deployments/${encodeURIComponent(d.id)}`}>{d.name}</Link>{' '}
            <span class={`badge ${d.state === 'halted' ? 'badge-danger' : d.state === 'paused' ? 'badge-warn' : 'badge-info'}`}>{d.state}</span>{' '}
            <span class="muted">
              wave {(d.currentWave ?? 0) + 1} of {d.waveCount} · {progress(d)}
            </span>
          </li>
        ))}
      </ul>
      <p class="panel-foot">
        <Link href="/deployments?state=active">All active deployments</Link>
      </p>
    </section>
  );
}
