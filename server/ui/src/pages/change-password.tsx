import { logout } from '../api/auth.js';
import { sessionEnded } from '../auth/session.js';
import { PageHeader } from '../components/page-header.js';
import { ChangePasswordForm } from './account/change-password-form.js';

/**
 * Shown instead of the console while the account has a one-time password (created by an admin or
 * reset): the server refuses every other route until it is changed (E_PASSWORD_CHANGE_REQUIRED).
 */
export function ChangePasswordPage({ username }: { username: string }) {
  const leave = async () => {
    try {
      await logout();
    } finally {
      sessionEnded();
    }
  };
  return (
    <div class="sign-in">
      <main id="main" class="sign-in-card">
        <p class="brand">
          <span class="brand-mark" aria-hidden="true" />
          patchwave
        </p>
        <PageHeader title="Choose a new password" />
        <p>
          <strong>{username}</strong> signed in with a one-time password. Choose your own password to continue; nothing else is available until then.
        </p>
        <ChangePasswordForm>
          <button type="button" class="link-button" onClick={() => void leave()}>
            Sign out
          </button>
        </ChangePasswordForm>
      </main>
    </div>
  );
}
