# shellcheck shell=bash
# Sourced by the package builds (linux/build-deb.sh, macos/build-pkg.sh, windows/build.sh): the
# browser extension as the packages have Google Chrome and Microsoft Edge install it from their
# stores, so that installing the card bridge is all a person does ("external extensions"):
#
# - Chrome: a preferences file `<id>.json` holding `external_update_url`, the Chrome Web Store's
#   update address, in /usr/share/google-chrome/extensions/ on Linux (Chromium:
#   /usr/share/chromium/extensions/) and in …/Google/Chrome/External Extensions/ on a Mac; on
#   Windows the registry key Software\Google\Chrome\Extensions\<id> with `update_url`
#   (Chrome's "Alternative extension distribution options"; Chromium's
#   chrome/browser/extensions/external_registry_loader_win.cc reads HKLM, then HKCU).
# - Edge: the same with Edge Add-ons' update address, in /usr/share/microsoft-edge/extensions/,
#   …/Microsoft/Edge/External Extensions/ (a Mac, all users) or …/Microsoft Edge/External
#   Extensions/ (one user), and Software\Microsoft\Edge\Extensions\<id> (Microsoft's "Use
#   alternate methods to distribute extensions").
#
# Web eID's packages do the same for Chrome and Chromium. The browser asks the person before it
# turns an extension installed this way on, and removes it when the file or key goes away with
# the package. Firefox has no such file for an add-on from its store (only a signed .xpi in a
# sideload folder, or the organisation's own policies): packaging/README.md.
#
# The stores give the ids (EHCERT_CHROME_STORE_ID, EHCERT_EDGE_STORE_ID); a release needs both
# (xtask), test builds get ids of their own that no store has.

# shellcheck disable=SC2034 # used by the scripts that source this file
CHROME_STORE_UPDATE_URL=https://clients2.google.com/service/update2/crx
# shellcheck disable=SC2034 # used by the scripts that source this file
EDGE_STORE_UPDATE_URL=https://edge.microsoft.com/extensionwebstorebase/v1/crx

# Stops unless both store ids are given and are extension ids (32 letters a to p).
require_store_ids() {
  local name
  for name in EHCERT_CHROME_STORE_ID EHCERT_EDGE_STORE_ID; do
    [[ ${!name:-} =~ ^[a-p]{32}$ ]] || {
      echo "$name must be the store's extension id, 32 letters a to p (packaging/README.md)" >&2
      exit 2
    }
  done
}

# The preferences file that has a browser install the extension from the store at URL.
external_extension_json() { # URL
  printf '{\n  "external_update_url": "%s"\n}\n' "$1"
}
