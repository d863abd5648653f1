import type { AssetCriticality, DeviceDetail } from '@patchwave/shared';
import { useState } from 'preact/hooks';
import { patchDevice } from '../../api/devices.js';
import { errorText } from '../../components/notice.js';
import { parseTags } from '../../format.js';
import { CriticalityBadge, Tags } from '../../components/badges.js';

const CRITICALITIES = ['low', 'medium', 'high', 'critical'] as const satisfies readonly AssetCriticality[];

/**
 * Tags and criticality, edited together and saved with one PATCH (audited by the server). The
 * server validates the tag grammar; its message names the bad tag.
 */
export function DeviceSettings({ device, onSaved }: { device: DeviceDetail; onSaved: () => void }) {
  const [tags, setTags] = useState<string[]>(device.tags);
  const [criticality, setCriticality] = useState<AssetCriticality>(device.criticality);
  const [draft, setDraft] = useState('');
  const [status, setStatus] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const dirty = criticality !== device.criticality || tags.join('\n') !== device.tags.join('\n') || draft.trim() !== '';

  const addDraft = (): string[] => {
    const added = parseTags(draft).filter((t) => !tags.includes(t));
    const next = [...tags, ...added];
    setTags(next);
    setDraft('');
    return next;
  };

  const save = async (event: Event) => {
    event.preventDefault();
    const nextTags = draft.trim() === '' ? tags : addDraft();
    setBusy(true);
    setStatus(null);
    try {
      const saved = await patchDevice(device.id, { tags: nextTags, criticality });
      setTags(saved.tags);
      setCriticality(saved.criticality);
      setStatus({ kind: 'ok', text: 'Saved.' });
      onSaved();
    } catch (err) {
      setStatus({ kind: 'error', text: errorText(err as Error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel settings" aria-labelledby="settings-title">
      <h2 id="settings-title">Labels</h2>
      <form onSubmit={(e) => void save(e)}>
        <label for="criticality">Criticality</label>
        <select id="criticality" value={criticality} onChange={(e) => setCriticality((e.currentTarget as HTMLSelectElement).value as AssetCriticality)}>
          {CRITICALITIES.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
        <fieldset class="tag-editor">
          <legend>Tags</legend>
          <ul class="tag-list editable" data-testid="tag-editor-list">
            {tags.map((t) => (
              <li key={t} class="tag">
                {t}
                <button type="button" class="tag-remove" aria-label={`Remove tag ${t}`} onClick={() => setTags(tags.filter((x) => x !== t))}>
                  ×
                </button>
              </li>
            ))}
            {tags.length === 0 ? <li class="muted">no tags</li> : null}
          </ul>
          <div class="input-row">
            <label class="visually-hidden" for="new-tag">
              Add tags
            </label>
            <input
              id="new-tag"
              type="text"
              value={draft}
              placeholder="env=prod web"
              onInput={(e) => setDraft((e.currentTarget as HTMLInputElement).value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  addDraft();
                }
              }}
            />
            <button type="button" class="secondary" onClick={addDraft} disabled={draft.trim() === ''}>
              Add
            </button>
          </div>
          <p class="help">Letters, digits and . _ : = / @ + - (up to 64 characters). Deployments target devices by tag.</p>
        </fieldset>
        <div class="form-actions">
          <button type="submit" class="primary" disabled={busy || !dirty}>
            {busy ? 'Saving…' : 'Save'}
          </button>
          <button
            type="button"
            class="secondary"
            disabled={busy || !dirty}
            onClick={() => {
              setTags(device.tags);
              setCriticality(device.criticality);
              setDraft('');
              setStatus(null);
            }}
          >
            Reset
          </button>
          <span class={`form-status ${status?.kind === 'error' ? 'field-error' : ''}`} role="status">
            {status?.text ?? ''}
          </span>
        </div>
      </form>
    </section>
  );
}

/** Tags and criticality for roles that may not change them (approvers, auditors). */
export function DeviceLabels({ device }: { device: DeviceDetail }) {
  return (
    <section class="panel settings" aria-labelledby="labels-title">
      <h2 id="labels-title">Labels</h2>
      <p>
        Criticality <CriticalityBadge value={device.criticality} />
      </p>
      <Tags tags={device.tags} />
      <p class="help">Operators and admins edit tags and criticality.</p>
    </section>
  );
}
