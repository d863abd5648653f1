import type { FleetSummary } from '@patchwave/shared';
import { useMemo } from 'preact/hooks';
import { fleetSummary } from '../api/fleet.js';
import { SecurityCount } from '../components/badges.js';
import { BarChart } from '../components/bar-chart.js';
import { DataTable } from '../components/data-table.js';
import type { Column } from '../components/data-table.js';
import { Link } from '../components/link.js';
import { ErrorNotice } from '../components/notice.js';
import { PageHeader } from '../components/page-header.js';
import { StatTile } from '../components/stat-tile.js';
import { Age, UpdatedAt } from '../components/time.js';
import { formatNumber, osLabel, plural } from '../format.js';
import { useResource } from '../hooks/use-resource.js';
import { useSearchParams } from '../router.js';
import { RiskPanels, RunningDeployments } from './dashboard/live-panels.js';

const REFRESH_MS = 15_000;
const STALE_CHOICES = [1, 3, 7, 14, 30, 90] as const;
/** Rows of the "most missing" table: its box is always this tall (styles: .worst-table). */
const WORST_ROWS = 5;

type Worst = FleetSummary['mostMissingSecurity'][number];

const worstColumns: Column<Worst>[] = [
  { id: 'name', header: 'Device', cell: (d) => <Link href={`/devices/${encodeURIComponent(d.id)}`}>{d.hostname}</Link> },
  { id: 'os', header: 'OS', className: 'w-l', cell: (d) => osLabel(d.os) },
  { id: 'security', header: <span title="Missing security updates">Security</span>, className: 'w-xs num', cell: (d) => <SecurityCount count={d.counts.securityUpdates} /> },
  { id: 'seen', header: 'Last seen', className: 'w-s', cell: (d) => <Age iso={d.lastSeenAt} /> },
];

function osChart(s: FleetSummary): { labels: string[]; values: number[] } {
  const labels = s.byOs.map((o) => osLabel({ platform: o.platform, id: '', distro: o.distro, release: o.release }));
  const values = s.byOs.map((o) => o.devices);
  const other = s.devices - values.reduce((a, b) => a + b, 0);
  if (other > 0) {
    labels.push('other');
    values.push(other);
  }
  return { labels, values };
}

/** The fleet at a glance, refreshed every 15 s; each number links to the devices behind it. */
export function DashboardPage() {
  const [params, setParams] = useSearchParams();
  const staleDays = Number(params.get('stale') ?? 7) || 7;
  const summary = useResource((signal) => fleetSummary({ staleDays, top: WORST_ROWS }, signal), [staleDays], { refreshMs: REFRESH_MS });
  const s = summary.data;
  const os = useMemo(() => (s ? osChart(s) : { labels: [], values: [] }), [s]);
  const seen = useMemo(() => ({ labels: s?.lastSeen.map((b) => b.label) ?? [], values: s?.lastSeen.map((b) => b.devices) ?? [] }), [s]);

  return (
    <>
      <PageHeader
        title="Dashboard"
        sub={<UpdatedAt at={summary.updatedAt} busy={summary.loading} />}
        actions={
          <>
            <label class="inline-field">
              Not seen for
              <select value={String(staleDays)} onChange={(e) => setParams({ stale: (e.currentTarget as HTMLSelectElement).value }, { replace: true })}>
                {STALE_CHOICES.map((d) => (
                  <option key={d} value={String(d)}>
                    {plural(d, 'day')}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" onClick={summary.reload}>
              Refresh
            </button>
          </>
        }
      />
      {summary.error ? <ErrorNotice error={summary.error} onRetry={summary.reload} /> : null}

      <section class="tiles" aria-label="Fleet">
        <StatTile label="Devices" value={s?.devices} href="/devices" hint={s ? `${formatNumber(s.neverReported)} never reported` : undefined} testId="stat-devices" />
        <StatTile label="Online now" value={s?.online} tone="ok" hint={s && s.devices > 0 ? `${Math.round((100 * s.online) / s.devices)} % of devices` : undefined} testId="stat-online" />
        <StatTile
          label={`Not seen for ${staleDays}+ days`}
          value={s?.notSeenRecently}
          tone={s && s.notSeenRecently > 0 ? 'warn' : 'neutral'}
          href={`/devices?stale=${staleDays}&sort=lastSeenAt&order=asc`}
          testId="stat-stale"
        />
        <StatTile label="Reboot pending" value={s?.rebootPending} tone={s && s.rebootPending > 0 ? 'warn' : 'neutral'} href="/devices?reboot=required" testId="stat-reboot" />
        <StatTile
          label="Security updates"
          value={s?.securityUpdates.total}
          tone={s && s.securityUpdates.total > 0 ? 'danger' : 'ok'}
          href="/devices?missing=security&sort=securityUpdates&order=desc"
          hint={s ? `missing on ${plural(s.securityUpdates.devices, 'device')}` : undefined}
          testId="stat-security"
        />
        <StatTile
          label="All updates"
          value={s?.updates.total}
          href="/devices?missing=any&sort=updates&order=desc"
          hint={s ? `missing on ${plural(s.updates.devices, 'device')}` : undefined}
          testId="stat-updates"
        />
      </section>

      <div class="grid-2">
        <section class="panel" aria-labelledby="chart-os">
          <h2 id="chart-os">Devices by OS</h2>
          <BarChart title="Devices by OS release" labels={os.labels} values={os.values} unit="devices" horizontal testId="chart-os" />
        </section>
        <section class="panel" aria-labelledby="chart-seen">
          <h2 id="chart-seen">Last seen</h2>
          <BarChart title="Devices by time since last contact" labels={seen.labels} values={seen.values} unit="devices" testId="chart-last-seen" />
        </section>
      </div>

      <section class="panel worst-table" aria-labelledby="worst">
        <h2 id="worst">Most missing security updates</h2>
        <DataTable
          caption="Devices with the most missing security updates"
          columns={worstColumns}
          rows={s?.mostMissingSecurity}
          rowKey={(d) => d.id}
          reserveRows={WORST_ROWS}
          empty="No device is missing a security update."
          testId="worst-devices"
        />
        <p class="panel-foot">
          <Link href="/devices?missing=security&sort=securityUpdates&order=desc">All devices missing security updates</Link>
        </p>
      </section>

      <div class="grid-3">
        <RiskPanels />
        <RunningDeployments />
      </div>
    </>
  );
}
