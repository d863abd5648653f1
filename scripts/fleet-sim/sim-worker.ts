/**
 * One fleet-sim worker process: runs its share of the simulated agents on one event loop, driven by
 * the controller over IPC. Stops its agents and exits by itself at its deadline (`maxRunMs`), when
 * the controller says so, or when the controller goes away.
 */
import { DeviceInventory, inventoryBase } from './inventory-model.js';
import { SimAgent, type SimContext } from './sim-agent.js';
import type { SimIdentity, SimOptions } from './options.js';
import { assertLoopback } from './options.js';
import { emptyStats, type WorkerStats } from './worker-stats.js';

export type ControllerMessage =
  | { t: 'start'; identities: SimIdentity[]; options: SimOptions; seed: number }
  | { t: 'stats'; req: number; drainMarks?: boolean }
  | { t: 'restart'; req: number; fraction: number; downMs: number }
  | { t: 'hold'; req: number; on: boolean }
  | { t: 'release'; req: number; count: number; perSecond: number }
  | { t: 'stop'; req: number };

export type WorkerMessage = { t: 'ready' } | { t: 'reply'; req: number; stats?: WorkerStats; restarted?: number } | { t: 'fatal'; message: string };

const agents: SimAgent[] = [];
let ctx: SimContext | undefined;
let rampTimer: NodeJS.Timeout | undefined;
let deadlineTimer: NodeJS.Timeout | undefined;

function reply(message: WorkerMessage): void {
  process.send?.(message);
}

function start(identities: SimIdentity[], options: SimOptions, seed: number): void {
  assertLoopback(options.wsUrl);
  let state = seed >>> 0 || 1;
  const random = () => {
    // xorshift32: fast, seeded per worker.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4_294_967_296;
  };
  const now = () => performance.timeOrigin + performance.now();
  ctx = { options, stats: emptyStats(), trusted: new Map(), random, now, deadline: now() + options.maxRunMs, holding: false, held: [], sentAt: new Map() };
  const base = inventoryBase(options.packages);
  for (const id of identities) agents.push(new SimAgent(id, new DeviceInventory(base, id.index, id.hostname), ctx));
  ctx.stats.agents = agents.length;
  // Ramp-up: `rampPerSecond` is this worker's share, connected in 20 ms slices.
  let next = 0;
  const perSlice = Math.max(1, Math.round(options.rampPerSecond / 50));
  const slice = () => {
    for (let n = 0; n < perSlice && next < agents.length; n++) agents[next++]?.connect();
    if (next < agents.length) rampTimer = setTimeout(slice, 20);
  };
  slice();
  deadlineTimer = setTimeout(() => shutdown(0), options.maxRunMs);
  deadlineTimer.unref();
}

function stats(drainMarks: boolean): WorkerStats {
  const s = ctx?.stats ?? emptyStats();
  const out: WorkerStats = { ...s, everConnected: agents.filter((a) => a.everConnected).length, held: ctx?.held.length ?? 0, rpcPending: ctx?.sentAt.size ?? 0, markCount: s.marks.length };
  if (drainMarks && ctx) {
    ctx.stats.marks = [];
    ctx.stats.intervals = [];
    ctx.stats.rpcTimes = [];
  } else {
    out.marks = [];
    out.intervals = [];
    out.rpcTimes = [];
  }
  return out;
}

function restart(fraction: number, downMs: number): number {
  let n = 0;
  for (const a of agents) {
    if (ctx && ctx.random() < fraction && a.connected) {
      a.restart(downMs);
      n++;
    }
  }
  return n;
}

/** Sends up to `count` held results at `perSecond` (in 10 ms slices); resolves when all are sent. */
function release(count: number, perSecond: number): Promise<number> {
  const c = ctx;
  if (!c) return Promise.resolve(0);
  const batch = c.held.splice(0, count);
  // perSecond 0 (or not finite): all at once.
  const perSlice = Number.isFinite(perSecond) && perSecond > 0 ? Math.max(1, Math.round(perSecond / 100)) : batch.length;
  return new Promise((resolve) => {
    let i = 0;
    const slice = () => {
      for (let n = 0; n < perSlice && i < batch.length; n++, i++) {
        const h = batch[i];
        if (h) h.agent.sendHeld(h.frameId, h.text);
      }
      if (i < batch.length) setTimeout(slice, 10);
      else resolve(batch.length);
    };
    slice();
  });
}

function shutdown(code: number): void {
  clearTimeout(rampTimer);
  clearTimeout(deadlineTimer);
  for (const a of agents) a.stop();
  // Let the close frames go out, then leave.
  setTimeout(() => process.exit(code), 200).unref();
}

process.on('message', (raw) => {
  const m = raw as ControllerMessage;
  try {
    if (m.t === 'start') {
      start(m.identities, m.options, m.seed);
      reply({ t: 'ready' });
    } else if (m.t === 'stats') reply({ t: 'reply', req: m.req, stats: stats(m.drainMarks ?? false) });
    else if (m.t === 'restart') reply({ t: 'reply', req: m.req, restarted: restart(m.fraction, m.downMs) });
    else if (m.t === 'hold') {
      if (ctx) ctx.holding = m.on;
      reply({ t: 'reply', req: m.req });
    } else if (m.t === 'release') void release(m.count, m.perSecond).then((n) => reply({ t: 'reply', req: m.req, restarted: n }));
    else if (m.t === 'stop') {
      reply({ t: 'reply', req: m.req });
      shutdown(0);
    }
  } catch (err) {
    reply({ t: 'fatal', message: (err as Error).stack ?? String(err) });
    shutdown(1);
  }
});
// The controller died or closed the channel: do not outlive it.
process.on('disconnect', () => shutdown(0));
