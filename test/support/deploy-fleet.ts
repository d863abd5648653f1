import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeploymentSpecInput, DeploymentView, DeviceJobView } from '@patchwave/shared';
import { AGENT_BIN, type Proc, spawnNode, startServer, stop, waitFor } from './processes.js';

/**
 * Real server and agent processes for the deployment end-to-end tests: a server with a fast
 * deployment loop and heartbeat (config file), simulated agents (`run --simulate`), and readers
 * for what each agent really did (its job journal and its simulated host).
 */

export interface DeployServer {
  proc: Proc;
  url: string;
  token: string;
  dataDir: string;
  port: number;
  configFile: string;
}

export const FAST_SERVER_CONFIG = { deployments: { tickSeconds: 0.5, answerGraceMinutes: 0.5 }, heartbeatSeconds: 5 };

/** Starts (or restarts, on the same data dir and port) a server with the fast config. */
export async function startDeployServer(dir: string, port: number, token?: string): Promise<DeployServer> {
  const configFile = join(dir, 'server.json');
  writeFileSync(configFile, JSON.stringify(FAST_SERVER_CONFIG));
  const dataDir = join(dir, 'data');
  const started = await startServer(dataDir, port, ['--config', configFile]);
  const admin = started.token ?? token;
  if (!admin) throw new Error('the server printed no admin token and none was given');
  return { proc: started.proc, url: started.url, token: admin, dataDir, port, configFile };
}

export class Api {
  constructor(
    private readonly server: () => { url: string; token: string },
  ) {}

  async call<T = Record<string, unknown>>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const { url, token } = this.server();
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  async ok<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const res = await this.call<T>(method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  enrollmentToken(maxUses: number, tags: string[] = []): Promise<string> {
    return this.ok<{ token: string }>('POST', '/api/v1/enrollment-tokens', { name: 'e2e', expiresIn: '1h', maxUses, tags }).then((r) => r.token);
  }

  async create(spec: DeploymentSpecInput): Promise<string> {
    return (await this.ok<{ id: string }>('POST', '/api/v1/deployments', spec)).id;
  }

  deployment(id: string): Promise<DeploymentView> {
    return this.ok<DeploymentView>('GET', `/api/v1/deployments/${id}`);
  }

  async jobs(id: string, query = ''): Promise<DeviceJobView[]> {
    return (await this.ok<{ items: DeviceJobView[] }>('GET', `/api/v1/deployments/${id}/devices${query}`)).items;
  }

  async devices(): Promise<{ id: string; online: boolean; tags: string[]; counts: { packages: number } }[]> {
    return (await this.ok<{ items: { id: string; online: boolean; tags: string[]; counts: { packages: number } }[] }>('GET', '/api/v1/devices?limit=1000')).items;
  }
}

export interface ScenarioPackage {
  name: string;
  arch?: string;
  installed: string | null;
  versions: string[];
  security?: boolean;
}

export function writeScenario(file: string, scenario: { name?: string; packages: ScenarioPackage[]; failures?: object[]; delays?: object; crash?: object; canRollback?: boolean }): void {
  writeFileSync(file, JSON.stringify(scenario, null, 2));
}

/**
 * One `patchwave-agent run --simulate` process on its own state directory. `bin` is the agent to
 * run: the workspace launcher, or (for fleets) the bundle from `bundleAgentForTests`.
 */
export class SimAgent {
  proc: Proc | null = null;
  readonly stateDir: string;

  constructor(
    readonly name: string,
    dir: string,
    private readonly scenario: string,
    private readonly server: () => string,
    private readonly enrollToken: string,
    private readonly bin: string = AGENT_BIN,
  ) {
    this.stateDir = join(dir, name);
    mkdirSync(this.stateDir, { recursive: true, mode: 0o700 });
  }

  start(): Proc {
    const args = ['run', '--server-url', this.server(), '--state-dir', this.stateDir, '--simulate', this.scenario, '--log-level', 'info'];
    if (!existsSync(join(this.stateDir, 'credential.json'))) args.push('--enroll-token', this.enrollToken);
    this.proc = spawnNode(this.bin, args);
    return this.proc;
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (!this.proc) return null;
    const code = await stop(this.proc, signal);
    this.proc = null;
    return code;
  }

  get deviceId(): string {
    return (JSON.parse(readFileSync(join(this.stateDir, 'credential.json'), 'utf8')) as { deviceId: string }).deviceId;
  }

  /** The journal records, in order (`<checksum> <json>` lines). */
  journal(): { t: string; jobId?: string; job?: { jobId: string; action: { kind: string } }; frame?: { type: string; payload: { jobId?: string; status?: string } } }[] {
    const file = join(this.stateDir, 'journal', 'jobs.jsonl');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line.slice(line.indexOf(' ') + 1)));
  }

  /** Job ids this agent received, with how often each was received and run. */
  jobRuns(): Map<string, { received: number; applyStarts: number; results: string[] }> {
    const out = new Map<string, { received: number; applyStarts: number; results: string[] }>();
    const entry = (id: string) => out.get(id) ?? out.set(id, { received: 0, applyStarts: 0, results: [] }).get(id)!;
    for (const r of this.journal()) {
      if (r.t === 'job' && r.job) entry(r.job.jobId).received++;
      if (r.t === 'apply-start' && r.jobId) entry(r.jobId).applyStarts++;
      if (r.t === 'finished' && r.jobId && r.frame?.payload.status) entry(r.jobId).results.push(r.frame.payload.status);
    }
    return out;
  }

  /** Installed versions on the simulated host (`name@arch` → version). */
  installed(): Record<string, string | null> {
    const file = join(this.stateDir, 'simulated-host.json');
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { installed: Record<string, string | null> }).installed : {};
  }

  stderr(): string {
    return this.proc?.stderr() ?? '';
  }
}

/** Waits until every agent's device is online with an inventory; returns device ids by agent name. */
export async function waitForFleet(api: Api, agents: readonly SimAgent[], timeoutMs = 90_000): Promise<Map<string, string>> {
  await waitFor('every agent to enroll', () => agents.every((a) => existsSync(join(a.stateDir, 'credential.json'))) || undefined, { timeoutMs, intervalMs: 200 });
  const ids = new Map(agents.map((a) => [a.name, a.deviceId]));
  await waitFor(
    'every device online with its inventory',
    async () => {
      const devices = await api.devices();
      return [...ids.values()].every((id) => devices.some((d) => d.id === id && d.online && d.counts.packages > 0)) || undefined;
    },
    { timeoutMs, intervalMs: 300 },
  );
  return ids;
}

/** Polls the deployment until `check` holds, with the last view in the error when it does not. */
export async function waitForDeployment(api: Api, id: string, what: string, check: (d: DeploymentView) => boolean, timeoutMs = 60_000): Promise<DeploymentView> {
  let last: DeploymentView | undefined;
  try {
    return await waitFor(
      what,
      async () => {
        last = await api.deployment(id);
        return check(last) ? last : undefined;
      },
      { timeoutMs, intervalMs: 200 },
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}\nlast state: ${JSON.stringify(last && { state: last.state, wave: last.currentWave, halt: last.haltReason, waves: last.waves.map((w) => ({ s: w.state, c: w.counts, g: w.gate?.reason })) })}`);
  }
}
