import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { AgentMessage, Inventory } from '@patchwave/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestAgentServer } from '../agent/src/connection/__tests__/test-server.js';

const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '../agent/bin/patchwave-agent.js');

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pw-agent-cli-'));
  await fs.writeFile(path.join(dir, 'empty.json'), '{}');
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** Runs the agent CLI as a real process (the bin launcher, TypeScript sources through tsx). */
function agent(args: string[], env: NodeJS.ProcessEnv = {}) {
  return run(process.execPath, [BIN, ...args], {
    env: { ...process.env, PATCHWAVE_CONFIG: path.join(dir, 'empty.json'), ...env },
    maxBuffer: 64 * 1024 * 1024,
  }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

describe('patchwave-agent as a real process', () => {
  it('inventory --json reports this machine: every installed dpkg package, the hostname, real updates', async () => {
    const res = await agent(['inventory', '--json']);
    expect(res.code).toBe(0);
    const inv = JSON.parse(res.stdout) as Inventory & { hash: string };
    const status = (await run('dpkg-query', ['-W', '-f=${db:Status-Abbrev}\n'])).stdout.split('\n');
    const ii = status.filter((l) => l.startsWith('ii')).length; // dpkg-query … | grep -c '^ii'
    const held = status.filter((l) => l.startsWith('hi')).length; // installed and held: also installed
    console.log(`[agent-cli] inventory: ${inv.packages.length} packages (dpkg: ${ii} ii + ${held} hi), ${inv.updates.length} updates, ${inv.updates.filter((u) => u.security === true).length} security`);
    expect(inv.packages.filter((p) => p.manager === 'apt')).toHaveLength(ii + held);
    expect(inv.facts.hostname).toBe((await run('hostname')).stdout.trim());
    expect(inv.managers).toEqual([{ name: 'apt', version: expect.stringMatching(/^\d+\.\d+/), ok: true }]);
    expect(inv.hash).toMatch(/^[a-f0-9]{64}$/);
    const dist = (await run('apt-get', ['-s', 'dist-upgrade'], { maxBuffer: 64 * 1024 * 1024 })).stdout;
    expect(inv.updates).toHaveLength(dist.split('\n').filter((l) => l.startsWith('Inst ')).length);
  }, 120_000);

  it('plan --security-only --json lists what would be installed from the security suite, changing nothing', async () => {
    const before = (await run('dpkg-query', ['-W', '-f=${Package} ${Version}\n'])).stdout;
    const res = await agent(['plan', '--security-only', '--json']);
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout) as { selection: unknown; plans: { manager: string; plan: { targets: string[]; changes: unknown[] } }[] };
    expect(out.selection).toEqual({ securityOnly: true });
    const apt = out.plans.find((p) => p.manager === 'apt');
    console.log(`[agent-cli] plan --security-only: ${apt?.plan.targets.length} targets, ${apt?.plan.changes.length} changes`);
    const security = (await run('apt-get', ['-s', 'dist-upgrade'], { maxBuffer: 64 * 1024 * 1024 })).stdout
      .split('\n')
      .filter((l) => l.startsWith('Inst ') && /Debian-Security:|-security \[/.test(l) && /^Inst \S+ \[/.test(l));
    expect(apt?.plan.targets).toHaveLength(security.length);
    expect((await run('dpkg-query', ['-W', '-f=${Package} ${Version}\n'])).stdout).toBe(before);
  }, 180_000);

  it('exits 2 with a message naming the field and the source on a bad configuration', async () => {
    const res = await agent(['run'], { PATCHWAVE_SERVER_URL: 'not-a-url' });
    expect(res.code).toBe(2);
    expect(res.stderr).toBe('patchwave-agent: invalid configuration: serverUrl (from environment PATCHWAVE_SERVER_URL) is not a URL\n');
    expect((await agent(['--version'])).stdout).toBe('0.1.0\n');
  }, 60_000);
});

describe('patchwave-agent run against a protocol-v1 server', () => {
  const credential = 'c'.repeat(48);
  let server: TestAgentServer;
  let child: ChildProcess | undefined;
  const state = { hash: null as string | null, packages: [] as Inventory['packages'] };

  function nextFrame(srv: TestAgentServer, type: AgentMessage['type']): Promise<AgentMessage> {
    return new Promise((resolve) => {
      const on = (f: AgentMessage) => {
        if (f.type !== type) return;
        srv.off('frame', on);
        resolve(f);
      };
      srv.on('frame', on);
    });
  }

  afterAll(async () => {
    child?.kill('SIGKILL');
    await server?.close();
  });

  it('enrolls once, reports its inventory, reconnects by itself after a server restart, stops on SIGTERM', async () => {
    server = new TestAgentServer(state, credential);
    server.enrollToken = 'enroll-me';
    const port = await server.listen();
    const stateDir = path.join(dir, 'state');
    let stderr = '';
    child = spawn(process.execPath, [BIN, 'run', '--server-url', `http://127.0.0.1:${port}`, '--enroll-token', 'enroll-me', '--state-dir', stateDir, '--log-level', 'info'], {
      env: { ...process.env, PATCHWAVE_CONFIG: path.join(dir, 'empty.json') },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const report = await nextFrame(server, 'inventory.report');
    expect(report.type === 'inventory.report' && report.payload.kind).toBe('full');
    expect(server.enrollments).toHaveLength(1);
    expect((await fs.stat(path.join(stateDir, 'credential.json'))).mode & 0o777).toBe(0o600);
    expect(stderr).not.toContain(credential);
    expect(stderr).not.toContain('enroll-me');

    await server.close();
    server = new TestAgentServer(state, credential);
    const hello = nextFrame(server, 'agent.hello');
    await server.listen(port);
    const again = await hello;
    expect(again.type === 'agent.hello' && again.payload.inventoryHash).toBe(state.hash);
    expect(server.enrollments).toHaveLength(0); // no second enrollment: the credential was kept

    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code, signal] = await exited;
    child = undefined;
    expect({ code, signal, tail: code === 0 ? '' : stderr.slice(-3000) }).toEqual({ code: 0, signal: null, tail: '' });
    const lines = stderr.trim().split('\n').map((l) => JSON.parse(l) as { msg: string });
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['enrolled', 'inventory acknowledged', 'disconnected; reconnecting after backoff', 'stopping']));
  }, 180_000);

  it('exits 1 with the token problem when enrollment is refused', async () => {
    server = new TestAgentServer(state, credential);
    server.enrollToken = 'the-right-one';
    const port = await server.listen();
    const res = await agent(['run', '--server-url', `http://127.0.0.1:${port}`, '--enroll-token', 'wrong', '--state-dir', path.join(dir, 'state2'), '--log-level', 'silent']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/E_TOKEN_INVALID: enrollment failed: the enrollment token is not known to the server/);
    await expect(fs.access(path.join(dir, 'state2', 'credential.json'))).rejects.toThrow();
  }, 60_000);
});
