import type { PolicyList, PolicyRunList, PolicyRunView, PolicyView } from '@patchwave/shared';

const recurrence = (p: PolicyView): string => {
  const r = p.spec.schedule.recurrence;
  const tz = p.spec.schedule.timeZone === 'device' ? `device time (fallback ${p.spec.schedule.fallbackTimeZone})` : p.spec.schedule.timeZone;
  switch (r.kind) {
    case 'weekly':
      return `every ${r.days.join(', ')} at ${r.time} ${tz}`;
    case 'monthly-nth':
      return `the ${r.nth === 'last' ? 'last' : `#${r.nth}`} ${r.weekday} of each month at ${r.time} ${tz}`;
    case 'once':
      return `once on ${r.date} at ${r.time} ${tz}`;
    case 'cron':
      return `cron "${r.expression}" ${tz}`;
  }
};

export function runLine(r: PolicyRunView): string {
  const what = r.deploymentId ? ` deployment ${r.deploymentId}${r.deploymentState ? ` (${r.deploymentState})` : ''}` : '';
  return `${r.startedAt}  ${r.trigger.padEnd(8)} ${r.outcome.padEnd(18)} ${r.devices} device(s), ${r.packages} update(s), ${r.deferred} deferred${what}`;
}

export function renderPolicy(p: PolicyView): string {
  const a = p.spec.autoApproval;
  const lines = [
    `${p.name}  (${p.id})  ${p.state}${p.state === 'paused' ? ` since ${p.pausedAt} by ${p.pausedBy}: ${p.pauseReason}` : ''}`,
    `  schedule:  ${recurrence(p)}`,
    `  scope:     ${[p.spec.scope.tags.length ? `tags ${p.spec.scope.tags.join(', ')}` : '', p.spec.scope.groups.length ? `groups ${p.spec.scope.groups.join(', ')}` : '', p.spec.scope.os.length ? `os ${p.spec.scope.os.map((o) => [o.platform, o.id, o.release].filter(Boolean).join(':')).join(', ')}` : ''].filter(Boolean).join('; ')}`,
    `  selection: ${p.spec.selection.updates} updates${p.spec.selection.minSeverity ? `, severity ≥ ${p.spec.selection.minSeverity}` : ''}; deferral ${p.spec.deferral.days} day(s)${p.spec.deferral.expedite.kev ? ', KEV skips it' : ''}${p.spec.deferral.expedite.priorities.length ? `, ${p.spec.deferral.expedite.priorities.join('/')} skip it` : ''}`,
    `  waves:     ${p.spec.waves.map((w) => `${w.name} (${w.select.kind === 'percent' ? `${w.select.percent}%` : w.select.kind === 'tags' ? `tags ${w.select.tags.join('+')}` : 'rest'})`).join(' → ')}`,
    `  approval:  ${a.enabled ? `automatic when every planned change is ${a.securityOnly ? 'a security update ' : ''}rated ≤ ${a.maxSeverity}${a.blockMajorVersionJump ? ', no major-version jump' : ''}, no removal${a.essentialPackages.length ? `, not ${a.essentialPackages.join(', ')}` : ''}` : 'always by an approver'}`,
  ];
  for (const n of p.nextRuns) lines.push(`  next run:  ${n.at}  ${n.timeZone}${n.fallback ? ' (fallback)' : ''}, ${n.devices} device(s)`);
  for (const n of p.notes) lines.push(`  note:      ${n}`);
  if (p.lastRun) lines.push(`  last run:  ${runLine(p.lastRun)}`);
  return `${lines.join('\n')}\n`;
}

export function renderPolicyList(list: PolicyList): string {
  if (list.items.length === 0) return 'no policies\n';
  return `${list.items.map((p) => `${p.name.padEnd(28)} ${p.state.padEnd(7)} next ${p.nextRuns[0]?.at ?? '-'}  last ${p.lastRun ? `${p.lastRun.outcome} ${p.lastRun.startedAt}` : '-'}  ${p.id}`).join('\n')}\n`;
}

export function renderRun(r: PolicyRunView): string {
  const lines = [runLine(r), ...r.reasons.map((x) => `    ${x}`), ...r.blockers.map((b) => `    ✗ ${b.rule}: ${b.message}`)];
  return `${lines.join('\n')}\n`;
}

export function renderRuns(list: PolicyRunList): string {
  if (list.items.length === 0) return 'no runs yet\n';
  return `${list.items.map(renderRun).join('')}${list.total > list.items.length ? `(${list.items.length} of ${list.total})\n` : ''}`;
}
