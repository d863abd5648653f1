import type { DeploymentView } from '@patchwave/shared';
import { DateTime } from '../../components/time.js';
import { useActorName } from '../../hooks/use-actor-names.js';

function whatText(d: DeploymentView): string {
  const w = d.spec.what;
  if (w.kind === 'security') return 'security updates';
  if (w.kind === 'all') return 'all updates';
  if (w.kind === 'packages') return `packages ${w.packages.map((p) => (p.version ? `${p.name}=${p.version}` : p.name)).join(', ')}`;
  return `fixes for ${w.ids.join(', ')}`;
}

function targetText(d: DeploymentView): string {
  const t = d.spec.targets;
  const parts = [
    t.tags.length ? `tags ${t.tags.join(', ')}` : '',
    t.groups.length ? `groups ${t.groups.join(', ')}` : '',
    t.deviceIds.length ? `${t.deviceIds.length} listed devices` : '',
    t.os.length ? `OS ${t.os.map((o) => [o.platform, o.id, o.release].filter(Boolean).join(' ')).join(', ')}` : '',
  ].filter(Boolean);
  const excluded = t.exclude.tags.length + t.exclude.deviceIds.length > 0 ? ` (excluding ${[...t.exclude.tags, ...t.exclude.deviceIds].join(', ')})` : '';
  return `${parts.join('; ')}${excluded}`;
}

function rebootText(d: DeploymentView): string {
  const r = d.spec.rebootPolicy;
  return r.mode === 'deadline' ? `when required, within ${r.withinMinutes} min` : r.mode === 'if-required' ? 'when required' : r.mode;
}

/** The spec in words: what, targets, schedule, reboot, approval, author. */
export function SpecSummary({ deployment: d }: { deployment: DeploymentView }) {
  const s = d.spec.schedule;
  const actorName = useActorName();
  return (
    <dl class="facts-list spec-summary" data-testid="spec-summary">
      <div class="fact">
        <dt>Updates</dt>
        <dd>{whatText(d)}</dd>
      </div>
      <div class="fact">
        <dt>Targets</dt>
        <dd>
          {targetText(d)}
          {d.targetCount > 0 ? ` → ${d.targetCount} devices` : ''}
        </dd>
      </div>
      <div class="fact">
        <dt>Schedule</dt>
        <dd>
          {s.startAt ? <>from <DateTime iso={s.startAt} /></> : 'when started'}
          {s.deadline ? <>, deadline <DateTime iso={s.deadline} /></> : ''}
          {s.windows.length ? `, windows ${s.windows.map((w) => `${w.group}: ${w.cron} for ${w.durationMinutes} min (${w.timeZone})`).join('; ')}` : ''}
        </dd>
      </div>
      <div class="fact">
        <dt>Reboot</dt>
        <dd>{rebootText(d)}</dd>
      </div>
      <div class="fact">
        <dt>Created</dt>
        <dd>
          by <span title={d.createdBy}>{actorName(d.createdBy)}</span>, <DateTime iso={d.createdAt} />
        </dd>
      </div>
      {d.spec.approval.changeRecord ? (
        <div class="fact">
          <dt>Change record</dt>
          <dd class="mono">{d.spec.approval.changeRecord}</dd>
        </div>
      ) : null}
    </dl>
  );
}
