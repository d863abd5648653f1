import type { FindingStatus } from '@patchwave/shared';
import type { Database as RawDatabase } from 'better-sqlite3';
import type { Selectable } from 'kysely';
import type { Finding, FindingEvent, FindingEventKind } from '../../../domain/findings/finding.js';
import type { Page } from '../../../domain/paging.js';
import type {
  ExceptionEnd,
  FindingQuery,
  FindingRepository,
  RiskExceptionRecord,
  StoredFindingEvent,
} from '../../../domain/vulnerabilities/ports.js';
import type { Db } from '../rows.js';
import type { FindingEventsTable, RiskExceptionsTable } from '../schema-vulnerabilities.js';
import { findingColumns, packageNamed, parseFinding, stateIn } from './finding-rows.js';
import { prepared, withConnection } from './statements.js';

const CHUNK = 500;
const SORT = { score: 'score', dueAt: 'due_at', firstSeenAt: 'first_seen_at', lastSeenAt: 'last_seen_at' } as const;

const COLUMNS = [
  'id', 'device_id', 'advisory_id', 'source', 'grp', 'status', 'priority', 'score', 'severity', 'kev', 'due_at', 'first_seen_at', 'last_seen_at',
  'published_at', 'resolved_at', 'fixed_at', 'exception_approved_at', 'exception_expires_at', 'data_json', 'updated_at',
] as const;

const UPSERT = `INSERT INTO findings (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})
  ON CONFLICT (id) DO UPDATE SET ${COLUMNS.filter((c) => c !== 'id').map((c) => `${c} = excluded.${c}`).join(', ')}`;

function toEvent(r: Selectable<FindingEventsTable>): StoredFindingEvent {
  return {
    id: r.id,
    findingId: r.finding_id,
    deviceId: r.device_id,
    at: r.at,
    kind: r.kind as FindingEventKind,
    from: r.from_status as FindingStatus | null,
    to: r.to_status as FindingStatus,
    actor: r.actor,
    detail: JSON.parse(r.detail_json) as Record<string, unknown>,
  };
}

function toException(r: Selectable<RiskExceptionsTable>): RiskExceptionRecord {
  return {
    id: r.id,
    findingId: r.finding_id,
    deviceId: r.device_id,
    reason: r.reason,
    approver: r.approver,
    approvedAt: r.approved_at,
    expiresAt: r.expires_at,
    endedAt: r.ended_at,
    endedBy: r.ended_by,
    endReason: r.end_reason as ExceptionEnd | null,
  };
}

/** Findings (columns to query + the whole record as JSON), their CVEs, events and risk exceptions. */
export class SqliteFindingRepository implements FindingRepository {
  constructor(
    private readonly db: Db,
    private readonly raw: RawDatabase,
  ) {}

  async get(id: string): Promise<Finding | null> {
    const row = await this.db.selectFrom('findings').select('data_json').where('id', '=', id).executeTakeFirst();
    return row ? parseFinding(row.data_json) : null;
  }

