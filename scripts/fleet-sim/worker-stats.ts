/** Counters of one worker's agents, summed by the controller. */
export interface WorkerStats {
  agents: number;
  connected: number;
  everConnected: number;
  connectAttempts: number;
  welcomes: number;
  reconnects: number;
  heartbeats: number;
  heartbeatAcks: number;
  fullReports: number;
  deltaReports: number;
  reportsAcked: number;
  framesSent: number;
  executions: number;
  running: number;
  /** Most jobs running at once in this worker. */
  maxRunning: number;
  /** A device got a second apply job of a deployment it already ran one of. */
  secondJobs: number;
  reoffers: number;
  cancels: number;
  results: Record<string, number>;
  outboxAcked: number;
  rejected: Record<string, number>;
  reboots: number;
  rebootCheckIns: number;
  keysRefused: number;
  badServerFrames: number;
  otherFrames: number;
  serverErrors: Record<string, number>;
  socketErrors: Record<string, number>;
  /** HTTP status of refused upgrades (401, 409, 503 …). */
  refused: Record<number, number>;
  /** Wall-clock ms at which each job offer (or bare message) arrived, since the last `marks` read. */
  marks: number[];
  /** How many marks are waiting (also when `marks` is not drained). */
  markCount: number;
  /** [offer received, result sent] of each job, since the last `marks` read. */
  intervals: [number, number][];
  /** [sent, acked] wall-clock ms of each released result frame, since the last `marks` read. */
  rpcTimes: [number, number][];
  /** Results waiting for release. */
  held: number;
  /** Released results not acked yet. */
  rpcPending: number;
}

export function emptyStats(): WorkerStats {
  return {
    agents: 0,
    connected: 0,
    everConnected: 0,
    connectAttempts: 0,
    welcomes: 0,
    reconnects: 0,
    heartbeats: 0,
    heartbeatAcks: 0,
    fullReports: 0,
    deltaReports: 0,
    reportsAcked: 0,
    framesSent: 0,
    executions: 0,
    running: 0,
    maxRunning: 0,
    secondJobs: 0,
    reoffers: 0,
    cancels: 0,
    results: {},
    outboxAcked: 0,
    rejected: {},
    reboots: 0,
    rebootCheckIns: 0,
    keysRefused: 0,
    badServerFrames: 0,
    otherFrames: 0,
    serverErrors: {},
    socketErrors: {},
    refused: {},
    marks: [],
    markCount: 0,
    intervals: [],
    rpcTimes: [],
    held: 0,
    rpcPending: 0,
  };
}

/** Sums counters; merges records; concatenates marks and intervals. */
export function sumStats(all: readonly WorkerStats[]): WorkerStats {
  const out = emptyStats();
  for (const s of all) {
    for (const [k, v] of Object.entries(s) as [keyof WorkerStats, unknown][]) {
      if (typeof v === 'number') (out[k] as number) += v;
      else if (Array.isArray(v)) (out[k] as unknown[]).push(...v);
      else if (v && typeof v === 'object') {
        const target = out[k] as Record<string, number>;
        for (const [kk, vv] of Object.entries(v as Record<string, number>)) target[kk] = (target[kk] ?? 0) + vv;
      }
    }
  }
  return out;
}
