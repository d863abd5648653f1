import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse as parsePlist } from 'plist';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runTool, ToolError } from '../../scripts/lib/run-tool.js';
import { parseUnit } from './support/agent-process.js';
import { mode } from './support/dpkg.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const INSTALLERS = path.join(REPO_ROOT, 'installers');
const UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;

type Dict = Record<string, unknown>;
const readPlist = async (file: string) => parsePlist(await fs.readFile(path.join(INSTALLERS, file), 'utf8')) as Dict;

describe('macOS LaunchDaemons and configuration profile', () => {
  it('the agent LaunchDaemon runs the installed binary as a kept-alive root daemon with the agent default paths', async () => {
    const daemon = await readPlist('macos/com.patchwave.agent.plist');
    expect(daemon).toMatchObject({
      Label: 'com.patchwave.agent',
      ProgramArguments: ['/Library/patchwave/bin/patchwave-agent', 'run'],
      RunAtLoad: true,
      KeepAlive: true,
      ThrottleInterval: 10,
      EnvironmentVariables: {
        // agent/src/config/defaults.ts: the darwin defaults, spelled out for launchd.
        PATCHWAVE_CONFIG: '/Library/Application Support/patchwave/agent.json',
        PATCHWAVE_STATE_DIR: '/Library/Application Support/patchwave/state',
      },
    });
    expect(daemon).not.toHaveProperty('UserName'); // LaunchDaemons run as root
    const build = await fs.readFile(path.join(INSTALLERS, 'macos/build.sh'), 'utf8');
    expect(build).toContain('"$root/Library/patchwave/bin/patchwave-agent"');
  });

  it('the configure LaunchDaemon watches the managed preferences the profile installs', async () => {
    const daemon = await readPlist('macos/com.patchwave.agent.configure.plist');
    expect(daemon).toMatchObject({
      Label: 'com.patchwave.agent.configure',
      ProgramArguments: ['/Library/patchwave/bin/patchwave-configure'],
      WatchPaths: ['/Library/Managed Preferences/com.patchwave.agent.plist', '/Library/Preferences/com.patchwave.agent.plist'],
    });
  });

  it('the .mobileconfig is a system profile with a com.patchwave.agent payload and a managed background item', async () => {
    const profile = await readPlist('macos/patchwave-agent.mobileconfig');
    expect(profile).toMatchObject({ PayloadType: 'Configuration', PayloadScope: 'System', PayloadVersion: 1, PayloadIdentifier: 'com.patchwave.agent.profile' });
    const content = profile['PayloadContent'] as Dict[];
    const settings = content.find((p) => p['PayloadType'] === 'com.patchwave.agent');
    expect(settings).toMatchObject({ ServerURL: 'https://patch.example.com', EnrollToken: expect.any(String), ServerKey: '' });
    const background = content.find((p) => p['PayloadType'] === 'com.apple.servicemanagement');
    expect(background).toMatchObject({ Rules: [{ RuleType: 'Label', RuleValue: 'com.patchwave.agent' }] });
    const uuids = [profile['PayloadUUID'], ...content.map((p) => p['PayloadUUID'])];
    for (const uuid of uuids) expect(uuid).toMatch(UUID);
    expect(new Set(uuids).size).toBe(uuids.length);
    const identifiers = content.map((p) => p['PayloadIdentifier']);
    expect(new Set(identifiers).size).toBe(identifiers.length);
    // The keys configure.sh reads are the keys the profile sets.
    const configure = await fs.readFile(path.join(INSTALLERS, 'macos/configure.sh'), 'utf8');
    for (const key of ['ServerURL', 'EnrollToken', 'ServerKey']) expect(configure).toContain(`pref ${key}`);
  });

  it('the hardened-runtime entitlements allow the JIT and nothing else', async () => {
    expect(await readPlist('macos/entitlements.plist')).toEqual({
      'com.apple.security.cs.allow-jit': true,
      'com.apple.security.cs.allow-unsigned-executable-memory': true,
    });
  });
});

describe('shell scripts of every installer', () => {
  const scripts = [
    'linux/write-config.sh',
    'linux/deb/postinst',
    'linux/deb/prerm',
    'linux/deb/postrm',
    'macos/build.sh',
    'macos/configure.sh',
    'macos/uninstall.sh',
    'macos/scripts/preinstall',
    'macos/scripts/postinstall',
  ];

  it.each(scripts)('%s is executable POSIX sh that parses (sh -n) and passes shellcheck', async (script) => {
    const file = path.join(INSTALLERS, script);
    expect((await fs.readFile(file, 'utf8')).startsWith('#!/bin/sh\n')).toBe(true);
    expect((await mode(file)) & 0o111).toBe(0o111);
    await runTool('sh', ['-n', file]);
    await runTool('shellcheck', ['--shell=sh', '--severity=style', file]);
  });

  it('the rpm scriptlets parse as sh and pass shellcheck', async () => {
    const spec = await fs.readFile(path.join(INSTALLERS, 'linux/rpm/patchwave-agent.spec'), 'utf8');
    for (const section of ['post', 'preun', 'postun']) {
      const body = new RegExp(`^%${section}\\n([\\s\\S]*?)(?=^%|(?![\\s\\S]))`, 'm').exec(spec)?.[1];
      expect(body, `%${section}`).toBeTruthy();
      const file = path.join(os.tmpdir(), `patchwave-spec-${section}-${process.pid}.sh`);
      await fs.writeFile(file, `#!/bin/sh\nset -e\nset -- 1\n${body ?? ''}`);
      try {
        await runTool('sh', ['-n', file]);
        await runTool('shellcheck', ['--shell=sh', file]);
      } finally {
        await fs.rm(file, { force: true });
      }
    }
  });
});

