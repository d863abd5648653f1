#!/bin/sh
# Installed as /Library/patchwave/bin/patchwave-configure. Run by the pkg's postinstall and by the
# com.patchwave.agent.configure LaunchDaemon whenever the MDM profile changes, so the profile and
# the pkg can arrive in either order.
#
# Reads ServerURL, EnrollToken and ServerKey from the managed preferences of the domain
# com.patchwave.agent (the .mobileconfig profile), falling back to /Library/Preferences
# (`defaults write /Library/Preferences/com.patchwave.agent ServerURL …`), and writes
# /Library/Application Support/patchwave/agent.json (0600) through write-config. Without a server
# URL the existing configuration is kept. The agent is restarted when its configuration changed.
set -eu

support="/Library/Application Support/patchwave"
managed="/Library/Managed Preferences/com.patchwave.agent.plist"
local_prefs="/Library/Preferences/com.patchwave.agent.plist"
config="$support/agent.json"

# First non-empty value of KEY in the managed, then the local preferences.
pref() {
  for file in "$managed" "$local_prefs"; do
    [ -f "$file" ] || continue
    if value=$(/usr/libexec/PlistBuddy -c "Print :$1" "$file" 2>/dev/null) && [ -n "$value" ]; then
      printf '%s' "$value"
      return 0
    fi
  done
  return 0
}

url=$(pref ServerURL)
token=$(pref EnrollToken)
key=$(pref ServerKey)
[ -z "$url" ] || export PATCHWAVE_SERVER_URL="$url"
[ -z "$token" ] || export PATCHWAVE_ENROLL_TOKEN="$token"
[ -z "$key" ] || export PATCHWAVE_SERVER_KEY="$key"

install -d -m 0700 "$support" "$support/state"
before=$(cksum <"$config" 2>/dev/null || echo none)
PATCHWAVE_CONFIG_DIR="$support" /Library/patchwave/libexec/write-config
after=$(cksum <"$config" 2>/dev/null || echo none)

if [ "$before" != "$after" ] && launchctl print system/com.patchwave.agent >/dev/null 2>&1; then
  launchctl kickstart -k system/com.patchwave.agent
fi
