import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CommandRunner } from '../../exec/command-runner.js';
import { ExecaCommandRunner } from '../../exec/execa-runner.js';
import type { LocalManagerSettings } from '../package-manager.js';

/**
 * Test support for the real pacman test: a pacman root, database, cache and config under one
 * temp directory, and a local `file://` repository made with repo-add (pacman-package-manager;
 * it needs bsdtar from libarchive-tools). Packages are written directly as `.pkg.tar.gz` with a
 * `.PKGINFO` (and `.INSTALL` for scriptlets): makepkg refuses to run as root.
 */
export interface TestPkg {
  name: string;
  /** `pkgver-pkgrel`. */
  version: string;
  depends?: string[];
  conflicts?: string[];
  replaces?: string[];
  /** Body of `post_upgrade()` in `.INSTALL`, run by /bin/sh inside the root. */
  postUpgrade?: string;
}

export class PacmanTestRepo {
  readonly runner: CommandRunner = new ExecaCommandRunner();

  private constructor(readonly dir: string) {}

  static async create(): Promise<PacmanTestRepo> {
    const repo = new PacmanTestRepo(await fs.mkdtemp(path.join(os.tmpdir(), 'patchwave-pacman-')));
    for (const d of ['build', 'repo', 'cache', 'gnupg', 'hooks', 'root/var/lib/pacman']) await fs.mkdir(path.join(repo.dir, d), { recursive: true });
    await fs.writeFile(
      repo.config,
      [
        '[options]',
        `RootDir = ${repo.root}`,
        `DBPath = ${repo.dbPath}/`,
        `CacheDir = ${path.join(repo.dir, 'cache')}/`,
        `LogFile = ${path.join(repo.dir, 'pacman.log')}`,
        `GPGDir = ${path.join(repo.dir, 'gnupg')}/`,
        `HookDir = ${path.join(repo.dir, 'hooks')}/`,
        'Architecture = auto',
        'SigLevel = Never',
        'LocalFileSigLevel = Never',
        '',
        '[pwlocal]',
        `Server = file://${path.join(repo.dir, 'repo')}`,
        '',
      ].join('\n'),
    );
    return repo;
  }

  get root(): string {
    return path.join(this.dir, 'root');
  }

  get dbPath(): string {
    return path.join(this.root, 'var', 'lib', 'pacman');
  }

  get config(): string {
    return path.join(this.dir, 'pacman.conf');
  }

  get settings(): NonNullable<LocalManagerSettings['pacman']> {
    return { root: this.root, dbPath: this.dbPath, configFile: this.config };
  }

  /** Writes `<name>-<version>-any.pkg.tar.gz` into the repository directory and returns its path. */
  async build(pkg: TestPkg): Promise<string> {
    const dir = path.join(this.dir, 'build', `${pkg.name}-${pkg.version}`);
    await fs.mkdir(path.join(dir, 'usr', 'share', 'patchwave-test'), { recursive: true });
    await fs.writeFile(path.join(dir, 'usr', 'share', 'patchwave-test', pkg.name), `${pkg.version}\n`);
    const info = [
      `pkgname = ${pkg.name}`,
      `pkgbase = ${pkg.name}`,
      `pkgver = ${pkg.version}`,
      'pkgdesc = patchwave test package',
      'url = https://example.test',
      'builddate = 1700000000',
      'packager = patchwave tests',
      'size = 8',
      'arch = any',
      'license = MIT',
      ...(pkg.depends ?? []).map((d) => `depend = ${d}`),
      ...(pkg.conflicts ?? []).map((c) => `conflict = ${c}`),
      ...(pkg.replaces ?? []).map((r) => `replaces = ${r}`),
      '',
    ];
    await fs.writeFile(path.join(dir, '.PKGINFO'), info.join('\n'));
    const members = ['.PKGINFO', 'usr'];
    if (pkg.postUpgrade !== undefined) {
      await fs.writeFile(path.join(dir, '.INSTALL'), `post_upgrade() {\n${pkg.postUpgrade}\n}\n`);
      members.splice(1, 0, '.INSTALL');
    }
    const file = path.join(this.dir, 'repo', `${pkg.name}-${pkg.version}-any.pkg.tar.gz`);
    await this.runner.run({ command: 'tar', args: ['-czf', file, '-C', dir, ...members], timeoutMs: 60_000 });
    return file;
  }

  /** Adds packages to the repository database (repo-add). */
  async add(files: readonly string[]): Promise<void> {
    await this.runner.run({ command: 'repo-add', args: ['-q', path.join(this.dir, 'repo', 'pwlocal.db.tar.gz'), ...files], timeoutMs: 60_000 });
  }

  /** pacman with this root's --config/--root/--dbpath, for setting the scene. */
  async pacman(args: readonly string[]): Promise<string> {
    const res = await this.runner.run({ command: 'pacman', args: ['--config', this.config, '--root', this.root, '--dbpath', this.dbPath, ...args], timeoutMs: 120_000 });
    return res.stdout;
  }

  /**
   * Puts the host's /bin/sh and the libraries it links into the root: pacman runs install
   * scriptlets with /bin/sh inside a chroot of the root.
   */
  async provideShell(): Promise<void> {
    const sh = await fs.realpath('/bin/sh');
    const ldd = await this.runner.run({ command: 'ldd', args: [sh], timeoutMs: 10_000 });
    const libs = [...ldd.stdout.matchAll(/(\/\S+)/g)].map((m) => m[1] ?? '').filter(Boolean);
    for (const file of [sh, ...libs]) {
      const target = path.join(this.root, file === sh ? '/bin/sh' : file);
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.copyFile(file, target);
    }
  }

  async remove(): Promise<void> {
    await fs.rm(this.dir, { recursive: true, force: true });
  }
}
