import { PatchwaveError, type AvailableUpdate, type ErrorCode, type InstalledPackage, type RebootState } from '@patchwave/shared';
import type { Logger } from 'pino';
import { CommandError, tail, type CommandRunner, type CommandSpec } from '../../exec/command-runner.js';
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
import { apkCommands } from './commands.js';
import { assertApkArch, assertApkName, assertApkVersion } from './names.js';
import { apkKernelReboot, parseApkInstalled, parseApkRun, parseApkVersionList, type ApkRun } from './parse.js';

export const APK_CAPABILITIES: ManagerCapabilities = {
  // Alpine repositories keep only the newest build of a package, and `apk add name=version`
  // writes the pin into /etc/apk/world: neither a rollback nor a one-off version is offered.
  canRollback: false,
  canPinVersion: false,
  knowsSecurity: false,
  needsUser: false,
  partialUpgrade: true,
  detectsReboot: true,
};

interface RunOutput {
  exitCode: number | null;
  text: string;
  failure?: { code: ErrorCode; message: string };
}

/** apk-tools (Alpine Linux and derivatives). Commands: ./commands.ts; formats: ./parse.ts. */
export class ApkPackageManager implements PackageManager {
  readonly name = 'apk' as const;
  readonly capabilities = APK_CAPABILITIES;
  private readonly exec: CommandRunner;
  private readonly log: Logger;

  constructor(deps: AdapterDeps) {
    this.exec = deps.exec;
    this.log = deps.log.child({ manager: 'apk' });
  }

  async version(): Promise<string | undefined> {
    const res = await this.exec.run(apkCommands.version());
    return /^apk-tools (\S+?),?(?:\s|$)/.exec(res.stdout.trim())?.[1];
  }

  async listInstalled(): Promise<InstalledPackage[]> {
    const res = await this.exec.run(apkCommands.listInstalled());
    const parsed = parseApkInstalled(res.stdout);
    return this.accept(parsed.value, parsed.problems, res.stdout, 'apk list --installed');
  }

  async listUpdates(): Promise<AvailableUpdate[]> {
    return this.updatesFor(await this.listInstalled());
  }

  async plan(selection: PackageSelection): Promise<Plan> {
    for (const p of selection.packages ?? []) {
      assertApkName(p.name);
      if (p.version !== undefined) assertApkVersion(p.version);
      if (p.arch !== undefined) assertApkArch(p.arch);
    }
    const plan: Plan = { manager: 'apk', selection, changes: [], unresolved: [], notes: [], targets: [] };
    for (const id of selection.advisories ?? []) {
      plan.unresolved.push({ name: id, code: 'E_NOT_SUPPORTED', message: 'apk has no advisory metadata: select packages instead' });
    }
    if (selection.securityOnly && !selection.all) {
      plan.notes.push('apk has no security metadata: a security-only selection selects nothing from apk');
    }
    if (selection.all) {
      const arch = archLookup(await this.listInstalled());
      const run = await this.simulate(apkCommands.simulateUpgradeAll());
      plan.changes = run.changes.map((c) => toPlanned(c, arch));
      for (const f of run.failures) plan.unresolved.push({ name: f.packages[0] ?? '*', code: f.code, message: f.message });
      plan.notes.push('apply runs `apk upgrade`, which may upgrade apk-tools itself first');
      return plan;
    }
    const requested = selection.packages ?? [];
    if (requested.length === 0) return plan;
    const installed = await this.listInstalled();
    const updates = await this.updatesFor(installed);
    const names: string[] = [];
    for (const p of requested) {
      const have = installed.find((i) => i.name === p.name);
      const update = updates.find((u) => u.name === p.name);
      if (p.arch !== undefined && have && have.arch !== p.arch) {
        plan.unresolved.push({ name: p.name, code: 'E_PKG_NOT_FOUND', message: `${p.name} is installed for ${have.arch}, not ${p.arch}` });
      } else if (p.version !== undefined && p.version !== (update?.candidateVersion ?? have?.version)) {
        plan.unresolved.push({
          name: p.name,
          code: 'E_NOT_SUPPORTED',
          message: `apk installs only the newest candidate (${update?.candidateVersion ?? have?.version ?? 'none'}); ${p.version} would have to be pinned in /etc/apk/world`,
        });
      } else {
        names.push(p.name);
      }
    }
    if (names.length === 0) return plan;
    const run = await this.simulate(apkCommands.simulateAdd(names));
    plan.changes = run.changes.map((c) => toPlanned(c, archLookup(installed)));
    for (const f of run.failures) {
      const hit = f.packages.filter((n) => names.includes(n));
      for (const n of hit.length ? hit : names) plan.unresolved.push({ name: n, code: f.code, message: f.message });
    }
    const failed = new Set(plan.unresolved.map((u) => u.name));
    for (const n of names) {
      if (failed.has(n) || plan.changes.some((c) => c.name === n)) continue;
      plan.unresolved.push({ name: n, code: 'E_PKG_NO_UPDATE', message: `${n} is already the newest version` });
    }
    plan.targets = names.filter((n) => !failed.has(n) && plan.changes.some((c) => c.name === n));
    if (plan.targets.length) plan.notes.push('`apk add -u` adds a package to /etc/apk/world when it was only installed as a dependency');
    return plan;
  }

