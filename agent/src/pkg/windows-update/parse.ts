import type { AvailableUpdate, ErrorCode, InstalledPackage, RebootState, Severity } from '@patchwave/shared';
import type { z } from 'zod';
import type { ParseOutcome, ParseProblem } from '../parse-outcome.js';
import { classifyHResult } from './hresult.js';
import {
  HotFix,
  InstalledOutput,
  InstalledUpdatesOutput,
  InstallOutput,
  Program,
  RebootOutput,
  ScriptError,
  SearchOutput,
  VersionOutput,
  WuaUpdate,
} from './schema.js';

/*
 * Pure parsers for wua.ps1's JSON (schema.ts). Titles and category names are localized by Windows
 * (a ja-JP machine says セキュリティ更新プログラム): classification is read from CategoryID GUIDs,
 * KB numbers from KBArticleIDs, never from text. None of these functions throws.
 */

/** WSUS classification GUIDs (the same on every Windows language). */
export const CLASSIFICATIONS: Readonly<Record<string, string>> = {
  '0fa1201d-4330-4fa8-8ae9-b877473b6441': 'Security Updates',
  'e6cf1350-c01b-414d-a61f-263d14d133b4': 'Critical Updates',
  'e0789628-ce08-4437-be74-2495b842f43b': 'Definition Updates',
  'cd5ffd1e-e932-4e3a-bf74-18bf0b1bbd83': 'Updates',
  '28bc880e-0592-4cbf-8f95-c79b17911d5f': 'Update Rollups',
  '68c5b0a3-d1a6-4553-ae49-01d3a7827828': 'Service Packs',
  'b54e7d24-7add-428f-8b75-90a396fa584f': 'Feature Packs',
  'b4832bd8-e735-4761-8daf-37f882276dab': 'Tools',
  'ebfc1fc5-71a4-4f7b-9aca-3b9a503104a0': 'Drivers',
  '3689bdc8-b205-4af4-8d4a-a63924c5e9d5': 'Upgrades',
  '5c9376ab-8ce6-464a-b136-22113dd69801': 'Applications',
};
export const SECURITY_UPDATES = '0fa1201d-4330-4fa8-8ae9-b877473b6441';

/** The JSON document in the script's stdout (after a BOM or stray lines, if any). */
export function readScriptJson(text: string): { json?: unknown; problem?: string } {
  const body = text.replace(/^\uFEFF/, '').trim();
  if (!body) return { problem: 'the script printed nothing' };
  const candidates = body.startsWith('{') ? [body] : body.split(/\r?\n/).filter((l) => l.trimStart().startsWith('{')).reverse();
  for (const c of candidates) {
    try {
      return { json: JSON.parse(c) };
    } catch {
      // not this line: try the next candidate
    }
  }
  return { problem: `the script did not print JSON: ${JSON.stringify(body.slice(0, 200))}` };
}

/** The script's own error object (exit code 1), as a stable code and message. */
export function scriptFailure(text: string): { code: ErrorCode; message: string; hresult?: number } | undefined {
  const { json } = readScriptJson(text);
  const err = ScriptError.safeParse((json as { Error?: unknown } | undefined)?.Error);
  if (!err.success) return undefined;
  const { code, label } = classifyHResult(err.data.HResult);
  return { code, hresult: err.data.HResult, message: `${label}: ${err.data.Message.trim()}` };
}

function document<T extends z.ZodType>(text: string, schema: T): { doc?: z.infer<T>; problems: ParseProblem[] } {
  const { json, problem } = readScriptJson(text);
  if (problem) return { problems: [{ message: problem }] };
  const failure = scriptFailure(text);
  if (failure) return { problems: [{ message: `the script failed: ${failure.message}` }] };
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { problems: [{ message: `unexpected JSON at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}` }] };
  }
  return { doc: parsed.data, problems: [] };
}

/** `-Action Search`: the updates WUA offers, each checked on its own. */
export function parseSearch(text: string): ParseOutcome<WuaUpdate[]> {
  const { doc, problems } = document(text, SearchOutput);
  const value: WuaUpdate[] = [];
  (doc?.Updates ?? []).forEach((raw, i) => {
    const u = WuaUpdate.safeParse(raw);
    if (u.success) value.push(u.data);
    else problems.push({ message: `Updates[${i}]: ${u.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}` });
  });
  return { value, problems };
}

const SEVERITY: Record<string, Severity> = { critical: 'critical', important: 'important', moderate: 'moderate', low: 'low' };

function classification(u: WuaUpdate): { id: string; name: string } | undefined {
  const c = u.Categories.find((x) => x.Type === 'UpdateClassification');
  if (!c) return undefined;
  const id = c.CategoryID.toLowerCase();
  return { id, name: CLASSIFICATIONS[id] ?? c.Name };
}

function kbName(kb: string): string {
  return `KB${kb.replace(/^KB/i, '')}`;
}

/**
 * The package name of an update: its KB article (`KB5021233`), unless it has none or shares it
 * with another offered update (Defender definitions reuse KB2267602), then its UpdateID.
 */
export function updateNames(updates: readonly WuaUpdate[]): string[] {
  const count = new Map<string, number>();
  for (const u of updates) {
    const kb = u.KBArticleIDs[0];
    if (kb) count.set(kbName(kb), (count.get(kbName(kb)) ?? 0) + 1);
  }
  return updates.map((u) => {
    const kb = u.KBArticleIDs[0];
    return kb && count.get(kbName(kb)) === 1 ? kbName(kb) : u.Identity.UpdateID.toLowerCase();
  });
}