  async getMany(ids: readonly string[]): Promise<Finding[]> {
    const out: Finding[] = [];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const rows = await this.db.selectFrom('findings').select('data_json').where('id', 'in', ids.slice(i, i + CHUNK)).execute();
      for (const r of rows) out.push(parseFinding(r.data_json));
    }
    return out;
  }

  async listByDevice(deviceId: string): Promise<Finding[]> {
    const rows = await this.db.selectFrom('findings').select('data_json').where('device_id', '=', deviceId).orderBy('id').execute();
    return rows.map((r) => parseFinding(r.data_json));
  }

  async listByAdvisory(advisoryId: string): Promise<Finding[]> {
    const rows = await this.db.selectFrom('findings').select('data_json').where('advisory_id', '=', advisoryId).orderBy('id').execute();
    return rows.map((r) => parseFinding(r.data_json));
  }

  async listActive(filter: { cves?: readonly string[]; deviceIds?: readonly string[] } = {}): Promise<Finding[]> {
    const base = this.db.selectFrom('findings').select('data_json').where('status', 'in', ['open', 'accepted_risk']);
    const out = new Map<string, Finding>();
    const run = async (q: typeof base) => {
      for (const r of await q.orderBy('id').execute()) {
        const f = parseFinding(r.data_json);
        out.set(f.id, f);
      }
    };
    if (filter.cves) {
      for (let i = 0; i < filter.cves.length; i += CHUNK) {
        const cves = filter.cves.slice(i, i + CHUNK);
        await run(base.where('id', 'in', (eb) => eb.selectFrom('finding_cves').select('finding_id').where('cve', 'in', cves)));
      }
    } else if (filter.deviceIds) {
      for (let i = 0; i < filter.deviceIds.length; i += CHUNK) await run(base.where('device_id', 'in', filter.deviceIds.slice(i, i + CHUNK)));
    } else {
      await run(base);
    }
    const list = [...out.values()];
    if (filter.cves && filter.deviceIds) {
      const ids = new Set(filter.deviceIds);
      return list.filter((f) => ids.has(f.deviceId));
    }
    return list;
  }

  async listExpiredExceptions(now: string): Promise<Finding[]> {
    const rows = await this.db.selectFrom('findings').select('data_json').where('status', '=', 'accepted_risk').where('exception_expires_at', '<=', now).orderBy('id').execute();
    return rows.map((r) => parseFinding(r.data_json));
  }

  save(upserts: readonly Finding[], events: readonly FindingEvent[], at: string): Promise<StoredFindingEvent[]> {
    return withConnection(this.db, () => {
      const put = prepared(this.raw, UPSERT);
      const clearCves = prepared(this.raw, 'DELETE FROM finding_cves WHERE finding_id = ?');
      const addCve = prepared(this.raw, 'INSERT OR IGNORE INTO finding_cves (cve, finding_id) VALUES (?, ?)');
      for (const f of upserts) {
        const c = findingColumns(f, at);
        put.run(...COLUMNS.map((k) => c[k]));
        clearCves.run(f.id);
        for (const cve of f.cves) addCve.run(cve, f.id);
      }
      const addEvent = prepared(
        this.raw,
        'INSERT INTO finding_events (finding_id, device_id, at, kind, from_status, to_status, actor, detail_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      );
      return events.map((e) => ({
        ...e,
        id: Number(addEvent.run(e.findingId, e.deviceId, e.at, e.kind, e.from, e.to, e.actor, JSON.stringify(e.detail)).lastInsertRowid),
      }));
    });
  }

  async query(q: FindingQuery, now: string): Promise<Page<Finding>> {
    let base = this.db.selectFrom('findings');
    if (q.states && q.states.length > 0) {
      const states = q.states;
      base = base.where((eb) => stateIn(eb, states, now));
    }
    if (q.priorities && q.priorities.length > 0) base = base.where('priority', 'in', [...q.priorities]);
    if (q.cve) {
      const cve = q.cve;
      base = base.where('id', 'in', (eb) => eb.selectFrom('finding_cves').select('finding_id').where('cve', '=', cve));
    }
    if (q.package) {
      const name = q.package;
      base = base.where((eb) => packageNamed(eb, name));
    }
    if (q.deviceId) base = base.where('device_id', '=', q.deviceId);
    if (q.advisoryId) base = base.where('advisory_id', '=', q.advisoryId);
    if (q.source) base = base.where('source', '=', q.source);
    if (q.kev !== undefined) base = base.where('kev', '=', q.kev ? 1 : 0);
    if (q.tag) {
      const tag = q.tag;
      base = base.where('device_id', 'in', (eb) => eb.selectFrom('device_tags').select('device_id').where('tag', '=', tag));
    }
    const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
    const rows = await base.select('data_json').orderBy(SORT[q.sort], q.order).orderBy('id').limit(q.limit).offset(q.offset).execute();
    return { items: rows.map((r) => parseFinding(r.data_json)), total: Number(total), limit: q.limit, offset: q.offset };
  }

  async events(findingId: string): Promise<StoredFindingEvent[]> {
    const rows = await this.db.selectFrom('finding_events').selectAll().where('finding_id', '=', findingId).orderBy('id').execute();
    return rows.map(toEvent);
  }

  async openException(e: Omit<RiskExceptionRecord, 'id' | 'endedAt' | 'endedBy' | 'endReason'>): Promise<void> {
    await this.db
      .insertInto('risk_exceptions')
      .values({ finding_id: e.findingId, device_id: e.deviceId, reason: e.reason, approver: e.approver, approved_at: e.approvedAt, expires_at: e.expiresAt })
      .execute();
  }

  async endException(findingId: string, at: string, by: string | null, reason: ExceptionEnd): Promise<void> {
    await this.db
      .updateTable('risk_exceptions')
      .set({ ended_at: at, ended_by: by, end_reason: reason })
      .where('finding_id', '=', findingId)
      .where('ended_at', 'is', null)
      .execute();
  }

  async listExceptions(query: { findingId?: string; activeAt?: string; limit: number; offset: number }): Promise<Page<RiskExceptionRecord>> {
    let base = this.db.selectFrom('risk_exceptions');
    if (query.findingId) base = base.where('finding_id', '=', query.findingId);
    if (query.activeAt) {
      const t = query.activeAt;
      base = base.where('approved_at', '<=', t).where('expires_at', '>', t).where((eb) => eb.or([eb('ended_at', 'is', null), eb('ended_at', '>', t)]));
    }
    const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
    const rows = await base.selectAll().orderBy('id', 'desc').limit(query.limit).offset(query.offset).execute();
    return { items: rows.map(toException), total: Number(total), limit: query.limit, offset: query.offset };
  }
}
