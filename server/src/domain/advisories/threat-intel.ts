import type { EpssFeed, EpssScore } from './epss.js';
import type { KevCatalog, KevEntry } from './kev.js';

/** Exploit signals per CVE. Phase 2 backs this with the stored KEV and EPSS tables. */
export interface ThreatIntel {
  kev(cve: string): KevEntry | undefined;
  epss(cve: string): (EpssScore & { scoreDate: string }) | undefined;
}

export class InMemoryThreatIntel implements ThreatIntel {
  private readonly kevByCve = new Map<string, KevEntry>();
  private readonly epssByCve = new Map<string, EpssScore>();
  private scoreDate = '';

  constructor(kev?: KevCatalog | null, epss?: EpssFeed | null) {
    if (kev) this.setKev(kev);
    if (epss) this.setEpss(epss);
  }

  setKev(catalog: KevCatalog): void {
    this.kevByCve.clear();
    for (const e of catalog.entries) this.kevByCve.set(e.cve, e);
  }

  setEpss(feed: EpssFeed): void {
    this.epssByCve.clear();
    for (const s of feed.scores) this.epssByCve.set(s.cve, s);
    this.scoreDate = feed.scoreDate;
  }

  kev(cve: string): KevEntry | undefined {
    return this.kevByCve.get(cve);
  }

  epss(cve: string): (EpssScore & { scoreDate: string }) | undefined {
    const s = this.epssByCve.get(cve);
    return s ? { ...s, scoreDate: this.scoreDate } : undefined;
  }
}

/** The exploit signals of a finding with several CVEs: any KEV entry (earliest due date), the highest EPSS. */
export interface ThreatSummary {
  kev: { cve: string; dateAdded: string; dueDate: string; knownRansomware: boolean } | null;
  epss: { cve: string; probability: number; percentile: number; scoreDate: string } | null;
}

export function summarizeThreat(cves: readonly string[], intel: ThreatIntel): ThreatSummary {
  const kevs = cves.map((cve) => ({ cve, entry: intel.kev(cve) })).filter((k): k is { cve: string; entry: KevEntry } => k.entry !== undefined);
  kevs.sort((a, b) => (a.entry.dueDate < b.entry.dueDate ? -1 : a.entry.dueDate > b.entry.dueDate ? 1 : 0));
  const first = kevs[0];
  const kev: ThreatSummary['kev'] = first
    ? { cve: first.cve, dateAdded: first.entry.dateAdded, dueDate: first.entry.dueDate, knownRansomware: kevs.some((k) => k.entry.knownRansomware) }
    : null;
  let epss: ThreatSummary['epss'] = null;
  for (const cve of cves) {
    const e = intel.epss(cve);
    if (e && (epss === null || e.epss > epss.probability)) epss = { cve, probability: e.epss, percentile: e.percentile, scoreDate: e.scoreDate };
  }
  return { kev, epss };
}
