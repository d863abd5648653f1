import fs from 'node:fs/promises';
import path from 'node:path';
import { compareVersions, PatchwaveError, type AvailableUpdate, type ErrorCode, type InstalledPackage, type RebootState } from '@patchwave/shared';
import type { Logger } from 'pino';
import { CommandError, tail, type CommandResult, type CommandRunner, type CommandSpec } from '../../exec/command-runner.js';
import type {
  AdapterDeps,
  ApplyOptions,
  ApplyResult,
  ManagerCapabilities,
  PackageManager,
  PackageOutcome,
  PackageSelection,
  Plan,
  PlannedChange,
  RollbackTarget,
} from '../package-manager.js';
import { NodeHostFiles, type HostFiles } from '../host-files.js';
import { assertSafeArgument } from '../package-names.js';
import { assertLocalPath } from '../rpmdb/local-path.js';
import { pacmanCommands, type PacmanCommands } from './commands.js';
import { assertPacmanName, assertPacmanVersion, KERNEL_RELEASE } from './names.js';
import { parsePacmanQuery } from './parse-query.js';
import { parseOwner, parsePacmanRun } from './parse-run.js';
import { parsePacmanPrint, parsePacmanUpdates } from './parse-updates.js';

export const PACMAN_CAPABILITIES: ManagerCapabilities = {
  /** From the package cache only (`pacman -U` of the cached file); a version no longer cached cannot come back. */
  canRollback: true,
  canPinVersion: false,
  knowsSecurity: false,
  needsUser: false,
  partialUpgrade: false,
  detectsReboot: true,
};

const FULL_UPGRADE_NOTE = 'Arch Linux does not support partial upgrades: the plan is the whole system upgrade `pacman -Syu --noconfirm`';
const STALE_NOTE = 'listed from the package databases as of their last sync; `pacman -Syu` syncs them first and may install newer versions or more packages';

import { checkLockFiles, type LockStatus } from '../lock-status.js';
import { parseSyncInfo } from './parse-sync-info.js';

export interface PacmanAdapterDeps extends AdapterDeps {
  /** Lists a package cache directory (rollback); defaults to the real file system. */
  listDir?: (dir: string) => Promise<string[]>;
  /** Checks the running kernel's module directory (reboot); defaults to the real files. */
  files?: HostFiles;
}

/** pacman (Arch Linux and derivatives). No security metadata and no partial upgrades, said plainly. */
export class PacmanPackageManager implements PackageManager {
  readonly name = 'pacman' as const;
  readonly capabilities = PACMAN_CAPABILITIES;
  readonly dataPaths = ['/var/cache/pacman/pkg', '/var/lib/pacman', '/usr'] as const;
  private readonly dbPath: string;
  private readonly exec: CommandRunner;
  private readonly log: Logger;
  private readonly cmd: PacmanCommands;
  private readonly hasCheckupdates: boolean;
  private readonly customRoot: boolean;
  private readonly listDir: (dir: string) => Promise<string[]>;
  private readonly files: HostFiles;

  constructor(deps: PacmanAdapterDeps) {
    this.exec = deps.exec;
    this.log = deps.log.child({ manager: 'pacman' });
    this.cmd = pacmanCommands(deps.local?.pacman, { PATH: process.env['PATH'] });
    const local = deps.local?.pacman;
    this.customRoot = Boolean(local?.root || local?.dbPath || local?.configFile);
    // checkupdates knows nothing of --root/--dbpath: with local settings pacman -Qu answers.
    this.hasCheckupdates = deps.host.executables.has('checkupdates') && !this.customRoot;
    this.listDir = deps.listDir ?? ((dir) => fs.readdir(dir));
    this.files = deps.files ?? new NodeHostFiles();
    this.dbPath = local?.dbPath ?? `${local?.root ?? ''}/var/lib/pacman`;
  }

  /** pacman's lock is the existence of `<dbpath>/db.lck` (a stale one after a crash blocks pacman too). */
  lockStatus(): Promise<LockStatus> {
    return checkLockFiles({ existence: [`${this.dbPath.replace(/\/$/, '')}/db.lck`] });
  }

  async version(): Promise<string | undefined> {
    const res = await this.exec.run(this.cmd.version());
    return /Pacman v(\S+)/.exec(res.stdout)?.[1];
  }

  async listInstalled(): Promise<InstalledPackage[]> {
    const res = await this.exec.run(this.cmd.query());
    const parsed = parsePacmanQuery(res.stdout);
    if (parsed.problems.length) this.log.warn({ problems: parsed.problems.slice(0, 10) }, 'unreadable pacman -Qi output');
    return parsed.value;
  }

