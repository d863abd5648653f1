import type { DeviceSummary } from '@patchwave/shared';

/** Formatting shared by the pages: numbers, dates, ages, OS names. Pure functions of their input. */

const numberFormat = new Intl.NumberFormat(undefined);
const pad = (n: number) => String(n).padStart(2, '0');

export const formatNumber = (n: number): string => numberFormat.format(n);

/** `2026-03-10 14:05` in the browser's time zone: compact, sortable, unambiguous in every locale. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** "just now", "5 min ago", "3 h ago", "2 days ago", "in 4 days" for an instant relative to `now`. */
export function formatAge(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return 'never';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const seconds = Math.round((now - t) / 1000);
  const future = seconds < 0;
  const s = Math.abs(seconds);
  let text: string;
  if (s < 45) return future ? 'in a moment' : 'just now';
  if (s < 3600) text = `${Math.round(s / 60)} min`;
  else if (s < 86_400) text = `${Math.round(s / 3600)} h`;
  else if (s < 86_400 * 60) text = `${Math.round(s / 86_400)} days`;
  else text = `${Math.round(s / (86_400 * 30))} months`;
  return future ? `in ${text}` : `${text} ago`;
}

export function formatBytes(n: number | undefined): string {
  if (n === undefined) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value >= 10 || unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined) return '—';
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${minutes} min`;
  return `${minutes} min`;
}

export function osLabel(os: DeviceSummary['os']): string {
  const name = os.distro || os.id || os.platform;
  return os.release ? `${name} ${os.release}` : name;
}

export const plural = (n: number, one: string, many = `${one}s`): string => `${formatNumber(n)} ${n === 1 ? one : many}`;

/** Splits what an operator typed into tags: commas and white space separate them. */
export function parseTags(text: string): string[] {
  return text.split(/[\s,]+/).filter((t) => t !== '');
}
