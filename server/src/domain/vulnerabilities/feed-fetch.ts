import { PatchwaveError } from '@patchwave/shared';
import type { FeedFile } from '../advisories/osv-files.js';

export interface FetchLimits {
  maxBytes: number;
  timeoutMs: number;
}

/** A file name for a downloaded feed: the URL's last path segment (`all.zip`, `known_exploited_vulnerabilities.json`). */
export function feedNameOf(url: URL): string {
  const last = decodeURIComponent(url.pathname.split('/').filter(Boolean).at(-1) ?? '');
  return last.replace(/[^A-Za-z0-9._+-]/g, '_') || url.hostname;
}

/**
 * Downloads one feed over http(s) with a size limit (declared and counted while reading) and a
 * timeout covering the whole transfer. Errors name the URL and what went wrong; nothing is
 * imported from a partial download.
 */
export async function fetchFeed(raw: string, limits: FetchLimits, fetchImpl: typeof fetch = fetch): Promise<FeedFile & { url: string }> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new PatchwaveError('E_VALIDATION', `"${raw}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new PatchwaveError('E_VALIDATION', `${raw}: only http and https feeds can be fetched`);
  const signal = AbortSignal.timeout(limits.timeoutMs);
  const fail = (message: string, cause?: unknown): never => {
    throw new PatchwaveError('E_FEED_INVALID', `cannot fetch ${url.href}: ${message}; nothing imported`, cause === undefined ? {} : { cause });
  };
  let res: Response;
  try {
    res = await fetchImpl(url, { signal, redirect: 'follow', headers: { accept: '*/*', 'user-agent': 'patchwave-feeds' } });
  } catch (err) {
    return fail(signal.aborted ? `no complete answer within ${limits.timeoutMs / 1000} s` : ((err as { cause?: Error }).cause?.message ?? (err as Error).message), err);
  }
  if (!res.ok) return fail(`server answered ${res.status} ${res.statusText}`);
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limits.maxBytes) {
    await res.body?.cancel();
    return fail(`${declared} bytes exceed the ${limits.maxBytes}-byte limit`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const chunk of res.body ?? []) {
      total += chunk.length;
      if (total > limits.maxBytes) {
        await res.body?.cancel();
        return fail(`more than the ${limits.maxBytes}-byte limit`);
      }
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof PatchwaveError) throw err;
    return fail(signal.aborted ? `download not finished within ${limits.timeoutMs / 1000} s` : (err as Error).message, err);
  }
  return { name: feedNameOf(url), bytes: Buffer.concat(chunks, total), url: url.href };
}

/** Downloads several feeds; names are made unique (`all.zip`, `all-2.zip`) so provenance tells them apart. */
export async function fetchFeeds(urls: readonly string[], limits: FetchLimits, fetchImpl?: typeof fetch): Promise<(FeedFile & { url: string })[]> {
  const out: (FeedFile & { url: string })[] = [];
  const used = new Map<string, number>();
  for (const u of urls) {
    const f = await fetchFeed(u, limits, fetchImpl);
    const n = (used.get(f.name) ?? 0) + 1;
    used.set(f.name, n);
    out.push(n === 1 ? f : { ...f, name: f.name.replace(/(\.[^.]*)?$/, (ext) => `-${n}${ext}`) });
  }
  return out;
}
