import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleAgentForTests } from '../../../test/support/agent-bundle.js';
import { freePort } from '../../../test/support/processes.js';
import { api, procStats, startBenchServer } from '../../fleet-sim/server-process.js';
import { mb, ms, type SectionResult } from './table.js';

const BUILT = fileURLToPath(new URL('../../../dist/patchwave-agent-linux-x64', import.meta.url));

interface Run {
  wallMs: number;
  peakKb: number;
  code: number | null;
}

/** Runs a command to its end, sampling its peak RSS (VmHWM) every 5 ms. */
function measure(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C', ...env } });
    let peakKb = 0;
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-4000)));
    const timer = setInterval(() => {
      try {
        const hwm = procStats(child.pid as number).hwmKb;
        if (Number.isFinite(hwm)) peakKb = Math.max(peakKb, hwm);
      } catch {
        // The process just exited: its last reading stands.
        clearInterval(timer);
      }
    }, 5);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(timer);
      if (code !== 0) process.stderr.write(`${cmd} ${args.join(' ')} exited ${code}: ${err}\n`);
      resolve({ wallMs: performance.now() - t0, peakKb, code });
    });
  });
}

/** How the agent runs here: the built one-file executable, else the esbuild bundle under node. */
async function agentCommand(dir: string): Promise<{ cmd: string; pre: string[]; what: string }> {
  if (existsSync(BUILT)) return { cmd: BUILT, pre: [], what: 'dist/patchwave-agent-linux-x64 (one-file executable)' };
  return { cmd: process.execPath, pre: [await bundleAgentForTests(dir)], what: 'node + esbuild bundle (no built executable in dist/)' };
}

/**
 * 6. Agent footprint: the real agent enrolled with a real server on this Debian machine (real apt
 * inventory), idle for `idleMs` after its first report: RSS and CPU; against a bare
 * `node -e "setInterval(()=>{},1e9)"`. And one full inventory (`patchwave-agent inventory --json`):
 * wall time and peak RSS, against raw `dpkg-query -W` + `apt-get -s dist-upgrade`.
 */
export async function agentFootprint(o: { idleMs: number }): Promise<SectionResult> {
  const dir = mkdtempSync(join(tmpdir(), 'patchwave-bench-agent-'));
  const agent = await agentCommand(dir);
  const server = await startBenchServer(join(dir, 'data'), await freePort(), { heartbeatSeconds: 60 });
  const bare = spawn(process.execPath, ['-e', 'setInterval(()=>{},1e9)'], { stdio: 'ignore' });
  try {
    const { token } = await api<{ token: string }>(server, 'POST', '/api/v1/enrollment-tokens', { name: 'footprint', expiresIn: '1h', maxUses: 1, tags: [] });
    const proc = spawn(agent.cmd, [...agent.pre, 'run', '--server-url', server.url, '--state-dir', join(dir, 'agent'), '--enroll-token', token, '--log-level', 'warn'], { stdio: 'ignore' });
    try {
      const deadline = Date.now() + 120_000;
      for (;;) {
        const { items } = await api<{ items: { counts: { packages: number } }[] }>(server, 'GET', '/api/v1/devices?limit=10');
        if (items.some((d) => d.counts.packages > 0)) break;
        if (Date.now() > deadline || proc.exitCode !== null) throw new Error('the agent did not report its inventory within 120 s');
        await new Promise((r) => setTimeout(r, 250));
      }
      const a0 = procStats(proc.pid as number);
      const t0 = performance.now();
      await new Promise((r) => setTimeout(r, o.idleMs));
      const a1 = procStats(proc.pid as number);
      const idleCpuPct = ((a1.cpuMs - a0.cpuMs) / (performance.now() - t0)) * 100;
      const bareKb = procStats(bare.pid as number).rssKb;
      const inventory = await measure(agent.cmd, [...agent.pre, 'inventory', '--json']);
      const dpkg = await measure('dpkg-query', ['-W']);
      const apt = await measure('apt-get', ['-s', 'dist-upgrade']);
      const raw = dpkg.wallMs + apt.wallMs;
      const rssMb = a1.rssKb / 1024;
      return {
        section: 'agent-footprint',
        rows: [
          {
            figure: `6. agent idle RSS (${Math.round(o.idleMs / 1000)} s, connected)`,
            measured: `${mb(rssMb)}, CPU ${idleCpuPct.toFixed(2)} %`,
            reference: `bare node ${mb(bareKb / 1024)} (${(a1.rssKb / bareKb).toFixed(2)}×)`,
            target: '≤ 60 MB and ≤ 1.3× bare node',
            met: rssMb <= 60 && a1.rssKb / bareKb <= 1.3,
            values: { rssKb: a1.rssKb, bareNodeKb: bareKb, ratio: a1.rssKb / bareKb, idleCpuPct, agent: agent.what },
          },
          {
            figure: '6. agent full inventory: wall / peak RSS',
            measured: `${ms(inventory.wallMs)} / ${mb(inventory.peakKb / 1024)}`,
            reference: `dpkg-query + apt-get -s ${ms(raw)} (${(inventory.wallMs / raw).toFixed(2)}×)`,
            target: '≤ 1.5× the raw commands',
            met: inventory.code === 0 && inventory.wallMs <= 1.5 * raw,
            values: { wallMs: inventory.wallMs, peakKb: inventory.peakKb, rawMs: raw, dpkgMs: dpkg.wallMs, aptMs: apt.wallMs, ratio: inventory.wallMs / raw },
          },
        ],
        checks: { inventoryExit: inventory.code ?? -1 },
        notes: [`agent: ${agent.what}`],
      };
    } finally {
      proc.kill('SIGTERM');
    }
  } finally {
    bare.kill('SIGTERM');
    await server.stop('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}
