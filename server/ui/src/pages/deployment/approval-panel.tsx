import type { DeploymentView } from '@patchwave/shared';
import { useState } from 'preact/hooks';
import { approveDeployment } from '../../api/deployments.js';
import { errorText } from '../../components/notice.js';
import { DateTime } from '../../components/time.js';
import { useActorName } from '../../hooks/use-actor-names.js';

/**
 * Approval: who approved, when, with which change record — or, while it waits, the form for an
 * approver. The author cannot approve their own deployment; the server says so, and its message
 * is shown as it is.
 */
export function ApprovalPanel({ deployment, mayApprove, onApproved }: { deployment: DeploymentView; mayApprove: boolean; onApproved: () => void }) {
  const [comment, setComment] = useState('');
  const [changeRecord, setChangeRecord] = useState(deployment.spec.approval.changeRecord ?? '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const actorName = useActorName();
  const approval = deployment.approval;
  const waiting = deployment.state === 'awaiting_approval';
  if (!approval && !waiting && !deployment.spec.approval.required) return null;

  const approve = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await approveDeployment(deployment.id, { ...(comment.trim() ? { comment: comment.trim() } : {}), ...(changeRecord.trim() ? { changeRecord: changeRecord.trim() } : {}) });
      onApproved();
    } catch (err) {
      setError(errorText(err as Error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel" aria-labelledby="approval-title" data-testid="approval-panel">
      <h2 id="approval-title">Approval</h2>
      {approval ? (
        <p data-testid="approval-status">
          Approved by <strong title={approval.approvedBy}>{actorName(approval.approvedBy)}</strong> <DateTime iso={approval.approvedAt} />
          {approval.changeRecord ? <> · change record <span class="mono">{approval.changeRecord}</span></> : null}
          {approval.comment ? <> · “{approval.comment}”</> : null}
        </p>
      ) : waiting && mayApprove ? (
        <form class="approve-form" onSubmit={(e) => void approve(e)} noValidate>
          <p>Check the dry run, then approve. An approver cannot approve a deployment they created.</p>
          <div class="field-row">
            <div class="field">
              <label for="approve-comment">Comment</label>
              <input id="approve-comment" type="text" value={comment} onInput={(e) => setComment((e.currentTarget as HTMLInputElement).value)} />
            </div>
            <div class="field">
              <label for="approve-change">Change record</label>
              <input id="approve-change" type="text" value={changeRecord} onInput={(e) => setChangeRecord((e.currentTarget as HTMLInputElement).value)} />
            </div>
          </div>
          <p class="field-error" role="alert" data-testid="approval-error">
            {error ?? ''}
          </p>
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Approving…' : 'Approve'}
          </button>
        </form>
      ) : waiting ? (
        <p class="muted" data-testid="approval-status">
          Waiting for an approver{deployment.spec.approval.changeRecord ? ` (change record ${deployment.spec.approval.changeRecord})` : ''}. Your role cannot approve.
        </p>
      ) : (
        <p class="muted">No approval was given.</p>
      )}
    </section>
  );
}
