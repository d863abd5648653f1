import type { ComponentChildren } from 'preact';
import { formatNumber } from '../format.js';
import { Link } from './link.js';

interface Props {
  label: string;
  value: number | undefined;
  hint?: ComponentChildren;
  /** Where the number leads: the device list filtered to exactly these devices. */
  href?: string;
  tone?: 'neutral' | 'ok' | 'warn' | 'danger';
  testId?: string;
}

/** One number on the dashboard. Fixed size: a value arriving or changing never moves its neighbours. */
export function StatTile({ label, value, hint, href, tone = 'neutral', testId }: Props) {
  const body = (
    <>
      <span class="stat-label">{label}</span>
      <span class="stat-value" data-testid={testId}>
        {value === undefined ? '\u00a0' : formatNumber(value)}
      </span>
      <span class="stat-hint">{hint ?? '\u00a0'}</span>
    </>
  );
  return (
    <div class={`stat-tile tone-${tone}`}>
      {href ? (
        <Link href={href} class="stat-body stat-link">
          {body}
        </Link>
      ) : (
        <div class="stat-body">{body}</div>
      )}
    </div>
  );
}
