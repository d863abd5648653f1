import type { FindingSelection, PatchCatalogEntry, Priority, ResolvedSelection, SelectionResolveResult, UpdateSelection } from '@patchwave/shared';
import type { Clock } from '../clock.js';
import { isActive } from '../findings/finding.js';
import type { Finding } from '../findings/finding.js';
import { buildPatchCatalog } from '../findings/patch-catalog.js';
import { resolveSelection, selects } from '../findings/selection.js';
import type { Page } from '../paging.js';
import type { Repositories, Store } from '../store.js';

export interface CatalogQuery {
  /** Only updates that fix at least one active finding. */
  fixesFindings?: boolean;
  kev?: boolean;
  priority?: Priority;
  security?: boolean;
  name?: string;
  limit: number;
  offset: number;
}

export interface SelectionScope {
  deviceIds?: readonly string[];
  tags?: readonly string[];
}

async function scopedDevices(tx: Repositories, scope: SelectionScope): Promise<string[] | undefined> {
  if (!scope.deviceIds && !scope.tags) return undefined;
  let ids = scope.tags ? await tx.fleet.devicesWithTags(scope.tags) : undefined;
  if (scope.deviceIds) {
    const wanted = new Set(scope.deviceIds);
    ids = (ids ?? [...wanted]).filter((id) => wanted.has(id));
  }
  return ids ?? [];
}

/** Active findings a selection could pick, narrowed in storage by CVE where it can be. */
async function candidates(tx: Repositories, sel: FindingSelection, deviceIds: string[] | undefined, now: string): Promise<Finding[]> {
  const filter = { ...(sel.kind === 'cve' ? { cves: sel.cves } : {}), ...(deviceIds ? { deviceIds } : {}) };
  const found = await tx.findings.listActive(filter);
  return found.filter((f) => isActive(f, now) && selects(sel, f));
}

/**
 * Deployment selections in terms of findings, resolved in the caller's transaction to the
 * package versions each device must install. The deployments flow calls this (or
 * `PatchPlanning.resolve`) and turns the result into per-device `UpdateSelection`s with
 * `toUpdateSelections`.
 */
export async function resolveFindingSelection(tx: Repositories, sel: FindingSelection, scope: SelectionScope, now: string): Promise<SelectionResolveResult> {
  const deviceIds = await scopedDevices(tx, scope);
  const findings = await candidates(tx, sel, deviceIds, now);
  const updates = await tx.fleet.availableUpdates([...new Set(findings.map((f) => f.deviceId))]);
  const resolved = resolveSelection(sel, findings, (id) => updates.get(id) ?? [], now);
  const byPriority: Record<Priority, number> = { P1: 0, P2: 0, P3: 0, P4: 0 };
  for (const f of findings) byPriority[f.score.priority] += 1;
  return { ...resolved, resolvedAt: now, findingsSelected: findings.length, byPriority };
}

/** Per device, the pinned packages of a resolved selection as a deployment's `packages` selection. */
export function toUpdateSelections(resolved: ResolvedSelection): Map<string, Extract<UpdateSelection, { kind: 'packages' }>> {
  const out = new Map<string, Extract<UpdateSelection, { kind: 'packages' }>>();
  for (const d of resolved.devices) {
    if (d.packages.length === 0) continue;
    out.set(d.deviceId, { kind: 'packages', packages: d.packages.map((p) => ({ name: p.name, version: p.version, manager: p.manager, arch: p.arch })) });
  }
  return out;
}

/** The patch catalog and finding selections for operators (REST, CLI) and deployments. */
export class PatchPlanning {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  resolve(sel: FindingSelection, scope: SelectionScope = {}): Promise<SelectionResolveResult> {
    return this.store.transaction((tx) => resolveFindingSelection(tx, sel, scope, this.clock.now().toISOString()));
  }

  /** Distinct available updates across the fleet, devices needing each, findings each fixes; most urgent first. */
  async catalog(query: CatalogQuery): Promise<Page<PatchCatalogEntry>> {
    const now = this.clock.now().toISOString();
    const entries = await this.store.transaction(async (tx) => {
      const updates = await tx.fleet.availableUpdates();
      const findings = await tx.findings.listActive({ deviceIds: [...updates.keys()] });
      return buildPatchCatalog(
        [...updates].map(([deviceId, list]) => ({ deviceId, updates: list })),
        findings,
        now,
      );
    });
    const name = query.name?.toLowerCase();
    const picked = entries.filter(
      (e) =>
        (!query.fixesFindings || e.findingCount > 0) &&
        (query.kev === undefined || e.kev === query.kev) &&
        (!query.priority || e.topPriority === query.priority) &&
        (query.security === undefined || (e.security === true) === query.security) &&
        (!name || e.name.toLowerCase().includes(name)),
    );
    return { items: picked.slice(query.offset, query.offset + query.limit), total: picked.length, limit: query.limit, offset: query.offset };
  }
}
