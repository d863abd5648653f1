import { describe, expect, it } from 'vitest';
import { JobAction } from './jobs.js';
import { HealthProbe, JobSafety, PackageHold, SafetyReport } from './safety.js';

const issues = (schema: { safeParse: (v: unknown) => { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } } }, value: unknown) => {
  const r = schema.safeParse(value);
  expect(r.success).toBe(false);
  return r.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
};

describe('job safety: bad input is refused with a clear message naming the field', () => {
  it('an invalid probe URL', () => {
    for (const url of ['not a url', 'ftp://example.com/health', 'http://user:pw@127.0.0.1/health', '/health']) {
      expect(issues(JobSafety, { probes: [{ kind: 'http', name: 'web', url }] })).toEqual([
        'probes.0.url: url must be an absolute http:// or https:// URL without credentials, e.g. http://127.0.0.1:8080/health',
      ]);
    }
  });

  it('port 0, a port above 65535, a fractional port', () => {
    expect(issues(JobSafety, { probes: [{ kind: 'tcp', name: 'db', port: 0 }] })).toEqual(['probes.0.port: port must be between 1 and 65535 (got 0)']);
    expect(issues(HealthProbe, { kind: 'tcp', name: 'db', port: 70000 })).toEqual(['port: port must be between 1 and 65535 (got 70000)']);
    expect(issues(HealthProbe, { kind: 'tcp', name: 'db', port: 80.5 })).toEqual(['port: port must be a whole number']);
  });

  it('shell metacharacters in a service or process name, a timeout out of bounds, a bad range', () => {
    expect(issues(HealthProbe, { kind: 'service', name: 'x', service: 'nginx; rm -rf /' })[0]).toMatch(/^service: service names are 1-128 characters/);
    expect(issues(HealthProbe, { kind: 'process', name: 'x', process: '-e' })[0]).toMatch(/^process: process names are/);
    expect(issues(HealthProbe, { kind: 'tcp', name: 'x', port: 22, timeoutMs: 10 })).toEqual(['timeoutMs: timeoutMs must be at least 100']);
    expect(issues(PackageHold, { name: 'openssl', versionRange: '3.0' })).toEqual(['versionRange: versionRange is comparisons like ">=1.4 <2.0"']);
    expect(issues(JobSafety, { settleMs: -1 })).toEqual(['settleMs: settleMs must be 0 or more']);
  });

  it('an apply job carrying a bad probe is refused as a whole', () => {
    const action = { kind: 'apply', packages: [{ manager: 'apt', name: 'nginx', version: null }], rebootPolicy: { mode: 'never' }, safety: { probes: [{ kind: 'tcp', name: 'web', port: 0 }] } };
    expect(issues(JobAction, action)).toEqual(['safety.probes.0.port: port must be between 1 and 65535 (got 0)']);
  });

  it('defaults: 5 s probe timeout, loopback TCP host, no holds, no rollback', () => {
    expect(JobSafety.parse({ probes: [{ kind: 'tcp', name: 'ssh', port: 22 }] })).toEqual({
      probes: [{ kind: 'tcp', name: 'ssh', host: '127.0.0.1', port: 22, timeoutMs: 5_000 }],
      holds: [],
      rollbackOnHealthFailure: false,
    });
  });

  it('a plan job may carry holds', () => {
    expect(JobAction.parse({ kind: 'plan', selection: { kind: 'all' }, holds: [{ name: 'nginx', reason: 'certified' }] })).toMatchObject({ holds: [{ name: 'nginx' }] });
  });

  it('a safety report round-trips', () => {
    const report = {
      preflight: [{ check: 'disk', ok: true, detail: '900 MiB free on /usr' }],
      before: [{ name: 'web', kind: 'http', ok: true, detail: 'HTTP 200', ms: 3 }],
      after: [{ name: 'web', kind: 'http', ok: false, detail: 'HTTP 500 (expected 2xx)', ms: 4 }],
      broken: ['web'],
      autoRollback: { status: 'succeeded', message: 'restored svc-config 1.0', after: [{ name: 'web', kind: 'http', ok: true, detail: 'HTTP 200', ms: 2 }] },
    };
    expect(SafetyReport.parse(report)).toEqual(report);
  });
});
