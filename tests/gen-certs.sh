#!/bin/sh
# Test certificates for the venue simulator: gen-certs.sh DIR
#
# Creates, with the openssl command, EC P-256 keys and:
#   DIR/ca.pem     DIR/ca.key      a test CA (never trust it outside tests)
#   DIR/server.pem DIR/server.key  signed by the CA: CN=localhost,
#                                  SAN DNS:localhost, IP:127.0.0.1, IP:::1
#   DIR/wrong.pem  DIR/wrong.key   signed by the CA, SAN DNS:wrong.example
#   DIR/self.pem   DIR/self.key    self-signed, not from the CA
#
# Idempotent: when a complete, verifying set is already there it does
# nothing.  Quiet on success; on failure it prints openssl's words and
# exits non-zero.  Files appear by rename, so a reader never sees half a
# set being written.
set -eu

die() {
	echo "gen-certs.sh: $*" >&2
	exit 1
}

[ $# -eq 1 ] || die "usage: gen-certs.sh DIR"
dir=$1
OPENSSL=${OPENSSL:-openssl}
command -v "$OPENSSL" >/dev/null 2>&1 ||
    die "openssl not found: apt-get install openssl"
mkdir -p "$dir" || die "cannot create $dir"

names="ca server wrong self"

have_set() {
	for n in $names; do
		[ -s "$dir/$n.pem" ] && [ -s "$dir/$n.key" ] || return 1
	done
	"$OPENSSL" verify -CAfile "$dir/ca.pem" "$dir/server.pem" \
	    "$dir/wrong.pem" >/dev/null 2>&1
}

have_set && exit 0

work=$(mktemp -d "$dir/.gen-certs.XXXXXX") || die "mktemp in $dir failed"
log=$work/openssl.log
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM

# run CMD...: runs openssl quietly; shows its output if it fails.
run() {
	"$OPENSSL" "$@" >>"$log" 2>&1 || {
		cat "$log" >&2
		die "openssl $1 failed"
	}
}

key() {
	run genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	    -out "$work/$1.key"
}

# leaf NAME CN SAN: a server certificate signed by the test CA.
leaf() {
	key "$1"
	run req -new -key "$work/$1.key" -subj "/CN=$2" -out "$work/$1.csr"
	cat >"$work/$1.ext" <<EOF
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = $3
EOF
	run x509 -req -in "$work/$1.csr" -CA "$work/ca.pem" \
	    -CAkey "$work/ca.key" -set_serial "0x$(od -An -N8 -tx1 \
	    /dev/urandom | tr -d ' \n')" -days 3650 -sha256 \
	    -extfile "$work/$1.ext" -out "$work/$1.pem"
}

key ca
run req -x509 -new -key "$work/ca.key" -subj "/CN=xarb test CA" \
    -days 3650 -sha256 \
    -addext "basicConstraints = critical, CA:TRUE" \
    -addext "keyUsage = critical, keyCertSign, cRLSign" \
    -out "$work/ca.pem"
leaf server localhost "DNS:localhost, IP:127.0.0.1, IP:::1"
leaf wrong wrong.example "DNS:wrong.example"
key self
run req -x509 -new -key "$work/self.key" -subj "/CN=localhost" \
    -days 3650 -sha256 \
    -addext "subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1" \
    -out "$work/self.pem"

chmod 600 "$work"/*.key
for n in $names; do
	mv -f "$work/$n.key" "$dir/$n.key" || die "cannot write $dir/$n.key"
	mv -f "$work/$n.pem" "$dir/$n.pem" || die "cannot write $dir/$n.pem"
done
have_set || die "the new certificates do not verify"