  async apply(plan: Plan, options: ApplyOptions): Promise<ApplyResult> {
    if (plan.manager !== 'apk') throw new PatchwaveError('E_VALIDATION', `an ${plan.manager} plan cannot be applied by apk`);
    plan.targets.forEach(assertApkName);
    if (plan.selection.all ? plan.changes.length === 0 : plan.targets.length === 0) {
      return { manager: 'apk', ok: true, exitCode: null, packages: [], rebootRequired: false, outputTail: '' };
    }
    const before = new Map((await this.listInstalled()).map((p) => [p.name, p]));
    const out = await this.runTolerant(plan.selection.all ? apkCommands.upgradeAll(options.timeoutMs) : apkCommands.add(plan.targets, options.timeoutMs));
    const run = parseApkRun(out.text).value;
    const after = new Map((await this.listInstalled()).map((p) => [p.name, p]));
    const packages = outcomes(plan.changes, run, before, after, out);
    const ok = out.exitCode === 0 && !out.failure && packages.every((p) => p.ok);
    const firstFailure = run.failures[0];
    const errorCode = ok ? undefined : (firstFailure?.code ?? out.failure?.code ?? packages.find((p) => !p.ok)?.errorCode ?? 'E_PKG_FAILED');
    if (!ok) this.log.warn({ exitCode: out.exitCode, errorCode, failures: run.failures.slice(0, 5) }, 'apk run failed');
    return {
      manager: 'apk',
      ok,
      exitCode: out.exitCode,
      ...(errorCode ? { errorCode } : {}),
      packages,
      rebootRequired: packages.some((p) => p.ok && KERNEL_PACKAGE.test(p.name) && p.before !== p.after),
      outputTail: tail(out.text),
    };
  }

  async rollback(previous: RollbackTarget[], _options: ApplyOptions): Promise<ApplyResult> {
    previous.forEach((p) => assertApkName(p.name));
    return {
      manager: 'apk',
      ok: false,
      exitCode: null,
      errorCode: 'E_ROLLBACK_UNSUPPORTED',
      packages: previous.map((p) => ({
        name: p.name,
        arch: p.arch ?? '',
        requested: p.version,
        before: null,
        after: null,
        ok: false,
        errorCode: 'E_ROLLBACK_UNSUPPORTED',
        message: 'Alpine repositories keep only the newest build of a package; apk cannot roll back',
      })),
      rebootRequired: false,
      outputTail: '',
    };
  }

  async rebootRequired(): Promise<RebootState> {
    const uname = await this.exec.run(apkCommands.unameRelease());
    const verdict = apkKernelReboot(uname.stdout, await this.listInstalled());
    return { required: verdict.required, reasons: verdict.reason ? [verdict.reason] : [], packages: verdict.required === true ? ['linux'] : [] };
  }

  private async updatesFor(installed: readonly InstalledPackage[]): Promise<AvailableUpdate[]> {
    const res = await this.exec.run(apkCommands.listUpgradable());
    const parsed = parseApkVersionList(res.stdout, archLookup(installed));
    // An empty list is a valid answer (nothing to upgrade); only unreadable output is an error.
    return this.accept(parsed.value, parsed.problems, res.stdout, "apk version -l '<'");
  }

