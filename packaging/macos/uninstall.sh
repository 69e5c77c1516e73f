#!/bin/sh
# UNTESTED (written without a Mac). Removes the ehcert card bridge the installer put on this
# Mac: run with sudo.
#   sudo "@INSTALL_DIR@/uninstall.sh"
set -e
for manifest in "/Library/Google/Chrome/NativeMessagingHosts/@HOST@.json" \
  "/Library/Application Support/Chromium/NativeMessagingHosts/@HOST@.json" \
  "/Library/Microsoft/Edge/NativeMessagingHosts/@HOST@.json" \
  "/Library/Application Support/Mozilla/NativeMessagingHosts/@HOST@.json"; do
  rm -f "$manifest"
done
rm -rf "@INSTALL_DIR@"
pkgutil --forget "@IDENTIFIER@" >/dev/null 2>&1 || true
echo "The ehcert card bridge is removed."
