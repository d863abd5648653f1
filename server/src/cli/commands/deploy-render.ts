import type { DeploymentList, DeploymentPlanView, DeploymentView, DeviceJobView, RollbackView } from '@patchwave/shared';
import { keyValues, safe, shortTime, table } from '../output.js';

const OPEN = ['pending', 'offered', 'accepted', 'running'] as const;
const FAILED = ['failed', 'timed_out', 'interrupted'] as const;
const sum = (counts: Record<string, number>, keys: readonly string[]) => keys.reduce((n, k) => n + (counts[k] ?? 0), 0);

/** `running (wave 2 of 3: pilot)`. */
export function stateLine(d: DeploymentView): string {
  if (d.currentWave === null) return d.state;
  const wave = d.waves[d.currentWave];
  return `${d.state} (wave ${d.currentWave + 1} of ${d.waveCount}${wave ? `: ${wave.name}` : ''})`;
}

export function renderStatus(d: DeploymentView): string {
  const counts = d.counts;
  const head = keyValues([
    ['deployment', `${d.id}  "${d.name}"`],
    ['state', stateLine(d)],
    ...(d.haltReason ? ([['halted because', d.haltReason]] as [string, unknown][]) : []),
    ['what', d.spec.what.kind === 'packages' ? d.spec.what.packages.map((p) => `${p.name}${p.version ? `=${p.version}` : ''}`).join(', ') : d.spec.what.kind === 'advisories' ? d.spec.what.ids.join(', ') : `${d.spec.what.kind} updates`],
    [
      'devices',
      d.startedAt
        ? `${d.targetCount} targets: ${counts.succeeded ?? 0} succeeded, ${sum(counts, FAILED)} failed, ${sum(counts, OPEN)} open, ${counts.skipped ?? 0} skipped, ${counts.rolled_back ?? 0} rolled back`
        : 'targets are resolved and split into waves when it starts (a dry run shows them now)',
    ],
    ['approval', d.approval ? `${d.approval.approvedBy} at ${shortTime(d.approval.approvedAt)}${d.approval.changeRecord ? ` (${d.approval.changeRecord})` : ''}` : d.spec.approval.required ? 'required, not yet given' : 'not required'],
    ['created', `${shortTime(d.createdAt)} by ${d.createdBy}`],
    ['started', d.startedAt ? shortTime(d.startedAt) : '-'],
    ['finished', d.finishedAt ? shortTime(d.finishedAt) : '-'],
  ]);
  const waves = table(
    ['WAVE', 'NAME', 'STATE', 'DEVICES', 'OK', 'FAILED', 'OPEN', 'GATE'],
    d.waves.map((w) => [w.index, w.name, w.state, w.deviceCount, w.counts.succeeded ?? 0, sum(w.counts, FAILED), sum(w.counts, OPEN), w.gate ? `${w.gate.verdict}: ${w.gate.reason}` : '-']),
  );
  return `${head}\n${waves}`;
}

export function renderList(page: DeploymentList): string {
  if (page.items.length === 0) return page.total === 0 ? 'no deployments\n' : `no deployments on this page (${page.total} in total)\n`;
  return table(
    ['ID', 'NAME', 'STATE', 'WAVE', 'TARGETS', 'OK', 'FAILED', 'CREATED'],
    page.items.map((d) => [d.id, d.name, d.state, d.currentWave === null ? '-' : `${d.currentWave + 1}/${d.waveCount}`, d.targetCount, d.counts.succeeded ?? 0, sum(d.counts, FAILED), shortTime(d.createdAt)]),
  );
}

export function renderPlan(p: DeploymentPlanView): string {
  const s = p.summary;
  const lines = [`dry run of ${p.deploymentId} (asked ${shortTime(p.requestedAt)}): ${s.devices} devices, ${s.ready} answered, ${s.withChanges} with changes, ${s.withUnresolved} with unresolved packages, ${s.flagged} flagged, ${s.failed} failed, ${s.pending} waiting\n`];
  for (const d of p.devices) {
    lines.push(`\n${safe(d.hostname ?? d.deviceId)} (wave ${d.wave ?? '-'}): ${d.status}${d.message ? ` — ${safe(d.message)}` : ''}\n`);
    for (const plan of d.plans) {
      for (const c of plan.changes) lines.push(`  ${plan.manager}  ${c.kind.padEnd(9)} ${safe(c.name)} ${safe(c.from ?? '-')} -> ${safe(c.to ?? '-')}\n`);
      for (const u of plan.unresolved) lines.push(`  ${plan.manager}  unresolved ${safe(u.name)}: ${u.code} ${safe(u.message)}\n`);
      if (plan.changes.length === 0 && plan.unresolved.length === 0) lines.push(`  ${plan.manager}  nothing to change\n`);
    }
    for (const f of d.flags) lines.push(`  FLAG ${f.kind}: ${safe(f.message)}\n`);
  }
  return lines.join('');
}

export function renderDevices(items: readonly DeviceJobView[]): string {
  if (items.length === 0) return 'no device jobs\n';
  return table(
    ['DEVICE', 'HOST', 'WAVE', 'KIND', 'STATE', 'PACKAGES', 'REBOOT', 'EVIDENCE', 'MESSAGE'],
    items.map((j) => [
      j.deviceId,
      j.hostname ?? '-',
      j.wave,
      j.kind,
      j.outcome?.label ?? j.state,
      j.result ? j.result.packages.map((p) => `${p.name} ${p.before ?? '-'}->${p.after ?? '-'}${p.ok ? '' : ' (failed)'}`).join(', ') || '-' : '-',
      j.result ? (j.result.reboot.performed ? 'done' : j.result.reboot.required ? 'required' : 'no') : '-',
      j.evidence ? (j.evidence.verified ? 'inventory verified' : 'inventory pending') : '-',
      [j.errorCode, j.message].filter(Boolean).join(' ') || '-',
    ]),
  );
}

export function renderRollback(r: RollbackView): string {
  const lines = [`rollback of ${r.deploymentId}: ${r.jobs.length} device(s) get a rollback job\n`];
  for (const j of r.jobs) lines.push(`  ${j.deviceId} (wave ${j.wave}): ${j.packages} package(s), job ${j.jobId}\n`);
  for (const s of r.skipped) lines.push(`  ${s.deviceId}: skipped — ${safe(s.reason)}\n`);
  return lines.join('');
}
