import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_TARGETS } from '../../scripts/lib/agent-targets.js';
import { buildAgents, DEFAULT_CACHE_DIR } from '../../scripts/lib/build-agents.js';
import { DEFAULT_AGENT_ENTRY } from '../../scripts/lib/bundle-agent.js';
import { buildMsi } from '../../scripts/lib/package-msi.js';
import { msiProperties, msiSummary, msiTable, type MsiRow } from './support/msi.js';
import { TestServer } from './support/test-server.js';
import { waitFor } from './support/wait.js';
import { WinePrefix } from './support/wine.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const VERSION = (JSON.parse(await fs.readFile(path.join(REPO_ROOT, 'agent', 'package.json'), 'utf8')) as { version: string }).version;
const UPGRADE_CODE = '{91BCF21C-2283-40D8-AFD6-94F0E62E6C5E}';

let out: string;
let msi: string;
let msiNext: string;
/** The next patch version (0.1.0 → 0.1.1): Windows Installer compares only the first three fields. */
const NEXT_VERSION = VERSION.replace(/\d+$/, (patch) => String(Number(patch) + 1));

beforeAll(async () => {
  out = await fs.mkdtemp(path.join(os.tmpdir(), 'patchwave-msi-'));
  let started = Date.now();
  const target = AGENT_TARGETS.filter((t) => t.id === 'win-x64');
  await buildAgents({ targets: target, entry: DEFAULT_AGENT_ENTRY, outDir: out, cacheDir: DEFAULT_CACHE_DIR });
  console.log(`[packaging] patchwave-agent-win-x64.exe: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  started = Date.now();
  msi = await buildMsi({ agentExe: path.join(out, 'patchwave-agent-win-x64.exe'), version: VERSION, outDir: out });
  console.log(`[packaging] ${path.basename(msi)} ${((await fs.stat(msi)).size / 2 ** 20).toFixed(1)} MiB: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  msiNext = await buildMsi({ agentExe: path.join(out, 'patchwave-agent-win-x64.exe'), version: NEXT_VERSION, outDir: path.join(out, 'next') });
}, 900_000);

afterAll(async () => {
  if (out) await fs.rm(out, { recursive: true, force: true });
});

const byKey = (rows: MsiRow[], column: string) => new Map(rows.map((r) => [r[column] ?? '', r]));

describe('the .msi read back with msiinfo', () => {
  it('is a per-machine x64 package of this version with a fixed UpgradeCode', async () => {
    const summary = await msiSummary(msi);
    expect(summary.get('Template')).toBe('x64;1033');
    expect(summary.get('Subject')).toBe(`patchwave agent ${VERSION}`);
    const props = await msiProperties(msi);
    expect(props.get('ProductVersion')).toBe(VERSION);
    expect(props.get('UpgradeCode')).toBe(UPGRADE_CODE);
    expect(props.get('ALLUSERS')).toBe('1');
    const upgrade = await msiTable(msi, 'Upgrade');
    expect(upgrade.map((r) => r['ActionProperty']).sort()).toEqual(['WIX_DOWNGRADE_DETECTED', 'WIX_UPGRADE_DETECTED']);
    expect(upgrade.every((r) => r['UpgradeCode'] === UPGRADE_CODE)).toBe(true);
  });

  it('File: the agent executable and the service wrapper', async () => {
    const files = byKey(await msiTable(msi, 'File'), 'File');
    expect(files.get('AgentExe')).toMatchObject({ FileName: 'patchwave-agent.exe', Component_: 'AgentExecutable' });
    expect(files.get('ServiceExe')).toMatchObject({ FileName: 'patchwave-service.exe', Component_: 'ServiceWrapper' });
    const agentSize = (await fs.stat(path.join(out, 'patchwave-agent-win-x64.exe'))).size;
    expect(Number(files.get('AgentExe')?.['FileSize'])).toBe(agentSize);
    const dirs = byKey(await msiTable(msi, 'Directory'), 'Directory');
    expect(dirs.get('INSTALLDIR')).toMatchObject({ Directory_Parent: 'ProgramFiles64Folder', DefaultDir: 'patchwave' });
  });

  it('ServiceInstall and ServiceControl: an automatic LocalSystem service, started on install, removed on uninstall', async () => {
    const [service] = await msiTable(msi, 'ServiceInstall');
    expect(service).toMatchObject({
      Name: 'PatchwaveAgent',
      DisplayName: 'patchwave agent',
      ServiceType: '16', // SERVICE_WIN32_OWN_PROCESS
      StartType: '2', // SERVICE_AUTO_START
      ErrorControl: '1',
      StartName: 'LocalSystem',
      Component_: 'ServiceWrapper', // the wrapper is the service, not the Node executable
    });
    const [control] = await msiTable(msi, 'ServiceControl');
    // 0x1 start on install, 0x2 stop on install, 0x20 stop on uninstall, 0x80 delete on uninstall
    expect(control).toMatchObject({ Name: 'PatchwaveAgent', Event: String(0x1 | 0x2 | 0x20 | 0x80), Wait: '1' });
  });

  it('Property: SERVERURL, ENROLLTOKEN, SERVERKEY and PURGE pass to the server side; the token is hidden from logs', async () => {
    const props = await msiProperties(msi);
    const secure = (props.get('SecureCustomProperties') ?? '').split(';');
    for (const p of ['SERVERURL', 'ENROLLTOKEN', 'SERVERKEY', 'PURGE', 'WIX_UPGRADE_DETECTED']) expect(secure).toContain(p);
    expect((props.get('MsiHiddenProperties') ?? '').split(';')).toEqual(['ENROLLTOKEN', 'ConfigureAgent']);
  });

  it('Registry: HKLM\\SOFTWARE\\patchwave\\Agent holds the version and the server for detection rules and upgrades', async () => {
    const values = new Map((await msiTable(msi, 'Registry')).map((r) => [r['Name'] ?? '', r]));
    for (const row of values.values()) expect(row).toMatchObject({ Root: '2', Key: 'SOFTWARE\\patchwave\\Agent\\', Component_: 'AgentRegistry' });
    expect(values.get('Version')?.['Value']).toBe(VERSION);
    expect(values.get('ServerUrl')?.['Value']).toBe('[SERVERURL]');
    expect(values.get('ServerKey')?.['Value']).toBe('[SERVERKEY]');
    expect(values.has('EnrollToken')).toBe(false); // HKLM\SOFTWARE is readable by every user
    const search = await msiTable(msi, 'AppSearch');
    expect(search.map((r) => r['Property']).sort()).toEqual(['SAVED_SERVERKEY', 'SAVED_SERVERURL']);
  });

  it('CustomAction and sequence: the config is written as SYSTEM before the service starts, with its command line hidden', async () => {
    const actions = byKey(await msiTable(msi, 'CustomAction'), 'Action');
    const configure = Number(actions.get('ConfigureAgent')?.['Type']);
    expect(configure & 0x3f).toBe(18); // exe from an installed file
    expect(configure & 0x400).toBe(0x400); // deferred
    expect(configure & 0x800).toBe(0x800); // no impersonation: runs as LocalSystem
    expect(configure & 0x2000).toBe(0x2000); // HideTarget: never logged
    expect(actions.get('ConfigureAgent')?.['Target']).toContain('--enroll-token "[ENROLLTOKEN]"');
    const seq = byKey(await msiTable(msi, 'InstallExecuteSequence'), 'Action');
    const at = (a: string) => Number(seq.get(a)?.['Sequence']);
    expect(at('ConfigureAgent')).toBeGreaterThan(at('InstallServices'));
    expect(at('ConfigureAgent')).toBeLessThan(at('StartServices'));
    expect(at('PurgeAgentData')).toBeGreaterThan(at('DeleteServices'));
    expect(at('PurgeAgentData')).toBeLessThan(at('RemoveFiles'));
    expect(seq.get('PurgeAgentData')?.['Condition']).toBe('REMOVE="ALL" AND PURGE="1" AND NOT UPGRADINGPRODUCTCODE');
    expect(at('RestoreServerUrl')).toBeGreaterThan(at('AppSearch'));
    const launch = await msiTable(msi, 'LaunchCondition');
    expect(launch.map((r) => r['Condition'])).toContain('Installed OR (VersionNT64 >= 603)');
  });
});

/**
 * Under wine (Debian's wine64, 8.0): msiexec installs the package, the wrapper runs as a real
 * service and starts the agent, the agent reads the configuration the MSI wrote and sets out to
 * enroll; a newer MSI replaces it keeping configuration and state; msiexec /x with PURGE=1 removes
 * everything.
 *
 * The enrollment itself cannot complete under wine 8.0: Node's fetch (undici) turns TCP
 * keep-alive on before connecting, libuv applies it to the still unconnected socket, wine fails
 * that call and libuv reports `connect UNKNOWN` (errno -4094). node:net and node:http connect
 * fine, so this is wine's socket emulation, not the package; enrollment is covered on Linux.
 */
describe('the .msi installed under wine', () => {
  let wine: WinePrefix;
  let server: TestServer;

  beforeAll(async () => {
    [wine, server] = await Promise.all([WinePrefix.create(), TestServer.start()]);
  }, 300_000);

  afterAll(async () => {
    await Promise.all([wine?.destroy(), server?.stop()]);
  }, 120_000);

  it('msiexec /i /qn with SERVERURL and ENROLLTOKEN installs a running service that starts the agent; a newer MSI upgrades it in place; msiexec /x PURGE=1 removes it', async () => {
    const token = await server.enrollToken('msi-wine');
    const log = path.join(wine.dir, 'install.log');
    await wine.run(['msiexec', '/i', WinePrefix.windowsPath(msi), '/qn', '/l*v', WinePrefix.windowsPath(log), `SERVERURL=${server.url}`, `ENROLLTOKEN=${token}`], 300_000);

    const programDir = wine.drive('C:\\Program Files\\patchwave');
    expect((await fs.readdir(programDir)).sort()).toEqual(['patchwave-agent.exe', 'patchwave-service.exe']);
    const config = JSON.parse(await fs.readFile(wine.drive('C:\\ProgramData\\patchwave\\agent.json'), 'utf8')) as unknown;
    expect(config).toEqual({ serverUrl: server.url, enrollToken: token });
    const reg = await wine.run(['reg', 'query', 'HKLM\\SOFTWARE\\patchwave\\Agent']);
    expect(reg.stdout).toMatch(new RegExp(`ServerUrl\\s+REG_SZ\\s+${server.url.replaceAll('.', '\\.')}`));
    expect(reg.stdout).toMatch(new RegExp(`Version\\s+REG_SZ\\s+${VERSION.replaceAll('.', '\\.')}`));
    expect(reg.stdout).not.toContain(token);

    await waitFor(async () => (await wine.serviceState('PatchwaveAgent')) === 'RUNNING', { timeoutMs: 60_000, what: 'the PatchwaveAgent service to run' });
    const agentLog = wine.drive('C:\\ProgramData\\patchwave\\logs\\agent.log');
    const attempt = await waitFor(
      async () => {
        const text = await fs.readFile(agentLog, 'utf8').catch(() => '');
        return text.split('\n').find((l) => l.includes('"msg":"no credential yet; enrolling"'));
      },
      { timeoutMs: 120_000, what: 'the agent started by the service to try to enroll' },
    );
    expect(JSON.parse(attempt)).toMatchObject({ server: server.url, stateDir: 'C:\\ProgramData\\patchwave\\state' });
    expect(await fs.readFile(agentLog, 'utf8')).toContain('"configFile":"C:\\\\ProgramData\\\\patchwave\\\\agent.json","configFound":true');
    const serviceLog = await fs.readFile(wine.drive('C:\\ProgramData\\patchwave\\logs\\service.log'), 'utf8');
    expect(serviceLog).toContain('"msg":"agent started"');

    // A newer MSI without properties replaces the old one and keeps configuration and state.
    const marker = wine.drive('C:\\ProgramData\\patchwave\\state\\kept-across-upgrade');
    await fs.writeFile(marker, 'device identity lives here');
    const configBefore = await fs.readFile(wine.drive('C:\\ProgramData\\patchwave\\agent.json'), 'utf8');
    await wine.run(['msiexec', '/i', WinePrefix.windowsPath(msiNext), '/qn'], 300_000);
    const upgraded = await wine.run(['reg', 'query', 'HKLM\\SOFTWARE\\patchwave\\Agent']);
    expect(upgraded.stdout).toMatch(new RegExp(`Version\\s+REG_SZ\\s+${NEXT_VERSION.replaceAll('.', '\\.')}`));
    expect(upgraded.stdout).toMatch(new RegExp(`ServerUrl\\s+REG_SZ\\s+${server.url.replaceAll('.', '\\.')}`)); // remembered
    const products = await wine.run(['reg', 'query', 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall', '/s']);
    expect(products.stdout.match(/DisplayName\s+REG_SZ\s+patchwave agent/g)).toHaveLength(1);
    expect(await fs.readFile(wine.drive('C:\\ProgramData\\patchwave\\agent.json'), 'utf8')).toBe(configBefore);
    expect(await fs.readFile(marker, 'utf8')).toBe('device identity lives here');
    await waitFor(async () => (await wine.serviceState('PatchwaveAgent')) === 'RUNNING', { timeoutMs: 60_000, what: 'the upgraded service to run' });

    await wine.run(['msiexec', '/x', WinePrefix.windowsPath(msiNext), '/qn', 'PURGE=1'], 300_000);
    await waitFor(async () => (await wine.serviceState('PatchwaveAgent')) === undefined, { timeoutMs: 60_000, what: 'the service to be deleted' });
    await expect(fs.stat(wine.drive('C:\\ProgramData\\patchwave'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(fs.stat(programDir)).rejects.toMatchObject({ code: 'ENOENT' });
    const reg2 = await wine.run(['reg', 'query', 'HKLM\\SOFTWARE\\patchwave\\Agent'], 60_000, [0, 1]);
    expect(reg2.stdout).not.toContain('ServerUrl');
  }, 600_000);
});
