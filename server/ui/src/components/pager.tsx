import type { Page } from '@patchwave/shared';
import { formatNumber } from '../format.js';

/** What the table shows now (from the server's answer), as opposed to what was just asked for. */
export interface Shown {
  offset: number;
  count: number;
  total: number;
}

export const shownOf = (page: Page<unknown> | undefined): Shown | undefined => (page ? { offset: page.offset, count: page.items.length, total: page.total } : undefined);

interface Props {
  /** The rows on screen; the status line describes them, so it never runs ahead of the table. */
  shown: Shown | undefined;
  /** The page asked for (the address), which the buttons move from. */
  offset: number;
  limit: number;
  onOffset: (offset: number) => void;
  onLimit?: (limit: number) => void;
  sizes?: readonly number[];
  /** What is counted ("devices", "packages"). */
  noun: string;
}

/** "1–50 of 10,000 devices · page 1 of 200", first/previous/next/last and the page size. Always the same height. */
export function Pager({ shown, offset, limit, onOffset, onLimit, sizes = [25, 50, 100, 200], noun }: Props) {
  const total = shown?.total ?? 0;
  const lastOffset = total === 0 ? 0 : Math.floor((total - 1) / limit) * limit;
  let status = '\u00a0';
  if (shown) {
    const pages = Math.max(1, Math.ceil(shown.total / limit));
    const page = Math.floor(shown.offset / limit) + 1;
    const range = shown.count === 0 ? `0 of ${formatNumber(shown.total)}` : `${formatNumber(shown.offset + 1)}–${formatNumber(shown.offset + shown.count)} of ${formatNumber(shown.total)}`;
    status = `${range} ${noun} · page ${formatNumber(page)} of ${formatNumber(pages)}`;
  }
  return (
    <nav class="pager" aria-label={`Pages of ${noun}`}>
      <p class="pager-status" aria-live="polite">
        {status}
      </p>
      <div class="pager-buttons">
        <button type="button" onClick={() => onOffset(0)} disabled={offset === 0}>
          First
        </button>
        <button type="button" onClick={() => onOffset(Math.max(0, offset - limit))} disabled={offset === 0}>
          Previous
        </button>
        <button type="button" onClick={() => onOffset(offset + limit)} disabled={offset + limit >= total}>
          Next
        </button>
        <button type="button" onClick={() => onOffset(lastOffset)} disabled={offset >= lastOffset}>
          Last
        </button>
        {onLimit ? (
          <label class="pager-size">
            Per page
            <select value={String(limit)} onChange={(e) => onLimit(Number((e.currentTarget as HTMLSelectElement).value))}>
              {sizes.map((s) => (
                <option key={s} value={String(s)}>
                  {s}
                </option>
              ))}
            </select>
          </label>
        ) : null}
      </div>
    </nav>
  );
}
