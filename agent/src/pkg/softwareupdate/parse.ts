import type { AvailableUpdate, InstalledPackage } from '@patchwave/shared';
import { z } from 'zod';
import type { ParseOutcome, ParseProblem } from '../parse-outcome.js';

/*
 * Pure parsers for softwareupdate, sw_vers and system_profiler output (formats in README.md).
 * Labels are kept byte for byte: a label that ends in a space only installs with the space.
 * None of these functions throws.
 */

export interface SoftwareUpdateItem {
  /** Exactly as printed, trailing spaces included: what `softwareupdate --install` needs. */
  label: string;
  title: string;
  version: string;
  sizeKiB?: number;
  /** `*` (recommended) rather than `-`, or `Recommended: YES` / `[recommended]`. */
  recommended: boolean;
  /** `Action: restart` / `[restart]`. */
  restart: boolean;
  /** `Action: shut down` / `[shut down]` (firmware such as BridgeOS). */
  shutdown: boolean;
  layout: 'pre-10.15' | '10.15+';
}

const NOISE = [
  /^Software Update Tool$/,
  /^Finding available software$/,
  /^Software Update found the following new or updated software:$/,
  /^No new software available\.$/,
  /^Software Update can't connect|^Can't connect to the Apple Software Update server/,
];

const KEYS = ['Title', 'Version', 'Size', 'Recommended', 'Action', 'Deferred'] as const;

/** `Title: X, Version: Y, Size: 3829595KiB, Recommended: YES, Action: restart,` → fields. */
function keyValues(detail: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = new RegExp(`(?:^|,\\s*)(${KEYS.join('|')}): `, 'g');
  const hits = [...detail.matchAll(re)];
  hits.forEach((m, k) => {
    const start = (m.index ?? 0) + m[0].length;
    const end = hits[k + 1]?.index ?? detail.length;
    out.set(m[1] ?? '', detail.slice(start, end).replace(/,\s*$/, '').trim());
  });
  return out;
}

function kib(size: string | undefined): number | undefined {
  const m = /^(\d+)\s*(K|KiB)$/i.exec(size ?? '');
  return m ? Number(m[1]) : undefined;
}

/**
 * `softwareupdate --list`. macOS 10.15+: `* Label: X` then a TAB-indented `Title: …, Version: …,
 * Size: …KiB, Recommended: YES, Action: restart,`. Before 10.15: `   * X` then
 * `\tTitle (version), 12345K [recommended] [restart]`. `-` instead of `*` marks an update that is
 * not recommended.
 */
export function parseSoftwareUpdateList(text: string): ParseOutcome<SoftwareUpdateItem[]> {
  const value: SoftwareUpdateItem[] = [];
  const problems: ParseProblem[] = [];
  let pending: { label: string; star: boolean; layout: SoftwareUpdateItem['layout']; line: number } | undefined;
  const flush = () => {
    if (!pending) return;
    problems.push({ line: pending.line, message: `label ${JSON.stringify(pending.label)} has no detail line` });
    value.push({ label: pending.label, title: pending.label.trim(), version: '', recommended: pending.star, restart: false, shutdown: false, layout: pending.layout });
    pending = undefined;
  };
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((line, i) => {
      const modern = /^([*-]) Label: (.+)$/.exec(line);
      const legacy = modern ? null : /^\s+([*-]) (\S.*)$/.exec(line);
      if (modern || legacy) {
        flush();
        const m = (modern ?? legacy) as RegExpExecArray;
        pending = { label: m[2] ?? '', star: m[1] === '*', layout: modern ? '10.15+' : 'pre-10.15', line: i + 1 };
        return;
      }
      if (!line.trim() || NOISE.some((n) => n.test(line.trim()))) return;
      if (!pending || !/^\s/.test(line)) {
        problems.push({ line: i + 1, message: `unexpected softwareupdate output: ${JSON.stringify(line.slice(0, 120))}` });
        return;
      }
      const detail = line.trim();
      if (pending.layout === '10.15+' || /^Title: /.test(detail)) {
        const kv = keyValues(detail);
        const action = (kv.get('Action') ?? '').toLowerCase();
        const size = kib(kv.get('Size'));
        value.push({
          label: pending.label,
          title: kv.get('Title') ?? pending.label.trim(),
          version: kv.get('Version') ?? '',
          ...(size !== undefined ? { sizeKiB: size } : {}),
          recommended: pending.star && (kv.get('Recommended') ?? 'YES').toUpperCase() === 'YES',
          restart: action === 'restart',
          shutdown: action === 'shut down',
          layout: '10.15+',
        });
      } else {
        // Title (version), 12345K [recommended] [restart]; the title itself may hold parentheses.
        const hit = /^(.*)\s\(([^()]*)\),?\s+(\d+)K,?\s*(.*)$/.exec(detail);
        if (!hit) {
          problems.push({ line: i + 1, message: `unreadable update detail: ${JSON.stringify(detail.slice(0, 120))}` });
          pending = undefined;
          return;
        }
        const flags = hit[4] ?? '';
        value.push({
          label: pending.label,
          title: (hit[1] ?? '').replace(/,$/, '').trim(),
          version: (hit[2] ?? '').trim(),
          sizeKiB: Number(hit[3]),
          recommended: pending.star && /\[recommended\]/.test(flags),
          restart: /\[restart\]/.test(flags),
          shutdown: /\[shut down\]/.test(flags),
          layout: 'pre-10.15',
        });
      }
      pending = undefined;
    });
  flush();
  return { value, problems };
}

