import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkLockFiles, devParts, parseProcLocks } from './lock-status.js';

const PROC_LOCKS = `1: POSIX  ADVISORY  WRITE 3630 fe:00:2196609 0 EOF
1: -> POSIX  ADVISORY  WRITE 3700 fe:00:2196609 0 EOF
2: FLOCK  ADVISORY  WRITE 3625 fe:00:2196497 0 EOF
3: OFDLCK ADVISORY  READ  -1 00:19:12 0 EOF
`;

describe('parseProcLocks', () => {
  it('reads holders (not blocked waiters) with hex device numbers', () => {
    expect(parseProcLocks(PROC_LOCKS)).toEqual([
      { type: 'POSIX', pid: 3630, major: 0xfe, minor: 0, inode: 2196609 },
      { type: 'FLOCK', pid: 3625, major: 0xfe, minor: 0, inode: 2196497 },
      { type: 'OFDLCK', pid: -1, major: 0, minor: 0x19, inode: 12 },
    ]);
    expect(parseProcLocks('')).toEqual([]);
  });
  it('splits dev_t like glibc', () => {
    expect(devParts(65024)).toEqual({ major: 0xfe, minor: 0 });
    expect(devParts(2049)).toEqual({ major: 8, minor: 1 });
  });
});

describe.runIf(process.platform === 'linux')('checkLockFiles on this machine', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-lock-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('sees a lock another process really holds on the file, and not once it is released', async () => {
    const lock = path.join(dir, 'lock-frontend');
    fs.writeFileSync(lock, '');
    expect(await checkLockFiles({ fcntl: [lock] })).toMatchObject({ held: false });
    // util-linux flock(1) holds the lock until its child (cat, waiting on stdin) exits.
    const holder = spawn('flock', ['--exclusive', lock, 'cat'], { stdio: ['pipe', 'ignore', 'ignore'] });
    try {
      let status = await checkLockFiles({ fcntl: [lock] });
      for (let i = 0; !status.held && i < 200; i++) {
        await new Promise((r) => setImmediate(r));
        status = await checkLockFiles({ fcntl: [lock] });
      }
      expect(status).toEqual({ held: true, holderPid: holder.pid, detail: `${lock} is locked by pid ${holder.pid}` });
    } finally {
      holder.stdin.end();
      await new Promise((r) => holder.once('exit', r));
    }
    expect(await checkLockFiles({ fcntl: [lock] })).toMatchObject({ held: false });
  });

  it('pid files count while the pid runs; lock files count by existence', async () => {
    const pidFile = path.join(dir, 'zypp.pid');
    fs.writeFileSync(pidFile, `${process.pid}\n`);
    expect(await checkLockFiles({ pidFiles: [pidFile] })).toEqual({ held: true, holderPid: process.pid, detail: `${pidFile} names running pid ${process.pid}` });
    const gone = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => gone.once('exit', r));
    fs.writeFileSync(pidFile, `${gone.pid}\n`);
    expect((await checkLockFiles({ pidFiles: [pidFile] })).held).toBe(false);
    const dbLck = path.join(dir, 'db.lck');
    expect((await checkLockFiles({ existence: [dbLck] })).held).toBe(false);
    fs.writeFileSync(dbLck, '');
    expect(await checkLockFiles({ existence: [dbLck] })).toMatchObject({ held: true });
  });
});
