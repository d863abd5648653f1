import type { PatchCatalogEntry } from '@patchwave/shared';
import { listCatalog } from '../../api/findings.js';
import { useCan } from '../../auth/permissions.js';
import { SecurityFlag } from '../../components/badges.js';
import { CommitInput } from '../../components/commit-input.js';
import type { Column } from '../../components/data-table.js';
import { DataTable } from '../../components/data-table.js';
import { Link } from '../../components/link.js';
import { ErrorNotice } from '../../components/notice.js';
import { Pager, shownOf } from '../../components/pager.js';
import { formatNumber } from '../../format.js';
import { useResource } from '../../hooks/use-resource.js';
import { useSearchParams } from '../../router.js';
import { deployFixHref, KevBadge, PriorityBadge } from './risk-badges.js';

/** The patch catalog: each distinct available update, the devices needing it and the findings it fixes. */
export function FindingsByPackage() {
  const [params, setParams] = useSearchParams();
  const name = params.get('name') ?? '';
  const fixes = params.get('fixes') !== 'any';
  const offset = Math.max(0, Number(params.get('offset')) || 0);
  const limit = 50;
  const mayDeploy = useCan('deploy');
  const catalog = useResource((signal) => listCatalog({ ...(name ? { name } : {}), ...(fixes ? { fixesFindings: 'true' } : {}), limit, offset }, signal), [name, fixes, offset]);

  const columns: Column<PatchCatalogEntry>[] = [
    { id: 'name', header: 'Package', cell: (e) => <span title={`${e.manager} ${e.name} ${e.arch}`}>{e.name}</span> },
    { id: 'version', header: 'Update to', className: 'w-l', cell: (e) => <span class="mono" title={e.version}>{e.version}</span> },
    { id: 'security', header: 'Security', className: 'w-s', cell: (e) => <SecurityFlag security={e.security} /> },
    { id: 'priority', header: 'Fixes', className: 'w-xs', cell: (e) => <PriorityBadge priority={e.topPriority} /> },
    { id: 'kev', header: 'KEV', className: 'w-s', cell: (e) => <KevBadge kev={e.kev} /> },
    { id: 'cves', header: 'CVEs', className: 'w-l', cell: (e) => <span title={e.cves.join(', ')}>{e.cves.length ? e.cves.join(', ') : <span class="muted">—</span>}</span> },
    { id: 'devices', header: 'Devices', className: 'w-xs num', cell: (e) => formatNumber(e.deviceCount) },
    { id: 'findings', header: 'Findings', className: 'w-xs num', cell: (e) => formatNumber(e.findingCount) },
    ...(mayDeploy
      ? [
          {
            id: 'deploy',
            header: <span class="visually-hidden">Deploy</span>,
            className: 'w-m',
            cell: (e: PatchCatalogEntry) =>
              e.cves.length + e.advisories.length > 0 ? (
                <Link class="button small" href={deployFixHref(e.cves.length ? e.cves : e.advisories, e.deviceIds, `Fix ${e.name}`)} aria-label={`Deploy the fix ${e.name} ${e.version}`}>
                  Deploy the fix
                </Link>
              ) : (
                <Link class="button small" href={`/deployments/new?what=packages&packages=${encodeURIComponent(`${e.manager}:${e.name}=${e.version}`)}&devices=${encodeURIComponent(e.deviceIds.join(','))}&name=${encodeURIComponent(`Update ${e.name}`)}`}>
                  Deploy
                </Link>
              ),
          },
        ]
      : []),
  ];

  return (
    <div role="tabpanel" id="panel-package" aria-labelledby="tab-package">
      <div class="filters">
        <label class="inline-field">
          Package
          <CommitInput name="package" value={name} placeholder="openssl" onCommit={(v) => setParams({ name: v || null, offset: null }, { replace: true })} />
        </label>
        <label class="checkbox">
          <input type="checkbox" checked={fixes} onChange={(e) => setParams({ fixes: (e.currentTarget as HTMLInputElement).checked ? null : 'any', offset: null }, { replace: true })} />
          Only updates that fix a finding
        </label>
      </div>
      {catalog.error ? <ErrorNotice error={catalog.error} onRetry={catalog.reload} /> : null}
      <DataTable caption="Patch catalog" columns={columns} rows={catalog.data?.items} rowKey={(e) => `${e.manager}:${e.name}:${e.arch}:${e.version}`} reserveRows={5} busy={catalog.loading} empty="No update matches." testId="catalog-table" />
      <Pager shown={shownOf(catalog.data)} offset={offset} limit={limit} onOffset={(o) => setParams({ offset: o || null })} noun="updates" />
    </div>
  );
}
