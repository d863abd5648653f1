import { compareVersions, schemeForManager, type ApprovalBlocker, type AutoApprovalRules, type ManagerName, type ManagerPlan, type PolicySeverity } from '@patchwave/shared';
import { matchesAny, severityRank } from './update-selection.js';

/**
 * Whether a policy run's deployment may be approved without a person: every planned change on
 * every device must pass the rules. A removal anywhere, a downgrade, a change to an essential
 * package, a major-version jump (when configured), an update more severe than `maxSeverity`, a
 * non-security upgrade (when `securityOnly`), an upgrade the policy did not select for that device,
 * a failed or unresolved dry run: each blocks, and each is reported with its device and package.
 * New packages pulled in as dependencies are allowed (they are installs, not changes).
 */

/** What the run selected on one device: its updates by name, with what the rules judge them on. */
export interface SelectedChange {
  manager: ManagerName;
  name: string;
  severity: PolicySeverity | null;
  security: boolean | 'unknown';
}

export interface DevicePlanInput {
  deviceId: string;
  status: 'pending' | 'ready' | 'failed' | 'unreachable';
  plans: readonly ManagerPlan[];
  message?: string | undefined;
  selected: readonly SelectedChange[];
}

export type ApprovalVerdict = { kind: 'wait'; pending: number } | { kind: 'approve'; checked: number } | { kind: 'hold'; blockers: ApprovalBlocker[] };

/** The major version: the first number of the upstream part (epoch and revision dropped). `1:2.3-1` → 2. */
export function majorOf(version: string): number | null {
  const noEpoch = version.includes(':') ? version.slice(version.indexOf(':') + 1) : version;
  const m = /^v?(\d+)/.exec(noEpoch);
  return m ? Number(m[1]) : null;
}

export function isMajorJump(from: string | null, to: string | null): boolean {
  if (from === null || to === null) return false;
  const a = majorOf(from);
  const b = majorOf(to);
  return a !== null && b !== null && b > a;
}

export function evaluateAutoApproval(rules: AutoApprovalRules, devices: readonly DevicePlanInput[], runNames: ReadonlySet<string>): ApprovalVerdict {
  // An offline device's dry run waits for it to connect; its plan job times out after its validity (then: plan-failed).
  const pending = devices.filter((d) => d.status === 'pending' || d.status === 'unreachable').length;
  if (pending > 0) return { kind: 'wait', pending };
  if (devices.length === 0) return { kind: 'wait', pending: 0 };
  if (!rules.enabled) return { kind: 'hold', blockers: [{ rule: 'disabled', message: 'auto-approval is off for this policy: every run waits for an approver' }] };
  const blockers: ApprovalBlocker[] = [];
  let checked = 0;
  for (const d of devices) {
    const block = (b: Omit<ApprovalBlocker, 'deviceId'>) => blockers.push({ deviceId: d.deviceId, ...b });
    if (d.status !== 'ready') {
      block({ rule: 'plan-failed', message: `no dry run from ${d.deviceId} (${d.status}${d.message ? `: ${d.message}` : ''}); its changes are unknown` });
      continue;
    }
    for (const plan of d.plans) {
      for (const u of plan.unresolved) block({ rule: 'unresolved', package: u.name, message: `${u.name} did not resolve on ${d.deviceId}: ${u.message}` });
      for (const c of plan.changes) {
        checked++;
        const what = `${c.name} ${c.from ?? '(new)'} → ${c.to ?? '(removed)'} on ${d.deviceId}`;
        if (c.kind === 'remove' || c.to === null) {
          block({ rule: 'removal', package: c.name, message: `the plan removes ${c.name}${c.from ? ` ${c.from}` : ''} on ${d.deviceId}; a removal always waits for an approver` });
          continue;
        }
        if (c.kind === 'downgrade' || (c.from !== null && compareVersions(schemeForManager(plan.manager), c.to, c.from) < 0)) {
          block({ rule: 'downgrade', package: c.name, message: `the plan downgrades ${what}` });
        }
        if (matchesAny(rules.essentialPackages, c.name)) block({ rule: 'essential', package: c.name, message: `${what} changes an essential package` });
        if (rules.blockMajorVersionJump && isMajorJump(c.from, c.to)) block({ rule: 'major-version', package: c.name, message: `${what} is a major-version jump` });
        const sel = d.selected.find((s) => s.name === c.name && s.manager === plan.manager);
        if (!sel) {
          // A new dependency is an install; an upgrade or a package the run selected elsewhere is not this device's selection.
          if (c.from !== null || runNames.has(c.name)) {
            block({ rule: 'not-selected', package: c.name, message: `${what} is not in this device's selection (deferred or outside the policy's selection)` });
          }
          continue;
        }
        if (rules.securityOnly && sel.security !== true) block({ rule: 'not-security', package: c.name, message: `${what} is not a security update` });
        if (sel.severity === null) {
          if (rules.unknownSeverity === 'block') block({ rule: 'severity', package: c.name, message: `${what} has no severity rating and unknown severities wait for an approver` });
        } else if (severityRank(sel.severity) > severityRank(rules.maxSeverity)) {
          block({ rule: 'severity', package: c.name, message: `${what} is rated ${sel.severity}, above the auto-approval limit ${rules.maxSeverity}` });
        }
      }
    }
  }
  return blockers.length ? { kind: 'hold', blockers } : { kind: 'approve', checked };
}
