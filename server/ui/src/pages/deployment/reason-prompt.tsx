import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorText } from '../../components/notice.js';

interface Props {
  title: string;
  /** What the confirm button says ("Pause", "Abort"). */
  confirm: string;
  danger?: boolean;
  /** Extra fields (resume: retry failed devices; rollback: scope; skip: gates). */
  children?: ComponentChildren;
  onSubmit: (reason: string) => Promise<void>;
  onCancel: () => void;
}

/**
 * Every action on a deployment carries a reason for the audit log: this asks for it in place
 * (focus moves to the reason field; Escape cancels) and shows the server's refusal, if any.
 */
export function ReasonPrompt({ title, confirm, danger, children, onSubmit, onCancel }: Props) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const field = useRef<HTMLTextAreaElement>(null);
  useEffect(() => field.current?.focus(), []);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (reason.trim() === '') {
      setError('Give a reason: it is kept in the audit log.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onSubmit(reason.trim());
    } catch (err) {
      setError(errorText(err as Error));
      setBusy(false);
    }
  };

  return (
    <form class="reason-prompt panel" onSubmit={(e) => void submit(e)} onKeyDown={(e) => e.key === 'Escape' && onCancel()} aria-label={title} noValidate>
      <h2>{title}</h2>
      <label for="action-reason">Reason</label>
      <textarea id="action-reason" ref={field} rows={2} value={reason} onInput={(e) => setReason((e.currentTarget as HTMLTextAreaElement).value)} aria-describedby="action-error" />
      {children}
      <p id="action-error" class="field-error" role="alert">
        {error ?? ''}
      </p>
      <div class="form-actions">
        <button type="submit" class={danger ? 'danger' : 'primary'} disabled={busy}>
          {busy ? 'Working…' : confirm}
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
