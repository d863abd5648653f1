import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

export const SUMS_FILE = 'SHA256SUMS';

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Parses `sha256sum` output ("<hex>  <name>" per line) into name → hash. */
export function parseSums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const match = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (!match?.[1] || !match[2]) throw new Error(`${SUMS_FILE} line ${index + 1} is not "<sha256>  <file>": ${line}`);
    sums.set(match[2], match[1]);
  });
  return sums;
}

/**
 * Records the SHA-256 of `files` (paths inside `dir`) in `dir/SHA256SUMS`, keeping the entries of
 * files built earlier that still exist, so building one target does not forget the others.
 * The format is that of `sha256sum`, so `sha256sum -c SHA256SUMS` verifies a download.
 */
export async function updateSums(dir: string, files: readonly string[]): Promise<Map<string, string>> {
  const sumsPath = join(dir, SUMS_FILE);
  const sums = existsSync(sumsPath) ? parseSums(await readFile(sumsPath, 'utf8')) : new Map<string, string>();
  for (const name of [...sums.keys()]) if (!existsSync(join(dir, name))) sums.delete(name);
  for (const file of files) sums.set(basename(file), await sha256File(join(dir, basename(file))));
  const sorted = [...sums.entries()].sort(([a], [b]) => a.localeCompare(b));
  await writeFile(sumsPath, sorted.map(([name, hash]) => `${hash}  ${name}\n`).join(''));
  return new Map(sorted);
}
