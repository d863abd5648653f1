import type { FindingDetail, RiskFactor } from '@patchwave/shared';
import { getFinding } from '../api/findings.js';
import { useCan } from '../auth/permissions.js';
import type { Column } from '../components/data-table.js';
import { DataTable } from '../components/data-table.js';
import { Link } from '../components/link.js';
import { ErrorNotice } from '../components/notice.js';
import { PageHeader } from '../components/page-header.js';
import { Age, DateTime } from '../components/time.js';
import { useResource } from '../hooks/use-resource.js';
import type { PageProps } from '../routes.js';
import { deployFixHref, Epss, fixIdsOf, KevBadge, PriorityBadge } from './findings/risk-badges.js';

const FACTOR_LABELS: Record<RiskFactor['factor'], string> = {
  cvss: 'CVSS base score',
  epss: 'EPSS probability',
  kev: 'CISA KEV',
  ransomware: 'Known ransomware use',
  criticality: 'Device criticality',
  exposure: 'Exposure',
};

const factorColumns: Column<RiskFactor>[] = [
  { id: 'factor', header: 'Part', cell: (f) => FACTOR_LABELS[f.factor] },
  { id: 'input', header: 'Input', className: 'w-m', cell: (f) => (f.input === null ? <span class="muted">none</span> : String(f.input)) },
  { id: 'value', header: 'Normalised', className: 'w-s num', cell: (f) => f.value.toFixed(2) },
  { id: 'weight', header: 'Weight', className: 'w-s num', cell: (f) => f.weight.toFixed(2) },
  { id: 'points', header: 'Points', className: 'w-s num', cell: (f) => f.points.toFixed(1) },
  { id: 'source', header: 'Source', className: 'w-xl', cell: (f) => <span title={f.source}>{f.source}</span> },
];

function Facts({ f }: { f: FindingDetail }) {
  return (
    <dl class="facts-list" data-testid="finding-facts">
      <div class="fact">
        <dt>Device</dt>
        <dd>
          <Link href={`/devices/${encodeURIComponent(f.deviceId)}`}>{f.hostname}</Link>
        </dd>
      </div>
      <div class="fact">
        <dt>Package</dt>
        <dd>
          {f.package.name} {f.package.installedVersion} ({f.ecosystem})
        </dd>
      </div>
      <div class="fact">
        <dt>Fixed in</dt>
        <dd>{f.fixedVersion ?? 'no fix published yet'}</dd>
      </div>
      <div class="fact">
        <dt>KEV</dt>
        <dd>
          <KevBadge kev={f.kev} />
        </dd>
      </div>
      <div class="fact">
        <dt>EPSS</dt>
        <dd>
          <Epss epss={f.epss} />
        </dd>
      </div>
      <div class="fact">
        <dt>CVSS</dt>
        <dd>{f.cvss ? `${f.cvss.baseScore} ${f.cvss.severity} (${f.cvss.vector})` : <span class="muted">none</span>}</dd>
      </div>
      <div class="fact">
        <dt>Due</dt>
        <dd>
          <DateTime iso={f.dueAt} /> (<Age iso={f.dueAt} />) — {f.dueRule}
        </dd>
      </div>
      <div class="fact">
        <dt>First seen</dt>
        <dd>
          <DateTime iso={f.firstSeenAt} />
        </dd>
      </div>
    </dl>
  );
}

/** One finding: the score and its parts (what went in, weights, points), due date and rule, history. */
export function FindingPage({ params }: PageProps) {
  const id = params['id'] ?? '';
  const finding = useResource((signal) => getFinding(id, signal), [id]);
  const mayDeploy = useCan('deploy');
  const f = finding.data;
  if (!f) return <>{finding.error ? <ErrorNotice error={finding.error} onRetry={finding.reload} /> : <p class="muted">Loading…</p>}</>;
  const title = f.cves[0] ?? f.advisoryId;
  return (
    <>
      <PageHeader
        title={title}
        sub={
          <span>
            <PriorityBadge priority={f.score.priority} /> score {f.score.total.toFixed(1)} · {f.state.replace('_', ' ')} · {f.advisory?.summary ?? f.advisoryId}
          </span>
        }
        actions={
          mayDeploy && (f.state === 'open' || f.state === 'overdue') ? (
            <Link class="button primary" href={deployFixHref(fixIdsOf(f), [f.deviceId], `Fix ${title} on ${f.hostname}`)}>
              Deploy the fix
            </Link>
          ) : null
        }
      />
      <div class="grid-2">
        <section class="panel" aria-labelledby="finding-facts-title">
          <h2 id="finding-facts-title">Facts</h2>
          <Facts f={f} />
        </section>
        <section class="panel" aria-labelledby="score-title">
          <h2 id="score-title">Score parts</h2>
          <p>
            {f.score.total.toFixed(1)} of 100 → {f.score.priority} (model {f.score.model}){f.score.floor ? `; raised to ${f.score.floor.priority}: ${f.score.floor.reason}` : ''}
          </p>
          <DataTable caption="Risk score parts" columns={factorColumns} rows={f.score.factors} rowKey={(x) => x.factor} testId="score-parts" />
        </section>
      </div>
      <section class="panel" aria-labelledby="history-title">
        <h2 id="history-title">History</h2>
        <ul class="event-list">
          {f.events.map((e) => (
            <li key={e.id}>
              <DateTime iso={e.at} /> {e.kind.replace('_', ' ')} {e.actor ? `by ${e.actor}` : ''}
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
