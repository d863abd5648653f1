#!/usr/bin/env bash
# README command 2: installs what the tests need and runs the whole suite
# (typecheck, lint, unit, integration, end to end, browser). CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/ensure-node.sh

# Debian packages the tests drive for real (apt, dnf, rpm, zypper, pacman, chromium, wixl, …).
mapfile -t wanted < <(grep -v '^\s*#' scripts/debian-test-packages.txt | tr -s ' \t' '\n' | grep -v '^$')
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  echo "==> installing Debian packages: ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

. scripts/lib/ensure-pnpm.sh
pnpm install --frozen-lockfile
pnpm typecheck
pnpm lint
pnpm test
