#!/bin/sh
# Installed as /usr/lib/patchwave/write-config (deb, rpm; run by postinst and %post) and as
# /Library/patchwave/libexec/write-config (macOS; run by patchwave-configure).
#
# Writes /etc/patchwave/agent.json (mode 0600: it holds the enrollment token) from
#   PATCHWAVE_SERVER_URL, PATCHWAVE_ENROLL_TOKEN and PATCHWAVE_SERVER_KEY, taken from
#   1. the environment of the package installation, then
#   2. the preseed file /etc/patchwave/agent.env (KEY=value lines, written by config management
#      before the package is installed; it is read, never executed).
# With no server URL from either, an existing agent.json is left exactly as it is, so upgrades
# and reinstalls keep the configuration (the device identity lives in /var/lib/patchwave and is
# never touched here).
#
# PATCHWAVE_CONFIG_DIR overrides /etc/patchwave (macOS: /Library/Application Support/patchwave).
set -eu

dir="${PATCHWAVE_CONFIG_DIR:-/etc/patchwave}"
preseed="$dir/agent.env"
config="$dir/agent.json"

fail() {
  echo "patchwave-agent: $*" >&2
  exit 1
}

# Value of KEY in the preseed file: the last KEY=value line, one pair of surrounding quotes removed.
preseed_value() {
  [ -f "$preseed" ] || return 0
  value=$(sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*//p" "$preseed" | tail -n 1 | sed 's/[[:space:]]*$//')
  case "$value" in
    \"*\") value=${value#\"}; value=${value%\"} ;;
    \'*\') value=${value#\'}; value=${value%\'} ;;
  esac
  printf '%s' "$value"
}

# Printable ASCII without spaces, double quotes or backslashes: safe inside a JSON string as is.
check_chars() {
  name=$1
  value=$2
  rest=$(printf '%s' "$value" | LC_ALL=C tr -d '\041-\176')
  [ -z "$rest" ] || fail "$name contains spaces, control or non-ASCII characters"
  case "$value" in
    *\"* | *\\*) fail "$name must not contain \" or \\" ;;
  esac
}

url="${PATCHWAVE_SERVER_URL:-$(preseed_value PATCHWAVE_SERVER_URL)}"
token="${PATCHWAVE_ENROLL_TOKEN:-$(preseed_value PATCHWAVE_ENROLL_TOKEN)}"
key="${PATCHWAVE_SERVER_KEY:-$(preseed_value PATCHWAVE_SERVER_KEY)}"

if [ -f "$preseed" ]; then
  chmod 0600 "$preseed" # it holds the enrollment token
fi

if [ -z "$url" ]; then
  if [ -f "$config" ]; then
    chmod 0600 "$config"
    echo "patchwave-agent: keeping the configuration in $config"
  else
    echo "patchwave-agent: not configured yet: no PATCHWAVE_SERVER_URL in the environment or in $preseed."
    echo "  Write $preseed (or $config) and reinstall the package, or see docs/deploy.md."
  fi
  exit 0
fi

case "$url" in
  https://?* | http://?*) ;;
  *) fail "PATCHWAVE_SERVER_URL must start with https:// (or http:// for a server on loopback), got: $url" ;;
esac
check_chars PATCHWAVE_SERVER_URL "$url"
[ ${#url} -le 2048 ] || fail "PATCHWAVE_SERVER_URL is longer than 2048 characters"
if [ -n "$token" ]; then
  check_chars PATCHWAVE_ENROLL_TOKEN "$token"
  [ ${#token} -le 256 ] || fail "PATCHWAVE_ENROLL_TOKEN is longer than 256 characters"
fi
if [ -n "$key" ]; then
  check_chars PATCHWAVE_SERVER_KEY "$key"
  [ ${#key} -le 4096 ] || fail "PATCHWAVE_SERVER_KEY is longer than 4096 characters"
fi

umask 077
mkdir -p "$dir"
tmp="$config.tmp.$$"
trap 'rm -f "$tmp"' EXIT
{
  printf '{\n  "serverUrl": "%s"' "$url"
  [ -z "$token" ] || printf ',\n  "enrollToken": "%s"' "$token"
  [ -z "$key" ] || printf ',\n  "serverKey": "%s"' "$key"
  printf '\n}\n'
} >"$tmp"
chmod 0600 "$tmp"
mv -f "$tmp" "$config"
trap - EXIT
echo "patchwave-agent: wrote $config for $url"
