import { readFileSync } from 'node:fs';

/*
 * wua.ps1 cannot run on this machine, so its JSON is recorded here, built from real captures in
 * ../fixtures and shaped exactly as the script prints it (the Windows Update Agent API's own
 * property names: IUpdate.Title, .Identity.UpdateID/.RevisionNumber, .KBArticleIDs, .MsrcSeverity,
 * .Categories[].Name/.CategoryID/.Type, .CveIDs, .SecurityBulletinIDs, .RebootRequired,
 * .InstallationBehavior.RebootBehavior; IInstallationResult.ResultCode/.HResult/.RebootRequired).
 *
 * From captures: the KB numbers WUA offered (wua-search-kbarticleids.txt), the localized ja-JP
 * titles (wua-queryhistory-format-list.ja-JP.txt), installed programs (get-package-format-list.ja-JP.txt)
 * and installed KBs (get-hotfix-format-list.txt). Built here, and said so: UpdateIDs, revision
 * numbers, severities, CVE ids and category assignments (WSUS classification GUIDs are real).
 */

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

/** KB numbers from `$UpdateSearcher.search(...).Updates | ForEach-Object -MemberName KBArticleIDs`. */
export const OFFERED_KBS = fixture('wua-search-kbarticleids.txt').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);

/** Localized titles by KB from the ja-JP QueryHistory capture (only the "(KBnnnnnnn)" token is stable). */
export const JA_TITLES: ReadonlyMap<string, string> = new Map(
  [...fixture('wua-queryhistory-format-list.ja-JP.txt').matchAll(/^Title\s+: (.*\(KB(\d+)\).*?)\s*$/gm)].map((m) => [m[2] ?? '', (m[1] ?? '').trim()]),
);

/** Name / Version / Publisher blocks of the ja-JP Get-Package capture (ProviderName Programs/msi are programs). */
export const PACKAGES = fixture('get-package-format-list.ja-JP.txt')
  .split(/\r?\n\s*\r?\n/)
  .map((block) => Object.fromEntries([...block.matchAll(/^(\w+)[ \t]*:[ \t]?(.*)$/gm)].map((m) => [m[1] ?? '', (m[2] ?? '').trim()])))
  .filter((p) => p['Name']);

export const HOTFIX_IDS = [...fixture('get-hotfix-format-list.txt').matchAll(/^HotFixID : (KB\d+)/gm)].map((m) => m[1] ?? '');

export const SECURITY_UPDATES = { Name: 'セキュリティ更新プログラム', CategoryID: '0fa1201d-4330-4fa8-8ae9-b877473b6441', Type: 'UpdateClassification' };
export const UPDATES = { Name: '更新プログラム', CategoryID: 'cd5ffd1e-e932-4e3a-bf74-18bf0b1bbd83', Type: 'UpdateClassification' };
export const DEFINITIONS = { Name: '定義更新プログラム', CategoryID: 'e0789628-ce08-4437-be74-2495b842f43b', Type: 'UpdateClassification' };
const WINDOWS_10 = { Name: 'Windows 10, version 1903 and later', CategoryID: 'b3c75dc1-155f-4be4-b015-3f1a91758e52', Type: 'Product' };

export const IDS = {
  KB5012170: '9f2d1c3e-5b4a-4c6d-8e7f-0a1b2c3d4e5f',
  KB5021233: 'a1b2c3d4-e5f6-4a5b-8c7d-9e0f1a2b3c4d',
  KB5021088: '0c9e8d7f-6a5b-4c3d-9e2f-1a0b9c8d7e6f',
  defender1: '1d2c3b4a-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
  defender2: '2e3d4c5b-6f7a-4b8c-9d0e-1f2a3b4c5d6e',
  driver: '3f4e5d6c-7b8a-4c9d-8e1f-2a3b4c5d6e7f',
} as const;

type Json = Record<string, unknown>;

export function update(over: Json & { kb?: string; id: string }): Json {
  const { kb, id, ...rest } = over;
  return {
    Title: kb ? (JA_TITLES.get(kb) ?? `Update (KB${kb})`) : 'Update',
    Identity: { UpdateID: id, RevisionNumber: 200 },
    KBArticleIDs: kb ? [kb] : [],
    MsrcSeverity: null,
    Categories: [UPDATES, WINDOWS_10],
    CveIDs: [],
    SecurityBulletinIDs: [],
    RebootRequired: false,
    InstallationBehavior: { RebootBehavior: 0, CanRequestUserInput: false },
    IsDownloaded: false,
    IsMandatory: false,
    IsUninstallable: true,
    EulaAccepted: true,
    MaxDownloadSize: 1048576,
    LastDeploymentChangeTime: '2022-12-13T00:00:00.0000000Z',
    SupportUrl: 'https://support.microsoft.com/help/5021233',
    ...rest,
  };
}

