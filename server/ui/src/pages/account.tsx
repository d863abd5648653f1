import { ROLE_LABELS } from '../auth/permissions.js';
import { currentSession } from '../auth/session.js';
import { PageHeader } from '../components/page-header.js';
import { DateTime } from '../components/time.js';
import { ChangePasswordForm } from './account/change-password-form.js';

/** The signed-in user: who, which role and what it allows, and a password change. */
export function AccountPage() {
  const user = currentSession().user;
  if (!user) return <PageHeader title="Account" sub="Signed in with an API token: there is no account to show." />;
  return (
    <>
      <PageHeader title="Account" sub={`${user.displayName || user.username} (${user.username})`} />
      <section class="panel" aria-labelledby="role-title">
        <h2 id="role-title">Role</h2>
        <p data-testid="account-role">{ROLE_LABELS[user.role]}</p>
        <p class="muted">
          Last sign-in <DateTime iso={user.lastLoginAt} /> · account created <DateTime iso={user.createdAt} /> by {user.createdBy}
        </p>
      </section>
      <section class="panel narrow-panel" aria-labelledby="password-title">
        <h2 id="password-title">Change password</h2>
        <ChangePasswordForm />
      </section>
    </>
  );
}
