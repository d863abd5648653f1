import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { bothForms, hex, unsignedExitCode, wingetVerdict } from './exit-codes.js';
import { locateWinget } from './locate.js';
import { parseWingetList, parseWingetUpgrades, parseWingetVersion, readWingetRows } from './parse.js';
import { cellWidth, readTables, visibleLine } from './table.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const UPGRADE = fixture('winget-upgrade.issue1869.txt');
const UPGRADE_SOURCE = fixture('winget-upgrade-source-winget.truncated.issue297.txt');
const LIST = fixture('winget-list.before-pr1481.truncated.txt');

/** Pads `text` with spaces to `cells` terminal cells (wide characters count two), as winget does. */
const pad = (text: string, cells: number) => text + ' '.repeat(Math.max(0, cells - [...text].reduce((n, ch) => n + cellWidth(ch.codePointAt(0) ?? 0), 0)));

describe('parseWingetUpgrades on the captures', () => {
  it('reads issue 1869: five packages, the duplicated Office row once, the footer skipped', () => {
    const { value, problems } = parseWingetUpgrades(UPGRADE);
    expect(problems).toEqual([]);
    expect(value.map((u) => [u.name, u.installedVersion, u.candidateVersion, u.origin, u.title])).toEqual([
      ['OpenWhisperSystems.Signal', '5.27.1', '5.29.0', 'winget', 'Signal'],
      ['Microsoft.Edge', '97.0.1072.62', '97.0.1072.69', 'winget', 'Microsoft Edge'],
      ['Microsoft.EdgeWebView2Runtime', '97.0.1072.62', '97.0.1072.69', 'winget', 'Microsoft Edge WebView2 Runtime'],
      ['Microsoft.Office', '16.0.14701.20290', '16.0.14729.20228', 'winget', 'Microsoft 365 Apps for enterprise'],
      ['Postman.Postman', '9.8.3', '9.9.3', 'winget', 'Postman'],
    ]);
    expect(value.every((u) => u.security === 'unknown' && u.manager === 'winget' && u.arch === '')).toBe(true);
  });

  it('reads issue 297 (--source: no Source column): truncated names, `< x` versions, duplicate ids', () => {
    const { value, problems } = parseWingetUpgrades(UPGRADE_SOURCE);
    expect(problems).toEqual([]);
    expect(value.map((u) => [u.name, u.installedVersion, u.candidateVersion, u.origin])).toEqual([
      ['Mozilla.Firefox', '110.0.1', '111.0', undefined],
      ['ElectronicArts.EADesktop', '12.115.0.5372', '12.130.0.5387', undefined],
      ['Microsoft.Teams', '1.6.0.376', '1.6.00.4472', undefined],
      ['Microsoft.WindowsSDK', '< 10.0.22000.832', '10.0.22621.2', undefined],
      ['Microsoft.DotNet.SDK.3_1', '< 3.1.419', '3.1.426', undefined],
      ['IDMComputerSolutions,Inc.UltraEdit', '24.20.0.40', '29.2.52', undefined],
    ]);
    expect(value[3]?.title).toBe('Windows Software Development Kit - Windows 10.0.1904\u2026');
  });

  it('reads the `winget list` capture: empty Available cells, Unknown versions, ids with spaces and truncations', () => {
    const { value, problems } = parseWingetList(LIST);
    expect(problems).toEqual([]);
    expect(value.map((p) => [p.name, p.version])).toEqual([
      ['84f93aee594a430d', '2.2106.10.0'],
      ['8b5526fe-0870-42b7-bde0-da8c4c7ea1aa_kw\u2026', '1.0.7.0'],
      ['CodeFlow_is1', 'Unknown'],
      ['DolbyLaboratories.DolbyAccessOEM_rz1teb\u2026', '3.9.26.0'],
      ['Git.Git', '2.31.0.0.1'],
      ['HxD_is1', '2.5'],
      ['Microsoft.Edge', '93.0.961.52'],
      ['Microsoft Edge Update', '1.3.151.27'],
    ]);
    const git = readWingetRows(LIST, 'list').value.find((r) => r.id === 'Git.Git');
    expect(git).toMatchObject({ available: '2.33.0.2', source: 'winget' });
  });
});

