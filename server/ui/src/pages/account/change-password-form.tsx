import { PASSWORD_MIN_LENGTH } from '../../api/constants.js';
import { useState } from 'preact/hooks';
import { changePassword } from '../../api/auth.js';
import { issuesOf } from '../../api/client.js';
import { restoreSession } from '../../auth/session.js';
import { errorText } from '../../components/notice.js';

type Field = 'current' | 'next' | 'repeat';

/** Field problems a person can fix before asking the server (the server checks them again). */
export function newPasswordProblem(current: string, next: string, repeat: string): { field: Field; message: string } | null {
  if (current === '') return { field: 'current', message: 'Enter the current password.' };
  if (next.length < PASSWORD_MIN_LENGTH) return { field: 'next', message: `The new password needs at least ${PASSWORD_MIN_LENGTH} characters.` };
  if (next === current) return { field: 'next', message: 'The new password must differ from the current one.' };
  if (next !== repeat) return { field: 'repeat', message: 'The two new passwords differ.' };
  return null;
}

/** Current password, new password twice; on success the session is re-read (the one-time flag is gone). */
export function ChangePasswordForm({ children }: { children?: preact.ComponentChildren }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [problem, setProblem] = useState<{ field: Field | 'form'; message: string } | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const local = newPasswordProblem(current, next, repeat);
    setDone(false);
    if (local) {
      setProblem(local);
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      await changePassword({ currentPassword: current, newPassword: next });
      setCurrent('');
      setNext('');
      setRepeat('');
      setDone(true);
      await restoreSession();
    } catch (err) {
      const issue = issuesOf(err)[0];
      if (issue?.path.endsWith('currentPassword')) setProblem({ field: 'current', message: `Current password: ${issue.message}.` });
      else if (issue?.path.endsWith('newPassword')) setProblem({ field: 'next', message: `New password: ${issue.message}.` });
      else setProblem({ field: 'form', message: errorText(err as Error) });
    } finally {
      setBusy(false);
    }
  };

  const field = (id: Field, label: string, value: string, set: (v: string) => void, autoComplete: string) => (
    <>
      <label for={`pw-${id}`}>{label}</label>
      <input
        id={`pw-${id}`}
        type="password"
        autoComplete={autoComplete}
        value={value}
        onInput={(e) => set((e.currentTarget as HTMLInputElement).value)}
        aria-invalid={problem?.field === id ? 'true' : 'false'}
        aria-describedby="pw-problem"
      />
    </>
  );

  return (
    <form class="password-form" onSubmit={(e) => void submit(e)} noValidate aria-label="Change password">
      {field('current', 'Current password', current, setCurrent, 'current-password')}
      {field('next', 'New password', next, setNext, 'new-password')}
      {field('repeat', 'Repeat the new password', repeat, setRepeat, 'new-password')}
      <p class="help">At least {PASSWORD_MIN_LENGTH} characters. A passphrase of several words is easy to remember and hard to guess. Your other sessions end.</p>
      <p id="pw-problem" class={done ? 'form-status' : 'field-error'} role="alert">
        {done ? 'Password changed.' : (problem?.message ?? '')}
      </p>
      <div class="form-actions">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Saving…' : 'Change password'}
        </button>
        {children}
      </div>
    </form>
  );
}
