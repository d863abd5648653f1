import { describe, expect, it } from 'vitest';
import { GroupSafetySettings, parseGroupSafetySettings, SafetyGroup } from './group-safety.js';

const issues = (input: unknown) => {
  const res = parseGroupSafetySettings(input);
  if (res.ok) throw new Error('expected a refusal');
  return res.issues;
};

describe('group safety settings', () => {
  it('fills defaults and accepts every probe kind', () => {
    const s = GroupSafetySettings.parse({
      holds: [{ name: 'openssl', manager: 'apt', versionRange: '>=3.0 <3.1', reason: 'certified' }],
      probes: [
        { kind: 'http', name: 'web', url: 'https://127.0.0.1:8443/health', expectStatus: [200, 204] },
        { kind: 'tcp', name: 'db', port: 5432 },
        { kind: 'service', name: 'ssh', service: 'ssh.service' },
        { kind: 'process', name: 'nginx', process: 'nginx' },
      ],
      preflight: { pendingReboot: 'skip' },
    });
    expect(s.probes[1]).toEqual({ kind: 'tcp', name: 'db', host: '127.0.0.1', port: 5432, timeoutMs: 5000 });
    expect(s.preflight).toEqual({ minFreeDiskMb: 500, requireLockFree: true, requireAcPower: false, pendingReboot: 'skip' });
    expect(GroupSafetySettings.parse({})).toEqual({ holds: [], probes: [] });
  });

  it('names the field and says what is wrong', () => {
    expect(issues({ probes: [{ kind: 'tcp', name: 'db', port: 0 }] })).toEqual([{ path: 'probes.0.port', message: 'port must be between 1 and 65535 (got 0)' }]);
    expect(issues({ probes: [{ kind: 'http', name: 'web', url: 'not a url' }] })).toEqual([
      { path: 'probes.0.url', message: 'url must be an absolute http:// or https:// URL without credentials, e.g. http://127.0.0.1:8080/health' },
    ]);
    expect(issues({ probes: [{ kind: 'http', name: 'web', url: 'ftp://example.org/' }] })[0]?.path).toBe('probes.0.url');
    expect(issues({ holds: [{ name: 'openssl', versionRange: '3.0' }] })).toEqual([{ path: 'holds.0.versionRange', message: 'versionRange is comparisons like ">=1.4 <2.0"' }]);
    expect(issues({ holds: [{ name: '-rf' }] })[0]?.path).toBe('holds.0.name');
    expect(issues({ preflight: { minFreeDiskMb: -1 } })).toEqual([{ path: 'preflight.minFreeDiskMb', message: 'minFreeDiskMb must be 0 or more' }]);
    expect(issues({ probe: [] })).toEqual([{ path: '(settings)', message: 'unknown field(s) "probe": expected holds, probes, preflight, settleMs' }]);
  });

  it('refuses duplicate probe names and duplicate holds', () => {
    expect(
      issues({
        probes: [
          { kind: 'tcp', name: 'db', port: 5432 },
          { kind: 'tcp', name: 'db', port: 5433 },
        ],
        holds: [{ name: 'openssl', manager: 'apt' }, { name: 'openssl', manager: 'apt', versionRange: '<3.1' }, { name: 'openssl', manager: 'dnf' }],
      }),
    ).toEqual([
      { path: 'probes.1.name', message: 'probe name "db" is already used by probes.0' },
      { path: 'holds.1.name', message: 'package "openssl" (apt) is already held by holds.0; merge the two into one hold' },
    ]);
  });

  it('takes * or a group name', () => {
    expect(SafetyGroup.parse('*')).toBe('*');
    expect(SafetyGroup.parse('db-eu')).toBe('db-eu');
    expect(SafetyGroup.safeParse('two words').success).toBe(false);
  });
});
