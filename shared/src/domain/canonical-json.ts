function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Deterministic JSON: object keys sorted, arrays kept in order. Used for content hashes so that
 * agent and server agree on the same bytes. This is the reference every faster encoder must match.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => compareKeys(a, b));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export type Encoder = (value: unknown) => string;

// What JSON.stringify escapes in a string: the quote, the backslash, control characters and
// (well-formed JSON.stringify) surrogates. Strings without any are quoted as they are.
// eslint-disable-next-line no-control-regex -- control characters are what JSON.stringify escapes
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** JSON.stringify of a string, without its cost for the plain strings of package names and versions. */
export function quoteString(value: string): string {
  return NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`;
}

/** canonicalJson with the common case (a string) first. */
export function encodeValue(value: unknown): string {
  return typeof value === 'string' ? quoteString(value) : canonicalJson(value);
}

/**
 * canonicalJson for objects of a known shape, e.g. the thousands of packages of an inventory: the
 * keys are sorted once here instead of per object. Anything that is not such an object (another
 * key, an inherited or odd prototype, not an object at all) goes to canonicalJson, so the output is
 * always byte-identical to it. `nested` encodes the values of some keys (default: encodeValue).
 */
export function shapeEncoder(keys: readonly string[], nested: Readonly<Record<string, Encoder>> = {}): Encoder {
  const sorted = [...keys].sort(compareKeys);
  const bit = new Map(sorted.map((k, i) => [k, 1 << i]));
  const fields = sorted.map((k, i) => ({ key: k, bit: 1 << i, prefix: `${JSON.stringify(k)}:`, encode: nested[k] ?? encodeValue }));
  return (value) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return canonicalJson(value);
    // Only own keys count (as for Object.entries); reading one of them never reaches the prototype.
    let own = 0;
    for (const k of Object.keys(value)) {
      const b = bit.get(k);
      if (b === undefined) return canonicalJson(value);
      own |= b;
    }
    const record = value as Record<string, unknown>;
    let out = '{';
    for (const f of fields) {
      if ((own & f.bit) === 0) continue;
      const v = record[f.key];
      if (v === undefined) continue;
      out += out.length === 1 ? f.prefix : `,${f.prefix}`;
      out += f.encode(v);
    }
    return `${out}}`;
  };
}
