# shellcheck shell=bash
# Shared by the Debian packages' scripts (sourced: build-deb.sh, build-probe-deb.sh,
# packaging/server/build-deb.sh): the steps of a Debian package that do not depend on what it
# holds. The caller sets `ROOT` and `package` before sourcing (and `version` if it knows it), then
# `work`, `stage` and `out` before calling these.

# shellcheck disable=SC2034 # read by the scripts that source this one
version=${version:-$(sed -n 's/^version = "\(.*\)"$/\1/p' "$ROOT/Cargo.toml" | head -n 1)}
architecture=$(dpkg --print-architecture)
# Every time stamp is the last commit's, so the packages are reproducible.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || date +%s)}
umask 022

# The program `$1` as /usr/bin/$package, stripped as Debian's dh_strip does.
stage_program() {
  install -D -m 0755 "$1" "$stage/usr/bin/$package"
  strip --strip-unneeded --remove-section=.comment --remove-section=.note "$stage/usr/bin/$package"
}

# /usr/share/doc/$package with the copyright (its comment naming `$1`, "The server"), the
# changelog `$2` (its @VERSION@ and @DATE@ filled in), and the man page `$3`.
stage_docs() {
  local doc=$stage/usr/share/doc/$package
  install -d "$doc"
  sed -e "s/^Comment: The card bridge of ehcert,/Comment: $1 of ehcert,/" "$ROOT/packaging/linux/copyright" >"$doc/copyright"
  local changelog_date
  changelog_date=$(date -u -R -d "@$SOURCE_DATE_EPOCH")
  sed -e "s|@VERSION@|$version|; s|@DATE@|$changelog_date|" "$2" | gzip -9n >"$doc/changelog.gz"
  install -d "$stage/usr/share/man/man1"
  gzip -9n <"$3" >"$stage/usr/share/man/man1/$package.1.gz"
  chmod 0644 "$doc/copyright" "$doc/changelog.gz" "$stage/usr/share/man/man1/$package.1.gz"
}

# The libraries `$stage/usr/bin/$package` links against, as dpkg-shlibdeps finds them.
shlibs_of_program() {
  mkdir -p "$work/source/debian"
  printf 'Source: ehcert\n\nPackage: %s\nArchitecture: any\n' "$package" >"$work/source/debian/control"
  local shlibs
  shlibs=$(cd "$work/source" && dpkg-shlibdeps -O "$stage/usr/bin/$package" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
  [[ -n $shlibs ]] || { echo "$package: dpkg-shlibdeps found no dependencies" >&2; return 1; }
  echo "$shlibs"
}

# The md5sums, every time stamp the last commit's (reproducible), and the package in `$out`,
# whose path is printed. `$stage/DEBIAN/control` is written by the caller.
pack_deb() {
  # Every file but the configuration files (/etc), which dpkg checks by their own sums.
  local folders=()
  for folder in usr lib; do [[ -d $stage/$folder ]] && folders+=("$folder"); done
  (cd "$stage" && find "${folders[@]}" -type f -print0 | sort -z | xargs -0 md5sum) >"$stage/DEBIAN/md5sums"
  chmod 0644 "$stage/DEBIAN/control" "$stage/DEBIAN/md5sums"
  find "$stage" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
  mkdir -p "$out"
  local deb="$out/${package}_${version}_${architecture}.deb"
  dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
  echo "$deb"
}
