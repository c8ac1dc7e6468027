/*
 * TLS and plain TCP over non-blocking sockets.  Handshakes, reads and
 * writes are driven by the caller's readiness events; nothing here
 * waits.  SSL_get_error() is interpreted only in this file.
 *
 * SIGPIPE must be ignored by the process: OpenSSL writes to sockets with
 * write(2) (main() and the simulator do it at start).
 */
#include "autoconf.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "tls.h"
#include "xmalloc.h"

const char tls_err_verify[] = "tls: certificate verify failed";
const char tls_err_handshake[] = "tls: handshake failed";
const char tls_err_io[] = "connection lost";
const char tls_err_eof[] = "closed by peer";

/* The newest OpenSSL error as text ("" if none); clears the queue. */
static void
tls_last_error(char *buf, size_t len)
{
	unsigned long e, last = 0;

	while ((e = ERR_get_error()) != 0)
		last = e;
	if (last == 0) {
		buf[0] = '\0';
		return;
	}
	ERR_error_string_n(last, buf, len);
}

static void
tls_ctx_common(SSL_CTX *ctx)
{
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_mode(ctx,
	    SSL_MODE_ENABLE_PARTIAL_WRITE |
		SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	/* One read(2) can bring several records (performance.md 3.2). */
	SSL_CTX_set_read_ahead(ctx, 1);
	SSL_CTX_set_options(ctx,
	    SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
}

SSL_CTX *
tls_ctx_client(const char *ca_file, char **cause)
{
	SSL_CTX *ctx;
	char err[160];

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		tls_last_error(err, sizeof err);
		xasprintf(cause, "tls: cannot create a context: %s", err);
		return (NULL);
	}
	tls_ctx_common(ctx);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	if (ca_file != NULL && *ca_file != '\0') {
		if (SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1) {
			tls_last_error(err, sizeof err);
			xasprintf(cause, "tls: CA file %s: %s", ca_file, err);
			SSL_CTX_free(ctx);
			return (NULL);
		}
	} else if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
		tls_last_error(err, sizeof err);
		xasprintf(cause, "tls: system CA store: %s", err);
		SSL_CTX_free(ctx);
		return (NULL);
	}
	return (ctx);
}

SSL_CTX *
tls_ctx_server(const char *cert_file, const char *key_file, char **cause)
{
	SSL_CTX *ctx;
	char err[160];

	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL) {
		tls_last_error(err, sizeof err);
		xasprintf(cause, "tls: cannot create a context: %s", err);
		return (NULL);
	}
	tls_ctx_common(ctx);
	if (SSL_CTX_use_certificate_chain_file(ctx, cert_file) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, key_file, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		tls_last_error(err, sizeof err);
		xasprintf(cause, "tls: %s / %s: %s", cert_file, key_file, err);
		SSL_CTX_free(ctx);
		return (NULL);
	}
	return (ctx);
}

/* An IP literal is verified as an address and gets no SNI (RFC 6066). */
static int
tls_is_ip(const char *host)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return (inet_pton(AF_INET, host, buf) == 1 ||
	    inet_pton(AF_INET6, host, buf) == 1);
}

static int
tls_fail(struct tls_io *io, const char *reason, const char *detail)
{
	io->reason = reason;
	snprintf(io->detail, sizeof io->detail, "%s", detail);
	return (TLS_ERR);
}

int
tls_io_init(struct tls_io *io, SSL_CTX *ctx, int fd, const char *host,
    int server)
{
	char err[160];

	memset(io, 0, sizeof *io);
	io->fd = fd;
	io->server = server;
	if (ctx == NULL)
		return (0);
	if ((io->ssl = SSL_new(ctx)) == NULL || SSL_set_fd(io->ssl, fd) != 1)
		goto fail;
	if (server) {
		SSL_set_accept_state(io->ssl);
		return (0);
	}
	SSL_set_connect_state(io->ssl);
	if (host == NULL || *host == '\0')
		goto fail;
	if (tls_is_ip(host)) {
		if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(io->ssl),
			host) != 1)
			goto fail;
	} else if (SSL_set_tlsext_host_name(io->ssl, host) != 1 ||
	    SSL_set1_host(io->ssl, host) != 1)
		goto fail;
	return (0);

fail:
	tls_last_error(err, sizeof err);
	tls_fail(io, tls_err_handshake, err[0] ? err : "cannot set up TLS");
	tls_io_close(io);
	return (-1);
}

/*
 * Maps a failed SSL_* call to TLS_*.  SSL_get_error() is only valid
 * right after the call, with the error queue cleared before it.
 */
