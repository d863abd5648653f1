import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { agentFrame } from '@patchwave/shared';
import { Fleet, loopbackAddress } from '../../fleet-sim/fleet.js';
import type { SimIdentity } from '../../fleet-sim/options.js';
import { procStats, withFileLimit } from '../../fleet-sim/server-process.js';
import { freePort } from '../../../test/support/processes.js';
import { sortNumbers } from './table.js';

const BARE = fileURLToPath(new URL('../../fleet-sim/bare-ws-server.ts', import.meta.url));

export interface BareFigures {
  /** Broadcast of a job-offer-sized text to `waveAgents` sockets: ms from send to receipt, sorted. */
  broadcast: number[];
  /** RSS growth per idle socket, KB, at `idleAgents` sockets. */
  perSocketKb: number;
  rssKb: number;
  emptyRssKb: number;
}

/** A signed-job-offer-sized text (what the wave sends each agent), for the broadcast reference. */
function offerSizedText(): string {
  const frame = agentFrame('error', { code: 'E_INTERNAL', message: 'x'.repeat(700) });
  return JSON.stringify(frame);
}

function ask<T>(child: ChildProcess, message: object, reply: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: { t: string }) => {
      if (m.t !== reply) return;
      child.off('message', on);
      resolve(m as T);
    };
    child.on('message', on);
    child.send(message);
  });
}

/**
 * The floor: a bare `ws` server process holding the same sockets. First `waveAgents` connect and
 * get one broadcast (the wave reference), then the rest connect and the idle RSS per socket is read.
 */
export async function bareReference(o: { waveAgents: number; idleAgents: number; workers: number; settleMs: number }): Promise<BareFigures> {
  const port = await freePort();
  const { argv } = withFileLimit([process.execPath, '--conditions=source', '--import', 'tsx', BARE, String(port)]);
  const child = spawn(argv[0] as string, argv.slice(1), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const fleets: Fleet[] = [];
  try {
    await once(child, 'message');
    const pid = child.pid as number;
    const emptyRssKb = procStats(pid).rssKb;
    const ids: SimIdentity[] = Array.from({ length: o.idleAgents }, (_, i) => ({ index: i, deviceId: `bare-${i}`, hostname: `bare-${i}`, credential: '', localAddress: loopbackAddress(i) }));
    const wsUrl = `ws://127.0.0.1:${port}/`;
    const common = { wsUrl, mode: 'bare' as const, packages: 1, workers: o.workers, rampPerSecond: 5000, maxRunMs: 10 * 60_000 };
    const first = await Fleet.start({ ...common, identities: ids.slice(0, o.waveAgents) });
    fleets.push(first);
    await first.waitFor(`${o.waveAgents} bare sockets`, (s) => s.connected >= o.waveAgents, 180_000);
    await first.stats(true);
    const sent = await ask<{ at: number; count: number }>(child, { t: 'broadcast', text: offerSizedText() }, 'sent');
    await first.waitFor('every bare socket to receive the broadcast', (s) => s.markCount >= o.waveAgents, 60_000, 100);
    const marks = (await first.stats(true)).marks;
    const broadcast = sortNumbers(marks.map((m) => m - sent.at));
    if (o.idleAgents > o.waveAgents) {
      const rest = await Fleet.start({ ...common, identities: ids.slice(o.waveAgents), seed: 2 });
      fleets.push(rest);
      await rest.waitFor(`${o.idleAgents - o.waveAgents} more bare sockets`, (s) => s.connected >= o.idleAgents - o.waveAgents, 180_000);
    }
    await new Promise((r) => setTimeout(r, o.settleMs));
    const rssKb = procStats(pid).rssKb;
    return { broadcast, perSocketKb: (rssKb - emptyRssKb) / o.idleAgents, rssKb, emptyRssKb };
  } finally {
    for (const f of fleets) await f.stop();
    child.kill('SIGTERM');
  }
}