describe('parseWingetUpgrades on what winget does to a console', () => {
  it('ignores the progress spinner and VT sequences before the header, and CRLF line ends', () => {
    const spinner = '\r   - \r   \\ \r   | \r   / \r\x1b[0G\x1b[2K\x1b[?25l';
    const text = `${spinner}${UPGRADE}`.replace(/\n/g, '\r\n');
    expect(parseWingetUpgrades(text)).toEqual(parseWingetUpgrades(UPGRADE));
    expect(visibleLine('  ██████████▒▒▒▒  1.00 MB / 2.50 MB\rName')).toBe('Name');
  });

  it('reads localized headers by position, including a label with a space (ko-KR "사용 가능")', () => {
    const lines = UPGRADE.split('\n');
    const header = lines[0] ?? '';
    const at = (label: string) => header.indexOf(label);
    const widths = [at('Id'), at('Version') - at('Id'), at('Available') - at('Version'), at('Source') - at('Available')];
    const ja = pad('名前', widths[0] ?? 0) + pad('ID', widths[1] ?? 0) + pad('バージョン', widths[2] ?? 0) + pad('利用可能', widths[3] ?? 0) + 'ソース';
    const ko = pad('이름', widths[0] ?? 0) + pad('ID', widths[1] ?? 0) + pad('버전', widths[2] ?? 0) + pad('사용 가능', widths[3] ?? 0) + '원본';
    const english = parseWingetUpgrades(UPGRADE).value;
    for (const h of [ja, ko]) {
      const localized = [h, ...lines.slice(1)].join('\n').replace('6 upgrades available.', '6 個のアップグレードを利用できます。');
      const { value, problems } = parseWingetUpgrades(localized);
      expect(value).toEqual(english);
      // The localized footer is not recognized: it is reported, not taken for a package.
      expect(problems).toHaveLength(1);
    }
  });

  it('measures wide characters in names as two cells', () => {
    const lines = UPGRADE.split('\n');
    const header = lines[0] ?? '';
    const idAt = header.indexOf('Id');
    const row = pad('秀丸エディタ', idAt) + (lines[2] ?? '').slice(idAt).replace('OpenWhisperSystems.Signal', 'Hidemaru.Editor          ');
    const { value } = parseWingetUpgrades([header, lines[1], row, ''].join('\n'));
    expect(value.map((u) => [u.title, u.name, u.installedVersion])).toEqual([['秀丸エディタ', 'Hidemaru.Editor', '5.27.1']]);
  });

  it('reads the second table of packages that need explicit targeting', () => {
    const lines = UPGRADE.split('\n');
    const pinned = [
      '',
      'The following packages have an upgrade available, but require explicit targeting for upgrade:',
      lines[0],
      lines[1],
      (lines[2] ?? '').replace('Signal                           ', 'Zoom                             ').replace('OpenWhisperSystems.Signal', 'Zoom.Zoom                '),
    ].join('\n');
    const { value, problems } = parseWingetUpgrades(`${UPGRADE}${pinned}\n`);
    expect(problems).toEqual([]);
    expect(value.map((u) => u.name)).toContain('Zoom.Zoom');
    expect(readTables(`${UPGRADE}${pinned}\n`).value).toHaveLength(2);
  });

  it('returns nothing for empty output or the "no upgrades" message, and reports unreadable rows', () => {
    expect(parseWingetUpgrades('')).toEqual({ value: [], problems: [] });
    expect(parseWingetUpgrades('No installed package found matching input criteria.\r\n')).toEqual({ value: [], problems: [] });
    const broken = UPGRADE.replace('Postman.Postman               9.8.3            9.9.3           ', 'Postman.Postman                                                ');
    const { value, problems } = parseWingetUpgrades(broken);
    expect(value.map((u) => u.name)).not.toContain('Postman.Postman');
    expect(problems).toEqual([{ line: 8, message: expect.stringMatching(/^not a package row: "Postman/) }]);
  });

  it('keeps the rows before the cut in truncated output', () => {
    const cut = UPGRADE.slice(0, UPGRADE.indexOf('Microsoft Edge WebView2') + 10);
    const { value, problems } = parseWingetUpgrades(cut);
    expect(value.map((u) => u.name)).toEqual(['OpenWhisperSystems.Signal', 'Microsoft.Edge']);
    expect(problems).toHaveLength(1);
  });
});

describe('winget exit codes', () => {
  it('accepts both the signed and the unsigned spelling', () => {
    expect(unsignedExitCode(-1978335189)).toBe(0x8a15002b);
    expect(hex(-1978335189)).toBe('0x8A15002B');
    expect(wingetVerdict(-1978335189)).toEqual(wingetVerdict(0x8a15002b));
    expect(bothForms(0x8a150014)).toEqual([0x8a150014, -1978335212]);
  });

  it('maps the AppInstallerErrors.h codes to outcomes', () => {
    expect(wingetVerdict(0)).toEqual({ ok: true, rebootRequired: false });
    expect(wingetVerdict(0x8a15002b)).toMatchObject({ ok: false, code: 'E_PKG_NO_UPDATE', message: '0x8A15002B APPINSTALLER_CLI_ERROR_UPDATE_NOT_APPLICABLE: No applicable update found' });
    expect(wingetVerdict(0x8a150014)).toMatchObject({ ok: false, code: 'E_PKG_NOT_FOUND' });
    expect(wingetVerdict(0x8a150109)).toMatchObject({ ok: true, rebootRequired: true });
    expect(wingetVerdict(0x8a15010a)).toMatchObject({ ok: false, rebootRequired: true, code: 'E_PKG_RETRY' });
    expect(wingetVerdict(0x8a150102)).toMatchObject({ ok: false, code: 'E_PKG_LOCKED' });
    expect(wingetVerdict(0x8a1500ff)).toEqual({ ok: false, rebootRequired: false, code: 'E_PKG_FAILED', message: 'winget error 0x8A1500FF (2316632319)' });
    expect(wingetVerdict(1603)).toEqual({ ok: false, rebootRequired: false, code: 'E_PKG_FAILED', message: 'installer exit code 0x00000643 (1603)' });
  });
});

describe('parseWingetVersion', () => {
  it('reads `winget --version`', () => {
    expect(parseWingetVersion('v1.7.10861\r\n')).toBe('1.7.10861');
    expect(parseWingetVersion('garbage')).toBeUndefined();
  });
});

describe('locateWinget', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'patchwave-winget-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('picks the newest App Installer folder of the host architecture that has winget.exe', async () => {
    const apps = path.join(root, 'WindowsApps');
    const make = (name: string, exe: boolean) => {
      mkdirSync(path.join(apps, name), { recursive: true });
      if (exe) writeFileSync(path.join(apps, name, 'winget.exe'), '');
    };
    make('Microsoft.DesktopAppInstaller_1.21.3482.0_x64__8wekyb3d8bbwe', true);
    make('Microsoft.DesktopAppInstaller_1.22.10582.0_x64__8wekyb3d8bbwe', true);
    make('Microsoft.DesktopAppInstaller_1.23.1.0_x64__8wekyb3d8bbwe', false);
    make('Microsoft.DesktopAppInstaller_1.30.0.0_arm64__8wekyb3d8bbwe', true);
    make('Microsoft.DesktopAppInstaller_1.21.3482.0_neutral_~_8wekyb3d8bbwe', false);
    expect(await locateWinget(root, 'x64')).toBe(path.join(apps, 'Microsoft.DesktopAppInstaller_1.22.10582.0_x64__8wekyb3d8bbwe', 'winget.exe'));
    expect(await locateWinget(root, 'arm64')).toBe(path.join(apps, 'Microsoft.DesktopAppInstaller_1.30.0.0_arm64__8wekyb3d8bbwe', 'winget.exe'));
    expect(await locateWinget(path.join(root, 'missing'), 'x64')).toBeUndefined();
    expect(await locateWinget(undefined, 'x64')).toBeUndefined();
  });
});

describe('winget parsers on random input', () => {
  it('never throw', () => {
    const pieces = ['Name', 'Id', 'Version', ' ', '   ', '-----', '\n', '\r', '\x1b[0G', '\u2026', '名前', 'x.y', '1.0', '< 2', 'Unknown', '사용 가능'];
    const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.array(fc.constantFrom(...pieces)).map((a) => a.join('')));
    fc.assert(
      fc.property(text, (t) => {
        parseWingetUpgrades(t);
        parseWingetList(t);
        parseWingetVersion(t);
        visibleLine(t);
      }),
      { numRuns: 500 },
    );
  });
});