  /**
   * checkupdates (pacman-contrib) when present: it syncs a temporary copy of the databases, so
   * the answer is fresh without `pacman -Sy` (which would set up a partial upgrade). Otherwise
   * `pacman -Qu` against the databases as last synced.
   */
  async listUpdates(): Promise<AvailableUpdate[]> {
    const res = await this.exec.run(this.hasCheckupdates ? this.cmd.checkupdates() : this.cmd.queryUpgrades());
    const parsed = parsePacmanUpdates(res.stdout);
    if (parsed.problems.length) this.log.warn({ problems: parsed.problems.slice(0, 10) }, 'unreadable update listing');
    if (parsed.value.length === 0) return [];
    const arch = new Map((await this.listInstalled()).map((p) => [p.name, p.arch]));
    return parsed.value.map((u) => ({ ...u, arch: arch.get(u.name) ?? '' }));
  }

  async plan(selection: PackageSelection): Promise<Plan> {
    for (const p of selection.packages ?? []) {
      assertPacmanName(p.name);
      if (p.version !== undefined) assertPacmanVersion(p.version);
    }
    for (const id of selection.advisories ?? []) assertSafeArgument('id', id);
    const plan: Plan = { manager: 'pacman', selection, changes: [], unresolved: [], notes: [], targets: [] };
    for (const id of selection.advisories ?? []) {
      plan.unresolved.push({ name: id, code: 'E_NOT_SUPPORTED', message: 'pacman has no advisory metadata' });
    }
    const wantsUpgrade = selection.all === true || (selection.packages?.length ?? 0) > 0;
    if (!wantsUpgrade) {
      if (selection.securityOnly) plan.notes.push('pacman has no security metadata: a security-only selection selects nothing');
      return plan;
    }
    const installed = await this.listInstalled();
    const current = new Map(installed.map((p) => [p.name, p]));
    for (const p of selection.packages ?? []) {
      if (!current.has(p.name)) plan.unresolved.push({ name: p.name, code: 'E_PKG_NOT_FOUND', message: `${p.name} is not installed` });
      else if (p.version !== undefined) plan.unresolved.push({ name: p.name, code: 'E_NOT_SUPPORTED', message: `pacman installs the repository's current version, not ${p.version}` });
    }
    const res = await this.exec.run(this.cmd.printUpgrade());
    const targets = parsePacmanPrint(res.stdout);
    if (targets.problems.length) this.log.warn({ problems: targets.problems.slice(0, 10) }, 'unreadable pacman -Sup output');
    plan.changes = targets.value.map((t): PlannedChange => {
      const have = current.get(t.name);
      const kind = !have ? 'install' : compareVersions('pacman', t.version, have.version) < 0 ? 'downgrade' : 'upgrade';
      return { kind, name: t.name, arch: have?.arch || t.arch, from: have?.version ?? null, to: t.version };
    });
    plan.notes.push(FULL_UPGRADE_NOTE, STALE_NOTE);
    await this.addRemovals(plan, current);
    const named = (selection.packages ?? []).map((p) => p.name).filter((n) => current.has(n));
    const notMoving = named.filter((n) => !plan.changes.some((c) => c.name === n));
    if (notMoving.length) plan.notes.push(`no newer version in the synced databases for: ${notMoving.join(', ')}`);
    if (selection.securityOnly) plan.notes.push('pacman has no security metadata: security-only cannot narrow the upgrade');
    plan.targets = ['-Syu', '--noconfirm'];
    return plan;
  }

  /**
   * `-Sup --print-format` lists only what would be installed. What the upgrade removes comes from
   * the sync database (`pacman -Si`): an installed package another one `replaces` is removed
   * (pacman --noconfirm answers yes); an installed package another one conflicts with makes
   * `-Su --noconfirm` refuse the whole upgrade (it answers no), which the plan says up front.
   */
  private async addRemovals(plan: Plan, current: Map<string, { version: string; arch: string }>): Promise<void> {
    const names = plan.changes.map((c) => c.name);
    if (names.length === 0) return;
    const info = parseSyncInfo((await this.exec.run(this.cmd.syncInfo(names.map((n) => assertPacmanName(n))))).stdout);
    if (info.problems.length) this.log.warn({ problems: info.problems.slice(0, 10) }, 'unreadable pacman -Si output');
    const moving = new Set(names);
    // --print-format has no architecture: the sync database's is filled in.
    plan.changes = plan.changes.map((c) => (c.arch === '' ? { ...c, arch: info.value.find((i) => i.name === c.name)?.arch ?? '' } : c));
    for (const pkg of info.value) {
      for (const old of pkg.replaces) {
        const have = current.get(old);
        if (!have || moving.has(old) || plan.changes.some((c) => c.kind === 'remove' && c.name === old)) continue;
        plan.changes.push({ kind: 'remove', name: old, arch: have.arch, from: have.version, to: null });
        plan.notes.push(`${pkg.name} ${pkg.version} replaces ${old}: the upgrade removes it`);
      }
      for (const other of pkg.conflicts) {
        if (!current.has(other) || moving.has(other) || other === pkg.name) continue;
        plan.unresolved.push({
          name: pkg.name,
          code: 'E_PKG_CONFLICT',
          message: `${pkg.name} ${pkg.version} conflicts with the installed ${other}: pacman -Su --noconfirm will not remove it and refuses the whole upgrade`,
        });
      }
    }
  }

