import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { runTool, ToolError, type RunToolResult } from '../../../scripts/lib/run-tool.js';

/** Debian's wine64 package installs the 64-bit loader outside PATH. */
function wineLoader(): string {
  for (const candidate of ['/usr/lib/wine/wine64', '/usr/bin/wine64', '/usr/bin/wine']) if (existsSync(candidate)) return candidate;
  throw new Error('wine64 is not installed (Debian: apt-get install wine64)');
}

/**
 * A throwaway 64-bit wine prefix reporting Windows 10 (Node refuses older versions). Every call is
 * bounded by a timeout, and `destroy()` ends the prefix's wineserver (with the services it runs)
 * and deletes the prefix.
 */
export class WinePrefix {
  private constructor(
    readonly dir: string,
    private readonly loader: string,
  ) {}

  static async create(): Promise<WinePrefix> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'patchwave-wine-'));
    const prefix = new WinePrefix(dir, wineLoader());
    await prefix.run(['winecfg', '/v', 'win10'], 180_000);
    return prefix;
  }

  get env(): NodeJS.ProcessEnv {
    // No Mono or Gecko download prompts: nothing here needs .NET or a browser engine.
    return { ...process.env, WINEPREFIX: this.dir, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=' };
  }

  /** Path of C:\… inside the prefix. */
  drive(windowsPath: string): string {
    return path.join(this.dir, 'drive_c', ...windowsPath.replace(/^C:\\/i, '').split('\\'));
  }

  /** Z:\… for a Linux path (wine maps / to Z:). */
  static windowsPath(linuxPath: string): string {
    return `Z:${linuxPath.split('/').join('\\')}`;
  }

  /**
   * Runs a wine command. Its output goes to files, not pipes: the first command of a prefix starts
   * wineserver and services.exe (and so the installed service), which would hold a pipe open long
   * after the command itself has exited.
   */
  async run(args: string[], timeoutMs = 120_000, okCodes: number[] = [0]): Promise<RunToolResult> {
    const base = path.join(this.dir, `cmd-${process.hrtime.bigint()}`);
    const [out, err] = await Promise.all([fs.open(`${base}.out`, 'w'), fs.open(`${base}.err`, 'w')]);
    let code: number | null;
    let signal: NodeJS.Signals | null;
    try {
      const child = spawn(this.loader, args, { env: this.env, stdio: ['ignore', out.fd, err.fd], timeout: timeoutMs });
      [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
        child.once('error', reject);
        child.once('exit', (c, s) => resolve([c, s]));
      });
    } finally {
      await Promise.all([out.close(), err.close()]);
    }
    const [stdout, stderr] = await Promise.all([fs.readFile(`${base}.out`, 'utf8'), fs.readFile(`${base}.err`, 'utf8')]);
    await Promise.all([fs.rm(`${base}.out`), fs.rm(`${base}.err`)]);
    if (code === null || !okCodes.includes(code)) throw new ToolError(`wine ${args[0] ?? ''}`, args.slice(1), code, signal, stdout, stderr);
    return { code, stdout, stderr };
  }

  /** `sc query <service>` state name (RUNNING, STOPPED, …), or undefined when the service does not exist. */
  async serviceState(name: string): Promise<string | undefined> {
    // The SCM's own record of the service: wine's sc says "1060" only on a debug channel.
    const key = await this.run(['reg', 'query', `HKLM\\SYSTEM\\CurrentControlSet\\Services\\${name}`], 60_000, [0, 1]);
    if (key.code === 1) return undefined;
    const { stdout } = await this.run(['sc', 'query', name], 60_000);
    return /STATE\s*:\s*\d+\s+(\w+)/.exec(stdout)?.[1];
  }

  async destroy(): Promise<void> {
    const wineserver = ['/usr/lib/wine/wineserver64', '/usr/bin/wineserver'].find((f) => existsSync(f));
    if (wineserver) await runTool(wineserver, ['-k'], { env: this.env, timeoutMs: 60_000, okCodes: [0, 1] });
    await fs.rm(this.dir, { recursive: true, force: true });
  }
}
