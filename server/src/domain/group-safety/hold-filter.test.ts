import { PatchwaveError, type JobPackage, type ManagerPlan } from '@patchwave/shared';
import { describe, expect, it } from 'vitest';
import { explicitHoldRefusal, filterHeld, planFlags } from './hold-filter.js';
import type { GroupHold } from './merge.js';

const pg: GroupHold = { name: 'postgresql-16', reason: 'DBA sign-off', group: 'db' };
const ssl: GroupHold = { name: 'openssl', manager: 'apt', versionRange: '>=3.0 <3.1', group: '*' };
const pkg = (name: string, version: string | null): JobPackage => ({ manager: 'apt', name, version, arch: 'amd64' });

describe('holds in the server selection', () => {
  it('leaves out held packages and candidates outside the allowed range', () => {
    const out = filterHeld([pkg('postgresql-16', '16.5-1'), pkg('openssl', '3.0.15-1'), pkg('curl', '8.5-1'), pkg('openssl', '3.1.0-1')], [pg, ssl]);
    expect(out.packages.map((p) => `${p.name} ${p.version}`)).toEqual(['openssl 3.0.15-1', 'curl 8.5-1']);
    expect(out.held.map((h) => `${h.pkg.name} ${h.pkg.version} <- ${h.hold.group}`)).toEqual(['postgresql-16 16.5-1 <- db', 'openssl 3.1.0-1 <- *']);
  });

  it('refuses a deployment naming a held package, naming package, group, reason and how many targets hold it', () => {
    const err = explicitHoldRefusal({ kind: 'packages', packages: [{ name: 'curl', version: null }, { name: 'postgresql-16', version: null }] }, [
      { deviceId: 'a', holds: [pg] },
      { deviceId: 'b', holds: [pg] },
      { deviceId: 'c', holds: [] },
    ]);
    expect(err).toBeInstanceOf(PatchwaveError);
    expect(err?.code).toBe('E_PKG_HELD');
    expect(err?.message).toBe(
      'refused: the deployment names a held package. what.packages.1: postgresql-16 is held: never to be changed (reason: DBA sign-off) by group db on 2 target devices; remove it from the deployment or exclude the group (targets.exclude.tags: ["group=db"])',
    );
    expect(err?.details).toEqual({
      issues: [{ path: 'what.packages.1', message: 'postgresql-16 is held: never to be changed (reason: DBA sign-off) by group db' }],
      held: [{ package: 'postgresql-16', group: 'db', reason: 'DBA sign-off', devices: 2 }],
    });
  });

  it('refuses a named version outside a range, lets one inside pass, and leaves "newest" to the per-device filter', () => {
    const targets = [{ deviceId: 'a', holds: [ssl] }];
    expect(explicitHoldRefusal({ kind: 'packages', packages: [{ name: 'openssl', version: '3.1.0-1', manager: 'apt' }] }, targets)?.message).toMatch(/group \* on 1 target device; the hold is on group \* \(every device\)/);
    expect(explicitHoldRefusal({ kind: 'packages', packages: [{ name: 'openssl', version: '3.0.15-1' }] }, targets)).toBeNull();
    expect(explicitHoldRefusal({ kind: 'packages', packages: [{ name: 'openssl', version: null }] }, targets)).toBeNull();
    expect(explicitHoldRefusal({ kind: 'packages', packages: [{ name: 'openssl', version: '3.2', manager: 'dnf' }] }, targets)).toBeNull();
    expect(explicitHoldRefusal({ kind: 'security' }, [{ deviceId: 'a', holds: [pg] }])).toBeNull();
  });

  it('flags removals and changes to held packages in a dry run', () => {
    const plans: ManagerPlan[] = [
      {
        manager: 'apt',
        changes: [
          { kind: 'upgrade', name: 'app', arch: 'all', from: '1.0', to: '1.1' },
          { kind: 'install', name: 'libnew', arch: 'all', from: null, to: '2.0' },
          { kind: 'remove', name: 'postgresql-16', arch: 'amd64', from: '16.4-1', to: null },
          { kind: 'upgrade', name: 'openssl', arch: 'amd64', from: '3.0.14-1', to: '3.0.15-1' },
        ],
        unresolved: [],
        notes: [],
      },
    ];
    const { removals, flags } = planFlags(plans, [pg, ssl]);
    expect(removals).toEqual([{ manager: 'apt', name: 'postgresql-16', arch: 'amd64', from: '16.4-1' }]);
    expect(flags).toEqual([
      { kind: 'removes-package', manager: 'apt', name: 'postgresql-16', message: 'the transaction removes postgresql-16 16.4-1' },
      { kind: 'changes-held-package', manager: 'apt', name: 'postgresql-16', message: 'remove of postgresql-16: postgresql-16 is held: never to be changed (reason: DBA sign-off) by group db' },
    ]);
  });
});
