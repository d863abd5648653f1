import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PatchwaveError } from '@patchwave/shared';
import { uninstall } from './uninstall.js';

let root: string;
let stateDir: string;
let configDir: string;
let configPath: string;

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'pw-uninstall-'));
  stateDir = path.join(root, 'var', 'patchwave');
  configDir = path.join(root, 'etc', 'patchwave');
  configPath = path.join(configDir, 'agent.json');
  await fs.mkdir(path.join(stateDir, 'journal'), { recursive: true });
  await fs.mkdir(configDir, { recursive: true });
  await fs.writeFile(path.join(stateDir, 'credential.json'), '{"deviceId":"d1"}');
  await fs.writeFile(configPath, '{"serverUrl":"https://patch.example.com"}');
});

afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe('uninstall', () => {
  it('without --purge deletes nothing and reports what it keeps', async () => {
    const result = await uninstall({ purge: false, stateDir, configPath, platform: 'linux' });
    expect(result).toMatchObject({ purged: false, removed: [], kept: [configPath, stateDir] });
    expect(result.packageRemoval).toContain('apt-get purge');
    await expect(fs.stat(path.join(stateDir, 'credential.json'))).resolves.toBeTruthy();
  });

  it('with --purge deletes the state directory, the config file and the emptied config directory', async () => {
    const result = await uninstall({ purge: true, stateDir, configPath, platform: 'linux' });
    expect(result).toMatchObject({ purged: true, removed: [stateDir, configPath, configDir] });
    await expect(fs.stat(stateDir)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(fs.stat(configDir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('keeps a config directory that still holds other files', async () => {
    await fs.writeFile(path.join(configDir, 'agent.env'), 'PATCHWAVE_SERVER_URL=https://x\n');
    const result = await uninstall({ purge: true, stateDir, configPath, platform: 'linux' });
    expect(result.removed).toEqual([stateDir, configPath]);
    await expect(fs.readdir(configDir)).resolves.toEqual(['agent.env']);
  });

  it('is a no-op on a machine already purged', async () => {
    await fs.rm(root, { recursive: true, force: true });
    await expect(uninstall({ purge: true, stateDir, configPath, platform: 'linux' })).resolves.toMatchObject({ purged: true, removed: [] });
  });

  it('refuses while an agent holds the state lock', async () => {
    await fs.writeFile(path.join(stateDir, 'agent.lock'), `${process.ppid}\n`);
    const err = await uninstall({ purge: true, stateDir, configPath, platform: 'linux' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PatchwaveError);
    expect(err).toMatchObject({ code: 'E_CONFLICT', message: expect.stringContaining('stop the agent') });
    await expect(fs.stat(path.join(stateDir, 'credential.json'))).resolves.toBeTruthy();
  });

  it('refuses a system directory or a directory holding no agent state', async () => {
    for (const dir of ['/', '/etc', '/var/lib', os.homedir()]) {
      await expect(uninstall({ purge: true, stateDir: dir, configPath, platform: 'linux' })).rejects.toMatchObject({ code: 'E_VALIDATION' });
    }
    const other = path.join(root, 'photos');
    await fs.mkdir(other);
    await fs.writeFile(path.join(other, 'cat.jpg'), 'x');
    await expect(uninstall({ purge: true, stateDir: other, configPath, platform: 'linux' })).rejects.toThrow(/holds no agent state/);
    await expect(fs.stat(path.join(other, 'cat.jpg'))).resolves.toBeTruthy();
  });

  it('names the removal command of each OS', async () => {
    const win = await uninstall({ purge: false, stateDir, configPath, platform: 'win32' });
    expect(win.packageRemoval).toContain('msiexec /x');
    const mac = await uninstall({ purge: false, stateDir, configPath, platform: 'darwin' });
    expect(mac.packageRemoval).toContain('/Library/patchwave/bin/uninstall.sh');
  });
});
