/**
 * Windows update supersedence. Cumulative updates replace the ones before them: when KB5034441 is
 * superseded by KB5035845 and KB5035845 (or anything superseding it) is installed, KB5034441 is
 * not missing. Scanners that ignore this report every old KB as missing (Wazuh's flood of false
 * positives). The data is explicit: edges "X is superseded by Y" from the Microsoft Update
 * Catalog / WSUS metadata (`SupersededUpdates`), imported like any other feed.
 */

export interface SupersedenceEdge {
  /** The older update. */
  kb: string;
  /** Updates that replace it. */
  supersededBy: string[];
}

const KB = /^(?:KB)?(\d{6,8})$/i;

/** `KB5034441`, `kb5034441` or `5034441` → `KB5034441`; null for anything else. */
export function normalizeKb(raw: string): string | null {
  const m = KB.exec(raw.trim());
  return m ? `KB${m[1]}` : null;
}

export class SupersedenceGraph {
  private readonly next = new Map<string, Set<string>>();
  private readonly closure = new Map<string, ReadonlySet<string>>();

  constructor(edges: readonly SupersedenceEdge[] = []) {
    for (const e of edges) this.add(e);
  }

  add(edge: SupersedenceEdge): void {
    const kb = normalizeKb(edge.kb);
    if (!kb) return;
    let set = this.next.get(kb);
    if (!set) this.next.set(kb, (set = new Set()));
    for (const s of edge.supersededBy) {
      const n = normalizeKb(s);
      if (n && n !== kb) set.add(n);
    }
    this.closure.clear();
  }

  /** Every update that directly or transitively supersedes `kb` (cycles in bad data are tolerated). */
  supersedersOf(kb: string): ReadonlySet<string> {
    const start = normalizeKb(kb);
    if (!start) return new Set();
    const cached = this.closure.get(start);
    if (cached) return cached;
    const seen = new Set<string>();
    const stack = [...(this.next.get(start) ?? [])];
    while (stack.length > 0) {
      const k = stack.pop() as string;
      if (seen.has(k) || k === start) continue;
      seen.add(k);
      for (const n of this.next.get(k) ?? []) stack.push(n);
    }
    this.closure.set(start, seen);
    return seen;
  }

  /**
   * Whether `kb` is in effect on a device with `installed` updates: installed itself, or replaced
   * by an installed update. `by` names the installed update that covers it.
   */
  coveredBy(kb: string, installed: ReadonlySet<string>): { covered: boolean; by: string | null } {
    const k = normalizeKb(kb);
    if (!k) return { covered: false, by: null };
    if (installed.has(k)) return { covered: true, by: k };
    for (const s of this.supersedersOf(k)) if (installed.has(s)) return { covered: true, by: s };
    return { covered: false, by: null };
  }
}
