#!/usr/bin/env bash
# Installs ehcert's kiosk policy for Chromium, Google Chrome and Microsoft Edge on Linux (their
# managed-policy folders), or removes it. Run as root on the shared computer.
#
#   install-linux.sh ORIGIN EXTENSION_ID KIOSK_EXTENSION_ID UPDATE_URL [DOWNLOAD_DIRECTORY]
#   install-linux.sh --remove
#
# ORIGIN is the hosted ehcert page (https://ehcert.example.be), the two ids those of the release
# builds of the extension and of the kiosk extension, UPDATE_URL where the browser fetches them
# (the stores' update URLs, or the organisation's own). The download folder (default
# /var/tmp/ehcert-kiosk) holds a session's keystores until Finish, when the kiosk extension
# deletes them; the person keeps their copy with "Save a copy" on their own USB stick.
# What each policy does: docs/kiosk.md.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Chromium, Chrome, Edge: where each reads managed policies on Linux.
FOLDERS=(/etc/chromium/policies/managed /etc/opt/chrome/policies/managed /etc/opt/edge/policies/managed)
NAME=ehcert-kiosk.json

if [[ ${1:-} == --remove ]]; then
  for folder in "${FOLDERS[@]}"; do rm -f "$folder/$NAME"; done
  exit 0
fi
[[ $# -ge 4 ]] || { sed -n '2,16p' "${BASH_SOURCE[0]}" >&2; exit 2; }
origin=$1 extension=$2 kiosk=$3 update=$4 downloads=${5:-/var/tmp/ehcert-kiosk}
for id in "$extension" "$kiosk"; do
  [[ $id =~ ^[a-p]{32}$ ]] || { echo "install-linux.sh: $id is not an extension id" >&2; exit 2; }
done
[[ $origin =~ ^https?://[^/]+$ ]] || { echo "install-linux.sh: $origin is not an origin" >&2; exit 2; }
mkdir -p "$downloads"
for folder in "${FOLDERS[@]}"; do
  mkdir -p "$folder"
  sed -e "s|EHCERT_EXTENSION_ID|$extension|; s|EHCERT_KIOSK_EXTENSION_ID|$kiosk|" \
    -e "s|EHCERT_UPDATE_URL|$update|g; s|EHCERT_ORIGIN|$origin|g; s|EHCERT_DOWNLOAD_DIRECTORY|$downloads|" \
    "$HERE/policies.json" > "$folder/$NAME.tmp"
  chmod 644 "$folder/$NAME.tmp"
  mv "$folder/$NAME.tmp" "$folder/$NAME"
done
