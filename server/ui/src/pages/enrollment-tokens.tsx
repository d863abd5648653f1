import type { CreatedEnrollmentToken, EnrollmentTokenStatus, EnrollmentTokenView } from '@patchwave/shared';
import { useState } from 'preact/hooks';
import { listEnrollmentTokens, revokeEnrollmentToken } from '../api/enrollment-tokens.js';
import { Tags } from '../components/badges.js';
import type { Column } from '../components/data-table.js';
import { DataTable } from '../components/data-table.js';
import { ErrorNotice, errorText } from '../components/notice.js';
import { PageHeader } from '../components/page-header.js';
import { Age, DateTime } from '../components/time.js';
import { formatNumber } from '../format.js';
import { useResource } from '../hooks/use-resource.js';
import { useCan } from '../auth/permissions.js';
import { useSearchParams } from '../router.js';
import { CreateTokenForm, NewTokenSecret } from './enrollment-tokens/create-token.js';

const STATUSES = ['active', 'expired', 'revoked', 'exhausted'] as const satisfies readonly EnrollmentTokenStatus[];

function RevokeButton({ token, onRevoked }: { token: EnrollmentTokenView; onRevoked: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (token.status === 'revoked') return <span class="muted">revoked {token.revokedBy ? `by ${token.revokedBy}` : ''}</span>;
  const revoke = async () => {
    try {
      await revokeEnrollmentToken(token.id);
      onRevoked();
    } catch (err) {
      setError(errorText(err as Error));
      setConfirming(false);
    }
  };
  return (
    <span class="row-actions">
      {confirming ? (
        <>
          <button type="button" class="danger" onClick={() => void revoke()} aria-label={`Confirm: revoke ${token.name}`}>
            Confirm revoke
          </button>
          <button type="button" class="secondary" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </>
      ) : (
        <button type="button" class="secondary" onClick={() => setConfirming(true)} aria-label={`Revoke ${token.name}`}>
          Revoke
        </button>
      )}
      {error ? (
        <span class="field-error" role="alert">
          {error}
        </span>
      ) : null}
    </span>
  );
}

/** Settings → enrollment tokens: create (secret shown once), list and revoke. */
export function EnrollmentTokensPage() {
  const [params, setParams] = useSearchParams();
  const status = STATUSES.find((s) => s === params.get('status'));
  const tokens = useResource((signal) => listEnrollmentTokens(status, signal), [status]);
  const [created, setCreated] = useState<CreatedEnrollmentToken | null>(null);
  const isAdmin = useCan('admin');

  const columns: Column<EnrollmentTokenView>[] = [
    { id: 'name', header: 'Name', cell: (t) => <span title={t.name}>{t.name}</span> },
    { id: 'status', header: 'Status', className: 'w-xs', cell: (t) => <span class={`badge token-${t.status}`}>{t.status}</span> },
    { id: 'uses', header: 'Uses', className: 'w-xs num', cell: (t) => `${formatNumber(t.uses)} / ${formatNumber(t.maxUses)}` },
    { id: 'expires', header: 'Expires', className: 'w-s', cell: (t) => <span title={new Date(t.expiresAt).toString()}><Age iso={t.expiresAt} /></span> },
    { id: 'created', header: 'Created', className: 'w-m', cell: (t) => <span title={`by ${t.createdBy}`}><DateTime iso={t.createdAt} /></span> },
    { id: 'tags', header: 'Tags', className: 'w-m', cell: (t) => <Tags tags={t.tags} /> },
    { id: 'actions', header: <span class="visually-hidden">Actions</span>, className: 'w-l', cell: (t) => (isAdmin ? <RevokeButton token={t} onRevoked={tokens.reload} /> : null) },
  ];

  return (
    <>
      <PageHeader title="Enrollment tokens" sub="Agents exchange an enrollment token once for their own credential. Revoking a token stops new enrollments; devices it enrolled keep working." />
      {created ? <NewTokenSecret token={created} onDone={() => setCreated(null)} /> : null}
      {isAdmin ? (
        <CreateTokenForm
          onCreated={(t) => {
            setCreated(t);
            tokens.reload();
          }}
        />
      ) : null}
      <section class="panel" aria-labelledby="tokens-title">
        <div class="panel-head">
          <h2 id="tokens-title">Tokens</h2>
          <label class="inline-field">
            Status
            <select value={status ?? ''} onChange={(e) => setParams({ status: (e.currentTarget as HTMLSelectElement).value || null }, { replace: true })}>
              <option value="">all</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
        </div>
        {tokens.error ? <ErrorNotice error={tokens.error} onRetry={tokens.reload} /> : null}
        <DataTable
          caption="Enrollment tokens"
          columns={columns}
          rows={tokens.data?.items}
          rowKey={(t) => t.id}
          reserveRows={3}
          busy={tokens.loading}
          empty={status ? `No ${status} token.` : 'No enrollment token yet.'}
          testId="tokens-table"
        />
      </section>
    </>
  );
}
