#!/bin/sh
# Builds patchwave-agent-<version>.pkg on a Mac (pkgbuild and productbuild exist only on macOS;
# Debian has no tool for flat packages, so this cannot run on the Linux build machine).
#
#   pnpm build:agent --target darwin-x64,darwin-arm64      # anywhere, produces dist/patchwave-agent-darwin-*
#   installers/macos/build.sh [VERSION] [DIST_DIR]        # on a Mac
#
# Environment (all optional):
#   CODESIGN_IDENTITY  "Developer ID Application: …" to sign the agent with the hardened runtime
#                      (default "-": ad hoc, enough to run on this Mac and for testing)
#   PKG_IDENTITY       "Developer ID Installer: …" to sign the pkg (MDMs need a signed pkg)
#   NOTARY_PROFILE     a `xcrun notarytool store-credentials` profile: notarize and staple
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
version=${1:-$(sed -n 's/^[[:space:]]*"version":[[:space:]]*"\([^"]*\)".*/\1/p' "$repo/agent/package.json" | head -n 1)}
dist=${2:-$repo/dist}
identity=${CODESIGN_IDENTITY:--}

if [ "$(uname -s)" != Darwin ]; then
  echo "build.sh: pkgbuild and productbuild run only on macOS; build the darwin executables here with" >&2
  echo "  pnpm build:agent --target darwin-x64,darwin-arm64   and run this script on a Mac." >&2
  exit 2
fi
for arch in x64 arm64; do
  [ -f "$dist/patchwave-agent-darwin-$arch" ] || {
    echo "build.sh: $dist/patchwave-agent-darwin-$arch is missing (pnpm build:agent --target darwin-$arch)" >&2
    exit 1
  }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/root"
mkdir -p "$root/Library/patchwave/bin" "$root/Library/patchwave/libexec" "$root/Library/LaunchDaemons" "$work/scripts"

# One universal executable. Each slice lost its signature when the SEA blob was injected:
# sign again (ad hoc, or Developer ID with the hardened runtime and the JIT entitlements).
lipo -create -output "$root/Library/patchwave/bin/patchwave-agent" \
  "$dist/patchwave-agent-darwin-x64" "$dist/patchwave-agent-darwin-arm64"
if [ "$identity" = "-" ]; then
  codesign --sign - --force "$root/Library/patchwave/bin/patchwave-agent"
else
  codesign --sign "$identity" --force --timestamp --options runtime \
    --entitlements "$here/entitlements.plist" "$root/Library/patchwave/bin/patchwave-agent"
fi
codesign --verify --strict "$root/Library/patchwave/bin/patchwave-agent"
"$root/Library/patchwave/bin/patchwave-agent" --version

install -m 0755 "$here/configure.sh" "$root/Library/patchwave/bin/patchwave-configure"
install -m 0755 "$here/uninstall.sh" "$root/Library/patchwave/bin/uninstall.sh"
install -m 0755 "$repo/installers/linux/write-config.sh" "$root/Library/patchwave/libexec/write-config"
install -m 0644 "$here/com.patchwave.agent.plist" "$here/com.patchwave.agent.configure.plist" "$root/Library/LaunchDaemons/"
install -m 0755 "$here/scripts/preinstall" "$here/scripts/postinstall" "$work/scripts/"
plutil -lint "$root/Library/LaunchDaemons/"*.plist "$here/patchwave-agent.mobileconfig"

pkgbuild --root "$root" --identifier com.patchwave.agent --version "$version" \
  --scripts "$work/scripts" --install-location / --ownership recommended "$work/patchwave-agent-component.pkg"

cat >"$work/distribution.xml" <<XML
<?xml version="1.0" encoding="utf-8"?>
<installer-gui-script minSpecVersion="2">
  <title>patchwave agent $version</title>
  <options customize="never" require-scripts="false" hostArchitectures="x86_64,arm64"/>
  <domains enable_localSystem="true" enable_anywhere="false" enable_currentUserHome="false"/>
  <volume-check><allowed-os-versions><os-version min="11.0"/></allowed-os-versions></volume-check>
  <choices-outline><line choice="default"><line choice="com.patchwave.agent"/></line></choices-outline>
  <choice id="default"/>
  <choice id="com.patchwave.agent" visible="false"><pkg-ref id="com.patchwave.agent"/></choice>
  <pkg-ref id="com.patchwave.agent" version="$version" onConclusion="none">patchwave-agent-component.pkg</pkg-ref>
</installer-gui-script>
XML

out="$dist/patchwave-agent-$version.pkg"
if [ -n "${PKG_IDENTITY:-}" ]; then
  productbuild --distribution "$work/distribution.xml" --package-path "$work" --sign "$PKG_IDENTITY" "$out"
else
  productbuild --distribution "$work/distribution.xml" --package-path "$work" "$out"
fi
if [ -n "${NOTARY_PROFILE:-}" ]; then
  xcrun notarytool submit "$out" --keychain-profile "$NOTARY_PROFILE" --wait
  xcrun stapler staple "$out"
fi
(cd "$dist" && shasum -a 256 "$(basename "$out")" >"$(basename "$out").sha256")
echo "built $out"
