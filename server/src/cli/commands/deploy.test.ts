import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeploymentSpec } from '@patchwave/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { enrollDevice } from '../../testing/enroll.js';
import { sampleFacts } from '../../testing/facts.js';
import { openTestApp, type TestApp } from '../../testing/test-app.js';
import { runCli } from '../main.js';
import type { Io } from '../output.js';
import { bodyFromFileOrFlags, specFromFlags, wavesOf, type SpecFlags } from './deploy-spec.js';

vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

describe('deploy create flags', () => {
  it('turns the common case into a valid three-wave spec', () => {
    const spec = specFromFlags({ 'security-only': true, tag: ['web'], waves: '5%,25%,rest', 'min-success': '95', soak: '10m', reboot: 'never' });
    const parsed = DeploymentSpec.parse(spec);
    expect(parsed.what).toEqual({ kind: 'security' });
    expect(parsed.targets.tags).toEqual(['web']);
    expect(parsed.waves).toEqual([
      { name: 'canary', select: { kind: 'percent', percent: 5 }, gates: { minSuccessRate: 95, soakMinutes: 10 } },
      { name: 'pilot', select: { kind: 'percent', percent: 25 }, gates: { minSuccessRate: 95, soakMinutes: 10 } },
      { name: 'broad', select: { kind: 'rest' }, gates: { minSuccessRate: 95, soakMinutes: 10 } },
    ]);
    expect(parsed.rebootPolicy).toEqual({ mode: 'never' });
    expect(parsed.name).toBe('security updates for web');
  });

  it('reads packages, windows, seconds and reboot deadlines', () => {
    const spec = DeploymentSpec.parse(
      specFromFlags({ package: ['openssl=3.0.13-1', 'curl'], group: ['db'], waves: 'tag:canary,rest', soak: '90s', window: ['* * * * *|30s|UTC|db'], reboot: 'deadline:2h', 'require-approval': true, 'change-record': 'CHG-1' }),
    );
    expect(spec.what).toEqual({ kind: 'packages', packages: [{ name: 'openssl', version: '3.0.13-1' }, { name: 'curl', version: null }] });
    expect(spec.waves.map((w) => w.select)).toEqual([{ kind: 'tags', tags: ['canary'] }, { kind: 'rest' }]);
    expect(spec.waves[0]?.gates.soakMinutes).toBe(1.5);
    expect(spec.schedule.windows).toEqual([{ cron: '* * * * *', durationMinutes: 0.5, timeZone: 'UTC', group: 'db' }]);
    expect(spec.rebootPolicy).toEqual({ mode: 'deadline', withinMinutes: 120 });
    expect(spec.approval).toEqual({ required: true, changeRecord: 'CHG-1' });
  });

  it('names what is wrong', () => {
    expect(() => wavesOf('rest,5%')).toThrow('--waves: "rest" must be the last wave (got "rest,5%")');
    expect(() => wavesOf('5,rest')).toThrow('--waves: "5" is not a wave; use a percentage (5%), tag:NAME or rest');
    expect(() => specFromFlags({ 'min-success': 'most' })).toThrow('--min-success: expected a number, got "most"');
    expect(() => specFromFlags({ soak: 'a while' })).toThrow('--soak: expected a duration like 90s, 10m, 2h or 1d, got "a while"');
    expect(() => specFromFlags({ all: true, 'security-only': true })).toThrow('choose one of --security-only, --all, --package, --advisory (got security and all)');
    expect(() => specFromFlags({ reboot: 'sometimes' })).toThrow(/--reboot: expected never, if-required, always or deadline:<duration>/);
  });

  it('takes the body from --file or from the spec flags, never both', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pw-spec-'));
    try {
      const file = join(dir, 'spec.json');
      writeFileSync(file, '{"what":{"kind":"security"}}');
      const fromFlags = (f: SpecFlags) => ({ built: f.all });
      expect(bodyFromFileOrFlags('deploy create', file, {}, fromFlags)).toEqual({ what: { kind: 'security' } });
      expect(bodyFromFileOrFlags('deploy create', file, { all: undefined }, fromFlags)).toEqual({ what: { kind: 'security' } });
      expect(bodyFromFileOrFlags('deploy create', undefined, { all: true }, fromFlags)).toEqual({ built: true });
      expect(() => bodyFromFileOrFlags('policy create', file, { all: true }, fromFlags)).toThrow('policy create: give --file or spec flags, not both');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('patchwave deploy against a real server', () => {
  let t: TestApp;
  let server: string;
  let home: string;

  beforeEach(async () => {
    t = await openTestApp({ deploymentLoop: false });
    server = await t.app.listen({ host: '127.0.0.1', port: 0 });
    home = mkdtempSync(join(tmpdir(), 'patchwave-deploy-cli-'));
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

  it('creates from flags and from a file, approves with another principal, starts, shows status, aborts', async () => {
    await enrollDevice(t.app, sampleFacts({ hostname: 'web-01' }), ['web']);
    const created = await cli(['deploy', 'create', '--security-only', '--tag', 'web', '--waves', '5%,25%,rest', '--min-success', '95', '--soak', '10m', '--reboot', 'never', '--require-approval', '--json']);
    expect(created.code, created.err).toBe(0);
    const id = (JSON.parse(created.out) as { id: string; state: string }).id;
    expect(JSON.parse(created.out)).toMatchObject({ state: 'awaiting_approval', waveCount: 3 });

    const self = await cli(['deploy', 'approve', id]);
    expect(self.code).toBe(1);
    expect(self.err).toMatch(/E_FORBIDDEN: an approver cannot approve their own deployment/);
    const approver = await t.tokenWithRole('approver');
    const approved = await cli(['deploy', 'approve', id, '--comment', 'ok', '--change-record', 'CHG-9'], approver);
    expect(approved.code, approved.err).toBe(0);
    expect(approved.out).toMatch(/approval\s+api-token:\S+ at .* \(CHG-9\)/);

    const started = await cli(['deploy', 'start', id, '--reason', 'maintenance night']);
    expect(started.code, started.err).toBe(0);
    expect(started.out).toMatch(/state\s+running \(wave 1 of 3: canary\)/);
    expect(started.out).toMatch(/WAVE\s+NAME\s+STATE\s+DEVICES/);

    const listed = await cli(['deploy', 'list', '--state', 'running']);
    expect(listed.out).toContain(id);
    expect((await cli(['deploy', 'pause', id])).err).toMatch(/give --reason/);
    const aborted = await cli(['deploy', 'abort', id, '--reason', 'test over', '--json']);
    expect(JSON.parse(aborted.out)).toMatchObject({ state: 'aborted' });
    const watched = await cli(['deploy', 'status', id, '--watch', '--interval', '1s']);
    expect(watched.code).toBe(1);
    expect(watched.out).toMatch(/aborted: 0 succeeded/);

    const file = join(home, 'spec.json');
    writeFileSync(file, JSON.stringify({ name: 'from a file', what: { kind: 'all' }, targets: { tags: ['web'] }, waves: [{ name: 'all', select: { kind: 'rest' } }] }));
    const fromFile = await cli(['deploy', 'create', '--file', file, '--json']);
    expect(fromFile.code, fromFile.err).toBe(0);
    expect(JSON.parse(fromFile.out)).toMatchObject({ name: 'from a file', state: 'scheduled' });
    const bad = await cli(['deploy', 'create', '--security-only', '--tag', 'nobody']);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/E_VALIDATION: targets: no targets: no enrolled device matches \(tags nobody\)/);
    expect((await cli(['deploy', 'rollback', id, '--reason', 'x'])).err).toMatch(/give exactly one of --wave N, --device ID\.\.\., --all/);
  });
});
