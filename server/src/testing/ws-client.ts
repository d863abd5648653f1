import type { ServerMessage } from '@patchwave/shared';
import { parseServerFrame } from '@patchwave/shared';
import WebSocket from 'ws';

/**
 * A test agent over a real socket: collects server frames in order and lets a test wait for the
 * next one, for an HTTP refusal of the upgrade, or for the close code.
 */
export class TestAgentSocket {
  private readonly frames: ServerMessage[] = [];
  private readonly waiters: ((f: ServerMessage) => void)[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly opened: Promise<void>;

  constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    this.opened = new Promise((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused with HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
    ws.on('message', (data) => {
      const parsed = parseServerFrame(data.toString());
      if (!parsed.ok) throw new Error(`server sent an invalid frame: ${parsed.message}`);
      const waiter = this.waiters.shift();
      if (waiter) waiter(parsed.frame);
      else this.frames.push(parsed.frame);
    });
  }

  static connect(url: string, credential: string | null): TestAgentSocket {
    return new TestAgentSocket(new WebSocket(url, credential ? { headers: { authorization: `Bearer ${credential}` } } : {}));
  }

  /** The next frame from the server. */
  next(): Promise<ServerMessage> {
    const ready = this.frames.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  send(value: unknown): void {
    this.ws.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  /** Resolves with the HTTP status that refused the upgrade and its body. */
  static refused(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      ws.once('open', () => {
        ws.close();
        reject(new Error('upgrade unexpectedly accepted'));
      });
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      ws.once('error', () => undefined);
    });
  }
}
