/*
 * HTTP/1.1, just what xarb needs: URLs, the WebSocket Upgrade handshake
 * (wslay has none), a response-head parser, and a small REST client
 * (GET/POST over the same TLS layer, on the same loop) for KuCoin's
 * bullet-public token and instrument metadata at start-up.
 *
 * The REST client is cold path: it allocates freely, bounded by its
 * size limit, and always ends in exactly one callback.
 */
#ifndef XARB_HTTP_H
#define XARB_HTTP_H

#include <stddef.h>

#include <ev.h>
#include <openssl/ssl.h>

struct net_resolver;

struct http_url {
	int tls;	/* wss or https */
	int ws;		/* ws or wss */
	char host[256]; /* as written, IPv6 in brackets */
	char port[8];
	char path[1024]; /* path and query, at least "/" */
};

/*
 * Parses ws://, wss://, http:// or https:// URLs.  Returns 0, or -1 with
 * *cause set.
 */
int http_url_parse(const char *url, struct http_url *u, char **cause);

/* The Host header value: "host" or "host:port" if not the default. */
void http_url_hostport(const struct http_url *u, char *buf, size_t len);

/* A fresh random Sec-WebSocket-Key (24 base64 chars + NUL). */
void http_ws_key(char key[25]);

/* base64(SHA-1(key + RFC 6455 GUID)): the expected Accept value. */
void http_ws_accept(const char *key, char out[29]);

/*
 * Writes the Upgrade request for u and key into buf.  Returns its length
 * (>= len means it did not fit).  No extensions are offered.
 */
size_t http_upgrade_request(char *buf, size_t len, const struct http_url *u,
    const char *key);

#define HTTP_HEADERS_MAX 48
#define HTTP_HEAD_MAX 16384 /* larger heads are refused */

struct http_header {
	const char *name; /* into the parsed buffer, not NUL-terminated */
	size_t name_len;
	const char *value;
	size_t value_len;
};

struct http_head {
	int status;
	size_t len; /* bytes of the head, including the blank line */
	struct http_header h[HTTP_HEADERS_MAX];
	unsigned n;
};

/*
 * Parses a response head at buf.  Returns > 0 (its length) when whole,
 * 0 when more bytes are needed, -1 when malformed or over HTTP_HEAD_MAX.
 * Header pointers point into buf.
 */
int http_head_parse(const char *buf, size_t len, struct http_head *h);

/* The value of header name (case-insensitive), or NULL. */
const char *http_head_get(const struct http_head *h, const char *name,
    size_t *len);

/* Does header name contain token (comma-separated, case-insensitive)? */
int http_head_has_token(const struct http_head *h, const char *name,
    const char *token);

/*
 * Checks a response to our Upgrade with key: 101, Upgrade: websocket,
 * Connection: upgrade, the right Accept, no extension.  Returns 0, or -1
 * with why filled in ("status 403", "bad Sec-WebSocket-Accept", ...).
 */
int http_upgrade_check(const struct http_head *h, const char *key, char *why,
    size_t len);

/* -- REST client ---------------------------------------------------- */

struct http_req;

/*
 * status is the HTTP status (0 when the request failed: then err says
 * why).  body is NUL-terminated and lives until the callback returns.
 * The request may be freed inside the callback.
 */
typedef void (*http_done_cb)(struct http_req *req, int status, const char *body,
    size_t len, const char *err, void *arg);

/* Failure reasons, compared by pointer (the detail is in err). */
extern const char http_err_timeout[];
extern const char http_err_too_big[];
extern const char http_err_proto[];

struct http_req_opts {
	const char *method;	  /* "GET" or "POST" */
	const char *url;	  /* http(s)://... */
	const char *body;	  /* POST body or NULL */
	const char *content_type; /* for body, default application/json */
	size_t max_body;	  /* larger bodies fail with http_err_too_big */
	double timeout;		  /* seconds for the whole request */
	SSL_CTX *tls;		  /* borrowed; needed for https */
};

/*
 * Starts a request on loop; done runs exactly once, later, on the loop's
 * thread.  Returns NULL with *cause set on a bad URL.
 */
struct http_req *http_req_start(struct ev_loop *loop,
    struct net_resolver *resolver, const struct http_req_opts *o,
    http_done_cb done, void *arg, char **cause);

/* Cancels (done will not run) and frees.  NULL is a no-op. */
void http_req_free(struct http_req *req);

#endif /* XARB_HTTP_H */
