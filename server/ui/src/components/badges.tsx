import type { DeviceSummary } from '@patchwave/shared';
import { formatNumber } from '../format.js';

export function OnlineBadge({ online }: { online: boolean }) {
  return <span class={`badge ${online ? 'badge-ok' : 'badge-muted'}`}>{online ? 'online' : 'offline'}</span>;
}

export function RebootBadge({ required }: { required: DeviceSummary['rebootRequired'] }) {
  if (required === true) return <span class="badge badge-warn">reboot pending</span>;
  if (required === 'unknown') return <span class="badge badge-muted">unknown</span>;
  if (required === null) return <span class="muted">—</span>;
  return <span class="muted">no</span>;
}

export function SecurityCount({ count }: { count: number }) {
  if (count === 0) return <span class="muted">0</span>;
  return <span class="badge badge-danger">{formatNumber(count)}</span>;
}

export function CriticalityBadge({ value }: { value: DeviceSummary['criticality'] }) {
  return <span class={`badge criticality-${value}`}>{value}</span>;
}

export function SecurityFlag({ security }: { security: boolean | 'unknown' }) {
  if (security === true) return <span class="badge badge-danger">security</span>;
  if (security === 'unknown') return <span class="badge badge-muted">unclassified</span>;
  return <span class="muted">no</span>;
}

export function Tags({ tags }: { tags: readonly string[] }) {
  if (tags.length === 0) return <span class="muted">—</span>;
  return (
    <ul class="tag-list" aria-label="Tags" title={tags.join(' ')}>
      {tags.map((t) => (
        <li key={t} class="tag">
          {t}
        </li>
      ))}
    </ul>
  );
}
