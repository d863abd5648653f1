import type { ComponentChildren } from 'preact';

export interface Column<T> {
  id: string;
  header: ComponentChildren;
  cell: (row: T) => ComponentChildren;
  /** The server-side sort key this column sorts by; absent: not sortable. */
  sortKey?: string;
  /** Width and alignment classes (see styles/table.css: w-xs … w-xl, num). */
  className?: string;
}

export interface SortState {
  key: string;
  order: 'asc' | 'desc';
}

interface Props<T> {
  /** Names the table for assistive technology (rendered as a visually hidden caption). */
  caption: string;
  columns: readonly Column<T>[];
  /** undefined while the first page loads: `reserveRows` placeholder rows hold the space. */
  rows: readonly T[] | undefined;
  rowKey: (row: T) => string;
  reserveRows?: number;
  sort?: SortState;
  onSort?: (key: string) => void;
  busy?: boolean;
  empty?: ComponentChildren;
  testId?: string;
}

/**
 * A table with a fixed layout: column widths come from classes and every row is one line high,
 * so refreshed data never moves the page. Sorting is the server's (the header buttons only ask).
 * Cells render values as text nodes; nothing here parses HTML.
 */
export function DataTable<T>({ caption, columns, rows, rowKey, reserveRows = 10, sort, onSort, busy, empty, testId }: Props<T>) {
  return (
    <div class="table-wrap">
      <table class="data-table" aria-busy={busy ? 'true' : 'false'} data-testid={testId}>
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.id} scope="col" class={c.className} aria-sort={sort && c.sortKey === sort.key ? (sort.order === 'asc' ? 'ascending' : 'descending') : undefined}>
                {c.sortKey && onSort ? (
                  <button type="button" class="sort-button" onClick={() => onSort(c.sortKey as string)}>
                    {c.header}
                    <span class="sort-indicator" aria-hidden="true">
                      {sort && c.sortKey === sort.key ? (sort.order === 'asc' ? '▲' : '▼') : '↕'}
                    </span>
                  </button>
                ) : (
                  c.header
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows === undefined
            ? Array.from({ length: reserveRows }, (_, i) => (
                <tr key={`placeholder-${i}`} class="placeholder-row" aria-hidden="true">
                  {columns.map((c) => (
                    <td key={c.id} class={c.className}>
                      <span class="skeleton" />
                    </td>
                  ))}
                </tr>
              ))
            : rows.map((row) => (
                <tr key={rowKey(row)}>
                  {columns.map((c) => (
                    <td key={c.id} class={c.className}>
                      {c.cell(row)}
                    </td>
                  ))}
                </tr>
              ))}
          {rows !== undefined && rows.length === 0 ? (
            <tr>
              <td class="empty" colSpan={columns.length}>
                {empty ?? 'Nothing to show.'}
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}

/** Next sort state after a click on `key`: a new column starts ascending, the same one flips. */
export function nextSort(current: SortState, key: string, firstOrder: 'asc' | 'desc' = 'asc'): SortState {
  if (current.key !== key) return { key, order: firstOrder };
  return { key, order: current.order === 'asc' ? 'desc' : 'asc' };
}
