#!/usr/bin/env bash
# Cross-compiles the card bridge for 64-bit Windows and builds its Windows Installer packages:
#
#   packaging/windows/build.sh OUT_DIR
#
# writes into OUT_DIR
#   card-bridge.exe                              x86_64-pc-windows-gnu (MinGW-w64), Windows 10 and later
#   ehcert-card-bridge-<version>-x64-user.msi    per user: no administrator rights (HKCU)
#   ehcert-card-bridge-<version>-x64.msi         per machine, for IT departments (HKLM)
#   chromium-host.json, firefox-host.json        the host manifests inside both MSIs
#
# The compiler: rustup's where its Windows target is installed, else Debian's Rust with the
# standard library built from source (cargo's build-std, as for the app's wasm32 build) and
# Debian's MinGW-w64 linker. The extension ids the bridge answers are fixed when it is compiled
# (EHCERT_CHROMIUM_EXTENSION_IDS, EHCERT_FIREFOX_EXTENSION_ID: packaging/README.md); the host
# manifests come from a native build of the same sources with the same ids. Both MSIs also have
# Chrome and Edge install the extension from their stores (EHCERT_CHROME_STORE_ID,
# EHCERT_EDGE_STORE_ID: packaging/external-extensions.sh).
#
# Signing (Authenticode, osslsigncode): the .exe before it goes into the MSIs, both MSIs after.
# The key is either in a PKCS#11 token, as publicly trusted code-signing keys must be since
# June 2023 (CA/Browser Forum, Baseline Requirements for Code Signing Certificates, §6.2.7.4: a
# hardware module): EHCERT_WINDOWS_PKCS11_MODULE (the token's PKCS#11 library),
# EHCERT_WINDOWS_PKCS11_KEY (the key's PKCS#11 URI, RFC 7512), EHCERT_WINDOWS_PKCS11_PIN and
# EHCERT_WINDOWS_SIGNING_CHAIN (the certificate and its chain, PEM), used through OpenSSL's
# PKCS#11 engine; or in a PKCS#12 file: EHCERT_WINDOWS_SIGNING_CERT and
# EHCERT_WINDOWS_SIGNING_PASSWORD. EHCERT_WINDOWS_TIMESTAMP_URL adds an RFC 3161 time stamp, so
# the signatures outlive the certificate. Without a key nothing is signed.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
[[ $# -eq 1 ]] || { sed -n '2,12p' "${BASH_SOURCE[0]}" >&2; exit 2; }
# shellcheck source=packaging/external-extensions.sh
source "$HERE/../external-extensions.sh"
require_store_ids
out=$(mkdir -p "$1" && cd "$1" && pwd)
target=x86_64-pc-windows-gnu
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$ROOT/Cargo.toml" | head -n 1)

cd "$ROOT"
# The C runtime linked in statically: the .exe needs no MinGW DLL beside it.
if command -v rustup >/dev/null && rustup target list --installed 2>/dev/null | grep -qx "$target"; then
  RUSTFLAGS="-C target-feature=+crt-static" CARGO_TARGET_DIR="$ROOT/target/windows" \
    cargo build --release --locked -p card-bridge --target "$target"
else
  PATH="/usr/bin:$PATH" \
    RUSTC_BOOTSTRAP=1 \
    CARGO_UNSTABLE_BUILD_STD=std,panic_abort \
    CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc \
    RUSTFLAGS="-C target-feature=+crt-static" \
    CARGO_TARGET_DIR="$ROOT/target/windows" \
    cargo build --release --locked -p card-bridge --target "$target"
fi
exe="$ROOT/target/windows/$target/release/card-bridge.exe"
install -m 0644 "$exe" "$out/card-bridge.exe"

sign() {
  local key=()
  if [[ -n ${EHCERT_WINDOWS_PKCS11_MODULE:-} ]]; then
    local engines
    engines=$(openssl version -e | sed -n 's/^ENGINESDIR: "\(.*\)"$/\1/p')
    key=(-pkcs11engine "$engines/pkcs11.so" -pkcs11module "$EHCERT_WINDOWS_PKCS11_MODULE"
      -certs "${EHCERT_WINDOWS_SIGNING_CHAIN:?the signing certificate and its chain, PEM}"
      -key "${EHCERT_WINDOWS_PKCS11_KEY:?the PKCS#11 URI of the signing key}" -pass "${EHCERT_WINDOWS_PKCS11_PIN:-}")
  elif [[ -n ${EHCERT_WINDOWS_SIGNING_CERT:-} ]]; then
    key=(-pkcs12 "$EHCERT_WINDOWS_SIGNING_CERT" -pass "${EHCERT_WINDOWS_SIGNING_PASSWORD:-}")
  else
    return 0
  fi
  local timestamp=()
  [[ -n ${EHCERT_WINDOWS_TIMESTAMP_URL:-} ]] && timestamp=(-ts "$EHCERT_WINDOWS_TIMESTAMP_URL")
  osslsigncode sign "${key[@]}" -h sha256 -n "ehcert card bridge" "${timestamp[@]}" \
    -in "$1" -out "$1.signed" >/dev/null
  mv "$1.signed" "$1"
}
sign "$out/card-bridge.exe"

# The manifests name the bridge relative to themselves (allowed on Windows by Chrome and
# Firefox), so the same files serve both install folders.
cargo build --release --locked -q -p card-bridge
native="$ROOT/target/release/card-bridge"
"$native" manifest --browser chrome --path card-bridge.exe >"$out/chromium-host.json"
"$native" manifest --browser firefox --path card-bridge.exe >"$out/firefox-host.json"

# A product code per version and scope, derived rather than random (a UUID of version 5 style
# over the package's name), so the same sources make the same package.
product_code() {
  node -e '
    const hash = require("node:crypto").createHash("sha1").update(process.argv[1]).digest();
    hash[6] = (hash[6] & 0x0f) | 0x50; hash[8] = (hash[8] & 0x3f) | 0x80;
    const hex = hash.subarray(0, 16).toString("hex").toUpperCase();
    console.log([hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-"));
  ' "ehcert-card-bridge $1 $version"
}

for scope in perUser perMachine; do
  suffix=$([[ $scope == perUser ]] && echo -user || true)
  msi="$out/ehcert-card-bridge-$version-x64$suffix.msi"
  (cd "$out" && wixl --arch x64 -D "Scope=$scope" -D "Version=$version" -D "ProductCode=$(product_code "$scope")" \
    -D "ChromeStoreId=$EHCERT_CHROME_STORE_ID" -D "ChromeStoreUpdateUrl=$CHROME_STORE_UPDATE_URL" \
    -D "EdgeStoreId=$EHCERT_EDGE_STORE_ID" -D "EdgeStoreUpdateUrl=$EDGE_STORE_UPDATE_URL" \
    -o "$msi" "$HERE/card-bridge.wxs")
  sign "$msi"
  echo "$msi"
done
