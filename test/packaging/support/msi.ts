import { runTool } from '../../../scripts/lib/run-tool.js';

export type MsiRow = Record<string, string>;

/**
 * One table of an MSI database, read back with `msiinfo export` (msitools): the first line names
 * the columns, the next two give types and keys, then one tab-separated row per record.
 */
export async function msiTable(msi: string, table: string): Promise<MsiRow[]> {
  const { stdout } = await runTool('msiinfo', ['export', msi, table]);
  const lines = stdout.split(/\r?\n/).filter((l) => l !== '');
  const columns = (lines[0] ?? '').split('\t');
  return lines.slice(3).map((line) => {
    const cells = line.split('\t');
    return Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? '']));
  });
}

/** The Property table as name → value. */
export async function msiProperties(msi: string): Promise<Map<string, string>> {
  return new Map((await msiTable(msi, 'Property')).map((r) => [r['Property'] ?? '', r['Value'] ?? '']));
}

/** `msiinfo suminfo` as field → value ("Template" → "x64;1033", …). */
export async function msiSummary(msi: string): Promise<Map<string, string>> {
  const { stdout } = await runTool('msiinfo', ['suminfo', msi]);
  return new Map(
    stdout
      .split('\n')
      .map((l) => /^([^:]+):\s*(.*)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1] ?? '', m[2] ?? '']),
  );
}
