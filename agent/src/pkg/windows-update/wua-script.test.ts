import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Language, Parser, type Node } from 'web-tree-sitter';
import { renderWuaScriptModule, WUA_MODULE, WUA_PS1 } from './generate-wua-script.js';
import { KB, UPDATE_ID } from './names.js';
import { ScriptFile } from './script-file.js';
import { WUA_SCRIPT } from './wua-script.js';

const source = readFileSync(WUA_PS1, 'utf8');

describe('wua.ps1 and its embedded copy', () => {
  it('wua-script.ts is generated from wua.ps1 and matches it byte for byte', () => {
    expect(readFileSync(WUA_MODULE, 'utf8')).toBe(renderWuaScriptModule(source));
    expect(WUA_SCRIPT).toBe(source);
  });

  it('is ASCII, since Windows PowerShell 5.1 reads a BOM-less script in the ANSI code page', () => {
    // The allowed set is exactly printable ASCII, tab, CR and LF.
    const offending = [...source].findIndex((ch) => !/^[\x20-\x7e\t\r\n]$/.test(ch));
    expect(offending).toBe(-1);
  });

  it('searches with the documented criteria and validates ids with the adapter’s own grammar', () => {
    expect(source).toContain(`$Criteria = "IsInstalled=0 and Type='Software' and IsHidden=0"`);
    const patterns = [...source.matchAll(/\[ValidatePattern\('([^']+)'\)\]\s*\[string\]\$(\w+)/g)].map((m) => [m[2], new RegExp(m[1] ?? '')] as const);
    const updateIds = patterns.find(([name]) => name === 'UpdateIds')?.[1];
    const kbIds = patterns.find(([name]) => name === 'KbIds')?.[1];
    expect(updateIds?.test('a1b2c3d4-e5f6-4a5b-8c7d-9e0f1a2b3c4d,0c9e8d7f-6a5b-4c3d-9e2f-1a0b9c8d7e6f')).toBe(true);
    expect(kbIds?.test('5021233,5012170')).toBe(true);
    for (const hostile of ['--allow-unauthenticated', 'x; rm -rf /', '$(id)', '1\n2', "5021233' ; Remove-Item C:\\ #"]) {
      expect(updateIds?.test(hostile)).toBe(false);
      expect(kbIds?.test(hostile)).toBe(false);
    }
    // What the adapter accepts, the script accepts too.
    expect(UPDATE_ID.test('a1b2c3d4-e5f6-4a5b-8c7d-9e0f1a2b3c4d') && updateIds?.test('a1b2c3d4-e5f6-4a5b-8c7d-9e0f1a2b3c4d')).toBe(true);
    expect(KB.exec('KB5021233')?.[1]).toBe('5021233');
  });

  it('parses without a syntax error under the tree-sitter PowerShell grammar (a parser, not PSScriptAnalyzer)', async () => {
    await Parser.init();
    const wasm = createRequire(import.meta.url).resolve('tree-sitter-powershell/tree-sitter-powershell.wasm');
    const parser = new Parser();
    parser.setLanguage(await Language.load(wasm));
    const errors = (text: string) => {
      const found: string[] = [];
      const walk = (n: Node) => {
        if (n.isError || n.isMissing) found.push(`${n.startPosition.row + 1}:${n.startPosition.column + 1} ${n.text.slice(0, 60)}`);
        n.children.forEach((c) => c && walk(c));
      };
      const tree = parser.parse(text);
      if (tree) walk(tree.rootNode);
      return found;
    };
    expect(errors(source)).toEqual([]);
    // The same check catches a broken script.
    expect(errors(source.replace('function Get-Strings($Collection) {', 'function Get-Strings($Collection {'))).not.toEqual([]);
  });
});

describe('ScriptFile', () => {
  const parent = mkdtempSync(path.join(os.tmpdir(), 'patchwave-scriptfile-'));
  afterAll(() => rmSync(parent, { recursive: true, force: true }));

  it('writes the script into a private directory, rewrites a tampered copy, and cleans up', async () => {
    const file = new ScriptFile(WUA_SCRIPT, parent);
    const where = await file.path();
    expect(path.dirname(path.dirname(where))).toBe(parent);
    expect(readFileSync(where, 'utf8')).toBe(WUA_SCRIPT);
    if (process.platform !== 'win32') {
      expect(statSync(path.dirname(where)).mode & 0o777).toBe(0o700);
      expect(statSync(where).mode & 0o777).toBe(0o600);
    }
    writeFileSync(where, 'Remove-Item -Recurse C:\\');
    expect(await file.path()).toBe(where);
    expect(readFileSync(where, 'utf8')).toBe(WUA_SCRIPT);
    rmSync(where);
    expect(readFileSync(await file.path(), 'utf8')).toBe(WUA_SCRIPT);
    await file.dispose();
    expect(() => statSync(path.dirname(where))).toThrow();
  });
});