  async apply(plan: Plan, options: ApplyOptions): Promise<ApplyResult> {
    if (plan.manager !== 'pacman') throw new PatchwaveError('E_VALIDATION', `a ${plan.manager} plan cannot be applied by pacman`);
    for (const c of plan.changes) {
      assertPacmanName(c.name);
      if (c.to !== null) assertPacmanVersion(c.to);
    }
    if (plan.changes.length === 0 && !plan.selection.all) {
      return { manager: 'pacman', ok: true, exitCode: null, packages: [], rebootRequired: false, outputTail: '' };
    }
    const expected = plan.changes.map((c) => ({ name: c.name, to: c.to }));
    return this.execute(this.cmd.upgrade(options.timeoutMs), expected, 'upgrade');
  }

  /** Reinstalls previous versions from the package cache (`pacman -U`), removes packages that were not installed. */
  async rollback(previous: RollbackTarget[], options: ApplyOptions): Promise<ApplyResult> {
    for (const p of previous) {
      assertPacmanName(p.name);
      if (p.version !== null) assertPacmanVersion(p.version);
    }
    const restore = previous.filter((p) => p.version !== null);
    const remove = previous.filter((p) => p.version === null).map((p) => p.name);
    const missing: PackageOutcome[] = [];
    const files: string[] = [];
    if (restore.length) {
      const dirs = (await this.exec.run(this.cmd.cacheDirs())).stdout.split('\n').map((d) => d.trim()).filter(Boolean);
      for (const p of restore) {
        const file = await this.findCached(dirs, p.name, p.version ?? '');
        if (file) files.push(file);
        else missing.push({ name: p.name, arch: p.arch ?? '', requested: p.version, before: null, after: null, ok: false, errorCode: 'E_PKG_NOT_FOUND', message: `${p.name} ${p.version ?? ''} is not in the package cache (${dirs.join(', ')})` });
      }
    }
    const results: ApplyResult[] = [];
    if (files.length) {
      const expected = restore.filter((p) => !missing.some((m) => m.name === p.name)).map((p) => ({ name: p.name, to: p.version }));
      results.push(await this.execute(this.cmd.installFiles(files, options.timeoutMs), expected, 'exact'));
    }
    if (remove.length) results.push(await this.execute(this.cmd.remove(remove, options.timeoutMs), remove.map((name) => ({ name, to: null })), 'exact'));
    const packages = [...missing, ...results.flatMap((r) => r.packages)];
    const failed = results.find((r) => !r.ok);
    const result: ApplyResult = {
      manager: 'pacman',
      ok: missing.length === 0 && !failed,
      exitCode: failed?.exitCode ?? results[results.length - 1]?.exitCode ?? null,
      packages,
      rebootRequired: results.some((r) => r.rebootRequired),
      outputTail: tail(results.map((r) => r.outputTail).join('\n')),
    };
    if (!result.ok) result.errorCode = failed?.errorCode ?? 'E_PKG_NOT_FOUND';
    return result;
  }

  /**
   * pacman has no reboot flag. Upgrading a kernel package replaces /usr/lib/modules/<release>, so
   * when the running kernel's module directory (uname -r) is gone, only a reboot brings the
   * installed kernel in; when a package still owns it, no kernel change is pending. A directory
   * that exists but no package owns is a self-built kernel: unknown. Not meaningful for an
   * alternative root.
   */
  async rebootRequired(): Promise<RebootState> {
    if (this.customRoot) return { required: 'unknown', reasons: ['the running kernel says nothing about an alternative pacman root'], packages: [] };
    const release = (await this.exec.run(this.cmd.uname())).stdout.trim();
    if (!KERNEL_RELEASE.test(release)) return { required: 'unknown', reasons: [`unexpected uname -r output ${JSON.stringify(release.slice(0, 60))}`], packages: [] };
    const modules = `/usr/lib/modules/${release}`;
    const res = await this.runTolerant(this.cmd.owner(modules));
    const owner = parseOwner(`${res.stdout}\n${res.stderr}`).value;
    if (owner.owned === true) return { required: false, reasons: [], packages: [] };
    if (!(await this.files.exists(modules))) {
      return { required: true, reasons: [`running kernel ${release} is no longer installed (${modules} is gone)`], packages: [] };
    }
    return { required: 'unknown', reasons: [`no package owns ${modules} (a self-built kernel?)`], packages: [] };
  }

