#!/bin/sh
# Removes the patchwave agent from a Mac (installed as /Library/patchwave/bin/uninstall.sh).
#   sudo /Library/patchwave/bin/uninstall.sh           keeps configuration and device identity
#   sudo /Library/patchwave/bin/uninstall.sh --purge   also deletes them and the logs
# Remove the MDM profile too, or a reinstall will pick its settings up again.
set -eu

purge=0
case "${1:-}" in
  --purge) purge=1 ;;
  "") ;;
  *)
    echo "usage: $0 [--purge]" >&2
    exit 2
    ;;
esac
if [ "$(id -u)" -ne 0 ]; then
  echo "uninstall.sh: run it as root (sudo)" >&2
  exit 1
fi

for label in com.patchwave.agent com.patchwave.agent.configure; do
  if launchctl print "system/$label" >/dev/null 2>&1; then
    launchctl bootout "system/$label" || echo "uninstall.sh: could not stop $label" >&2
  fi
  rm -f "/Library/LaunchDaemons/$label.plist"
done

if [ "$(readlink /usr/local/bin/patchwave-agent 2>/dev/null || true)" = /Library/patchwave/bin/patchwave-agent ]; then
  rm -f /usr/local/bin/patchwave-agent
fi
rm -rf /Library/patchwave

if [ "$purge" -eq 1 ]; then
  rm -rf "/Library/Application Support/patchwave" /Library/Logs/patchwave
fi
pkgutil --forget com.patchwave.agent >/dev/null 2>&1 || true
echo "patchwave agent removed$([ "$purge" -eq 1 ] && echo ', with its configuration and state' || echo '; configuration and state kept')"
