#!/usr/bin/env bash
# Builds the card bridge's Debian package from a built bridge:
#
#   packaging/linux/build-deb.sh BRIDGE OUT_DIR
#
# BRIDGE is a release build of card-bridge for this machine's architecture (`cargo build
# --release -p card-bridge`; the extension ids it answers are fixed when it is compiled,
# packaging/README.md). The package installs it as /usr/bin/ehcert-card-bridge, registers it
# system-wide with Chromium, Google Chrome, Microsoft Edge and Firefox (the folders each reads
# host manifests from on Linux: extension/NATIVE-MESSAGING.md §4, §10), has Chrome, Chromium and
# Edge install the extension from their stores (packaging/external-extensions.sh), and depends
# on pcscd.
# Nothing in it is a configuration file, so removing the package removes every registration.
# The package is reproducible: every time stamp is the last commit's (SOURCE_DATE_EPOCH).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
[[ $# -eq 2 ]] || { sed -n '2,14p' "${BASH_SOURCE[0]}" >&2; exit 2; }
bridge=$1 out=$2

# shellcheck source=packaging/linux/bridge-files.sh
source "$HERE/bridge-files.sh"
# shellcheck source=packaging/linux/deb-common.sh
source "$HERE/deb-common.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage=$work/root

stage_bridge_files

doc=$stage/usr/share/doc/$package
install -D -m 0644 "$HERE/copyright" "$doc/copyright"
changelog_date=$(date -u -R -d "@$SOURCE_DATE_EPOCH")
sed -e "s|@VERSION@|$version|; s|@DATE@|$changelog_date|" "$HERE/changelog" | gzip -9n >"$doc/changelog.gz"
install -D -m 0644 "$HERE/lintian-overrides" "$stage/usr/share/lintian/overrides/$package"
chmod 0644 "$doc/changelog.gz"

# The libraries the bridge links against, as dpkg-shlibdeps finds them (libc, libpcsclite).
shlibs=$(shlibs_of_program)

install -d "$stage/DEBIAN"
installed_size=$(du -k -s --apparent-size --exclude=DEBIAN "$stage" | cut -f1)
cat >"$stage/DEBIAN/control" <<CONTROL
Package: $package
Version: $version
Architecture: $architecture
Maintainer: ehcert maintainers <maintainers@ehcert.be>
Installed-Size: $installed_size
Depends: $shlibs, pcscd
Section: utils
Priority: optional
Description: $summary
$(sed -e 's/^$/./' -e 's/^/ /' <<<"$description")
CONTROL
pack_deb
