/**
 * Escapes every non-ASCII character of bundled JavaScript as `\uXXXX` (one escape per UTF-16 code
 * unit). V8 keeps a script's source for its whole life (lazy compilation, `Function#toString`), and
 * a single character above U+00FF anywhere in the file makes it a two-byte string: the agent bundle
 * held 6.6 MB of source instead of 3.3 MB (docs/decisions/020-agent-memory.md). esbuild already
 * escapes strings and identifiers (charset ascii) but leaves comments and regular expression
 * literals as written. The escape means the same character in both: in a regular expression,
 * with or without the `u` flag (a surrogate pair written as two escapes is one code point under
 * `u`), and in a comment it is only text.
 */
export function escapeNonAscii(source: string): string {
  return source.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
