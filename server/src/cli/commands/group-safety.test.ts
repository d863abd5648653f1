import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeploymentSpec } from '@patchwave/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openTestApp, type TestApp } from '../../testing/test-app.js';
import { runCli } from '../main.js';
import type { Io } from '../output.js';
import { specFromFlags } from './deploy-spec.js';

vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

describe('patchwave group safety against a real server', () => {
  let t: TestApp;
  let server: string;
  let home: string;

  beforeEach(async () => {
    t = await openTestApp({ deploymentLoop: false });
    server = await t.app.listen({ host: '127.0.0.1', port: 0 });
    home = mkdtempSync(join(tmpdir(), 'patchwave-group-cli-'));
  });
  afterEach(async () => {
    await t.close();
    rmSync(home, { recursive: true, force: true });
  });

  async function cli(args: string[], token = t.adminToken) {
    let out = '';
    let err = '';
    const io: Io = { out: (s) => void (out += s), err: (s) => void (err += s), env: { PATCHWAVE_CLI_CONFIG: join(home, 'cli.json'), PATCHWAVE_SERVER_URL: server, PATCHWAVE_API_TOKEN: token } };
    const code = await runCli(args, io);
    return { code, out, err };
  }

  it('sets from a file, shows one group and all, clears, and reports bad files and refusals clearly', async () => {
    const file = join(home, 'db.json');
    writeFileSync(
      file,
      JSON.stringify({
        holds: [{ name: 'postgresql-16', reason: 'DBA sign-off' }, { name: 'openssl', manager: 'apt', versionRange: '>=3.0 <3.1' }],
        probes: [{ kind: 'http', name: 'web', url: 'http://127.0.0.1:8080/health', expectStatus: [200] }, { kind: 'tcp', name: 'pg', port: 5432 }],
        preflight: { minFreeDiskMb: 1000, pendingReboot: 'skip' },
      }),
    );
    const set = await cli(['group', 'safety', 'set', 'db', '--file', file]);
    expect(set.code, set.err).toBe(0);
    expect(set.out).toContain('set safety settings of group db');
    expect(set.out).toContain('hold   postgresql-16  never change — DBA sign-off');
    expect(set.out).toContain('hold   openssl (apt)  only >=3.0 <3.1');
    expect(set.out).toContain('probe  web  http http://127.0.0.1:8080/health -> 200 (timeout 5000 ms)');
    expect(set.out).toContain('probe  pg  tcp 127.0.0.1:5432 (timeout 5000 ms)');
    expect(set.out).toContain('preflight  free disk >= 1000 MiB, lock free: required, AC power: no, pending reboot: skip');

    const everyone = join(home, 'all.json');
    writeFileSync(everyone, JSON.stringify({ probes: [{ kind: 'service', name: 'ssh', service: 'ssh' }] }));
    expect((await cli(['group', 'safety', 'set', '*', '--file', everyone])).code).toBe(0);
    const shown = await cli(['group', 'safety', 'show', 'db', '--json']);
    expect(JSON.parse(shown.out)).toMatchObject({ group: 'db', settings: { holds: [{ name: 'postgresql-16' }, { name: 'openssl' }] } });
    const all = await cli(['group', 'safety', 'show']);
    expect(all.out).toMatch(/^group \* \(updated .*\)\n {2}probe {2}ssh {2}service ssh/);
    expect(all.out).toContain('group db (updated');

    const bad = join(home, 'bad.json');
    writeFileSync(bad, JSON.stringify({ probes: [{ kind: 'tcp', name: 'pg', port: 0 }] }));
    const refused = await cli(['group', 'safety', 'set', 'db', '--file', bad]);
    expect(refused.code).toBe(1);
    expect(refused.err).toBe('patchwave: E_VALIDATION: body.probes.0.port: port must be between 1 and 65535 (got 0)\n');
    expect((await cli(['group', 'safety', 'set', 'db'])).err).toContain('give the settings with --file SETTINGS.json');
    const auditor = await t.tokenWithRole('auditor');
    expect((await cli(['group', 'safety', 'clear', 'db'], auditor)).err).toContain('E_FORBIDDEN: this route needs the operator role');

    const cleared = await cli(['group', 'safety', 'clear', 'db']);
    expect(cleared.out).toBe('cleared safety settings of group db\n');
    const missing = await cli(['group', 'safety', 'show', 'db']);
    expect(missing.code).toBe(1);
    expect(missing.err).toBe('patchwave: E_NOT_FOUND: group db has no safety settings\n');
    expect((await cli(['group', 'nope'])).code).toBe(2);
  });

  it('asks for a rollback on health failure from deploy flags', () => {
    expect(DeploymentSpec.parse(specFromFlags({ 'security-only': true, tag: ['web'], 'rollback-on-health-failure': true })).rollbackOnHealthFailure).toBe(true);
    expect(DeploymentSpec.parse(specFromFlags({ 'security-only': true, tag: ['web'] })).rollbackOnHealthFailure).toBe(false);
  });
});
