/**
 * Pure readers of the three service managers' answers. Each returns whether the service runs and
 * the state word the tool used, for the probe's `detail`.
 */
export interface ServiceState {
  running: boolean;
  state: string;
}

const firstLine = (text: string) => text.split('\n').map((l) => l.trim()).find(Boolean) ?? '';

/**
 * `systemctl is-active -- <unit>` prints one state word (`active`, `inactive`, `failed`,
 * `activating`, `deactivating`, `reloading`, `unknown`) and exits 0 only for active units. A
 * reloading unit keeps running; `activating` has not yet come up.
 */
export function parseSystemctlIsActive(stdout: string, stderr = ''): ServiceState {
  const word = firstLine(stdout);
  if (/^[a-z-]+$/.test(word)) return { running: word === 'active' || word === 'reloading', state: word };
  const why = firstLine(stderr) || firstLine(stdout) || 'no answer';
  return { running: false, state: why.slice(0, 160) };
}

/**
 * `launchctl print system/<label>`: a block whose top-level keys are indented by one tab;
 * `state = running` (or `waiting`, `not running`, `spawn scheduled`, …) and `pid = N` while it runs.
 * Nested blocks (endpoints, event triggers) have their own `state` keys, deeper indented, and are ignored.
 */
export function parseLaunchctlPrint(stdout: string, stderr = ''): ServiceState {
  const state = /^\tstate = (.+)$/m.exec(stdout)?.[1]?.trim();
  if (state === undefined) {
    const why = firstLine(stderr) || firstLine(stdout) || 'no answer';
    return { running: false, state: why.slice(0, 160) };
  }
  const pid = /^\tpid = (\d+)$/m.exec(stdout)?.[1];
  return { running: state === 'running', state: pid ? `${state} (pid ${pid})` : state };
}

const SC_STATES = 'STOPPED|START_PENDING|STOP_PENDING|RUNNING|CONTINUE_PENDING|PAUSE_PENDING|PAUSED';

/**
 * `sc.exe query <name>`: the `STATE : 4  RUNNING` line. The label is localized on some Windows
 * languages, the state constant is not, so the line is found by its code and constant.
 * A missing service answers `[SC] EnumQueryServicesStatus:OpenService FAILED 1060:` (exit 1060).
 */
export function parseScQuery(stdout: string, stderr = ''): ServiceState {
  const m = new RegExp(`^\\s*\\S+\\s*:\\s*[1-7]\\s+(${SC_STATES})\\b`, 'm').exec(stdout);
  if (m?.[1]) return { running: m[1] === 'RUNNING', state: m[1] };
  const failed = /FAILED (\d+):\s*\n\s*\n?(.*)/.exec(stdout) ?? /FAILED (\d+):\s*\n\s*\n?(.*)/.exec(stderr);
  if (failed) return { running: false, state: `error ${failed[1]}: ${(failed[2] ?? '').trim()}`.slice(0, 160) };
  return { running: false, state: (firstLine(stderr) || firstLine(stdout) || 'no answer').slice(0, 160) };
}
