/** A line or element a parser could not read, with where it was. */
export interface ParseProblem {
  /** 1-based line number in the tool's output, when the format is line based. */
  line?: number;
  message: string;
}

/**
 * What every parser returns. Parsers are total: they never throw on any input, they keep what
 * they could read and say precisely what they could not.
 */
export interface ParseOutcome<T> {
  value: T;
  problems: ParseProblem[];
}

export type ParseKind = 'installed' | 'updates' | 'apply' | 'reboot';

/** Pure parsers of one adapter, by the kind of output they read (for `patchwave-agent parse`). */
export type AdapterParsers = Partial<Record<ParseKind, (text: string) => ParseOutcome<unknown>>>;
