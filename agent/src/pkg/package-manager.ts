import type {
  AvailableUpdate,
  ErrorCode,
  InstalledPackage,
  ManagerName,
  RebootState,
} from '@patchwave/shared';
import type { Logger } from 'pino';
import type { CommandRunner } from '../exec/command-runner.js';
import type { HostDescription } from './host.js';
import type { LockStatus } from './lock-status.js';

/** What an adapter can do. The core asks these; it never checks which adapter it holds. */
export interface ManagerCapabilities {
  /** Can restore a previous version (apt `pkg=old --allow-downgrades`, dnf downgrade, …). */
  canRollback: boolean;
  /** Can install an exact version rather than only the newest. */
  canPinVersion: boolean;
  /** Reports which updates are security updates (otherwise every update says `security: 'unknown'`). */
  knowsSecurity: boolean;
  /** Must run as an unprivileged user (Homebrew refuses root). */
  needsUser: boolean;
  /** Can upgrade a subset of packages; false for pacman, where a plan is the whole `-Syu`. */
  partialUpgrade: boolean;
  /** Can tell whether the host needs a reboot. */
  detectsReboot: boolean;
  /** Has the tool's own hold (`apt-mark hold`): `hold`, `unhold` and `listHeld` are implemented. */
  canHold?: boolean;
}

/** What to install, as asked by an operator or a deployment. */
export interface PackageSelection {
  /** Named packages, each at a given version or (absent) the newest candidate. */
  packages?: { name: string; version?: string; arch?: string }[];
  /** Every available security update (adapters that cannot tell select nothing and say so). */
  securityOnly?: boolean;
  /** Every available update. */
  all?: boolean;
  /** Updates that fix these advisory ids (dnf --advisory, zypper patch names, KB ids). */
  advisories?: string[];
}

export type PlannedChangeKind = 'install' | 'upgrade' | 'downgrade' | 'remove' | 'reinstall';

export interface PlannedChange {
  kind: PlannedChangeKind;
  name: string;
  arch: string;
  /** Installed version before, null when not installed. */
  from: string | null;
  /** Version after, null when removed. */
  to: string | null;
}

/** A dry run: exactly what `apply` would change, from the tool's own simulation. */
export interface Plan {
  manager: ManagerName;
  selection: PackageSelection;
  changes: PlannedChange[];
  /** Requested packages that did not resolve, with why. */
  unresolved: { name: string; code: ErrorCode; message: string }[];
  /** Facts the operator must know (e.g. pacman plans are always a full -Syu). */
  notes: string[];
  /** Arguments `apply` will pass after the adapter's fixed options (for display and audit). */
  targets: string[];
}

export interface ApplyOptions {
  timeoutMs: number;
}

export interface PackageOutcome {
  name: string;
  arch: string;
  /** Version asked for (null: newest). */
  requested: string | null;
  /** Version installed before the run, null when none. */
  before: string | null;
  /** Version installed now, read back from the package database after the run. */
  after: string | null;
  ok: boolean;
  errorCode?: ErrorCode;
  message?: string;
}

export interface ApplyResult {
  manager: ManagerName;
  ok: boolean;
  exitCode: number | null;
  /** Stable code for the run as a whole when it failed. */
  errorCode?: ErrorCode;
  packages: PackageOutcome[];
  rebootRequired: boolean;
  /** Last lines of the tool's output, for the operator. */
  outputTail: string;
}

/** Version to restore for one package; null `version` means it was not installed before. */
export interface RollbackTarget {
  name: string;
  arch?: string;
  version: string | null;
}

/** One package manager on one host. Parsing lives in each adapter's parse.ts, pure and separate. */
export interface PackageManager {
  readonly name: ManagerName;
  readonly capabilities: ManagerCapabilities;
  /** The tool's version, for the inventory and bug reports. */
  version(): Promise<string | undefined>;
  listInstalled(): Promise<InstalledPackage[]>;
  listUpdates(): Promise<AvailableUpdate[]>;
  plan(selection: PackageSelection): Promise<Plan>;
  apply(plan: Plan, options: ApplyOptions): Promise<ApplyResult>;
  /** Restores previous versions; adapters without the capability return E_ROLLBACK_UNSUPPORTED results. */
  rollback(previous: RollbackTarget[], options: ApplyOptions): Promise<ApplyResult>;
  rebootRequired(): Promise<RebootState>;
  /** Paths this manager writes while applying (downloads, database): the free-disk pre-flight checks them. */
  readonly dataPaths?: readonly string[];
  /** Whether another process holds this manager's lock now (pre-flight); absent: cannot tell. */
  lockStatus?(): Promise<LockStatus>;
  /** With `capabilities.canHold`: the tool's own hold, so that no run (ours or an admin's) changes these. */
  hold?(names: readonly string[]): Promise<void>;
  unhold?(names: readonly string[]): Promise<void>;
  /** Packages the tool itself holds now (`apt-mark showhold`). */
  listHeld?(): Promise<string[]>;
}

/**
 * Settings that only the agent's own config file (or a test) may set, never the server: they
 * change where a tool looks for packages. Adapters read the fields that concern them.
 */
export interface LocalManagerSettings {
  /** Extra `-o Key=Value` settings passed to every apt-get call (a local test repository, a proxy). */
  aptOptions?: readonly string[];
  /** Scenario file for the `simulated` adapter (`patchwave-agent run --simulate <file>`). */
  simulateScenario?: string;
  /** dnf/yum: an install root, a config file and a release version (checked in pkg/dnf/commands.ts). */
  dnf?: { installRoot?: string; configFile?: string; releaseVer?: string };
  /** zypper: an alternative root directory (`zypper --root`; checked in pkg/zypper/commands.ts). */
  zypper?: { root?: string };
  /** pacman: root, database path and config file (checked in pkg/pacman/commands.ts). */
  pacman?: { root?: string; dbPath?: string; configFile?: string };
  /** Homebrew: the brew executable, when not in a standard prefix (pkg/brew/runtime.ts). */
  brew?: { path?: string };
  /** Windows Update: where wua.ps1 is written before it runs (the agent's data directory). */
  windowsUpdate?: { scriptDir?: string };
}

export interface AdapterDeps {
  exec: CommandRunner;
  log: Logger;
  host: HostDescription;
  /** Host-local settings from the agent config; absent means none. */
  local?: LocalManagerSettings;
  /** The agent's state directory, for adapters that keep state of their own (the simulated one). */
  stateDir?: string;
}

/** How the agent finds and builds adapters: `detect` is pure over the host description. */
export interface PackageManagerFactory {
  readonly name: ManagerName;
  detect(host: HostDescription): boolean;
  create(deps: AdapterDeps): PackageManager;
}
