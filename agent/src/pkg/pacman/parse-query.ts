import { LIMITS, type InstalledPackage } from '@patchwave/shared';
import type { ParseOutcome, ParseProblem } from '../parse-outcome.js';

/**
 * Reads `pacman -Qi` (blocks of `Key : value` lines, a blank line between packages: Name,
 * Version, Architecture are taken) or plain `pacman -Q` (`name version` per line). Values that
 * wrap (long Optional Deps lists) continue on indented lines and are ignored.
 */
export function parsePacmanQuery(text: string): ParseOutcome<InstalledPackage[]> {
  return /^Name\s+:/m.test(text) ? parseInfo(text) : parseLines(text);
}

function parseLines(text: string): ParseOutcome<InstalledPackage[]> {
  const value: InstalledPackage[] = [];
  const problems: ParseProblem[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '').trim();
    if (!line) return;
    const m = /^(\S+) (\S+)$/.exec(line);
    if (!m?.[1] || !m[2] || m[1].length > LIMITS.packageName || m[2].length > LIMITS.version) {
      problems.push({ line: index + 1, message: `expected "name version": ${JSON.stringify(line.slice(0, 120))}` });
      return;
    }
    value.push({ manager: 'pacman', name: m[1], version: m[2], arch: '' });
  });
  return { value, problems };
}

function parseInfo(text: string): ParseOutcome<InstalledPackage[]> {
  const value: InstalledPackage[] = [];
  const problems: ParseProblem[] = [];
  let fields: Record<string, string> = {};
  let start = 1;
  const flush = (): void => {
    if (Object.keys(fields).length === 0) return;
    const name = fields['Name'] ?? '';
    const version = fields['Version'] ?? '';
    if (!name || !version || name.length > LIMITS.packageName || version.length > LIMITS.version) {
      problems.push({ line: start, message: 'package block without a usable Name and Version' });
    } else {
      const arch = fields['Architecture'] ?? '';
      value.push({ manager: 'pacman', name, version, arch: arch.length <= LIMITS.arch ? arch : '' });
    }
    fields = {};
  };
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') {
      flush();
      start = index + 2;
      return;
    }
    const m = /^([A-Z][A-Za-z ]*?)\s*:\s?(.*)$/.exec(line);
    if (m?.[1] && !/^\s/.test(line)) fields[m[1]] = (m[2] ?? '').trim();
  });
  flush();
  return { value, problems };
}
