/**
 * Starts a local patchwave: the server on `.patchwave/data` (SQLite) and an agent enrolled to it,
 * running as the current user. Re-running reuses both. Ctrl-C stops everything.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env['PATCHWAVE_PORT'] ?? '8080' },
    dir: { type: 'string', default: join(root, '.patchwave') },
  },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 1 || port > 65_535) {
  console.error(`--port: expected a TCP port (1-65535), got "${values.port}"`);
  process.exit(2);
}
const home = resolve(values.dir);
const dataDir = join(home, 'data');
const agentState = join(home, 'agent');
const adminTokenFile = join(home, 'admin-token');
const adminPasswordFile = join(home, 'admin-password');
mkdirSync(home, { recursive: true, mode: 0o700 });

const children: ChildProcess[] = [];
function launch(name: string, args: string[], onLine: (line: string) => void): ChildProcess {
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let buf = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buf += chunk.toString();
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      onLine(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  });
  // Structured logs go to a file each, so the terminal shows only what a person needs.
  const log = join(home, `${name}.log`);
  child.stderr?.on('data', (chunk: Buffer) => writeFileSync(log, chunk, { flag: 'a' }));
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${name} exited (${signal ?? code}); its log is ${log}`);
      shutdown(1);
    }
  });
  return child;
}

let stopping = false;
function shutdown(code: number): void {
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  setTimeout(() => process.exit(code), 3000).unref();
  Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null))).then(() => process.exit(code));
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

function serverReady(): Promise<{ url: string; token: string; serverKey: string; admin: string }> {
  return new Promise((resolveReady, reject) => {
    let url: string | undefined;
    let serverKey = '';
    let admin = 'admin';
    let passwordNext = false;
    const server = launch(
      'server',
      ['server/bin/patchwave.js', 'server', 'start', '--data-dir', dataDir, '--host', '127.0.0.1', '--port', String(port)],
      (line) => {
        const listening = /listening on (http:\/\/\S+)/.exec(line);
        if (listening) url = listening[1];
        serverKey = /job-signing key: ([a-f0-9]{64})/.exec(line)?.[1] ?? serverKey;
        if (passwordNext) writeFileSync(adminPasswordFile, `${line.trim()}\n`, { mode: 0o600 });
        passwordNext = /^Admin user "([^"]+)", one-time password/.test(line);
        admin = /^Admin user "([^"]+)"/.exec(line)?.[1] ?? admin;
        const token = /(pwt_[A-Za-z0-9_-]{43})/.exec(line)?.[1];
        if (token) writeFileSync(adminTokenFile, `${token}\n`, { mode: 0o600 });
        if (url && (token || /admin token: created at first start/.test(line))) {
          if (!existsSync(adminTokenFile)) {
            reject(new Error(`the data dir ${dataDir} has an admin token that is not in ${adminTokenFile}; create one with: node server/bin/patchwave.js server admin-token --data-dir ${dataDir}`));
            return;
          }
          resolveReady({ url, token: readFileSync(adminTokenFile, 'utf8').trim(), serverKey, admin });
        }
      },
    );
    server.once('exit', () => reject(new Error(`the server did not start; see ${join(home, 'server.log')}`)));
  });
}

async function enrollmentToken(url: string, adminToken: string): Promise<string | undefined> {
  if (existsSync(join(agentState, 'credential.json'))) return undefined; // already enrolled
  const res = await fetch(`${url}/api/v1/enrollment-tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'quickstart local agent', expiresIn: '1h', maxUses: 1 }),
  });
  if (!res.ok) throw new Error(`creating an enrollment token failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

try {
  const { url, token, serverKey, admin } = await serverReady();
  const enroll = await enrollmentToken(url, token);
  launch(
    'agent',
    ['agent/bin/patchwave-agent.js', 'run', '--server-url', url, '--state-dir', agentState, '--server-key', serverKey, ...(enroll ? ['--enroll-token', enroll] : [])],
    () => undefined,
  );
  console.log(`
patchwave is running.

  Console:      ${url}/  (sign in as ${admin} with the one-time password below)
  Admin user:   ${admin}, one-time password ${existsSync(adminPasswordFile) ? readFileSync(adminPasswordFile, 'utf8').trim() : '(set at first start)'}
                (in ${adminPasswordFile}, mode 0600; you choose your own at first sign-in)
  API docs:     ${url}/docs
  Admin token:  ${token}
                (also in ${adminTokenFile}, mode 0600)
  Server key:   ${serverKey}
                (the job-signing key fingerprint agents pin: PATCHWAVE_SERVER_KEY)
  Local agent:  enrolled as this user, state in ${agentState}
  Logs:         ${join(home, 'server.log')}, ${join(home, 'agent.log')}

Try:
  export PATCHWAVE_SERVER_URL=${url} PATCHWAVE_API_TOKEN=$(cat ${adminTokenFile})
  node server/bin/patchwave.js devices list

Ctrl-C stops the server and the agent.`);
} catch (err) {
  console.error(String(err instanceof Error ? err.message : err));
  shutdown(1);
}
