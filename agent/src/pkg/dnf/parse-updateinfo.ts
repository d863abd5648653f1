import type { Severity } from '@patchwave/shared';
import { z } from 'zod';
import type { ParseOutcome, ParseProblem } from '../parse-outcome.js';
import { parseNevra, type Nevra } from '../rpmdb/nevra.js';

/** One (advisory, package) pair from the repositories' updateinfo metadata. */
export interface AdvisoryEntry {
  /** Advisory id (`RHSA-2024:1234`), or the CVE / Bugzilla id in `--with-cve` listings. */
  id: string;
  /** `security`, `bugfix`, `enhancement`, `newpackage` or whatever the repository says. */
  type: string;
  severity: Severity;
  nevra: Nevra;
  /** True when the tool marked it as applying to an installed version (`i` column of `--all`). */
  installed?: boolean;
  /** CVE ids the advisory references (dnf5 `--with-cve --json`). */
  cves?: string[];
}

const SEVERITIES: Record<string, Severity> = {
  critical: 'critical',
  important: 'important',
  high: 'important',
  moderate: 'moderate',
  medium: 'moderate',
  low: 'low',
};

/** Maps a severity word from updateinfo (`Important`, `none`, `Unknown`, custom text) to the shared scale. */
export function toSeverity(word: string | undefined): Severity {
  return SEVERITIES[(word ?? '').trim().toLowerCase()] ?? 'unspecified';
}

const CVE_ID = /^CVE-\d{4}-\d{4,}$/i;

export function isCveId(id: string): boolean {
  return CVE_ID.test(id);
}

const TYPES = new Set(['security', 'bugfix', 'enhancement', 'newpackage', 'unspecified', 'unknown']);

/**
 * Reads `dnf updateinfo list [--all] [--with-cve]` (dnf4) and `yum updateinfo list [all] [cves]`
 * (yum 3, and yum-plugin-security's `list-sec` on EL6): `[i] ID  TYPE  NEVRA [DATE]`, where TYPE
 * is `bugfix`, `enhancement`, `newpackage` or `<Severity>/Sec.` for security advisories. yum
 * prints the epoch inside the NEVRA (`bind-libs-32:9.8.2-…`); `-v` adds an issued date, which is
 * ignored. yum's `Loaded plugins:` and `updateinfo list done` lines are skipped.
 */
export function parseUpdateinfoList(text: string): ParseOutcome<AdvisoryEntry[]> {
  const value: AdvisoryEntry[] = [];
  const problems: ParseProblem[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    const trimmed = line.trim();
    if (trimmed === '' || /^(Loaded plugins:|updateinfo list done|Last metadata expiration check|Updating Subscription Management|This system is)/.test(trimmed)) return;
    let tokens = trimmed.split(/\s+/);
    let installed: boolean | undefined;
    if (tokens.length >= 4 && tokens[0]?.length === 1) {
      installed = tokens[0] === 'i';
      tokens = tokens.slice(1);
    } else if (/^\s{2}\S/.test(line)) {
      installed = false;
    }
    const [id = '', typeWord = '', nevraText = ''] = tokens;
    const nevra = parseNevra(nevraText);
    const sec = /^(\w+)\/Sec\.$/.exec(typeWord);
    if (!nevra || !id || !(sec || TYPES.has(typeWord.toLowerCase()))) {
      problems.push({ line: index + 1, message: `not an advisory row: ${JSON.stringify(trimmed.slice(0, 120))}` });
      return;
    }
    const entry: AdvisoryEntry = sec
      ? { id, type: 'security', severity: toSeverity(sec[1]), nevra }
      : { id, type: typeWord.toLowerCase(), severity: 'unspecified', nevra };
    if (installed !== undefined) entry.installed = installed;
    value.push(entry);
  });
  return { value, problems };
}

const Dnf5Basic = z.object({
  name: z.string().min(1).max(256),
  type: z.string().max(64),
  severity: z.string().max(64).optional(),
  nevra: z.string().max(1024),
});

const Dnf5Extended = z.object({
  advisory_name: z.string().min(1).max(256),
  advisory_type: z.string().max(64),
  advisory_severity: z.string().max(64).optional(),
  nevra: z.string().max(1024),
  references: z.array(z.object({ reference_id: z.string().max(256), reference_type: z.string().max(64) })).max(10_000).default([]),
});

/**
 * Reads dnf5's `dnf advisory list --json` (`name`, `type`, `severity`, `nevra`) and its extended
 * form with `--with-cve` / `--with-bz` (`advisory_name`, `advisory_type`, …, `references`).
 * Note: in the extended form dnf5 has printed the advisory type in `advisory_severity` (ci-dnf-stack
 * expectation at commit 4b151cc), so severity is taken only when it is a real severity word.
 */
export function parseDnf5AdvisoryJson(text: string): ParseOutcome<AdvisoryEntry[]> {
  const problems: ParseProblem[] = [];
  const value: AdvisoryEntry[] = [];
  if (text.trim() === '') return { value, problems };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return { value, problems: [{ message: `not JSON: ${(err as Error).message}` }] };
  }
  if (!Array.isArray(data)) return { value, problems: [{ message: 'expected a JSON array of advisories' }] };
  data.forEach((item: unknown, i) => {
    const basic = Dnf5Basic.safeParse(item);
    const extended = basic.success ? undefined : Dnf5Extended.safeParse(item);
    const parsed = basic.success
      ? { id: basic.data.name, type: basic.data.type, severity: basic.data.severity, nevra: basic.data.nevra, cves: undefined }
      : extended?.success
        ? {
            id: extended.data.advisory_name,
            type: extended.data.advisory_type,
            severity: extended.data.advisory_severity,
            nevra: extended.data.nevra,
            cves: extended.data.references.filter((r) => r.reference_type === 'cve').map((r) => r.reference_id),
          }
        : undefined;
    const nevra = parsed ? parseNevra(parsed.nevra) : undefined;
    if (!parsed || !nevra) {
      problems.push({ message: `advisory #${i + 1} is not an advisory object with a package NEVRA` });
      return;
    }
    const entry: AdvisoryEntry = { id: parsed.id, type: parsed.type.toLowerCase(), severity: toSeverity(parsed.severity), nevra };
    if (parsed.cves) entry.cves = parsed.cves;
    value.push(entry);
  });
  return { value, problems };
}
