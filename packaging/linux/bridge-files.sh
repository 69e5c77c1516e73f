# shellcheck shell=bash
# Shared by build-deb.sh and build-rpm.sh (sourced): the card bridge's package name, version and
# files, the same in both packages. The caller sets `HERE` and `ROOT`, then `bridge` (the program)
# and `stage` before calling `stage_bridge_files`. Every time stamp is the last commit's
# (SOURCE_DATE_EPOCH), so both packages are reproducible.

package=ehcert-card-bridge
host=be.ehcert.card_bridge
# shellcheck disable=SC2034
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$ROOT/Cargo.toml" | head -n 1)
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || date +%s)}
umask 022
# What the package is, for both package managers (each lays the lines out its own way).
# shellcheck disable=SC2034 # set here, read by the scripts that source this one
summary="Belgian eID card bridge for the ehcert web page"
# shellcheck disable=SC2034
description=$(cat <<'TEXT'
ehcert gets, renews and manages Belgian care providers' eHealth certificates
from a web page. This program lets the ehcert browser extension use the
Belgian eID card through the PC/SC service (pcscd): it reads the card and
signs, with the PIN typed in the extension's own window or on the reader's
PIN pad.

It is registered with Chromium, Google Chrome, Microsoft Edge and Firefox
for every user of the computer; the browsers start it when the extension
asks for the card. Chrome, Chromium and Edge are also told to install the
ehcert extension from their stores (each asks the person first).
TEXT
)
# shellcheck source=packaging/external-extensions.sh
source "$HERE/../external-extensions.sh"
require_store_ids

# The bridge, its registrations and its man page, staged under `$stage`.
stage_bridge_files() {
  install -D -m 0755 "$bridge" "$stage/usr/bin/$package"
  strip --strip-unneeded --remove-section=.comment --remove-section=.note "$stage/usr/bin/$package"

  # The host manifests, from the bridge itself (one format, one place: card-bridge/src/install.rs).
  # Chromium, Chrome and Edge read the same manifest (allowed_origins); Firefox its own
  # (allowed_extensions). The Chromium-family one lives under /usr/share and is linked from each
  # browser's folder in /etc: links are not configuration files, so removal takes them too.
  shared=/usr/share/$package/native-messaging-hosts
  install -d "$stage$shared" "$stage/usr/lib/mozilla/native-messaging-hosts"
  "$stage/usr/bin/$package" manifest --browser chromium --path "/usr/bin/$package" >"$stage$shared/chromium.json"
  "$stage/usr/bin/$package" manifest --browser firefox --path "/usr/bin/$package" \
    >"$stage/usr/lib/mozilla/native-messaging-hosts/$host.json"
  for folder in /etc/chromium/native-messaging-hosts /etc/opt/chrome/native-messaging-hosts /etc/opt/edge/native-messaging-hosts; do
    install -d "$stage$folder"
    ln -s "$shared/chromium.json" "$stage$folder/$host.json"
  done

  # The extension itself, from the Chrome Web Store for Chrome and Chromium and from Edge Add-ons
  # for Edge (packaging/external-extensions.sh).
  for folder in /usr/share/google-chrome/extensions /usr/share/chromium/extensions; do
    install -d "$stage$folder"
    external_extension_json "$CHROME_STORE_UPDATE_URL" >"$stage$folder/$EHCERT_CHROME_STORE_ID.json"
    chmod 0644 "$stage$folder/$EHCERT_CHROME_STORE_ID.json"
  done
  install -d "$stage/usr/share/microsoft-edge/extensions"
  external_extension_json "$EDGE_STORE_UPDATE_URL" >"$stage/usr/share/microsoft-edge/extensions/$EHCERT_EDGE_STORE_ID.json"
  chmod 0644 "$stage/usr/share/microsoft-edge/extensions/$EHCERT_EDGE_STORE_ID.json"
  install -d "$stage/usr/share/man/man1"
  gzip -9n <"$HERE/$package.1" >"$stage/usr/share/man/man1/$package.1.gz"
  chmod 0644 "$stage/usr/share/man/man1/$package.1.gz" "$stage$shared/chromium.json" \
    "$stage/usr/lib/mozilla/native-messaging-hosts/$host.json"
}
