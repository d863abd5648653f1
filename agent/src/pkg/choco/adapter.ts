import { compareVersions, PatchwaveError, type AvailableUpdate, type ErrorCode, type InstalledPackage, type RebootState } from '@patchwave/shared';
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
import type { ParseProblem } from '../parse-outcome.js';
import { chocoCommands } from './commands.js';
import { assertChocoId, assertChocoVersion } from './names.js';
import { chocoVerdict, parseChocoApply, parseChocoList, parseChocoOutdated, parseChocoVersion, type ChocoVerdict } from './parse.js';

export const CHOCO_CAPABILITIES: ManagerCapabilities = {
  // The community repository keeps every version: `choco upgrade --version <old> --allow-downgrade`.
  canRollback: true,
  canPinVersion: true,
  knowsSecurity: false,
  needsUser: false,
  partialUpgrade: true,
  // choco only learns of reboots from installers' exit codes (3010/1641); it cannot check the host.
  detectsReboot: false,
};

export interface ChocoAdapterDeps extends AdapterDeps {
  /** Clock for the apply deadline (tests inject one). */
  now?: () => number;
}

interface Step {
  name: string;
  from: string | null;
  to: string | null;
  spec: (timeoutMs: number) => CommandSpec;
  command: 'upgrade' | 'uninstall';
}

/** Chocolatey on Windows. Commands: ./commands.ts; formats: ./parse.ts. */
export class ChocoPackageManager implements PackageManager {
  readonly name = 'choco' as const;
  readonly capabilities = CHOCO_CAPABILITIES;
  private readonly exec: CommandRunner;
  private readonly log: Logger;
  private readonly now: () => number;
  private major: number | undefined;
  /** Reboots asked for by installers run by this process (a reboot ends the process, so they are still pending). */
  private readonly rebootReasons: string[] = [];

  constructor(deps: ChocoAdapterDeps) {
    this.exec = deps.exec;
    this.log = deps.log.child({ manager: 'choco' });
    this.now = deps.now ?? Date.now;
  }

  async version(): Promise<string | undefined> {
    const res = await this.exec.run(chocoCommands.version());
    const version = parseChocoVersion(res.stdout);
    this.major = version ? Number(version.split('.')[0]) : this.major;
    return version;
  }

  async listInstalled(): Promise<InstalledPackage[]> {
    if (this.major === undefined) await this.version();
    const res = await this.exec.run(chocoCommands.list(this.major ?? 2));
    const parsed = parseChocoList(res.stdout);
    return this.accept(parsed.value, parsed.problems, 'choco list');
  }

  async listUpdates(): Promise<AvailableUpdate[]> {
    const res = await this.exec.run(chocoCommands.outdated());
    const parsed = parseChocoOutdated(res.stdout);
    if (parsed.value.pinned.length) this.log.info({ pinned: parsed.value.pinned }, 'pinned packages with newer versions are not offered');
    return this.accept(parsed.value.updates, parsed.problems, 'choco outdated');
  }

