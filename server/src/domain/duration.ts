const UNITS: Record<string, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** Parses `90s`, `15m`, `24h`, `7d`, `2w` into milliseconds; null when it is not such a duration. */
export function parseDuration(text: string): number | null {
  const match = /^(\d{1,9})([smhdw])$/.exec(text.trim());
  if (!match) return null;
  const value = Number(match[1]);
  const unit = UNITS[match[2] as string];
  if (unit === undefined || value <= 0) return null;
  return value * unit;
}
