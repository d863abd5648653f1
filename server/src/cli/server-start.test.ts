import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { agentFrame, AGENT_WS_PATH, PROTOCOL_VERSION } from '@patchwave/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleFacts } from '../testing/facts.js';
import { TestAgentSocket } from '../testing/ws-client.js';

const BIN = fileURLToPath(new URL('../../bin/patchwave.js', import.meta.url));

interface Proc {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

function run(args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: 'pipe' });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exit = once(child, 'exit').then(([code]) => code as number | null);
  return { child, stdout: () => out, stderr: () => err, exit };
}

/** Waits until stdout matches (the process printing it is the condition; the deadline only reports a hang). */
async function printed(proc: Proc, pattern: RegExp): Promise<RegExpExecArray> {
  const deadline = Date.now() + 90_000;
  let ended = false;
  void proc.exit.then(() => (ended = true));
  for (;;) {
    const match = pattern.exec(proc.stdout());
    if (match) return match;
    if (ended) throw new Error(`server exited early: ${proc.stderr()}`);
    if (Date.now() > deadline) throw new Error(`no ${pattern} on stdout: ${proc.stdout()} ${proc.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const listening = async (proc: Proc): Promise<string> => (await printed(proc, /listening on (http:\/\/\S+)/))[1] as string;

let dir: string;
const running: Proc[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'patchwave-start-'));
});
afterEach(async () => {
  for (const p of running.splice(0)) {
    if (p.child.exitCode === null) {
      p.child.kill('SIGKILL');
      await p.exit;
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('patchwave server start (real process)', () => {
  it('starts on a fresh data dir, prints the URL and the admin token once, and stops cleanly on SIGTERM', { timeout: 240_000 }, async () => {
    const dataDir = join(dir, 'data');
    const tokenFile = join(dir, 'admin-token');
    const first = run(['server', 'start', '--data-dir', dataDir, '--port', '0', '--admin-token-file', tokenFile]);
    running.push(first);
    const url = await listening(first);
    const token = (await printed(first, /pwt_[A-Za-z0-9_-]{43}/))[0];
    expect(readFileSync(tokenFile, 'utf8').trim()).toBe(token);
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(existsSync(join(dataDir, 'patchwave.db'))).toBe(true);
    expect(readFileSync(join(dataDir, 'patchwave.db')).includes(Buffer.from(token))).toBe(false);
    expect(first.stderr()).not.toContain(token);

    expect(await (await fetch(`${url}/healthz`)).json()).toMatchObject({ status: 'ok' });
    expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ status: 'ready' });
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    expect((await fetch(`${url}/api/v1/devices`, { headers: auth })).status).toBe(200);

    // A live agent is closed with 1001 when the server stops.
    const created = (await (await fetch(`${url}/api/v1/enrollment-tokens`, { method: 'POST', headers: auth, body: '{}' })).json()) as { token: string };
    const enrolled = (await (
      await fetch(`${url}/api/v1/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: created.token, facts: sampleFacts(), agentVersion: '0.1.0' }) })
    ).json()) as { credential: string };
    const agent = TestAgentSocket.connect(`${url.replace('http', 'ws')}${AGENT_WS_PATH}`, enrolled.credential);
    await agent.opened;
    agent.send(agentFrame('agent.hello', { protocolVersion: PROTOCOL_VERSION, agentVersion: '0.1.0', capabilities: [] }));
    expect((await agent.next()).type).toBe('server.welcome');

    first.child.kill('SIGTERM');
    expect((await agent.closed).code).toBe(1001);
    expect(await first.exit).toBe(0);
    expect(first.stderr()).toContain('patchwave server stopped (SIGTERM)');
    expect(existsSync(join(dataDir, 'patchwave.db-wal')) ? statSync(join(dataDir, 'patchwave.db-wal')).size : 0).toBe(0);

    // Second start on the same data: no new token; the first one still works.
    const second = run(['server', 'start', '--port', '0'], { PATCHWAVE_DATA_DIR: dataDir });
    running.push(second);
    const url2 = await listening(second);
    await printed(second, /admin token: created at first start/);
    expect(second.stdout()).not.toContain('pwt_');
    expect((await fetch(`${url2}/api/v1/devices`, { headers: auth })).status).toBe(200);
    second.child.kill('SIGINT');
    expect(await second.exit).toBe(0);
  });

  it('exits 2 with a clear message on bad configuration', { timeout: 120_000 }, async () => {
    const proc = run(['server', 'start', '--data-dir', join(dir, 'd')], { PATCHWAVE_PORT: 'http' });
    running.push(proc);
    expect(await proc.exit).toBe(2);
    expect(proc.stderr()).toContain('port (from environment PATCHWAVE_PORT)');
  });
});
