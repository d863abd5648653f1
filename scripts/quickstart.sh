#!/usr/bin/env bash
# README command 1: installs what is needed, starts the server on its embedded SQLite database,
# enrolls a local agent (as the current user) and prints the URL and the admin credential.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/ensure-node.sh
. scripts/lib/ensure-pnpm.sh
pnpm install --frozen-lockfile --reporter=silent
exec node --conditions=source --import tsx scripts/quickstart.ts "$@"
