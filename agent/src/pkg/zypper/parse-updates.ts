import type { Severity } from '@patchwave/shared';
import type { ParseOutcome, ParseProblem } from '../parse-outcome.js';
import { children, str, xmlElements } from './xml.js';

/** One package update from `zypper --xmlout list-updates`. */
export interface ZypperPackageUpdate {
  name: string;
  arch: string;
  edition: string;
  /** Installed edition; zypper ≥ 1.14 prints it (`edition-old`), older ones do not. */
  editionOld?: string;
  repo: string;
  summary?: string;
}

/** One patch (SUSE advisory) from `zypper --xmlout list-patches`. */
export interface ZypperPatch {
  id: string;
  edition: string;
  /** `needed`, `applied`, `not-needed`, `retracted`, … */
  status: string;
  /** `security`, `recommended`, `optional`, `feature`, `document`, `yast`. */
  category: string;
  severity: Severity;
  /** The patch updates the package manager itself: zypper must run again afterwards (exit 103). */
  pkgmanager: boolean;
  /** Installing it needs a reboot. */
  restart: boolean;
  summary: string;
  cves: string[];
  repo: string;
}

const SEVERITY: Record<string, Severity> = { critical: 'critical', important: 'important', moderate: 'moderate', low: 'low' };

/**
 * Reads `zypper --xmlout list-updates` (`<update kind="package" name edition edition-old arch>`
 * with `<source alias>`). Patches in the same stream (`list-updates -t patch`) are left to
 * parseListPatches.
 */
export function parseListUpdates(text: string): ParseOutcome<ZypperPackageUpdate[]> {
  const { elements, problems } = xmlElements(text, 'update');
  const value: ZypperPackageUpdate[] = [];
  elements.forEach((u, i) => {
    if (str(u, 'kind') !== 'package' && str(u, 'kind') !== '') return;
    const name = str(u, 'name');
    const edition = str(u, 'edition');
    if (!name || !edition) {
      problems.push({ message: `update #${i + 1} has no name or edition` });
      return;
    }
    const item: ZypperPackageUpdate = { name, arch: str(u, 'arch'), edition, repo: str(children(u, 'source')[0], 'alias') };
    const old = str(u, 'edition-old');
    if (old) item.editionOld = old;
    const summary = str(u, 'summary');
    if (summary) item.summary = summary;
    value.push(item);
  });
  return { value, problems: missingStream(text, problems) };
}

/**
 * Reads `zypper --xmlout list-patches [--all] [--category …]`: `<update kind="patch" name
 * status category severity pkgmanager restart>` with `<issue-list><issue type="cve" id>`.
 */
export function parseListPatches(text: string): ParseOutcome<ZypperPatch[]> {
  const { elements, problems } = xmlElements(text, 'update');
  const value: ZypperPatch[] = [];
  elements.forEach((u, i) => {
    if (str(u, 'kind') !== 'patch') return;
    const id = str(u, 'name');
    if (!id) {
      problems.push({ message: `patch #${i + 1} has no name` });
      return;
    }
    const issues = children(children(u, 'issue-list')[0], 'issue');
    value.push({
      id,
      edition: str(u, 'edition'),
      status: str(u, 'status'),
      category: str(u, 'category'),
      severity: SEVERITY[str(u, 'severity').toLowerCase()] ?? 'unspecified',
      pkgmanager: str(u, 'pkgmanager') === 'true',
      restart: str(u, 'restart') === 'true',
      summary: str(u, 'summary'),
      cves: issues.filter((x) => str(x, 'type') === 'cve').map((x) => str(x, 'id')).filter(Boolean),
      repo: str(children(u, 'source')[0], 'alias'),
    });
  });
  return { value, problems: missingStream(text, problems) };
}

/** A non-empty stream without its `</stream>` end was cut off: say so. */
function missingStream(text: string, problems: ParseProblem[]): ParseProblem[] {
  if (text.trim() !== '' && !text.includes('</stream>')) problems.push({ message: 'the XML stream has no </stream>: output truncated or not zypper --xmlout' });
  return problems;
}
