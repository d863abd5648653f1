import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CommandResult, CommandRunner, CommandSpec } from '../../exec/command-runner.js';
import { ExecaCommandRunner } from '../../exec/execa-runner.js';

/**
 * Test support for the real dnf and zypper tests: builds rpm packages with rpmbuild and an
 * rpm-md repository with createrepo_c (+ modifyrepo_c for updateinfo.xml), all under one temp
 * directory. Debian's rpm keeps its database under ~/.rpmdb (its %_dbpath), so every command
 * runs with HOME inside that directory: the host's home stays untouched (see TestEnvRunner).
 */
export interface TestRpm {
  name: string;
  version: string;
  release?: string;
  epoch?: number;
  requires?: string[];
  provides?: string[];
  obsoletes?: string[];
  conflicts?: string[];
  /** A %pre scriptlet (Lua, so no /bin/sh is needed inside the install root) that fails. */
  failPre?: boolean;
  /** A %post scriptlet (Lua) that fails. */
  failPost?: boolean;
}

export interface TestAdvisory {
  id: string;
  type: 'security' | 'bugfix' | 'enhancement';
  severity: string;
  title: string;
  cves?: string[];
  packages: { name: string; version: string; release?: string; epoch?: number; arch?: string }[];
  rebootSuggested?: boolean;
}

/**
 * A runner that adds fixed variables to every command: HOME inside the temp directory (see
 * above) and ZYPP_LOGFILE, without which zypper logs to /var/log/zypper.log even with --root.
 */
export class TestEnvRunner implements CommandRunner {
  constructor(
    private readonly inner: CommandRunner,
    private readonly env: Readonly<Record<string, string>>,
  ) {}

  run(spec: CommandSpec): Promise<CommandResult> {
    return this.inner.run({ ...spec, env: { ...spec.env, ...this.env } });
  }
}

export class RpmTestRepo {
  readonly runner: CommandRunner;

  private constructor(
    readonly dir: string,
    readonly home: string,
  ) {
    this.runner = new TestEnvRunner(new ExecaCommandRunner(), { HOME: home, ZYPP_LOGFILE: path.join(dir, 'zypper.log') });
  }

  static async create(prefix: string): Promise<RpmTestRepo> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
    const repo = new RpmTestRepo(dir, path.join(dir, 'home'));
    await Promise.all(['home', 'top', 'repo', 'specs'].map((d) => fs.mkdir(path.join(dir, d), { recursive: true })));
    return repo;
  }

  get repoDir(): string {
    return path.join(this.dir, 'repo');
  }

  async build(pkg: TestRpm): Promise<string> {
    const release = pkg.release ?? '1';
    const lines = [
      '%define _build_id_links none',
      '%define __os_install_post %{nil}',
      `Name: ${pkg.name}`,
      `Version: ${pkg.version}`,
      `Release: ${release}`,
      ...(pkg.epoch !== undefined ? [`Epoch: ${pkg.epoch}`] : []),
      'Summary: patchwave test package',
      'License: MIT',
      'BuildArch: noarch',
      ...(pkg.requires ?? []).map((r) => `Requires: ${r}`),
      ...(pkg.provides ?? []).map((p) => `Provides: ${p}`),
      ...(pkg.obsoletes ?? []).map((o) => `Obsoletes: ${o}`),
      ...(pkg.conflicts ?? []).map((c) => `Conflicts: ${c}`),
      '%description',
      'A package built by the patchwave tests.',
      '%install',
      'mkdir -p %{buildroot}/usr/share/patchwave-test',
      `echo ${pkg.version}-${release} > %{buildroot}/usr/share/patchwave-test/${pkg.name}`,
      ...(pkg.failPre ? ['%pre -p <lua>', `error("${pkg.name}: pre-install scriptlet failing on purpose")`] : []),
      ...(pkg.failPost ? ['%post -p <lua>', `error("${pkg.name}: post-install scriptlet failing on purpose")`] : []),
      '%files',
      `/usr/share/patchwave-test/${pkg.name}`,
      '',
    ];
    const spec = path.join(this.dir, 'specs', `${pkg.name}-${pkg.version}-${release}.spec`);
    await fs.writeFile(spec, lines.join('\n'));
    await this.runner.run({ command: 'rpmbuild', args: ['-bb', '--quiet', '--define', `_topdir ${path.join(this.dir, 'top')}`, spec], timeoutMs: 120_000 });
    const file = `${pkg.name}-${pkg.version}-${release}.noarch.rpm`;
    await fs.copyFile(path.join(this.dir, 'top', 'RPMS', 'noarch', file), path.join(this.repoDir, file));
    return file;
  }

  /** (Re)creates the repository metadata, with updateinfo.xml when advisories are given. */
  async publish(advisories: readonly TestAdvisory[] = []): Promise<void> {
    await fs.rm(path.join(this.repoDir, 'repodata'), { recursive: true, force: true });
    await this.runner.run({ command: 'createrepo_c', args: ['--quiet', this.repoDir], timeoutMs: 120_000 });
    if (advisories.length === 0) return;
    const file = path.join(this.dir, 'updateinfo.xml');
    await fs.writeFile(file, updateinfoXml(advisories));
    await this.runner.run({ command: 'modifyrepo_c', args: ['--mdtype=updateinfo', file, path.join(this.repoDir, 'repodata')], timeoutMs: 120_000 });
  }

  async remove(): Promise<void> {
    await fs.rm(this.dir, { recursive: true, force: true });
  }
}

const xml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** updateinfo.xml as createrepo/Koji/Pulp publish it (the schema dnf, yum and zypper read). */
export function updateinfoXml(advisories: readonly TestAdvisory[]): string {
  const body = advisories.map((a) => {
    const refs = (a.cves ?? []).map((c) => `      <reference href="https://example.test/${xml(c)}" id="${xml(c)}" type="cve" title="${xml(c)}"/>`).join('\n');
    const pkgs = a.packages
      .map((p) => {
        const rel = p.release ?? '1';
        const arch = p.arch ?? 'noarch';
        return [
          `        <package name="${xml(p.name)}" version="${xml(p.version)}" release="${xml(rel)}" epoch="${p.epoch ?? 0}" arch="${arch}" src="${xml(p.name)}-${xml(p.version)}-${xml(rel)}.src.rpm">`,
          `          <filename>${xml(p.name)}-${xml(p.version)}-${xml(rel)}.${arch}.rpm</filename>`,
          ...(a.rebootSuggested ? ['          <reboot_suggested>True</reboot_suggested>'] : []),
          '        </package>',
        ].join('\n');
      })
      .join('\n');
    return [
      `  <update from="security@patchwave.test" status="final" type="${a.type}" version="2">`,
      `    <id>${xml(a.id)}</id>`,
      `    <title>${xml(a.title)}</title>`,
      '    <issued date="2026-01-02 00:00:00"/>',
      '    <updated date="2026-01-02 00:00:00"/>',
      `    <severity>${xml(a.severity)}</severity>`,
      `    <summary>${xml(a.title)}</summary>`,
      `    <description>${xml(a.title)}</description>`,
      `    <references>\n${refs}\n    </references>`,
      '    <pkglist>',
      '      <collection short="patchwave">',
      '        <name>patchwave tests</name>',
      pkgs,
      '      </collection>',
      '    </pkglist>',
      '  </update>',
    ].join('\n');
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<updates>\n${body.join('\n')}\n</updates>\n`;
}
