#include "wrapper.h"
#include <stdio.h>

#ifndef PW_VERSION
#define PW_VERSION "0.0.0-dev"
#endif
#define PW_WIDEN2(x) L##x
#define PW_WIDEN(x) PW_WIDEN2(x)

static int usage(void) {
  fwprintf(stderr,
           L"usage: patchwave-service.exe                  (started by the service control manager)\n"
           L"       patchwave-service.exe configure --server-url URL [--enroll-token TOKEN] [--server-key KEY]\n"
           L"       patchwave-service.exe purge            (removes %%ProgramData%%\\patchwave)\n"
           L"       patchwave-service.exe version\n");
  return 2;
}

int wmain(int argc, WCHAR **argv) {
  if (argc == 1) return pw_service_dispatch();
  if (wcscmp(argv[1], L"configure") == 0) {
    pw_log_open();
    return pw_configure(argc, argv);
  }
  if (wcscmp(argv[1], L"purge") == 0 && argc == 2) return pw_purge();
  if (wcscmp(argv[1], L"version") == 0 && argc == 2) {
    wprintf(L"%ls\n", PW_WIDEN(PW_VERSION));
    return 0;
  }
  return usage();
}
