/*
 * HTTP/1.1 pieces: URL parsing, the WebSocket Upgrade (request, Accept
 * key, response checks), a response-head parser, and a REST client
 * built on net_stream (resolve, connect, TLS) for start-up requests.
 */
#include "autoconf.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "xarb.h"
#include "http.h"
#include "log.h"
#include "net.h"
#include "xmalloc.h"

const char http_err_timeout[] = "http: timed out";
const char http_err_too_big[] = "http: response too large";
const char http_err_proto[] = "http: malformed response";

static const char http_ws_guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

int
http_url_parse(const char *url, struct http_url *u, char **cause)
{
	static const struct {
		const char *scheme;
		int tls, ws;
		const char *port;
	} schemes[] = {
		{ "wss://", 1, 1, "443" },
		{ "ws://", 0, 1, "80" },
		{ "https://", 1, 0, "443" },
		{ "http://", 0, 0, "80" },
	};
	const char *p = NULL, *end, *colon, *rb;
	size_t i, hl;

	memset(u, 0, sizeof *u);
	for (i = 0; i < nitems(schemes); i++) {
		if (strncasecmp(url, schemes[i].scheme,
			strlen(schemes[i].scheme)) == 0) {
			p = url + strlen(schemes[i].scheme);
			u->tls = schemes[i].tls;
			u->ws = schemes[i].ws;
			snprintf(u->port, sizeof u->port, "%s",
			    schemes[i].port);
			break;
		}
	}
	if (p == NULL)
		goto bad;
	end = p + strcspn(p, "/?");
	colon = NULL;
	if (*p == '[') {
		if ((rb = memchr(p, ']', (size_t)(end - p))) == NULL)
			goto bad;
		if (rb + 1 < end && rb[1] == ':')
			colon = rb + 1;
		else if (rb + 1 != end)
			goto bad;
	} else
		colon = memchr(p, ':', (size_t)(end - p));
	hl = (size_t)((colon != NULL ? colon : end) - p);
	if (hl == 0 || hl >= sizeof u->host)
		goto bad;
	memcpy(u->host, p, hl);
	if (colon != NULL) {
		size_t pl = (size_t)(end - colon - 1);
		long port;
		char *ep;

		if (pl == 0 || pl >= sizeof u->port)
			goto bad;
		port = strtol(colon + 1, &ep, 10);
		if (ep != end || port < 1 || port > 65535)
			goto bad;
		snprintf(u->port, sizeof u->port, "%ld", port);
	}
	if (strlen(end) + 1 >= sizeof u->path)
		goto bad;
	snprintf(u->path, sizeof u->path, "%s%s", *end == '/' ? "" : "/", end);
	return (0);
bad:
	xasprintf(cause,
	    "expected a URL scheme://host[:port][/path], got \"%s\"", url);
	return (-1);
}

void
http_url_hostport(const struct http_url *u, char *buf, size_t len)
{
	if (strcmp(u->port, u->tls ? "443" : "80") == 0)
		snprintf(buf, len, "%s", u->host);
	else
		snprintf(buf, len, "%s:%s", u->host, u->port);
}

void
http_ws_key(char key[25])
{
	unsigned char raw[16];

	/* RAND_bytes cannot fail on Linux with a seeded DRBG; be safe. */
	if (RAND_bytes(raw, sizeof raw) != 1)
		fatalx("RAND_bytes failed");
	EVP_EncodeBlock((unsigned char *)key, raw, sizeof raw);
}

void
http_ws_accept(const char *key, char out[29])
{
	unsigned char md[SHA_DIGEST_LENGTH];
	char buf[128];
	int n;

	n = snprintf(buf, sizeof buf, "%s%s", key, http_ws_guid);
	SHA1((const unsigned char *)buf, (size_t)n, md);
	EVP_EncodeBlock((unsigned char *)out, md, sizeof md);
}

size_t
http_upgrade_request(char *buf, size_t len, const struct http_url *u,
    const char *key)
{
	char host[300];
	int n;

	http_url_hostport(u, host, sizeof host);
	n = snprintf(buf, len,
	    "GET %s HTTP/1.1\r\n"
	    "Host: %s\r\n"
	    "Upgrade: websocket\r\n"
	    "Connection: Upgrade\r\n"
	    "Sec-WebSocket-Key: %s\r\n"
	    "Sec-WebSocket-Version: 13\r\n"
	    "User-Agent: xarb/" PACKAGE_VERSION "\r\n"
	    "\r\n",
	    u->path, host, key);
	return (n < 0 ? len : (size_t)n);
}

