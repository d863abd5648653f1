import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FLEET_SCENARIO } from '../jobs/__tests__/harness.js';
import { silentLogger } from '../log/logger.js';
import { SimulatedPackageManager } from '../pkg/simulated/adapter.js';
import { parseScenario } from '../pkg/simulated/scenario.js';
import { versionInRange as inRange } from '@patchwave/shared';
import { holdViolation, rulesFor } from './holds.js';
import { planRespectingHolds } from './plan-guard.js';

describe('version ranges use the manager’s own order', () => {
  it('dpkg: epochs and tildes', () => {
    expect(inRange('apt', '1:1.0-1', '>=2.0')).toBe(true); // the epoch wins
    expect(inRange('apt', '2.0~rc1', '>=2.0')).toBe(false); // ~ sorts before the release
    expect(inRange('apt', '1.4.2-1+deb12u1', '>=1.4 <1.5')).toBe(true);
  });
  it('rpm: release and version segments', () => {
    expect(inRange('dnf', '1.10-1.el9', '>1.9')).toBe(true); // numeric, not lexical
    expect(inRange('dnf', '2.0-1.el9', '<2.0-2')).toBe(true);
    expect(inRange('zypper', '3.0.7-150400.4.1', '=3.0.7-150400.4.1')).toBe(true);
  });
});

describe('holdViolation', () => {
  const rules = rulesFor(
    [
      { name: 'nginx', reason: 'certified build' },
      { name: 'openssl', manager: 'apt', versionRange: '>=3.0 <3.1' },
      { name: 'postgresql-15', manager: 'dnf' },
    ],
    'apt',
    ['linux-image-amd64'],
  );

  it('refuses any change to an absolute hold, names the reason, and keeps holds of other managers out', () => {
    expect(holdViolation(rules, 'apt', 'nginx', '1.24.0-2')).toBe('nginx is held and never changed here (held: certified build)');
    expect(holdViolation(rules, 'apt', 'postgresql-15', '15.6')).toBeUndefined();
    expect(holdViolation(rules, 'apt', 'linux-image-amd64', undefined)).toBe("linux-image-amd64 is held and never changed here (held by apt's own hold)");
  });

  it('allows versions inside a range, refuses versions outside it and removal', () => {
    expect(holdViolation(rules, 'apt', 'openssl', '3.0.13-1~deb12u1')).toBeUndefined();
    expect(holdViolation(rules, 'apt', 'openssl', '3.1.0-1')).toBe('openssl 3.1.0-1 is outside its allowed range >=3.0 <3.1 (held by the device group)');
    expect(holdViolation(rules, 'apt', 'openssl', null)).toBe('openssl is held to >=3.0 <3.1 and may not be removed (held by the device group)');
    expect(holdViolation(rules, 'apt', 'openssl', undefined)).toBeUndefined();
  });
});

describe('planRespectingHolds (simulated manager)', () => {
  const pm = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-holds-'));
    return { pm: new SimulatedPackageManager({ scenario: parseScenario(JSON.stringify(FLEET_SCENARIO), 'unit.json'), stateDir: dir, log: silentLogger() }), dir };
  };

  it('leaves held packages out of an "all" plan and says so', async () => {
    const { pm: m, dir } = pm();
    try {
      const unheld = await m.plan({ all: true });
      expect(unheld.changes.map((c) => c.name)).toContain('openssl');
      const plan = await planRespectingHolds(m, { all: true }, rulesFor([{ name: 'openssl' }], 'simulated'));
      expect(plan.changes.map((c) => c.name)).not.toContain('openssl');
      expect(plan.changes.length).toBe(unheld.changes.length - 1);
      expect(plan.notes).toContain('held, left out of the plan: openssl 3.0.13-1');
      expect(plan.selection).toEqual({ all: true });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a named held package E_PKG_HELD and plans the others', async () => {
    const { pm: m, dir } = pm();
    try {
      const plan = await planRespectingHolds(m, { packages: [{ name: 'openssl' }, { name: 'curl' }] }, rulesFor([{ name: 'openssl', versionRange: '<3.0.12' }], 'simulated'));
      expect(plan.changes.map((c) => c.name)).toEqual(['curl']);
      expect(plan.unresolved).toEqual([{ name: 'openssl', code: 'E_PKG_HELD', message: 'openssl 3.0.13-1 is outside its allowed range <3.0.12 (held by the device group)' }]);
      // The range is checked against what the tool would install: 3.0.13-1 is outside <3.0.12.
      const blocked = await planRespectingHolds(m, { packages: [{ name: 'openssl' }, { name: 'curl' }] }, rulesFor([{ name: 'openssl', versionRange: '<3.0.12' }, { name: 'curl' }], 'simulated'));
      expect(blocked.changes).toEqual([]);
      expect(blocked.unresolved.map((u) => [u.name, u.code])).toEqual([
        ['curl', 'E_PKG_HELD'],
        ['openssl', 'E_PKG_HELD'],
      ]);
      expect(blocked.unresolved[1]?.message).toContain('openssl 3.0.13-1 is outside its allowed range <3.0.12');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
