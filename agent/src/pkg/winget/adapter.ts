import { compareVersions, PatchwaveError, type AvailableUpdate, type InstalledPackage, type RebootState } from '@patchwave/shared';
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
  RollbackTarget,
} from '../package-manager.js';
import type { ParseProblem } from '../parse-outcome.js';
import { wingetCommands, type WingetCommands } from './commands.js';
import { wingetVerdict, type WingetVerdict } from './exit-codes.js';
import { locateWinget } from './locate.js';
import { assertWingetId, assertWingetSource, assertWingetVersion } from './names.js';
import { isTruncated, parseWingetList, parseWingetUpgrades, parseWingetVersion } from './parse.js';

export const WINGET_CAPABILITIES: ManagerCapabilities = {
  // winget-pkgs keeps old manifests: `winget install --version <old> --force` where the source still has it.
  canRollback: true,
  canPinVersion: true,
  knowsSecurity: false,
  needsUser: false,
  partialUpgrade: true,
  // winget learns of reboots only from installers' exit codes; it cannot check the host.
  detectsReboot: false,
};

export interface WingetAdapterDeps extends AdapterDeps {
  /** winget.exe to run; found under %ProgramFiles%\WindowsApps (SYSTEM has no alias on PATH), else `winget`. */
  command?: string;
  now?: () => number;
}

interface Step {
  id: string;
  from: string | null;
  /** null: uninstall. */
  to: string | null;
  /** Rollback must land on exactly `to`; an upgrade may land on a newer version. */
  exact: boolean;
  spec: (timeoutMs: number) => CommandSpec;
}

/** A plan target: `[source:]Id@version`. Ids, sources and versions never contain `:` or `@`. */
export function formatTarget(id: string, version: string, source?: string): string {
  return `${source ? `${source}:` : ''}${id}@${version}`;
}

export function parseTarget(target: string): { id: string; version: string; source?: string } {
  const at = target.lastIndexOf('@');
  const colon = target.indexOf(':');
  const head = at === -1 ? target : target.slice(0, at);
  const source = colon !== -1 && colon < head.length ? head.slice(0, colon) : undefined;
  const id = assertWingetId(source === undefined ? head : head.slice(colon + 1));
  if (at === -1) throw new PatchwaveError('E_INVALID_PACKAGE_NAME', `winget target ${JSON.stringify(target.slice(0, 80))} has no version (expected [source:]Id@version)`);
  return { id, version: assertWingetVersion(target.slice(at + 1)), ...(source !== undefined ? { source: assertWingetSource(source) } : {}) };
}

/** winget (Windows Package Manager). Commands: ./commands.ts; formats: ./parse.ts, ./table.ts. */
export class WingetPackageManager implements PackageManager {
  readonly name = 'winget' as const;
  readonly capabilities = WINGET_CAPABILITIES;
  private readonly exec: CommandRunner;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly resolveCommand: () => Promise<string>;
  private cmdValue: WingetCommands | undefined;
  private readonly rebootReasons: string[] = [];

  constructor(deps: WingetAdapterDeps) {
    this.exec = deps.exec;
    this.log = deps.log.child({ manager: 'winget' });
    this.now = deps.now ?? Date.now;
    const fixed = deps.command;
    this.resolveCommand = fixed ? async () => fixed : async () => (await locateWinget(process.env['ProgramFiles'], deps.host.arch)) ?? 'winget';
  }

  async version(): Promise<string | undefined> {
    const res = await this.exec.run((await this.cmd()).version());
    return parseWingetVersion(res.stdout);
  }

  async listInstalled(): Promise<InstalledPackage[]> {
    const res = await this.exec.run((await this.cmd()).list());
    const parsed = parseWingetList(res.stdout);
    return this.accept(parsed.value, parsed.problems, res.stdout, 'winget list');
  }

  async listUpdates(): Promise<AvailableUpdate[]> {
    const res = await this.exec.run((await this.cmd()).upgrades());
    const parsed = parseWingetUpgrades(res.stdout);
    return this.accept(parsed.value, parsed.problems, res.stdout, 'winget upgrade');
  }