  private async simulate(spec: CommandSpec): Promise<ApkRun> {
    const out = await this.runTolerant(spec);
    const parsed = parseApkRun(out.text);
    if (parsed.problems.length) this.log.warn({ problems: parsed.problems.slice(0, 10) }, 'unreadable lines in apk --simulate output');
    if (out.failure && parsed.value.failures.length === 0) {
      throw new PatchwaveError(out.failure.code, out.failure.message);
    }
    return parsed.value;
  }

  /** Runs a command whose failure is reported in its output; only a missing tool or a timeout throw. */
  private async runTolerant(spec: CommandSpec): Promise<RunOutput> {
    try {
      const res = await this.exec.run(spec);
      return { exitCode: res.exitCode, text: joinOutput(res.stdout, res.stderr) };
    } catch (err) {
      if (!(err instanceof CommandError)) throw err;
      const text = joinOutput(err.stdout, err.stderr);
      if (err.code === 'E_COMMAND_NOT_FOUND') throw err;
      if (err.timedOut) return { exitCode: null, text, failure: { code: 'E_PKG_TIMEOUT', message: err.message } };
      return { exitCode: err.exitCode, text, failure: { code: 'E_PKG_FAILED', message: err.message } };
    }
  }

  private accept<T>(value: T[], problems: { line?: number; message: string }[], text: string, what: string): T[] {
    if (problems.length) this.log.warn({ problems: problems.slice(0, 10) }, `unreadable lines in ${what}`);
    if (value.length === 0 && problems.length > 0) {
      throw new PatchwaveError('E_PKG_PARSE_FAILED', `could not read ${what}: ${problems[0]?.message ?? ''}`, {
        details: { problems: problems.slice(0, 10), sample: text.slice(0, 500) },
      });
    }
    return value;
  }
}

function joinOutput(stdout: string, stderr: string): string {
  return stderr ? `${stdout}${stdout.endsWith('\n') || !stdout ? '' : '\n'}${stderr}` : stdout;
}

/** Alpine kernel packages (`linux-lts`, `linux-virt`, …), not linux-firmware or linux-headers. */
const KERNEL_PACKAGE = /^linux-(?:lts|virt|edge|stable|vanilla|hardened|rpi\d*)$/;

function archLookup(installed: readonly InstalledPackage[]): (name: string) => string {
  const map = new Map(installed.map((p) => [p.name, p.arch]));
  return (name) => map.get(name) ?? '';
}

function toPlanned(c: ApkRun['changes'][number], arch: (name: string) => string): PlannedChange {
  return { kind: c.kind, name: c.name, arch: arch(c.name), from: c.from, to: c.to };
}

/** Per-package outcome: planned changes first, then anything else the run changed. */
function outcomes(
  planned: readonly PlannedChange[],
  run: ApkRun,
  before: ReadonlyMap<string, InstalledPackage>,
  after: ReadonlyMap<string, InstalledPackage>,
  out: RunOutput,
): PackageOutcome[] {
  const names = [...new Set([...planned.map((c) => c.name), ...run.changes.map((c) => c.name)])];
  return names.map((name) => {
    const want = planned.find((c) => c.name === name) ?? run.changes.find((c) => c.name === name);
    const target = want?.to ?? null;
    const now = after.get(name)?.version ?? null;
    const failure = run.failures.find((f) => f.packages.includes(name));
    const reached = now === target;
    const ok = reached && !failure;
    const code: ErrorCode | undefined = ok ? undefined : (failure?.code ?? run.failures[0]?.code ?? out.failure?.code ?? 'E_PKG_FAILED');
    return {
      name,
      arch: after.get(name)?.arch ?? before.get(name)?.arch ?? '',
      requested: target,
      before: before.get(name)?.version ?? null,
      after: now,
      ok,
      ...(code ? { errorCode: code } : {}),
      ...(ok ? {} : { message: failure?.message ?? `${name} is at ${now ?? 'not installed'}, expected ${target ?? 'removed'}` }),
    };
  });
}
