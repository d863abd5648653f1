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
  RollbackTarget,
} from '../package-manager.js';
import type { ParseProblem } from '../parse-outcome.js';
import { brewCommands, type BrewCommands } from './commands.js';
import { assertBrewName, assertBrewVersion, CASK_PREFIX } from './names.js';
import { parseBrewList, parseBrewOutdated, parseBrewRun, parseBrewVersion, type BrewFailure, type BrewOutdated } from './parse.js';
import { nodeBrewProbe, resolveBrewRuntime, type BrewProbe } from './runtime.js';

export const BREW_CAPABILITIES: ManagerCapabilities = {
  // Homebrew keeps one version of each formula in its taps: there is nothing to roll back to.
  canRollback: false,
  canPinVersion: false,
  knowsSecurity: false,
  // Runs as the owner of the Homebrew installation, never as root.
  needsUser: true,
  partialUpgrade: true,
  detectsReboot: false,
};

export interface BrewAdapterDeps extends AdapterDeps {
  /** brew to run; by default the first of BREW_LOCATIONS that exists. */
  brewPath?: string;
  probe?: BrewProbe;
  now?: () => number;
}

interface RunOutput {
  exitCode: number | null;
  text: string;
  failure?: ErrorCode;
}

/** Homebrew formulae and casks on macOS and Linux. Commands: ./commands.ts; formats: ./parse.ts. */
export class BrewPackageManager implements PackageManager {
  readonly name = 'brew' as const;
  readonly capabilities = BREW_CAPABILITIES;
  private readonly exec: CommandRunner;
  private readonly log: Logger;
  private readonly deps: BrewAdapterDeps;
  private cmdValue: BrewCommands | undefined;

  constructor(deps: BrewAdapterDeps) {
    this.deps = deps;
    this.exec = deps.exec;
    this.log = deps.log.child({ manager: 'brew' });
  }

  async version(): Promise<string | undefined> {
    return parseBrewVersion((await this.exec.run((await this.cmd()).version())).stdout);
  }

  async listInstalled(): Promise<InstalledPackage[]> {
    const cmd = await this.cmd();
    const formulae = await this.exec.run(cmd.listFormulae());
    const casks = await this.exec.run(cmd.listCasks());
    const f = parseBrewList(formulae.stdout, 'formula');
    const c = parseBrewList(casks.stdout, 'cask');
    return this.accept([...f.value, ...c.value], [...f.problems, ...c.problems], 'brew list --versions');
  }

  async listUpdates(): Promise<AvailableUpdate[]> {
    return (await this.outdated()).updates;
  }

  async plan(selection: PackageSelection): Promise<Plan> {
    for (const p of selection.packages ?? []) {
      assertBrewName(p.name);
      if (p.version !== undefined) assertBrewVersion(p.version);
    }
    const plan: Plan = { manager: 'brew', selection, changes: [], unresolved: [], notes: [], targets: [] };
    for (const id of selection.advisories ?? []) {
      plan.unresolved.push({ name: id, code: 'E_NOT_SUPPORTED', message: 'Homebrew has no advisory metadata: select packages instead' });
    }
    if (selection.securityOnly && !selection.all) plan.notes.push('Homebrew has no security metadata: a security-only selection selects nothing from brew');
    if (!selection.all && !selection.packages?.length) return plan;
    const outdated = await this.outdated();
    const chosen: AvailableUpdate[] = [];
    if (selection.all) {
      chosen.push(...outdated.updates);
    } else {
      for (const p of selection.packages ?? []) {
        const u = find(outdated.updates, p.name);
        const pin = find(outdated.pinned, p.name);
        if (pin) plan.unresolved.push({ name: p.name, code: 'E_PKG_CONFLICT', message: `${pin.name} is pinned${pin.pinnedVersion ? ` at ${pin.pinnedVersion}` : ''} (brew unpin to allow upgrades)` });
        else if (!u) plan.unresolved.push({ name: p.name, code: 'E_PKG_NO_UPDATE', message: `${p.name} is not installed or not outdated` });
        else if (p.version !== undefined && p.version !== u.candidateVersion) {
          plan.unresolved.push({ name: p.name, code: 'E_NOT_SUPPORTED', message: `Homebrew installs only the current version (${u.candidateVersion}), not ${p.version}` });
        } else chosen.push(u);
      }
    }
    plan.changes = chosen.map((u) => ({ kind: 'upgrade', name: u.name, arch: '', from: u.installedVersion, to: u.candidateVersion }));
    plan.targets = chosen.map((u) => u.name);
    if (outdated.pinned.length && selection.all) plan.notes.push(`${outdated.pinned.length} pinned package(s) left alone: ${outdated.pinned.map((p) => p.name).join(', ')}`);
    if (plan.changes.length) {
      plan.notes.push('brew has no dry run listing dependencies: `brew upgrade` also upgrades outdated dependencies and checks installed dependents');
    }
    return plan;
  }

