import type { DeviceDetail } from '@patchwave/shared';
import type { ComponentChildren } from 'preact';
import { DateTime } from '../../components/time.js';
import { formatBytes, formatDuration, formatNumber, osLabel } from '../../format.js';

const FACT_COUNT = 15;

function rebootText(d: DeviceDetail): string {
  if (!d.reboot) return '—';
  const reasons = d.reboot.reasons.length > 0 ? `: ${d.reboot.reasons.join('; ')}` : '';
  if (d.reboot.required === true) return `required${reasons}`;
  return d.reboot.required === 'unknown' ? `cannot tell${reasons}` : 'not required';
}

function factRows(d: DeviceDetail): [string, ComponentChildren][] {
  const f = d.facts;
  const disks = f.disks.map((k) => `${k.mount} ${formatBytes(k.usedBytes)} of ${formatBytes(k.sizeBytes)}`).join(', ');
  return [
    ['Operating system', `${osLabel(d.os)}${f.os.codename ? ` (${f.os.codename})` : ''}`],
    ['Kernel', f.os.kernel || '—'],
    ['Architecture', d.arch],
    ['Hardware', [f.hardware.manufacturer, f.hardware.model].filter(Boolean).join(' ') + (f.hardware.virtual ? ' (virtual)' : '') || '—'],
    ['CPU', `${f.hardware.cpu.brand} · ${f.hardware.cpu.cores} cores`],
    ['Memory', formatBytes(f.hardware.memoryBytes)],
    ['Disks', disks || '—'],
    ['Addresses', f.network.filter((n) => !n.internal).flatMap((n) => n.ipv4).join(', ') || '—'],
    ['Uptime', formatDuration(f.uptimeSeconds)],
    ['Reboot', rebootText(d)],
    ['Agent', d.agentVersion],
    ['Package managers', d.managers.map((m) => `${m.name}${m.version ? ` ${m.version}` : ''}${m.ok ? '' : ' (failing)'}`).join(', ') || '—'],
    ['Enrolled', <DateTime iso={d.enrolledAt} />],
    ['Last inventory', <DateTime iso={d.inventoryAt} />],
    ['Installed packages', formatNumber(d.counts.packages)],
  ];
}

/** Facts as the agent reported them. Every value is a text node: a hostile agent cannot inject markup. */
export function DeviceFacts({ device }: { device: DeviceDetail | undefined }) {
  const rows = device ? factRows(device) : Array.from({ length: FACT_COUNT }, (_, i): [string, ComponentChildren] => [`placeholder-${i}`, '\u00a0']);
  return (
    <section class="panel facts" aria-labelledby="facts-title">
      <h2 id="facts-title">Facts</h2>
      <dl class="facts-list" data-testid="device-facts">
        {rows.map(([k, v]) => (
          <div key={k} class="fact">
            <dt>{device ? k : '\u00a0'}</dt>
            <dd title={typeof v === 'string' ? v : undefined}>{v}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
