#include "wrapper.h"
#include <aclapi.h>
#include <knownfolders.h>
#include <shlobj.h>
#include <sddl.h>
#include <stdio.h>
#include <string.h>

/* SYSTEM and Administrators: full control, inherited by everything below; nothing for Users. */
static const WCHAR *PRIVATE_SDDL = L"D:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)";

/*
 * The known folder, not %ProgramData%: the environment of the MSI's custom actions and that of a
 * service need not agree (under wine they do not), and both must find the same agent.json.
 */
BOOL pw_data_dir(WCHAR *out, DWORD size) {
  PWSTR base = NULL;
  if (FAILED(SHGetKnownFolderPath(&FOLDERID_ProgramData, 0, NULL, &base))) return FALSE;
  int n = _snwprintf(out, size, L"%ls\\patchwave", base);
  CoTaskMemFree(base);
  return n > 0 && (DWORD)n < size;
}

BOOL pw_make_private_dir(const WCHAR *dir) {
  WCHAR data[PW_PATH_MAX];
  if (!pw_data_dir(data, PW_PATH_MAX)) return FALSE;
  PSECURITY_DESCRIPTOR sd = NULL;
  if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(PRIVATE_SDDL, SDDL_REVISION_1, &sd, NULL)) return FALSE;
  SECURITY_ATTRIBUTES sa = {sizeof sa, sd, FALSE};
  BOOL ok = CreateDirectoryW(data, &sa);
  if (!ok && GetLastError() == ERROR_ALREADY_EXISTS) {
    /* Re-apply the DACL: a directory left by an older install or created by hand may be looser. */
    BOOL present = FALSE, defaulted = FALSE;
    PACL dacl = NULL;
    GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted);
    DWORD rc = SetNamedSecurityInfoW(data, SE_FILE_OBJECT,
                                     DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION, NULL, NULL,
                                     dacl, NULL);
    if (rc != ERROR_SUCCESS) pw_log("warn", "cannot restrict the data directory's permissions", data, (long)rc);
    ok = TRUE;
  }
  LocalFree(sd);
  if (!ok) return FALSE;
  if (_wcsicmp(dir, data) == 0) return TRUE;
  return CreateDirectoryW(dir, NULL) || GetLastError() == ERROR_ALREADY_EXISTS;
}

/* Writes `value` (UTF-16) into `out` as a JSON string with quotes; FALSE if it holds a control character. */
static BOOL json_string(const WCHAR *value, char *out, size_t size) {
  char utf8[4096];
  if (!WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, value, -1, utf8, sizeof utf8, NULL, NULL)) return FALSE;
  size_t n = 0;
  out[n++] = '"';
  for (const unsigned char *p = (const unsigned char *)utf8; *p; p++) {
    if (*p < 0x20 || n + 3 >= size) return FALSE;
    if (*p == '"' || *p == '\\') out[n++] = '\\';
    out[n++] = (char)*p;
  }
  out[n++] = '"';
  out[n] = '\0';
  return TRUE;
}

/*
 * configure --server-url URL [--enroll-token TOKEN] [--server-key KEY]
 * Run by the MSI (deferred, as SYSTEM). With a server URL, agent.json is (re)written from the
 * properties; without one it is left as it is, so an upgrade or repair without properties keeps
 * the configuration and the device keeps its identity (state\ is never touched here).
 */
