import type { DeploymentView, GateCheck, WaveView } from '@patchwave/shared';
import { DateTime } from '../../components/time.js';
import { formatNumber, plural } from '../../format.js';
import { tally, WaveStateBadge } from './state-badge.js';

const GATE_LABELS: Record<GateCheck['gate'], string> = {
  completion: 'Completion',
  minSample: 'Min. sample',
  successRate: 'Success rate',
  failureBudget: 'Failure budget',
  soak: 'Soak time',
  health: 'Health check',
};

const CHECK_TONE: Record<GateCheck['status'], string> = { pass: 'badge-ok', wait: 'badge-info', breach: 'badge-danger', skipped: 'badge-warn', off: 'badge-muted' };

function selectText(w: WaveView): string {
  if (w.select.kind === 'percent') return `${w.select.percent} % of the targets`;
  if (w.select.kind === 'tags') return `tags ${w.select.tags.join(', ')}`;
  return 'all remaining devices';
}

/**
 * A bar of fixed height: succeeded, failed and in-flight shares of the wave's devices. Drawn as
 * SVG rectangles whose widths are attributes, so no inline style is needed (CSP style-src 'self').
 */
function Progress({ wave }: { wave: WaveView }) {
  const t = tally(wave.counts);
  const total = Math.max(wave.deviceCount, t.total, 1);
  const parts = [
    { cls: 'progress-ok', n: t.succeeded },
    { cls: 'progress-failed', n: t.failed },
    { cls: 'progress-active', n: t.active },
  ];
  let x = 0;
  return (
    <svg class="progress" role="img" aria-label={`${t.succeeded} succeeded, ${t.failed} failed, ${t.active} in progress of ${wave.deviceCount} devices`} preserveAspectRatio="none" viewBox="0 0 100 1">
      {parts.map((part) => {
        const width = (100 * part.n) / total;
        const rect = <rect key={part.cls} class={part.cls} x={x} y={0} width={width} height={1} />;
        x += width;
        return rect;
      })}
    </svg>
  );
}

function GateTable({ wave }: { wave: WaveView }) {
  const gate = wave.gate;
  if (!gate) return <p class="muted gate-none">Gates are judged once the wave starts.</p>;
  return (
    <div class="gate" data-testid={`gate-${wave.index}`}>
      <p class={`gate-verdict verdict-${gate.verdict}`}>
        Gates: <strong>{gate.verdict}</strong> — {gate.reason}
        {gate.until ? (
          <>
            {' '}
            (until <DateTime iso={gate.until} />)
          </>
        ) : null}
      </p>
      <table class="gate-checks">
        <caption class="visually-hidden">Gate checks of wave {wave.name}</caption>
        <tbody>
          {gate.checks
            .filter((c) => c.status !== 'off')
            .map((c) => (
              <tr key={c.gate} data-gate={c.gate}>
                <th scope="row">{GATE_LABELS[c.gate]}</th>
                <td>
                  <span class={`badge ${CHECK_TONE[c.status]}`}>{c.status}</span>
                </td>
                <td>{c.detail}</td>
              </tr>
            ))}
        </tbody>
      </table>
    </div>
  );
}

/** Each wave: what it selects, its state, device progress, and its gates with the numbers behind them. */
export function WavesPanel({ deployment }: { deployment: DeploymentView }) {
  return (
    <section class="panel" aria-labelledby="waves-live-title">
      <h2 id="waves-live-title">Waves</h2>
      <ol class="wave-live-list">
        {deployment.waves.map((w) => {
          const t = tally(w.counts);
          const current = deployment.currentWave === w.index;
          return (
            <li key={w.index} class={`wave-live ${current ? 'wave-current' : ''}`} data-testid={`wave-${w.index}`} aria-current={current ? 'step' : undefined}>
              <div class="wave-head">
                <h3>
                  {w.index + 1}. {w.name}
                </h3>
                <WaveStateBadge state={w.state} />
                <span class="muted">{selectText(w)}</span>
                {w.skippedGates.length > 0 ? <span class="badge badge-warn">skipped: {w.skippedGates.join(', ')}</span> : null}
              </div>
              <Progress wave={w} />
              <p class="wave-counts" data-testid={`wave-${w.index}-counts`}>
                {plural(w.deviceCount, 'device')} · {formatNumber(t.succeeded)} succeeded · {formatNumber(t.failed)} failed · {formatNumber(t.active)} in progress ·{' '}
                {formatNumber(w.counts.pending ?? 0)} pending
              </p>
              <GateTable wave={w} />
            </li>
          );
        })}
      </ol>
      {deployment.unassignedCount > 0 ? <p class="notice notice-warn">{formatNumber(deployment.unassignedCount)} targets are in no wave (the waves cover less than 100 % and none takes the rest).</p> : null}
    </section>
  );
}
