import { getDevice } from '../api/devices.js';
import { OnlineBadge, RebootBadge } from '../components/badges.js';
import { Link } from '../components/link.js';
import { ErrorNotice } from '../components/notice.js';
import { PageHeader } from '../components/page-header.js';
import type { TabDef } from '../components/tabs.js';
import { TabList } from '../components/tabs.js';
import { Age, UpdatedAt } from '../components/time.js';
import { formatNumber, osLabel } from '../format.js';
import { useResource } from '../hooks/use-resource.js';
import type { PageProps } from '../routes.js';
import { useSearchParams } from '../router.js';
import { DeviceFacts } from './device/facts.js';
import { HistoryTab } from './device/history-tab.js';
import { ReportsTab } from './device/reports-tab.js';
import { DeviceLabels, DeviceSettings } from './device/settings.js';
import { useCan } from '../auth/permissions.js';
import { SoftwareTab } from './device/software-tab.js';
import { UpdatesTab } from './device/updates-tab.js';

const REFRESH_MS = 15_000;

/** One device: what it is, what it runs, what it misses, what changed, and its labels. */
export function DevicePage({ params }: PageProps) {
  const id = params['id'] ?? '';
  const device = useResource((signal) => getDevice(id, signal), [id], { refreshMs: REFRESH_MS });
  const [search, setSearch] = useSearchParams();
  const d = device.data;
  const mayEdit = useCan('deploy');
  const tabs: TabDef[] = [
    { id: 'software', label: d ? `Installed software (${formatNumber(d.counts.packages)})` : 'Installed software' },
    { id: 'updates', label: d ? `Available updates (${formatNumber(d.counts.updates)})` : 'Available updates' },
    { id: 'history', label: 'Package history' },
    { id: 'reports', label: 'Inventory reports' },
  ];
  const tab = tabs.find((t) => t.id === search.get('tab'))?.id ?? 'software';

  if (device.error && !d) {
    return (
      <>
        <PageHeader title="Device" />
        <ErrorNotice error={device.error} onRetry={device.reload} />
        <p>
          <Link href="/devices">Back to the device list</Link>
        </p>
      </>
    );
  }

  return (
    <>
      <PageHeader
        title={d ? d.hostname : 'Device'}
        sub={
          <span class="meta-line">
            {d ? (
              <>
                <OnlineBadge online={d.online} /> <span>{osLabel(d.os)}</span> <span>· last seen <Age iso={d.lastSeenAt} /></span>
                {d.rebootRequired === true ? (
                  <>
                    {' '}
                    · <RebootBadge required={d.rebootRequired} />
                  </>
                ) : null}
              </>
            ) : (
              '\u00a0'
            )}
            <UpdatedAt at={device.updatedAt} busy={device.loading} />
          </span>
        }
        actions={<Link href="/devices">All devices</Link>}
      />
      {device.error ? <ErrorNotice error={device.error} onRetry={device.reload} /> : null}
      <div class="device-top">
        <DeviceFacts device={d} />
        {d && mayEdit ? <DeviceSettings device={d} onSaved={device.reload} /> : d ? <DeviceLabels device={d} /> : <section class="panel settings-placeholder" aria-hidden="true" />}
      </div>
      <TabList label="Device inventory" tabs={tabs} selected={tab} onSelect={(t) => setSearch({ tab: t === 'software' ? null : t, offset: null, name: null, manager: null, security: null, change: null }, { replace: true })} />
      <div id={`panel-${tab}`} role="tabpanel" aria-labelledby={`tab-${tab}`} class="tab-panel" tabIndex={0}>
        {tab === 'software' ? <SoftwareTab deviceId={id} managers={d?.managers.map((m) => m.name) ?? []} /> : null}
        {tab === 'updates' ? <UpdatesTab deviceId={id} /> : null}
        {tab === 'history' ? <HistoryTab deviceId={id} /> : null}
        {tab === 'reports' ? <ReportsTab deviceId={id} /> : null}
      </div>
    </>
  );
}
