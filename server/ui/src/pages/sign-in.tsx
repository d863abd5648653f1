import { useState } from 'preact/hooks';
import { ApiError } from '../api/client.js';
import { checkToken } from '../api/fleet.js';
import { signIn, takeSignOutReason, tokenProblem } from '../auth/session.js';
import { errorText } from '../components/notice.js';
import { PageHeader } from '../components/page-header.js';

/**
 * Sign in with an API token (phase 1: the admin token printed at the server's first start). The
 * token is checked against the server before it is kept for this tab.
 */
export function SignInPage() {
  const [expired] = useState(() => takeSignOutReason() === 'expired');
  const [token, setToken] = useState('');
  const [show, setShow] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const value = token.trim();
    const local = tokenProblem(value);
    if (local) {
      setProblem(local);
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      await checkToken(value);
      signIn(value);
    } catch (err) {
      setProblem(err instanceof ApiError && err.status === 401 ? 'The server does not accept this token (unknown, expired or revoked).' : errorText(err as Error));
    } finally {
      setBusy(false);
    }
  };

  const field = {
    id: 'token',
    name: 'token',
    autoComplete: 'off',
    spellcheck: false,
    value: token,
    onInput: (e: Event) => setToken((e.currentTarget as HTMLInputElement).value),
    'aria-invalid': problem ? ('true' as const) : ('false' as const),
    'aria-describedby': 'token-help token-problem',
    required: true,
  };

  return (
    <div class="sign-in">
      <main id="main" class="sign-in-card">
        <p class="brand">
          <span class="brand-mark" aria-hidden="true" />
          patchwave
        </p>
        <PageHeader title="Sign in" />
        {expired ? (
          <p class="notice notice-warn" role="status">
            The server no longer accepts the token of this session. Sign in again.
          </p>
        ) : null}
        <form onSubmit={(e) => void submit(e)} noValidate>
          <label for="token">API token</label>
          <div class="input-row">
            {show ? <input type="text" {...field} /> : <input type="password" {...field} />}
            <button type="button" class="secondary" aria-pressed={show ? 'true' : 'false'} onClick={() => setShow(!show)}>
              {show ? 'Hide' : 'Show'}
            </button>
          </div>
          <p id="token-help" class="help">
            The admin token (<code>pwt_…</code>) is printed once when the server first starts; the quick start also saves it to <code>.patchwave/admin-token</code>.
            Create more with <code>patchwave server admin-token</code>. It is kept in this browser tab only and forgotten when the tab closes.
          </p>
          <p id="token-problem" class="field-error" role="alert">
            {problem ?? ''}
          </p>
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Checking…' : 'Sign in'}
          </button>
        </form>
      </main>
    </div>
  );
}
