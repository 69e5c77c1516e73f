#!/usr/bin/env bash
# UNTESTED: written to run on macOS (a hosted CI's macOS runner, .github/workflows/release.yml);
# no Mac was available where it was written. packaging/README.md says what is and is not proven.
#
# Builds the card bridge's macOS installer:
#
#   packaging/macos/build-pkg.sh OUT_DIR
#
# - a universal binary (arm64 and x86_64, lipo) of card-bridge;
# - signed with the Developer ID Application certificate and the hardened runtime when
#   EHCERT_MACOS_APP_IDENTITY names it ("Developer ID Application: … (TEAMID)");
# - a component package installing it as /Library/Application Support/ehcert/card-bridge with the
#   host manifests where Chrome, Chromium, Edge and Firefox read them for every user of the Mac
#   (Chrome's, Microsoft's and MDN's native-messaging documentation), and an uninstall script;
# - a product archive signed with the Developer ID Installer certificate
#   (EHCERT_MACOS_INSTALLER_IDENTITY), then notarized with notarytool
#   (EHCERT_NOTARY_PROFILE: a keychain profile made with `xcrun notarytool store-credentials`)
#   and stapled, so Gatekeeper opens it without a warning.
# Without the identities it makes an unsigned package for trying out; Gatekeeper will refuse it.
# The extension ids the bridge answers are fixed when it is compiled (packaging/README.md).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
[[ $# -eq 1 ]] || { sed -n '5,20p' "${BASH_SOURCE[0]}" >&2; exit 2; }
[[ $(uname -s) == Darwin ]] || { echo "build-pkg.sh runs on macOS" >&2; exit 2; }
out=$(mkdir -p "$1" && cd "$1" && pwd)
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$ROOT/Cargo.toml" | head -n 1)
identifier=be.ehcert.card-bridge
install_dir="/Library/Application Support/ehcert"
host=be.ehcert.card_bridge

cd "$ROOT"
rustup target add aarch64-apple-darwin x86_64-apple-darwin
# The oldest macOS the package supports; Apple's own toolchain reads it.
export MACOSX_DEPLOYMENT_TARGET=11.0
for target in aarch64-apple-darwin x86_64-apple-darwin; do
  cargo build --release --locked -p card-bridge --target "$target"
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bridge="$work/card-bridge"
lipo -create -output "$bridge" \
  target/aarch64-apple-darwin/release/card-bridge target/x86_64-apple-darwin/release/card-bridge
lipo -verify_arch "$bridge" arm64 x86_64

if [[ -n ${EHCERT_MACOS_APP_IDENTITY:-} ]]; then
  codesign --force --options runtime --timestamp --identifier "$identifier" \
    --sign "$EHCERT_MACOS_APP_IDENTITY" "$bridge"
  codesign --verify --strict --verbose=2 "$bridge"
fi

# The payload, laid out as it lands on the disk.
root="$work/root"
install -d "$root$install_dir"
install -m 0755 "$bridge" "$root$install_dir/card-bridge"
sed -e "s|@INSTALL_DIR@|$install_dir|g; s|@IDENTIFIER@|$identifier|g; s|@HOST@|$host|g" \
  "$HERE/uninstall.sh" >"$root$install_dir/uninstall.sh"
chmod 0755 "$root$install_dir/uninstall.sh"
for folder in "/Library/Google/Chrome/NativeMessagingHosts" \
  "/Library/Application Support/Chromium/NativeMessagingHosts" \
  "/Library/Microsoft/Edge/NativeMessagingHosts"; do
  install -d "$root$folder"
  "$bridge" manifest --browser chrome --path "$install_dir/card-bridge" >"$root$folder/$host.json"
done
install -d "$root/Library/Application Support/Mozilla/NativeMessagingHosts"
"$bridge" manifest --browser firefox --path "$install_dir/card-bridge" \
  >"$root/Library/Application Support/Mozilla/NativeMessagingHosts/$host.json"

pkgbuild --root "$root" --identifier "$identifier" --version "$version" \
  --install-location / "$work/card-bridge.pkg"
product="$out/ehcert-card-bridge-$version.pkg"
sign=()
[[ -n ${EHCERT_MACOS_INSTALLER_IDENTITY:-} ]] && sign=(--sign "$EHCERT_MACOS_INSTALLER_IDENTITY" --timestamp)
productbuild --package "$work/card-bridge.pkg" --identifier "$identifier" --version "$version" \
  "${sign[@]}" "$product"

if [[ -n ${EHCERT_MACOS_INSTALLER_IDENTITY:-} && -n ${EHCERT_NOTARY_PROFILE:-} ]]; then
  xcrun notarytool submit "$product" --keychain-profile "$EHCERT_NOTARY_PROFILE" --wait
  xcrun stapler staple "$product"
  spctl --assess --type install --verbose=2 "$product"
fi
echo "$product"
