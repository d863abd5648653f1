import fs from 'node:fs';
import http from 'node:http';

/**
 * A tiny service for the health-probe tests, run as its own process: it answers every request
 * with the HTTP status named in its config file (`status=200`), re-read on each request the way a
 * service re-reads its configuration after a package upgrade restarted it. Prints `listening <port>`.
 * Usage: node --import tsx config-status-service.ts <config file>
 */
const config = process.argv[2];
if (!config) {
  process.stderr.write('usage: config-status-service <config file>\n');
  process.exit(2);
}

function statusFromConfig(): number {
  const text = fs.readFileSync(config as string, 'utf8');
  const m = /^status=(\d{3})$/m.exec(text);
  return m ? Number(m[1]) : 500;
}

const server = http.createServer((_req, res) => {
  const status = statusFromConfig();
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(`status ${status}\n`);
});
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  process.stdout.write(`listening ${typeof addr === 'object' && addr ? addr.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
