export const USAGE = `patchwave-agent — the patchwave endpoint agent

Usage:
  patchwave-agent run [--config FILE] [--server-url URL] [--enroll-token TOKEN] [--state-dir DIR]
                      [--inventory-interval 1h] [--log-level info] [--tag TAG]... [--simulate SCENARIO]
                      [--server-key FINGERPRINT] [--server-fingerprint FINGERPRINT]
  patchwave-agent inventory [--json] [--config FILE]
  patchwave-agent plan [--security-only] [--json] [--config FILE]
  patchwave-agent parse <manager> <installed|updates|apply|reboot> [FILE]
  patchwave-agent vercmp <dpkg|rpm|apk|pacman|generic> A B
  patchwave-agent uninstall [--purge] [--config FILE] [--state-dir DIR] [--json]
  patchwave-agent --version | --help

Configuration: flags > environment (PATCHWAVE_SERVER_URL, PATCHWAVE_ENROLL_TOKEN, PATCHWAVE_STATE_DIR,
PATCHWAVE_CONFIG, PATCHWAVE_LOG_LEVEL, PATCHWAVE_INVENTORY_INTERVAL, PATCHWAVE_SERVER_KEY: the server's
job-signing key to pin, PATCHWAVE_SERVER_FINGERPRINT: its TLS certificate to pin) > config file > defaults.
Exit codes: 0 ok, 1 failure, 2 bad usage or configuration.
`;
