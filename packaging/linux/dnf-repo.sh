#!/usr/bin/env bash
# Publishes RPM packages into a repository dnf and zypper install from (`createrepo_c`'s
# repodata), each package and the repository's metadata signed:
#
#   packaging/linux/dnf-repo.sh KEY OUT_DIR RPM...
#
# KEY is the fingerprint of the signing key in the current GnuPG home ($GNUPGHOME). Each RPM is
# copied into OUT_DIR/packages/ and signed there (`rpmsign`: dnf's `gpgcheck`);
# `repodata/repomd.xml` gets a detached armoured signature, `repomd.xml.asc` (dnf's
# `repo_gpgcheck`, zypper's default). The public key is written as OUT_DIR/RPM-GPG-KEY-ehcert,
# and OUT_DIR/ehcert.repo is the file a machine puts in /etc/yum.repos.d/ (or gives to
# `zypper addrepo`), naming the repository at EHCERT_RPM_BASE_URL (default
# https://ehcert.be/rpm/; tests give a file: address).
set -euo pipefail

[[ $# -ge 3 ]] || { sed -n '2,13p' "${BASH_SOURCE[0]}" >&2; exit 2; }
key=$1 out=$(realpath -m "$2")
shift 2
base=${EHCERT_RPM_BASE_URL:-https://ehcert.be/rpm/}
[[ $base == */ ]] || base=$base/

gpg --batch --list-secret-keys "$key" >/dev/null 2>&1 ||
  { echo "dnf-repo.sh: no secret key $key in ${GNUPGHOME:-~/.gnupg}" >&2; exit 1; }

mkdir -p "$out/packages"
for rpm in "$@"; do
  cp "$rpm" "$out/packages/"
  rpmsign --addsign --define "_gpg_name $key" --define "__gpg $(command -v gpg)" \
    "$out/packages/$(basename "$rpm")" >/dev/null 2>&1
done
createrepo_c --quiet --update "$out"
gpg --batch --yes --local-user "$key" --armor --detach-sign "$out/repodata/repomd.xml"
gpg --batch --yes --armor --export "$key" >"$out/RPM-GPG-KEY-ehcert"
cat >"$out/ehcert.repo" <<REPO
[ehcert]
name=ehcert: Belgian eID card bridge
baseurl=$base
enabled=1
gpgcheck=1
repo_gpgcheck=1
gpgkey=${base}RPM-GPG-KEY-ehcert
REPO
chmod 0644 "$out/RPM-GPG-KEY-ehcert" "$out/ehcert.repo" "$out/repodata/repomd.xml.asc"