/**
 * Security = classification "Security Updates" or an MSRC severity; `false` when WUA classified the
 * update otherwise, `unknown` when it gave no classification at all.
 */
export function toAvailableUpdates(updates: readonly WuaUpdate[]): AvailableUpdate[] {
  const names = updateNames(updates);
  return updates.map((u, i) => {
    const cls = classification(u);
    const severity = u.MsrcSeverity ? (SEVERITY[u.MsrcSeverity.toLowerCase()] ?? 'unspecified') : undefined;
    const security = cls?.id === SECURITY_UPDATES || severity !== undefined ? true : cls ? false : 'unknown';
    const behavior = u.InstallationBehavior?.RebootBehavior;
    return {
      manager: 'windows-update',
      name: names[i] ?? u.Identity.UpdateID,
      arch: '',
      installedVersion: null,
      candidateVersion: String(u.Identity.RevisionNumber),
      security,
      ...(severity ? { severity } : {}),
      advisories: [...u.KBArticleIDs.map(kbName), ...u.SecurityBulletinIDs],
      cves: [...u.CveIDs],
      ...(cls ? { origin: cls.name } : {}),
      title: u.Title.slice(0, 1024),
      rebootRequired: u.RebootRequired || (behavior !== undefined && behavior !== 0),
    };
  });
}

export function parseSearchUpdates(text: string): ParseOutcome<AvailableUpdate[]> {
  const parsed = parseSearch(text);
  return { value: toAvailableUpdates(parsed.value), problems: parsed.problems };
}

/** `-Action Install`: per-update download and install results. */
export function parseInstall(text: string): ParseOutcome<InstallOutput | undefined> {
  const { doc, problems } = document(text, InstallOutput);
  return { value: doc, problems };
}

/** `-Action InstalledUpdates`: installed updates and whether each can be uninstalled. */
export function parseInstalledUpdates(text: string): ParseOutcome<InstalledUpdatesOutput['Updates']> {
  const { doc, problems } = document(text, InstalledUpdatesOutput);
  return { value: doc?.Updates ?? [], problems };
}

/**
 * `-Action Installed`: what Programs and Features shows (Uninstall keys without SystemComponent=1,
 * without a ParentKeyName, not themselves updates) plus installed KBs. Native-view programs get the
 * host's architecture, WOW6432Node ones x86, per-user ones none.
 */
export function parseInstalled(text: string, nativeArch = ''): ParseOutcome<InstalledPackage[]> {
  const { doc, problems } = document(text, InstalledOutput);
  const value: InstalledPackage[] = [];
  const seen = new Set<string>();
  (doc?.Programs ?? []).forEach((raw, i) => {
    const p = Program.safeParse(raw);
    if (!p.success) {
      problems.push({ message: `Programs[${i}]: ${p.error.issues[0]?.path.join('.') ?? ''} ${p.error.issues[0]?.message ?? ''}`.trim() });
      return;
    }
    const prog: Program = p.data;
    const name = prog.DisplayName.trim();
    if (!name || prog.SystemComponent === 1 || prog.ParentKeyName || /^(?:Security Update|Update Rollup|Hotfix)$/i.test(prog.ReleaseType ?? '')) return;
    const arch = prog.View === '64' ? nativeArch : prog.View === '32' ? 'x86' : '';
    const version = prog.DisplayVersion.trim();
    const key = `${name}\u0000${arch}`;
    if (!seen.has(key)) {
      seen.add(key);
      value.push({ manager: 'windows-update', name: name.slice(0, 256), version, arch });
      return;
    }
    // HKCU and the user's own HKU hive are one hive: an identical entry is the same program.
    if (value.some((v) => v.name === name && v.arch === arch && v.version === version)) return;
    // The same product under another key (another user, another version) stays: it names its key.
    const where = `${prog.Hive}${prog.Sid ? `\\${prog.Sid}` : ''}\\${prog.KeyName}`;
    value.push({ manager: 'windows-update', name: `${name} [${where}]`.slice(0, 256), version, arch });
  });
  (doc?.HotFixes ?? []).forEach((raw, i) => {
    const h = HotFix.safeParse(raw);
    const id = h.success ? /^KB\d{4,8}$/i.exec(h.data.HotFixID.trim())?.[0] : undefined;
    if (!id) {
      problems.push({ message: `HotFixes[${i}]: not a KB id` });
      return;
    }
    if (seen.has(`${id.toUpperCase()}\u0000`)) return;
    seen.add(`${id.toUpperCase()}\u0000`);
    value.push({ manager: 'windows-update', name: id.toUpperCase(), version: '', arch: '' });
  });
  return { value, problems };
}

/** `-Action Reboot`: any one of the three signals means a reboot is pending. */
export function parseReboot(text: string): ParseOutcome<RebootState> {
  const { doc, problems } = document(text, RebootOutput);
  if (!doc) return { value: { required: 'unknown', reasons: [], packages: [] }, problems };
  const reasons = [
    ...(doc.SystemInfoRebootRequired ? ['Microsoft.Update.SystemInfo.RebootRequired is true'] : []),
    ...(doc.ComponentBasedServicingRebootPending ? ['Component Based Servicing\\RebootPending exists'] : []),
    ...(doc.WindowsUpdateRebootRequired ? ['WindowsUpdate\\Auto Update\\RebootRequired exists'] : []),
  ];
  return { value: { required: reasons.length > 0, reasons, packages: [] }, problems };
}

/** `-Action Version`: the Windows Update Agent's version (`10.0.19041.3636`). */
export function parseVersion(text: string): string | undefined {
  const { doc } = document(text, VersionOutput);
  return doc?.ProductVersionString || undefined;
}
