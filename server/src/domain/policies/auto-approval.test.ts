import { AutoApprovalRules, type ManagerPlan } from '@patchwave/shared';
import { describe, expect, it } from 'vitest';
import { evaluateAutoApproval, isMajorJump, majorOf, type DevicePlanInput, type SelectedChange } from './auto-approval.js';

const rules = (over: object = {}) => AutoApprovalRules.parse({ enabled: true, essentialPackages: ['openssh-server', 'postgresql*'], ...over });
const sel = (name: string, over: Partial<SelectedChange> = {}): SelectedChange => ({ manager: 'apt', name, severity: 'high', security: true, ...over });
const plan = (changes: ManagerPlan['changes'], unresolved: ManagerPlan['unresolved'] = []): ManagerPlan => ({ manager: 'apt', changes, unresolved, notes: [] });
const up = (name: string, from = '1.0-1', to = '1.0-2') => ({ kind: 'upgrade' as const, name, arch: 'amd64', from, to });
const device = (plans: ManagerPlan[], selected: SelectedChange[], over: Partial<DevicePlanInput> = {}): DevicePlanInput => ({ deviceId: 'd1', status: 'ready', plans, selected, ...over });
const judge = (devices: DevicePlanInput[], r = rules()) => evaluateAutoApproval(r, devices, new Set(devices.flatMap((d) => d.selected.map((s) => s.name))));

describe('auto-approval rules', () => {
  it('approves a routine security update', () => {
    expect(judge([device([plan([up('openssl')])], [sel('openssl')])])).toEqual({ kind: 'approve', checked: 1 });
  });

  it('waits while a dry run is pending', () => {
    expect(judge([device([], [sel('openssl')], { status: 'pending' })])).toEqual({ kind: 'wait', pending: 1 });
    expect(judge([device([], [sel('openssl')], { status: 'unreachable' })])).toEqual({ kind: 'wait', pending: 1 });
    // No dry run at all is never an approval.
    expect(judge([])).toEqual({ kind: 'wait', pending: 0 });
  });

  it('blocks a removal anywhere in the plan, even with a new dependency installed alongside', () => {
    const v = judge([
      device([plan([up('pw-a', '1.0', '1.1'), { kind: 'install', name: 'pw-b', arch: 'all', from: null, to: '1.0' }, { kind: 'remove', name: 'pw-c', arch: 'all', from: '1.0', to: null }])], [sel('pw-a')]),
    ]);
    expect(v.kind === 'hold' && v.blockers.map((b) => [b.rule, b.package])).toEqual([['removal', 'pw-c']]);
  });

  it('blocks a change to an essential package, matched by pattern', () => {
    const v = judge([device([plan([up('postgresql-16')])], [sel('postgresql-16')])]);
    expect(v.kind === 'hold' && v.blockers.map((b) => b.rule)).toEqual(['essential']);
  });

  it('blocks a major-version jump when configured, and not otherwise', () => {
    const jump = [device([plan([up('nodejs', '18.19.0-1', '20.11.1-1')])], [sel('nodejs')])];
    expect(judge(jump).kind).toBe('hold');
    expect(judge(jump, rules({ blockMajorVersionJump: false })).kind).toBe('approve');
    expect([majorOf('1:2.3-1'), majorOf('v10.2'), majorOf('abc'), isMajorJump('2.9', '3.0'), isMajorJump('1:2.0', '1:2.9')]).toEqual([2, 10, null, true, false]);
  });

  it('blocks severity above the limit, unknown severity when told to, and non-security changes when securityOnly', () => {
    expect(judge([device([plan([up('kernel')])], [sel('kernel', { severity: 'critical' })])]).kind).toBe('hold');
    expect(judge([device([plan([up('x')])], [sel('x', { severity: null })])]).kind).toBe('approve');
    expect(judge([device([plan([up('x')])], [sel('x', { severity: null })])], rules({ unknownSeverity: 'block' })).kind).toBe('hold');
    const v = judge([device([plan([up('vim')])], [sel('vim', { security: false })])]);
    expect(v.kind === 'hold' && v.blockers.map((b) => b.rule)).toEqual(['not-security']);
  });

  it('blocks upgrades the device did not select, failed dry runs and unresolved packages, and everything when disabled', () => {
    const extra = judge([device([plan([up('openssl'), up('libfoo')])], [sel('openssl')])]);
    expect(extra.kind === 'hold' && extra.blockers.map((b) => [b.rule, b.package])).toEqual([['not-selected', 'libfoo']]);
    const failed = judge([device([], [sel('openssl')], { status: 'failed', message: 'apt lock held' })]);
    expect(failed.kind === 'hold' && failed.blockers[0]?.message).toContain('no dry run from d1 (failed: apt lock held)');
    const unresolved = judge([device([plan([], [{ name: 'openssl', code: 'E_PKG_NOT_FOUND', message: 'no candidate' }])], [sel('openssl')])]);
    expect(unresolved.kind === 'hold' && unresolved.blockers.map((b) => b.rule)).toEqual(['unresolved']);
    expect(judge([device([plan([up('openssl')])], [sel('openssl')])], rules({ enabled: false }))).toMatchObject({ kind: 'hold', blockers: [{ rule: 'disabled' }] });
  });
});
