/**
 * The reference for the fleet benchmarks: a bare `ws` server (the library patchwave's gateway is
 * built on) that accepts sockets and does nothing else — no authentication, no protocol, no
 * database. Its memory per socket is the floor; its broadcast is the fastest a message can reach
 * the same sockets. Driven over IPC by the benchmark; exits with its parent.
 *
 *   IPC: { t: 'broadcast', text } → { t: 'sent', at, count } ; { t: 'stats' } → { t: 'stats', connections }
 */
import { WebSocketServer, type WebSocket } from 'ws';

const port = Number(process.argv[2]);
const wss = new WebSocketServer({ host: '127.0.0.1', port, perMessageDeflate: false, maxPayload: 1024 * 1024 });
const clients = new Set<WebSocket>();
let acks = 0;
wss.on('connection', (ws) => {
  clients.add(ws);
  ws.on('message', () => {
    acks++;
  });
  ws.on('close', () => clients.delete(ws));
  ws.on('error', () => clients.delete(ws));
});
wss.on('listening', () => process.send?.({ t: 'listening' }));

process.on('message', (raw) => {
  const m = raw as { t: string; text?: string };
  if (m.t === 'broadcast') {
    const at = performance.timeOrigin + performance.now();
    for (const ws of clients) ws.send(m.text ?? '');
    process.send?.({ t: 'sent', at, count: clients.size });
  } else if (m.t === 'stats') process.send?.({ t: 'stats', connections: clients.size, acks });
});
process.on('disconnect', () => process.exit(0));
