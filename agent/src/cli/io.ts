import { PatchwaveError } from '@patchwave/shared';

/** What a command may touch of the outside world; main() gets the real one, tests their own. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readStdin: () => Promise<string>;
  env: NodeJS.ProcessEnv;
  cwd: string;
  platform: NodeJS.Platform;
}

export function processIO(): CliIO {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
      return Buffer.concat(chunks).toString('utf8');
    },
    env: process.env,
    cwd: process.cwd(),
    platform: process.platform,
  };
}

/** Wrong command-line usage: printed with the usage line, exit code 2. */
export class UsageError extends PatchwaveError {
  constructor(message: string) {
    super('E_VALIDATION', message);
    this.name = 'UsageError';
  }
}

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;
