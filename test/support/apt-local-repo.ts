import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface DebSpec {
  name: string;
  version: string;
  /** Maintainer script bodies (POSIX sh), run with `set -e`. */
  postinst?: string;
  /** Which suite the package is published in. */
  suite: 'updates' | 'security';
  /** The source package it is built from (dpkg reports it as `source:Package`); default: the package itself. */
  source?: string;
  /** Relationship fields, as in a control file (`b (>= 1.0)`, `c`). */
  depends?: string;
  conflicts?: string;
  breaks?: string;
  replaces?: string;
  /** Files the package ships: absolute install path → content. */
  files?: Record<string, string>;
}

/** apt's name for the origin of each suite: `Patchwave-Test:1.0/patchwave-test-<suite>`. */
export const SUITES = { updates: 'patchwave-test-updates', security: 'patchwave-test-security' } as const;

/**
 * Two flat apt repositories (an "updates" and a "security" suite) in a temp dir, built from real
 * .deb files (dpkg-deb --root-owner-group, dpkg-scanpackages), with a Release file carrying a label
 * and suite so apt prints real origins. apt sees only these repositories: `options` point the
 * source list, lists, caches and archives into the temp dir, so the host's apt state is untouched.
 */
export class LocalAptRepo {
  readonly options: string[];
  private readonly debs: DebSpec[] = [];

  private constructor(readonly dir: string) {
    this.options = [
      `Dir::Etc::sourcelist=${path.join(dir, 'sources.list')}`,
      'Dir::Etc::sourceparts=-',
      `Dir::State::Lists=${path.join(dir, 'lists')}`,
      `Dir::Cache::pkgcache=${path.join(dir, 'cache', 'pkgcache.bin')}`,
      `Dir::Cache::srcpkgcache=${path.join(dir, 'cache', 'srcpkgcache.bin')}`,
      `Dir::Cache::Archives=${path.join(dir, 'cache', 'archives')}`,
      'APT::Get::List-Cleanup=0',
      // The temp dir is private to root; apt's download sandbox user could not read it.
      'APT::Sandbox::User=root',
    ];
  }

  static async create(): Promise<LocalAptRepo> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'patchwave-apt-'));
    for (const sub of ['lists/partial', 'cache/archives/partial', 'build', ...Object.values(SUITES)]) {
      await fs.mkdir(path.join(dir, sub), { recursive: true });
    }
    const lines = Object.values(SUITES).map((s) => `deb [trusted=yes] file:${path.join(dir, s)} ./`);
    await fs.writeFile(path.join(dir, 'sources.list'), `${lines.join('\n')}\n`);
    return new LocalAptRepo(dir);
  }

  /** A unique package name for this run: `patchwave-test-<random>-<role>`. */
  static uniqueName(role: string): string {
    return `patchwave-test-${randomBytes(4).toString('hex')}-${role}`;
  }

  /** Builds one .deb into its suite. */
  async add(spec: DebSpec): Promise<void> {
    const root = path.join(this.dir, 'build', `${spec.name}_${spec.version}`);
    await fs.mkdir(path.join(root, 'DEBIAN'), { recursive: true });
    await fs.mkdir(path.join(root, 'usr', 'share', 'doc', spec.name), { recursive: true });
    await fs.writeFile(path.join(root, 'usr', 'share', 'doc', spec.name, 'VERSION'), `${spec.version}\n`);
    await fs.writeFile(
      path.join(root, 'DEBIAN', 'control'),
      [
        `Package: ${spec.name}`,
        `Version: ${spec.version}`,
        ...(spec.source ? [`Source: ${spec.source}`] : []),
        ...(spec.depends ? [`Depends: ${spec.depends}`] : []),
        ...(spec.conflicts ? [`Conflicts: ${spec.conflicts}`] : []),
        ...(spec.breaks ? [`Breaks: ${spec.breaks}`] : []),
        ...(spec.replaces ? [`Replaces: ${spec.replaces}`] : []),
        'Architecture: all',
        'Maintainer: patchwave tests <tests@patchwave.invalid>',
        'Section: misc',
        'Priority: optional',
        `Description: patchwave apt adapter test package (${spec.suite})`,
        '',
      ].join('\n'),
    );
    for (const [file, content] of Object.entries(spec.files ?? {})) {
      await fs.mkdir(path.join(root, path.dirname(file)), { recursive: true });
      await fs.writeFile(path.join(root, file), content);
    }
    if (spec.postinst !== undefined) {
      const script = path.join(root, 'DEBIAN', 'postinst');
      await fs.writeFile(script, `#!/bin/sh\nset -e\n${spec.postinst}\nexit 0\n`, { mode: 0o755 });
    }
    await run('dpkg-deb', ['--root-owner-group', '-Zgzip', '-b', root, path.join(this.dir, SUITES[spec.suite], `${spec.name}_${spec.version}_all.deb`)]);
    this.debs.push(spec);
  }

  /** Writes Packages + Release for both suites and refreshes only these sources. */
  async publish(): Promise<void> {
    for (const suite of Object.values(SUITES)) {
      const dir = path.join(this.dir, suite);
      const { stdout } = await run('dpkg-scanpackages', ['--multiversion', '.', '/dev/null'], { cwd: dir });
      await fs.writeFile(path.join(dir, 'Packages'), stdout);
      const sum = createHash('sha256').update(stdout).digest('hex');
      await fs.writeFile(
        path.join(dir, 'Release'),
        [
          'Origin: patchwave',
          'Label: Patchwave-Test',
          `Suite: ${suite}`,
          `Codename: ${suite}`,
          'Version: 1.0',
          `Date: ${new Date().toUTCString()}`,
          'SHA256:',
          ` ${sum} ${Buffer.byteLength(stdout)} Packages`,
          '',
        ].join('\n'),
      );
    }
    await run('apt-get', ['update', '-q', ...this.aptArgs()]);
  }

  /** `-o Key=Value` pairs for a direct apt-get call in the test. */
  aptArgs(): string[] {
    return this.options.flatMap((o) => ['-o', o]);
  }

  /** Installs packages directly (test setup, not the adapter): `apt-get install -y -- name=version …`. */
  async install(targets: string[]): Promise<void> {
    await run('apt-get', ['install', '-y', '-q', ...this.aptArgs(), '--', ...targets], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  }

  /** Every test package name this repository built. */
  names(): string[] {
    return [...new Set(this.debs.map((d) => d.name))];
  }

  /** Purges every test package still known to dpkg, then removes the temp dir. */
  async dispose(): Promise<string[]> {
    const known: string[] = [];
    for (const name of this.names()) {
      const res = await run('dpkg-query', ['-W', '-f=${db:Status-Abbrev}', '--', name]).catch(() => undefined);
      if (res && !res.stdout.startsWith('un')) known.push(name);
    }
    if (known.length) await run('dpkg', ['--purge', '--', ...known]);
    await fs.rm(this.dir, { recursive: true, force: true });
    return known;
  }
}

/** `dpkg-query` status abbreviation and version of one package, or undefined when dpkg does not know it. */
export async function dpkgState(name: string): Promise<{ status: string; version: string } | undefined> {
  const res = await run('dpkg-query', ['-W', '-f=${db:Status-Abbrev}\t${Version}', '--', name]).catch(() => undefined);
  if (!res) return undefined;
  const [status = '', version = ''] = res.stdout.split('\t');
  return status.startsWith('un') ? undefined : { status, version };
}
