import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_API_MODULES, agentSharedBarrel, pruneApiReexports } from '../../scripts/lib/agent-shared-barrel.js';
import { escapeNonAscii } from '../../scripts/lib/ascii-source.js';
import { bundleAgent, DEFAULT_AGENT_ENTRY, REPO_ROOT } from '../../scripts/lib/bundle-agent.js';

const SHARED_INDEX = path.join(REPO_ROOT, 'shared', 'src', 'index.ts');

describe('escapeNonAscii: the bundle as one-byte source', () => {
  it('leaves ASCII alone and escapes every other UTF-16 code unit', () => {
    expect(escapeNonAscii('const a = 1; // plain')).toBe('const a = 1; // plain');
    expect(escapeNonAscii('// value × weight – Σ')).toBe('// value \\u00d7 weight \\u2013 \\u03a3');
    expect(escapeNonAscii('/😀/u')).toBe('/\\ud83d\\ude00/u');
  });

  it('keeps what regular expression literals match, with and without the u flag', () => {
    const source = [
      'const tree = /^[|`├└─\\s-]+(?=\\S)/u;',
      'const degrees = /[+-]([^°]*)/g;',
      'const smile = /^😀$/u;',
      'const s = "naïve ✓"; // a comment – with “quotes”',
      'result = [tree.exec("├─ pkg")[0], "+21°C".match(degrees)[0], smile.test("😀"), smile.test("\\ud83d"), s];',
    ].join('\n');
    const run = (code: string) => {
      const context: { result?: unknown } = {};
      vm.runInNewContext(code, context);
      return context.result;
    };
    const escaped = escapeNonAscii(source);
    expect(escaped).not.toMatch(/[\u0080-\uffff]/);
    expect(run(escaped)).toEqual(run(source));
    expect(run(escaped)).toEqual(['├─ ', '+21', true, false, 'naïve ✓']);
  });
});

describe('pruneApiReexports: the console API schemas stay out of the agent', () => {
  it('drops the api re-exports not kept and keeps every other line', () => {
    const index = ["export * from './errors.js';", "export * from './api/enroll.js';", "export * from './api/devices.js';", "export * from './protocol/frames.js';", ''].join('\n');
    expect(pruneApiReexports(index, ['enroll'])).toBe(["export * from './errors.js';", "export * from './api/enroll.js';", "export * from './protocol/frames.js';", ''].join('\n'));
  });

  it('keeps modules that exist in shared/src/api', async () => {
    const files = await fs.readdir(path.join(REPO_ROOT, 'shared', 'src', 'api'));
    for (const m of AGENT_API_MODULES) expect(files).toContain(`${m}.ts`);
  });

  it('fails the build, not the agent, when the agent imports from a pruned module', async () => {
    const bundle = build({
      entryPoints: [DEFAULT_AGENT_ENTRY],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      conditions: ['source'],
      tsconfig: path.join(REPO_ROOT, 'agent', 'tsconfig.json'),
      external: ['bufferutil', 'utf-8-validate'],
      logLevel: 'silent',
      write: false,
      // enroll.ts holds ENROLL_PATH and AGENT_WS_PATH, which the agent imports.
      plugins: [agentSharedBarrel(SHARED_INDEX, AGENT_API_MODULES.filter((m) => m !== 'enroll'))],
    });
    await expect(bundle).rejects.toThrow(/No matching export in "shared\/src\/index\.ts" for import "(ENROLL_PATH|AGENT_WS_PATH)"/);
  });
});

describe('bundleAgent output', () => {
  let dir: string;
  let source: string;
  let bytes: number;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'patchwave-bundle-memory-'));
    const result = await bundleAgent(DEFAULT_AGENT_ENTRY, path.join(dir, 'patchwave-agent.cjs'));
    source = await fs.readFile(result.file, 'utf8');
    bytes = result.bytes;
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('is pure ASCII, so that V8 holds it as a one-byte string', () => {
    expect(bytes).toBe(Buffer.byteLength(source));
    const offending = /[\u0080-\uffff]/.exec(source);
    expect(offending?.index, offending ? JSON.stringify(source.slice(offending.index - 60, offending.index + 20)) : '').toBeUndefined();
  });

  it('holds the shared api modules the agent uses and none of the console API', () => {
    const apiModules = [...source.matchAll(/^\/\/ shared\/src\/api\/([\w-]+)\.ts$/gm)].map((m) => m[1]).sort();
    expect(apiModules).toEqual([...AGENT_API_MODULES].sort());
  });
});
