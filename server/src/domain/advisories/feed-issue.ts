import { PatchwaveError } from '@patchwave/shared';
import type { z } from 'zod';

/** Where exactly a feed is wrong: enough for an operator to open the file and fix the record. */
export interface FeedIssue {
  /** File name as given (for a zip: `feed.zip!path/in/zip.json`). */
  file: string;
  /** 0-based index of the record inside the file (array element, CSV data row, zip entry). */
  record?: number;
  /** 1-based line (CSV rows; JSON syntax errors). */
  line?: number;
  /** 1-based column (JSON syntax errors). */
  column?: number;
  /** The record's own id when it could be read (`USN-2319-3`, `CVE-2025-48384`). */
  recordId?: string;
  /** Path of the bad field inside the record (`affected[0].ranges[1].events[2].fixed`). */
  field?: string;
  message: string;
}

/**
 * Parsers are all-or-nothing: either every record parsed (`ok: true`, possibly with warnings that
 * lose nothing) or none is returned and the issues say why.
 */
export type FeedParseResult<T> =
  | { ok: true; value: T; warnings: FeedIssue[] }
  | { ok: false; issues: FeedIssue[] };

/** More issues than this are summarised: a wholly wrong file should not produce a million lines. */
export const MAX_REPORTED_ISSUES = 100;

export class IssueList {
  readonly items: FeedIssue[] = [];
  private dropped = 0;

  add(issue: FeedIssue): void {
    if (this.items.length < MAX_REPORTED_ISSUES) this.items.push(issue);
    else this.dropped += 1;
  }

  get size(): number {
    return this.items.length + this.dropped;
  }

  /** The issues, with a closing line saying how many more were not listed. */
  finish(file: string): FeedIssue[] {
    if (this.dropped === 0) return this.items;
    return [...this.items, { file, message: `${this.dropped} further issues not listed` }];
  }
}

/** `affected[0].ranges[1]` from a zod path. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

export function zodIssues(error: z.ZodError, at: Omit<FeedIssue, 'message' | 'field'>): FeedIssue[] {
  return error.issues.map((issue) => ({ ...at, field: fieldPath(issue.path) || undefined, message: issue.message }));
}

/** Line and column of a JSON.parse failure, when the engine reports a position. */
export function jsonSyntaxIssue(file: string, text: string, err: unknown): FeedIssue {
  const message = err instanceof Error ? err.message : String(err);
  const m = /position (\d+)/.exec(message);
  if (m) {
    const pos = Number(m[1]);
    const before = text.slice(0, pos);
    const line = before.split('\n').length;
    const column = pos - before.lastIndexOf('\n');
    return { file, line, column, message: `invalid JSON: ${message}` };
  }
  if (/end of (JSON )?input/i.test(message)) {
    const line = text.split('\n').length;
    return { file, line, message: `invalid JSON (truncated?): ${message}` };
  }
  return { file, message: `invalid JSON: ${message}` };
}

export function formatIssue(i: FeedIssue): string {
  const where = [
    i.file,
    i.line !== undefined ? `line ${i.line}${i.column !== undefined ? `:${i.column}` : ''}` : undefined,
    i.record !== undefined ? `record ${i.record}` : undefined,
    i.recordId,
    i.field,
  ].filter((p) => p !== undefined && p !== '');
  return `${where.join(' ')}: ${i.message}`;
}

/** For callers that want an exception (CLI, REST): one error carrying every issue. */
export class FeedInvalidError extends PatchwaveError {
  readonly issues: FeedIssue[];

  constructor(issues: FeedIssue[]) {
    const first = issues[0];
    super(
      'E_FEED_INVALID',
      first ? `feed rejected, nothing imported: ${formatIssue(first)}${issues.length > 1 ? ` (+${issues.length - 1} more)` : ''}` : 'feed rejected',
      { details: { issues } },
    );
    this.name = 'FeedInvalidError';
    this.issues = issues;
  }
}

export function unwrapFeed<T>(result: FeedParseResult<T>): T {
  if (!result.ok) throw new FeedInvalidError(result.issues);
  return result.value;
}
