import { z } from 'zod';

/** Every package manager an adapter exists for. `simulated` is a test adapter, never auto-detected. */
export const MANAGER_NAMES = [
  'apt',
  'dnf',
  'yum',
  'zypper',
  'pacman',
  'apk',
  'brew',
  'softwareupdate',
  'winget',
  'choco',
  'windows-update',
  'simulated',
] as const;

export const ManagerName = z.enum(MANAGER_NAMES);
export type ManagerName = z.infer<typeof ManagerName>;
