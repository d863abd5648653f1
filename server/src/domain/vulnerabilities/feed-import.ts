import { randomUUID } from 'node:crypto';
import type { FeedImportResult } from '@patchwave/shared';
import type { Logger } from 'pino';
import { FeedInvalidError } from '../advisories/feed-issue.js';
import { planAdvisoryImport, planEpssImport, planKevImport } from '../advisories/import-plan.js';
import type { FeedFile } from '../advisories/osv-files.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import { factsForHit } from '../findings/assess.js';
import { factsOfFinding, reconcile, rescore } from '../findings/reconcile.js';
import type { Finding, FindingEvent } from '../findings/finding.js';
import { familyOf, normalizeOsvEcosystem } from '../matching/ecosystem.js';
import { Matcher } from '../matching/matcher.js';
import { retireExplained } from './duplicate-findings.js';
import type { Repositories, Store } from '../store.js';
import type { VulnerabilityConfig } from './config.js';
import { parseImportFiles } from './feed-parse.js';
import type { ParsedImport } from './feed-parse.js';
import { persistFindings, scoringContext } from './finding-writer.js';
import type { FeedOrigin, Provenance } from './ports.js';

/** Above this many changed CVEs (a daily EPSS file) every active finding is rescored. */
const RESCORE_ALL_ABOVE = 5_000;

export interface ImportContext {
  actor: string;
  origin: FeedOrigin;
  /** Download URL per file name (provenance of URL and scheduled imports). */
  urls?: ReadonlyMap<string, string>;
}

/**
 * `feeds import`: parse everything first (a bad file rejects the import and changes nothing),
 * then in one transaction store KEV and EPSS (whole-list replacements), supersedence edges and
 * changed advisories with their provenance; re-match only the devices that have a package a
 * changed advisory names; rescore active findings whose CVEs changed in KEV/EPSS; and record the
 * import and every finding transition in the audit log. Re-importing the same files is a no-op.
 */
