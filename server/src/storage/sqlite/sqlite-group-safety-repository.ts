import { GroupSafetySettings } from '@patchwave/shared';
import type { GroupSafetyRecord, GroupSafetyRepository } from '../../domain/group-safety/group-safety-repository.js';
import type { Db } from './rows.js';
import { iso, toDate } from './rows.js';
import type { GroupSafetyTable } from './schema-group-safety.js';

function toRecord(row: GroupSafetyTable): GroupSafetyRecord {
  // Parsed again on the way out: defaults added by a later schema version apply to old rows too.
  return { group: row.group_name, settings: GroupSafetySettings.parse(JSON.parse(row.settings_json)), updatedAt: toDate(row.updated_at), updatedBy: row.updated_by };
}

export class SqliteGroupSafetyRepository implements GroupSafetyRepository {
  constructor(private readonly db: Db) {}

  async get(group: string): Promise<GroupSafetyRecord | null> {
    const row = await this.db.selectFrom('group_safety').selectAll().where('group_name', '=', group).executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async list(): Promise<GroupSafetyRecord[]> {
    return (await this.db.selectFrom('group_safety').selectAll().orderBy('group_name').execute()).map(toRecord);
  }

  async listFor(groups: readonly string[]): Promise<GroupSafetyRecord[]> {
    if (groups.length === 0) return [];
    const rows = await this.db.selectFrom('group_safety').selectAll().where('group_name', 'in', [...new Set(groups)]).orderBy('group_name').execute();
    return rows.map(toRecord);
  }

  async put(record: GroupSafetyRecord): Promise<void> {
    const values = { settings_json: JSON.stringify(record.settings), updated_at: iso(record.updatedAt), updated_by: record.updatedBy };
    await this.db
      .insertInto('group_safety')
      .values({ group_name: record.group, ...values })
      .onConflict((oc) => oc.column('group_name').doUpdateSet(values))
      .execute();
  }

  async delete(group: string): Promise<boolean> {
    const res = await this.db.deleteFrom('group_safety').where('group_name', '=', group).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }
}
