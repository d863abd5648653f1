import { describe, expect, it } from 'vitest';
import { parseLaunchctlPrint, parseScQuery, parseSystemctlIsActive } from './service-status.js';

/**
 * The launchctl and sc.exe outputs below are hand-written after the tools' documented formats
 * (no capture of either exists in shared/fixtures); the systemd answers are what
 * `systemctl is-active` prints (one state word per unit).
 */

describe('parseSystemctlIsActive', () => {
  it('reads the state word', () => {
    expect(parseSystemctlIsActive('active\n')).toEqual({ running: true, state: 'active' });
    expect(parseSystemctlIsActive('reloading\n')).toEqual({ running: true, state: 'reloading' });
    for (const w of ['inactive', 'failed', 'activating', 'deactivating', 'unknown']) expect(parseSystemctlIsActive(`${w}\n`)).toEqual({ running: false, state: w });
  });

  it('explains an answer that is no state word (no systemd in a container)', () => {
    expect(parseSystemctlIsActive('', 'System has not been booted with systemd as init system (PID 1). Can\'t operate.\nFailed to connect to bus: Host is down\n')).toEqual({
      running: false,
      state: "System has not been booted with systemd as init system (PID 1). Can't operate.",
    });
    expect(parseSystemctlIsActive('', '')).toEqual({ running: false, state: 'no answer' });
  });
});

const LAUNCHCTL_RUNNING = `system/com.openssh.sshd = {
\tactive count = 1
\tpath = /System/Library/LaunchDaemons/ssh.plist
\ttype = LaunchDaemon
\tstate = running

\tprogram = /usr/libexec/sshd-keygen-wrapper
\targuments = {
\t\t/usr/libexec/sshd-keygen-wrapper
\t}

\tdefault environment = {
\t\tPATH => /usr/bin:/bin:/usr/sbin:/sbin
\t}

\tdomain = system
\tminimum runtime = 10
\texit timeout = 5
\truns = 3
\tpid = 4821
\timmediate reason = inetd
\tforks = 0
\texecs = 1
\tinitialized = 1
\ttrampolined = 1
\tstarted suspended = 0
\tproxy started suspended = 0
\tlast exit code = (never exited)

\tendpoints = {
\t\t"com.apple.remotelogin" = {
\t\t\tport = 000000000000
\t\t\tstate = active
\t\t}
\t}
}
`;

const LAUNCHCTL_WAITING = `system/com.example.agent = {
\tactive count = 0
\tpath = /Library/LaunchDaemons/com.example.agent.plist
\ttype = LaunchDaemon
\tstate = not running

\tprogram = /usr/local/bin/example-agent
\tjob state = exited
\tlast exit code = 78: EX_CONFIG
}
`;

describe('parseLaunchctlPrint', () => {
  it('reads the top-level state and pid, not the nested endpoint state', () => {
    expect(parseLaunchctlPrint(LAUNCHCTL_RUNNING)).toEqual({ running: true, state: 'running (pid 4821)' });
    expect(parseLaunchctlPrint(LAUNCHCTL_WAITING)).toEqual({ running: false, state: 'not running' });
  });

  it('reports a service launchd does not know', () => {
    expect(parseLaunchctlPrint('', 'Bad request.\nCould not find service "com.example.none" in domain for system\n')).toEqual({ running: false, state: 'Bad request.' });
  });
});

const SC_RUNNING = `
SERVICE_NAME: Spooler
        TYPE               : 110  WIN32_OWN_PROCESS  (interactive)
        STATE              : 4  RUNNING
                                (STOPPABLE, NOT_PAUSABLE, ACCEPTS_SHUTDOWN)
        WIN32_EXIT_CODE    : 0  (0x0)
        SERVICE_EXIT_CODE  : 0  (0x0)
        CHECKPOINT         : 0x0
        WAIT_HINT          : 0x0
`;

const SC_STOPPED_DE = `
SERVICE_NAME: wuauserv
        TYP                : 20  WIN32_SHARE_PROCESS
        STATUS             : 1  STOPPED
        WIN32_EXITCODE     : 0  (0x0)
        SERVICE_EXITCODE   : 0  (0x0)
        CHECKPOINT         : 0x0
        WAIT_HINT          : 0x0
`;

const SC_MISSING = `[SC] EnumQueryServicesStatus:OpenService FAILED 1060:

The specified service does not exist as an installed service.

`;

describe('parseScQuery', () => {
  it('reads the state constant, also under a localized label', () => {
    expect(parseScQuery(SC_RUNNING)).toEqual({ running: true, state: 'RUNNING' });
    expect(parseScQuery(SC_STOPPED_DE)).toEqual({ running: false, state: 'STOPPED' });
    expect(parseScQuery('        STATE              : 2  START_PENDING\n')).toEqual({ running: false, state: 'START_PENDING' });
  });

  it('reports a missing service with its error number', () => {
    expect(parseScQuery(SC_MISSING)).toEqual({ running: false, state: 'error 1060: The specified service does not exist as an installed service.' });
  });
});
