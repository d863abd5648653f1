import type { OperatorRole, UserWithPassword } from '@patchwave/shared';
import { useState } from 'preact/hooks';
import type { FieldIssue } from '../../api/client.js';
import { issuesOf } from '../../api/client.js';
import { OPERATOR_ROLES } from '../../api/constants.js';
import { createUser } from '../../api/users.js';
import { ROLE_LABELS } from '../../auth/permissions.js';
import { FieldError, invalidAt } from '../../components/field-error.js';
import { errorText } from '../../components/notice.js';

/** Create an account: username, display name, role; the server makes a one-time password (shown once). */
export function CreateUserForm({ onCreated }: { onCreated: (created: UserWithPassword) => void }) {
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<OperatorRole>('operator');
  const [issues, setIssues] = useState<FieldIssue[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setIssues([]);
    try {
      const created = await createUser({ username: username.trim(), role, ...(displayName.trim() ? { displayName: displayName.trim() } : {}) });
      setUsername('');
      setDisplayName('');
      onCreated(created);
    } catch (err) {
      const found = issuesOf(err);
      setIssues(found);
      setError(found.length ? null : errorText(err as Error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel" aria-labelledby="create-user-title">
      <h2 id="create-user-title">Create a user</h2>
      <form class="create-token" onSubmit={(e) => void submit(e)} noValidate>
        <label>
          Username
          <input type="text" name="username" value={username} autoComplete="off" aria-invalid={invalidAt(issues, 'username')} onInput={(e) => setUsername((e.currentTarget as HTMLInputElement).value)} />
          <FieldError issues={issues} path="username" />
        </label>
        <label>
          Display name
          <input type="text" name="displayName" value={displayName} onInput={(e) => setDisplayName((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <div class="field">
          <label for="new-user-role">Role</label>
          <select id="new-user-role" name="role" value={role} onChange={(e) => setRole((e.currentTarget as HTMLSelectElement).value as OperatorRole)} aria-describedby="new-user-role-help">
            {OPERATOR_ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create user'}
        </button>
        <p class="field-error" role="alert">
          {error ?? ''}
        </p>
      </form>
      <p class="help" id="new-user-role-help">{ROLE_LABELS[role]}. The new user signs in with a one-time password shown once below and must choose their own at first sign-in.</p>
    </section>
  );
}

/** A one-time password just made (a new user or a reset): shown once, to hand over out of band. */
export function OneTimePassword({ created, onDone }: { created: UserWithPassword; onDone: () => void }) {
  return (
    <section class="panel secret-panel" aria-labelledby="otp-title" data-testid="one-time-password">
      <h2 id="otp-title" tabIndex={-1}>
        One-time password for {created.user.username}
      </h2>
      <p>
        Hand it over securely: <strong>it is shown only this once</strong>. {created.user.username} must change it at the next sign-in.
      </p>
      <label for="otp-value">One-time password</label>
      <input id="otp-value" class="mono" type="text" readOnly value={created.oneTimePassword ?? ''} onFocus={(e) => (e.currentTarget as HTMLInputElement).select()} />
      <button type="button" class="secondary" onClick={onDone}>
        Done, hide the password
      </button>
    </section>
  );
}
