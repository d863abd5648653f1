import fs from 'node:fs/promises';
import { PatchwaveError } from '@patchwave/shared';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One agent per state directory: a lock file created with O_EXCL holding the pid. A lock left by
 * a process that no longer exists (crash, power loss) is taken over.
 */
export async function acquireStateLock(file: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fs.writeFile(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      return async () => {
        await fs.rm(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number.parseInt(await fs.readFile(file, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new PatchwaveError('E_CONFLICT', `another agent (pid ${pid}) is running with this state directory (${file})`, {
          details: { pid, lock: file },
        });
      }
      await fs.rm(file, { force: true });
    }
  }
  throw new PatchwaveError('E_CONFLICT', `could not take the state lock ${file}`);
}
