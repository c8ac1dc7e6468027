/*
 * In-memory test CA and server certificate (see sim_cert.h).  Start-up
 * code: it may take a few milliseconds and allocates freely; never call
 * it from a loop callback.
 */
#include "autoconf.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "xarb.h"
#include "xmalloc.h"
#include "sim_cert.h"

#define SIM_CERT_BEFORE (-3600L)       /* s: tolerate a clock a bit behind */
#define SIM_CERT_LIFE (2L * 24 * 3600) /* s: two days */
#define SIM_CERT_SAN "DNS:localhost,IP:127.0.0.1,IP:::1"

/* The extensions of a CA (ca) or a server leaf, by config text. */
static const struct {
	int ca;
	int nid;
	const char *value;
} sim_cert_exts[] = {
	{ 1, NID_basic_constraints, "critical,CA:TRUE" },
	{ 1, NID_key_usage, "critical,keyCertSign,cRLSign" },
	{ 1, NID_subject_key_identifier, "hash" },
	{ 0, NID_basic_constraints, "critical,CA:FALSE" },
	{ 0, NID_key_usage, "critical,digitalSignature" },
	{ 0, NID_ext_key_usage, "serverAuth" },
	{ 0, NID_subject_key_identifier, "hash" },
	{ 0, NID_authority_key_identifier, "keyid:always" },
	{ 0, NID_subject_alt_name, SIM_CERT_SAN },
};

/* OpenSSL's last error (or what) into *cause. */
static int
sim_cert_fail(char **cause, const char *what)
{
	char buf[256];
	unsigned long e = ERR_get_error();

	if (e != 0) {
		ERR_error_string_n(e, buf, sizeof buf);
		xasprintf(cause, "certificate: %s: %s", what, buf);
	} else
		xasprintf(cause, "certificate: %s failed", what);
	ERR_clear_error();
	return (-1);
}

static int
sim_cert_exts_add(X509 *x, X509 *issuer, int ca)
{
	X509_EXTENSION *ext;
	X509V3_CTX ctx;
	size_t i;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	for (i = 0; i < nitems(sim_cert_exts); i++) {
		if (sim_cert_exts[i].ca != ca)
			continue;
		ext = X509V3_EXT_conf_nid(NULL, &ctx, sim_cert_exts[i].nid,
		    sim_cert_exts[i].value);
		if (ext == NULL || X509_add_ext(x, ext, -1) != 1) {
			X509_EXTENSION_free(ext);
			return (-1);
		}
		X509_EXTENSION_free(ext);
	}
	return (0);
}

/*
 * A certificate for key named cn, signed by signer as issuer (NULL:
 * self-signed, a CA).  NULL on failure (OpenSSL's error queue says why).
 */
static X509 *
sim_cert_new(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *signer)
{
	X509 *x = X509_new();
	X509_NAME *name;
	BIGNUM *serial = BN_new();

	if (x == NULL || serial == NULL || X509_set_version(x, 2) != 1 ||
	    BN_rand(serial, 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
	    BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(x)) == NULL ||
	    X509_gmtime_adj(X509_getm_notBefore(x), SIM_CERT_BEFORE) == NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(x), SIM_CERT_LIFE) == NULL ||
	    X509_set_pubkey(x, key) != 1)
		goto fail;
	name = X509_get_subject_name(x);
	if (X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
		(const unsigned char *)"xarb-sim", -1, -1, 0) != 1 ||
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
		(const unsigned char *)cn, -1, -1, 0) != 1 ||
	    X509_set_issuer_name(x,
		issuer != NULL ? X509_get_subject_name(issuer) : name) != 1 ||
	    sim_cert_exts_add(x, issuer != NULL ? issuer : x, issuer == NULL) !=
		0 ||
	    X509_sign(x, signer, EVP_sha256()) <= 0)
		goto fail;
	BN_free(serial);
	return (x);

fail:
	BN_free(serial);
	X509_free(x);
	return (NULL);
}

/*
 * Writes dir/name through a temporary file and a rename, with mode;
 * exactly one of x and key is set.
 */
static int
sim_cert_write(const char *dir, const char *name, unsigned mode, X509 *x,
    EVP_PKEY *key, char **cause)
{
	char *tmp, *path;
	FILE *fp = NULL;
	int fd, ok, saved;

	xasprintf(&tmp, "%s/.%s.XXXXXX", dir, name);
	xasprintf(&path, "%s/%s", dir, name);
	if ((fd = mkstemp(tmp)) == -1 || fchmod(fd, (mode_t)mode) == -1 ||
	    (fp = fdopen(fd, "w")) == NULL) {
		saved = errno;
		if (fd != -1)
			close(fd);
		xasprintf(cause, "%s: %s", tmp, strerror(saved));
		goto fail;
	}
	if (x != NULL)
		ok = PEM_write_X509(fp, x) == 1;
	else
		ok = PEM_write_PrivateKey(fp, key, NULL, NULL, 0, NULL, NULL) ==
		    1;
	if (fclose(fp) != 0 || !ok) {
		xasprintf(cause, "%s: cannot write", tmp);
		ERR_clear_error();
		goto fail;
	}
	if (rename(tmp, path) != 0) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		goto fail;
	}
	free(tmp);
	free(path);
	return (0);

fail:
	unlink(tmp);
	free(tmp);
	free(path);
	return (-1);
}

int
sim_cert_make(const char *dir, char **cause)
{
	EVP_PKEY *ca_key = NULL, *key = NULL;
	X509 *ca = NULL, *leaf = NULL;
	int rv = -1;

	ERR_clear_error();
	if ((ca_key = EVP_EC_gen("P-256")) == NULL ||
	    (key = EVP_EC_gen("P-256")) == NULL) {
		sim_cert_fail(cause, "EC P-256 key");
		goto out;
	}
	if ((ca = sim_cert_new(ca_key, "xarb-sim test CA", NULL, ca_key)) ==
	    NULL) {
		sim_cert_fail(cause, "test CA");
		goto out;
	}
	if ((leaf = sim_cert_new(key, "localhost", ca, ca_key)) == NULL) {
		sim_cert_fail(cause, "server certificate");
		goto out;
	}
	/* The key before the certificate: a reader never pairs old+new. */
	if (sim_cert_write(dir, "server.key", 0600, NULL, key, cause) != 0 ||
	    sim_cert_write(dir, "server.pem", 0644, leaf, NULL, cause) != 0 ||
	    sim_cert_write(dir, "ca.pem", 0644, ca, NULL, cause) != 0)
		goto out;
	rv = 0;
out:
	X509_free(leaf);
	X509_free(ca);
	EVP_PKEY_free(key);
	EVP_PKEY_free(ca_key);
	return (rv);
}
