import type { ErrorCode } from '@patchwave/shared';
import type { PackageSelection, Plan, PlannedChange } from '../package-manager.js';
import { parseAptSimulation, type VersionCompare } from './parse-apt-sim.js';
import { classifyAptFailure } from './parse-apt-status.js';

export interface PlanTarget {
  name: string;
  arch?: string | undefined;
  version?: string | undefined;
}

export interface PlanInput {
  selection: PackageSelection;
  requested: PlanTarget[];
  unresolved: Plan['unresolved'];
  notes: string[];
  nativeArch: string;
  compare: VersionCompare;
  /** Runs `apt-get -s install --only-upgrade -- <targets>` and returns its exit code and output. */
  simulate: (targets: string[]) => Promise<{ exitCode: number; text: string }>;
}

const SKIP_CODE: Record<string, ErrorCode> = {
  'already-newest': 'E_PKG_NO_UPDATE',
  'not-installed': 'E_PKG_NOT_FOUND',
  'not-found': 'E_PKG_NOT_FOUND',
  'version-not-found': 'E_PKG_NOT_FOUND',
};

function bare(target: string): string {
  return target.split(/[=:]/)[0] ?? target;
}

/**
 * Turns requested packages into a plan from apt's own simulation. Packages apt cannot act on
 * (unknown, not installed, already newest, version not found) are moved to `unresolved` and the
 * rest simulated again, so one bad name does not sink the whole plan. The plan's targets are
 * pinned to the exact versions the simulation chose: `apply` installs what was shown, nothing newer.
 */
export async function planFromSimulation(input: PlanInput): Promise<Plan> {
  const unresolved = [...input.unresolved];
  const notes = [...input.notes];
  let targets = input.requested.map((r) => {
    const qualified = r.arch && r.arch !== 'all' && r.arch !== input.nativeArch && !r.name.includes(':') ? `${r.name}:${r.arch}` : r.name;
    return r.version ? `${qualified}=${r.version}` : qualified;
  });
  let changes: PlannedChange[] = [];
  for (let round = 0; targets.length > 0 && round <= input.requested.length; round++) {
    const sim = await input.simulate(targets);
    const parsed = parseAptSimulation(sim.text, input.compare).value;
    const skippedNames = new Set<string>();
    for (const s of parsed.skipped) {
      if (!targets.some((t) => bare(t) === s.name)) continue;
      skippedNames.add(s.name);
      unresolved.push({ name: s.name, code: SKIP_CODE[s.reason] ?? 'E_PKG_FAILED', message: s.text });
    }
    if (sim.exitCode === 0) {
      changes = parsed.changes.map(({ kind, name, arch, from, to }) => ({ kind, name, arch, from, to }));
      targets = targets.filter((t) => !skippedNames.has(bare(t)));
      break;
    }
    if (skippedNames.size === 0) {
      const failure = classifyAptFailure(sim.text, { lines: [], errors: [] });
      for (const t of targets) unresolved.push({ name: bare(t), code: failure.code, message: failure.message });
      notes.push(`apt-get -s failed: ${failure.message}`);
      targets = [];
      break;
    }
    targets = targets.filter((t) => !skippedNames.has(bare(t)));
  }
  const pinned: string[] = [];
  for (const t of targets) {
    const [nameArch] = t.split('=');
    const [name, qualifier] = (nameArch ?? t).split(':');
    const change = changes.find((c) => c.name === name && c.to !== null && (!qualifier || c.arch === qualifier));
    if (!change?.to) {
      unresolved.push({ name: name ?? t, code: 'E_PKG_NO_UPDATE', message: 'apt would not change this package' });
      continue;
    }
    pinned.push(`${nameArch}=${change.to}`);
  }
  if (pinned.length === 0) changes = [];
  return { manager: 'apt', selection: input.selection, changes, unresolved, notes, targets: pinned };
}
