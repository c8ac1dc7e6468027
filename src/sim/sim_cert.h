/*
 * Test certificates made in memory with the OpenSSL 3 API, so that
 * `xarb --demo` and xarb-sim can serve TLS on loopback on a machine
 * without the openssl program (tests/gen-certs.sh needs it).  Never
 * trust these outside a test or a demo.
 */
#ifndef XARB_SIM_CERT_H
#define XARB_SIM_CERT_H

/*
 * Writes into dir (which must exist) a fresh EC P-256 test CA and a leaf
 * it signs for DNS:localhost, IP:127.0.0.1 and IP:::1, both valid from
 * an hour ago for two days:
 *   dir/ca.pem      the CA certificate: a client's [tls] ca_file
 *   dir/server.pem  the leaf certificate
 *   dir/server.key  its private key (PEM, unencrypted, mode 0600)
 * Each file appears by rename, whole.  The CA's key is never written.
 * Returns 0, or -1 with *cause set (the caller frees it).
 */
int sim_cert_make(const char *dir, char **cause);

#endif /* XARB_SIM_CERT_H */
