import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorJson, IDS, installedJson, installJson, JA_TITLES, OFFERED_KBS, rebootJson, searchJson, update } from './__tests__/recorded-wua.js';
import { classifyHResult, wusaVerdict } from './hresult.js';
import { parseInstall, parseInstalled, parseInstalledUpdates, parseReboot, parseSearch, parseSearchUpdates, parseVersion, readScriptJson, scriptFailure } from './parse.js';

describe('the recorded JSON comes from the captures', () => {
  it('has the KBs WUA offered and the ja-JP titles', () => {
    expect(OFFERED_KBS).toEqual(['5012170', '5021233', '5021088']);
    expect(JA_TITLES.get('5021233')).toMatch(/^2022-12 x64 .* \(KB5021233\)$/);
    expect(JA_TITLES.get('5021088')).toContain('.NET Framework');
  });
});

describe('parseSearchUpdates', () => {
  it('classifies by CategoryID and MsrcSeverity, not by the localized names, and keeps ja-JP titles', () => {
    const { value, problems } = parseSearchUpdates(searchJson());
    expect(problems).toEqual([]);
    expect(value.map((u) => [u.name, u.security, u.severity, u.origin, u.rebootRequired])).toEqual([
      ['KB5012170', true, 'important', 'Security Updates', false],
      ['KB5021233', true, 'critical', 'Security Updates', true],
      ['KB5021088', false, undefined, 'Updates', false],
      [IDS.defender1, false, undefined, 'Definition Updates', false],
      [IDS.defender2, false, undefined, 'Definition Updates', false],
      [IDS.driver, 'unknown', undefined, undefined, false],
    ]);
    const lcu = value[1];
    expect(lcu).toMatchObject({ manager: 'windows-update', arch: '', installedVersion: null, candidateVersion: '200', advisories: ['KB5021233'], cves: ['CVE-2022-44698'] });
    expect(lcu?.title).toBe(JA_TITLES.get('5021233'));
  });

  it('accepts the shapes PowerShell 5.1 produces: a bare string for a one-element list, null for an empty one, a BOM', () => {
    const doc = { Action: 'Search', ResultCode: 2, Updates: update({ id: IDS.KB5021233, KBArticleIDs: '5021233', CveIDs: null, Categories: { Name: 'x', CategoryID: '0FA1201D-4330-4FA8-8AE9-B877473B6441', Type: 'UpdateClassification' } }) };
    const { value, problems } = parseSearchUpdates(`\uFEFF${JSON.stringify(doc)}\r\n`);
    expect(problems).toEqual([]);
    expect(value.map((u) => [u.name, u.security, u.cves])).toEqual([['KB5021233', true, []]]);
  });

  it('keeps good updates and reports a bad one by position', () => {
    const doc = JSON.parse(searchJson()) as { Updates: unknown[] };
    doc.Updates[2] = { Title: 'no identity' };
    const { value, problems } = parseSearch(JSON.stringify(doc));
    expect(value).toHaveLength(5);
    expect(problems).toEqual([{ message: expect.stringMatching(/^Updates\[2\]: Identity/) }]);
  });

  it('reports empty, truncated and non-JSON output, and the script’s own error', () => {
    expect(parseSearch('').problems).toEqual([{ message: 'the script printed nothing' }]);
    expect(parseSearch(searchJson().slice(0, 300)).problems[0]?.message).toMatch(/did not print JSON/);
    expect(parseSearch('File C:\\x\\wua.ps1 cannot be loaded because running scripts is disabled on this system.').problems[0]?.message).toMatch(/did not print JSON/);
    expect(parseSearch(errorJson('Search', 0x8024402c, 'WinHTTP name not resolved')).problems[0]?.message).toBe('the script failed: 0x8024402C: WinHTTP name not resolved');
    expect(parseSearch('{"Action":"Reboot"}').problems[0]?.message).toMatch(/^unexpected JSON at Action/);
  });

  it('finds the JSON line after stray output', () => {
    expect(readScriptJson(`WARNING: something\n${searchJson()}\n`).json).toMatchObject({ Action: 'Search' });
  });
});

