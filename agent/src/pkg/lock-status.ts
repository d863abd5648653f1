import fs from 'node:fs/promises';

/** Whether another process holds a package manager's lock right now. */
export interface LockStatus {
  held: boolean;
  /** What was seen: `/var/lib/dpkg/lock-frontend is locked by pid 4242`, `no lock held`. */
  detail: string;
  holderPid?: number;
}

/**
 * Where a package manager keeps its locks, by kind:
 * - `fcntl`: files locked with fcntl/flock (dpkg and apt, rpm's `.rpm.lock`); read from the
 *   kernel's table in /proc/locks, matched by device and inode, so nothing is opened or locked;
 * - `pidFiles`: files holding the pid of the locking process (zypper's /run/zypp.pid, dnf4's
 *   `*_lock.pid`): held while that pid is alive;
 * - `existence`: files whose mere presence blocks the tool (pacman's db.lck, even a stale one).
 */
export interface LockFiles {
  fcntl?: readonly string[];
  pidFiles?: readonly string[];
  existence?: readonly string[];
}

/** File access for the lock check (a port, so tests can point it at a temp dir or memory). */
export interface LockIo {
  readText(path: string): Promise<string | undefined>;
  stat(path: string): Promise<{ dev: number; ino: number } | undefined>;
  processAlive(pid: number): boolean;
}

const missing = (err: unknown) => ['ENOENT', 'ENOTDIR'].includes((err as NodeJS.ErrnoException).code ?? '');

export const nodeLockIo: LockIo = {
  async readText(path) {
    try {
      return await fs.readFile(path, 'utf8');
    } catch (err) {
      if (missing(err)) return undefined;
      throw err;
    }
  },
  async stat(path) {
    try {
      const s = await fs.stat(path);
      return { dev: s.dev, ino: s.ino };
    } catch (err) {
      if (missing(err)) return undefined;
      throw err;
    }
  },
  processAlive(pid) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  },
};

/** One lock from /proc/locks: `1: POSIX  ADVISORY  WRITE 4242 fe:00:2196609 0 EOF`. */
export interface KernelLock {
  type: string;
  pid: number;
  major: number;
  minor: number;
  inode: number;
}

/** Parses /proc/locks (major and minor in hex, inode in decimal; `->` lines are blocked waiters). */
export function parseProcLocks(text: string): KernelLock[] {
  const out: KernelLock[] = [];
  for (const line of text.split('\n')) {
    const m = /^\d+:\s+(?!->)(\S+)\s+\S+\s+\S+\s+(-?\d+)\s+([0-9a-f]+):([0-9a-f]+):(\d+)\s/.exec(line);
    if (!m) continue;
    out.push({ type: m[1] ?? '', pid: Number(m[2]), major: parseInt(m[3] ?? '', 16), minor: parseInt(m[4] ?? '', 16), inode: Number(m[5]) });
  }
  return out;
}

/** Linux `dev_t` → major/minor (glibc's gnu_dev_major / gnu_dev_minor). */
export function devParts(dev: number): { major: number; minor: number } {
  const big = BigInt(dev);
  const major = Number(((big >> 8n) & 0xfffn) | ((big >> 32n) & ~0xfffn));
  const minor = Number((big & 0xffn) | ((big >> 12n) & ~0xffn));
  return { major, minor };
}

/** Checks the lock files of one package manager (Linux: /proc/locks, pid files, lock files). */
export async function checkLockFiles(files: LockFiles, io: LockIo = nodeLockIo): Promise<LockStatus> {
  if (files.fcntl?.length) {
    const table = parseProcLocks((await io.readText('/proc/locks')) ?? '');
    for (const path of files.fcntl) {
      const st = await io.stat(path);
      if (!st) continue;
      const { major, minor } = devParts(st.dev);
      const hit = table.find((l) => l.inode === st.ino && l.major === major && l.minor === minor);
      if (hit) return { held: true, holderPid: hit.pid, detail: `${path} is locked by pid ${hit.pid}` };
    }
  }
  for (const path of files.pidFiles ?? []) {
    const text = await io.readText(path);
    const pid = Number.parseInt((text ?? '').trim(), 10);
    if (Number.isInteger(pid) && pid > 0 && io.processAlive(pid)) return { held: true, holderPid: pid, detail: `${path} names running pid ${pid}` };
  }
  for (const path of files.existence ?? []) {
    if ((await io.readText(path)) !== undefined) return { held: true, detail: `${path} exists (another run, or a stale lock left by a crash)` };
  }
  const all = [...(files.fcntl ?? []), ...(files.pidFiles ?? []), ...(files.existence ?? [])];
  return { held: false, detail: `no lock held (${all.join(', ')})` };
}
