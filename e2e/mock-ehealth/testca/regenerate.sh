#!/usr/bin/env bash
# Regenerates the mock CertRA's test PKI (app/certra/PROTOCOL.md §6.3, §5.2): a root, an issuing CA for
# eHealth authentication certificates, and the "ETK-RA" certificate that signs ETKs. RSA-2048
# throughout (the real CAs are RSA-4096; 2048 keeps unoptimised test builds quick).
# Run from this folder: ./regenerate.sh   Output: *.pem here, committed. Test use only.
set -euo pipefail
cd "$(dirname "$0")"
days=7300
key() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null; }
key root.key.pem
key issuing.key.pem
key etk-ra.key.pem
openssl req -new -x509 -key root.key.pem -sha256 -days "$days" -set_serial 1 \
  -subj "/C=BE/O=ehcert test/serialNumber=001/CN=TEST-ehcert mock eHealth root CA 001" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -addext "subjectKeyIdentifier=hash" -out root.pem
sign() { # name subject extensions
  openssl req -new -key "$1.key.pem" -subj "$2" -out "$1.csr"
  openssl x509 -req -in "$1.csr" -CA root.pem -CAkey root.key.pem -sha256 -days "$days" \
    -set_serial "$4" -extfile <(printf '%s\n' "$3") -out "$1.pem"
  rm "$1.csr"
}
sign issuing "/C=BE/O=ehcert test/serialNumber=001/CN=TEST-ehcert mock eHealth issuing CA 001" \
  "basicConstraints=critical,CA:TRUE,pathlen:0
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid" 2
sign etk-ra "/C=BE/O=Federal Government/OU=eHealth-platform Belgium/CN=ETK-RA" \
  "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,nonRepudiation
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid" 3
openssl verify -CAfile root.pem issuing.pem etk-ra.pem
