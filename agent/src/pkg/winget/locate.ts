import { access, readdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * winget.exe lives in the App Installer package under %ProgramFiles%\WindowsApps; only a user's
 * App Execution Alias puts it on PATH, so a service running as SYSTEM must find it there. Picks the
 * newest `Microsoft.DesktopAppInstaller_<version>_<arch>__8wekyb3d8bbwe` folder with a winget.exe.
 */
export async function locateWinget(programFiles: string | undefined, arch: string): Promise<string | undefined> {
  if (!programFiles) return undefined;
  const root = path.join(programFiles, 'WindowsApps');
  let entries: string[];
  try {
    entries = await readdir(root);
  } catch {
    return undefined; // no WindowsApps folder (or no right to list it): fall back to PATH
  }
  const wanted = arch === 'arm64' ? ['arm64', 'x64', 'neutral'] : ['x64', 'x86', 'neutral'];
  const candidates = entries
    .map((name) => ({ name, m: /^Microsoft\.DesktopAppInstaller_(\d+(?:\.\d+){1,3})_([a-z0-9]+)__8wekyb3d8bbwe$/i.exec(name) }))
    .filter((e): e is { name: string; m: RegExpExecArray } => e.m !== null && wanted.includes((e.m[2] ?? '').toLowerCase()))
    .sort((a, b) => compareDotted(b.m[1] ?? '', a.m[1] ?? ''));
  for (const c of candidates) {
    const exe = path.join(root, c.name, 'winget.exe');
    try {
      await access(exe);
      return exe;
    } catch {
      // an older or half-removed package version without winget.exe: try the next one
    }
  }
  return undefined;
}

function compareDotted(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
