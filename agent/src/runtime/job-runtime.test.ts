import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { serverFrame, type AgentMessage, type Inventory, type Job } from '@patchwave/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentConnection } from '../connection/agent-connection.js';
import { ManualClock } from '../connection/clock.js';
import { TestAgentServer, type TestServerState } from '../connection/__tests__/test-server.js';
import { ReplayCommandRunner } from '../exec/replay-runner.js';
import { collectInventory } from '../inventory/collect.js';
import { silentLogger } from '../log/logger.js';
import { SimulatedPackageManager } from '../pkg/simulated/adapter.js';
import { simulatedFacts } from '../pkg/simulated/facts.js';
import { loadScenario } from '../pkg/simulated/scenario.js';
import { StateStore } from '../state/state-store.js';
import { startJobRuntime, type JobRuntime } from './job-runtime.js';

const CREDENTIAL = 'test-credential-'.padEnd(48, 'x');
const T0 = Date.UTC(2026, 2, 2, 10);

let dir: string;
let scenarioFile: string;
let clock: ManualClock;
let server: TestAgentServer;
let state: TestServerState;
let port: number;
let connection: AgentConnection;
let runtime: JobRuntime;

/** Resolves with the first frame the server received (or receives) of `type` that passes `test`. */
function received<T extends AgentMessage['type']>(type: T, test: (f: Extract<AgentMessage, { type: T }>) => boolean = () => true): Promise<Extract<AgentMessage, { type: T }>> {
  const match = (f: AgentMessage): f is Extract<AgentMessage, { type: T }> => f.type === type && test(f as Extract<AgentMessage, { type: T }>);
  const seen = server.received.find(match);
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve) => {
    const listener = (f: AgentMessage) => {
      if (!match(f)) return;
      server.off('frame', listener);
      resolve(f);
    };
    server.on('frame', listener);
  });
}

function job(jobId: string): Job {
  return {
    jobId,
    deviceId: 'dev-test',
    action: { kind: 'apply', packages: [{ manager: 'simulated', name: 'openssl', version: '3.0.13-1', arch: 'amd64' }], rebootPolicy: { mode: 'never' } },
    issuedAt: new Date(T0).toISOString(),
    notBefore: new Date(T0 - 60_000).toISOString(),
    expiresAt: new Date(T0 + 86_400_000).toISOString(),
  };
}

async function start(): Promise<void> {
  const scenario = loadScenario(scenarioFile);
  const log = silentLogger();
  const managers = [new SimulatedPackageManager({ scenario, scenarioFile, stateDir: dir, log })];
  connection = new AgentConnection({
    serverUrl: `http://127.0.0.1:${port}`,
    credential: CREDENTIAL,
    agentVersion: '0.0.0-test',
    capabilities: ['jobs'],
    collectInventory: (): Promise<Inventory> => collectInventory({ managers, facts: async () => simulatedFacts(dir, scenario), log }),
    store: await StateStore.open(dir, log),
    inventoryIntervalMs: 3_600_000,
    clock,
    random: () => 0.5,
    log,
  });
  runtime = await startJobRuntime({
    stateDir: dir,
    deviceId: 'dev-test',
    managers,
    connection,
    clock,
    log,
    exec: new ReplayCommandRunner([]),
    simulateScenario: scenarioFile,
    onSimulatedReboot: () => undefined,
  });
  await connection.start();
}

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pw-job-runtime-'));
  scenarioFile = path.join(dir, 'scenario.json');
  await fs.writeFile(scenarioFile, JSON.stringify({ name: 'unit', packages: [{ name: 'openssl', arch: 'amd64', installed: '3.0.11-1', versions: ['3.0.11-1', '3.0.13-1'], security: true }] }));
  clock = new ManualClock(T0);
  state = { hash: null, packages: [] };
  server = new TestAgentServer(state, CREDENTIAL, 3600);
  port = await server.listen();
});

afterEach(async () => {
  await runtime?.close({ waitForJob: true });
  await connection?.stop();
  await server.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('job runtime wired to the connection', () => {
  it('announces jobs, runs an offered job, re-inventories, and lets go of the result only when acked', async () => {
    await start();
    const hello = await received('agent.hello');
    expect(hello.payload.capabilities).toEqual(['jobs']);
    await received('inventory.report');
    server.broadcastRaw(JSON.stringify(serverFrame('job.offer', { job: job('j-1') })));
    const accepted = await received('job.accepted', (f) => f.payload.jobId === 'j-1');
    expect(accepted.payload.state).toBe('running');
    const result = await received('job.result', (f) => f.payload.jobId === 'j-1');
    expect(result.payload).toMatchObject({ status: 'succeeded', packages: [{ name: 'openssl', before: '3.0.11-1', after: '3.0.13-1', ok: true }] });
    // The result points at the inventory collected after the job, which went out as a normal report first.
    const reports = server.received.filter((f) => f.type === 'inventory.report');
    expect(reports.length).toBe(2);
    expect(result.payload.inventoryHash).toBe(state.hash);
    expect(runtime.store.outbox().map((f) => f.id)).toEqual([result.id]);
    server.broadcastRaw(JSON.stringify(serverFrame('ack', { of: result.id })));
    await new Promise<void>((resolve) => {
      const check = () => (runtime.store.outbox().length === 0 ? resolve() : setImmediate(check));
      check();
    });
  });

  it('re-sends an unacked result after a reconnect and never runs a job id twice', async () => {
    await start();
    await received('inventory.report');
    server.broadcastRaw(JSON.stringify(serverFrame('job.offer', { job: job('j-2') })));
    const first = await received('job.result', (f) => f.payload.jobId === 'j-2');
    // The server goes away before acking and comes back on the same port.
    const reconnecting = new Promise<{ delayMs: number }>((resolve) => connection.once('reconnect', resolve));
    await server.close();
    server = new TestAgentServer(state, CREDENTIAL, 3600);
    await server.listen(port);
    clock.advance((await reconnecting).delayMs);
    const again = await received('job.result', (f) => f.payload.jobId === 'j-2');
    expect(again.id).toBe(first.id);
    // It was re-sent right after the new welcome, before anything else the agent had to say.
    expect(server.received.map((f) => f.type).slice(0, 2)).toEqual(['agent.hello', 'job.result']);
    // The same offer again: answered with the queued result, not run a second time.
    server.broadcastRaw(JSON.stringify(serverFrame('job.offer', { job: job('j-2') })));
    await runtime.executor.idle();
    const journal = await fs.readFile(path.join(dir, 'journal', 'jobs.jsonl'), 'utf8');
    expect(journal.split('\n').filter((l) => l.includes('"t":"apply-start"'))).toHaveLength(1);
  });
});
