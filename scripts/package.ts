/**
 * `pnpm package`: every release artifact, with SHA-256 sums, into dist/.
 *
 *   dist/patchwave-agent-{linux-x64,linux-arm64,win-x64.exe,darwin-x64,darwin-arm64}
 *   dist/patchwave-agent_<v>_{amd64,arm64}.deb
 *   dist/patchwave-agent-<v>-1.{x86_64,aarch64}.rpm
 *   dist/patchwave-agent-<v>-x64.msi
 *   dist/SHA256SUMS                      (verify with: cd dist && sha256sum -c SHA256SUMS)
 *
 * Needs Debian's dpkg-dev, rpm, wixl, msitools and gcc-mingw-w64-x86-64-win32. The macOS .pkg is
 * built on a Mac by installers/macos/build.sh from the darwin executables made here.
 * --skip-agents reuses the executables already in the output directory.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AGENT_TARGETS } from './lib/agent-targets.js';
import { agentVersion, buildAgents, DEFAULT_CACHE_DIR, mib, NODE_LICENSE_FILE } from './lib/build-agents.js';
import { DEFAULT_AGENT_ENTRY, REPO_ROOT } from './lib/bundle-agent.js';
import { updateSums } from './lib/checksums.js';
import { buildDeb } from './lib/package-deb.js';
import { buildMsi } from './lib/package-msi.js';
import { buildRpm } from './lib/package-rpm.js';

async function projectLicense(): Promise<string> {
  const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { license?: unknown };
  return typeof pkg.license === 'string' && pkg.license !== '' ? pkg.license : 'UNLICENSED';
}

async function timed<T extends string>(label: string, step: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const file = await step();
  const { size } = await stat(file);
  process.stdout.write(`${basename(file)} ${mib(size)} (${label}, ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  return file;
}

async function cli(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'out-dir': { type: 'string', default: resolve(REPO_ROOT, 'dist') },
      'skip-agents': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const outDir = resolve(values['out-dir']);
  const version = await agentVersion();
  const started = Date.now();
  const exe = (id: string): string => join(outDir, AGENT_TARGETS.find((t) => t.id === id)?.fileName ?? id);

  if (!values['skip-agents']) {
    await buildAgents({
      targets: AGENT_TARGETS,
      entry: DEFAULT_AGENT_ENTRY,
      outDir,
      cacheDir: DEFAULT_CACHE_DIR,
      report: (line) => process.stdout.write(`${line}\n`),
    });
  }
  const license = await projectLicense();
  const artifacts: string[] = [];
  for (const arch of ['x64', 'arm64'] as const) {
    const binary = exe(`linux-${arch}`);
    artifacts.push(await timed('dpkg-deb', () => buildDeb({ binary, version, arch, outDir })));
    artifacts.push(await timed('rpmbuild', () => buildRpm({ binary, version, arch, outDir, license })));
  }
  artifacts.push(await timed('wixl', () => buildMsi({ agentExe: exe('win-x64'), version, outDir })));

  const sums = await updateSums(outDir, [...AGENT_TARGETS.map((t) => t.fileName), NODE_LICENSE_FILE, ...artifacts.map((a) => basename(a))]);
  process.stdout.write(`\n${join(outDir, 'SHA256SUMS')}:\n`);
  for (const [name, hash] of sums) process.stdout.write(`${hash}  ${name}\n`);
  process.stdout.write(`\npackaged patchwave agent ${version} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

cli().catch((error: unknown) => {
  process.stderr.write(`package: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
