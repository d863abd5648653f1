import type { FieldIssue } from '../../api/client.js';
import { FieldError } from '../../components/field-error.js';
import type { BuilderForm, OsForm } from './form-state.js';
import { newKey } from './form-state.js';
import { TextField } from './text-field.js';

interface Props {
  form: BuilderForm;
  issues: readonly FieldIssue[];
  onChange: (change: Partial<BuilderForm>) => void;
}

/** Which devices: any of tags, groups and device ids; OS rows narrow the set; exclusions come last. */
export function TargetsSection({ form, issues, onChange }: Props) {
  const setOs = (os: OsForm[]) => onChange({ os });
  return (
    <section class="panel" aria-labelledby="targets-title">
      <h2 id="targets-title">Targets</h2>
      <p class="help">A device is a target when it has any of the tags, is in any of the groups (tag group=NAME) or is listed by id. OS rows narrow that set (alone, they select every device of that system).</p>
      <FieldError issues={issues.filter((i) => i.path === 'targets')} path="targets" />
      <div class="field-row">
        <TextField label="Tags" path="targets.tags" value={form.tags} onInput={(tags) => onChange({ tags })} issues={issues} placeholder="web env=prod" />
        <TextField label="Groups" path="targets.groups" value={form.groups} onInput={(groups) => onChange({ groups })} issues={issues} placeholder="berlin-office" />
      </div>
      <TextField label="Device ids" path="targets.deviceIds" value={form.deviceIds} onInput={(deviceIds) => onChange({ deviceIds })} issues={issues} multiline placeholder="one device id a line" />
      <fieldset class="os-rows">
        <legend>Operating systems</legend>
        {form.os.map((o, i) => (
          <div class="field-row" key={o.key}>
            <div class="field">
              <label for={`os-${o.key}-platform`}>Platform</label>
              <select id={`os-${o.key}-platform`} value={o.platform} onChange={(e) => setOs(form.os.map((x, j) => (j === i ? { ...x, platform: (e.currentTarget as HTMLSelectElement).value as OsForm['platform'] } : x)))}>
                <option value="linux">Linux</option>
                <option value="windows">Windows</option>
                <option value="darwin">macOS</option>
              </select>
            </div>
            <TextField label="OS id" path={`targets.os.${i}.id`} value={o.id} onInput={(id) => setOs(form.os.map((x, j) => (j === i ? { ...x, id } : x)))} issues={issues} placeholder="debian" />
            <TextField label="Release" path={`targets.os.${i}.release`} value={o.release} onInput={(release) => setOs(form.os.map((x, j) => (j === i ? { ...x, release } : x)))} issues={issues} placeholder="12" />
            <button type="button" class="secondary" onClick={() => setOs(form.os.filter((_, j) => j !== i))} aria-label={`Remove OS row ${i + 1}`}>
              Remove
            </button>
          </div>
        ))}
        <button type="button" onClick={() => setOs([...form.os, { key: newKey(), platform: 'linux', id: '', release: '' }])}>
          Add an OS
        </button>
      </fieldset>
      <div class="field-row">
        <TextField label="Exclude tags" path="targets.exclude.tags" value={form.excludeTags} onInput={(excludeTags) => onChange({ excludeTags })} issues={issues} placeholder="no-patch" />
        <TextField label="Exclude device ids" path="targets.exclude.deviceIds" value={form.excludeDeviceIds} onInput={(excludeDeviceIds) => onChange({ excludeDeviceIds })} issues={issues} />
      </div>
    </section>
  );
}
