/*
 * patchwave-service.exe: the Windows service wrapper for patchwave-agent.exe.
 *
 * A Node executable does not talk to the service control manager, so Windows would kill it
 * after 30 s with error 1053. This wrapper is the service: it reports its state to the SCM,
 * runs `patchwave-agent.exe run` as a child in a job object, restarts it with backoff when it
 * exits (like systemd's Restart=always), and stops it on a service stop. It also writes the agent's
 * config file for the MSI (`configure`) and removes the data directory (`purge`).
 * See docs/decisions for why this is a small native program rather than WinSW.
 */
#ifndef PATCHWAVE_WRAPPER_H
#define PATCHWAVE_WRAPPER_H

#ifndef UNICODE
#define UNICODE
#endif
#include <windows.h>

#define PW_SERVICE_NAME L"PatchwaveAgent"
#define PW_AGENT_EXE L"patchwave-agent.exe"
#define PW_PATH_MAX 1024

/* %ProgramData%\patchwave, where the agent keeps agent.json, state\ and logs\. */
BOOL pw_data_dir(WCHAR *out, DWORD size);
/* Creates dir (and its parent data dir) readable and writable by SYSTEM and Administrators only. */
BOOL pw_make_private_dir(const WCHAR *dir);

/* log.c: JSON lines in %ProgramData%\patchwave\logs\service.log and on stderr. */
void pw_log_open(void);
void pw_log(const char *level, const char *msg, const WCHAR *detail, long code);

/* config.c */
int pw_configure(int argc, WCHAR **argv);
int pw_purge(void);

/* service.c */
int pw_service_dispatch(void);

#endif
