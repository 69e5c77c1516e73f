#!/usr/bin/env bash
# Builds the card bridge's macOS installer on Linux (or any system cargo-zigbuild runs on):
#
#   packaging/macos/build-pkg.sh OUT_DIR
#
# writes into OUT_DIR
#   card-bridge                         a universal binary (arm64 and x86_64, macOS 11 and later),
#                                       signed with the hardened runtime
#   ehcert-card-bridge-<version>.pkg    the installer: "for me only" (the user's home, no
#                                       administrator password) or "for all users"; signed
#
# What it needs (`./tasks packages` installs each, packaging/README.md "macOS"): Zig and
# cargo-zigbuild (PyPI, packaging/macos/requirements.txt) on PATH, rcodesign (crates.io
# apple-codesign) on PATH, llvm-lipo-22 (Debian's llvm-22).
#
# The compiler: rustup's where its two Apple targets are installed, else Debian's Rust with the
# standard library built from source (cargo's build-std, as for Windows and wasm32). Zig links
# the Mach-O files against its own copy of macOS's libSystem stubs, and against
# packaging/macos/sdk/PCSC.framework, a text stub of the PC/SC functions Apple's framework
# exports (no SDK is in any registry); the bridge then loads the framework every Mac has.
#
# Signing (rcodesign, no Mac needed):
# - EHCERT_MACOS_APP_P12 and EHCERT_MACOS_INSTALLER_P12 (PKCS#12 files holding the "Developer ID
#   Application" and "Developer ID Installer" certificates and keys), with
#   EHCERT_MACOS_P12_PASSWORD: the binary and the package are signed with them, time-stamped by
#   Apple's server.
# - EHCERT_NOTARY_API_KEY (an App Store Connect API key as JSON, `rcodesign
#   encode-app-store-connect-api-key`) as well: the package is sent to Apple's notary service and
#   the ticket stapled to it, so Gatekeeper opens it without a warning.
# - Otherwise (tests): throw-away self-signed certificates of both kinds, made here under
#   target/packages-signing/macos; a Mac refuses what they sign.
# EHCERT_RELEASE=1 refuses to build without the real identities and the notary key.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
[[ $# -eq 1 ]] || { sed -n '2,10p' "${BASH_SOURCE[0]}" >&2; exit 2; }
out=$(mkdir -p "$1" && cd "$1" && pwd)
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$ROOT/Cargo.toml" | head -n 1)
# shellcheck source=packaging/external-extensions.sh
source "$HERE/../external-extensions.sh"
require_store_ids
identifier=be.ehcert.card-bridge
targets=(aarch64-apple-darwin x86_64-apple-darwin)
lipo=llvm-lipo-22

for tool in cargo-zigbuild rcodesign "$lipo"; do
  command -v "$tool" >/dev/null || { echo "build-pkg.sh needs $tool (packaging/README.md, macOS)" >&2; exit 2; }
done

# The identities: the real ones, or throw-away ones for tests.
if [[ ${EHCERT_RELEASE:-} == 1 ]]; then
  for name in EHCERT_MACOS_APP_P12 EHCERT_MACOS_INSTALLER_P12 EHCERT_MACOS_P12_PASSWORD EHCERT_NOTARY_API_KEY; do
    [[ -n ${!name:-} ]] || { echo "a release needs $name (packaging/README.md, macOS)" >&2; exit 2; }
  done
fi
if [[ -n ${EHCERT_MACOS_APP_P12:-} ]]; then
  app_identity=(--p12-file "$EHCERT_MACOS_APP_P12" --p12-password "${EHCERT_MACOS_P12_PASSWORD:-}")
  installer_identity=(--p12-file "$EHCERT_MACOS_INSTALLER_P12" --p12-password "${EHCERT_MACOS_P12_PASSWORD:-}")
  timestamp=()
else
  signing="$ROOT/target/packages-signing/macos"
  mkdir -p "$signing"
  for profile in developer-id-application developer-id-installer; do
    [[ -f $signing/$profile.key ]] ||
      rcodesign generate-self-signed-certificate --person-name "ehcert test (not for release)" \
        --profile "$profile" --validity-days 30 --pem-filename "$signing/$profile" >/dev/null
  done
  app_identity=(--pem-file "$signing/developer-id-application.crt" --pem-file "$signing/developer-id-application.key")
  installer_identity=(--pem-file "$signing/developer-id-installer.crt" --pem-file "$signing/developer-id-installer.key")
  # No time stamp: Apple's server is not reachable from the test machines, and a throw-away
  # signature has nothing to outlive.
  timestamp=(--timestamp-url none)
fi

cd "$ROOT"
# The oldest macOS the package supports: written into each slice's LC_BUILD_VERSION.
export MACOSX_DEPLOYMENT_TARGET=11.0
export CARGO_TARGET_DIR="$ROOT/target/macos"
export RUSTFLAGS="-L framework=$HERE/sdk"
target_args=()
for target in "${targets[@]}"; do target_args+=(--target "$target"); done
# Both slices in one cargo run: the build scripts and macros are compiled once.
if command -v rustup >/dev/null &&
  [[ $(rustup target list --installed 2>/dev/null | grep -c -e '-apple-darwin$') == 2 ]]; then
  cargo zigbuild --release --locked -p card-bridge "${target_args[@]}"
else
  RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 CARGO_UNSTABLE_BUILD_STD=std,panic_abort \
    cargo zigbuild --release --locked -p card-bridge "${target_args[@]}"
fi

bridge="$out/card-bridge"
rm -f "$bridge"
slices=()
for target in "${targets[@]}"; do slices+=("$CARGO_TARGET_DIR/$target/release/card-bridge"); done
"$lipo" -create -output "$bridge" "${slices[@]}"
rcodesign sign "${app_identity[@]}" "${timestamp[@]}" --code-signature-flags runtime \
  --binary-identifier "$identifier" "$bridge" >/dev/null

# The postinstall and the manifests it fills in with the installed path: made by a native
# build of the same sources with the same extension ids (EHCERT_CHROMIUM_EXTENSION_IDS,
# EHCERT_FIREFOX_EXTENSION_ID), as for Windows.
unset RUSTFLAGS CARGO_TARGET_DIR MACOSX_DEPLOYMENT_TARGET
cargo build --release --locked -q -p card-bridge
native="$ROOT/target/release/card-bridge"
scripts=$(mktemp -d)
trap 'rm -rf "$scripts"' EXIT
install -m 0755 "$HERE/scripts/postinstall" "$scripts/postinstall"
"$native" manifest --browser chrome --path @BRIDGE@ >"$scripts/chromium-host.json"
"$native" manifest --browser firefox --path @BRIDGE@ >"$scripts/firefox-host.json"
# The extension from each store, for the postinstall to put where Chrome and Edge look
# (packaging/external-extensions.sh).
external_extension_json "$CHROME_STORE_UPDATE_URL" >"$scripts/chrome-extension-$EHCERT_CHROME_STORE_ID.json"
external_extension_json "$EDGE_STORE_UPDATE_URL" >"$scripts/edge-extension-$EHCERT_EDGE_STORE_ID.json"
chmod 0644 "$scripts"/*.json

package="$out/ehcert-card-bridge-$version.pkg"
cargo run --locked -q -p ehcert-macos-pkg -- build --out "$package" --version "$version" \
  --bridge "$bridge" --uninstall "$HERE/uninstall.sh" --scripts "$scripts" >/dev/null
rcodesign sign "${installer_identity[@]}" "${timestamp[@]}" "$package" >/dev/null

if [[ -n ${EHCERT_NOTARY_API_KEY:-} ]]; then
  rcodesign notary-submit --api-key-file "$EHCERT_NOTARY_API_KEY" --staple "$package"
fi
echo "$package"
