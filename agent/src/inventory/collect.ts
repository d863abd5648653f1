import {
  Inventory,
  LIMITS,
  PatchwaveError,
  mergeRebootStates,
  type AvailableUpdate,
  type DeviceFacts,
  type InstalledPackage,
  type ManagerStatus,
  type RebootState,
} from '@patchwave/shared';
import type { Logger } from 'pino';
import type { PackageManager } from '../pkg/package-manager.js';

export interface CollectDeps {
  managers: readonly PackageManager[];
  facts: () => Promise<DeviceFacts>;
  log: Logger;
  now?: () => Date;
}

function errorOf(err: unknown): { code: string; message: string } {
  const code = err instanceof PatchwaveError ? err.code : 'E_INTERNAL';
  const message = err instanceof Error ? err.message : String(err);
  return { code, message: message.slice(0, LIMITS.message) };
}

interface ManagerReport {
  status: ManagerStatus;
  packages: InstalledPackage[];
  updates: AvailableUpdate[];
  reboot?: RebootState;
}

/** Asks one manager everything; a failing step is reported in its status, the rest still counts. */
async function reportManager(manager: PackageManager, log: Logger): Promise<ManagerReport> {
  const report: ManagerReport = { status: { name: manager.name, ok: true }, packages: [], updates: [] };
  const fail = (step: string, err: unknown) => {
    const e = errorOf(err);
    log.warn({ err, manager: manager.name, step }, 'package manager step failed; reporting the rest');
    if (report.status.ok) report.status = { ...report.status, ok: false, error: { code: e.code, message: `${step}: ${e.message}`.slice(0, LIMITS.message) } };
  };
  try {
    const version = await manager.version();
    if (version) report.status.version = version.slice(0, LIMITS.version);
  } catch (err) {
    fail('version', err);
  }
  try {
    report.packages = await manager.listInstalled();
  } catch (err) {
    fail('listInstalled', err);
  }
  try {
    report.updates = await manager.listUpdates();
  } catch (err) {
    fail('listUpdates', err);
  }
  if (manager.capabilities.detectsReboot) {
    try {
      report.reboot = await manager.rebootRequired();
    } catch (err) {
      fail('rebootRequired', err);
    }
  }
  return report;
}

/**
 * One inventory of this host: facts, and from every detected manager its packages, updates and
 * reboot state. Managers run in parallel; one failing manager is reported in `managers[]` with its
 * error and does not hide the others.
 */
export async function collectInventory(deps: CollectDeps): Promise<Inventory> {
  const [facts, reports] = await Promise.all([deps.facts(), Promise.all(deps.managers.map((m) => reportManager(m, deps.log)))]);
  const reboot = mergeRebootStates(reports.flatMap((r) => (r.reboot ? [r.reboot] : [])));
  const inventory = {
    collectedAt: (deps.now?.() ?? new Date()).toISOString(),
    facts,
    managers: reports.map((r) => r.status),
    packages: reports.flatMap((r) => r.packages),
    updates: reports.flatMap((r) => r.updates),
    reboot: { ...reboot, reasons: reboot.reasons.slice(0, 100), packages: reboot.packages.slice(0, LIMITS.smallList) },
  };
  const parsed = Inventory.safeParse(inventory);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PatchwaveError('E_VALIDATION', `inventory does not fit protocol v1 at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
