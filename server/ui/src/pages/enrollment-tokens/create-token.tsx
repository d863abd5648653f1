import type { CreatedEnrollmentToken } from '@patchwave/shared';
import { useEffect, useRef, useState } from 'preact/hooks';
import { createEnrollmentToken } from '../../api/enrollment-tokens.js';
import { CopyButton } from '../../components/copy-button.js';
import { errorText } from '../../components/notice.js';
import { DateTime } from '../../components/time.js';
import { parseTags } from '../../format.js';

const LIFETIMES = [
  ['1h', '1 hour'],
  ['24h', '24 hours'],
  ['7d', '7 days'],
  ['30d', '30 days'],
  ['90d', '90 days'],
  ['366d', '366 days (longest)'],
] as const;

/** The create form: name, lifetime, how many devices may use it, tags every enrolled device gets. */
export function CreateTokenForm({ onCreated }: { onCreated: (token: CreatedEnrollmentToken) => void }) {
  const [name, setName] = useState('');
  const [expiresIn, setExpiresIn] = useState('24h');
  const [maxUses, setMaxUses] = useState('1');
  const [tags, setTags] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const uses = Number(maxUses);
    if (!Number.isInteger(uses) || uses < 1 || uses > 100_000) {
      setError('Max uses: a whole number from 1 to 100,000.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const created = await createEnrollmentToken({ name: name.trim() || 'enrollment token', expiresIn, maxUses: uses, tags: parseTags(tags) });
      setName('');
      setTags('');
      onCreated(created);
    } catch (err) {
      setError(errorText(err as Error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel" aria-labelledby="create-title">
      <h2 id="create-title">Create a token</h2>
      <form class="create-token" onSubmit={(e) => void submit(e)} noValidate>
        <label>
          Name
          <input type="text" name="name" value={name} maxLength={128} placeholder="web servers, Berlin office…" onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <label>
          Expires in
          <select name="expiresIn" value={expiresIn} onChange={(e) => setExpiresIn((e.currentTarget as HTMLSelectElement).value)}>
            {LIFETIMES.map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <label>
          Max uses
          <input type="number" name="maxUses" min={1} max={100000} step={1} value={maxUses} onInput={(e) => setMaxUses((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <label>
          Tags
          <input type="text" name="tags" value={tags} placeholder="env=prod web" onInput={(e) => setTags((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create token'}
        </button>
        <p class="field-error" role="alert">
          {error ?? ''}
        </p>
      </form>
    </section>
  );
}

/** The secret of a token just created: shown once, with a copy button and the agent command. */
export function NewTokenSecret({ token, onDone }: { token: CreatedEnrollmentToken; onDone: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [token.id]);
  const command = `patchwave-agent run --server-url ${window.location.origin} --enroll-token ${token.token}`;
  return (
    <section class="panel secret-panel" aria-labelledby="secret-title" data-testid="new-token">
      <h2 id="secret-title" ref={heading} tabIndex={-1}>
        Token “{token.name}” created
      </h2>
      <p>
        Copy the secret now: <strong>it is shown only this once</strong> (the server keeps only its hash). It enrolls up to {token.maxUses} device
        {token.maxUses === 1 ? '' : 's'} until <DateTime iso={token.expiresAt} />.
      </p>
      <label for="new-token-secret">Enrollment token</label>
      <div class="input-row">
        <input id="new-token-secret" class="mono" type="text" readOnly value={token.token} onFocus={(e) => (e.currentTarget as HTMLInputElement).select()} />
        <CopyButton text={token.token} label="Copy token" selectId="new-token-secret" />
      </div>
      <label for="new-token-command">Start an agent with it</label>
      <div class="input-row">
        <input id="new-token-command" class="mono" type="text" readOnly value={command} onFocus={(e) => (e.currentTarget as HTMLInputElement).select()} />
        <CopyButton text={command} label="Copy command" selectId="new-token-command" />
      </div>
      <button type="button" class="secondary" onClick={onDone}>
        Done, hide the secret
      </button>
    </section>
  );
}