/** `-Action Search` on the ja-JP machine: the three captured KBs, plus two updates that share a KB and one with no classification. */
export function searchJson(): string {
  const [kbDbx = '5012170', kbLcu = '5021233', kbNet = '5021088'] = OFFERED_KBS;
  return JSON.stringify({
    Action: 'Search',
    Criteria: "IsInstalled=0 and Type='Software' and IsHidden=0",
    ResultCode: 2,
    Updates: [
      update({ kb: kbDbx, id: IDS.KB5012170, Title: '2022-08 x64 ベース システム用 Windows 10 Version 21H2 セキュア ブート DBX 更新プログラム (KB5012170)', Categories: [SECURITY_UPDATES, WINDOWS_10], MsrcSeverity: 'Important', CveIDs: ['CVE-2022-34301', 'CVE-2022-34302', 'CVE-2022-34303'] }),
      update({ kb: kbLcu, id: IDS.KB5021233, Categories: [SECURITY_UPDATES, WINDOWS_10], MsrcSeverity: 'Critical', CveIDs: ['CVE-2022-44698'], RebootRequired: false, InstallationBehavior: { RebootBehavior: 1, CanRequestUserInput: false } }),
      update({ kb: kbNet, id: IDS.KB5021088 }),
      update({ kb: '2267602', id: IDS.defender1, Title: 'Microsoft Defender Antivirus の定義更新プログラム - KB2267602 (バージョン 1.381.2140.0)', Categories: [DEFINITIONS] }),
      update({ kb: '2267602', id: IDS.defender2, Title: 'Microsoft Defender Antivirus の定義更新プログラム - KB2267602 (バージョン 1.381.2164.0)', Categories: [DEFINITIONS] }),
      update({ id: IDS.driver, Title: 'Intel - System - 10.1.1.44', Categories: [] }),
    ],
  });
}

/** `-Action Install` for the given per-update results. */
export function installJson(results: { id: string; kb?: string; resultCode: number; hresult?: number; reboot?: boolean; download?: [number, number] }[], extra: Json = {}): string {
  return JSON.stringify({
    Action: 'Install',
    NotFound: [],
    Download: { ResultCode: 2, HResult: 0 },
    Install: { ResultCode: results.every((r) => r.resultCode === 2) ? 2 : 3, HResult: 0, RebootRequired: results.some((r) => r.reboot) },
    RebootRequiredBeforeInstallation: false,
    Updates: results.map((r) => ({
      Title: r.kb ? (JA_TITLES.get(r.kb) ?? `Update (KB${r.kb})`) : 'Update',
      Identity: { UpdateID: r.id, RevisionNumber: 200 },
      KBArticleIDs: r.kb ? [r.kb] : [],
      DownloadResultCode: r.download?.[0] ?? 2,
      DownloadHResult: r.download?.[1] ?? 0,
      ResultCode: r.resultCode,
      HResult: r.hresult ?? 0,
      RebootRequired: Boolean(r.reboot),
    })),
    ...extra,
  });
}

/** `-Action Installed`: the Get-Package programs as Uninstall-key entries, and the Get-HotFix KBs. */
export function installedJson(): string {
  const programs = PACKAGES.filter((p) => p['ProviderName'] !== 'msu').map((p, i) => ({
    Hive: 'HKLM',
    View: i === 0 ? '64' : '32',
    Sid: '',
    KeyName: i === 0 ? 'Git_is1' : '{90110409-6000-11D3-8CFE-0150048383C9}',
    DisplayName: p['Name'],
    DisplayVersion: p['Version'] ?? '',
    Publisher: p['Publisher'] ?? '',
    InstallDate: '20220413',
    SystemComponent: 0,
    WindowsInstaller: i === 0 ? 0 : 1,
    ParentKeyName: '',
    ReleaseType: '',
  }));
  const msu = PACKAGES.find((p) => p['ProviderName'] === 'msu');
  return JSON.stringify({
    Action: 'Installed',
    Programs: [
      ...programs,
      // What Programs and Features hides: a system component, a patch of another product, an update.
      { Hive: 'HKLM', View: '64', Sid: '', KeyName: 'Connection Manager', DisplayName: 'Connection Manager', DisplayVersion: '', SystemComponent: 1, WindowsInstaller: 0 },
      { Hive: 'HKLM', View: '32', Sid: '', KeyName: 'KB2504637', DisplayName: 'Update for Microsoft .NET Framework 4', DisplayVersion: '1', SystemComponent: 0, WindowsInstaller: 0, ParentKeyName: 'Microsoft .NET Framework 4 Client Profile' },
      { Hive: 'HKLM', View: '64', Sid: '', KeyName: 'KB5021233', DisplayName: msu?.['Name'] ?? 'update', DisplayVersion: '', SystemComponent: 0, WindowsInstaller: 0, ReleaseType: 'Security Update' },
      // A per-user install seen twice (HKCU and the user's own HKU hive) and once more for another user.
      { Hive: 'HKCU', View: 'user', Sid: '', KeyName: 'Zoom', DisplayName: 'Zoom', DisplayVersion: '5.12.2', SystemComponent: 0, WindowsInstaller: 0 },
      { Hive: 'HKU', View: 'user', Sid: 'S-1-5-21-1004336348-1177238915-682003330-1001', KeyName: 'Zoom', DisplayName: 'Zoom', DisplayVersion: '5.12.2', SystemComponent: 0, WindowsInstaller: 0 },
      { Hive: 'HKU', View: 'user', Sid: 'S-1-5-21-1004336348-1177238915-682003330-1002', KeyName: 'Zoom', DisplayName: 'Zoom', DisplayVersion: '5.11.0', SystemComponent: 0, WindowsInstaller: 0 },
    ],
    HotFixes: HOTFIX_IDS.map((id) => ({ HotFixID: id, Description: 'Security Update', InstalledOn: '12/14/2022' })),
  });
}

export function rebootJson(systemInfo: boolean, cbs: boolean, wu: boolean): string {
  return JSON.stringify({ Action: 'Reboot', SystemInfoRebootRequired: systemInfo, ComponentBasedServicingRebootPending: cbs, WindowsUpdateRebootRequired: wu });
}

export function errorJson(action: string, hresult: number, message: string): string {
  return JSON.stringify({ Action: action, Error: { Message: message, HResult: hresult | 0, Type: 'System.Runtime.InteropServices.COMException' } });
}
