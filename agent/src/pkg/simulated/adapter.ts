import fs from 'node:fs';
import type { AvailableUpdate, ErrorCode, InstalledPackage, RebootState } from '@patchwave/shared';
import type { Logger } from 'pino';
import type { Clock } from '../../connection/clock.js';
import type {
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
import { packageKey, SimulatedHostState, type SimulatedState } from './host-state.js';
import { loadScenario, type Scenario, type SimulatedPackage } from './scenario.js';

export interface SimulatedOptions {
  scenario: Scenario;
  /**
   * The scenario's file: when it changes (size or modification time), the next operation reads
   * it again — a test "fixes the repository" by editing it. An invalid edit is logged and the
   * previous scenario kept. Capabilities stay as they were at start.
   */
  scenarioFile?: string;
  stateDir: string;
  log: Logger;
  /** Delays run on this clock (a ManualClock in tests); real timers by default. */
  clock?: Clock;
  /**
   * Called when the scenario's crash point is reached (after the state is saved). The default
   * kills the agent process with SIGKILL, like a power cut; tests pass a function that never
   * settles (the process "stops" there) or throws.
   */
  crash?: () => void | Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const defaultCrash = () => {
  process.kill(process.pid, 'SIGKILL');
};

/**
 * A package manager that never touches the host: packages, versions, failures, delays, reboots
 * and crashes come from a scenario file; installed versions persist in the agent's state
 * directory. For running many agents on one machine in tests. Never auto-detected.
 */
export class SimulatedPackageManager implements PackageManager {
  readonly name = 'simulated' as const;
  readonly capabilities: ManagerCapabilities;
  private state: SimulatedHostState;
  private current: Scenario;
  private stamp: string | null = null;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly crash: () => void | Promise<void>;

  constructor(private readonly opts: SimulatedOptions) {
    const s = opts.scenario;
    this.capabilities = {
      canRollback: s.canRollback,
      canPinVersion: true,
      knowsSecurity: s.knowsSecurity,
      needsUser: false,
      partialUpgrade: true,
      detectsReboot: true,
    };
    this.current = s;
    this.state = new SimulatedHostState(opts.stateDir, s);
    this.stamp = this.fileStamp();
    const clock = opts.clock;
    this.sleep = clock ? (ms) => new Promise<void>((resolve) => clock.setTimeout(resolve, ms)) : realSleep;
    this.crash = opts.crash ?? defaultCrash;
  }

  private fileStamp(): string | null {
    if (!this.opts.scenarioFile) return null;
    try {
      const st = fs.statSync(this.opts.scenarioFile);
      return `${st.size}:${st.mtimeMs}`;
    } catch {
      return null;
    }
  }

  /** The scenario, read again when its file changed since it was last read. */
  private get scenario(): Scenario {
    const file = this.opts.scenarioFile;
    const stamp = this.fileStamp();
    if (file && stamp !== null && stamp !== this.stamp) {
      this.stamp = stamp;
      try {
        this.current = loadScenario(file);
        this.state = new SimulatedHostState(this.opts.stateDir, this.current);
        this.opts.log.info({ scenario: file, name: this.current.name }, 'simulated scenario changed; using the new one');
      } catch (err) {
        this.opts.log.warn({ err, scenario: file }, 'simulated scenario changed but is invalid; keeping the previous one');
      }
    }
    return this.current;
  }

  private async pause(ms: number): Promise<void> {
    if (ms > 0) await this.sleep(ms);
  }

  async version(): Promise<string> {
    return `simulated (${this.scenario.name})`;
  }

  private installedOf(state: SimulatedState, p: SimulatedPackage): string | null {
    return state.installed[packageKey(p.name, p.arch)] ?? null;
  }

  private find(name: string, arch?: string): SimulatedPackage | undefined {
    return this.scenario.packages.find((p) => p.name === name && (!arch || p.arch === arch));
  }

  async listInstalled(): Promise<InstalledPackage[]> {
    await this.pause(this.scenario.delays.listMs);
    const state = await this.state.read();
    return this.scenario.packages.flatMap((p) => {
      const version = this.installedOf(state, p);
      return version === null ? [] : [{ manager: 'simulated' as const, name: p.name, version, arch: p.arch }];
    });
  }

  async listUpdates(): Promise<AvailableUpdate[]> {
    await this.pause(this.scenario.delays.listMs);
    const state = await this.state.read();
    return this.scenario.packages.flatMap((p): AvailableUpdate[] => {
      const installed = this.installedOf(state, p);
      const candidate = p.versions[p.versions.length - 1] as string;
      if (installed === null || p.versions.indexOf(installed) >= p.versions.length - 1) return [];
      return [
        {
          manager: 'simulated',
          name: p.name,
          arch: p.arch,
          installedVersion: installed,
          candidateVersion: candidate,
          security: this.scenario.knowsSecurity ? p.security : 'unknown',
          ...(p.severity ? { severity: p.severity } : {}),
          advisories: p.advisories,
          cves: p.cves,
          origin: 'simulated',
          ...(p.title ? { title: p.title } : {}),
          rebootRequired: p.rebootRequired,
        },
      ];
    });
  }

  private change(p: SimulatedPackage, from: string | null, to: string): PlannedChange | null {
    if (from === to) return null;
    const kind = from === null ? 'install' : p.versions.indexOf(to) > p.versions.indexOf(from) ? 'upgrade' : 'downgrade';
    return { kind, name: p.name, arch: p.arch, from, to };
  }

  async plan(selection: PackageSelection): Promise<Plan> {
    await this.pause(this.scenario.delays.planMs);
    const state = await this.state.read();
    const changes: PlannedChange[] = [];
    const unresolved: Plan['unresolved'] = [];
    const notes: string[] = [];
    const newest = (p: SimulatedPackage) => p.versions[p.versions.length - 1] as string;
    const upgradable = this.scenario.packages.filter((p) => {
      const cur = this.installedOf(state, p);
      return cur !== null && cur !== newest(p);
    });
    const add = (c: PlannedChange | null) => {
      if (c && !changes.some((x) => x.name === c.name && x.arch === c.arch)) changes.push(c);
    };
    for (const req of selection.packages ?? []) {
      const p = this.find(req.name, req.arch);
      if (!p) unresolved.push({ name: req.name, code: 'E_PKG_NOT_FOUND', message: `${req.name} is not in the simulated repository` });
      else if (req.version && !p.versions.includes(req.version)) {
        unresolved.push({ name: req.name, code: 'E_PKG_NOT_FOUND', message: `version ${req.version} of ${req.name} is not available (${p.versions.join(', ')})` });
      } else add(this.change(p, this.installedOf(state, p), req.version ?? newest(p)));
    }
    if (selection.all) for (const p of upgradable) add(this.change(p, this.installedOf(state, p), newest(p)));
    if (selection.securityOnly) {
      if (!this.scenario.knowsSecurity) notes.push('this scenario does not know which updates are security updates; nothing selected');
      else for (const p of upgradable.filter((u) => u.security)) add(this.change(p, this.installedOf(state, p), newest(p)));
    }
    for (const id of selection.advisories ?? []) {
      const fixing = upgradable.filter((p) => p.advisories.includes(id) || p.cves.includes(id));
      if (fixing.length === 0) unresolved.push({ name: id, code: 'E_PKG_NO_UPDATE', message: `no available update fixes ${id}` });
      for (const p of fixing) add(this.change(p, this.installedOf(state, p), newest(p)));
    }
    return { manager: 'simulated', selection, changes, unresolved, notes, targets: changes.map((c) => `${c.name}=${c.to}`) };
  }

  /** The failure rule that applies to installing `version` of `name` now, if any (and counts the attempt). */
  private failureFor(state: SimulatedState, name: string, version: string | null, op: 'apply' | 'rollback') {
    const rules = this.scenario.failures;
    for (let i = 0; i < rules.length; i++) {
      const r = rules[i];
      if (!r || r.package !== name || (r.during !== 'any' && r.during !== op) || (r.version && r.version !== version)) continue;
      const tried = state.attempts[String(i)] ?? 0;
      state.attempts[String(i)] = tried + 1;
      if (r.times === undefined || tried < r.times) return r;
    }
    return undefined;
  }

  private async run(
    op: 'apply' | 'rollback',
    items: { name: string; arch: string; to: string | null; requested: string | null }[],
  ): Promise<ApplyResult> {
    const state = await this.state.read();
    const outcomes: PackageOutcome[] = [];
    const lines: string[] = [];
    let exitCode = 0;
    let errorCode: ErrorCode | undefined;
    let installedCount = 0;
    for (const item of items) {
      await this.pause(this.scenario.delays.perPackageMs);
      const p = this.find(item.name, item.arch || undefined);
      const before = p ? this.installedOf(state, p) : null;
      const unknown = !p
        ? `${item.name} is not in the simulated repository`
        : item.to !== null && !p.versions.includes(item.to)
          ? `version ${item.to} of ${item.name} is not available (${p.versions.join(', ')})`
          : undefined;
      const failure = unknown ? undefined : this.failureFor(state, item.name, item.to, op);
      if (!p || unknown || failure) {
        const message = failure?.message ?? unknown ?? 'failed';
        exitCode = failure?.exitCode ?? 100;
        errorCode ??= failure?.errorCode ?? 'E_PKG_NOT_FOUND';
        outcomes.push({ name: item.name, arch: item.arch, requested: item.requested, before, after: before, ok: false, errorCode: failure?.errorCode ?? 'E_PKG_NOT_FOUND', message });
        lines.push(`E: ${item.name}: ${message}`);
        await this.state.write(state);
        continue;
      }
      state.installed[packageKey(p.name, p.arch)] = item.to;
      if (p.rebootRequired && item.to !== null) {
        state.rebootRequired = true;
        if (!state.rebootPackages.includes(p.name)) state.rebootPackages.push(p.name);
      }
      await this.state.write(state);
      outcomes.push({ name: p.name, arch: p.arch, requested: item.requested, before, after: item.to, ok: true });
      lines.push(item.to === null ? `Removing ${p.name} (${before})` : `Setting up ${p.name} (${item.to})`);
      installedCount++;
      const crash = this.scenario.crash;
      if (op === 'apply' && crash && !state.crashed && installedCount >= crash.afterPackages) {
        state.crashed = true;
        await this.state.write(state);
        this.opts.log.warn({ afterPackages: crash.afterPackages }, 'simulated crash');
        await this.crash();
      }
    }
    return {
      manager: 'simulated',
      ok: exitCode === 0,
      exitCode,
      ...(errorCode ? { errorCode } : {}),
      packages: outcomes,
      rebootRequired: state.rebootRequired,
      outputTail: lines.join('\n'),
    };
  }

  async apply(plan: Plan, _options: ApplyOptions): Promise<ApplyResult> {
    return this.run(
      'apply',
      plan.changes.map((c) => ({ name: c.name, arch: c.arch, to: c.to, requested: c.to })),
    );
  }

  async rollback(previous: RollbackTarget[], _options: ApplyOptions): Promise<ApplyResult> {
    if (!this.capabilities.canRollback) {
      return {
        manager: 'simulated',
        ok: false,
        exitCode: null,
        errorCode: 'E_ROLLBACK_UNSUPPORTED',
        packages: previous.map((t) => ({ name: t.name, arch: t.arch ?? '', requested: t.version, before: null, after: null, ok: false, errorCode: 'E_ROLLBACK_UNSUPPORTED', message: 'this scenario cannot roll back' })),
        rebootRequired: false,
        outputTail: '',
      };
    }
    return this.run(
      'rollback',
      previous.map((t) => ({ name: t.name, arch: t.arch ?? this.find(t.name)?.arch ?? '', to: t.version, requested: t.version })),
    );
  }

  async rebootRequired(): Promise<RebootState> {
    const state = await this.state.read();
    return {
      required: state.rebootRequired,
      reasons: state.rebootRequired ? [`simulated: ${state.rebootPackages.length ? state.rebootPackages.join(', ') : 'scenario'} needs a reboot`] : [],
      packages: state.rebootPackages,
    };
  }
}
