import { formatAge, formatDateTime } from '../format.js';
import { useNow } from '../hooks/use-now.js';

/** "5 min ago", with the exact time as a tooltip and machine-readable in `datetime`. */
export function Age({ iso, never = 'never' }: { iso: string | null | undefined; never?: string }) {
  const now = useNow();
  if (!iso) return <span class="muted">{never}</span>;
  return (
    <time dateTime={iso} title={`${formatDateTime(iso)} (${Intl.DateTimeFormat().resolvedOptions().timeZone})`}>
      {formatAge(iso, now)}
    </time>
  );
}

export function DateTime({ iso }: { iso: string | null | undefined }) {
  if (!iso) return <span class="muted">—</span>;
  return <time dateTime={iso}>{formatDateTime(iso)}</time>;
}

/** "Updated 12 s ago" for live views; a fixed width so the line never reflows. */
export function UpdatedAt({ at, busy }: { at: number | null; busy: boolean }) {
  const now = useNow();
  const text = at === null ? 'Loading…' : busy ? 'Refreshing…' : `Updated ${formatAge(new Date(at).toISOString(), Math.max(now, at))}`;
  return <span class="updated-at">{text}</span>;
}
