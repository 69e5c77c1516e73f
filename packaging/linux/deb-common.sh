# Shared by build-deb.sh and build-probe-deb.sh (sourced): the steps of a Debian package that do
# not depend on what it holds. Both scripts set `work`, `stage`, `package`, `version`,
# `architecture`, `out` and SOURCE_DATE_EPOCH before calling these.

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