int pw_configure(int argc, WCHAR **argv) {
  const WCHAR *url = L"", *token = L"", *key = L"";
  for (int i = 2; i + 1 < argc; i += 2) {
    if (wcscmp(argv[i], L"--server-url") == 0) url = argv[i + 1];
    else if (wcscmp(argv[i], L"--enroll-token") == 0) token = argv[i + 1];
    else if (wcscmp(argv[i], L"--server-key") == 0) key = argv[i + 1];
    else {
      pw_log("error", "configure: unknown option", argv[i], 2);
      return 2;
    }
  }
  WCHAR dir[PW_PATH_MAX], file[PW_PATH_MAX], tmp[PW_PATH_MAX];
  if (!pw_data_dir(dir, PW_PATH_MAX) || !pw_make_private_dir(dir)) {
    pw_log("error", "configure: cannot create the data directory", dir, (long)GetLastError());
    return 1;
  }
  _snwprintf(file, PW_PATH_MAX, L"%ls\\agent.json", dir);
  if (*url == L'\0') {
    BOOL exists = GetFileAttributesW(file) != INVALID_FILE_ATTRIBUTES;
    pw_log(exists ? "info" : "warn",
           exists ? "configure: no SERVERURL given, keeping the existing configuration"
                  : "configure: no SERVERURL given and no configuration yet: the agent cannot enroll until one is written",
           file, 0);
    return 0;
  }
  char j_url[8192], j_token[8192], j_key[8192], body[26000];
  if (!json_string(url, j_url, sizeof j_url) || !json_string(token, j_token, sizeof j_token) ||
      !json_string(key, j_key, sizeof j_key)) {
    pw_log("error", "configure: SERVERURL, ENROLLTOKEN and SERVERKEY must be UTF-8 text without control characters", NULL, 2);
    return 2;
  }
  int n = snprintf(body, sizeof body, "{\n  \"serverUrl\": %s", j_url);
  if (*token) n += snprintf(body + n, sizeof body - (size_t)n, ",\n  \"enrollToken\": %s", j_token);
  if (*key) n += snprintf(body + n, sizeof body - (size_t)n, ",\n  \"serverKey\": %s", j_key);
  n += snprintf(body + n, sizeof body - (size_t)n, "\n}\n");

  _snwprintf(tmp, PW_PATH_MAX, L"%ls.tmp", file);
  HANDLE h = CreateFileW(tmp, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
  DWORD written = 0;
  BOOL ok = h != INVALID_HANDLE_VALUE && WriteFile(h, body, (DWORD)n, &written, NULL) && written == (DWORD)n &&
            FlushFileBuffers(h);
  if (h != INVALID_HANDLE_VALUE) CloseHandle(h);
  if (!ok || !MoveFileExW(tmp, file, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
    pw_log("error", "configure: cannot write the configuration", file, (long)GetLastError());
    DeleteFileW(tmp);
    return 1;
  }
  pw_log("info", "configure: configuration written", file, 0);
  return 0;
}

/* Deletes `path` and everything below it; junctions and symlinks are removed, never followed. */
static BOOL remove_tree(const WCHAR *path) {
  DWORD attrs = GetFileAttributesW(path);
  if (attrs == INVALID_FILE_ATTRIBUTES) return GetLastError() == ERROR_FILE_NOT_FOUND || GetLastError() == ERROR_PATH_NOT_FOUND;
  SetFileAttributesW(path, FILE_ATTRIBUTE_NORMAL | (attrs & FILE_ATTRIBUTE_DIRECTORY));
  if (!(attrs & FILE_ATTRIBUTE_DIRECTORY)) return DeleteFileW(path);
  if (!(attrs & FILE_ATTRIBUTE_REPARSE_POINT)) {
    WCHAR pattern[PW_PATH_MAX], child[PW_PATH_MAX];
    _snwprintf(pattern, PW_PATH_MAX, L"%ls\\*", path);
    WIN32_FIND_DATAW fd;
    HANDLE find = FindFirstFileW(pattern, &fd);
    if (find != INVALID_HANDLE_VALUE) {
      do {
        if (wcscmp(fd.cFileName, L".") == 0 || wcscmp(fd.cFileName, L"..") == 0) continue;
        _snwprintf(child, PW_PATH_MAX, L"%ls\\%ls", path, fd.cFileName);
        if (!remove_tree(child)) pw_log("warn", "purge: cannot remove", child, (long)GetLastError());
      } while (FindNextFileW(find, &fd));
      FindClose(find);
    }
  }
  return RemoveDirectoryW(path);
}

/* purge: removes %ProgramData%\patchwave (config, state and logs). Run by the MSI on uninstall with PURGE=1. */
int pw_purge(void) {
  WCHAR dir[PW_PATH_MAX];
  if (!pw_data_dir(dir, PW_PATH_MAX)) return 1;
  if (!remove_tree(dir)) {
    fwprintf(stderr, L"purge: cannot remove %ls (error %lu)\n", dir, GetLastError());
    return 1;
  }
  return 0;
}
