import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FeedFile } from '../domain/advisories/osv-files.js';
import { fetchFeed } from '../domain/vulnerabilities/feed-fetch.js';
import { UsageError } from './usage-error.js';

export interface CollectedFeeds {
  files: FeedFile[];
  /** Download URL by file name, for the server's provenance. */
  urls: Record<string, string>;
  bytes: number;
}

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) await walk(path, out);
    else if (e.isFile()) out.push(path);
  }
}

/**
 * The files of `feeds import`: files as given, every file under a directory (recursively, hidden
 * ones skipped), and http(s) URLs downloaded here with a size limit and a timeout. Names are the
 * paths as given (or the URL's last segment) and must be unique: they are the provenance.
 */
export async function collectFeeds(args: readonly string[], limits: { maxBytes: number; timeoutMs: number }): Promise<CollectedFeeds> {
  const files: FeedFile[] = [];
  const urls: Record<string, string> = {};
  for (const arg of args) {
    if (/^https?:\/\//i.test(arg)) {
      const f = await fetchFeed(arg, limits);
      urls[f.name] = f.url;
      files.push({ name: f.name, bytes: f.bytes });
      continue;
    }
    let info;
    try {
      info = await stat(arg);
    } catch (err) {
      throw new UsageError(`feeds import: cannot read ${arg}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`, { cause: err });
    }
    const paths: string[] = [];
    if (info.isDirectory()) await walk(arg, paths);
    else paths.push(arg);
    if (info.isDirectory() && paths.length === 0) throw new UsageError(`feeds import: ${arg} holds no files`);
    for (const p of paths) files.push({ name: p, bytes: await readFile(p) });
  }
  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f.name)) throw new UsageError(`feeds import: ${f.name} is given twice`);
    seen.add(f.name);
  }
  const bytes = files.reduce((n, f) => n + f.bytes.length, 0);
  if (bytes > limits.maxBytes) throw new UsageError(`feeds import: ${bytes} bytes in total exceed --max-bytes ${limits.maxBytes}`);
  return { files, urls, bytes };
}