  async plan(selection: PackageSelection): Promise<Plan> {
    for (const p of selection.packages ?? []) {
      assertWingetId(p.name);
      if (p.version !== undefined) assertWingetVersion(p.version);
    }
    const plan: Plan = { manager: 'winget', selection, changes: [], unresolved: [], notes: [], targets: [] };
    for (const id of selection.advisories ?? []) {
      plan.unresolved.push({ name: id, code: 'E_NOT_SUPPORTED', message: 'winget has no advisory metadata: select packages instead' });
    }
    if (selection.securityOnly && !selection.all) plan.notes.push('winget has no security metadata: a security-only selection selects nothing from winget');
    if (!selection.all && !selection.packages?.length) return plan;
    const updates = await this.listUpdates();
    const add = (id: string, from: string | null, to: string, source?: string) => {
      const kind = from !== null && !/^(?:Unknown|[<>])/.test(from) && compareVersions('generic', from, to) > 0 ? 'downgrade' : 'upgrade';
      plan.changes.push({ kind, name: id, arch: '', from, to });
      plan.targets.push(formatTarget(id, to, source));
    };
    const targetable = (u: AvailableUpdate) => !isTruncated(u.name) && (!u.origin || /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(u.origin));
    if (selection.all) {
      for (const u of updates) {
        if (targetable(u)) add(u.name, u.installedVersion, u.candidateVersion, u.origin);
        else plan.unresolved.push({ name: u.name, code: 'E_PKG_NOT_FOUND', message: `winget printed a truncated Id (${u.name}): it cannot be targeted` });
      }
    } else {
      for (const p of selection.packages ?? []) {
        const u = updates.find((x) => x.name.toLowerCase() === p.name.toLowerCase());
        if (u && (p.version === undefined || p.version === u.candidateVersion)) {
          add(u.name, u.installedVersion, u.candidateVersion, u.origin);
          continue;
        }
        const have = (await this.readBack(p.name)) ?? null;
        if (have === null) plan.unresolved.push({ name: p.name, code: 'E_PKG_NOT_FOUND', message: `${p.name} is not installed (winget list --id ${p.name} --exact found nothing)` });
        else if (p.version === undefined || p.version === have) plan.unresolved.push({ name: p.name, code: 'E_PKG_NO_UPDATE', message: `${p.name} ${have}: no applicable upgrade` });
        else add(p.name, have, p.version, u?.origin);
      }
    }
    if (plan.changes.length) plan.notes.push('winget has no dry run: the plan is the `winget upgrade` table; apply pins each package to the planned version');
    return plan;
  }

  async apply(plan: Plan, options: ApplyOptions): Promise<ApplyResult> {
    if (plan.manager !== 'winget') throw new PatchwaveError('E_VALIDATION', `a ${plan.manager} plan cannot be applied by winget`);
    const targets = plan.targets.map(parseTarget);
    const cmd = await this.cmd();
    const steps: Step[] = targets.map((t) => {
      const from = plan.changes.find((c) => c.name.toLowerCase() === t.id.toLowerCase())?.from ?? null;
      const includeUnknown = from === 'Unknown';
      return { id: t.id, from, to: t.version, exact: false, spec: (ms) => cmd.upgrade({ id: t.id, version: t.version, ...(t.source ? { source: t.source } : {}), includeUnknown }, ms) };
    });
    return this.run(steps, options);
  }

  async rollback(previous: RollbackTarget[], options: ApplyOptions): Promise<ApplyResult> {
    const checked = previous.map((p) => ({ id: assertWingetId(p.name), version: p.version === null ? null : assertWingetVersion(p.version) }));
    const cmd = await this.cmd();
    const steps: Step[] = [];
    for (const p of checked) {
      steps.push({
        id: p.id,
        from: (await this.readBack(p.id)) ?? null,
        to: p.version,
        exact: true,
        spec: (ms) => (p.version === null ? cmd.uninstall(p.id, ms) : cmd.installVersion(p.id, p.version, ms)),
      });
    }
    return this.run(steps, options);
  }

  async rebootRequired(): Promise<RebootState> {
    return this.rebootReasons.length
      ? { required: true, reasons: [...this.rebootReasons], packages: [] }
      : { required: 'unknown', reasons: ['winget cannot tell whether a reboot is pending'], packages: [] };
  }

  private async cmd(): Promise<WingetCommands> {
    this.cmdValue ??= wingetCommands(await this.resolveCommand());
    return this.cmdValue;
  }

