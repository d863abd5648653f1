import { isAsciiDigit } from './ordering.js';

/**
 * The tokenizer of apk-tools 3 (src/version.c): `digit{.digit}...{letter}{_suf{#}}...{~hash}{-r#}`.
 * Token kinds are numbered as in apk-tools because the numbers are part of the order: when two
 * versions diverge in kind, the higher kind is the older version.
 */
export const TOKEN = {
  INITIAL_DIGIT: 0,
  DIGIT: 1,
  LETTER: 2,
  SUFFIX: 3,
  SUFFIX_NO: 4,
  COMMIT_HASH: 5,
  REVISION_NO: 6,
  END: 7,
  INVALID: 8,
} as const;

/** Suffix ranks; below NONE are pre-releases, above are post-releases. */
export const SUFFIX_NONE = 5;
const SUFFIXES = new Map<string, number>([
  ['alpha', 1],
  ['beta', 2],
  ['pre', 3],
  ['rc', 4],
  ['cvs', 6],
  ['svn', 7],
  ['git', 8],
  ['hg', 9],
  ['p', 10],
]);

export interface ApkToken {
  kind: number;
  /** The token's text: digits, the letter, the suffix word or the hash. */
  value: string;
  /** Rank of a SUFFIX token (0 otherwise). */
  suffix: number;
  /** Why the version stops being valid here (INVALID tokens only). */
  reason?: string;
  /** Index in the input where this token starts (or the problem is). */
  at: number;
}

const isLower = (c: number): boolean => c >= 0x61 && c <= 0x7a;
const isHex = (c: number): boolean => isAsciiDigit(c) || (c >= 0x61 && c <= 0x66);

/** Walks one version string token by token, exactly as apk-tools' `token_first`/`token_next`. */
export class ApkTokenizer {
  private pos = 0;
  private kind: number = TOKEN.INITIAL_DIGIT;

  constructor(private readonly text: string) {}

  first(): ApkToken {
    const digits = this.take(isAsciiDigit);
    if (digits === '') return this.invalid(0, 'a version must start with a digit');
    return { kind: TOKEN.INITIAL_DIGIT, value: digits, suffix: 0, at: 0 };
  }

  next(): ApkToken {
    const at = this.pos;
    if (at >= this.text.length) return this.token(TOKEN.END, '', at);
    const c = this.text.charCodeAt(at);
    const ch = this.text.charAt(at);
    const prev = this.kind;
    if (isLower(c)) {
      if (prev > TOKEN.DIGIT) return this.invalid(at, `letter '${ch}' may only follow a number`);
      this.pos++;
      return this.token(TOKEN.LETTER, ch, at);
    }
    if (ch === '.' || isAsciiDigit(c)) {
      if (ch === '.') {
        if (prev > TOKEN.DIGIT) return this.invalid(at, "'.' may only follow a number");
        this.pos++;
      }
      let kind: number;
      if (prev === TOKEN.INITIAL_DIGIT || prev === TOKEN.DIGIT) kind = TOKEN.DIGIT;
      else if (prev === TOKEN.SUFFIX) kind = TOKEN.SUFFIX_NO;
      else return this.invalid(at, `digit '${ch}' may not follow a letter`);
      const digits = this.take(isAsciiDigit);
      if (digits === '') return this.invalid(this.pos, "'.' must be followed by digits");
      return this.token(kind, digits, at);
    }
    if (ch === '_') {
      if (prev > TOKEN.SUFFIX_NO) return this.invalid(at, "'_suffix' must come before '~hash' and '-rN'");
      this.pos++;
      const word = this.take(isLower);
      const rank = SUFFIXES.get(word);
      if (rank === undefined) {
        return this.invalid(at, `unknown suffix '_${word}' (expected _alpha _beta _pre _rc _cvs _svn _git _hg _p)`);
      }
      return { ...this.token(TOKEN.SUFFIX, word, at), suffix: rank };
    }
    if (ch === '~') {
      if (prev >= TOKEN.COMMIT_HASH) return this.invalid(at, "'~hash' may appear once, before '-rN'");
      this.pos++;
      const hash = this.take(isHex);
      if (hash === '') return this.invalid(at, "'~' must be followed by a lowercase hex commit hash");
      return this.token(TOKEN.COMMIT_HASH, hash, at);
    }
    if (ch === '-') {
      if (prev >= TOKEN.REVISION_NO) return this.invalid(at, "'-rN' may appear only once, at the end");
      if (this.text.charAt(at + 1) !== 'r') return this.invalid(at, "'-' must be followed by 'r' and a number");
      this.pos += 2;
      const digits = this.take(isAsciiDigit);
      if (digits === '') return this.invalid(this.pos, "'-r' must be followed by a number");
      return this.token(TOKEN.REVISION_NO, digits, at);
    }
    return this.invalid(at, `unexpected character '${String.fromCodePoint(this.text.codePointAt(at) ?? c)}'`);
  }

  private token(kind: number, value: string, at: number): ApkToken {
    this.kind = kind;
    return { kind, value, suffix: 0, at };
  }

  private invalid(at: number, reason: string): ApkToken {
    this.kind = TOKEN.INVALID;
    return { kind: TOKEN.INVALID, value: '', suffix: 0, reason, at };
  }

  private take(accept: (c: number) => boolean): string {
    const start = this.pos;
    while (this.pos < this.text.length && accept(this.text.charCodeAt(this.pos))) this.pos++;
    return this.text.slice(start, this.pos);
  }
}