/**
 * Apple names some updates as security updates in their title (`Security Update 2021-005
 * Catalina`, `Rapid Security Response`, `Background Security Improvement`); for every other
 * update softwareupdate does not say, so `security` is `unknown`, never a guess.
 */
const SECURITY_TITLE = /\bSecurity Update\b|\bRapid Security Response\b|\bBackground Security Improvement\b/i;

export function toAvailableUpdates(items: readonly SoftwareUpdateItem[]): AvailableUpdate[] {
  return items.map((u) => ({
    manager: 'softwareupdate',
    name: u.label,
    arch: '',
    installedVersion: null,
    candidateVersion: u.version,
    security: SECURITY_TITLE.test(`${u.title} ${u.label}`) ? true : 'unknown',
    advisories: [],
    cves: [],
    title: u.title,
    rebootRequired: u.restart || u.shutdown,
  }));
}

export function parseSoftwareUpdates(text: string): ParseOutcome<AvailableUpdate[]> {
  const parsed = parseSoftwareUpdateList(text);
  return { value: toAvailableUpdates(parsed.value), problems: parsed.problems };
}

/** `sw_vers`: `ProductName:\tmacOS`, `ProductVersion:\t14.5`, `BuildVersion:\t23F79`. */
export function parseSwVers(text: string): { productName?: string; productVersion?: string; buildVersion?: string } {
  const get = (key: string) => new RegExp(`^${key}:\\s*(.+?)\\s*$`, 'm').exec(text)?.[1];
  const productName = get('ProductName');
  const productVersion = get('ProductVersion');
  const buildVersion = get('BuildVersion');
  return { ...(productName ? { productName } : {}), ...(productVersion ? { productVersion } : {}), ...(buildVersion ? { buildVersion } : {}) };
}

const Application = z.object({
  _name: z.string().min(1).max(256),
  version: z.string().max(256).optional(),
  path: z.string().max(4096).optional(),
  arch_kind: z.string().optional(),
  obtained_from: z.string().optional(),
});
const ApplicationsDocument = z.object({ SPApplicationsDataType: z.array(z.unknown()) });

const ARCH: Record<string, string> = { arch_arm: 'arm64', arch_i64: 'x86_64', arch_arm_i64: 'universal', arch_i32: 'i386', arch_ios: 'arm64' };

/**
 * `system_profiler -json SPApplicationsDataType`: every application bundle the system knows,
 * with `_name`, `version`, `path`, `arch_kind`, `obtained_from`. Two apps with one name (in
 * /Applications and ~/Applications) are both kept: the second is named `Name (path)`.
 */
export function parseApplications(text: string): ParseOutcome<InstalledPackage[]> {
  const value: InstalledPackage[] = [];
  const problems: ParseProblem[] = [];
  if (!text.trim()) return { value, problems };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { value, problems: [{ message: `system_profiler did not print JSON: ${(err as Error).message}` }] };
  }
  const doc = ApplicationsDocument.safeParse(json);
  if (!doc.success) return { value, problems: [{ message: 'system_profiler JSON has no SPApplicationsDataType array' }] };
  const seen = new Set<string>();
  doc.data.SPApplicationsDataType.forEach((raw, i) => {
    const app = Application.safeParse(raw);
    if (!app.success) {
      problems.push({ message: `SPApplicationsDataType[${i}]: ${app.error.issues[0]?.path.join('.') ?? ''} ${app.error.issues[0]?.message ?? ''}`.trim() });
      return;
    }
    const arch = ARCH[app.data.arch_kind ?? ''] ?? '';
    let name = app.data._name;
    if (seen.has(`${name}\u0000${arch}`) && app.data.path) name = `${name} (${app.data.path})`.slice(0, 256);
    seen.add(`${name}\u0000${arch}`);
    value.push({ manager: 'softwareupdate', name, version: app.data.version ?? '', arch });
  });
  return { value, problems };
}

export interface InstallReport {
  /** Titles softwareupdate reported as `Done with …` / `Installed …`. */
  done: string[];
  /** Labels it did not know (`X: No such update`). */
  unknown: string[];
  /** Lines that report an error. */
  errors: string[];
  /** It asked for a restart to finish. */
  restart: boolean;
}

/**
 * `softwareupdate --install <label>…` progress (no capture exists; the lines are those macOS prints
 * and Salt, Munki and Jamf scripts match): success is confirmed by re-listing, not by this text.
 */
export function parseInstallOutput(text: string): ParseOutcome<InstallReport> {
  const value: InstallReport = { done: [], unknown: [], errors: [], restart: false };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const done = /^(?:Done with|Installed) (.+?)\.?$/.exec(line);
    const unknown = /^(.+): No such update$/.exec(raw.replace(/\r$/, ''));
    if (done?.[1]) value.done.push(done[1]);
    else if (unknown) value.unknown.push(unknown[1] ?? '');
    else if (/error|failed|cannot|can't/i.test(line)) value.errors.push(line);
    if (/restart (?:your computer|immediately)|requires that you restart|Restart required/i.test(line)) value.restart = true;
  }
  return { value, problems: [] };
}