describe('the systemd unit', () => {
  it('restarts forever and hardens only what package managers do not need', async () => {
    const { settings, execStart, environment } = parseUnit(await fs.readFile(path.join(INSTALLERS, 'linux/patchwave-agent.service'), 'utf8'));
    expect(execStart).toEqual(['/usr/bin/patchwave-agent', 'run']);
    expect(environment).toEqual({ PATCHWAVE_CONFIG: '/etc/patchwave/agent.json', PATCHWAVE_STATE_DIR: '/var/lib/patchwave' });
    const one = (key: string) => settings.get(key)?.[0];
    expect(one('Service.Restart')).toBe('always');
    expect(one('Unit.StartLimitIntervalSec')).toBe('0');
    expect(one('Service.KillMode')).toBe('process');
    for (const key of ['ProtectHome', 'PrivateTmp', 'ProtectKernelTunables', 'ProtectControlGroups']) expect(settings.has(`Service.${key}`)).toBe(true);
    for (const key of ['NoNewPrivileges', 'ProtectSystem', 'ProtectKernelModules', 'PrivateDevices', 'RestrictSUIDSGID', 'MemoryDenyWriteExecute', 'UMask']) {
      expect(settings.has(`Service.${key}`), key).toBe(false);
    }
    expect(one('Install.WantedBy')).toBe('multi-user.target');
  });
});

describe('write-config (deb postinst, rpm %post, macOS configure)', () => {
  let dir: string;
  const script = path.join(INSTALLERS, 'linux/write-config.sh');
  const run = (env: NodeJS.ProcessEnv) => runTool('sh', [script], { env: { PATH: process.env['PATH'], PATCHWAVE_CONFIG_DIR: dir, ...env } });
  const config = () => fs.readFile(path.join(dir, 'agent.json'), 'utf8').then((t) => JSON.parse(t) as unknown);

  beforeEach(async () => {
    dir = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'patchwave-write-config-')), 'patchwave');
  });
  afterEach(async () => {
    await fs.rm(path.dirname(dir), { recursive: true, force: true });
  });

  it('writes agent.json (0600, in a 0700 directory) from the environment', async () => {
    await run({ PATCHWAVE_SERVER_URL: 'https://patch.example.com:8443/', PATCHWAVE_ENROLL_TOKEN: 'pwe_abc-DEF_123', PATCHWAVE_SERVER_KEY: 'ed25519:AbC+/=' });
    expect(await config()).toEqual({ serverUrl: 'https://patch.example.com:8443/', enrollToken: 'pwe_abc-DEF_123', serverKey: 'ed25519:AbC+/=' });
    expect(await mode(path.join(dir, 'agent.json'))).toBe(0o600);
    expect(await mode(dir)).toBe(0o700);
    expect((await fs.readdir(dir)).sort()).toEqual(['agent.json']);
  });

  it('reads the preseed file as data, quoted or not, and lets the environment win over it', async () => {
    await fs.mkdir(dir, { recursive: true });
    const preseed = ['# comment', 'PATCHWAVE_SERVER_URL = "https://from-file.example"', "PATCHWAVE_ENROLL_TOKEN='pwe_file'", 'PATCHWAVE_SERVER_KEY=$(touch /tmp/pwned)', ''].join('\n');
    await fs.writeFile(path.join(dir, 'agent.env'), preseed);
    await expect(run({})).rejects.toThrow(/PATCHWAVE_SERVER_KEY contains spaces|must not contain/);
    await fs.writeFile(path.join(dir, 'agent.env'), preseed.replace('$(touch /tmp/pwned)', 'key123'));
    await run({ PATCHWAVE_ENROLL_TOKEN: 'pwe_env' });
    expect(await config()).toEqual({ serverUrl: 'https://from-file.example', enrollToken: 'pwe_env', serverKey: 'key123' });
    expect(await mode(path.join(dir, 'agent.env'))).toBe(0o600);
  });

  it('keeps an existing configuration untouched when no server URL is given', async () => {
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, 'agent.json'), '{"serverUrl":"https://kept.example","tags":["prod"]}\n', { mode: 0o644 });
    const res = await run({});
    expect(res.stdout).toContain('keeping the configuration');
    expect(await fs.readFile(path.join(dir, 'agent.json'), 'utf8')).toBe('{"serverUrl":"https://kept.example","tags":["prod"]}\n');
    expect(await mode(path.join(dir, 'agent.json'))).toBe(0o600);
  });

  it.each([
    ['ftp://patch.example.com', 'PATCHWAVE_SERVER_URL must start with https://'],
    ['https://patch.example.com/a b', 'PATCHWAVE_SERVER_URL contains spaces'],
    ['https://patch.example.com/"x', 'must not contain'],
    ['https://patch.example.com/\u00e9', 'non-ASCII'],
  ])('rejects the server URL %j with a message naming the variable, writing nothing', async (url, message) => {
    const err = await run({ PATCHWAVE_SERVER_URL: url, PATCHWAVE_ENROLL_TOKEN: 't' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ToolError);
    expect((err as ToolError).stderr).toContain(message);
    await expect(fs.stat(path.join(dir, 'agent.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('rejects a token with a quote or backslash, which could break out of the JSON string', async () => {
    const err = await run({ PATCHWAVE_SERVER_URL: 'https://patch.example.com', PATCHWAVE_ENROLL_TOKEN: 'a"b\\c' }).catch((e: unknown) => e);
    expect((err as ToolError).stderr).toContain('PATCHWAVE_ENROLL_TOKEN must not contain');
  });
});
