import type { FindingListItem, Priority } from '@patchwave/shared';
import { listFindings } from '../../api/findings.js';
import { useCan } from '../../auth/permissions.js';
import { CommitInput } from '../../components/commit-input.js';
import type { Column } from '../../components/data-table.js';
import { DataTable } from '../../components/data-table.js';
import { Link } from '../../components/link.js';
import { ErrorNotice } from '../../components/notice.js';
import { Age } from '../../components/time.js';
import { formatNumber } from '../../format.js';
import { useResource } from '../../hooks/use-resource.js';
import { useSearchParams } from '../../router.js';
import { deployFixHref, Epss, fixIdsOf, KevBadge, PriorityBadge } from './risk-badges.js';

/** Open findings are grouped from the highest-risk ones the server returns (one page of this size). */
const GROUP_FROM = 1000;
const CVE = /^CVE-\d{4}-\d{4,19}$/;

export interface CveGroup {
  id: string;
  priority: Priority;
  score: number;
  kev: FindingListItem['kev'];
  epss: FindingListItem['epss'];
  packages: string[];
  deviceIds: string[];
  findings: number;
  fixIds: string[];
}

/** Findings grouped by CVE (an advisory without CVE stands for itself), most urgent first. */
export function groupByCve(findings: readonly FindingListItem[]): CveGroup[] {
  const groups = new Map<string, CveGroup>();
  for (const f of findings) {
    for (const id of f.cves.length > 0 ? f.cves : [f.advisoryId]) {
      const g = groups.get(id) ?? { id, priority: f.score.priority, score: 0, kev: null, epss: null, packages: [], deviceIds: [], findings: 0, fixIds: f.cves.length > 0 ? [id] : fixIdsOf(f) };
      g.findings += 1;
      if (f.score.total > g.score) {
        g.score = f.score.total;
        g.priority = f.score.priority;
      }
      g.kev ??= f.kev;
      g.epss ??= f.epss;
      if (!g.packages.includes(f.package.name)) g.packages.push(f.package.name);
      if (!g.deviceIds.includes(f.deviceId)) g.deviceIds.push(f.deviceId);
      groups.set(id, g);
    }
  }
  return [...groups.values()].sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
}

function DeployFix({ group }: { group: CveGroup }) {
  return (
    <Link class="button small" href={deployFixHref(group.fixIds, group.deviceIds, `Fix ${group.id}`)} aria-label={`Deploy the fix for ${group.id}`}>
      Deploy the fix
    </Link>
  );
}

/** The CVEs behind the open findings; one CVE shows its findings device by device. */
export function FindingsByCve() {
  const [params, setParams] = useSearchParams();
  const cve = params.get('cve') ?? '';
  const mayDeploy = useCan('deploy');
  const findings = useResource(
    (signal) => listFindings({ status: 'open,overdue', ...(CVE.test(cve) ? { cve } : {}), sort: 'score', order: 'desc', limit: GROUP_FROM }, signal),
    [cve],
  );
  const groups = groupByCve(findings.data?.items ?? []).filter((g) => cve === '' || g.id === cve);

  const columns: Column<CveGroup>[] = [
    { id: 'cve', header: 'CVE / advisory', cell: (g) => <Link href={`/findings?tab=cve&cve=${encodeURIComponent(g.id)}`}>{g.id}</Link> },
    { id: 'priority', header: 'Priority', className: 'w-xs', cell: (g) => <PriorityBadge priority={g.priority} /> },
    { id: 'kev', header: 'KEV', className: 'w-s', cell: (g) => <KevBadge kev={g.kev} /> },
    { id: 'epss', header: 'EPSS', className: 'w-s', cell: (g) => <Epss epss={g.epss} /> },
    { id: 'packages', header: 'Packages', className: 'w-l', cell: (g) => <span title={g.packages.join(', ')}>{g.packages.join(', ')}</span> },
    { id: 'devices', header: 'Devices', className: 'w-xs num', cell: (g) => formatNumber(g.deviceIds.length) },
    ...(mayDeploy ? [{ id: 'deploy', header: <span class="visually-hidden">Deploy</span>, className: 'w-m', cell: (g: CveGroup) => <DeployFix group={g} /> }] : []),
  ];
  const deviceColumns: Column<FindingListItem>[] = [
    { id: 'device', header: 'Device', cell: (f) => <Link href={`/devices/${encodeURIComponent(f.deviceId)}`}>{f.hostname}</Link> },
    { id: 'package', header: 'Package', className: 'w-l', cell: (f) => `${f.package.name} ${f.package.installedVersion}` },
    { id: 'fixed', header: 'Fixed in', className: 'w-m', cell: (f) => f.fixedVersion ?? <span class="muted">no fix yet</span> },
    { id: 'finding', header: 'Finding', className: 'w-s', cell: (f) => <Link href={`/findings/${encodeURIComponent(f.id)}`}>{f.state}</Link> },
    { id: 'due', header: 'Due', className: 'w-s', cell: (f) => <span class={f.overdue ? 'text-danger' : ''}><Age iso={f.dueAt} /></span> },
  ];
  const selected = cve ? groups[0] : undefined;

  return (
    <div role="tabpanel" id="panel-cve" aria-labelledby="tab-cve">
      <div class="filters">
        <label class="inline-field">
          CVE
          <CommitInput name="cve" value={cve} placeholder="CVE-2024-3094" onCommit={(v) => setParams({ cve: v.toUpperCase() || null }, { replace: true })} />
        </label>
        {cve && !CVE.test(cve) ? <span class="field-error">A CVE id looks like CVE-2024-3094.</span> : null}
        {cve ? (
          <button type="button" class="secondary" onClick={() => setParams({ cve: null })}>
            All CVEs
          </button>
        ) : null}
      </div>
      {findings.error ? <ErrorNotice error={findings.error} onRetry={findings.reload} /> : null}
      {selected ? (
        <>
          <div class="cve-head" data-testid="cve-summary">
            <h2>{selected.id}</h2>
            <PriorityBadge priority={selected.priority} /> <KevBadge kev={selected.kev} /> <span>EPSS <Epss epss={selected.epss} /></span>
            <span>
              {formatNumber(selected.deviceIds.length)} devices, {formatNumber(selected.findings)} open findings
            </span>
            {mayDeploy ? <DeployFix group={selected} /> : null}
          </div>
          <DataTable caption={`Open findings of ${selected.id}`} columns={deviceColumns} rows={findings.data?.items} rowKey={(f) => f.id} reserveRows={3} testId="cve-findings-table" />
        </>
      ) : (
        <>
          <p class="help">Open findings grouped by CVE, from the {formatNumber(GROUP_FROM)} highest-risk ones{findings.data && findings.data.total > GROUP_FROM ? ` (of ${formatNumber(findings.data.total)})` : ''}.</p>
          <DataTable caption="CVEs of open findings" columns={columns} rows={findings.data ? groups : undefined} rowKey={(g) => g.id} reserveRows={5} empty={cve ? `No open finding for ${cve}.` : 'No open finding.'} testId="cve-table" />
        </>
      )}
    </div>
  );
}
