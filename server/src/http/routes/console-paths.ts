/**
 * The part of a request path the console may serve, as a relative path with `/` separators, or
 * null when it must not be served: bad percent-encoding, a NUL, a backslash, or a `.`/`..`
 * segment in any spelling (`..`, `%2e%2e`, `..%2f`, `.%2e`). Decoded exactly once, as the file
 * layer decodes it, so `%252e%252e` stays the literal name `%2e%2e` and cannot climb either.
 */
export function consolePath(encoded: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(encoded);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/');
  if (segments.some((s) => s === '.' || s === '..')) return null;
  return segments.filter((s) => s !== '').join('/');
}

/** Paths that belong to the server (API, docs), never to the console's client routes. */
export function isServerPath(rel: string): boolean {
  const first = rel.split('/')[0] ?? '';
  return first === 'api' || first === 'docs';
}
