#!/usr/bin/env bash
# Builds the server's OCI image, for hosting operators who run containers, without a container
# daemon (umoci):
#
#   packaging/server/build-image.sh SERVER DIST OUT_DIR
#
# SERVER is a release build of ehcert-serve, DIST the built app. Writes into OUT_DIR
#   ehcert-serve/                        the image as an OCI image layout, tagged <version>
#   ehcert-serve-<version>.oci.tar       the same as one file (`skopeo copy
#                                        oci-archive:ehcert-serve-<version>.oci.tar:<version> …`
#                                        pushes it to a registry)
# The image holds the server, the app, the C libraries the server links against and the system's
# certificate authorities (eHealth's TLS is verified against them), copied from this Debian
# machine with their licences, and nothing else: no shell, no package manager. It runs as the
# user 10001, listens on 8080, needs nothing writable (a read-only root file system is fine:
# the access log goes to standard output), and stops on SIGTERM after the calls in flight.
# Its health check is `ehcert-serve --health` (the label be.ehcert.healthcheck; OCI image
# configurations have no field for one) or an HTTP probe of /healthz.
# Reproducible: every time is the last commit's (SOURCE_DATE_EPOCH).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
[[ $# -eq 3 ]] || { sed -n '2,20p' "${BASH_SOURCE[0]}" >&2; exit 2; }
server=$1 dist=$2
[[ -f $dist/index.html ]] || { echo "build-image.sh: no app in $dist (./tasks app builds it)" >&2; exit 1; }
out=$(mkdir -p "$3" && cd "$3" && pwd)

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$ROOT/Cargo.toml" | head -n 1)
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || date +%s)}
revision=$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)
created=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)
user=10001
umask 022

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
layout=$out/ehcert-serve
rm -rf "$layout" "$out/ehcert-serve-$version.oci.tar"
umoci init --layout "$layout"
umoci new --image "$layout:$version"
umoci unpack --image "$layout:$version" "$work/bundle" >/dev/null
rootfs=$work/bundle/rootfs

install -D -m 0755 "$server" "$rootfs/usr/bin/ehcert-serve"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$rootfs/usr/bin/ehcert-serve"
install -d "$rootfs/usr/share/ehcert-serve"
cp -R "$dist" "$rootfs/usr/share/ehcert-serve/app"
find "$rootfs/usr/share/ehcert-serve/app" -name '*.md' -delete

# The C libraries and the dynamic loader, at the paths the program asks for, each with its
# package's licence.
mapfile -t libraries < <(ldd "$server" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p')
((${#libraries[@]})) || { echo "build-image.sh: ldd found no libraries" >&2; exit 1; }
for library in "${libraries[@]}"; do
  install -D -m 0644 "$(readlink -f "$library")" "$rootfs$library"
  package=$(dpkg -S "$(readlink -f "$library")" 2>/dev/null | head -n 1 | cut -d: -f1) ||
    package=$(dpkg -S "$library" | head -n 1 | cut -d: -f1)
  install -D -m 0644 "/usr/share/doc/$package/copyright" "$rootfs/usr/share/doc/$package/copyright"
done
chmod 0755 "$rootfs$(ldd "$server" | sed -n 's/^[[:space:]]*\(\/[^ ]*ld-linux[^ ]*\) (.*/\1/p')"
install -D -m 0644 /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
install -D -m 0644 /usr/share/doc/ca-certificates/copyright "$rootfs/usr/share/doc/ca-certificates/copyright"
sed -e 's/^Comment: The card bridge of ehcert,/Comment: The server of ehcert,/' "$ROOT/packaging/linux/copyright" |
  install -D -m 0644 /dev/stdin "$rootfs/usr/share/doc/ehcert-serve/copyright"
# The user the server runs as, by name for tools that show it.
printf 'root:x:0:0:root:/root:/sbin/nologin\nehcert:x:%s:%s:ehcert-serve:/nonexistent:/sbin/nologin\n' "$user" "$user" >"$rootfs/etc/passwd"
printf 'root:x:0:\nehcert:x:%s:\n' "$user" >"$rootfs/etc/group"
chmod 0644 "$rootfs/etc/passwd" "$rootfs/etc/group"
find "$rootfs" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

umoci repack --image "$layout:$version" --history.created "$created" \
  --history.created_by "packaging/server/build-image.sh" "$work/bundle"
umoci config --image "$layout:$version" --created "$created" --author "ehcert maintainers" \
  --history.created "$created" --history.created_by "packaging/server/build-image.sh (configuration)" \
  --config.user "$user:$user" \
  --config.entrypoint /usr/bin/ehcert-serve \
  --config.env EHCERT_SERVE_DIST=/usr/share/ehcert-serve/app \
  --config.env EHCERT_SERVE_LISTEN=0.0.0.0:8080 \
  --config.exposedports 8080/tcp \
  --config.workingdir / \
  --config.stopsignal SIGTERM \
  --config.label org.opencontainers.image.title=ehcert-serve \
  --config.label "org.opencontainers.image.description=The ehcert web page and its path to eHealth's certificate services" \
  --config.label "org.opencontainers.image.version=$version" \
  --config.label "org.opencontainers.image.revision=$revision" \
  --config.label "org.opencontainers.image.created=$created" \
  --config.label org.opencontainers.image.licenses=EUPL-1.2 \
  --config.label "be.ehcert.healthcheck=/usr/bin/ehcert-serve --health"
umoci gc --layout "$layout"
tar --sort=name --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner \
  -C "$layout" -cf "$out/ehcert-serve-$version.oci.tar" .
echo "$layout:$version"
echo "$out/ehcert-serve-$version.oci.tar"
