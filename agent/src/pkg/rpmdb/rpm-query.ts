import { compareVersions, LIMITS, packageKey, type InstalledPackage, type ManagerName } from '@patchwave/shared';
import type { ParseOutcome, ParseProblem } from '../parse-outcome.js';
import { formatEvr } from './nevra.js';

/** The `rpm -qa --qf` format the adapters ask for (rpm expands `\t` and `\n` itself). */
export const RPM_QUERY_FORMAT = '%{NAME}\\t%{EPOCH}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\t%{SOURCERPM}\\n';

/** `glibc-2.28-26.fc29.src.rpm` → `{ name: 'glibc', version: '2.28-26.fc29' }`. */
export function parseSourceRpm(file: string): { name: string; version: string } | undefined {
  const m = /^(.+)-([^-]+)-([^-]+)\.(?:no)?src\.rpm$/.exec(file);
  if (!m?.[1] || !m[2] || !m[3]) return undefined;
  return { name: m[1], version: `${m[2]}-${m[3]}` };
}

/**
 * Reads `rpm -qa --qf '%{NAME}\t%{EPOCH}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\t%{SOURCERPM}\n'`.
 * Versions are `[epoch:]version-release` with a zero or absent epoch left out. `gpg-pubkey`
 * entries (imported signing keys, not packages) are skipped. Install-only packages present in
 * several versions (kernel, kernel-core) are reported once, at the newest version.
 */
export function parseRpmQuery(text: string, manager: ManagerName): ParseOutcome<InstalledPackage[]> {
  const problems: ParseProblem[] = [];
  const byKey = new Map<string, InstalledPackage>();
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return;
    const fields = line.split('\t');
    if (fields.length < 5) {
      problems.push({ line: index + 1, message: `expected 6 tab-separated fields (name, epoch, version, release, arch, source rpm), got ${fields.length}` });
      return;
    }
    const [name = '', epoch = '', version = '', release = '', arch = '', sourceRpm = ''] = fields;
    if (name === 'gpg-pubkey') return;
    if (!/^[^\s]+$/.test(name) || !version || (epoch !== '(none)' && !/^\d+$/.test(epoch))) {
      problems.push({ line: index + 1, message: `not a package line: ${JSON.stringify(line.slice(0, 120))}` });
      return;
    }
    const evr = formatEvr(epoch, version, release === '(none)' ? '' : release);
    const realArch = arch === '(none)' ? '' : arch;
    if (name.length > LIMITS.packageName || evr.length > LIMITS.version || realArch.length > LIMITS.arch) {
      problems.push({ line: index + 1, message: 'package name, version or architecture is too long' });
      return;
    }
    const pkg: InstalledPackage = { manager, name, version: evr, arch: realArch };
    const source = parseSourceRpm(sourceRpm);
    if (source && source.name.length <= LIMITS.packageName) {
      const srcEpoch = epoch === '(none)' || epoch === '0' ? '' : `${epoch}:`;
      pkg.source = { name: source.name, version: `${srcEpoch}${source.version}` };
    }
    const key = packageKey(pkg);
    const seen = byKey.get(key);
    if (!seen || compareVersions('rpm', seen.version, evr) < 0) byKey.set(key, pkg);
  });
  return { value: [...byKey.values()], problems };
}
