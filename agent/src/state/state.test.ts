import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../log/logger.js';
import { writeFileAtomic } from './atomic-file.js';
import { acquireStateLock } from './state-lock.js';
import { StateStore } from './state-store.js';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pw-state-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const identity = { deviceId: 'dev-1', credential: 'c'.repeat(43), serverUrl: 'https://x.example', enrolledAt: '2026-01-01T00:00:00.000Z' };

describe('StateStore', () => {
  it('creates the state directory 0700 and writes the credential 0600', async () => {
    const stateDir = path.join(dir, 'nested', 'state');
    const store = await StateStore.open(stateDir, silentLogger());
    expect((await fs.stat(stateDir)).mode & 0o777).toBe(0o700);
    expect(await store.readIdentity()).toBeUndefined();
    await store.writeIdentity(identity);
    expect((await fs.stat(store.layout.credential)).mode & 0o777).toBe(0o600);
    expect(await store.readIdentity()).toEqual(identity);
    // nothing left behind by the atomic write
    expect(await fs.readdir(stateDir)).toEqual(['credential.json']);
  });

  it('keeps 0600 even under a permissive umask and when replacing a wider file', async () => {
    const file = path.join(dir, 'f.json');
    await fs.writeFile(file, 'old', { mode: 0o644 });
    const previous = process.umask(0o000);
    try {
      await writeFileAtomic(file, 'new');
    } finally {
      process.umask(previous);
    }
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect(await fs.readFile(file, 'utf8')).toBe('new');
  });

  it('refuses a damaged credential file with a message naming it', async () => {
    const store = await StateStore.open(dir, silentLogger());
    await fs.writeFile(store.layout.credential, '{"deviceId": 5}');
    await expect(store.readIdentity()).rejects.toThrow(/credential\.json is damaged \(field "deviceId"\)/);
    await fs.writeFile(store.layout.credential, '{"deviceId":');
    await expect(store.readIdentity()).rejects.toThrow(/is damaged/);
  });

  it('round-trips the acknowledged inventory and forgets a damaged one', async () => {
    const store = await StateStore.open(dir, silentLogger());
    const base = {
      hash: 'a'.repeat(64),
      packages: [{ manager: 'apt' as const, name: 'jq', version: '1.6', arch: 'amd64' }],
      ackedAt: '2026-01-01T00:00:00.000Z',
    };
    await store.writeInventoryBase(base);
    expect(await store.readInventoryBase()).toEqual(base);
    await fs.writeFile(store.layout.inventoryBase, '{"hash":"nope"}');
    expect(await store.readInventoryBase()).toBeUndefined();
    await store.clearInventoryBase();
    expect(await store.readInventoryBase()).toBeUndefined();
  });

  it('settles only after every write started before it, leaving no temp file behind', async () => {
    const store = await StateStore.open(dir, silentLogger());
    const packages = Array.from({ length: 5_000 }, (_, i) => ({ manager: 'apt' as const, name: `p${i}`, version: '1.0', arch: 'amd64' }));
    const base = { hash: 'b'.repeat(64), packages, ackedAt: '2026-01-01T00:00:00.000Z' };
    // Not awaited, as an acknowledgement handler racing a stop would leave it.
    const writing = store.writeInventoryBase(base);
    void store.writeIdentity(identity);
    await store.settled();
    expect((await fs.readdir(dir)).sort()).toEqual(['credential.json', 'inventory-base.json']);
    expect((await store.readInventoryBase())?.packages).toHaveLength(5_000);
    await writing;
    await store.settled(); // nothing in flight: resolves at once
  });

  it('names a state directory that cannot be written', async () => {
    const file = path.join(dir, 'a-file');
    await fs.writeFile(file, '');
    await expect(StateStore.open(path.join(file, 'sub'), silentLogger())).rejects.toThrow(/state directory .*a-file\/sub cannot be created/);
  });
});

describe('acquireStateLock', () => {
  it('admits one agent per state directory and takes over a stale lock', async () => {
    const lock = path.join(dir, 'agent.lock');
    const release = await acquireStateLock(lock);
    await fs.writeFile(lock, `${process.ppid}\n`); // a live process that is not us
    await expect(acquireStateLock(lock)).rejects.toThrow(/another agent \(pid \d+\) is running/);
    await fs.writeFile(lock, '999999999\n'); // no such process: stale
    const again = await acquireStateLock(lock);
    await again();
    await release();
    await expect(fs.access(lock)).rejects.toThrow();
  });
});