  /** The installed version of one Id, or undefined when winget finds none. */
  private async readBack(id: string): Promise<string | undefined> {
    const res = await this.exec.run((await this.cmd()).listOne(id));
    return parseWingetList(res.stdout).value.find((p) => p.name.toLowerCase() === id.toLowerCase())?.version;
  }

  /** One winget per package inside one deadline; each package's version is read back afterwards. */
  private async run(steps: Step[], options: ApplyOptions): Promise<ApplyResult> {
    const deadline = this.now() + options.timeoutMs;
    const packages: PackageOutcome[] = [];
    let output = '';
    let exitCode: number | null = null;
    let reboot = false;
    for (const step of steps) {
      const remaining = deadline - this.now();
      let verdict: WingetVerdict;
      if (remaining <= 0) {
        verdict = { ok: false, rebootRequired: false, code: 'E_PKG_TIMEOUT', message: 'not started: the apply deadline had passed' };
      } else {
        const r = await this.runOne(step.spec(remaining));
        output += `${output ? '\n' : ''}> winget ${step.to === null ? 'uninstall' : 'upgrade'} ${step.id}\n${r.text}`;
        verdict = r.verdict;
        if (exitCode === null || exitCode === 0) exitCode = r.exitCode;
      }
      if (verdict.rebootRequired) {
        reboot = true;
        this.rebootReasons.push(`${step.id}: ${verdict.message ?? 'reboot required'}`);
      }
      const after = remaining <= 0 ? (step.from ?? null) : ((await this.readBack(step.id)) ?? null);
      packages.push(outcome(step, verdict, after));
    }
    const ok = packages.every((p) => p.ok);
    const errorCode = packages.find((p) => !p.ok)?.errorCode;
    if (!ok) this.log.warn({ failed: packages.filter((p) => !p.ok).map((p) => ({ name: p.name, errorCode: p.errorCode, message: p.message })) }, 'winget run failed');
    return { manager: 'winget', ok, exitCode, ...(errorCode ? { errorCode } : {}), packages, rebootRequired: reboot, outputTail: tail(output) };
  }

  private async runOne(spec: CommandSpec): Promise<{ exitCode: number | null; text: string; verdict: WingetVerdict }> {
    try {
      const res = await this.exec.run(spec);
      return { exitCode: res.exitCode, text: `${res.stdout}${res.stderr}`, verdict: wingetVerdict(res.exitCode) };
    } catch (err) {
      if (!(err instanceof CommandError) || err.code === 'E_COMMAND_NOT_FOUND') throw err;
      const text = `${err.stdout}${err.stderr}`;
      if (err.timedOut || err.exitCode === null) return { exitCode: null, text, verdict: { ok: false, rebootRequired: false, code: 'E_PKG_TIMEOUT', message: err.message } };
      return { exitCode: err.exitCode, text, verdict: wingetVerdict(err.exitCode) };
    }
  }

  private accept<T>(value: T[], problems: ParseProblem[], text: string, what: string): T[] {
    if (problems.length) this.log.warn({ problems: problems.slice(0, 10) }, `unreadable rows in ${what}`);
    if (value.length === 0 && problems.length > 0) {
      throw new PatchwaveError('E_PKG_PARSE_FAILED', `could not read ${what}: ${problems[0]?.message ?? ''}`, { details: { problems: problems.slice(0, 10), sample: text.slice(0, 500) } });
    }
    return value;
  }
}

function outcome(step: Step, verdict: WingetVerdict, after: string | null): PackageOutcome {
  const base = { name: step.id, arch: '', requested: step.to, before: step.from, after };
  if (!verdict.ok) return { ...base, ok: false, errorCode: verdict.code ?? 'E_PKG_FAILED', ...(verdict.message ? { message: verdict.message } : {}) };
  // winget reads versions back from Apps & Features, which may spell them differently (1.6.00.4472).
  const cmp = step.to === null || after === null ? undefined : compareVersions('generic', after, step.to);
  const reached = step.to === null ? after === null : cmp !== undefined && (step.exact ? cmp === 0 : cmp >= 0);
  if (reached) return { ...base, ok: true, ...(verdict.message ? { message: verdict.message } : {}) };
  return { ...base, ok: false, errorCode: 'E_PKG_FAILED', message: `winget reported success but ${step.id} is at ${after ?? 'not installed'}, expected ${step.to ?? 'removed'}` };
}
