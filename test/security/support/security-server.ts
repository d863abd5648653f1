import { AGENT_WS_PATH } from '@patchwave/shared';
import type { ServerConfig } from '../../../server/src/config.js';
import type { Clock } from '../../../server/src/domain/clock.js';
import type { TestApp } from '../../../server/src/testing/test-app.js';
import { openTestApp } from '../../../server/src/testing/test-app.js';

export interface ListeningServer {
  t: TestApp;
  /** http://127.0.0.1:<port> */
  url: string;
  wsUrl: string;
  close(): Promise<void>;
}

/** The real app (buildApp, SQLite in a temp dir, keyring in its data dir) listening on loopback. */
export async function listeningServer(options: { clock?: Clock; config?: Partial<ServerConfig> } = {}): Promise<ListeningServer> {
  const t = await openTestApp(options);
  const url = await t.app.listen({ host: '127.0.0.1', port: 0 });
  return { t, url, wsUrl: `${url.replace('http', 'ws')}${AGENT_WS_PATH}`, close: () => t.close() };
}

/** Polls until `check` returns a value (the condition is what the test waits for; the deadline only turns a hang into a message). */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
