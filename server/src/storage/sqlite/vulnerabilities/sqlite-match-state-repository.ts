import type { DeviceMatchState, MatchStateRepository } from '../../../domain/vulnerabilities/ports.js';
import type { Db } from '../rows.js';

/** The inventory report each device was last matched at. */
export class SqliteMatchStateRepository implements MatchStateRepository {
  constructor(private readonly db: Db) {}

  async get(deviceId: string): Promise<DeviceMatchState | null> {
    const r = await this.db.selectFrom('device_match_state').selectAll().where('device_id', '=', deviceId).executeTakeFirst();
    return r ? { deviceId: r.device_id, reportId: r.report_id, matchedAt: r.matched_at, ecosystem: r.ecosystem, unsupportedReason: r.unsupported_reason } : null;
  }

  async set(s: DeviceMatchState): Promise<void> {
    const values = { device_id: s.deviceId, report_id: s.reportId, matched_at: s.matchedAt, ecosystem: s.ecosystem, unsupported_reason: s.unsupportedReason };
    await this.db
      .insertInto('device_match_state')
      .values(values)
      .onConflict((oc) => oc.column('device_id').doUpdateSet({ report_id: s.reportId, matched_at: s.matchedAt, ecosystem: s.ecosystem, unsupported_reason: s.unsupportedReason }))
      .execute();
  }

  async pending(): Promise<{ deviceId: string; reportId: number; receivedAt: string }[]> {
    const rows = await this.db
      .selectFrom('inventory_reports as r')
      .innerJoin(
        (eb) => eb.selectFrom('inventory_reports').select(['device_id']).select((e) => e.fn.max('id').as('last_id')).groupBy('device_id').as('latest'),
        (join) => join.onRef('latest.last_id', '=', 'r.id'),
      )
      .leftJoin('device_match_state as s', 's.device_id', 'r.device_id')
      .select(['r.device_id', 'r.id', 'r.received_at'])
      .where((eb) => eb.or([eb('s.report_id', 'is', null), eb('s.report_id', '<', eb.ref('r.id'))]))
      .orderBy('r.id')
      .execute();
    return rows.map((r) => ({ deviceId: r.device_id, reportId: r.id, receivedAt: r.received_at }));
  }
}
