#!/bin/sh
# One-shot key exchange between the cloud teacher and the model registry, run before both start.
#
# /keys  (volume teacher-keys, mounted only here and in cloud-teacher): the teacher's Ed25519 key
#        pair in the files the teacher reads (signing-key.pem, PKCS#8 PEM, and signing-key.pem.pub),
#        created once and never overwritten.
# /trust (volume registry-trust, mounted read-only in model-registry): the teacher's public key in a
#        file named after the registry property it sets; the registry imports the folder as a Spring
#        config tree, so the file becomes driftline.registry.signing.trusted-keys.
set -eu

keys="${KEYS_DIR:-/keys}"
trust="${TRUST_DIR:-/trust}"
key="$keys/signing-key.pem"
owner="${DRIFTLINE_UID:-10001}"

if [ ! -s "$key" ]; then
  umask 077
  openssl genpkey -algorithm ed25519 -out "$key.new"
  mv "$key.new" "$key"
  rm -f "$key.pub"
  echo "generated the teacher signing key"
fi
if [ ! -s "$key.pub" ]; then
  openssl pkey -in "$key" -pubout -out "$key.pub"
fi
umask 022
cp "$key.pub" "$trust/driftline.registry.signing.trusted-keys.new"
mv "$trust/driftline.registry.signing.trusted-keys.new" "$trust/driftline.registry.signing.trusted-keys"

chown "$owner" "$key" "$key.pub"
chmod 600 "$key"
chmod 644 "$key.pub" "$trust/driftline.registry.signing.trusted-keys"
echo "teacher public key published for the registry:"
cat "$key.pub"
