#!/usr/bin/env node
// Launcher of the `patchwave` CLI. A built package runs dist/; in the source workspace (no dist/)
// it runs the TypeScript sources through tsx, resolving workspace packages to their sources.
import { existsSync } from 'node:fs';
import { register } from 'node:module';

const compiled = new URL('../dist/cli/entry.js', import.meta.url);

if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register: registerTsx } = await import('tsx/esm/api');
  registerTsx();
  // Runs before tsx's hook: ask for the "source" export condition of workspace packages.
  register(
    'data:text/javascript,' +
      encodeURIComponent(
        'export async function resolve(specifier, context, next) {' +
          " return next(specifier, { ...context, conditions: [...new Set([...context.conditions, 'source'])] }); }",
      ),
  );
  await import(new URL('../src/cli/entry.ts', import.meta.url).href);
}
