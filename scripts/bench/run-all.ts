/**
 * pnpm bench — runs every benchmark of the repository, one process each (so that each one's peak
 * memory is its own), and prints their numbers as they come, then a line per benchmark with its
 * exit code and duration. Benchmarks print numbers and assert nothing; a non-zero exit means one
 * could not run. Found: scripts/bench/*.ts (but this file) and <package>/scripts/bench-*.ts.
 *
 *   pnpm bench                 every benchmark (within 15 minutes on a 2-core machine: see SIZES)
 *   pnpm bench --quick         every benchmark at smoke size (the fleet at 500 agents), a minute or two
 *   pnpm bench --full-size     the older benchmarks at their own (10,000-device) defaults: much longer
 *   pnpm bench match sqlite    only those whose file name contains one of the words
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function benchmarks(): string[] {
  const own = readdirSync(join(ROOT, 'scripts', 'bench'))
    .filter((f) => f.endsWith('.ts') && f !== 'run-all.ts')
    .map((f) => join(ROOT, 'scripts', 'bench', f));
  const packages = ['shared', 'agent', 'server'].flatMap((pkg) => {
    try {
      return readdirSync(join(ROOT, pkg, 'scripts'))
        .filter((f) => f.startsWith('bench-') && f.endsWith('.ts'))
        .map((f) => join(ROOT, pkg, 'scripts', f));
    } catch {
      return [];
    }
  });
  return [...own, ...packages].sort();
}

/**
 * Arguments per benchmark in a `pnpm bench` run. The matching, SQLite-fleet and console
 * benchmarks default to 10,000 devices × 2,000 packages, which alone take far more than the
 * 15 minutes the whole run may take on a 2-core machine (the SQLite fleet at that size: over
 * 20 minutes), so the run gives them a reduced size and says so; `--full-size` runs them at their
 * own defaults, each script's usage line says how to size it.
 */
const SIZES: Record<string, { full: string[]; quick: string[] }> = {
  'match.ts': { full: ['--devices', '2000'], quick: ['--devices', '200'] },
  'sqlite-fleet.ts': { full: ['--devices', '1000'], quick: ['--devices', '100'] },
  'console-load.ts': { full: ['--devices', '3000', '--runs', '5'], quick: ['--devices', '300', '--runs', '3'] },
  'fleet.ts': { full: [], quick: ['--quick'] },
};

const flags = new Set(process.argv.slice(2).filter((a) => a.startsWith('--') && a !== '--'));
for (const f of flags) if (f !== '--quick' && f !== '--full-size') throw new Error(`unknown flag ${f} (flags: --quick, --full-size)`);
const mode: 'full' | 'quick' | 'own' = flags.has('--quick') ? 'quick' : flags.has('--full-size') ? 'own' : 'full';

function argsFor(file: string): string[] {
  const size = SIZES[file.split('/').pop() ?? ''];
  if (!size || mode === 'own') return [];
  return size[mode];
}

function run(file: string): Promise<{ code: number | null; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const args = argsFor(file);
    if (args.length) console.log(`(${relative(ROOT, file)} ${args.join(' ')}: the size a ${mode === 'quick' ? 'quick' : '15-minute'} run gives it)\n`);
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', file, ...args], { cwd: ROOT, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, ms: Date.now() - started }));
  });
}

const words = process.argv.slice(2).filter((a) => a !== '--' && !a.startsWith('--'));
const files = benchmarks().filter((f) => words.length === 0 || words.some((w) => relative(ROOT, f).includes(w)));
if (files.length === 0) {
  console.error(`no benchmark matches ${words.join(', ')}; found: ${benchmarks().map((f) => relative(ROOT, f)).join(', ')}`);
  process.exit(2);
}
const results: { file: string; code: number | null; ms: number }[] = [];
for (const file of files) {
  console.log(`\n=== ${relative(ROOT, file)} ===\n`);
  results.push({ file, ...(await run(file)) });
}
console.log('\n=== summary ===');
for (const r of results) console.log(`${relative(ROOT, r.file).padEnd(40)} ${r.code === 0 ? 'ok' : `exit ${r.code}`}  ${(r.ms / 1000).toFixed(1)} s`);
process.exitCode = results.every((r) => r.code === 0) ? 0 : 1;