static const char *
http_memmem(const char *h, size_t hl, const char *n, size_t nl)
{
	return (memmem(h, hl, n, nl));
}

int
http_head_parse(const char *buf, size_t len, struct http_head *h)
{
	const char *end, *p, *eol, *colon, *v, *ve;
	size_t scan = len < HTTP_HEAD_MAX ? len : HTTP_HEAD_MAX;

	memset(h, 0, sizeof *h);
	if ((end = http_memmem(buf, scan, "\r\n\r\n", 4)) == NULL)
		return (len >= HTTP_HEAD_MAX ? -1 : 0);
	h->len = (size_t)(end - buf) + 4;
	/* "HTTP/1.1 101 Switching Protocols" */
	if (h->len < 14 || strncmp(buf, "HTTP/1.", 7) != 0 ||
	    (buf[7] != '0' && buf[7] != '1') || buf[8] != ' ' ||
	    !isdigit((unsigned char)buf[9]) ||
	    !isdigit((unsigned char)buf[10]) ||
	    !isdigit((unsigned char)buf[11]) ||
	    (buf[12] != ' ' && buf[12] != '\r'))
		return (-1);
	h->status =
	    (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0');
	p = (const char *)memchr(buf, '\n', h->len) + 1;
	while (p < end + 2) {
		eol = http_memmem(p, (size_t)(end + 2 - p), "\r\n", 2);
		colon = memchr(p, ':', (size_t)(eol - p));
		if (colon == NULL || colon == p || h->n == HTTP_HEADERS_MAX)
			return (-1);
		v = colon + 1;
		while (v < eol && (*v == ' ' || *v == '\t'))
			v++;
		ve = eol;
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		h->h[h->n].name = p;
		h->h[h->n].name_len = (size_t)(colon - p);
		h->h[h->n].value = v;
		h->h[h->n].value_len = (size_t)(ve - v);
		h->n++;
		p = eol + 2;
	}
	return ((int)h->len);
}

const char *
http_head_get(const struct http_head *h, const char *name, size_t *len)
{
	size_t nl = strlen(name);
	unsigned i;

	for (i = 0; i < h->n; i++) {
		if (h->h[i].name_len == nl &&
		    strncasecmp(h->h[i].name, name, nl) == 0) {
			if (len != NULL)
				*len = h->h[i].value_len;
			return (h->h[i].value);
		}
	}
	return (NULL);
}

int
http_head_has_token(const struct http_head *h, const char *name,
    const char *token)
{
	const char *v, *p, *e;
	size_t vl, tl = strlen(token), n;

	if ((v = http_head_get(h, name, &vl)) == NULL)
		return (0);
	for (p = v; p < v + vl; p = e + 1) {
		e = memchr(p, ',', (size_t)(v + vl - p));
		if (e == NULL)
			e = v + vl;
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		n = (size_t)(e - p);
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n == tl && strncasecmp(p, token, tl) == 0)
			return (1);
	}
	return (0);
}

int
http_upgrade_check(const struct http_head *h, const char *key, char *why,
    size_t len)
{
	char want[29];
	const char *v;
	size_t vl;

	if (h->status != 101) {
		snprintf(why, len, "upgrade refused: status %d", h->status);
		return (-1);
	}
	if (!http_head_has_token(h, "Upgrade", "websocket")) {
		snprintf(why, len, "upgrade: no \"Upgrade: websocket\"");
		return (-1);
	}
	if (!http_head_has_token(h, "Connection", "upgrade")) {
		snprintf(why, len, "upgrade: no \"Connection: upgrade\"");
		return (-1);
	}
	http_ws_accept(key, want);
	v = http_head_get(h, "Sec-WebSocket-Accept", &vl);
	if (v == NULL || vl != strlen(want) || memcmp(v, want, vl) != 0) {
		snprintf(why, len, "upgrade: bad Sec-WebSocket-Accept");
		return (-1);
	}
	/* We offered none, so any extension (deflate) is a violation. */
	if (http_head_get(h, "Sec-WebSocket-Extensions", NULL) != NULL) {
		snprintf(why, len,
		    "upgrade: server chose an extension we "
		    "did not offer");
		return (-1);
	}
	return (0);
}