  async apply(plan: Plan, options: ApplyOptions): Promise<ApplyResult> {
    if (plan.manager !== 'brew') throw new PatchwaveError('E_VALIDATION', `a ${plan.manager} plan cannot be applied by brew`);
    const items = plan.targets.map((t) => ({ target: t, ...assertBrewName(t) }));
    if (items.length === 0) return { manager: 'brew', ok: true, exitCode: null, packages: [], rebootRequired: false, outputTail: '' };
    const cmd = await this.cmd();
    const before = new Map((await this.listInstalled()).map((p) => [p.name, p.version]));
    const now = this.deps.now ?? Date.now;
    const deadline = now() + options.timeoutMs;
    const runs: { spec: CommandSpec; names: string[] }[] = [];
    const formulae = items.filter((i) => i.kind === 'formula');
    const casks = items.filter((i) => i.kind === 'cask');
    if (formulae.length) runs.push({ spec: cmd.upgradeFormulae(formulae.map((i) => i.token), options.timeoutMs), names: formulae.map((i) => i.target) });
    if (casks.length) runs.push({ spec: cmd.upgradeCasks(casks.map((i) => i.token), options.timeoutMs), names: casks.map((i) => i.target) });
    let output = '';
    let exitCode: number | null = 0;
    let runFailure: ErrorCode | undefined;
    const failures: BrewFailure[] = [];
    for (const run of runs) {
      const remaining = deadline - now();
      const r: RunOutput =
        remaining > 0 ? await this.runTolerant({ ...run.spec, timeoutMs: remaining }) : { exitCode: null, text: '', failure: 'E_PKG_TIMEOUT' };
      output += `${output ? '\n' : ''}${r.text}`;
      if (exitCode === 0) exitCode = r.exitCode;
      runFailure ??= r.failure;
      failures.push(...parseBrewRun(r.text).value);
    }
    const after = new Map((await this.listInstalled()).map((p) => [p.name, p.version]));
    const packages = items.map((i): PackageOutcome => {
      const change = plan.changes.find((c) => c.name === i.target);
      const want = change?.to ?? null;
      const version = after.get(shortName(i.target)) ?? after.get(i.target) ?? null;
      const base = { name: i.target, arch: '', requested: want, before: before.get(shortName(i.target)) ?? before.get(i.target) ?? null, after: version };
      const reached = version !== null && want !== null && compareVersions('generic', version, want) >= 0;
      if (reached) return { ...base, ok: true };
      const failure = failures.find((f) => f.packages.some((n) => n === i.token || shortName(n) === shortName(i.token))) ?? failures[0];
      const code: ErrorCode = failure?.code ?? runFailure ?? (version === base.before ? 'E_PKG_NO_UPDATE' : 'E_PKG_FAILED');
      return { ...base, ok: false, errorCode: code, message: failure?.message ?? `${i.target} is at ${version ?? 'not installed'}, expected ${want ?? 'a newer version'}` };
    });
    const ok = packages.every((p) => p.ok);
    if (!ok) this.log.warn({ exitCode, failures: failures.slice(0, 5) }, 'brew upgrade failed');
    const errorCode = ok ? undefined : (packages.find((p) => !p.ok)?.errorCode ?? 'E_PKG_FAILED');
    return { manager: 'brew', ok, exitCode, ...(errorCode ? { errorCode } : {}), packages, rebootRequired: false, outputTail: tail(output) };
  }

  async rollback(previous: RollbackTarget[], _options: ApplyOptions): Promise<ApplyResult> {
    previous.forEach((p) => {
      assertBrewName(p.name);
      if (p.version !== null) assertBrewVersion(p.version);
    });
    return {
      manager: 'brew',
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
        message: 'Homebrew keeps only the current version of a formula or cask; it cannot install an older one',
      })),
      rebootRequired: false,
      outputTail: '',
    };
  }

  async rebootRequired(): Promise<RebootState> {
    return { required: 'unknown', reasons: ['Homebrew does not track reboots'], packages: [] };
  }

  private async cmd(): Promise<BrewCommands> {
    const brewPath = this.deps.brewPath ?? this.deps.local?.brew?.path;
    this.cmdValue ??= brewCommands(await resolveBrewRuntime(this.deps.host, this.exec, this.deps.probe ?? nodeBrewProbe, brewPath));
    return this.cmdValue;
  }

  private async outdated(): Promise<BrewOutdated> {
    const res = await this.exec.run((await this.cmd()).outdated());
    const parsed = parseBrewOutdated(res.stdout);
    if (parsed.problems.length) this.log.warn({ problems: parsed.problems.slice(0, 10) }, 'unreadable entries in brew outdated --json=v2');
    if (parsed.problems.length && parsed.value.updates.length === 0 && parsed.value.pinned.length === 0) {
      throw new PatchwaveError('E_PKG_PARSE_FAILED', `could not read brew outdated --json=v2: ${parsed.problems[0]?.message ?? ''}`, { details: { sample: res.stdout.slice(0, 500) } });
    }
    if (parsed.value.pinned.length) this.log.info({ pinned: parsed.value.pinned }, 'pinned packages with newer versions are not offered');
    return parsed.value;
  }

  private async runTolerant(spec: CommandSpec): Promise<RunOutput> {
    try {
      const res = await this.exec.run(spec);
      return { exitCode: res.exitCode, text: `${res.stdout}${res.stderr}` };
    } catch (err) {
      if (!(err instanceof CommandError) || err.code === 'E_COMMAND_NOT_FOUND') throw err;
      const text = `${err.stdout}${err.stderr}`;
      return { exitCode: err.exitCode, text, failure: err.timedOut || err.exitCode === null ? 'E_PKG_TIMEOUT' : 'E_PKG_FAILED' };
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

/** `user/tap/foo` → `foo`, `cask:user/tap/foo` → `cask:foo` (brew list prints short names). */
function shortName(name: string): string {
  const cask = name.startsWith(CASK_PREFIX);
  const bare = cask ? name.slice(CASK_PREFIX.length) : name;
  const short = bare.slice(bare.lastIndexOf('/') + 1);
  return cask ? `${CASK_PREFIX}${short}` : short;
}

function find<T extends { name: string }>(list: readonly T[], name: string): T | undefined {
  return list.find((x) => x.name === name) ?? list.find((x) => shortName(x.name) === shortName(name));
}
