import type { GroupSafetySettings } from '@patchwave/shared';

/** One group's stored safety settings (`*`: every device). */
export interface GroupSafetyRecord {
  group: string;
  settings: GroupSafetySettings;
  updatedAt: Date;
  /** Audit identity of the operator who set them. */
  updatedBy: string;
}

/**
 * Storage port of group safety settings. SQLite implements it in server/src/storage/sqlite; the
 * contract suite in server/src/storage/contract runs against every implementation.
 */
export interface GroupSafetyRepository {
  get(group: string): Promise<GroupSafetyRecord | null>;
  /** Ordered by group name (`*` first). */
  list(): Promise<GroupSafetyRecord[]>;
  /** The records of these groups that exist, ordered by group name. */
  listFor(groups: readonly string[]): Promise<GroupSafetyRecord[]>;
  /** Inserts or replaces the group's settings. */
  put(record: GroupSafetyRecord): Promise<void>;
  /** True when there was something to delete. */
  delete(group: string): Promise<boolean>;
}
