#!/usr/bin/env bash
# Builds the card bridge's RPM package (Fedora, openSUSE, RHEL and their kin) from a built bridge:
#
#   packaging/linux/build-rpm.sh BRIDGE OUT_DIR
#
# BRIDGE is a release build of card-bridge for this machine's architecture, as for the .deb
# (build-deb.sh): the package holds the same files, staged by the same function
# (bridge-files.sh), so a bridge installed from either is registered the same way. Its own
# dependencies are found by rpm from the program (libc, libpcsclite); it also requires pcsc-lite,
# the PC/SC service, under the name Fedora and openSUSE give it.
# rpmbuild here is Debian's (package `rpm`); only the binary package is built, from the staged
# files, with none of rpm's post-install processing (the program is stripped as for the .deb, and
# a Debian machine has no debuginfo tooling to run). The package is reproducible: its build time
# and every file's time are the last commit's (SOURCE_DATE_EPOCH).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
[[ $# -eq 2 ]] || { sed -n '2,13p' "${BASH_SOURCE[0]}" >&2; exit 2; }
bridge=$1 out=$2

# shellcheck source=packaging/linux/bridge-files.sh
source "$HERE/bridge-files.sh"
license=$(sed -n 's/^license = "\(.*\)"$/\1/p' "$ROOT/Cargo.toml" | head -n 1)
case $(dpkg --print-architecture) in
  amd64) arch=x86_64 ;;
  arm64) arch=aarch64 ;;
  *) echo "build-rpm.sh: no RPM architecture for $(dpkg --print-architecture)" >&2; exit 1 ;;
esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage=$work/root

stage_bridge_files
# The registrations in /etc point into /usr/share: relative links, as RPM distributions want
# (the .deb keeps absolute ones, as Debian's policy wants between top-level folders).
(cd "$stage" && find etc -type l) | while read -r link; do
  ln -sfr "$stage$(readlink "$stage/$link")" "$stage/$link"
done
install -D -m 0644 "$HERE/copyright" "$stage/usr/share/licenses/$package/copyright"
find "$stage" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

# Every file and link staged, and the folders that are the package's own.
files=$(cd "$stage" && find . \( -type f -o -type l \) | sed 's|^\.||' | sort | sed \
  -e "s|^/usr/share/licenses/.*|%license &|" -e "s|^/usr/share/man/.*|%doc &|")
dirs=$(cd "$stage" && find "./usr/share/$package" -type d | sed 's|^\.|%dir |' | sort)
changelog_date=$(LC_ALL=C date -u -d "@$SOURCE_DATE_EPOCH" '+%a %b %d %Y')

cat >"$work/$package.spec" <<SPEC
Name: $package
Version: $version
Release: 1
Summary: $summary
License: $license
Group: Applications/System
URL: https://ehcert.be
Packager: ehcert maintainers <maintainers@ehcert.be>
Requires: pcsc-lite

%description
$description

%install
cp -a "$stage/." "%{buildroot}/"

%files
$dirs
$files

%changelog
* $changelog_date ehcert maintainers <maintainers@ehcert.be> - $version-1
- Release $version: see the project's CHANGELOG.md.
SPEC

mkdir -p "$out"
rpmbuild --quiet -bb --target "$arch" \
  --define "_topdir $work/rpmbuild" \
  --define "_rpmdir $out" \
  --define "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm" \
  --define "debug_package %{nil}" \
  --define "__os_install_post %{nil}" \
  --define "_build_id_links none" \
  --define "_buildhost ehcert" \
  --define "use_source_date_epoch_as_buildtime 1" \
  --define "clamp_mtime_to_source_date_epoch 1" \
  "$work/$package.spec" >&2
echo "$out/$package-$version-1.$arch.rpm"
