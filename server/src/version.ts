import { readFileSync } from 'node:fs';

/** The server package version (from server/package.json, both from src/ and from dist/). */
export const SERVER_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
