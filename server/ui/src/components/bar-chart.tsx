import type { Chart } from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';
import { formatNumber } from '../format.js';

interface Props {
  /** Names the chart for assistive technology; the same data is in a visually hidden table. */
  title: string;
  labels: readonly string[];
  values: readonly number[];
  /** What a value counts ("devices"). */
  unit: string;
  horizontal?: boolean;
  testId?: string;
}

let chartModule: Promise<{ Chart: typeof Chart }> | null = null;
const loadChartJs = () => (chartModule ??= import('./chart-setup.js'));

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

/**
 * A bar chart (Chart.js on a canvas in a box of fixed height). Chart.js loads after the page's
 * data has arrived; new data updates the chart in place without animation, so a refresh neither
 * flickers nor moves the layout. Labels are drawn on the canvas as text, never parsed as HTML.
 */
export function BarChart({ title, labels, values, unit, horizontal = false, testId }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart<'bar'> | null>(null);
  const latest = useRef({ labels, values });
  latest.current = { labels, values };

  const draw = () => {
    const c = chart.current;
    if (!c) return;
    c.data.labels = [...latest.current.labels];
    const dataset = c.data.datasets[0];
    if (dataset) dataset.data = [...latest.current.values];
    c.update('none');
  };

  // Chart.js is fetched and set up once there is something to draw, so it never delays the
  // page's first numbers.
  const hasData = labels.length > 0;
  useEffect(() => {
    if (!hasData) return undefined;
    let cancelled = false;
    void loadChartJs().then(({ Chart: ChartJs }) => {
      const el = canvas.current;
      if (cancelled || !el) return;
      const text = cssVar('--text-muted', '#555');
      const grid = cssVar('--border', '#ddd');
      chart.current = new ChartJs(el, {
        type: 'bar',
        data: { labels: [], datasets: [{ label: unit, data: [], backgroundColor: cssVar('--chart-1', '#2f6db5'), borderRadius: 3, maxBarThickness: 28 }] },
        options: {
          indexAxis: horizontal ? 'y' : 'x',
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          plugins: { legend: { display: false }, tooltip: { callbacks: { label: (item) => `${formatNumber(Number(item.raw))} ${unit}` } } },
          scales: {
            x: { ticks: { color: text, precision: 0 }, grid: { color: grid } },
            y: { ticks: { color: text, precision: 0 }, grid: { color: grid }, beginAtZero: true },
          },
        },
      });
      draw();
    });
    return () => {
      cancelled = true;
      chart.current?.destroy();
      chart.current = null;
    };
  }, [horizontal, unit, hasData]);

  useEffect(draw, [labels, values]);

  return (
    <figure class="chart" data-testid={testId}>
      <div class="chart-box">
        <canvas ref={canvas} role="img" aria-label={title} />
      </div>
      <table class="visually-hidden">
        <caption>{title}</caption>
        <tbody>
          {labels.map((l, i) => (
            <tr key={l}>
              <th scope="row">{l}</th>
              <td>
                {formatNumber(values[i] ?? 0)} {unit}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