  async plan(selection: PackageSelection): Promise<Plan> {
    for (const p of selection.packages ?? []) {
      assertChocoId(p.name);
      if (p.version !== undefined) assertChocoVersion(p.version);
    }
    const plan: Plan = { manager: 'choco', selection, changes: [], unresolved: [], notes: [], targets: [] };
    for (const id of selection.advisories ?? []) {
      plan.unresolved.push({ name: id, code: 'E_NOT_SUPPORTED', message: 'Chocolatey has no advisory metadata: select packages instead' });
    }
    if (selection.securityOnly && !selection.all) plan.notes.push('Chocolatey has no security metadata: a security-only selection selects nothing from choco');
    if (!selection.all && !selection.packages?.length) return plan;
    const updates = await this.listUpdates();
    if (selection.all) {
      plan.changes = updates.map((u) => ({ kind: 'upgrade', name: u.name, arch: '', from: u.installedVersion, to: u.candidateVersion }));
    } else {
      const installed = await this.listInstalled();
      for (const p of selection.packages ?? []) {
        const have = installed.find((i) => i.name.toLowerCase() === p.name.toLowerCase());
        const update = updates.find((u) => u.name.toLowerCase() === p.name.toLowerCase());
        const to = p.version ?? update?.candidateVersion;
        if (!have) plan.unresolved.push({ name: p.name, code: 'E_PKG_NOT_FOUND', message: `${p.name} is not installed by Chocolatey` });
        else if (to === undefined || to === have.version) plan.unresolved.push({ name: p.name, code: 'E_PKG_NO_UPDATE', message: `${have.name} ${have.version} is the newest version available` });
        else plan.changes.push({ kind: compareVersions('generic', have.version, to) > 0 ? 'downgrade' : 'upgrade', name: have.name, arch: '', from: have.version, to });
      }
    }
    plan.targets = plan.changes.map((c) => `${c.name}@${c.to ?? ''}`);
    if (plan.changes.length) plan.notes.push('choco has no machine-readable dry run: the plan is `choco outdated`; apply pins each package to the planned version');
    return plan;
  }

  async apply(plan: Plan, options: ApplyOptions): Promise<ApplyResult> {
    if (plan.manager !== 'choco') throw new PatchwaveError('E_VALIDATION', `a ${plan.manager} plan cannot be applied by choco`);
    const steps = plan.changes.map((c) => this.applyStep(c));
    return this.run(steps, options);
  }

  async rollback(previous: RollbackTarget[], options: ApplyOptions): Promise<ApplyResult> {
    const steps: Step[] = previous.map((p) => {
      const id = assertChocoId(p.name);
      if (p.version === null) return { name: id, from: null, to: null, command: 'uninstall', spec: (t) => chocoCommands.uninstall(id, t) };
      const version = assertChocoVersion(p.version);
      return { name: id, from: null, to: version, command: 'upgrade', spec: (t) => chocoCommands.downgrade(id, version, t) };
    });
    return this.run(steps, options);
  }

  async rebootRequired(): Promise<RebootState> {
    return this.rebootReasons.length
      ? { required: true, reasons: [...this.rebootReasons], packages: [] }
      : { required: 'unknown', reasons: ['Chocolatey cannot tell whether a reboot is pending'], packages: [] };
  }

  private applyStep(c: PlannedChange): Step {
    const id = assertChocoId(c.name);
    if (c.to === null || c.kind === 'remove') return { name: id, from: c.from, to: null, command: 'uninstall', spec: (t) => chocoCommands.uninstall(id, t) };
    const version = assertChocoVersion(c.to);
    if (c.from !== null) assertChocoVersion(c.from);
    return {
      name: id,
      from: c.from,
      to: version,
      command: 'upgrade',
      spec: (t) => (c.kind === 'downgrade' ? chocoCommands.downgrade(id, version, t) : chocoCommands.upgrade(id, version, t)),
    };
  }

