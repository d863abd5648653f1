import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { JobResultPayload } from '@patchwave/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecaCommandRunner } from '../agent/src/exec/index.js';
import { silentLogger } from '../agent/src/log/logger.js';
import { AptPackageManager } from '../agent/src/pkg/apt/index.js';
import { probeHost } from '../agent/src/pkg/host-probe.js';
import { dpkgState, LocalAptRepo } from './support/apt-local-repo.js';
import { realExecutor } from './support/real-executor.js';

const SERVICE = fileURLToPath(new URL('./support/config-status-service.ts', import.meta.url));
const show = (label: string, value: unknown) => console.log(`[safe-patching-rollback] ${label}:`, JSON.stringify(value, null, 2));

if (process.getuid?.() !== 0) throw new Error('the real apt tests install packages with dpkg and must run as root');

/** Starts the test service as its own process and resolves with its port once it listens. */
async function startService(config: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVICE, config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`the test service exited with ${code}: ${err}`)));
  });
  return { child, port };
}

/**
 * Health-probe rollback for real: a service started by the test reads a config file; package
 * svc-config 1.0's postinst writes `status=200` into it, 1.1's postinst writes `status=500`. An
 * apply job with an HTTP probe and rollbackOnHealthFailure upgrades to 1.1, sees the probe break,
 * reinstalls 1.0 through apt and sees the probe pass again.
 */
describe('health probes and automatic rollback against real apt', () => {
  let repo: LocalAptRepo;
  let exec: ReturnType<typeof realExecutor>;
  let service: { child: ChildProcess; port: number };
  let config: string;
  const svc = LocalAptRepo.uniqueName('svc-config');

  beforeAll(async () => {
    repo = await LocalAptRepo.create();
    config = path.join(repo.dir, 'svc.conf');
    await repo.add({ name: svc, version: '1.0', suite: 'updates', postinst: `printf 'status=200\\n' > ${config}` });
    await repo.add({ name: svc, version: '1.1', suite: 'security', postinst: `printf 'status=500\\n' > ${config}` });
    await repo.publish();
    await repo.install([`${svc}=1.0`]);
    expect(await fs.readFile(config, 'utf8')).toBe('status=200\n');
    service = await startService(config);
    const apt = new AptPackageManager({ exec: new ExecaCommandRunner(), log: silentLogger(), host: await probeHost(), local: { aptOptions: repo.options } });
    exec = realExecutor([apt]);
  }, 180_000);

  afterAll(async () => {
    exec?.close();
    if (service?.child.exitCode === null) {
      service.child.kill('SIGTERM');
      await once(service.child, 'exit');
    }
    if (!repo) return;
    show('purged at the end', await repo.dispose());
    expect(await dpkgState(svc)).toBeUndefined();
  }, 180_000);

  const safety = (port: number, rollback: boolean) => ({
    probes: [
      { kind: 'http', name: 'web', url: `http://127.0.0.1:${port}/health`, timeoutMs: 3_000 },
      { kind: 'tcp', name: 'web-port', port, timeoutMs: 3_000 },
      { kind: 'process', name: 'node-runs', process: 'node', timeoutMs: 10_000 },
    ],
    preflight: { minFreeDiskMb: 1, requireLockFree: true, pendingReboot: 'ignore' },
    rollbackOnHealthFailure: rollback,
  });

  it('skips a device whose probe already fails before applying: nothing applied, not blamed on the patch', async () => {
    const result = await exec.run({
      kind: 'apply',
      packages: [{ manager: 'apt', name: svc, version: null }],
      rebootPolicy: { mode: 'never' },
      safety: { probes: [{ kind: 'tcp', name: 'closed', port: 1, timeoutMs: 1_000 }], rollbackOnHealthFailure: true },
    });
    show('already failing', result);
    expect(result).toMatchObject({ status: 'failed', errorCode: 'E_HEALTH_ALREADY_FAILING', packages: [] });
    expect(result.safety?.before).toEqual([expect.objectContaining({ name: 'closed', ok: false, detail: 'ECONNREFUSED' })]);
    expect(result.safety?.after).toEqual([]);
    expect(await dpkgState(svc)).toMatchObject({ version: '1.0' });
  });

  it('rolls back to 1.0 when the HTTP probe passes before and fails after applying 1.1, and the probe passes again', async () => {
    const result = await exec.run({ kind: 'apply', packages: [{ manager: 'apt', name: svc, version: null }], rebootPolicy: { mode: 'if-required' }, safety: safety(service.port, true) });
    show('apply with a breaking update', { ...result, outputTail: result.outputTail.split('\n').slice(-4) });
    expect(() => JobResultPayload.parse(result)).not.toThrow();
    expect(result).toMatchObject({ kind: 'apply', status: 'failed', errorCode: 'E_HEALTH_CHECK_FAILED' });
    const report = result.safety;
    expect(report?.preflight.map((p) => [p.check, p.ok])).toEqual([
      ['disk', true],
      ['lock', true],
      ['pending-reboot', true],
    ]);
    expect(report?.before.map((p) => [p.name, p.ok])).toEqual([
      ['web', true],
      ['web-port', true],
      ['node-runs', true],
    ]);
    expect(report?.after.find((p) => p.name === 'web')).toMatchObject({ ok: false, detail: 'HTTP 500 (expected 2xx)' });
    expect(report?.broken).toEqual(['web']);
    expect(report?.autoRollback).toMatchObject({ status: 'succeeded' });
    expect(report?.autoRollback?.after.map((p) => [p.name, p.ok])).toEqual([
      ['web', true],
      ['web-port', true],
      ['node-runs', true],
    ]);
    expect(result.packages).toEqual([
      expect.objectContaining({ name: svc, requested: null, before: '1.0', after: '1.0', ok: false, errorCode: 'E_HEALTH_CHECK_FAILED' }),
    ]);
    expect(result.rollbackPlan).toEqual([{ manager: 'apt', name: svc, arch: 'all', version: '1.0' }]);
    expect(result.message).toContain('the probes pass again after the rollback');
    // The real state: 1.0 reinstalled, its postinst restored the config, the service answers 200.
    expect(await dpkgState(svc)).toMatchObject({ version: '1.0' });
    expect(await fs.readFile(config, 'utf8')).toBe('status=200\n');
    expect((await fetch(`http://127.0.0.1:${service.port}/health`)).status).toBe(200);
  });

  it('without rollbackOnHealthFailure reports the broken probe and leaves 1.1 installed', async () => {
    const result = await exec.run({ kind: 'apply', packages: [{ manager: 'apt', name: svc, version: null }], rebootPolicy: { mode: 'never' }, safety: safety(service.port, false) });
    expect(result).toMatchObject({ status: 'failed', errorCode: 'E_HEALTH_CHECK_FAILED' });
    expect(result.safety?.broken).toEqual(['web']);
    expect(result.safety?.autoRollback).toBeUndefined();
    expect(result.packages[0]).toMatchObject({ after: '1.1', ok: false, errorCode: 'E_HEALTH_CHECK_FAILED' });
    expect(await dpkgState(svc)).toMatchObject({ version: '1.1' });
  });
});
