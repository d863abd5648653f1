import type { RebootState } from '@patchwave/shared';
import type { ParseOutcome } from '../parse-outcome.js';

/**
 * Reads `zypper needs-rebooting` (and SUSE's `needs-restarting -r`, same texts). zypper's real
 * answer is its exit code (102 reboot needed, 0 not); the adapter uses that, this reads the text
 * for `patchwave-agent parse zypper reboot`.
 */
export function parseZypperReboot(text: string): ParseOutcome<RebootState> {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  if (lines.some((l) => /^Reboot is required/.test(l))) {
    return { value: { required: true, reasons: lines.filter((l) => /updated|Reboot is required/.test(l)), packages: [] }, problems: [] };
  }
  if (lines.some((l) => /^Reboot is probably not necessary|^No core libraries or services have been updated/.test(l))) {
    return { value: { required: false, reasons: [], packages: [] }, problems: [] };
  }
  return {
    value: { required: 'unknown', reasons: [], packages: [] },
    problems: lines.length ? [{ message: 'the text says neither "Reboot is required" nor "Reboot is probably not necessary"' }] : [],
  };
}