  /** Runs one choco per package inside one deadline, then reads back what is installed. */
  private async run(steps: Step[], options: ApplyOptions): Promise<ApplyResult> {
    if (steps.length === 0) return { manager: 'choco', ok: true, exitCode: null, packages: [], rebootRequired: false, outputTail: '' };
    const before = new Map((await this.listInstalled()).map((p) => [p.name.toLowerCase(), p.version]));
    const deadline = this.now() + options.timeoutMs;
    const results: { step: Step; verdict: ChocoVerdict; exitCode: number | null; text: string }[] = [];
    let output = '';
    for (const step of steps) {
      const remaining = deadline - this.now();
      if (remaining <= 0) {
        results.push({ step, exitCode: null, text: '', verdict: { ok: false, rebootRequired: false, code: 'E_PKG_TIMEOUT', message: 'not started: the apply deadline had passed' } });
        continue;
      }
      const r = await this.runOne(step, remaining);
      output += `${output ? '\n' : ''}> choco ${step.command} ${step.name}\n${r.text}`;
      results.push({ step, exitCode: r.exitCode, text: r.text, verdict: r.verdict });
      if (r.verdict.rebootRequired) this.rebootReasons.push(`${step.name}: ${r.verdict.message ?? 'reboot required'}`);
    }
    const after = new Map((await this.listInstalled()).map((p) => [p.name.toLowerCase(), p.version]));
    const packages = results.map((r) => outcome(r.step, r.verdict, r.text, before, after));
    const ok = packages.every((p) => p.ok);
    const failedRun = results.find((r) => !r.verdict.ok) ?? results.find((r) => r.exitCode !== 0);
    if (!ok) this.log.warn({ failed: packages.filter((p) => !p.ok).map((p) => ({ name: p.name, errorCode: p.errorCode })) }, 'choco run failed');
    const errorCode = ok ? undefined : packages.find((p) => !p.ok)?.errorCode;
    return {
      manager: 'choco',
      ok,
      exitCode: failedRun?.exitCode ?? results[results.length - 1]?.exitCode ?? null,
      ...(errorCode ? { errorCode } : {}),
      packages,
      rebootRequired: results.some((r) => r.verdict.rebootRequired),
      outputTail: tail(output),
    };
  }

  private async runOne(step: Step, timeoutMs: number): Promise<{ exitCode: number | null; text: string; verdict: ChocoVerdict }> {
    try {
      const res = await this.exec.run(step.spec(timeoutMs));
      const text = `${res.stdout}${res.stderr}`;
      return { exitCode: res.exitCode, text, verdict: chocoVerdict(res.exitCode, text, step.command) };
    } catch (err) {
      if (!(err instanceof CommandError) || err.code === 'E_COMMAND_NOT_FOUND') throw err;
      const text = `${err.stdout}${err.stderr}`;
      if (err.timedOut || err.exitCode === null) {
        return { exitCode: null, text, verdict: { ok: false, rebootRequired: false, code: 'E_PKG_TIMEOUT', message: err.message } };
      }
      return { exitCode: err.exitCode, text, verdict: chocoVerdict(err.exitCode, text, step.command) };
    }
  }

  private accept<T>(value: T[], problems: ParseProblem[], what: string): T[] {
    if (problems.length) this.log.warn({ problems: problems.slice(0, 10) }, `unreadable lines in ${what}`);
    if (value.length === 0 && problems.length > 0) {
      throw new PatchwaveError('E_PKG_PARSE_FAILED', `could not read ${what}: ${problems[0]?.message ?? ''}`, { details: { problems: problems.slice(0, 10) } });
    }
    return value;
  }
}

function outcome(step: Step, verdict: ChocoVerdict, text: string, before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): PackageOutcome {
  const key = step.name.toLowerCase();
  const now = after.get(key) ?? null;
  const base = { name: step.name, arch: '', requested: step.to, before: before.get(key) ?? null, after: now };
  if (!verdict.ok) {
    // With -r choco does not print why; a package that is absent before and after was not there to upgrade.
    const code = verdict.code === 'E_PKG_FAILED' && base.before === null && now === null && step.command === 'upgrade' ? 'E_PKG_NOT_FOUND' : (verdict.code ?? 'E_PKG_FAILED');
    return { ...base, ok: false, errorCode: code, ...(verdict.message ? { message: verdict.message } : {}) };
  }
  if (now === step.to) return { ...base, ok: true, ...(verdict.message ? { message: verdict.message } : {}) };
  // choco exits 0 when it skips a pinned package or finds nothing newer: the read-back says so.
  const code: ErrorCode = parseChocoApply(text).value.code ?? (now === base.before ? 'E_PKG_NO_UPDATE' : 'E_PKG_FAILED');
  return { ...base, ok: false, errorCode: code, message: `choco reported success but ${step.name} is at ${now ?? 'not installed'}, expected ${step.to ?? 'removed'}` };
}
