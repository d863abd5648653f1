import net from 'node:net';

/** Connects to host:port; ok once the connection is accepted (then closed at once). */
export function probeTcp(host: string, port: number, timeoutMs: number): Promise<{ ok: boolean; detail: string }> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: host.replace(/^\[(.*)\]$/, '$1'), port });
    const done = (ok: boolean, detail: string) => {
      socket.destroy();
      resolve({ ok, detail });
    };
    socket.setTimeout(timeoutMs, () => done(false, `timed out after ${timeoutMs} ms`));
    socket.once('connect', () => done(true, `connected to ${host}:${port}`));
    socket.once('error', (err: NodeJS.ErrnoException) => done(false, err.code ?? err.message));
  });
}

const MAX_REDIRECTS = 5;

const statusOk = (status: number, expect: readonly number[] | undefined) => (expect ? expect.includes(status) : status >= 200 && status < 300);

/**
 * GETs the URL within the timeout (one AbortSignal covers every hop). Redirects are followed only
 * to the same origin (scheme, host and port), at most 5 hops; a redirect elsewhere is answered by
 * its own status, so a probe can never be pointed at another host. Healthy: a status in `expect`,
 * or any 2xx without it.
 */
export async function probeHttp(url: string, expect: readonly number[] | undefined, timeoutMs: number): Promise<{ ok: boolean; detail: string }> {
  const signal = AbortSignal.timeout(timeoutMs);
  let current = new URL(url);
  try {
    for (let hop = 0; ; hop++) {
      const res = await fetch(current, { method: 'GET', redirect: 'manual', signal, headers: { 'user-agent': 'patchwave-agent health probe' } });
      await res.body?.cancel();
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location && !statusOk(res.status, expect)) {
        const next = new URL(location, current);
        if (next.origin === current.origin && hop < MAX_REDIRECTS) {
          current = next;
          continue;
        }
        const why = next.origin === current.origin ? `more than ${MAX_REDIRECTS} redirects` : `redirect to another origin (${next.origin}) not followed`;
        return { ok: false, detail: `HTTP ${res.status}: ${why}` };
      }
      const ok = statusOk(res.status, expect);
      return { ok, detail: `HTTP ${res.status}${ok ? '' : ` (expected ${expect ? expect.join(', ') : '2xx'})`}` };
    }
  } catch (err) {
    if (signal.aborted) return { ok: false, detail: `timed out after ${timeoutMs} ms` };
    const cause = (err as { cause?: NodeJS.ErrnoException }).cause;
    return { ok: false, detail: cause?.code ?? cause?.message ?? (err as Error).message };
  }
}
