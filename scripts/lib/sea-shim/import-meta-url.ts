/**
 * Injected into the agent bundle by esbuild (`inject`): CommonJS has no `import.meta`, and a
 * Node SEA main script must be CommonJS, so `import.meta.url` is defined from `__filename`
 * (inside the executable it is the executable's own path). node-cron 4 resolves a path from
 * `import.meta.url` at load time and crashes without this.
 */
import { pathToFileURL } from 'node:url';

export const importMetaUrl: string = pathToFileURL(__filename).href;
