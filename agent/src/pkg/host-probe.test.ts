import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectAdapters } from './detect.js';
import { osFamily, type HostDescription } from './host.js';
import { findExecutables, probeHost } from './host-probe.js';
import type { AdapterModule } from './registry.js';
import { ADAPTERS } from './registry.js';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pw-probe-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function tool(name: string, mode = 0o755) {
  await fs.mkdir(path.join(dir, 'bin'), { recursive: true });
  await fs.writeFile(path.join(dir, 'bin', name), '#!/bin/sh\n', { mode });
}

describe('probeHost', () => {
  it('reads os-release from the root and finds executables on PATH (only executable files)', async () => {
    await fs.mkdir(path.join(dir, 'etc'));
    await fs.writeFile(path.join(dir, 'etc', 'os-release'), 'ID=ubuntu\nID_LIKE=debian\nVERSION_ID="24.04"\n');
    await tool('apt-get');
    await tool('dpkg-query');
    await tool('zypper', 0o644); // not executable
    const host = await probeHost({ platform: 'linux', root: dir, env: { PATH: path.join(dir, 'bin') }, extraDirs: [] });
    expect(host.platform).toBe('linux');
    expect(host.osRelease).toEqual({ ID: 'ubuntu', ID_LIKE: 'debian', VERSION_ID: '24.04' });
    expect(osFamily(host)).toEqual(['ubuntu', 'debian']);
    expect(host.executables.has('apt-get')).toBe(true);
    expect(host.executables.has('dpkg-query')).toBe(true);
    expect(host.executables.has('zypper')).toBe(false);
  });

  it('falls back to /usr/lib/os-release and tolerates none', async () => {
    await fs.mkdir(path.join(dir, 'usr', 'lib'), { recursive: true });
    await fs.writeFile(path.join(dir, 'usr', 'lib', 'os-release'), 'ID=fedora\n');
    expect((await probeHost({ platform: 'linux', root: dir, env: { PATH: '' }, extraDirs: [] })).osRelease).toEqual({ ID: 'fedora' });
    await fs.rm(path.join(dir, 'usr'), { recursive: true });
    expect((await probeHost({ platform: 'linux', root: dir, env: { PATH: '' }, extraDirs: [] })).osRelease).toEqual({});
  });

  it('looks for Windows executables with PATHEXT', async () => {
    await fs.mkdir(path.join(dir, 'bin'));
    await fs.writeFile(path.join(dir, 'bin', 'winget.exe'), '');
    const found = await findExecutables(['winget', 'choco'], { platform: 'win32', env: { Path: path.join(dir, 'bin'), PATHEXT: '.EXE;.CMD' }, extraDirs: [] });
    expect([...found]).toEqual(['winget']);
  });

  it('describes this machine: Debian with apt', async () => {
    const host = await probeHost();
    expect(host.platform).toBe('linux');
    expect(host.osRelease['ID']).toBe('debian');
    expect(host.executables.has('apt-get')).toBe(true);
    expect(detectAdapters(host, ADAPTERS).map((m) => m.factory.name)).toContain('apt');
  });
});

describe('detectAdapters over injected host descriptions', () => {
  const host = (over: Partial<HostDescription>): HostDescription => ({ platform: 'linux', arch: 'x64', osRelease: {}, executables: new Set(), ...over });
  const simulated: AdapterModule = {
    factory: { name: 'simulated', detect: () => true, create: () => { throw new Error('not built in this test'); } },
    parsers: {},
    explicitOnly: true,
  };

  it('picks apt on Debian and Ubuntu, nothing on a bare host', () => {
    const names = (h: HostDescription) => detectAdapters(h, ADAPTERS).map((m) => m.factory.name);
    expect(names(host({ osRelease: { ID: 'debian' }, executables: new Set(['apt-get', 'dpkg-query']) }))).toContain('apt');
    expect(names(host({ osRelease: { ID: 'ubuntu', ID_LIKE: 'debian' }, executables: new Set(['apt-get', 'dpkg-query']) }))).toContain('apt');
    expect(names(host({ osRelease: { ID: 'alpine' }, executables: new Set(['apk']) }))).not.toContain('apt');
    expect(names(host({ platform: 'win32', executables: new Set(['apt-get', 'dpkg-query']) }))).not.toContain('apt');
  });

  it('never auto-detects the simulated adapter; --simulate selects only it', () => {
    const modules = [...ADAPTERS.filter((m) => m.factory.name !== 'simulated'), simulated];
    const debian = host({ executables: new Set(['apt-get', 'dpkg-query']) });
    expect(detectAdapters(debian, modules).map((m) => m.factory.name)).not.toContain('simulated');
    expect(detectAdapters(debian, modules, { simulate: true })).toEqual([simulated]);
    expect(() => detectAdapters(debian, ADAPTERS.filter((m) => m.factory.name !== 'simulated'), { simulate: true })).toThrow(/no simulated adapter/);
  });
});
