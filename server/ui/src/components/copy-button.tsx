import { useState } from 'preact/hooks';

/**
 * Copies `text` to the clipboard. Where the Clipboard API is missing (plain HTTP to a remote
 * host is not a secure context) it selects the field `selectId` so Ctrl+C copies it, and says so.
 */
export function CopyButton({ text, label = 'Copy', selectId }: { text: string; label?: string; selectId?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'select'>('idle');
  const copy = async () => {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard API');
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      const field = selectId ? document.getElementById(selectId) : null;
      if (field instanceof HTMLInputElement || field instanceof HTMLTextAreaElement) {
        field.focus();
        field.select();
      }
      setState('select');
    }
  };
  return (
    <span class="copy">
      <button type="button" onClick={() => void copy()}>
        {state === 'copied' ? 'Copied' : label}
      </button>
      <span class="copy-status" role="status">
        {state === 'copied' ? 'Copied to the clipboard.' : state === 'select' ? 'Selected: press Ctrl+C (⌘C) to copy.' : ''}
      </span>
    </span>
  );
}