/* -- REST client ---------------------------------------------------- */

enum http_body_mode { HTTP_BODY_LENGTH, HTTP_BODY_CHUNKED, HTTP_BODY_CLOSE };

enum http_chunk_state {
	HTTP_CHUNK_SIZE,  /* reading "1a3;ext\r\n" */
	HTTP_CHUNK_DATA,  /* reading chunk_left bytes */
	HTTP_CHUNK_CRLF,  /* the CRLF after the data */
	HTTP_CHUNK_TRAIL, /* trailers up to the blank line */
	HTTP_CHUNK_DONE,
};

struct http_req {
	struct ev_loop *loop; /* borrowed */
	struct net_stream s;  /* embedded */
	ev_timer timer;	      /* the whole request's deadline */
	struct http_url url;
	http_done_cb done;
	void *arg;
	size_t max_body;

	char *out; /* owned: the request bytes */
	size_t out_len, out_off;

	char *in; /* owned: received bytes not yet consumed */
	size_t in_len, in_cap;
	int have_head;
	int status;
	enum http_body_mode mode;
	size_t content_length;
	enum http_chunk_state chunk;
	size_t chunk_left;

	char *body; /* owned: the decoded body, NUL-terminated */
	size_t body_len, body_cap;
	char err[512];
};

static void http_req_io_cb(struct ev_loop *, ev_io *, int);

/* Ends the request: stops everything, then the one callback. */
static void
http_req_finish(struct http_req *r, int status, const char *reason,
    const char *detail)
{
	ev_timer_stop(r->loop, &r->timer);
	net_stream_close(&r->s);
	if (status == 0)
		snprintf(r->err, sizeof r->err, "%s%s%s", reason,
		    detail != NULL && *detail != '\0' ? ": " : "",
		    detail != NULL ? detail : "");
	if (r->body == NULL)
		r->body = xstrdup(""); /* cold path, start-up */
	r->body[r->body_len] = '\0';
	r->done(r, status, status != 0 ? r->body : NULL,
	    status != 0 ? r->body_len : 0, status != 0 ? NULL : r->err, r->arg);
}

static void
http_req_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct http_req *r = container_of(w, struct http_req, timer);

	(void)loop;
	(void)revents;
	http_req_finish(r, 0, http_err_timeout, r->url.host);
}

static void
http_req_ready_cb(struct net_stream *s, int ok)
{
	struct http_req *r = container_of(s, struct http_req, s);

	if (!ok) {
		http_req_finish(r, 0, s->reason, s->detail);
		return;
	}
	net_stream_want(s, EV_WRITE);
}

/* Appends n bytes to the body, within max_body.  -1 when too big. */
static int
http_req_body_add(struct http_req *r, const char *p, size_t n)
{
	size_t cap;

	if (r->body_len + n > r->max_body)
		return (-1);
	if (r->body_len + n + 1 > r->body_cap) {
		cap = r->body_cap ? r->body_cap : 1024;
		while (cap < r->body_len + n + 1)
			cap *= 2;
		r->body = xreallocarray(r->body, cap, 1);
		r->body_cap = cap;
	}
	memcpy(r->body + r->body_len, p, n);
	r->body_len += n;
	return (0);
}

/*
 * Decodes as much chunked data as r->in holds.  Returns 1 when the body
 * is complete, 0 for more, -1 malformed, -2 too big.  Consumes input.
 */
