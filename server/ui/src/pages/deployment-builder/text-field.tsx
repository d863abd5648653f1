import type { FieldIssue } from '../../api/client.js';
import { errorId, FieldError, invalidAt } from '../../components/field-error.js';

interface Props {
  label: string;
  /** The spec path the server names in its issues (`waves.0.gates.minSuccessRate`). */
  path: string;
  value: string;
  onInput: (value: string) => void;
  issues: readonly FieldIssue[];
  placeholder?: string;
  help?: string;
  multiline?: boolean;
  inputMode?: 'numeric' | 'decimal' | 'text';
  type?: 'text' | 'datetime-local';
  class?: string;
}

/** A labelled text field of the builder with the server's issue about it underneath. */
export function TextField({ label, path, value, onInput, issues, placeholder, help, multiline, inputMode, type = 'text', class: cls }: Props) {
  const id = `f-${path.replaceAll('.', '-')}`;
  const common = {
    id,
    name: path,
    value,
    placeholder,
    'aria-invalid': invalidAt(issues, path),
    'aria-describedby': `${errorId(path)}${help ? ` ${id}-help` : ''}`,
    onInput: (e: Event) => onInput((e.currentTarget as HTMLInputElement | HTMLTextAreaElement).value),
  };
  return (
    <div class={`field ${cls ?? ''}`}>
      <label for={id}>{label}</label>
      {multiline ? (
        <textarea rows={3} spellcheck={false} {...common} />
      ) : type === 'datetime-local' ? (
        <input type="datetime-local" {...common} />
      ) : (
        <input type="text" inputMode={inputMode} spellcheck={false} {...common} />
      )}
      {help ? (
        <span id={`${id}-help`} class="help">
          {help}
        </span>
      ) : null}
      <FieldError issues={issues} path={path} />
    </div>
  );
}
