import { useEffect, useState } from 'preact/hooks';

interface Props {
  name: string;
  value: string;
  placeholder?: string;
  /** Id of a <datalist> of suggestions. */
  list?: string;
  onFocus?: () => void;
  /** Called with the trimmed text when the field is committed (Enter or leaving it). */
  onCommit: (value: string) => void;
}

/**
 * A text field whose typing is its own until committed: data refreshing underneath (every 15 s)
 * re-renders the page without wiping what is being typed, and the filter applies on Enter or blur.
 */
export function CommitInput({ name, value, placeholder, list, onFocus, onCommit }: Props) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  return (
    <input
      type="text"
      name={name}
      list={list}
      placeholder={placeholder}
      value={draft}
      onFocus={onFocus}
      onInput={(e) => setDraft((e.currentTarget as HTMLInputElement).value)}
      onChange={() => {
        if (draft.trim() !== value) onCommit(draft.trim());
      }}
    />
  );
}