describe('parseInstall, scriptFailure and HResults', () => {
  it('reads per-update results', () => {
    const { value, problems } = parseInstall(installJson([{ id: IDS.KB5021233, kb: '5021233', resultCode: 2, reboot: true }]));
    expect(problems).toEqual([]);
    expect(value?.Install).toEqual({ ResultCode: 2, HResult: 0, RebootRequired: true });
    expect(value?.Updates[0]).toMatchObject({ ResultCode: 2, RebootRequired: true, Identity: { UpdateID: IDS.KB5021233, RevisionNumber: 200 } });
  });

  it('turns the script’s Error object into a stable code, for signed and unsigned HResults', () => {
    expect(scriptFailure(errorJson('Install', 0x80240016, 'busy'))).toEqual({ code: 'E_PKG_LOCKED', hresult: -2145124330, message: '0x80240016 WU_E_INSTALL_NOT_ALLOWED: busy' });
    expect(classifyHResult(-2145124330)).toEqual(classifyHResult(0x80240016));
    expect(classifyHResult(0x80244022).code).toBe('E_PKG_DOWNLOAD_FAILED');
    expect(classifyHResult(0x80246008).code).toBe('E_PKG_DOWNLOAD_FAILED');
    expect(classifyHResult(0x80240017).code).toBe('E_PKG_NO_UPDATE');
    expect(classifyHResult(0x8007000e)).toEqual({ code: 'E_PKG_FAILED', label: '0x8007000E' });
    expect(scriptFailure(searchJson())).toBeUndefined();
  });

  it('maps wusa exit codes', () => {
    expect(wusaVerdict(0)).toMatchObject({ ok: true, rebootRequired: false });
    expect(wusaVerdict(3010)).toMatchObject({ ok: true, rebootRequired: true });
    expect(wusaVerdict(2359303)).toMatchObject({ ok: true, message: expect.stringMatching(/not installed/) });
    expect(wusaVerdict(1618)).toMatchObject({ ok: false, code: 'E_PKG_LOCKED' });
    expect(wusaVerdict(0x800f0825)).toMatchObject({ ok: false, code: 'E_ROLLBACK_UNSUPPORTED' });
    expect(wusaVerdict(-2145124312)).toMatchObject({ ok: false, code: 'E_ROLLBACK_UNSUPPORTED' });
  });
});

describe('parseInstalled', () => {
  it('lists what Programs and Features shows plus installed KBs, from the ja-JP captures', () => {
    const { value, problems } = parseInstalled(installedJson(), 'x64');
    expect(problems).toEqual([]);
    expect(value).toEqual([
      { manager: 'windows-update', name: 'Git', version: '2.35.1.2', arch: 'x64' },
      { manager: 'windows-update', name: 'Oracle Database 11g Express Edition', version: '11.2.0', arch: 'x86' },
      { manager: 'windows-update', name: 'Zoom', version: '5.12.2', arch: '' },
      { manager: 'windows-update', name: 'Zoom [HKU\\S-1-5-21-1004336348-1177238915-682003330-1002\\Zoom]', version: '5.11.0', arch: '' },
      { manager: 'windows-update', name: 'KB5020872', version: '', arch: '' },
      { manager: 'windows-update', name: 'KB4562830', version: '', arch: '' },
    ]);
  });

  it('reports unreadable entries', () => {
    const { value, problems } = parseInstalled(JSON.stringify({ Action: 'Installed', Programs: [{ Hive: 'HKX' }], HotFixes: [{ HotFixID: 'File 1' }] }));
    expect(value).toEqual([]);
    expect(problems).toHaveLength(2);
  });
});

describe('parseReboot, parseInstalledUpdates, parseVersion', () => {
  it('reads the three reboot signals', () => {
    expect(parseReboot(rebootJson(false, false, false)).value).toEqual({ required: false, reasons: [], packages: [] });
    expect(parseReboot(rebootJson(true, true, false)).value).toEqual({
      required: true,
      reasons: ['Microsoft.Update.SystemInfo.RebootRequired is true', 'Component Based Servicing\\RebootPending exists'],
      packages: [],
    });
    expect(parseReboot('garbage').value.required).toBe('unknown');
  });

  it('reads installed updates and the agent version', () => {
    const doc = { Action: 'InstalledUpdates', ResultCode: 2, Updates: [{ Title: 't', Identity: { UpdateID: IDS.KB5021233, RevisionNumber: 1 }, KBArticleIDs: ['5021233'], IsUninstallable: true }] };
    expect(parseInstalledUpdates(JSON.stringify(doc)).value[0]).toMatchObject({ KBArticleIDs: ['5021233'], IsUninstallable: true });
    expect(parseVersion('{"Action":"Version","ProductVersionString":"10.0.19041.3636","ApiMajorVersion":8,"ApiMinorVersion":0}')).toBe('10.0.19041.3636');
    expect(parseVersion('')).toBeUndefined();
  });
});

describe('windows-update parsers on random input', () => {
  it('never throw', () => {
    const docs = fc.oneof(
      fc.string(),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.record({ Action: fc.constantFrom('Search', 'Install', 'Installed', 'Reboot', 'InstalledUpdates'), Updates: fc.jsonValue(), Programs: fc.jsonValue(), HotFixes: fc.jsonValue(), Error: fc.jsonValue() }).map((v) => JSON.stringify(v)),
    );
    fc.assert(
      fc.property(docs, (t) => {
        parseSearchUpdates(t);
        parseInstall(t);
        parseInstalled(t, 'x64');
        parseInstalledUpdates(t);
        parseReboot(t);
        parseVersion(t);
        scriptFailure(t);
      }),
      { numRuns: 300 },
    );
  });
});
