import type { FindingView, Priority } from '@patchwave/shared';

const PRIORITY_TONE: Record<Priority, string> = { P1: 'badge-danger', P2: 'badge-warn', P3: 'badge-info', P4: 'badge-muted' };

export function PriorityBadge({ priority }: { priority: Priority | null }) {
  if (!priority) return <span class="muted">—</span>;
  return <span class={`badge ${PRIORITY_TONE[priority]}`}>{priority}</span>;
}

/** CISA's Known Exploited Vulnerabilities: exploited in the wild (and by ransomware, when known). */
export function KevBadge({ kev }: { kev: FindingView['kev'] | boolean }) {
  if (!kev) return <span class="muted">no</span>;
  const ransomware = typeof kev === 'object' && kev.knownRansomware;
  return (
    <span class="badge badge-danger" title={typeof kev === 'object' ? `in the KEV catalog since ${kev.dateAdded}, CISA due ${kev.dueDate}` : 'in the KEV catalog'}>
      KEV{ransomware ? ' · ransomware' : ''}
    </span>
  );
}

/** EPSS: the probability of exploitation in the next 30 days, with its percentile. */
export function Epss({ epss }: { epss: FindingView['epss'] }) {
  if (!epss) return <span class="muted">—</span>;
  return (
    <span title={`EPSS ${epss.scoreDate}: ${(epss.probability * 100).toFixed(2)} % probability, percentile ${(epss.percentile * 100).toFixed(1)}`}>
      {formatPercent(epss.probability)} <span class="muted">(p{Math.round(epss.percentile * 100)})</span>
    </span>
  );
}

export function formatPercent(p: number): string {
  const pct = p * 100;
  return `${pct >= 10 ? pct.toFixed(0) : pct >= 1 ? pct.toFixed(1) : pct.toFixed(2)} %`;
}

/**
 * The builder's address for "deploy the fix": the advisories kind with the CVE (or advisory) ids,
 * and the affected devices as targets.
 */
export function deployFixHref(ids: readonly string[], deviceIds: readonly string[], name: string): string {
  const q = new URLSearchParams({ what: 'advisories', ids: [...new Set(ids)].join(','), devices: [...new Set(deviceIds)].join(','), name });
  return `/deployments/new?${q.toString()}`;
}

/** What to name in an advisories deployment for a finding: its CVEs when it has any, else its advisory. */
export const fixIdsOf = (f: Pick<FindingView, 'cves' | 'advisoryId'>): string[] => (f.cves.length > 0 ? [...f.cves] : [f.advisoryId]);
