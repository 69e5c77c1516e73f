#!/bin/sh
# Removes the ehcert card bridge that the installer package put on this Mac, and its
# registration with the browsers. Installed "for me only":
#   "$HOME/Library/Application Support/ehcert/uninstall.sh"
# installed for all users (as an administrator):
#   sudo "/Library/Application Support/ehcert/uninstall.sh"
# It removes the manifests and the extension's preferences files (so Chrome and Edge remove the
# extension too) the package's postinstall listed in "installed-manifests", then the folder it is
# in, then the package's receipt; nothing else.
set -eu

folder=$(cd "$(dirname "$0")" && pwd)
case "$folder" in
  */Library/Application\ Support/ehcert) ;;
  *)
    echo "uninstall.sh removes the folder it is in, and this is not ehcert's: $folder" >&2
    exit 1
    ;;
esac
root=${folder%/Library/Application Support/ehcert}

if [ -f "$folder/installed-manifests" ]; then
  while IFS= read -r manifest; do
    case "$manifest" in
      */NativeMessagingHosts/be.ehcert.card_bridge.json) rm -f "$manifest" ;;
      */External\ Extensions/*.json) rm -f "$manifest" ;;
      *) ;;
    esac
  done <"$folder/installed-manifests"
fi
rm -rf "$folder"
# The receipt: the system's for an installation for all users, the home's for one user.
if command -v pkgutil >/dev/null 2>&1; then
  pkgutil --volume "${root:-/}" --forget be.ehcert.card-bridge >/dev/null 2>&1 || true
fi
echo "The ehcert card bridge is removed."
