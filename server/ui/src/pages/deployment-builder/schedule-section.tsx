import type { FieldIssue } from '../../api/client.js';
import { FieldError } from '../../components/field-error.js';
import type { BuilderForm, RebootMode, WindowForm } from './form-state.js';
import { newKey } from './form-state.js';
import { TextField } from './text-field.js';

interface Props {
  form: BuilderForm;
  issues: readonly FieldIssue[];
  onChange: (change: Partial<BuilderForm>) => void;
}

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** When (start, deadline, maintenance windows per group), how devices reboot, and who approves. */
export function ScheduleSection({ form, issues, onChange }: Props) {
  const setWindows = (windows: WindowForm[]) => onChange({ windows });
  const editWindow = (i: number, change: Partial<WindowForm>) => setWindows(form.windows.map((w, j) => (j === i ? { ...w, ...change } : w)));
  return (
    <>
      <section class="panel" aria-labelledby="schedule-title">
        <h2 id="schedule-title">Schedule</h2>
        <div class="field-row">
          <TextField label="Start at" type="datetime-local" path="schedule.startAt" value={form.startAt} onInput={(startAt) => onChange({ startAt })} issues={issues} help="empty: when started" />
          <TextField label="Deadline" type="datetime-local" path="schedule.deadline" value={form.deadline} onInput={(deadline) => onChange({ deadline })} issues={issues} help="no job starts after it" />
          <TextField label="Job timeout (min)" path="jobTimeoutMinutes" inputMode="numeric" value={form.jobTimeoutMinutes} onInput={(jobTimeoutMinutes) => onChange({ jobTimeoutMinutes })} issues={issues} />
        </div>
        <fieldset>
          <legend>Maintenance windows</legend>
          <p class="help">Per device group (tag group=NAME); “*” for devices in no group with a window. Cron: minute hour day month weekday.</p>
          <FieldError issues={issues.filter((i) => i.path === 'schedule.windows')} path="schedule.windows" />
          {form.windows.map((w, i) => (
            <div class="field-row" key={w.key}>
              <TextField label="Group" path={`schedule.windows.${i}.group`} value={w.group} onInput={(group) => editWindow(i, { group })} issues={issues} placeholder="*" />
              <TextField label="Cron" path={`schedule.windows.${i}.cron`} value={w.cron} onInput={(cron) => editWindow(i, { cron })} issues={issues} placeholder="0 2 * * 6" />
              <TextField label="Duration (min)" path={`schedule.windows.${i}.durationMinutes`} value={w.durationMinutes} inputMode="decimal" onInput={(durationMinutes) => editWindow(i, { durationMinutes })} issues={issues} />
              <TextField label="Time zone" path={`schedule.windows.${i}.timeZone`} value={w.timeZone} onInput={(timeZone) => editWindow(i, { timeZone })} issues={issues} />
              <button type="button" class="secondary" onClick={() => setWindows(form.windows.filter((_, j) => j !== i))} aria-label={`Remove window ${i + 1}`}>
                Remove
              </button>
            </div>
          ))}
          <button type="button" onClick={() => setWindows([...form.windows, { key: newKey(), group: '*', cron: '0 2 * * 6', durationMinutes: '240', timeZone: browserZone() }])}>
            Add a window
          </button>
        </fieldset>
      </section>
      <section class="panel" aria-labelledby="reboot-title">
        <h2 id="reboot-title">Reboot and approval</h2>
        <div class="field-row">
          <div class="field">
            <label for="f-rebootPolicy">Reboot</label>
            <select id="f-rebootPolicy" value={form.reboot} onChange={(e) => onChange({ reboot: (e.currentTarget as HTMLSelectElement).value as RebootMode })}>
              <option value="if-required">when an update requires it</option>
              <option value="never">never (report it pending)</option>
              <option value="always">always after installing</option>
              <option value="deadline">when required, within a deadline</option>
            </select>
            <FieldError issues={issues.filter((i) => i.path === 'rebootPolicy' || i.path === 'rebootPolicy.mode')} path="rebootPolicy" />
          </div>
          {form.reboot === 'deadline' ? (
            <TextField label="Reboot within (min)" path="rebootPolicy.withinMinutes" inputMode="numeric" value={form.rebootWithinMinutes} onInput={(rebootWithinMinutes) => onChange({ rebootWithinMinutes })} issues={issues} />
          ) : null}
        </div>
        <div class="field-row">
          <label class="checkbox">
            <input type="checkbox" checked={form.approvalRequired} onChange={(e) => onChange({ approvalRequired: (e.currentTarget as HTMLInputElement).checked })} />
            Approval required (by an approver other than the author)
          </label>
          <TextField label="Change record" path="approval.changeRecord" value={form.changeRecord} onInput={(changeRecord) => onChange({ changeRecord })} issues={issues} placeholder="CHG-1234 or a ticket URL" />
        </div>
      </section>
    </>
  );
}
