import type { DeploymentPlanView, DevicePlanView, ManagerPlan } from '@patchwave/shared';
import { useState } from 'preact/hooks';
import { requestPlan } from '../../api/deployments.js';
import { Link } from '../../components/link.js';
import { errorText } from '../../components/notice.js';
import { DateTime } from '../../components/time.js';
import { formatNumber } from '../../format.js';

type Change = ManagerPlan['changes'][number];

const CHANGE_CLASS: Record<Change['kind'], string> = {
  install: 'change-installed',
  upgrade: 'change-upgraded',
  downgrade: 'change-downgraded',
  remove: 'change-removed',
  reinstall: 'change-upgraded',
};

function ChangeLine({ manager, change }: { manager: string; change: Change }) {
  const versions = change.kind === 'remove' ? `${change.from ?? '?'} removed` : change.from ? `${change.from} → ${change.to ?? '?'}` : `new ${change.to ?? ''}`;
  return (
    <li class={`plan-change ${CHANGE_CLASS[change.kind]}`} data-kind={change.kind}>
      <span class="badge">{change.kind}</span> <span class="mono">{change.name}</span> <span class="muted">({manager}, {change.arch})</span> {versions}
    </li>
  );
}

function DevicePlan({ device }: { device: DevicePlanView }) {
  const changes = device.plans.flatMap((p) => p.changes.map((c) => ({ manager: p.manager, change: c })));
  const removals = changes.filter((c) => c.change.kind === 'remove').length;
  const unresolved = device.plans.flatMap((p) => p.unresolved);
  return (
    <li class={`plan-device ${removals > 0 ? 'has-removals' : ''}`} data-testid="plan-device" data-device={device.deviceId}>
      <div class="plan-device-head">
        <Link href={`/devices/${encodeURIComponent(device.deviceId)}`}>{device.hostname ?? device.deviceId}</Link>
        <span class={`badge ${device.status === 'ready' ? 'badge-ok' : device.status === 'pending' ? 'badge-muted' : 'badge-danger'}`}>{device.status}</span>
        {device.wave !== null ? <span class="muted">wave {device.wave + 1}</span> : null}
        {device.status === 'ready' ? <span class="muted">{changes.length === 0 ? 'no change' : `${formatNumber(changes.length)} changes`}</span> : null}
        {removals > 0 ? <strong class="text-danger">{removals === 1 ? '1 package removed' : `${removals} packages removed`}</strong> : null}
      </div>
      {device.message ? <p class="muted">{device.message}</p> : null}
      {device.flags.length > 0 ? (
        <ul class="plan-flags">
          {device.flags.map((f) => (
            <li key={`${f.kind}:${f.manager}:${f.name}`} class="text-danger" data-flag={f.kind}>
              ⚠ {f.message}
            </li>
          ))}
        </ul>
      ) : null}
      {changes.length > 0 ? (
        <ul class="plan-changes">
          {changes.map((c) => (
            <ChangeLine key={`${c.manager}:${c.change.name}:${c.change.arch}`} manager={c.manager} change={c.change} />
          ))}
        </ul>
      ) : null}
      {unresolved.length > 0 ? (
        <ul class="plan-unresolved">
          {unresolved.map((u) => (
            <li key={u.name} class="text-danger">
              {u.name}: {u.message} ({u.code})
            </li>
          ))}
        </ul>
      ) : null}
    </li>
  );
}

/**
 * The dry run: each target agent's package manager says what it would change, device by device,
 * before anything is approved. Removals are marked. Results arrive as agents answer (the live
 * stream's plan events re-read it).
 */
export function PlanPanel({ id, plan, mayRequest, open, onRequested }: { id: string; plan: DeploymentPlanView | undefined; mayRequest: boolean; open: boolean; onRequested: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const request = async () => {
    setBusy(true);
    setError(null);
    try {
      await requestPlan(id);
      onRequested();
    } catch (err) {
      setError(errorText(err as Error));
    } finally {
      setBusy(false);
    }
  };
  // Before any request the server answers with an empty dry run: that is "none yet".
  const made = plan && plan.devices.length > 0 ? plan : undefined;
  const s = made?.summary;
  return (
    <section class="panel" aria-labelledby="plan-title" data-testid="plan-panel">
      <div class="panel-head">
        <h2 id="plan-title">Dry run</h2>
        {mayRequest && open ? (
          <button type="button" onClick={() => void request()} disabled={busy}>
            {made ? 'Run the dry run again' : 'Request a dry run'}
          </button>
        ) : null}
      </div>
      {error ? (
        <p class="field-error" role="alert">
          {error}
        </p>
      ) : null}
      {made && s ? (
        <>
          <p data-testid="plan-summary">
            Requested <DateTime iso={made.requestedAt} />: {formatNumber(s.ready)} of {formatNumber(s.devices)} devices answered, {formatNumber(s.withChanges)} with changes
            {s.withUnresolved > 0 ? `, ${formatNumber(s.withUnresolved)} with unresolved packages` : ''}
            {s.flagged > 0 ? `, ${formatNumber(s.flagged)} flagged (removals or held packages)` : ''}
            {s.failed > 0 ? `, ${formatNumber(s.failed)} failed` : ''}
            {s.pending > 0 ? `, ${formatNumber(s.pending)} pending` : ''}.
          </p>
          <ul class="plan-devices">
            {made.devices.map((d) => (
              <DevicePlan key={d.deviceId} device={d} />
            ))}
          </ul>
        </>
      ) : (
        <p class="muted">{open ? 'No dry run yet: ask every target agent what it would change before approving.' : 'No dry run was made.'}</p>
      )}
    </section>
  );
}
