import { deviceGroups } from '@patchwave/shared';
import type { ComplianceDimension, ComplianceSnapshotRow, FindingStatus, Priority } from '@patchwave/shared';
import type { Database as RawDatabase } from 'better-sqlite3';
import type { ComplianceDevice, FindingHistory } from '../../../domain/compliance/history.js';
import type { ComplianceDeviceRow, ComplianceRepository, FixedFindingRow } from '../../../domain/vulnerabilities/ports.js';
import type { Db } from '../rows.js';
import { prepared, withConnection } from './statements.js';

// Per device, as of :now: present (open/accepted), active (open, or accepted with the exception no
// longer valid), overdue, active by priority, and when the next count changes by time alone.
const AGGREGATE = `
  WITH f AS (
    SELECT status, priority, due_at, exception_expires_at,
      (status = 'open' OR (status = 'accepted_risk' AND (exception_expires_at IS NULL OR exception_expires_at <= :now))) AS active
    FROM findings WHERE device_id = :device AND status IN ('open', 'accepted_risk'))
  SELECT count(*) AS present,
    coalesce(sum(active), 0) AS active,
    coalesce(sum(active AND due_at < :now), 0) AS overdue,
    coalesce(sum(active AND priority = 'P1'), 0) AS p1,
    coalesce(sum(active AND priority = 'P2'), 0) AS p2,
    coalesce(sum(active AND priority = 'P3'), 0) AS p3,
    coalesce(sum(active AND priority = 'P4'), 0) AS p4,
    min(CASE WHEN active AND due_at >= :now THEN due_at END) AS next_due,
    min(CASE WHEN NOT active THEN exception_expires_at END) AS next_expiry
  FROM f`;

interface Aggregate {
  present: number;
  active: number;
  overdue: number;
  p1: number;
  p2: number;
  p3: number;
  p4: number;
  next_due: string | null;
  next_expiry: string | null;
}

const minOf = (a: string | null, b: string | null): string | null => (a === null ? b : b === null ? a : a < b ? a : b);

/** The `os` key of the compliance breakdown: `Debian GNU/Linux 12`, `Windows 11 …`. */
export const osKey = (distro: string, release: string): string => `${distro} ${release}`.trim();

/** Maintained per-device aggregates, the period queries over findings, and the daily snapshot table. */
export class SqliteComplianceRepository implements ComplianceRepository {
  constructor(
    private readonly db: Db,
    private readonly raw: RawDatabase,
  ) {}