static int
http_req_chunked(struct http_req *r)
{
	size_t off = 0, n;
	const char *eol;
	char *ep;
	unsigned long long size;
	int rv = 0;

	while (off < r->in_len && rv == 0) {
		const char *p = r->in + off;
		size_t left = r->in_len - off;

		switch (r->chunk) {
		case HTTP_CHUNK_SIZE:
			if ((eol = memmem(p, left, "\r\n", 2)) == NULL) {
				rv = left > 1024 ? -1 : 0;
				goto out;
			}
			errno = 0;
			size = strtoull(p, &ep, 16);
			if (ep == p || errno != 0 ||
			    (*ep != ';' && *ep != '\r' && *ep != ' ') ||
			    size > r->max_body) {
				rv = size > r->max_body ? -2 : -1;
				goto out;
			}
			off += (size_t)(eol - p) + 2;
			r->chunk_left = (size_t)size;
			r->chunk =
			    size == 0 ? HTTP_CHUNK_TRAIL : HTTP_CHUNK_DATA;
			break;
		case HTTP_CHUNK_DATA:
			n = left < r->chunk_left ? left : r->chunk_left;
			if (http_req_body_add(r, p, n) != 0) {
				rv = -2;
				goto out;
			}
			off += n;
			if ((r->chunk_left -= n) == 0)
				r->chunk = HTTP_CHUNK_CRLF;
			break;
		case HTTP_CHUNK_CRLF:
			if (left < 2)
				goto out;
			if (p[0] != '\r' || p[1] != '\n') {
				rv = -1;
				goto out;
			}
			off += 2;
			r->chunk = HTTP_CHUNK_SIZE;
			break;
		case HTTP_CHUNK_TRAIL:
			if ((eol = memmem(p, left, "\r\n", 2)) == NULL) {
				rv = left > 4096 ? -1 : 0;
				goto out;
			}
			off += (size_t)(eol - p) + 2;
			if (eol == p) { /* the blank line ends the message */
				r->chunk = HTTP_CHUNK_DONE;
				rv = 1;
			}
			break;
		case HTTP_CHUNK_DONE:
			rv = 1;
			break;
		}
	}
out:
	memmove(r->in, r->in + off, r->in_len - off);
	r->in_len -= off;
	return (rv);
}

/* The head is in r->in: note the status and how the body is framed. */
static int
http_req_head(struct http_req *r)
{
	struct http_head h;
	const char *v;
	char num[24], *ep;
	size_t vl;
	int n;

	if ((n = http_head_parse(r->in, r->in_len, &h)) <= 0)
		return (n);
	r->status = h.status;
	if (http_head_has_token(&h, "Transfer-Encoding", "chunked"))
		r->mode = HTTP_BODY_CHUNKED;
	else if ((v = http_head_get(&h, "Content-Length", &vl)) != NULL) {
		if (vl == 0 || vl >= sizeof num)
			return (-1);
		memcpy(num, v, vl);
		num[vl] = '\0';
		errno = 0;
		r->content_length = (size_t)strtoull(num, &ep, 10);
		if (*ep != '\0' || errno != 0 || num[0] == '-')
			return (-1);
		r->mode = HTTP_BODY_LENGTH;
	} else
		r->mode = HTTP_BODY_CLOSE;
	/* 1xx, 204 and 304 have no body. */
	if (h.status / 100 == 1 || h.status == 204 || h.status == 304) {
		r->mode = HTTP_BODY_LENGTH;
		r->content_length = 0;
	}
	memmove(r->in, r->in + h.len, r->in_len - h.len);
	r->in_len -= h.len;
	r->have_head = 1;
	return (n);
}

/* Consumes r->in; 1 when the response is complete, -1/-2 on error. */
static int
http_req_consume(struct http_req *r)
{
	int n;

	if (!r->have_head) {
		if ((n = http_req_head(r)) <= 0)
			return (n < 0 ? -1 : 0);
	}
	switch (r->mode) {
	case HTTP_BODY_CHUNKED:
		return (http_req_chunked(r));
	case HTTP_BODY_LENGTH:
		if (r->content_length > r->max_body)
			return (-2);
		n = (int)(r->in_len < r->content_length - r->body_len
			? r->in_len
			: r->content_length - r->body_len);
		if (http_req_body_add(r, r->in, (size_t)n) != 0)
			return (-2);
		r->in_len = 0; /* anything after the body is ignored */
		return (r->body_len == r->content_length);
	case HTTP_BODY_CLOSE:
		if (http_req_body_add(r, r->in, r->in_len) != 0)
			return (-2);
		r->in_len = 0;
		return (0);
	}
	return (-1);
}

