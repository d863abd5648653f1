import type { CommandRunner, CommandSpec } from '../exec/command-runner.js';
import { parseLaunchctlPrint, parseScQuery, parseSystemctlIsActive, type ServiceState } from './service-status.js';

/** The command asking this OS's service manager about one service (the name is schema-checked). */
export function serviceCommand(platform: NodeJS.Platform, service: string, timeoutMs: number): { spec: CommandSpec; parse: (out: string, err: string) => ServiceState } {
  switch (platform) {
    case 'darwin':
      // 113: "Could not find service"; the answer is still read.
      return { spec: { command: 'launchctl', args: ['print', `system/${service}`], timeoutMs, okExitCodes: [0, 113] }, parse: parseLaunchctlPrint };
    case 'win32':
      // 1060: the service does not exist.
      return { spec: { command: 'sc.exe', args: ['query', service], timeoutMs, okExitCodes: [0, 1060] }, parse: parseScQuery };
    default:
      // 3: not active; 4: no such unit; 1: systemd not running (a container).
      return { spec: { command: 'systemctl', args: ['is-active', '--', service], timeoutMs, okExitCodes: [0, 1, 3, 4] }, parse: parseSystemctlIsActive };
  }
}

/** Whether a service runs, from systemd, launchd or the Windows service control manager. */
export async function probeService(exec: CommandRunner, platform: NodeJS.Platform, service: string, timeoutMs: number): Promise<{ ok: boolean; detail: string }> {
  const { spec, parse } = serviceCommand(platform, service, timeoutMs);
  const res = await exec.run(spec);
  const state = parse(res.stdout, res.stderr);
  return { ok: state.running, detail: state.state };
}