  refreshDevices(deviceIds: readonly string[], now: string): Promise<void> {
    return withConnection(this.db, () => {
      const agg = prepared(this.raw, AGGREGATE);
      const put = prepared(
        this.raw,
        `INSERT OR REPLACE INTO device_compliance (device_id, present, active, overdue, open_p1, open_p2, open_p3, open_p4, next_change_at, computed_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const id of new Set(deviceIds)) {
        const a = agg.get({ device: id, now }) as Aggregate;
        put.run(id, a.present, a.active, a.overdue, a.p1, a.p2, a.p3, a.p4, minOf(a.next_due, a.next_expiry), now);
      }
    });
  }

  async refreshDue(now: string): Promise<number> {
    const due = await this.db.selectFrom('device_compliance').select('device_id').where('next_change_at', 'is not', null).where('next_change_at', '<=', now).execute();
    if (due.length > 0) await this.refreshDevices(due.map((d) => d.device_id), now);
    return due.length;
  }

  async devices(): Promise<ComplianceDeviceRow[]> {
    const rows = await this.db
      .selectFrom('devices as d')
      .leftJoin('device_compliance as c', 'c.device_id', 'd.id')
      .select([
        'd.id', 'd.hostname', 'd.os_distro', 'd.os_release', 'd.enrolled_at', 'd.last_seen_at', 'd.inventory_at', 'd.criticality',
        'c.present', 'c.active', 'c.overdue', 'c.open_p1', 'c.open_p2', 'c.open_p3', 'c.open_p4',
      ])
      .orderBy('d.id')
      .execute();
    const tags = await this.tagsByDevice();
    return rows.map((r) => {
      const t = tags.get(r.id) ?? [];
      return {
        ...deviceOf(r, t),
        criticality: r.criticality,
        present: r.present ?? 0,
        active: r.active ?? 0,
        overdue: r.overdue ?? 0,
        openByPriority: { P1: r.open_p1 ?? 0, P2: r.open_p2 ?? 0, P3: r.open_p3 ?? 0, P4: r.open_p4 ?? 0 },
      };
    });
  }

  async fixedBetween(from: string, to: string): Promise<FixedFindingRow[]> {
    const rows = await this.db
      .selectFrom('findings')
      .select(['device_id', 'first_seen_at', 'fixed_at', 'published_at', 'due_at'])
      .where('status', '=', 'fixed')
      .where('fixed_at', '>=', from)
      .where('fixed_at', '<=', to)
      .execute();
    return rows.map((r) => ({ deviceId: r.device_id, firstSeenAt: r.first_seen_at, fixedAt: r.fixed_at as string, publishedAt: r.published_at, dueAt: r.due_at }));
  }

  async unfixedDueBetween(from: string, to: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('findings')
      .select('device_id')
      .where('status', 'in', ['open', 'accepted_risk'])
      .where('due_at', '>=', from)
      .where('due_at', '<=', to)
      .whereRef('first_seen_at', '<=', 'due_at')
      .where((eb) => eb.or([eb('exception_approved_at', 'is', null), eb('exception_approved_at', '>', eb.ref('due_at'))]))
      .execute();
    return rows.map((r) => r.device_id);
  }

  async history(upTo: string): Promise<{ devices: ComplianceDevice[]; findings: FindingHistory[] }> {
    const deviceRows = await this.db.selectFrom('devices').select(['id', 'hostname', 'os_distro', 'os_release', 'enrolled_at', 'last_seen_at', 'inventory_at']).orderBy('id').execute();
    const tags = await this.tagsByDevice();
    const findings = await withConnection(this.db, () => {
      const out: FindingHistory[] = [];
      const rows = prepared(
        this.raw,
        `SELECT id, device_id, status, priority, first_seen_at, resolved_at, due_at, published_at, fixed_at, exception_approved_at, exception_expires_at
         FROM findings WHERE first_seen_at <= ? ORDER BY id`,
      ).iterate(upTo) as Iterable<HistoryRow>;
      for (const r of rows) out.push(historyOf(r));
      return out;
    });
    return { devices: deviceRows.map((r) => deviceOf(r, tags.get(r.id) ?? [])), findings };
  }

  saveSnapshots(rows: readonly ComplianceSnapshotRow[], at: string): Promise<void> {
    return withConnection(this.db, () => {
      const put = prepared(
        this.raw,
        `INSERT OR REPLACE INTO compliance_snapshots (day, dimension, key, devices_in_scope, devices_stale, devices_no_overdue, devices_no_missing_security,
           open_findings, overdue_findings, open_p1, open_p2, open_p3, open_p4, fixed, fixed_within_sla, fix_days_sum, became_overdue, computed_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const r of rows) {
        put.run(
          r.day, r.dimension, r.key, r.devicesInScope, r.devicesStale, r.devicesNoOverdue, r.devicesNoMissingSecurity, r.openFindings, r.overdueFindings,
          r.openP1, r.openP2, r.openP3, r.openP4, r.fixed, r.fixedWithinSla, r.fixDaysSum, r.becameOverdue, at,
        );
      }
    });
  }

  async snapshots(slice: { dimension: ComplianceDimension; key: string }, fromDay: string, toDay: string): Promise<ComplianceSnapshotRow[]> {
    const rows = await this.db
      .selectFrom('compliance_snapshots')
      .selectAll()
      .where('dimension', '=', slice.dimension)
      .where('key', '=', slice.key)
      .where('day', '>=', fromDay)
      .where('day', '<=', toDay)
      .orderBy('day')
      .execute();
    return rows.map((r) => ({
      day: r.day, dimension: r.dimension as ComplianceDimension, key: r.key, devicesInScope: r.devices_in_scope, devicesStale: r.devices_stale,
      devicesNoOverdue: r.devices_no_overdue, devicesNoMissingSecurity: r.devices_no_missing_security, openFindings: r.open_findings,
      overdueFindings: r.overdue_findings, openP1: r.open_p1, openP2: r.open_p2, openP3: r.open_p3, openP4: r.open_p4, fixed: r.fixed,
      fixedWithinSla: r.fixed_within_sla, fixDaysSum: r.fix_days_sum, becameOverdue: r.became_overdue,
    }));
  }

  async snapshotDays(fromDay: string, toDay: string): Promise<string[]> {
    const rows = await this.db.selectFrom('compliance_snapshots').select('day').where('dimension', '=', 'all').where('day', '>=', fromDay).where('day', '<=', toDay).orderBy('day').execute();
    return rows.map((r) => r.day);
  }

  private async tagsByDevice(): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    for (const r of await this.db.selectFrom('device_tags').select(['device_id', 'tag']).orderBy('device_id').orderBy('tag').execute()) {
      const list = out.get(r.device_id);
      if (list) list.push(r.tag);
      else out.set(r.device_id, [r.tag]);
    }
    return out;
  }
}

interface DeviceRowLike {
  id: string;
  hostname: string;
  os_distro: string;
  os_release: string;
  enrolled_at: string;
  last_seen_at: string;
  inventory_at: string | null;
}

/** A device that never sent an inventory counts as never seen: stale, never compliant. */
function deviceOf(r: DeviceRowLike, tags: readonly string[]): ComplianceDevice {
  const groups = deviceGroups(tags);
  return {
    id: r.id,
    hostname: r.hostname,
    tags: tags.filter((t) => !t.startsWith('group=')),
    groups,
    os: osKey(r.os_distro, r.os_release),
    enrolledAt: r.enrolled_at,
    lastSeenAt: r.inventory_at === null ? null : r.last_seen_at,
    retiredAt: null,
  };
}

interface HistoryRow {
  id: string;
  device_id: string;
  status: string;
  priority: string;
  first_seen_at: string;
  resolved_at: string | null;
  due_at: string;
  published_at: string | null;
  fixed_at: string | null;
  exception_approved_at: string | null;
  exception_expires_at: string | null;
}

/**
 * A finding's intervals from its columns. Compliance reads only the times of the exception and of
 * the fix evidence; the texts are not loaded (the full record is one `GET /findings/:id` away).
 */
function historyOf(r: HistoryRow): FindingHistory {
  return {
    id: r.id,
    deviceId: r.device_id,
    status: r.status as FindingStatus,
    firstSeenAt: r.first_seen_at,
    resolvedAt: r.resolved_at,
    dueAt: r.due_at,
    advisoryPublishedAt: r.published_at,
    exception:
      r.exception_approved_at && r.exception_expires_at ? { reason: '(not loaded)', approver: '(not loaded)', approvedAt: r.exception_approved_at, expiresAt: r.exception_expires_at } : null,
    evidence: r.fixed_at ? { kind: 'upgraded', inventoryReportId: '(not loaded)', observedAt: r.fixed_at, installedVersion: null } : null,
    score: { priority: r.priority as Priority },
  };
}
