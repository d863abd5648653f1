import type { OperatorRole, UserView, UserWithPassword } from '@patchwave/shared';
import { useState } from 'preact/hooks';
import { OPERATOR_ROLES } from '../api/constants.js';
import { listUsers, resetPassword, updateUser } from '../api/users.js';
import { useCan } from '../auth/permissions.js';
import { currentSession } from '../auth/session.js';
import type { Column } from '../components/data-table.js';
import { DataTable } from '../components/data-table.js';
import { ErrorNotice, errorText, Notice } from '../components/notice.js';
import { PageHeader } from '../components/page-header.js';
import { Age } from '../components/time.js';
import { useResource } from '../hooks/use-resource.js';
import { CreateUserForm, OneTimePassword } from './users/create-user.js';

function status(u: UserView): { text: string; tone: string } {
  if (u.disabled) return { text: 'disabled', tone: 'badge-muted' };
  if (u.lockedUntil) return { text: 'locked', tone: 'badge-danger' };
  if (u.mustChangePassword) return { text: 'must change password', tone: 'badge-warn' };
  return { text: 'active', tone: 'badge-ok' };
}

/** Settings → users: every role sees the accounts; admins create, change roles, disable and reset passwords. */
export function UsersPage() {
  const users = useResource((signal) => listUsers(signal), []);
  const isAdmin = useCan('admin');
  const me = currentSession().user?.id;
  const [created, setCreated] = useState<UserWithPassword | null>(null);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);

  const act = async (what: string, run: () => Promise<unknown>) => {
    setMessage(null);
    try {
      await run();
      setMessage({ kind: 'ok', text: what });
    } catch (err) {
      setMessage({ kind: 'error', text: errorText(err as Error) });
    }
    users.reload();
  };

  const columns: Column<UserView>[] = [
    { id: 'username', header: 'Username', cell: (u) => <span title={u.displayName}>{u.username}</span> },
    { id: 'name', header: 'Name', className: 'w-l', cell: (u) => u.displayName || <span class="muted">—</span> },
    {
      id: 'role',
      header: 'Role',
      className: 'w-m',
      cell: (u) =>
        isAdmin && u.id !== me ? (
          <select aria-label={`Role of ${u.username}`} value={u.role} onChange={(e) => void act(`${u.username} is now ${(e.currentTarget as HTMLSelectElement).value}.`, () => updateUser(u.id, { role: (e.currentTarget as HTMLSelectElement).value as OperatorRole }))}>
            {OPERATOR_ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        ) : (
          u.role
        ),
    },
    { id: 'status', header: 'Status', className: 'w-m', cell: (u) => <span class={`badge ${status(u).tone}`}>{status(u).text}</span> },
    { id: 'login', header: 'Last sign-in', className: 'w-s', cell: (u) => <Age iso={u.lastLoginAt} /> },
    ...(isAdmin
      ? [
          {
            id: 'actions',
            header: <span class="visually-hidden">Actions</span>,
            className: 'w-xl',
            cell: (u: UserView) =>
              u.id === me ? (
                <span class="muted">you</span>
              ) : (
                <span class="row-actions">
                  <button type="button" class="secondary" onClick={() => void act(`${u.username} ${u.disabled ? 'enabled' : 'disabled'}.`, () => updateUser(u.id, { disabled: !u.disabled }))}>
                    {u.disabled ? `Enable` : `Disable`}
                    <span class="visually-hidden"> {u.username}</span>
                  </button>
                  <button
                    type="button"
                    class="secondary"
                    onClick={() =>
                      void act(`A one-time password was set for ${u.username}; their sessions ended.`, async () => {
                        setCreated(await resetPassword(u.id));
                      })
                    }
                  >
                    Reset password<span class="visually-hidden"> of {u.username}</span>
                  </button>
                </span>
              ),
          },
        ]
      : []),
  ];

  return (
    <>
      <PageHeader title="Users" sub="Operator accounts and their roles: admin, operator, approver, auditor." />
      {created ? <OneTimePassword created={created} onDone={() => setCreated(null)} /> : null}
      {isAdmin ? (
        <CreateUserForm
          onCreated={(c) => {
            setCreated(c);
            setMessage({ kind: 'ok', text: `User ${c.user.username} created.` });
            users.reload();
          }}
        />
      ) : (
        <Notice kind="info">Only admins manage accounts.</Notice>
      )}
      {message ? <Notice kind={message.kind}>{message.text}</Notice> : null}
      <section class="panel" aria-labelledby="users-title">
        <h2 id="users-title">Accounts</h2>
        {users.error ? <ErrorNotice error={users.error} onRetry={users.reload} /> : null}
        <DataTable caption="Users" columns={columns} rows={users.data?.items} rowKey={(u) => u.id} reserveRows={3} busy={users.loading} testId="users-table" />
      </section>
    </>
  );
}