  private async findCached(dirs: readonly string[], name: string, version: string): Promise<string | undefined> {
    const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const file = new RegExp(`^${escape(name)}-${escape(version)}-[A-Za-z0-9_]+\\.pkg\\.tar(\\.[a-z0-9]+)?$`);
    for (const dir of dirs) {
      let entries: string[];
      try {
        entries = await this.listDir(assertLocalPath('pacman CacheDir', dir));
      } catch (err) {
        this.log.warn({ err, dir }, 'cannot read the package cache');
        continue;
      }
      const hit = entries.find((e) => file.test(e));
      if (hit) return path.join(dir, hit);
    }
    return undefined;
  }

  private async runTolerant(spec: CommandSpec): Promise<CommandResult | CommandError> {
    try {
      return await this.exec.run(spec);
    } catch (err) {
      if (!(err instanceof CommandError)) throw err;
      return err;
    }
  }

  /**
   * Runs one installing pacman command and reads back the database. In `upgrade` mode a package
   * counts as done when it is at the planned version or newer (-Syu syncs first and may find a
   * newer one); in `exact` mode it must be exactly the version asked for.
   */
  private async execute(spec: CommandSpec, expected: readonly { name: string; to: string | null }[], mode: 'upgrade' | 'exact'): Promise<ApplyResult> {
    const before = new Map((await this.listInstalled()).map((p) => [p.name, p]));
    const res = await this.runTolerant(spec);
    const output = `${res.stdout}\n${res.stderr}`;
    const report = parsePacmanRun(output).value;
    const after = new Map((await this.listInstalled()).map((p) => [p.name, p]));
    let runCode: ErrorCode | undefined;
    let runMessage: string | undefined;
    if (res instanceof CommandError) {
      runCode = res.timedOut ? 'E_PKG_TIMEOUT' : res.code === 'E_COMMAND_NOT_FOUND' ? 'E_COMMAND_NOT_FOUND' : (report.errorCode ?? 'E_PKG_FAILED');
      runMessage = res.timedOut ? res.message : (report.message ?? res.message);
    } else if (res.exitCode !== 0) {
      runCode = report.errorCode ?? 'E_PKG_FAILED';
      runMessage = report.message ?? `pacman exited with ${res.exitCode}`;
    } else if (report.unattributedScriptletFailures > 0) {
      runCode = 'E_PKG_SCRIPT_FAILED';
      runMessage = report.message;
    }
    const names = [...new Set([...expected.map((e) => e.name), ...[...after.keys()].filter((n) => after.get(n)?.version !== before.get(n)?.version), ...[...before.keys()].filter((n) => !after.has(n))])];
    const packages = names.map((name): PackageOutcome => {
      const want = expected.find((e) => e.name === name);
      const was = before.get(name)?.version ?? null;
      const now = after.get(name)?.version ?? null;
      const requested = want ? want.to : null;
      const reached = !want
        ? true
        : want.to === null
          ? now === null
          : now !== null && (mode === 'exact' ? now === want.to : compareVersions('pacman', now, want.to) >= 0);
      const script = report.scriptletFailures.find((f) => f.name === name);
      const outcome: PackageOutcome = { name, arch: after.get(name)?.arch ?? before.get(name)?.arch ?? '', requested, before: was, after: now, ok: reached && !script };
      if (script) {
        outcome.errorCode = 'E_PKG_SCRIPT_FAILED';
        outcome.message = `now at ${now ?? 'nothing'}, but its install scriptlet failed (${script.message})`;
      } else if (!reached) {
        outcome.errorCode = runCode ?? 'E_PKG_FAILED';
        outcome.message = runMessage ?? `expected ${want?.to ?? 'removal'}, found ${now ?? 'not installed'}`;
      }
      return outcome;
    });
    const exitCode = res.exitCode;
    const ok = !runCode && packages.every((p) => p.ok);
    const result: ApplyResult = { manager: 'pacman', ok, exitCode, packages, rebootRequired: false, outputTail: tail(output.trim()) };
    if (!ok) result.errorCode = runCode ?? packages.find((p) => p.errorCode)?.errorCode ?? 'E_PKG_FAILED';
    if (packages.some((p) => p.before !== p.after)) result.rebootRequired = (await this.rebootRequired()).required === true;
    return result;
  }
}
