import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';

/** A running agent process with its combined output. */
export class AgentProcess {
  private out = '';

  constructor(private readonly child: ChildProcess) {
    child.stdout?.on('data', (chunk: Buffer) => (this.out += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.out += chunk.toString()));
  }

  static start(command: string, args: string[], env: NodeJS.ProcessEnv): AgentProcess {
    return new AgentProcess(spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  output(): string {
    return this.out;
  }

  exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** SIGTERM, as systemd sends on stop; resolves with the exit code once the process is gone. */
  async stop(): Promise<number | null> {
    if (this.exited()) return this.child.exitCode;
    const exited = new Promise<number | null>((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.child.kill('SIGTERM');
    return exited;
  }
}

export interface SystemdService {
  execStart: string[];
  environment: Record<string, string>;
  settings: Map<string, string[]>;
}

/** The [Service] settings of a unit file, as systemd reads them (comments and blank lines skipped). */
export function parseUnit(text: string): SystemdService {
  const settings = new Map<string, string[]>();
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header?.[1]) {
      section = header[1];
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) throw new Error(`unit line without "=": ${line}`);
    const key = `${section}.${line.slice(0, eq)}`;
    settings.set(key, [...(settings.get(key) ?? []), line.slice(eq + 1)]);
  }
  const environment: Record<string, string> = {};
  for (const assignment of settings.get('Service.Environment') ?? []) {
    const eq = assignment.indexOf('=');
    environment[assignment.slice(0, eq)] = assignment.slice(eq + 1);
  }
  const execStart = (settings.get('Service.ExecStart')?.[0] ?? '').split(/\s+/).filter((w) => w !== '');
  return { execStart, environment, settings };
}

/**
 * Starts the agent exactly as the installed systemd unit would (its ExecStart and Environment=),
 * without systemd: there is none in this container.
 */
export async function startAsUnit(unitFile: string): Promise<AgentProcess> {
  const unit = parseUnit(await fs.readFile(unitFile, 'utf8'));
  const [command, ...args] = unit.execStart;
  if (!command) throw new Error(`${unitFile} has no ExecStart`);
  return AgentProcess.start(command, args, { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...unit.environment });
}
