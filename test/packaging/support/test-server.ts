import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { waitFor } from './wait.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');
const SERVER_BIN = path.join(REPO_ROOT, 'server', 'bin', 'patchwave.js');

export interface DeviceSummary {
  id: string;
  hostname: string;
  agentVersion: string;
  online: boolean;
  os: { platform: string };
}

/**
 * A real patchwave server process (`patchwave server start`) on a loopback port with its own
 * SQLite data directory, as an operator would run it. Stopped and deleted by `stop()`.
 */
export class TestServer {
  private constructor(
    readonly url: string,
    private readonly adminToken: string,
    private readonly child: ChildProcess,
    private readonly dataDir: string,
    readonly output: () => string,
  ) {}

  static async start(): Promise<TestServer> {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'patchwave-pkg-server-'));
    const tokenFile = path.join(dataDir, 'admin-token');
    const child = spawn(
      process.execPath,
      [SERVER_BIN, 'server', 'start', '--data-dir', dataDir, '--host', '127.0.0.1', '--port', '0', '--log-level', 'warn', '--admin-token-file', tokenFile],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const url = await waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`patchwave server exited with ${child.exitCode}:\n${out}`);
        return /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      },
      { timeoutMs: 60_000, what: 'the patchwave server to listen' },
    );
    const adminToken = (await fs.readFile(tokenFile, 'utf8')).trim();
    return new TestServer(url, adminToken, child, dataDir, () => out);
  }

  private async api<T>(method: 'GET' | 'POST', route: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}${route}`, {
      method,
      headers: { authorization: `Bearer ${this.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${route}: HTTP ${res.status} ${text}`);
    return JSON.parse(text) as T;
  }

  /** A fresh one-use enrollment token (the secret). */
  async enrollToken(name: string): Promise<string> {
    const created = await this.api<{ token: string }>('POST', '/api/v1/enrollment-tokens', { name, maxUses: 1 });
    return created.token;
  }

  async devices(): Promise<DeviceSummary[]> {
    return (await this.api<{ items: DeviceSummary[] }>('GET', '/api/v1/devices?limit=500')).items;
  }

  async device(id: string): Promise<DeviceSummary | undefined> {
    return (await this.devices()).find((d) => d.id === id);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    await fs.rm(this.dataDir, { recursive: true, force: true });
  }
}
