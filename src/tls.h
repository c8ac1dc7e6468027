/*
 * TLS (OpenSSL) over non-blocking sockets, client and server side, plus
 * plain TCP behind the same calls so that callers have one I/O path.
 *
 * Certificates are verified by default: the system CA store or a
 * configured CA file, the peer's name checked against the host we asked
 * for (SSL_set1_host) and sent as SNI.  There is no switch to turn
 * verification off.  Read-ahead is on (fewer read(2) calls per record)
 * and partial writes are allowed, so SSL_write behaves like write(2).
 *
 * OpenSSL's error codes stop here: callers see TLS_* results and a
 * one-line reason.
 */
#ifndef XARB_TLS_H
#define XARB_TLS_H

#include <stddef.h>
#include <sys/types.h>

#include <openssl/ssl.h>

/* Results of tls_io_handshake/read/write besides a byte count. */
#define TLS_OK 0
#define TLS_ERR (-1)	    /* fatal: reason in io->reason/io->detail */
#define TLS_WANT_READ (-2)  /* wait for readability, then call again */
#define TLS_WANT_WRITE (-3) /* wait for writability, then call again */
#define TLS_EOF (-4)	    /* the peer closed the connection */

/* Close reasons, compared by pointer (h2o style). */
extern const char tls_err_verify[];    /* certificate verify failed */
extern const char tls_err_handshake[]; /* handshake failed (plain TCP...) */
extern const char tls_err_io[];	       /* read/write failed, reset */
extern const char tls_err_eof[];       /* closed by the peer */

/* One connection: a socket and, unless plain, its TLS session. */
struct tls_io {
	int fd;	  /* owned; -1 when closed */
	SSL *ssl; /* owned; NULL for plain TCP */
	int server;
	int handshaken;
	const char *reason; /* tls_err_*, when a call returned TLS_ERR/EOF */
	char detail[160];   /* OpenSSL's words, e.g. "hostname mismatch" */
};

/*
 * A client context: verification on, CA from ca_file (PEM) if not NULL
 * or "", else the system store; TLS 1.2 minimum.  Returns NULL with
 * *cause set.  Free with SSL_CTX_free().
 */
SSL_CTX *tls_ctx_client(const char *ca_file, char **cause);

/* A server context with this certificate chain and key (PEM files). */
SSL_CTX *tls_ctx_server(const char *cert_file, const char *key_file,
    char **cause);

/*
 * Wraps a connected non-blocking fd (taking ownership).  ctx NULL means
 * plain TCP.  A client sends host as SNI and verifies the certificate
 * against it (a name or an IP literal).  Returns 0, or -1 (the fd is
 * closed) with io->reason/detail set.
 */
int tls_io_init(struct tls_io *io, SSL_CTX *ctx, int fd, const char *host,
    int server);

/* Drives the handshake: TLS_OK when done, TLS_WANT_*, or TLS_ERR. */
int tls_io_handshake(struct tls_io *io);

/*
 * Reads up to len bytes: > 0, TLS_WANT_READ / TLS_WANT_WRITE, TLS_EOF or
 * TLS_ERR.  Never blocks.
 */
ssize_t tls_io_read(struct tls_io *io, void *buf, size_t len);

/* Writes up to len bytes: > 0 (may be short), TLS_WANT_*, TLS_ERR. */
ssize_t tls_io_write(struct tls_io *io, const void *buf, size_t len);

/* Bytes OpenSSL has decrypted but not yet returned (no fd readiness). */
size_t tls_io_pending(const struct tls_io *io);

/*
 * Sends close_notify if it can without waiting, frees the session and
 * closes the fd.  Safe on a closed or never-opened io (fd -1).
 */
void tls_io_close(struct tls_io *io);

/* "TLSv1.3 TLS_AES_256_GCM_SHA384" or "plain"; for logs. */
const char *tls_io_describe(const struct tls_io *io, char *buf, size_t len);

#endif /* XARB_TLS_H */
