import si from 'systeminformation';

/** Names of running processes (the executable's name as the OS lists it). */
export type ProcessLister = () => Promise<string[]>;

/**
 * systeminformation's `processes()`: one implementation for Linux (ps + /proc), macOS (ps) and
 * Windows (Get-CimInstance Win32_Process), no native addon, already what the inventory uses.
 * A /proc scan would be faster on Linux but would need a second path for the other two systems.
 */
export const systemProcesses: ProcessLister = async () => {
  const data = await si.processes();
  return data.list.map((p) => p.name);
};

/** Windows lists `nginx.exe`; a probe may name it with or without `.exe`. */
function sameProcess(listed: string, wanted: string, platform: NodeJS.Platform): boolean {
  if (platform !== 'win32') return listed === wanted;
  const norm = (s: string) => s.toLowerCase().replace(/\.exe$/, '');
  return norm(listed) === norm(wanted);
}

export async function probeProcess(list: ProcessLister, name: string, platform: NodeJS.Platform): Promise<{ ok: boolean; detail: string }> {
  const names = await list();
  const count = names.filter((n) => sameProcess(n, name, platform)).length;
  return count > 0 ? { ok: true, detail: `${count} process(es) named ${name}` } : { ok: false, detail: `no process named ${name}` };
}
