#!/usr/bin/env bash
# Builds the acceptance probe's Debian package from a built probe:
#
#   packaging/linux/build-probe-deb.sh PROBE OUT_DIR
#
# PROBE is a release build of ehcert-probe (`cargo build --release -p ehcert-probe`). The probe is
# for hosting operators, before production (docs/deploying.md): it asks eHealth's acceptance
# environment, with a real eID, what no public source says (app/certra/FIDELITY.md). It talks to
# the card through the card bridge, so the package depends on ehcert-card-bridge and the probe
# finds it at /usr/bin/ehcert-card-bridge. Installed as /usr/bin/ehcert-probe; reproducible, as
# the bridge's package (SOURCE_DATE_EPOCH).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
[[ $# -eq 2 ]] || { sed -n '2,11p' "${BASH_SOURCE[0]}" >&2; exit 2; }
probe=$1 out=$2

package=ehcert-probe
# shellcheck source=packaging/linux/deb-common.sh
source "$HERE/deb-common.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage=$work/root

stage_program "$probe"
stage_docs "The acceptance probe" "$HERE/$package.changelog" "$HERE/$package.1"

# The libraries the probe links against, as dpkg-shlibdeps finds them.
shlibs=$(shlibs_of_program)

install -d "$stage/DEBIAN"
installed_size=$(du -k -s --apparent-size --exclude=DEBIAN "$stage" | cut -f1)
cat >"$stage/DEBIAN/control" <<CONTROL
Package: $package
Version: $version
Architecture: $architecture
Maintainer: ehcert maintainers <maintainers@ehcert.be>
Installed-Size: $installed_size
Depends: $shlibs, ehcert-card-bridge (= $version), ca-certificates
Section: utils
Priority: optional
Description: acceptance probe for operators of an ehcert server
 ehcert gets, renews and manages Belgian care providers' eHealth certificates
 from a web page. Before a server goes into production, this program asks
 eHealth's acceptance environment, with a real Belgian eID in a reader, the
 questions no public document answers: which XML signature method it takes
 from the newest cards, how it writes a certificate's name, whether it lists
 requests still in progress. It requests and revokes nothing, and can ask
 again through the ehcert server to compare.
CONTROL
pack_deb
