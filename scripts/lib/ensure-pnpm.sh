# Sourced by the README's scripts: makes `pnpm` 10.34.9 available without corepack (which fails on
# registry signatures here) and without needing write access to npm's global prefix.
PNPM_VERSION=10.34.9
if command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version 2>/dev/null)" = "$PNPM_VERSION" ]; then
  :
else
  tools_dir="$(pwd)/.cache/tools"
  if [ ! -x "$tools_dir/node_modules/.bin/pnpm" ] || [ "$("$tools_dir/node_modules/.bin/pnpm" --version)" != "$PNPM_VERSION" ]; then
    echo "==> installing pnpm $PNPM_VERSION into .cache/tools"
    npm install --silent --no-audit --no-fund --prefix "$tools_dir" "pnpm@$PNPM_VERSION"
  fi
  export PATH="$tools_dir/node_modules/.bin:$PATH"
fi
