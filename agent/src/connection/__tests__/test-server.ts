import { EventEmitter, once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AGENT_WS_PATH,
  ENROLL_PATH,
  EnrollRequest,
  applyPackageDelta,
  parseAgentFrame,
  serverFrame,
  type AgentMessage,
  type InstalledPackage,
  type ServerMessage,
} from '@patchwave/shared';
import { WebSocketServer, type WebSocket } from 'ws';

/** What the test server keeps between restarts (like the real server's database). */
export interface TestServerState {
  hash: string | null;
  packages: InstalledPackage[];
}

/**
 * A tiny protocol-v1 server for connection tests: enrolls with a token (POST /api/v1/enroll),
 * checks the bearer credential before the upgrade (401 otherwise),
 * answers hello with welcome, applies full and delta inventories (E_INVENTORY_BASE_MISMATCH when
 * the delta's base is not what it holds) and acks them. It records every frame it receives.
 */
export class TestAgentServer extends EventEmitter<{ frame: [AgentMessage] }> {
  readonly received: AgentMessage[] = [];
  readonly rawReceived: string[] = [];
  private wss: WebSocketServer | undefined;
  private readonly sockets = new Set<WebSocket>();

  constructor(
    readonly state: TestServerState,
    private readonly credential: string,
    /** What welcome tells the agent; tests that jump the clock by hours raise it so no heartbeat falls due. */
    public heartbeatSeconds = 5,
  ) {
    super();
  }

  /** false: do not answer pings (a server that hangs without closing the connection). */
  autoPong = true;
  /** Enrollment token the server accepts on POST /api/v1/enroll (answering with `credential`). */
  enrollToken: string | undefined;
  /** Bodies of accepted enrollments. */
  readonly enrollments: unknown[] = [];
  private http: http.Server | undefined;

  async listen(port = 0): Promise<number> {
    const wss = new WebSocketServer({ noServer: true, autoPong: this.autoPong });
    const server = http.createServer((req, res) => this.onHttp(req, res));
    server.on('upgrade', (req, socket, head) => {
      if (req.url !== AGENT_WS_PATH || req.headers.authorization !== `Bearer ${this.credential}`) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    });
    this.wss = wss;
    this.http = server;
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    wss.on('connection', (ws: WebSocket) => {
      this.sockets.add(ws);
      ws.on('close', () => this.sockets.delete(ws));
      ws.on('message', (data) => this.onMessage(ws, data.toString()));
    });
    return (server.address() as AddressInfo).port;
  }

  private onHttp(req: http.IncomingMessage, res: http.ServerResponse): void {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const send = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (req.method !== 'POST' || req.url !== ENROLL_PATH) return send(404, { error: { code: 'E_NOT_FOUND', message: 'not found' } });
      const parsed = EnrollRequest.safeParse(JSON.parse(body || '{}'));
      if (!parsed.success) return send(400, { error: { code: 'E_VALIDATION', message: parsed.error.issues[0]?.message ?? 'bad request' } });
      if (!this.enrollToken || parsed.data.token !== this.enrollToken) return send(401, { error: { code: 'E_TOKEN_INVALID', message: 'unknown token' } });
      this.enrollments.push(parsed.data);
      return send(201, { deviceId: 'dev-test', credential: this.credential });
    });
  }

  /** Sends raw text to every connected agent (to test bad frames). */
  broadcastRaw(text: string): void {
    for (const ws of this.sockets) ws.send(text);
  }

  /** Stops like a crashing server: connections dropped, port closed. */
  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    const server = this.http;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    this.wss?.close();
  }

  private send(ws: WebSocket, frame: ServerMessage): void {
    ws.send(JSON.stringify(frame));
  }

  private onMessage(ws: WebSocket, text: string): void {
    this.rawReceived.push(text);
    const parsed = parseAgentFrame(text);
    if (!parsed.ok) {
      this.send(ws, serverFrame('error', { code: parsed.code, message: parsed.message, ...(parsed.of ? { of: parsed.of } : {}) }));
      return;
    }
    const frame = parsed.frame;
    this.received.push(frame);
    this.reply(ws, frame);
    this.emit('frame', frame);
  }

  private reply(ws: WebSocket, frame: AgentMessage): void {
    if (frame.type === 'agent.hello') {
      this.send(
        ws,
        serverFrame('server.welcome', {
          protocolVersion: 1,
          serverVersion: 'test',
          capabilities: [],
          deviceId: 'dev-test',
          heartbeatSeconds: this.heartbeatSeconds,
          inventoryHash: this.state.hash,
        }),
      );
    } else if (frame.type === 'inventory.report') {
      const report = frame.payload;
      if (report.kind === 'delta') {
        if (report.baseHash !== this.state.hash) {
          this.send(ws, serverFrame('error', { code: 'E_INVENTORY_BASE_MISMATCH', message: 'base hash is not the stored inventory', of: frame.id }));
          return;
        }
        this.state.packages = applyPackageDelta(this.state.packages, report.packages);
      } else {
        this.state.packages = report.inventory.packages;
      }
      this.state.hash = report.hash;
      this.send(ws, serverFrame('ack', { of: frame.id }));
    }
  }
}
