import { parseGroupSafetySettings, PatchwaveError, SafetyGroup, type GroupSafetyView } from '@patchwave/shared';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { Store } from '../store.js';
import type { GroupSafetyRecord } from './group-safety-repository.js';
import { mergeSafety, safetyGroupsOf, type DeviceSafety } from './merge.js';

export const groupTarget = (group: string) => `group:${group}`;

export function toView(r: GroupSafetyRecord): GroupSafetyView {
  return { group: r.group, settings: r.settings, updatedAt: r.updatedAt.toISOString(), updatedBy: r.updatedBy };
}

function checkGroup(group: string): string {
  const res = SafetyGroup.safeParse(group);
  if (!res.success) throw new PatchwaveError('E_VALIDATION', `group: ${res.error.issues[0]?.message ?? 'invalid group'}`, { details: { issues: [{ path: 'group', message: res.error.issues[0]?.message }] } });
  return res.data;
}

/**
 * Operator reads and edits of group safety settings (holds, probes, pre-flight). Settings are
 * validated in full before anything is stored; every change is audited with the settings before
 * and after, in the same transaction as the write.
 */
export class GroupSafetyService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async list(): Promise<GroupSafetyView[]> {
    return (await this.store.groupSafety.list()).map(toView);
  }

  async get(group: string): Promise<GroupSafetyView> {
    const record = await this.store.groupSafety.get(checkGroup(group));
    if (!record) throw new PatchwaveError('E_NOT_FOUND', `group ${group} has no safety settings`);
    return toView(record);
  }

  /** Replaces the group's settings; nothing is stored when they do not validate. */
  async put(group: string, input: unknown, actor: string): Promise<GroupSafetyView> {
    const name = checkGroup(group);
    const parsed = parseGroupSafetySettings(input);
    if (!parsed.ok) throw new PatchwaveError('E_VALIDATION', parsed.message, { details: { issues: parsed.issues } });
    const record: GroupSafetyRecord = { group: name, settings: parsed.settings, updatedAt: this.clock.now(), updatedBy: actor };
    await this.store.transaction(async (tx) => {
      const before = await tx.groupSafety.get(name);
      await tx.groupSafety.put(record);
      await this.audit.record(tx.audit, {
        actor,
        action: before ? 'group.safety.update' : 'group.safety.create',
        target: groupTarget(name),
        details: { before: before?.settings ?? null, after: record.settings },
      });
    });
    return toView(record);
  }

  /** Removes the group's settings; E_NOT_FOUND when it had none. */
  async clear(group: string, actor: string): Promise<GroupSafetyView> {
    const name = checkGroup(group);
    return this.store.transaction(async (tx) => {
      const before = await tx.groupSafety.get(name);
      if (!before || !(await tx.groupSafety.delete(name))) throw new PatchwaveError('E_NOT_FOUND', `group ${group} has no safety settings`);
      await this.audit.record(tx.audit, { actor, action: 'group.safety.clear', target: groupTarget(name), details: { before: before.settings, after: null } });
      return toView(before);
    });
  }
}

/** What a device with these tags gets from its groups and `*`. */
export async function safetyForTags(store: Pick<Store, 'groupSafety'>, tags: readonly string[]): Promise<DeviceSafety> {
  return mergeSafety(await store.groupSafety.listFor(safetyGroupsOf(tags)));
}

/** Reads every group's settings once and merges them per device (for checks across many devices). */
export async function safetyResolver(store: Pick<Store, 'groupSafety'>): Promise<(tags: readonly string[]) => DeviceSafety> {
  const byGroup = new Map((await store.groupSafety.list()).map((r) => [r.group, r]));
  return (tags) => mergeSafety(safetyGroupsOf(tags).flatMap((g) => byGroup.get(g) ?? []).sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0)));
}
