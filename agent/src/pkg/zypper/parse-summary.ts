import type { PlannedChangeKind } from '../package-manager.js';
import type { ParseOutcome } from '../parse-outcome.js';
import { children, str, xmlElements } from './xml.js';

export interface SummaryRow {
  kind: PlannedChangeKind;
  /** `package` or `patch` (zypper lists the patches a `patch` run installs as well). */
  type: string;
  name: string;
  arch: string;
  edition: string;
  editionOld?: string;
}

export interface InstallSummary {
  rows: SummaryRow[];
  /** `<message type="error">` texts: why the run could not resolve. */
  errors: string[];
  /** A summary element was present (the request resolved). */
  resolved: boolean;
}

const SECTIONS: Record<string, PlannedChangeKind> = {
  'to-install': 'install',
  'to-upgrade': 'upgrade',
  'to-downgrade': 'downgrade',
  'to-reinstall': 'reinstall',
  'to-remove': 'remove',
};

/**
 * Reads `zypper --xmlout … --dry-run`: `<install-summary>` with `<to-upgrade>`, `<to-install>`,
 * `<to-downgrade>`, `<to-reinstall>`, `<to-remove>` sections of `<solvable type name edition
 * edition-old arch>`, plus `<message type="error">` lines (unresolvable requests).
 */
export function parseInstallSummary(text: string): ParseOutcome<InstallSummary> {
  const summary = xmlElements(text, 'install-summary');
  const messages = xmlElements(text, 'message');
  const rows: SummaryRow[] = [];
  for (const s of summary.elements) {
    for (const [section, kind] of Object.entries(SECTIONS)) {
      for (const group of children(s, section)) {
        for (const v of children(group, 'solvable')) {
          const row: SummaryRow = { kind, type: str(v, 'type') || 'package', name: str(v, 'name'), arch: str(v, 'arch'), edition: str(v, 'edition') };
          const old = str(v, 'edition-old');
          if (old) row.editionOld = old;
          if (row.name) rows.push(row);
        }
      }
    }
  }
  const errors = messages.elements.filter((m) => str(m, 'type') === 'error').map((m) => str(m, '#text'));
  return {
    value: { rows, errors, resolved: summary.elements.length > 0 },
    problems: [...summary.problems, ...messages.problems],
  };
}