static void
http_req_read(struct http_req *r)
{
	ssize_t n;
	int rv;

	for (;;) {
		if (r->in_cap - r->in_len < 4096) {
			/* Heads are bounded; bodies are decoded as they come.
			 */
			if (r->in_cap >= HTTP_HEAD_MAX + 65536) {
				http_req_finish(r, 0, http_err_proto,
				    "head too large");
				return;
			}
			r->in_cap = r->in_cap ? r->in_cap * 2 : 8192;
			r->in = xreallocarray(r->in, r->in_cap, 1);
		}
		n = tls_io_read(&r->s.io, r->in + r->in_len,
		    r->in_cap - r->in_len);
		if (n == TLS_WANT_READ || n == TLS_WANT_WRITE) {
			net_stream_want(&r->s,
			    n == TLS_WANT_READ ? EV_READ : EV_WRITE);
			return;
		}
		if (n == TLS_EOF) {
			if (r->have_head && r->mode == HTTP_BODY_CLOSE)
				http_req_finish(r, r->status, NULL, NULL);
			else
				http_req_finish(r, 0, http_err_proto,
				    "connection closed before the end of the "
				    "response");
			return;
		}
		if (n < 0) {
			http_req_finish(r, 0, r->s.io.reason, r->s.io.detail);
			return;
		}
		r->in_len += (size_t)n;
		if ((rv = http_req_consume(r)) == 1) {
			http_req_finish(r, r->status, NULL, NULL);
			return;
		}
		if (rv < 0) {
			http_req_finish(r, 0,
			    rv == -2 ? http_err_too_big : http_err_proto,
			    rv == -2 ? "over the size limit" : "malformed");
			return;
		}
	}
}

static void
http_req_write(struct http_req *r)
{
	ssize_t n;

	while (r->out_off < r->out_len) {
		n = tls_io_write(&r->s.io, r->out + r->out_off,
		    r->out_len - r->out_off);
		if (n == TLS_WANT_READ || n == TLS_WANT_WRITE) {
			net_stream_want(&r->s,
			    n == TLS_WANT_READ ? EV_READ : EV_WRITE);
			return;
		}
		if (n <= 0) {
			http_req_finish(r, 0, r->s.io.reason, r->s.io.detail);
			return;
		}
		r->out_off += (size_t)n;
	}
	net_stream_want(&r->s, EV_READ);
}

static void
http_req_io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct net_stream *s = container_of(w, struct net_stream, w);
	struct http_req *r = container_of(s, struct http_req, s);

	(void)loop;
	(void)revents;
	if (r->out_off < r->out_len)
		http_req_write(r);
	else
		http_req_read(r);
}

struct http_req *
http_req_start(struct ev_loop *loop, struct net_resolver *resolver,
    const struct http_req_opts *o, http_done_cb done, void *arg, char **cause)
{
	struct http_req *r;
	char host[300];
	const char *body = o->body != NULL ? o->body : "";
	int n;

	r = xcalloc(1, sizeof *r);
	if (http_url_parse(o->url, &r->url, cause) != 0 || r->url.ws) {
		if (*cause == NULL)
			xasprintf(cause, "expected an http(s) URL, got \"%s\"",
			    o->url);
		free(r);
		return (NULL);
	}
	if (r->url.tls && o->tls == NULL) {
		xasprintf(cause, "%s: https needs a TLS context", o->url);
		free(r);
		return (NULL);
	}
	r->loop = loop;
	r->done = done;
	r->arg = arg;
	r->max_body = o->max_body;
	http_url_hostport(&r->url, host, sizeof host);
	if (o->body != NULL)
		n = xasprintf(&r->out,
		    "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: xarb/%s\r\n"
		    "Accept: application/json\r\nConnection: close\r\n"
		    "Content-Type: %s\r\nContent-Length: %zu\r\n\r\n%s",
		    o->method, r->url.path, host, PACKAGE_VERSION,
		    o->content_type != NULL ? o->content_type
					    : "application/json",
		    strlen(body), body);
	else
		n = xasprintf(&r->out,
		    "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: xarb/%s\r\n"
		    "Accept: application/json\r\nConnection: close\r\n\r\n",
		    o->method, r->url.path, host, PACKAGE_VERSION);
	r->out_len = (size_t)n;
	net_stream_init(&r->s, loop, resolver, r->url.tls ? o->tls : NULL,
	    http_req_ready_cb, http_req_io_cb);
	ev_timer_init(&r->timer, http_req_timer_cb, o->timeout, 0.0);
	ev_timer_start(loop, &r->timer);
	net_stream_connect(&r->s, r->url.host, r->url.port, o->timeout);
	return (r);
}

void
http_req_free(struct http_req *r)
{
	if (r == NULL)
		return;
	ev_timer_stop(r->loop, &r->timer);
	net_stream_close(&r->s);
	free(r->out);
	free(r->in);
	free(r->body);
	free(r);
}