export class FeedImportService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
    private readonly config: VulnerabilityConfig,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  async import(files: readonly FeedFile[], ctx: ImportContext): Promise<FeedImportResult> {
    const parsed = parseImportFiles(files, ctx.urls);
    const result = await this.store.transaction((tx) => this.apply(tx, parsed, ctx));
    this.log.info({ importId: result.id, actor: ctx.actor, origin: ctx.origin, counts: result.counts, findings: result.findings }, 'feeds imported');
    return result;
  }

  /** Anonymous package-manager findings (`apt:<package>`) that the OSV findings just opened explain. */
  private async retireDuplicates(tx: Repositories, osv: readonly Finding[], now: string): Promise<{ upserts: Finding[]; events: FindingEvent[] }> {
    const active = osv.filter((f) => f.status === 'open' || f.status === 'accepted_risk');
    const devices = new Set(active.map((f) => f.deviceId));
    const candidates: Finding[] = [];
    const asked = new Set<string>();
    for (const f of active) {
      const eco = normalizeOsvEcosystem(f.ecosystem);
      for (const manager of (eco && familyOf(eco.family)?.managers) ?? []) {
        const id = `${manager}:${f.group}`;
        if (asked.has(id)) continue;
        asked.add(id);
        candidates.push(...(await tx.findings.listByAdvisory(id)).filter((c) => devices.has(c.deviceId)));
      }
    }
    return retireExplained(candidates, active, now);
  }

  private async apply(tx: Repositories, parsed: ParsedImport, ctx: ImportContext): Promise<FeedImportResult> {
    const now = this.clock.now().toISOString();
    const id = randomUUID();
    const prov = (feedFile: string): Provenance => ({ importId: id, feedFile, importedAt: now });
    await tx.feedImports.begin({ id, startedAt: now, actor: ctx.actor, origin: ctx.origin, sources: parsed.sources });
    const scoring = scoringContext(tx, this.config);
    const counts: FeedImportResult['counts'] = {
      advisories: { new: 0, updated: 0, unchanged: 0, removed: 0, older: 0 },
      unindexedAffected: 0,
      kev: null,
      epss: null,
      supersedence: null,
    };
    const findings: FeedImportResult['findings'] = { opened: 0, reopened: 0, notAffected: 0, rescored: 0, devicesEvaluated: 0 };
    const changedCves = new Set<string>();

    if (parsed.kev) {
      const stored = await tx.threatFeeds.kevVersions();
      const plan = planKevImport(parsed.kev.catalog, (cve) => stored.get(cve), () => stored.keys());
      await tx.threatFeeds.applyKev(plan, parsed.kev.catalog, prov(parsed.kev.file));
      counts.kev = plan.counts;
      for (const u of plan.upsert) changedCves.add(u.item.cve);
      for (const cve of plan.remove) changedCves.add(cve);
    }
    if (parsed.epss) {
      const { feed, file } = parsed.epss;
      const state = (await tx.threatFeeds.state()).epss;
      if (state && feed.scoreDate < state.released) {
        throw new FeedInvalidError([{ file, line: 1, field: 'score_date', message: `EPSS scores of ${feed.scoreDate} are older than the stored ${state.released}` }]);
      }
      const stored = await tx.threatFeeds.epssVersions();
      const plan = planEpssImport(feed, (cve) => stored.get(cve), () => stored.keys());
      await tx.threatFeeds.applyEpss(plan, feed, prov(file));
      counts.epss = plan.counts;
      for (const u of plan.upsert) changedCves.add(u.item.cve);
      for (const cve of plan.remove) changedCves.add(cve);
    }
    if (parsed.supersedence.length > 0) {
      let edges = 0;
      let added = 0;
      for (const s of parsed.supersedence) {
        edges += s.edges.reduce((n, e) => n + e.supersededBy.length, 0);
        added += await tx.supersedence.addEdges(s.edges, id);
      }
      counts.supersedence = { edges, added };
    }

    const fileOf = new Map(parsed.advisories.map((a) => [a.advisory.id, a.file]));
    const stored = await tx.advisories.storedVersions([...fileOf.keys()]);
    const plan = planAdvisoryImport(
      parsed.advisories.map((a) => a.advisory),
      (aid) => stored.get(aid),
    );
    counts.advisories = plan.counts;
    await tx.advisories.upsertMany(plan.upsert.map((u) => ({ advisory: u.item, hash: u.hash, feedFile: fileOf.get(u.item.id) as string })), id, now);

    const matcher = new Matcher(tx.matching.affected, tx.matching.installed);
    const report = { id: `import:${id}`, observedAt: now };
    const facts = (h: Parameters<typeof factsForHit>[0]) => factsForHit(h, tx.matching.advisory);
    const devices = new Set<string>();
    for (const { item: advisory } of plan.upsert) {
      const match = matcher.applyAdvisory(advisory);
      counts.unindexedAffected += match.change.unindexed;
      for (const d of match.devicesEvaluated) devices.add(d);
      const existing = await tx.findings.listByAdvisory(advisory.id);
      if (match.hits.length === 0 && existing.length === 0) continue;
      const r = reconcile({
        scope: { kind: 'advisory', advisoryId: advisory.id, withdrawn: advisory.withdrawn !== null },
        existing,
        hits: match.hits,
        report,
        current: () => ({ kind: 'absent' }),
        facts,
        scoring,
      });
      const retired = await this.retireDuplicates(tx, r.upserts, now);
      await persistFindings(tx, this.audit, { upserts: [...r.upserts, ...retired.upserts], events: [...r.events, ...retired.events] }, now, ctx.actor);
      for (const e of r.events) {
        if (e.kind === 'opened') findings.opened += 1;
        else if (e.kind === 'reopened') findings.reopened += 1;
        else if (e.kind === 'not_affected') findings.notAffected += 1;
      }
    }
    findings.devicesEvaluated = devices.size;

    if (changedCves.size > 0) {
      const active = changedCves.size > RESCORE_ALL_ABOVE ? await tx.findings.listActive() : await tx.findings.listActive({ cves: [...changedCves] });
      const r = rescore(active, factsOfFinding, scoring, now);
      // Score-only moves (EPSS drifts daily) update the finding; a new priority or due date is an event.
      const events = r.events.filter((e) => {
        const d = e.detail as { priority: [string, string]; dueAt: [string, string] };
        return d.priority[0] !== d.priority[1] || d.dueAt[0] !== d.dueAt[1];
      });
      await persistFindings(tx, this.audit, { upserts: r.upserts, events }, now, ctx.actor);
      findings.rescored = r.upserts.length;
    }

    const finishedAt = this.clock.now().toISOString();
    await tx.feedImports.finish(id, { finishedAt, counts, findings, warnings: parsed.warnings });
    await this.audit.record(tx.audit, {
      actor: ctx.actor,
      action: 'feeds.import',
      target: `feed-import:${id}`,
      details: { origin: ctx.origin, sources: parsed.sources, counts, findings },
    });
    return { id, startedAt: now, finishedAt, actor: ctx.actor, origin: ctx.origin, sources: parsed.sources, counts, findings, warnings: parsed.warnings };
  }
}
