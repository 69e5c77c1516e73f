#!/usr/bin/env bash
# Builds the server's Debian package, for hosting operators, from a built server and app:
#
#   packaging/server/build-deb.sh SERVER DIST OUT_DIR
#
# SERVER is a release build of ehcert-serve (`cargo build --release -p ehcert-serve`), DIST the
# built app (`./tasks app`: dist/, with its precompressed copies). The package installs
#   /usr/bin/ehcert-serve                  the server, with its man page
#   /usr/share/ehcert-serve/app/           the app it serves
#   /lib/systemd/system/ehcert-serve.service   app/serve/ehcert-serve.service, enabled and
#                                          started on installation where systemd runs
#   /etc/ehcert/ehcert.toml                its configuration (a conffile: kept over upgrades,
#                                          removed on purge): the app above, 127.0.0.1:8080,
#                                          eHealth's production environment
#   /usr/share/doc/ehcert-serve/examples/ehcert.example.toml   every setting explained
# and depends on ca-certificates (eHealth's TLS is verified against the system's roots).
# Reproducible, as the bridge's package (SOURCE_DATE_EPOCH).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
[[ $# -eq 3 ]] || { sed -n '2,18p' "${BASH_SOURCE[0]}" >&2; exit 2; }
server=$1 dist=$2 out=$3
[[ -f $dist/index.html ]] || { echo "build-deb.sh: no app in $dist (./tasks app builds it)" >&2; exit 1; }

package=ehcert-serve
# shellcheck source=packaging/linux/deb-common.sh
source "$HERE/../linux/deb-common.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage=$work/root

stage_program "$server"

# The app as built, without what only developers read (the glossary of its words).
install -d "$stage/usr/share/$package"
cp -R "$dist" "$stage/usr/share/$package/app"
find "$stage/usr/share/$package/app" -name '*.md' -delete
find "$stage/usr/share/$package/app" -type d -exec chmod 0755 {} +
find "$stage/usr/share/$package/app" -type f -exec chmod 0644 {} +

# The unit as app/serve ships it, with the program where the package puts it.
install -d "$stage/lib/systemd/system"
sed -e 's|/usr/local/bin/ehcert-serve|/usr/bin/ehcert-serve|g' \
  -e 's|^# A systemd unit for ehcert-serve (copy to /etc/systemd/system/, then$|# The systemd unit of ehcert-serve, as its Debian package installs it|' \
  -e '/^# `systemctl enable --now ehcert-serve`)/d' \
  "$ROOT/app/serve/ehcert-serve.service" >"$stage/lib/systemd/system/$package.service"
grep -q '^ExecStart=/usr/bin/ehcert-serve ' "$stage/lib/systemd/system/$package.service" ||
  { echo "build-deb.sh: the unit does not start /usr/bin/ehcert-serve" >&2; exit 1; }
chmod 0644 "$stage/lib/systemd/system/$package.service"

install -D -m 0644 "$HERE/ehcert.toml" "$stage/etc/ehcert/ehcert.toml"

stage_docs "The server" "$HERE/changelog" "$HERE/$package.1"
install -D -m 0644 "$ROOT/app/serve/ehcert.example.toml" "$stage/usr/share/doc/$package/examples/ehcert.example.toml"

shlibs=$(shlibs_of_program)

install -d "$stage/DEBIAN"
for script in postinst prerm postrm; do
  install -m 0755 "$HERE/$script" "$stage/DEBIAN/$script"
done
echo /etc/ehcert/ehcert.toml >"$stage/DEBIAN/conffiles"
chmod 0644 "$stage/DEBIAN/conffiles"
installed_size=$(du -k -s --apparent-size --exclude=DEBIAN "$stage" | cut -f1)
cat >"$stage/DEBIAN/control" <<CONTROL
Package: $package
Version: $version
Architecture: $architecture
Maintainer: ehcert maintainers <maintainers@ehcert.be>
Installed-Size: $installed_size
Depends: $shlibs, ca-certificates
Section: web
Priority: optional
Description: web page and server for Belgian care providers' eHealth certificates
 ehcert gets, renews and manages Belgian care providers' eHealth certificates
 from a web page: the keys, the request and the keystore are made in the
 browser, and the Belgian eID signs through the ehcert browser extension and
 card bridge. This package is the server a hosting operator runs: it serves
 the page with its Content Security Policy and forwards the page's calls to
 eHealth's certificate services, which the browser cannot call directly. It
 keeps no state, and runs as a systemd service on 127.0.0.1:8080 behind the
 operator's TLS proxy until configured otherwise.
CONTROL
pack_deb
