import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * wua.ps1 is the source; wua-script.ts carries it as a string so that a one-file agent executable
 * (esbuild + SEA) has it without a file next to it. Regenerate after editing wua.ps1:
 *
 *   node --conditions=source --import tsx agent/src/pkg/windows-update/generate-wua-script.ts
 *
 * wua-script.test.ts fails when the two differ.
 */
export function renderWuaScriptModule(script: string): string {
  return [
    '// Generated from wua.ps1 by generate-wua-script.ts: do not edit (wua-script.test.ts checks they match).',
    '',
    '/** The Windows Update helper script, byte for byte as in wua.ps1 (ASCII). */',
    `export const WUA_SCRIPT = ${JSON.stringify(script)};`,
    '',
  ].join('\n');
}

export const WUA_PS1 = new URL('./wua.ps1', import.meta.url);
export const WUA_MODULE = new URL('./wua-script.ts', import.meta.url);

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const script = await readFile(WUA_PS1, 'utf8');
  await writeFile(WUA_MODULE, renderWuaScriptModule(script));
  process.stdout.write(`wrote ${fileURLToPath(WUA_MODULE)} (${script.length} characters)\n`);
}
