import type { FieldIssue } from '../../api/client.js';
import { FieldError } from '../../components/field-error.js';
import type { BuilderForm, WhatKind } from './form-state.js';
import { TextField } from './text-field.js';

const KINDS: { value: WhatKind; label: string }[] = [
  { value: 'security', label: 'Security updates' },
  { value: 'all', label: 'All updates' },
  { value: 'packages', label: 'Named packages' },
  { value: 'advisories', label: 'Fixes for advisories / CVEs' },
];

/** Name, description and which updates. */
export function WhatSection({ form, issues, onChange }: { form: BuilderForm; issues: readonly FieldIssue[]; onChange: (change: Partial<BuilderForm>) => void }) {
  return (
    <section class="panel" aria-labelledby="what-title">
      <h2 id="what-title">What</h2>
      <div class="field-row">
        <TextField label="Name" path="name" value={form.name} onInput={(name) => onChange({ name })} issues={issues} placeholder="March security updates" />
        <TextField label="Description" path="description" value={form.description} onInput={(description) => onChange({ description })} issues={issues} class="wide" />
      </div>
      <fieldset class="radio-row">
        <legend>Updates</legend>
        {KINDS.map((k) => (
          <label key={k.value} class="radio">
            <input type="radio" name="what" value={k.value} checked={form.what === k.value} onChange={() => onChange({ what: k.value })} />
            {k.label}
          </label>
        ))}
        <FieldError issues={issues.filter((i) => i.path === 'what' || i.path === 'what.kind')} path="what" />
      </fieldset>
      {form.what === 'packages' ? (
        <TextField
          label="Packages"
          path="what.packages"
          value={form.packages}
          onInput={(packages) => onChange({ packages })}
          issues={issues}
          multiline
          placeholder={'openssl\napt:libssl3=3.0.13-1~deb12u1'}
          help="One a line: name (newest candidate), name=version, or manager:name=version."
        />
      ) : null}
      {form.what === 'advisories' ? (
        <TextField label="Advisory and CVE ids" path="what.ids" value={form.advisories} onInput={(advisories) => onChange({ advisories })} issues={issues} multiline placeholder="CVE-2024-3094, DSA-5678-1" />
      ) : null}
    </section>
  );
}
