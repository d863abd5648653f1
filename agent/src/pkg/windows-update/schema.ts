import { z } from 'zod';

/*
 * What wua.ps1 prints, named after the Windows Update Agent API's own properties (IUpdate,
 * ICategory, IUpdateIdentity, IInstallationResult). The JSON is external input: every field is
 * checked and bounded. PowerShell 5.1's ConvertTo-Json may turn a one-element array into a bare
 * value and an empty one into null, so lists accept both.
 */

const list = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (v === null || v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(item).max(10_000));
const text = (max = 1024) => z.preprocess((v) => (v === null || v === undefined ? '' : v), z.string().max(max));
const int = z.number().int();

export const Identity = z.object({
  UpdateID: z.string().max(64),
  RevisionNumber: int.nonnegative(),
});

export const Category = z.object({
  Name: text(512),
  CategoryID: text(64),
  Type: text(64),
});

export const WuaUpdate = z.object({
  Title: text(),
  Identity,
  KBArticleIDs: list(z.string().max(32)),
  MsrcSeverity: z.string().max(64).nullable().optional(),
  Categories: list(Category),
  CveIDs: list(z.string().max(64)),
  SecurityBulletinIDs: list(z.string().max(64)),
  RebootRequired: z.boolean().default(false),
  InstallationBehavior: z.object({ RebootBehavior: int.min(0).max(2), CanRequestUserInput: z.boolean().optional() }).optional(),
  IsDownloaded: z.boolean().optional(),
  IsMandatory: z.boolean().optional(),
  IsUninstallable: z.boolean().optional(),
  EulaAccepted: z.boolean().optional(),
  MaxDownloadSize: z.number().nonnegative().optional(),
  LastDeploymentChangeTime: z.string().max(64).nullable().optional(),
  SupportUrl: text(2048).optional(),
});
export type WuaUpdate = z.infer<typeof WuaUpdate>;

export const ScriptError = z.object({
  Message: text(4096),
  HResult: int,
  Type: text(256).optional(),
});

export const SearchOutput = z.object({
  Action: z.literal('Search'),
  ResultCode: int,
  Updates: list(z.unknown()),
});

export const InstallUpdateResult = z.object({
  Title: text(),
  Identity,
  KBArticleIDs: list(z.string().max(32)),
  DownloadResultCode: int,
  DownloadHResult: int,
  ResultCode: int,
  HResult: int,
  RebootRequired: z.boolean(),
});
export type InstallUpdateResult = z.infer<typeof InstallUpdateResult>;

const RunResult = z.object({ ResultCode: int, HResult: int, RebootRequired: z.boolean().optional() });

export const InstallOutput = z.object({
  Action: z.literal('Install'),
  NotFound: list(z.string().max(64)),
  Download: RunResult.nullable(),
  Install: RunResult.nullable(),
  RebootRequiredBeforeInstallation: z.boolean().default(false),
  Updates: list(InstallUpdateResult),
});
export type InstallOutput = z.infer<typeof InstallOutput>;

export const InstalledUpdatesOutput = z.object({
  Action: z.literal('InstalledUpdates'),
  ResultCode: int,
  Updates: list(z.object({ Title: text(), Identity, KBArticleIDs: list(z.string().max(32)), IsUninstallable: z.boolean() })),
});
export type InstalledUpdatesOutput = z.infer<typeof InstalledUpdatesOutput>;

export const Program = z.object({
  Hive: z.enum(['HKLM', 'HKCU', 'HKU']),
  View: z.enum(['64', '32', 'user']),
  Sid: text(256).optional(),
  KeyName: text(512),
  DisplayName: text(),
  DisplayVersion: text(256),
  Publisher: text().optional(),
  InstallDate: text(64).optional(),
  SystemComponent: int.default(0),
  WindowsInstaller: int.default(0),
  ParentKeyName: text(512).optional(),
  ReleaseType: text(128).optional(),
});
export type Program = z.infer<typeof Program>;

export const HotFix = z.object({
  HotFixID: text(64),
  Description: text(256).optional(),
  InstalledOn: text(64).optional(),
});

export const InstalledOutput = z.object({
  Action: z.literal('Installed'),
  Programs: list(z.unknown()),
  HotFixes: list(z.unknown()),
});

export const RebootOutput = z.object({
  Action: z.literal('Reboot'),
  SystemInfoRebootRequired: z.boolean(),
  ComponentBasedServicingRebootPending: z.boolean(),
  WindowsUpdateRebootRequired: z.boolean(),
});

export const VersionOutput = z.object({
  Action: z.literal('Version'),
  ProductVersionString: text(64),
  ApiMajorVersion: int.optional(),
  ApiMinorVersion: int.optional(),
});
