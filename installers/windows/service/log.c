#include "wrapper.h"
#include <stdio.h>
#include <string.h>

static HANDLE log_file = INVALID_HANDLE_VALUE;

/* Appends `text` to `out` as the inside of a JSON string. */
static size_t json_escape(const char *text, char *out, size_t size) {
  size_t n = 0;
  for (const unsigned char *p = (const unsigned char *)text; *p && n + 7 < size; p++) {
    if (*p == '"' || *p == '\\') {
      out[n++] = '\\';
      out[n++] = (char)*p;
    } else if (*p < 0x20) {
      n += (size_t)snprintf(out + n, size - n, "\\u%04x", *p);
    } else {
      out[n++] = (char)*p;
    }
  }
  out[n] = '\0';
  return n;
}

void pw_log_open(void) {
  WCHAR dir[PW_PATH_MAX], file[PW_PATH_MAX];
  if (!pw_data_dir(dir, PW_PATH_MAX)) return;
  _snwprintf(dir + wcslen(dir), PW_PATH_MAX - wcslen(dir), L"\\logs");
  if (!pw_make_private_dir(dir)) return;
  _snwprintf(file, PW_PATH_MAX, L"%ls\\service.log", dir);
  log_file = CreateFileW(file, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_ALWAYS,
                         FILE_ATTRIBUTE_NORMAL, NULL);
}

/* One pino-compatible JSON line: {"level":30,"time":"…","svc":"patchwave-service","msg":"…",…}. */
void pw_log(const char *level, const char *msg, const WCHAR *detail, long code) {
  SYSTEMTIME t;
  GetSystemTime(&t);
  int pino = strcmp(level, "error") == 0 ? 50 : strcmp(level, "warn") == 0 ? 40 : 30;
  char detail8[PW_PATH_MAX * 3] = "", detail_json[PW_PATH_MAX * 6] = "", msg_json[512];
  if (detail) WideCharToMultiByte(CP_UTF8, 0, detail, -1, detail8, sizeof detail8, NULL, NULL);
  json_escape(detail8, detail_json, sizeof detail_json);
  json_escape(msg, msg_json, sizeof msg_json);
  char line[sizeof detail_json + 1024];
  int n = snprintf(line, sizeof line,
                   "{\"level\":%d,\"time\":\"%04u-%02u-%02uT%02u:%02u:%02u.%03uZ\",\"svc\":\"patchwave-service\","
                   "\"pid\":%lu,\"msg\":\"%s\",\"detail\":\"%s\",\"code\":%ld}\r\n",
                   pino, t.wYear, t.wMonth, t.wDay, t.wHour, t.wMinute, t.wSecond, t.wMilliseconds,
                   GetCurrentProcessId(), msg_json, detail_json, code);
  if (n <= 0) return;
  if ((size_t)n >= sizeof line) n = (int)sizeof line - 1;
  DWORD written;
  if (log_file != INVALID_HANDLE_VALUE) WriteFile(log_file, line, (DWORD)n, &written, NULL);
  HANDLE err = GetStdHandle(STD_ERROR_HANDLE);
  if (err != NULL && err != INVALID_HANDLE_VALUE) WriteFile(err, line, (DWORD)n, &written, NULL);
}
