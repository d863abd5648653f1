#include "wrapper.h"
#include <stdio.h>

#define STOP_GRACE_MS 20000
#define BACKOFF_MIN_MS 1000
#define BACKOFF_MAX_MS 60000
#define HEALTHY_RUN_MS 60000
#define LOG_ROTATE_BYTES (10 * 1024 * 1024)

static SERVICE_STATUS_HANDLE status_handle;
static SERVICE_STATUS status = {SERVICE_WIN32_OWN_PROCESS, SERVICE_START_PENDING, 0, NO_ERROR, 0, 0, 0};
static HANDLE stop_event;
static HANDLE agent_gone_event;

static void report(DWORD state, DWORD exit_code, DWORD wait_hint) {
  static DWORD checkpoint = 1;
  status.dwCurrentState = state;
  status.dwWin32ExitCode = exit_code;
  status.dwWaitHint = wait_hint;
  status.dwControlsAccepted = state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN : 0;
  status.dwCheckPoint = (state == SERVICE_RUNNING || state == SERVICE_STOPPED) ? 0 : checkpoint++;
  SetServiceStatus(status_handle, &status);
}

static DWORD WINAPI control_handler(DWORD control, DWORD type, LPVOID data, LPVOID context) {
  (void)type, (void)data, (void)context;
  if (control == SERVICE_CONTROL_STOP || control == SERVICE_CONTROL_SHUTDOWN) {
    report(SERVICE_STOP_PENDING, NO_ERROR, STOP_GRACE_MS + 5000);
    SetEvent(stop_event);
    /* Return once the agent is gone, so that an installer's StopServices is followed by files not in use. */
    WaitForSingleObject(agent_gone_event, STOP_GRACE_MS + 5000);
    return NO_ERROR;
  }
  return control == SERVICE_CONTROL_INTERROGATE ? NO_ERROR : ERROR_CALL_NOT_IMPLEMENTED;
}

/* Keeps agent.log below LOG_ROTATE_BYTES: the previous file becomes agent.log.1. */
static void rotate(const WCHAR *file) {
  WIN32_FILE_ATTRIBUTE_DATA info;
  if (!GetFileAttributesExW(file, GetFileExInfoStandard, &info)) return;
  if (info.nFileSizeHigh == 0 && info.nFileSizeLow < LOG_ROTATE_BYTES) return;
  WCHAR old[PW_PATH_MAX];
  _snwprintf(old, PW_PATH_MAX, L"%ls.1", file);
  MoveFileExW(file, old, MOVEFILE_REPLACE_EXISTING);
}

/* Starts `patchwave-agent.exe run` with stdout and stderr appended to logs\agent.log. */
static HANDLE start_agent(HANDLE job, const WCHAR *agent, const WCHAR *log_path, DWORD *pid) {
  rotate(log_path);
  SECURITY_ATTRIBUTES inherit = {sizeof inherit, NULL, TRUE};
  HANDLE out = CreateFileW(log_path, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE, &inherit, OPEN_ALWAYS,
                           FILE_ATTRIBUTE_NORMAL, NULL);
  HANDLE in = CreateFileW(L"NUL", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, &inherit, OPEN_EXISTING, 0, NULL);
  WCHAR cmdline[PW_PATH_MAX + 16];
  _snwprintf(cmdline, PW_PATH_MAX + 16, L"\"%ls\" run", agent);
  STARTUPINFOW si = {0};
  si.cb = sizeof si;
  si.dwFlags = STARTF_USESTDHANDLES;
  si.hStdInput = in;
  si.hStdOutput = out;
  si.hStdError = out;
  PROCESS_INFORMATION pi = {0};
  BOOL ok = CreateProcessW(agent, cmdline, NULL, NULL, TRUE, CREATE_NEW_PROCESS_GROUP | CREATE_SUSPENDED, NULL, NULL,
                           &si, &pi);
  DWORD err = GetLastError();
  if (out != INVALID_HANDLE_VALUE) CloseHandle(out);
  if (in != INVALID_HANDLE_VALUE) CloseHandle(in);
  if (!ok) {
    pw_log("error", "cannot start the agent", agent, (long)err);
    return NULL;
  }
  if (!AssignProcessToJobObject(job, pi.hProcess)) pw_log("warn", "cannot put the agent in the job object", agent, (long)GetLastError());
  ResumeThread(pi.hThread);
  CloseHandle(pi.hThread);
  *pid = pi.dwProcessId;
  pw_log("info", "agent started", agent, (long)pi.dwProcessId);
  return pi.hProcess;
}

