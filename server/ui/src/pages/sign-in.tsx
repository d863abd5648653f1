import { useState } from 'preact/hooks';
import { login } from '../api/auth.js';
import { ApiError } from '../api/client.js';
import { sessionStarted, takeSignOutReason } from '../auth/session.js';
import { errorText } from '../components/notice.js';
import { PageHeader } from '../components/page-header.js';

function problemText(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 401) return 'Wrong username or password.';
    if (err.code === 'E_LOGIN_LOCKED' || err.code === 'E_RATE_LIMITED') return err.message;
  }
  return errorText(err as Error);
}

/**
 * Sign in with a username and password. The server sets an HttpOnly session cookie and returns
 * the CSRF token, which stays in this page's memory only. The first admin's one-time password is
 * printed when the server first starts; `patchwave user create` makes more accounts.
 */
export function SignInPage() {
  const [expired] = useState(() => takeSignOutReason() === 'expired');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (username.trim() === '' || password === '') {
      setProblem(username.trim() === '' ? 'Enter your username.' : 'Enter your password.');
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      const res = await login({ username: username.trim(), password });
      sessionStarted({ user: res.user, role: res.user.role, csrfToken: res.csrfToken });
    } catch (err) {
      setProblem(problemText(err));
      setBusy(false);
    }
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
            Your session has ended (signed out elsewhere, expired or idle). Sign in again.
          </p>
        ) : null}
        <form onSubmit={(e) => void submit(e)} noValidate>
          <label for="username">Username</label>
          <input
            id="username"
            name="username"
            type="text"
            autoComplete="username"
            spellcheck={false}
            value={username}
            onInput={(e) => setUsername((e.currentTarget as HTMLInputElement).value)}
            aria-describedby="sign-in-problem"
          />
          <label for="password">Password</label>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onInput={(e) => setPassword((e.currentTarget as HTMLInputElement).value)}
            aria-invalid={problem ? 'true' : 'false'}
            aria-describedby="sign-in-help sign-in-problem"
          />
          <p id="sign-in-help" class="help">
            The first admin account is <code>admin</code>; its one-time password is printed once when the server first starts. An admin creates more accounts under
            Settings → Users or with <code>patchwave user create</code>.
          </p>
          <p id="sign-in-problem" class="field-error" role="alert">
            {problem ?? ''}
          </p>
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </main>
    </div>
  );
}
