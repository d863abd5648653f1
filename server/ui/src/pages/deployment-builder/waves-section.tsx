import type { FieldIssue } from '../../api/client.js';
import { FieldError } from '../../components/field-error.js';
import type { WaveForm, WaveKind } from './form-state.js';
import { newWave } from './form-state.js';
import { TextField } from './text-field.js';

interface Props {
  waves: WaveForm[];
  issues: readonly FieldIssue[];
  onChange: (waves: WaveForm[]) => void;
}

const GATE_FIELDS: { key: keyof WaveForm & string; path: string; label: string; help: string }[] = [
  { key: 'minSample', path: 'minSample', label: 'Min. sample', help: 'results needed' },
  { key: 'minSuccessRate', path: 'minSuccessRate', label: 'Min. success %', help: '0–100' },
  { key: 'maxFailures', path: 'maxFailures', label: 'Max. failures', help: 'failure budget' },
  { key: 'soakMinutes', path: 'soakMinutes', label: 'Soak (min)', help: 'wait after the last result' },
  { key: 'healthCheckMinutes', path: 'healthCheckMinutes', label: 'Health check (min)', help: 'check-in after reboot' },
];

/**
 * Waves in order: each selects devices by a share of the targets, by tags, or takes the rest (the
 * last wave only), and has its own gates. Empty gate fields are off; completion is always checked.
 */
export function WavesSection({ waves, issues, onChange }: Props) {
  const update = (i: number, change: Partial<WaveForm>) => onChange(waves.map((w, j) => (j === i ? { ...w, ...change } : w)));
  return (
    <section class="panel" aria-labelledby="waves-title">
      <h2 id="waves-title">Waves and gates</h2>
      <p class="help">Percentages split the targets left after tag waves. A wave must pass every gate set before the next one starts; a breach halts the deployment.</p>
      <FieldError issues={issues.filter((i) => i.path === 'waves')} path="waves" />
      <ol class="wave-list">
        {waves.map((w, i) => (
          <li key={w.key} class="wave-form" data-testid={`wave-form-${i}`}>
            <fieldset>
              <legend>Wave {i + 1}</legend>
              <div class="field-row">
                <TextField label="Name" path={`waves.${i}.name`} value={w.name} onInput={(name) => update(i, { name })} issues={issues} />
                <div class="field">
                  <label for={`wave-${w.key}-kind`}>Selects</label>
                  <select id={`wave-${w.key}-kind`} value={w.kind} onChange={(e) => update(i, { kind: (e.currentTarget as HTMLSelectElement).value as WaveKind })}>
                    <option value="percent">a percentage of the targets</option>
                    <option value="tags">devices with tags</option>
                    <option value="rest">all remaining devices</option>
                  </select>
                  <FieldError issues={issues.filter((x) => x.path === `waves.${i}.select`)} path={`waves.${i}.select`} />
                </div>
                {w.kind === 'percent' ? (
                  <TextField label="Percent" path={`waves.${i}.select.percent`} value={w.percent} inputMode="decimal" onInput={(percent) => update(i, { percent })} issues={issues} />
                ) : null}
                {w.kind === 'tags' ? <TextField label="Wave tags" path={`waves.${i}.select.tags`} value={w.tags} onInput={(tags) => update(i, { tags })} issues={issues} placeholder="canary ring=1" /> : null}
              </div>
              <div class="field-row gates">
                {GATE_FIELDS.map((g) => (
                  <TextField
                    key={g.key}
                    label={g.label}
                    path={`waves.${i}.gates.${g.path}`}
                    value={w[g.key] as string}
                    inputMode="decimal"
                    help={g.help}
                    onInput={(value) => update(i, { [g.key]: value } as Partial<WaveForm>)}
                    issues={issues}
                  />
                ))}
              </div>
              {waves.length > 1 ? (
                <button type="button" class="secondary" onClick={() => onChange(waves.filter((_, j) => j !== i))} aria-label={`Remove wave ${i + 1}`}>
                  Remove wave
                </button>
              ) : null}
            </fieldset>
          </li>
        ))}
      </ol>
      <button type="button" onClick={() => onChange([...waves.slice(0, -1), newWave(`wave ${waves.length}`, 'percent', '25'), ...waves.slice(-1)])} disabled={waves.length >= 20}>
        Add a wave
      </button>
    </section>
  );
}
