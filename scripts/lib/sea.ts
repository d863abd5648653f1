import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { AgentTarget } from './agent-targets.js';
import { stripAuthenticode } from './pe-signature.js';
import { hasTool, runTool } from './run-tool.js';

/** The fuse string Node 20 looks for to know it carries a SEA blob (from Node's documentation). */
export const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

interface PostjectOptions {
  sentinelFuse: string;
  machoSegmentName?: string;
  overwrite?: boolean;
}
type PostjectInject = (file: string, resource: string, data: Buffer, options: PostjectOptions) => Promise<void>;

// postject ships CommonJS without type declarations; this is its documented API.
const { inject } = createRequire(import.meta.url)('postject') as { inject: PostjectInject };

/** LIEF (inside postject) warns about every ELF note section it cannot name; harmless, and many. */
const LIEF_NOISE = /^warning: Can't find string offset for section name/;

async function withoutLiefNoise<T>(work: () => Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!(typeof args[0] === 'string' && LIEF_NOISE.test(args[0]))) warn(...args);
  };
  try {
    return await work();
  } finally {
    console.warn = warn;
  }
}

/**
 * Turns the CommonJS bundle into a SEA preparation blob with the Node running this build. The
 * blob carries no code cache or snapshot, so the same blob is valid for every target platform.
 */
export async function makeSeaBlob(bundleFile: string, blobFile: string): Promise<Buffer> {
  const major = Number(process.versions.node.split('.')[0]);
  if (major !== 20) {
    throw new Error(`build the agent with Node 20 (the executables embed Node 20); this is Node ${process.versions.node}`);
  }
  await mkdir(dirname(blobFile), { recursive: true });
  const configFile = join(dirname(blobFile), 'sea-config.json');
  const config = {
    main: bundleFile,
    output: blobFile,
    disableExperimentalSEAWarning: true,
    useSnapshot: false,
    useCodeCache: false,
  };
  await writeFile(configFile, `${JSON.stringify(config, null, 2)}\n`);
  await runTool(process.execPath, ['--experimental-sea-config', configFile], { timeoutMs: 120_000 });
  return readFile(blobFile);
}

/**
 * Writes `nodeBinary` to `outFile` with the blob injected. Signatures cannot survive injection:
 * node.exe's Authenticode signature is removed first (sign the result with your own certificate);
 * macOS binaries are re-signed ad hoc (`codesign --sign -`) when built on a Mac, and elsewhere must
 * be signed on a Mac before they run on Apple silicon (see docs/deploy.md).
 */
export async function injectBlob(target: AgentTarget, nodeBinary: Buffer, blob: Buffer, outFile: string): Promise<{ signed: boolean }> {
  await mkdir(dirname(outFile), { recursive: true });
  await rm(outFile, { force: true });
  await writeFile(outFile, target.os === 'win' ? stripAuthenticode(nodeBinary) : nodeBinary, { mode: 0o755 });
  const onMac = process.platform === 'darwin' && target.os === 'darwin' && (await hasTool('codesign'));
  if (onMac) await runTool('codesign', ['--remove-signature', outFile]);
  await withoutLiefNoise(() =>
    inject(outFile, 'NODE_SEA_BLOB', blob, {
      sentinelFuse: SEA_FUSE,
      ...(target.os === 'darwin' ? { machoSegmentName: 'NODE_SEA' } : {}),
    }),
  );
  await chmod(outFile, 0o755);
  if (onMac) await runTool('codesign', ['--sign', '-', '--force', outFile]);
  return { signed: onMac };
}