/* Asks the agent to stop (CTRL_BREAK, which Node raises as SIGBREAK), then ends it after the grace period. */
static void stop_agent(HANDLE job, HANDLE process, DWORD pid) {
  DWORD grace = STOP_GRACE_MS;
  if (!GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT, pid)) {
    pw_log("warn", "cannot send CTRL_BREAK to the agent: terminating it", NULL, (long)GetLastError());
    grace = 0;
  }
  if (WaitForSingleObject(process, grace) != WAIT_OBJECT_0) {
    pw_log("warn", "agent did not stop in time: terminating it", NULL, STOP_GRACE_MS);
    TerminateJobObject(job, 1);
    WaitForSingleObject(process, 5000);
  }
}

static void WINAPI service_main(DWORD argc, LPWSTR *argv) {
  (void)argc, (void)argv;
  status_handle = RegisterServiceCtrlHandlerExW(PW_SERVICE_NAME, control_handler, NULL);
  if (!status_handle) return;
  report(SERVICE_START_PENDING, NO_ERROR, 10000);
  stop_event = CreateEventW(NULL, TRUE, FALSE, NULL);
  agent_gone_event = CreateEventW(NULL, TRUE, FALSE, NULL);
  pw_log_open();

  WCHAR agent[PW_PATH_MAX], log_path[PW_PATH_MAX], data[PW_PATH_MAX];
  DWORD n = GetModuleFileNameW(NULL, agent, PW_PATH_MAX);
  WCHAR *slash = n > 0 && n < PW_PATH_MAX ? wcsrchr(agent, L'\\') : NULL;
  if (!slash || !pw_data_dir(data, PW_PATH_MAX)) {
    report(SERVICE_STOPPED, ERROR_BAD_PATHNAME, 0);
    return;
  }
  wcscpy(slash + 1, PW_AGENT_EXE);
  _snwprintf(log_path, PW_PATH_MAX, L"%ls\\logs\\agent.log", data);
  /* The agent inherits these: it reads the same agent.json the MSI wrote, wherever %ProgramData% points. */
  WCHAR value[PW_PATH_MAX];
  _snwprintf(value, PW_PATH_MAX, L"%ls\\agent.json", data);
  SetEnvironmentVariableW(L"PATCHWAVE_CONFIG", value);
  _snwprintf(value, PW_PATH_MAX, L"%ls\\state", data);
  SetEnvironmentVariableW(L"PATCHWAVE_STATE_DIR", value);

  /* The job object ends the agent with the wrapper, whatever way the wrapper goes. */
  HANDLE job = CreateJobObjectW(NULL, NULL);
  JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits = {0};
  limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
  SetInformationJobObject(job, JobObjectExtendedLimitInformation, &limits, sizeof limits);
  /* A console of its own lets the wrapper send CTRL_BREAK to the agent's process group. */
  if (AllocConsole()) ShowWindow(GetConsoleWindow(), SW_HIDE);
  SetConsoleCtrlHandler(NULL, TRUE);

  report(SERVICE_RUNNING, NO_ERROR, 0);
  DWORD backoff = BACKOFF_MIN_MS;
  for (;;) {
    DWORD pid = 0;
    ULONGLONG started = GetTickCount64();
    HANDLE process = start_agent(job, agent, log_path, &pid);
    if (process) {
      HANDLE waits[2] = {stop_event, process};
      DWORD which = WaitForMultipleObjects(2, waits, FALSE, INFINITE);
      if (which == WAIT_OBJECT_0) {
        stop_agent(job, process, pid);
        CloseHandle(process);
        break;
      }
      DWORD code = 0;
      GetExitCodeProcess(process, &code);
      CloseHandle(process);
      pw_log("warn", "agent exited: restarting it", NULL, (long)code);
      if (GetTickCount64() - started > HEALTHY_RUN_MS) backoff = BACKOFF_MIN_MS;
    }
    if (WaitForSingleObject(stop_event, backoff) == WAIT_OBJECT_0) break;
    backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
  }
  pw_log("info", "service stopped", NULL, 0);
  CloseHandle(job);
  SetEvent(agent_gone_event);
  report(SERVICE_STOPPED, NO_ERROR, 0);
}

int pw_service_dispatch(void) {
  SERVICE_TABLE_ENTRYW table[] = {{(LPWSTR)PW_SERVICE_NAME, service_main}, {NULL, NULL}};
  if (StartServiceCtrlDispatcherW(table)) return 0;
  DWORD err = GetLastError();
  if (err == ERROR_FAILED_SERVICE_CONTROLLER_CONNECT) {
    fwprintf(stderr, L"patchwave-service: this program is the %ls Windows service and runs under the service "
                     L"control manager (sc start %ls).\n",
             PW_SERVICE_NAME, PW_SERVICE_NAME);
    return 2;
  }
  fwprintf(stderr, L"patchwave-service: StartServiceCtrlDispatcher failed (error %lu)\n", err);
  return 1;
}
