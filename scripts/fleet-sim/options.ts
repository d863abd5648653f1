/** One simulated device: its identity on the server and the loopback address it connects from. */
export interface SimIdentity {
  index: number;
  deviceId: string;
  hostname: string;
  /** The `pwa_` credential (empty for a bare WebSocket reference run). */
  credential: string;
  /** 127.0.0.x: spreads connections over source addresses so that 20,000 do not exhaust one address's ports. */
  localAddress: string;
}

/** How the simulated agents behave. Every loop is bounded by `maxRunMs` and `maxReconnects`. */
export interface SimOptions {
  /** `ws://127.x.x.x:port/api/v1/agent` (patchwave) or the bare reference server's URL. */
  wsUrl: string;
  /** `patchwave`: protocol v1 with the server; `bare`: no protocol, answer every message with `ack` (the reference). */
  mode: 'patchwave' | 'bare';
  /** Installed packages per device (drawn from the real Debian capture). */
  packages: number;
  /** Heartbeat interval; default: what the server says in server.welcome. */
  heartbeatMs?: number;
  /** A device changes one package every so often (an unattended upgrade) and reports a delta; 0 = never. */
  driftIntervalMs: number;
  /** A job runs for a uniform random time in [min, max] ms. */
  jobLatencyMs: [number, number];
  /** Share of apply jobs that fail (dpkg post-install script error). */
  failureRate: number;
  /** Share of successful apply jobs (reboot policy not `never`) after which the device reboots. */
  rebootRate: number;
  rebootDownMs: number;
  /** Check job signatures with the keys pinned from the first trust.keys (the agent's trust on first use). */
  verifySignatures: boolean;
  /** The real agent's reconnect backoff (full jitter); its defaults are 1 s and 5 min. */
  backoffBaseMs: number;
  backoffCapMs: number;
  maxReconnects: number;
  /** The worker stops its agents and exits after this long, whatever happens. */
  maxRunMs: number;
  /** New connections per second across the fleet (ramp-up). */
  rampPerSecond: number;
}

export const DEFAULT_SIM_OPTIONS: Omit<SimOptions, 'wsUrl'> = {
  mode: 'patchwave',
  packages: 2000,
  driftIntervalMs: 0,
  jobLatencyMs: [200, 2000],
  failureRate: 0.05,
  rebootRate: 0,
  rebootDownMs: 3000,
  verifySignatures: true,
  backoffBaseMs: 1000,
  backoffCapMs: 300_000,
  maxReconnects: 1000,
  maxRunMs: 15 * 60_000,
  rampPerSecond: 1000,
};

/** Refuses anything but loopback: the simulator never sends traffic off the machine. */
export function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (!/^127\.\d+\.\d+\.\d+$/.test(host) && host !== 'localhost' && host !== '[::1]') {
    throw new Error(`fleet-sim connects to loopback only; ${url} is not (use 127.0.0.1)`);
  }
}
