import type { FieldIssue } from '../api/client.js';

/** Issues about the field at `path` or inside it (`what.packages` also takes `what.packages.0.name`). */
export function issuesAt(issues: readonly FieldIssue[], path: string): FieldIssue[] {
  return issues.filter((i) => i.path === path || i.path.startsWith(`${path}.`));
}

/** `aria-invalid` for a control whose field has an issue. */
export const invalidAt = (issues: readonly FieldIssue[], path: string): 'true' | 'false' => (issuesAt(issues, path).length > 0 ? 'true' : 'false');

/** Id of the error text of a field, for `aria-describedby`. */
export const errorId = (path: string): string => `error-${path.replaceAll('.', '-')}`;

/**
 * The server's words about one field, right under it. `data-path` carries the field's path, so a
 * reader (and a test) can tell which field the message belongs to.
 */
export function FieldError({ issues, path }: { issues: readonly FieldIssue[]; path: string }) {
  const mine = issuesAt(issues, path);
  return (
    <span id={errorId(path)} class="field-error" data-path={path}>
      {mine.map((i) => (i.path === path ? i.message : `${i.path.slice(path.length + 1)}: ${i.message}`)).join('; ')}
    </span>
  );
}
