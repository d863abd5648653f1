import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { ManagerName } from './manager.js';

const text = (max: number) => z.string().max(max);

/** Severity on the scale shared by MSRC, Red Hat and SUSE; `unspecified` when the tool gives none. */
export const Severity = z.enum(['critical', 'important', 'moderate', 'low', 'unspecified']);
export type Severity = z.infer<typeof Severity>;

/** Source package (Debian `source:Package`/`source:Version`, rpm source rpm), used to match advisories. */
export const SourcePackage = z.object({
  name: text(LIMITS.packageName).min(1),
  version: text(LIMITS.version).optional(),
});
export type SourcePackage = z.infer<typeof SourcePackage>;

export const InstalledPackage = z.object({
  manager: ManagerName,
  name: text(LIMITS.packageName).min(1),
  version: text(LIMITS.version),
  /** Architecture as the tool reports it (`amd64`, `x86_64`, `noarch`, `all`); empty when it has none. */
  arch: text(LIMITS.arch),
  source: SourcePackage.optional(),
});
export type InstalledPackage = z.infer<typeof InstalledPackage>;

export const AvailableUpdate = z.object({
  manager: ManagerName,
  name: text(LIMITS.packageName).min(1),
  arch: text(LIMITS.arch).default(''),
  /** null when nothing is installed yet (a new KB, a new dependency). */
  installedVersion: text(LIMITS.version).nullable(),
  candidateVersion: text(LIMITS.version),
  /** `unknown` where the tool cannot know: never a guess. */
  security: z.union([z.boolean(), z.literal('unknown')]),
  severity: Severity.optional(),
  advisories: z.array(text(LIMITS.shortText)).max(LIMITS.smallList).default([]),
  cves: z.array(text(LIMITS.shortText)).max(LIMITS.smallList).default([]),
  /** Where the candidate comes from (apt origin/suite, dnf repo, winget source). */
  origin: text(LIMITS.shortText).optional(),
  title: text(LIMITS.title).optional(),
  rebootRequired: z.boolean().optional(),
});
export type AvailableUpdate = z.infer<typeof AvailableUpdate>;

/** Identity of an installed package inside one device's inventory. */
export function packageKey(p: { manager: string; name: string; arch: string }): string {
  return `${p.manager}\u0000${p.name}\u0000${p.arch}`;
}
