#!/usr/bin/env bash
# Publishes Debian packages into an apt repository that IT departments can mirror and that
# `apt-get update && apt-get install ehcert-card-bridge` installs from:
#
#   packaging/linux/apt-repo.sh KEY OUT_DIR DEB...
#
# KEY is the fingerprint of the archive's signing key in the current GnuPG home ($GNUPGHOME):
# reprepro signs `Release` into `Release.gpg` and `InRelease`, which apt checks against the key
# a machine was given (`signed-by`). The public key is written beside the repository as
# `ehcert-archive-keyring.gpg` (binary, what `signed-by` reads); publish it over https, apart
# from the mirrors. OUT_DIR gets `dists/` and `pool/` (Debian's layout, served as plain files)
# and the keyring; reprepro's own database and configuration stay outside it, in a folder of
# their own that a later run would need to add to the same repository (`EHCERT_APT_STATE`,
# default OUT_DIR/../apt-state).
#
# One suite, `stable`, component `main`, for amd64 and arm64: the bridge needs nothing of a
# particular Debian or Ubuntu release beyond its package's Depends, so one repository serves
# Debian 12 and later and Ubuntu 22.04 and later. A machine uses it with
#
#   deb [signed-by=/usr/share/keyrings/ehcert-archive-keyring.gpg] https://HOST/apt stable main
set -euo pipefail

[[ $# -ge 3 ]] || { sed -n '2,20p' "${BASH_SOURCE[0]}" >&2; exit 2; }
key=$1 out=$(realpath -m "$2")
shift 2
state=$(realpath -m "${EHCERT_APT_STATE:-$out/../apt-state}")

gpg --batch --list-secret-keys "$key" >/dev/null 2>&1 ||
  { echo "apt-repo.sh: no secret key $key in ${GNUPGHOME:-~/.gnupg}" >&2; exit 1; }

mkdir -p "$state/conf" "$out"
cat >"$state/conf/distributions" <<DISTRIBUTIONS
Origin: ehcert
Label: ehcert
Suite: stable
Codename: stable
Architectures: amd64 arm64
Components: main
Description: ehcert's Belgian eID card bridge and acceptance probe
SignWith: $key
DISTRIBUTIONS

reprepro --silent --basedir "$state" --outdir "$out" includedeb stable "$@"
gpg --batch --quiet --yes --export "$key" >"$out/ehcert-archive-keyring.gpg"
chmod 0644 "$out/ehcert-archive-keyring.gpg"
