#!/usr/bin/env node
// Launcher for `patchwave-agent`. A built agent (dist/) runs as plain JavaScript. In the workspace,
// without a build, it runs the TypeScript sources through tsx, resolving @patchwave/* packages to
// their sources (the "source" export condition), exactly like tests and typecheck do.
import { existsSync } from 'node:fs';
import { register } from 'node:module';

const built = new URL('../dist/cli/entry.js', import.meta.url);

if (existsSync(built)) {
  await import(built.href);
} else {
  const addSourceCondition = [
    'export async function resolve(specifier, context, nextResolve) {',
    '  const conditions = context.conditions.includes("source") ? context.conditions : ["source", ...context.conditions];',
    '  return nextResolve(specifier, { ...context, conditions });',
    '}',
  ].join('\n');
  register(`data:text/javascript,${encodeURIComponent(addSourceCondition)}`, import.meta.url);
  const { register: registerTsx } = await import('tsx/esm/api');
  registerTsx();
  await import(new URL('../src/cli/entry.ts', import.meta.url).href);
}
