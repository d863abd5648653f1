# Sourced by the README's scripts: fails early and clearly on an unsupported Node.js.
if ! command -v node >/dev/null 2>&1; then
  echo "patchwave needs Node.js 20.19 or newer (node was not found on PATH)" >&2
  exit 2
fi
node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<20 || (a===20 && b<19)) { console.error(`patchwave needs Node.js >= 20.19, this is ${process.versions.node}`); process.exit(2); }' || exit 2
