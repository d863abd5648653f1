import type { DeploymentState, DeploymentSummary } from '@patchwave/shared';
import { DEPLOYMENT_STATES } from '../api/constants.js';
import { listDeployments } from '../api/deployments.js';
import { useCan } from '../auth/permissions.js';
import type { Column } from '../components/data-table.js';
import { DataTable } from '../components/data-table.js';
import { Link } from '../components/link.js';
import { ErrorNotice } from '../components/notice.js';
import { PageHeader } from '../components/page-header.js';
import { Pager, shownOf } from '../components/pager.js';
import { Age, UpdatedAt } from '../components/time.js';
import { formatNumber } from '../format.js';
import { useActorName } from '../hooks/use-actor-names.js';
import { useResource } from '../hooks/use-resource.js';
import { useSearchParams } from '../router.js';
import { DeploymentStateBadge, stateLabel, tally } from './deployment/state-badge.js';

const REFRESH_MS = 10_000;
/** The filter's choices: single states, and "active" (what needs watching). */
const FILTERS: { value: string; label: string; states: readonly DeploymentState[] }[] = [
  { value: 'active', label: 'active (running, paused, halted)', states: ['running', 'paused', 'halted'] },
  ...DEPLOYMENT_STATES.map((s) => ({ value: s, label: stateLabel(s), states: [s] })),
];

function ActorName({ actor }: { actor: string }) {
  const name = useActorName();
  return <span title={actor}>{name(actor)}</span>;
}

const columns: Column<DeploymentSummary>[] = [
  { id: 'name', header: 'Name', cell: (d) => <Link href={`/deployments/${encodeURIComponent(d.id)}`}>{d.name}</Link> },
  { id: 'state', header: 'State', className: 'w-m', cell: (d) => <DeploymentStateBadge state={d.state} /> },
  {
    id: 'wave',
    header: 'Wave',
    className: 'w-s',
    cell: (d) => (d.currentWave === null ? <span class="muted">{d.state === 'completed' ? `${d.waveCount} of ${d.waveCount}` : `— of ${d.waveCount}`}</span> : `${d.currentWave + 1} of ${d.waveCount}`),
  },
  { id: 'targets', header: 'Devices', className: 'w-xs num', cell: (d) => formatNumber(d.targetCount) },
  {
    id: 'progress',
    header: 'Done / failed',
    className: 'w-s num',
    cell: (d) => {
      const t = tally(d.counts);
      return (
        <span>
          {formatNumber(t.succeeded)} / <span class={t.failed > 0 ? 'text-danger' : ''}>{formatNumber(t.failed)}</span>
        </span>
      );
    },
  },
  { id: 'by', header: 'Created by', className: 'w-m', cell: (d) => <ActorName actor={d.createdBy} /> },
  { id: 'updated', header: 'Updated', className: 'w-s', cell: (d) => <Age iso={d.updatedAt} /> },
];

/** Every deployment, newest first, filtered by state; refreshed every 10 s. */
export function DeploymentsPage() {
  const [params, setParams] = useSearchParams();
  const filter = FILTERS.find((f) => f.value === params.get('state'));
  const offset = Math.max(0, Number(params.get('offset')) || 0);
  const limit = 50;
  const list = useResource((signal) => listDeployments({ ...(filter ? { states: filter.states } : {}), limit, offset }, signal), [filter?.value, offset], { refreshMs: REFRESH_MS });
  const mayDeploy = useCan('deploy');

  return (
    <>
      <PageHeader
        title="Deployments"
        sub={<UpdatedAt at={list.updatedAt} busy={list.loading} />}
        actions={
          mayDeploy ? (
            <Link href="/deployments/new" class="button primary">
              New deployment
            </Link>
          ) : null
        }
      />
      <section class="panel" aria-labelledby="deployments-title">
        <div class="panel-head">
          <h2 id="deployments-title">All deployments</h2>
          <label class="inline-field">
            State
            <select value={filter?.value ?? ''} onChange={(e) => setParams({ state: (e.currentTarget as HTMLSelectElement).value || null, offset: null }, { replace: true })}>
              <option value="">all</option>
              {FILTERS.map((f) => (
                <option key={f.value} value={f.value}>
                  {f.label}
                </option>
              ))}
            </select>
          </label>
        </div>
        {list.error ? <ErrorNotice error={list.error} onRetry={list.reload} /> : null}
        <DataTable
          caption="Deployments"
          columns={columns}
          rows={list.data?.items}
          rowKey={(d) => d.id}
          reserveRows={5}
          busy={list.loading}
          empty={filter ? `No ${filter.label} deployment.` : 'No deployment yet.'}
          testId="deployments-table"
        />
        <Pager shown={list.data ? shownOf(list.data) : undefined} offset={offset} limit={limit} onOffset={(o) => setParams({ offset: o || null })} noun="deployments" />
      </section>
    </>
  );
}