static int
tls_result(struct tls_io *io, int rv)
{
	char err[160];
	long vr;
	int saved = errno;

	switch (SSL_get_error(io->ssl, rv)) {
	case SSL_ERROR_WANT_READ:
		return (TLS_WANT_READ);
	case SSL_ERROR_WANT_WRITE:
		return (TLS_WANT_WRITE);
	case SSL_ERROR_ZERO_RETURN:
		io->reason = tls_err_eof;
		io->detail[0] = '\0';
		return (TLS_EOF);
	case SSL_ERROR_SYSCALL:
		tls_last_error(err, sizeof err);
		if (saved == 0 && err[0] == '\0') {
			io->reason =
			    io->handshaken ? tls_err_eof : tls_err_handshake;
			snprintf(io->detail, sizeof io->detail,
			    "connection closed%s",
			    io->handshaken ? "" : " during the handshake");
			return (io->handshaken ? TLS_EOF : TLS_ERR);
		}
		return (tls_fail(io,
		    io->handshaken ? tls_err_io : tls_err_handshake,
		    err[0] ? err : strerror(saved)));
	default:
		vr = SSL_get_verify_result(io->ssl);
		tls_last_error(err, sizeof err);
		if (!io->handshaken && !io->server && vr != X509_V_OK)
			return (tls_fail(io, tls_err_verify,
			    X509_verify_cert_error_string(vr)));
		/* OpenSSL 3 reports a bare TCP close as an SSL error. */
		if (io->handshaken && strstr(err, "unexpected eof") != NULL) {
			io->reason = tls_err_eof;
			snprintf(io->detail, sizeof io->detail, "%s", err);
			return (TLS_EOF);
		}
		return (tls_fail(io,
		    io->handshaken ? tls_err_io : tls_err_handshake,
		    err[0] ? err : "protocol error"));
	}
}

int
tls_io_handshake(struct tls_io *io)
{
	int rv;

	if (io->ssl == NULL || io->handshaken) {
		io->handshaken = 1;
		return (TLS_OK);
	}
	ERR_clear_error();
	errno = 0;
	if ((rv = SSL_do_handshake(io->ssl)) == 1) {
		io->handshaken = 1;
		return (TLS_OK);
	}
	return (tls_result(io, rv));
}

static ssize_t
tls_plain_result(struct tls_io *io, ssize_t n, int want)
{
	int saved = errno;

	if (n > 0)
		return (n);
	if (n == 0) {
		io->reason = tls_err_eof;
		io->detail[0] = '\0';
		return (TLS_EOF);
	}
	if (saved == EAGAIN || saved == EWOULDBLOCK || saved == EINTR)
		return (want);
	return (tls_fail(io, tls_err_io, strerror(saved)));
}

ssize_t
tls_io_read(struct tls_io *io, void *buf, size_t len)
{
	int n;

	if (len > INT32_MAX)
		len = INT32_MAX;
	if (io->ssl == NULL)
		return (tls_plain_result(io, read(io->fd, buf, len),
		    TLS_WANT_READ));
	ERR_clear_error();
	errno = 0;
	if ((n = SSL_read(io->ssl, buf, (int)len)) > 0)
		return (n);
	return (tls_result(io, n));
}

ssize_t
tls_io_write(struct tls_io *io, const void *buf, size_t len)
{
	int n;

	if (len > INT32_MAX)
		len = INT32_MAX;
	if (io->ssl == NULL) {
		if (len == 0)
			return (0);
		return (tls_plain_result(io,
		    send(io->fd, buf, len, MSG_NOSIGNAL), TLS_WANT_WRITE));
	}
	ERR_clear_error();
	errno = 0;
	if ((n = SSL_write(io->ssl, buf, (int)len)) > 0)
		return (n);
	return (tls_result(io, n));
}

size_t
tls_io_pending(const struct tls_io *io)
{
	if (io->ssl == NULL)
		return (0);
	return ((size_t)SSL_pending(io->ssl));
}

void
tls_io_close(struct tls_io *io)
{
	if (io->ssl != NULL) {
		if (io->handshaken) {
			ERR_clear_error();
			(void)SSL_shutdown(io->ssl); /* one try, no waiting */
		}
		SSL_free(io->ssl);
		io->ssl = NULL;
	}
	ERR_clear_error();
	if (io->fd != -1) {
		close(io->fd);
		io->fd = -1;
	}
	io->handshaken = 0;
}

const char *
tls_io_describe(const struct tls_io *io, char *buf, size_t len)
{
	if (io->ssl == NULL)
		snprintf(buf, len, "plain");
	else
		snprintf(buf, len, "%s %s", SSL_get_version(io->ssl),
		    SSL_get_cipher_name(io->ssl));
	return (buf);
}
