import { useState } from 'preact/hooks';
import { useCan } from '../auth/permissions.js';
import { Link } from '../components/link.js';
import { ErrorNotice, Notice } from '../components/notice.js';
import { PageHeader } from '../components/page-header.js';
import type { PageProps } from '../routes.js';
import { ActionBar } from './deployment/action-bar.js';
import { ApprovalPanel } from './deployment/approval-panel.js';
import { JobsPanel } from './deployment/jobs-panel.js';
import { PlanPanel } from './deployment/plan-panel.js';
import { SpecSummary } from './deployment/spec-summary.js';
import { DeploymentStateBadge } from './deployment/state-badge.js';
import type { StreamStatus } from './deployment/use-live-deployment.js';
import { useLiveDeployment } from './deployment/use-live-deployment.js';
import { WavesPanel } from './deployment/waves-panel.js';

const STATUS_TEXT: Record<StreamStatus, string> = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…' };

/**
 * One deployment: its spec, the dry run, the approval, and — once started — the live view of its
 * waves (progress, gates with their numbers, halts with the reason) and device jobs, updated by
 * the server's event stream. Operators steer it from here; approvers approve it.
 */
export function DeploymentPage({ params }: PageProps) {
  const id = params['id'] ?? '';
  const live = useLiveDeployment(id);
  const mayDeploy = useCan('deploy');
  const mayApprove = useCan('approve');
  const [message, setMessage] = useState<string | null>(null);
  const d = live.view;

  if (!d) {
    return (
      <>
        <PageHeader title="Deployment" sub={<Link href="/deployments">All deployments</Link>} />
        {live.error ? <ErrorNotice error={live.error} /> : <p class="muted">Loading…</p>}
      </>
    );
  }
  const beforeStart = d.state === 'awaiting_approval' || d.state === 'scheduled' || d.state === 'draft';

  return (
    <>
      <PageHeader
        title={d.name}
        sub={
          <span class="deployment-sub">
            <DeploymentStateBadge state={d.state} />
            {d.currentWave !== null ? <span>wave {d.currentWave + 1} of {d.waves.length}</span> : null}
            <span class={`stream-status stream-${live.status}`} data-testid="stream-status" role="status">
              {STATUS_TEXT[live.status]}
            </span>
            <Link href="/deployments">All deployments</Link>
          </span>
        }
      />
      {d.state === 'halted' ? (
        <div class="notice notice-error" role="alert" data-testid="halt-reason">
          <p>
            <strong>Halted.</strong> {d.haltReason ?? 'No reason was recorded.'}
          </p>
        </div>
      ) : null}
      {live.error ? <ErrorNotice error={live.error} onRetry={live.reload} /> : null}
      {message ? <Notice kind="ok">{message}</Notice> : null}
      {mayDeploy ? (
        <ActionBar
          deployment={d}
          onDone={(m) => {
            setMessage(m);
            live.reload();
          }}
        />
      ) : null}
      <div class="grid-2 deployment-top">
        <section class="panel" aria-labelledby="spec-title">
          <h2 id="spec-title">Plan</h2>
          <SpecSummary deployment={d} />
        </section>
        <ApprovalPanel deployment={d} mayApprove={mayApprove} onApproved={live.reload} />
      </div>
      {beforeStart || (live.plan && live.plan.devices.length > 0) ? <PlanPanel id={d.id} plan={live.plan} mayRequest={mayDeploy} open={beforeStart} onRequested={live.reload} /> : null}
      <WavesPanel deployment={d} />
      <JobsPanel jobs={live.jobs} />
    </>
  );
}
