/*
 * The venue simulator's server core: listeners on 127.0.0.1, and one
 * state machine per accepted connection:
 *
 *   TLS handshake -> request head -> (request body) -> either
 *     - a WebSocket upgrade, then wslay (server context) runs the
 *       scenario's rules and faults, or
 *     - an HTTP answer from the endpoint's routes (maybe delayed, maybe
 *       never), then close.
 *
 * Everything runs on one libev loop and nothing waits: sockets are
 * non-blocking, handshakes follow readiness, write interest is on only
 * while output is queued.  All output of a connection goes through one
 * buffer (c->out): wslay's send callback appends whole frames to it and
 * the hand-built bytes of faults are appended after wslay has been
 * drained into it, so frames can never interleave mid-frame.
 *
 * A connection is freed only by sim_conn_free(), and only at the end of
 * the libev callback that decided so (c->closing), never inside a wslay
 * callback.  Counters and kept messages are under sim->mu, because tests
 * read them from other threads.  Input is untrusted: a bad client is
 * answered or dropped, counted, and never crashes the simulator.
 *
 * Venue endpoints (`venue NAME`) hand each upgraded connection to a
 * session of the venue layer (sim_venue.c), which speaks the venue's
 * protocol through the sim_conn_* calls at the end of this file; the
 * session is freed with its connection, in sim_conn_free().
 */
#include "autoconf.h"

#include <sys/queue.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <ev.h>
#include <openssl/evp.h>
#include <wslay/wslay.h>

#include "xarb.h"
#include "http.h"
#include "log.h"
#include "tls.h"
#include "xmalloc.h"
#include "sim.h"
#include "sim_proto.h"
#include "sim_script.h"
#include "sim_venue.h"

#define SIM_HEAD_MAX ((size_t)16 << 10)	  /* request line + headers */
#define SIM_BODY_MAX (1LL << 20)	  /* request body read and discarded */
#define SIM_OUT_MAX ((size_t)160 << 20)	  /* unsent bytes: a dead client */
#define SIM_OUT_KEEP ((size_t)1 << 20)	  /* larger idle buffers are freed */
#define SIM_RECV_MAX ((uint64_t)16 << 20) /* largest message accepted */
#define SIM_REQUEST_TIMEOUT 30.0	  /* s to send a complete request */
#define SIM_REPLY_TIMEOUT 30.0		  /* s for the client to read it */
#define SIM_CLOSE_WAIT 5.0 /* s for the peer's close after ours */
#define SIM_LINGER 2.0	   /* s draining a plain socket after our FIN */
#define SIM_ACCEPT_BATCH 64
#define SIM_ACCEPT_RETRY 0.1 /* s off after EMFILE and friends */
#define SIM_READ_CHUNK 16384
#define SIM_FRAG_PING "frag" /* payload of the pings between fragments */

enum sim_conn_state {
	SIM_CONN_HANDSHAKE, /* TLS handshake */
	SIM_CONN_REQUEST,   /* reading the request head */
	SIM_CONN_BODY,	    /* reading (and dropping) the request body */
	SIM_CONN_WAIT,	    /* delayed answer or @hang: watching for EOF */
	SIM_CONN_REPLY,	    /* writing an HTTP answer, then closing */
	SIM_CONN_LINGER,    /* plain: FIN sent, draining until the peer's */
	SIM_CONN_WS,	    /* upgraded: wslay runs the connection */
};

struct sim_buf {
	uint8_t *data; /* owned */
	size_t off;    /* first unconsumed byte */
	size_t len;    /* end of valid bytes */
	size_t cap;
};

/* A repeating or delayed `on open` rule of one connection. */
struct sim_timer {
	ev_timer w;
	struct sim_conn *c;	  /* borrowed: owns this timer */
	const struct sim_rule *r; /* borrowed from the script */
	unsigned runs;
};

struct sim_conn {
	struct sim_ep *ep; /* borrowed */
	struct tls_io io;  /* embedded: owns the fd */
	ev_io w;
	ev_timer timer; /* per state: request, delay, close wait, linger */
	enum sim_conn_state state;
	int hs_want;	    /* EV_READ/EV_WRITE the handshake waits for */
	int rblock;	    /* EV_WRITE if a TLS read waits for writability */
	int wblock;	    /* what a blocked write waits for */
	struct sim_buf in;  /* request head, then early WebSocket bytes */
	struct sim_buf out; /* everything to write, in order */
	size_t scan;	    /* head bytes already searched for its end */
	size_t line_start;  /* start of the head line being scanned */
	size_t body_left;   /* request body bytes still to drop */
	const struct sim_route *route; /* answer pending in SIM_CONN_WAIT */
	wslay_event_context_ptr ws;    /* owned */
	struct sim_timer *timers;      /* owned, ntimers */
	unsigned ntimers;
	struct sim_vconn *vc; /* owned: venue session, or NULL */
	int ws_open;	      /* counted in open_now */
	int closing;	      /* free at the end of this callback */
	int abrupt;	      /* closing: no TLS close_notify, no FIN wait */
	int stalled;	      /* a fault broke framing: send nothing more */
	int close_queued;     /* we sent (or queued) our close frame */
	TAILQ_ENTRY(sim_conn) entry;
};

TAILQ_HEAD(sim_conns, sim_conn);

struct sim_ep {
	struct sim *sim;		      /* borrowed */
	const struct sim_endpoint_spec *spec; /* borrowed from sim->sc */
	unsigned index;			      /* of spec in the script */
	SSL_CTX *ctx;			      /* owned; NULL: plain */
	int fd;				      /* listener, -1 if closed */
	unsigned port;
	ev_io accept_w;
	ev_timer retry_w; /* accept paused after EMFILE */
	struct sim_conns conns;
	int kick; /* sim_kick(): enum sim_kick_how, or 0 (atomic) */

	/* Under sim->mu: read by other threads. */
	struct sim_stats stats;
	char *kept[SIM_KEEP]; /* owned copies, NUL-terminated */
	size_t kept_len[SIM_KEEP];
	unsigned kept_next; /* slot of the next message */
	unsigned kept_n;
};

struct sim {
	struct sim_script *sc;	   /* owned */
	struct sim_market *market; /* owned; NULL without venue endpoints */
	struct sim_ep *eps;	   /* owned array of neps */
	unsigned neps;
	struct ev_loop *loop; /* borrowed, or owned if own_loop */
	int own_loop;
	int started;
	int threaded; /* the loop runs in thread */
	pthread_t thread;
	ev_async stop_w; /* sim_stop() -> the loop thread */
	ev_async kick_w; /* sim_kick() -> the loop thread */
	pthread_mutex_t mu;
};

/* A parsed request head; pointers into the connection's buffer. */
struct sim_req {
	const char *method;
	size_t method_len;
	const char *path; /* the target without its query */
	size_t path_len;
	const char *query; /* after the '?', or "" */
	size_t query_len;
	int minor;	  /* HTTP/1.minor */
	int ws_upgrade;	  /* Upgrade: lists websocket */
	int has_upgrade;  /* any Upgrade header */
	int conn_upgrade; /* Connection: lists upgrade */
	int version13;	  /* Sec-WebSocket-Version: 13 */
	const char *key;  /* Sec-WebSocket-Key, or NULL */
	size_t key_len;
	long long clen; /* Content-Length, or -1 */
	int has_te;	/* any Transfer-Encoding */
};

static void sim_conn_io_cb(struct ev_loop *, ev_io *, int);
static void sim_conn_timer_cb(struct ev_loop *, ev_timer *, int);
static void sim_rule_timer_cb(struct ev_loop *, ev_timer *, int);
static void sim_ws_recv(struct sim_conn *);
static void sim_ws_act(struct sim_conn *, const struct sim_action *);

/* Counters: the loop thread writes, any thread reads (sim_get_stats). */
static void
sim_stat_inc(struct sim_ep *ep, uint64_t *field)
{
	pthread_mutex_lock(&ep->sim->mu);
	(*field)++;
	pthread_mutex_unlock(&ep->sim->mu);
}

static void
sim_stat_open(struct sim_ep *ep, int delta)
{
	pthread_mutex_lock(&ep->sim->mu);
	ep->stats.open_now = (unsigned)((int)ep->stats.open_now + delta);
	pthread_mutex_unlock(&ep->sim->mu);
}

/* Buffers.  Runtime allocation: failure closes the one connection. */
static int
sim_buf_reserve(struct sim_buf *b, size_t n)
{
	size_t cap;
	uint8_t *p;

	if (b->off > 0 && b->off == b->len)
		b->off = b->len = 0;
	if (b->cap - b->len >= n)
		return (0);
	if (b->off > 0) { /* compact before growing */
		memmove(b->data, b->data + b->off, b->len - b->off);
		b->len -= b->off;
		b->off = 0;
		if (b->cap - b->len >= n)
			return (0);
	}
	if (b->len + n > SIM_OUT_MAX)
		return (-1);
	cap = b->cap > 0 ? b->cap : 4096;
	while (cap - b->len < n)
		cap *= 2;
	if ((p = realloc(b->data, cap)) == NULL)
		return (-1);
	b->data = p;
	b->cap = cap;
	return (0);
}

static int
sim_buf_add(struct sim_buf *b, const void *data, size_t n)
{
	if (n == 0)
		return (0);
	if (sim_buf_reserve(b, n) != 0)
		return (-1);
	memcpy(b->data + b->len, data, n);
	b->len += n;
	return (0);
}

static size_t
sim_buf_pending(const struct sim_buf *b)
{
	return (b->len - b->off);
}

static void
sim_buf_free(struct sim_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof *b);
}

/* Statistics and kept messages. */

static void
sim_keep(struct sim_ep *ep, const uint8_t *msg, size_t len)
{
	char *copy;

	if ((copy = malloc(len + 1)) == NULL)
		return; /* a test will miss it; the sim goes on */
	if (len > 0)
		memcpy(copy, msg, len);
	copy[len] = '\0';
	pthread_mutex_lock(&ep->sim->mu);
	free(ep->kept[ep->kept_next]);
	ep->kept[ep->kept_next] = copy;
	ep->kept_len[ep->kept_next] = len;
	ep->kept_next = (ep->kept_next + 1) % SIM_KEEP;
	if (ep->kept_n < SIM_KEEP)
		ep->kept_n++;
	pthread_mutex_unlock(&ep->sim->mu);
}

static struct sim_ep *
sim_find(const struct sim *s, const char *name)
{
	unsigned i;

	if (name == NULL)
		return (NULL);
	for (i = 0; i < s->neps; i++)
		if (strcmp(s->eps[i].spec->name, name) == 0)
			return (&s->eps[i]);
	return (NULL);
}

/* Connection teardown: the one place a connection is freed. */
static void
sim_conn_free(struct sim_conn *c)
{
	struct ev_loop *loop = c->ep->sim->loop;
	unsigned i;

	ev_io_stop(loop, &c->w);
	ev_timer_stop(loop, &c->timer);
	for (i = 0; i < c->ntimers; i++)
		ev_timer_stop(loop, &c->timers[i].w);
	free(c->timers);
	sim_vconn_free(c->vc);
	if (c->ws_open)
		sim_stat_open(c->ep, -1);
	sim_stat_inc(c->ep, &c->ep->stats.disconnects);
	wslay_event_context_free(c->ws);
	if (c->abrupt && c->io.fd != -1)
		shutdown(c->io.fd, SHUT_RDWR); /* fault drop: at once */
	tls_io_close(&c->io);
	sim_buf_free(&c->in);
	sim_buf_free(&c->out);
	TAILQ_REMOVE(&c->ep->conns, c, entry);
	free(c);
}

static void
sim_conn_set_timer(struct sim_conn *c, double seconds)
{
	struct ev_loop *loop = c->ep->sim->loop;

	ev_timer_stop(loop, &c->timer);
	if (seconds > 0) {
		ev_timer_set(&c->timer, seconds, 0.);
		ev_timer_start(loop, &c->timer);
	}
}

/*
 * Writes c->out until it is empty or the socket is full (wslay's queue
 * first, so that it lands in order).  -1 if the connection is dead.
 */
static int
sim_conn_flush(struct sim_conn *c)
{
	ssize_t n;

	if (c->ws != NULL && wslay_event_want_write(c->ws) &&
	    wslay_event_send(c->ws) != 0)
		return (-1);
	c->wblock = 0;
	while (sim_buf_pending(&c->out) > 0) {
		n = tls_io_write(&c->io, c->out.data + c->out.off,
		    sim_buf_pending(&c->out));
		if (n > 0) {
			c->out.off += (size_t)n;
			continue;
		}
		if (n == TLS_WANT_WRITE)
			c->wblock = EV_WRITE;
		else if (n == TLS_WANT_READ)
			c->wblock = EV_READ;
		else
			return (-1);
		return (0);
	}
	c->out.off = c->out.len = 0;
	if (c->out.cap > SIM_OUT_KEEP) /* after a fault oversize */
		sim_buf_free(&c->out);
	return (0);
}

/* Sets the watcher to what the state waits for; may decide to close. */
static void
sim_conn_update(struct sim_conn *c)
{
	struct ev_loop *loop = c->ep->sim->loop;
	int ev = 0;

	switch (c->state) {
	case SIM_CONN_HANDSHAKE:
		ev = c->hs_want;
		break;
	case SIM_CONN_REQUEST:
	case SIM_CONN_BODY:
	case SIM_CONN_WAIT:
	case SIM_CONN_LINGER:
		ev = EV_READ | c->rblock;
		break;
	case SIM_CONN_REPLY:
		if (sim_buf_pending(&c->out) > 0)
			break;
		if (c->io.ssl != NULL) {
			/* close_notify ends a `close` body; nothing to wait */
			c->closing = 1;
			return;
		}
		/*
		 * Plain: send our FIN but keep reading until the client's,
		 * so that unread request bytes cannot turn our close into
		 * a reset that destroys the answer in flight.
		 */
		shutdown(c->io.fd, SHUT_WR);
		c->state = SIM_CONN_LINGER;
		sim_conn_set_timer(c, SIM_LINGER);
		ev = EV_READ;
		break;
	case SIM_CONN_WS:
		if (wslay_event_want_read(c->ws))
			ev = EV_READ | c->rblock;
		else if (sim_buf_pending(&c->out) == 0 &&
		    !wslay_event_want_write(c->ws)) {
			c->closing = 1; /* both closes done, or reads over */
			return;
		}
		break;
	}
	if (sim_buf_pending(&c->out) > 0)
		ev |= c->wblock != 0 ? c->wblock : EV_WRITE;
	if (ev == (c->w.events & (EV_READ | EV_WRITE)) && ev_is_active(&c->w))
		return;
	ev_io_stop(loop, &c->w);
	if (ev != 0) {
		ev_io_set(&c->w, c->io.fd, ev);
		ev_io_start(loop, &c->w);
	}
}

/* The end of every callback: write, re-arm, or free (sim_venue.h). */
void
sim_conn_after(struct sim_conn *c)
{
	if (!c->closing && sim_conn_flush(c) != 0)
		c->closing = 1;
	if (!c->closing)
		sim_conn_update(c);
	if (c->closing)
		sim_conn_free(c);
}

/* Reads and drops input (answer pending, lingering): only EOF matters. */
static void
sim_conn_discard(struct sim_conn *c)
{
	uint8_t buf[SIM_READ_CHUNK];
	ssize_t n;

	for (;;) {
		n = tls_io_read(&c->io, buf, sizeof buf);
		if (n > 0)
			continue;
		c->rblock = n == TLS_WANT_WRITE ? EV_WRITE : 0;
		if (n != TLS_WANT_READ && n != TLS_WANT_WRITE)
			c->closing = 1;
		return;
	}
}

/* HTTP answers. */

static const char *
sim_http_reason(unsigned status)
{
	static const struct {
		unsigned status;
		const char *reason;
	} reasons[] = {
		{ 101, "Switching Protocols" },
		{ 200, "OK" },
		{ 201, "Created" },
		{ 202, "Accepted" },
		{ 204, "No Content" },
		{ 301, "Moved Permanently" },
		{ 302, "Found" },
		{ 304, "Not Modified" },
		{ 400, "Bad Request" },
		{ 401, "Unauthorized" },
		{ 403, "Forbidden" },
		{ 404, "Not Found" },
		{ 405, "Method Not Allowed" },
		{ 408, "Request Timeout" },
		{ 413, "Content Too Large" },
		{ 418, "I'm a teapot" },
		{ 426, "Upgrade Required" },
		{ 429, "Too Many Requests" },
		{ 431, "Request Header Fields Too Large" },
		{ 500, "Internal Server Error" },
		{ 501, "Not Implemented" },
		{ 502, "Bad Gateway" },
		{ 503, "Service Unavailable" },
		{ 504, "Gateway Timeout" },
	};
	size_t i;

	for (i = 0; i < nitems(reasons); i++)
		if (reasons[i].status == status)
			return (reasons[i].reason);
	return ("Status");
}

/* Bytes [off, off + n) of a route's body: its text, or filler. */
static int
sim_body_add(struct sim_buf *b, const struct sim_route *rt, size_t off,
    size_t n)
{
	static const char fill[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	size_t i;

	if (rt->body_kind == SIM_BODY_TEXT)
		return (sim_buf_add(b, rt->body + off, n));
	if (sim_buf_reserve(b, n) != 0)
		return (-1);
	for (i = 0; i < n; i++) /* JSON-safe: fits inside a string */
		b->data[b->len + i] =
		    (uint8_t)fill[(off + i) % (sizeof fill - 1)];
	b->len += n;
	return (0);
}

/* The body as 3 chunks (fewer if short), then the last chunk. */
static int
sim_body_add_chunked(struct sim_buf *b, const struct sim_route *rt)
{
	size_t len = rt->body_len, off = 0, n;
	char hex[32];
	int i, m;

	for (i = 0; i < 3 && off < len; i++) {
		n = i == 2 ? len - off : len / 3;
		if (n == 0)
			n = len - off;
		m = snprintf(hex, sizeof hex, "%zx\r\n", n);
		if (sim_buf_add(b, hex, (size_t)m) != 0 ||
		    sim_body_add(b, rt, off, n) != 0 ||
		    sim_buf_add(b, "\r\n", 2) != 0)
			return (-1);
		off += n;
	}
	return (sim_buf_add(b, "0\r\n\r\n", 5));
}

/*
 * Queues an HTTP answer and moves to SIM_CONN_REPLY (we always close
 * after answering: keep-alive is not needed by any client we test).
 * extra is more header lines ("Name: value\r\n"), or "".
 */
static void
sim_http_answer(struct sim_conn *c, const struct sim_route *rt,
    const char *extra)
{
	char head[512];
	int n;

	n = snprintf(head, sizeof head,
	    "HTTP/1.1 %u %s\r\nServer: xarb-sim\r\n"
	    "Content-Type: application/json\r\n%s",
	    rt->status, sim_http_reason(rt->status), extra);
	if (rt->framing == SIM_FRAMING_LENGTH)
		n += snprintf(head + n, sizeof head - (size_t)n,
		    "Content-Length: %zu\r\n", rt->body_len);
	else if (rt->framing == SIM_FRAMING_CHUNKED)
		n += snprintf(head + n, sizeof head - (size_t)n,
		    "Transfer-Encoding: chunked\r\n");
	n += snprintf(head + n, sizeof head - (size_t)n,
	    "Connection: close\r\n\r\n");
	c->state = SIM_CONN_REPLY;
	sim_conn_set_timer(c, SIM_REPLY_TIMEOUT);
	if ((size_t)n >= sizeof head || sim_buf_add(&c->out, head, (size_t)n))
		goto fail;
	if (rt->framing == SIM_FRAMING_CHUNKED) {
		if (sim_body_add_chunked(&c->out, rt) != 0)
			goto fail;
	} else if (sim_body_add(&c->out, rt, 0, rt->body_len) != 0)
		goto fail;
	return;

fail:
	c->closing = 1;
}

/* An answer with a body built at run time (copied out at once). */
static void
sim_http_text(struct sim_conn *c, unsigned status, char *body)
{
	struct sim_route rt;

	memset(&rt, 0, sizeof rt);
	rt.status = status;
	rt.framing = SIM_FRAMING_LENGTH;
	rt.body_kind = SIM_BODY_TEXT;
	rt.body = body;
	rt.body_len = strlen(body);
	sim_http_answer(c, &rt, "");
}

/* An error or refusal with a small JSON body. */
static void
sim_http_error(struct sim_conn *c, unsigned status, const char *extra)
{
	struct sim_route rt;
	char body[128];
	int n;

	n = snprintf(body, sizeof body, "{\"error\":\"%s\"}\n",
	    sim_http_reason(status));
	memset(&rt, 0, sizeof rt);
	rt.status = status;
	rt.framing = SIM_FRAMING_LENGTH;
	rt.body_kind = SIM_BODY_TEXT;
	rt.body = body;
	rt.body_len = (size_t)n;
	sim_http_answer(c, &rt, extra);
}

/* Request head parsing. */

static int
sim_tchar(int ch)
{
	return (ch > 0x20 && ch < 0x7f &&
	    strchr("\"(),/:;<=>?@[\\]{}", ch) == NULL);
}

/* The next line of [*p, end): CR LF or a bare LF.  0 at the end. */
static int
sim_next_line(const char **p, const char *end, const char **line, size_t *len)
{
	const char *nl;

	if (*p >= end)
		return (0);
	if ((nl = memchr(*p, '\n', (size_t)(end - *p))) == NULL)
		nl = end;
	*line = *p;
	*len = (size_t)(nl - *p);
	if (*len > 0 && (*line)[*len - 1] == '\r')
		(*len)--;
	*p = nl < end ? nl + 1 : end;
	return (1);
}

/* Does the comma-separated list in v contain token (any case)? */
static int
sim_list_has(const char *v, size_t len, const char *token)
{
	size_t tlen = strlen(token), i = 0, s, e;

	while (i < len) {
		while (i < len && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		s = i;
		while (i < len && v[i] != ',')
			i++;
		e = i;
		while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'))
			e--;
		if (e - s == tlen && strncasecmp(v + s, token, tlen) == 0)
			return (1);
	}
	return (0);
}

static int
sim_hdr_is(const char *name, size_t len, const char *want)
{
	return (strlen(want) == len && strncasecmp(name, want, len) == 0);
}

/* "METHOD SP TARGET SP HTTP/1.x"; -1 if malformed. */
static int
sim_parse_request_line(const char *l, size_t len, struct sim_req *rq)
{
	const char *end = l + len, *sp, *q;

	for (sp = l; sp < end && sim_tchar((unsigned char)*sp); sp++)
		;
	if (sp == l || sp == end || *sp != ' ')
		return (-1);
	rq->method = l;
	rq->method_len = (size_t)(sp - l);
	l = sp + 1;
	for (sp = l; sp < end && (unsigned char)*sp > 0x20 && *sp != 0x7f; sp++)
		;
	if (sp == l || sp == end || *sp != ' ')
		return (-1);
	rq->path = l;
	if ((q = memchr(l, '?', (size_t)(sp - l))) == NULL) {
		rq->query = "";
		rq->query_len = 0;
		q = sp;
	} else {
		rq->query = q + 1;
		rq->query_len = (size_t)(sp - q - 1);
	}
	rq->path_len = (size_t)(q - l);
	l = sp + 1;
	if (end - l != 8 || memcmp(l, "HTTP/1.", 7) != 0 ||
	    (l[7] != '0' && l[7] != '1'))
		return (-1);
	rq->minor = l[7] - '0';
	return (0);
}

static int
sim_parse_clen(const char *v, size_t len, long long *out)
{
	long long n = 0;
	size_t i;

	if (len == 0 || len > 12)
		return (-1);
	for (i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return (-1);
		n = n * 10 + (v[i] - '0');
	}
	if (*out != -1 && *out != n)
		return (-1); /* two different lengths: smuggling */
	*out = n;
	return (0);
}

static int
sim_parse_header(const char *l, size_t len, struct sim_req *rq)
{
	const char *colon, *v, *end = l + len;
	size_t nlen, vlen;

	if ((colon = memchr(l, ':', len)) == NULL)
		return (-1);
	nlen = (size_t)(colon - l);
	if (nlen == 0)
		return (-1);
	for (v = l; v < colon; v++)
		if (!sim_tchar((unsigned char)*v))
			return (-1);
	for (v = colon + 1; v < end && (*v == ' ' || *v == '\t'); v++)
		;
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	vlen = (size_t)(end - v);
	if (sim_hdr_is(l, nlen, "Upgrade")) {
		rq->has_upgrade = 1;
		rq->ws_upgrade |= sim_list_has(v, vlen, "websocket");
	} else if (sim_hdr_is(l, nlen, "Connection"))
		rq->conn_upgrade |= sim_list_has(v, vlen, "upgrade");
	else if (sim_hdr_is(l, nlen, "Sec-WebSocket-Version")) {
		rq->version13 = vlen == 2 && memcmp(v, "13", 2) == 0;
	} else if (sim_hdr_is(l, nlen, "Sec-WebSocket-Key")) {
		rq->key = v;
		rq->key_len = vlen;
	} else if (sim_hdr_is(l, nlen, "Content-Length"))
		return (sim_parse_clen(v, vlen, &rq->clen));
	else if (sim_hdr_is(l, nlen, "Transfer-Encoding"))
		rq->has_te = 1;
	return (0);
}

/* Parses a complete head (up to and with its empty line). */
static int
sim_parse_head(const char *h, size_t len, struct sim_req *rq)
{
	const char *p = h, *end = h + len, *l;
	size_t ll;

	memset(rq, 0, sizeof *rq);
	rq->clen = -1;
	if (!sim_next_line(&p, end, &l, &ll) ||
	    sim_parse_request_line(l, ll, rq) != 0)
		return (-1);
	while (sim_next_line(&p, end, &l, &ll) && ll > 0) {
		if (*l == ' ' || *l == '\t')
			return (-1); /* obsolete line folding */
		if (sim_parse_header(l, ll, rq) != 0)
			return (-1);
	}
	return (0);
}

/*
 * Looks for the end of the head in the bytes read since the last call.
 * Returns the head's length, 0 if incomplete, -1 if the request line is
 * already malformed.
 */
static ssize_t
sim_head_end(struct sim_conn *c)
{
	const char *d = (const char *)c->in.data;
	struct sim_req rq;
	size_t i, ll;

	for (i = c->scan; i < c->in.len; i++) {
		if (d[i] != '\n')
			continue;
		ll = i - c->line_start;
		if (ll > 0 && d[i - 1] == '\r')
			ll--;
		if (c->line_start == 0 &&
		    sim_parse_request_line(d, ll, &rq) != 0)
			return (-1); /* say so now, not after 16 KiB */
		if (ll == 0)
			return ((ssize_t)(i + 1));
		c->line_start = i + 1;
	}
	c->scan = c->in.len;
	return (0);
}

/* WebSocket handshake. */

/*
 * The Accept for key (klen bytes) into out (29 bytes), computed by the
 * client's own http_ws_accept; "upgrade badkey" flips one character so
 * the value stays well-formed but wrong.
 */
static int
sim_ws_accept(const char *key, size_t klen, int wrong, char *out)
{
	char k[25];

	if (klen != 24)
		return (-1);
	memcpy(k, key, 24);
	k[24] = '\0';
	http_ws_accept(k, out);
	if (wrong)
		out[0] = out[0] == 'A' ? 'B' : 'A';
	return (0);
}

/* A key is the base64 of 16 bytes: 22 characters and "==". */
static int
sim_ws_key_ok(const char *k, size_t len)
{
	size_t i;

	if (k == NULL || len != 24 || k[22] != '=' || k[23] != '=')
		return (0);
	for (i = 0; i < 22; i++)
		if (!((k[i] >= 'A' && k[i] <= 'Z') ||
			(k[i] >= 'a' && k[i] <= 'z') ||
			(k[i] >= '0' && k[i] <= '9') || k[i] == '+' ||
			k[i] == '/'))
			return (0);
	return (1);
}

static ssize_t
sim_ws_send_cb(wslay_event_context_ptr ctx, const uint8_t *data, size_t len,
    int flags, void *arg)
{
	struct sim_conn *c = arg;

	(void)flags;
	/* Whole frames go to c->out; the socket is written after. */
	if (sim_buf_add(&c->out, data, len) != 0) {
		wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
		return (-1);
	}
	return ((ssize_t)len);
}

static ssize_t
sim_ws_recv_cb(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags,
    void *arg)
{
	struct sim_conn *c = arg;
	ssize_t n;

	(void)flags;
	if (sim_buf_pending(&c->in) > 0) { /* sent with the request head */
		n = (ssize_t)(sim_buf_pending(&c->in) < len
			? sim_buf_pending(&c->in)
			: len);
		memcpy(buf, c->in.data + c->in.off, (size_t)n);
		c->in.off += (size_t)n;
		return (n);
	}
	n = tls_io_read(&c->io, buf, len);
	c->rblock = n == TLS_WANT_WRITE ? EV_WRITE : 0;
	if (n > 0)
		return (n);
	if (n == TLS_WANT_READ || n == TLS_WANT_WRITE)
		wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
	else
		wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
	return (-1);
}

/* Appends an unmasked frame header (server frames are never masked). */
static int
sim_frame_head(struct sim_buf *b, int fin, unsigned opcode, uint64_t len)
{
	uint8_t h[10];
	size_t n = 2;
	int i;

	h[0] = (uint8_t)((fin ? 0x80 : 0) | (opcode & 0x0f));
	if (len < 126)
		h[1] = (uint8_t)len;
	else if (len <= 0xffff) {
		h[1] = 126;
		h[2] = (uint8_t)(len >> 8);
		h[3] = (uint8_t)len;
		n = 4;
	} else {
		h[1] = 127;
		for (i = 0; i < 8; i++)
			h[2 + i] = (uint8_t)(len >> (56 - 8 * i));
		n = 10;
	}
	return (sim_buf_add(b, h, n));
}

static int
sim_frame(struct sim_buf *b, int fin, unsigned opcode, const void *p,
    size_t len)
{
	if (sim_frame_head(b, fin, opcode, len) != 0)
		return (-1);
	return (len > 0 ? sim_buf_add(b, p, len) : 0);
}

/*
 * Before hand-built bytes: move everything wslay holds into c->out, so
 * the raw bytes follow whole frames.  -1 if the connection is dead.
 */
static int
sim_ws_raw_begin(struct sim_conn *c)
{
	if (wslay_event_want_write(c->ws) && wslay_event_send(c->ws) != 0)
		return (-1);
	return (wslay_event_want_write(c->ws) ? -1 : 0);
}

/* TEXT in n fragments, fin=0 first, a ping between each, fin=1 last. */
static int
sim_ws_send_frag(struct sim_conn *c, const struct sim_action *a)
{
	size_t base, extra, off = 0, len;
	unsigned i;

	if (a->n == 0) /* the scenario parser never makes one */
		return (-1);
	base = a->len / a->n;
	extra = a->len % a->n;
	for (i = 0; i < a->n; i++) {
		len = base + (i < extra ? 1 : 0);
		if (i > 0 &&
		    sim_frame(&c->out, 1, WSLAY_PING, SIM_FRAG_PING,
			sizeof SIM_FRAG_PING - 1) != 0)
			return (-1);
		if (sim_frame(&c->out, i + 1 == a->n,
			i == 0 ? WSLAY_TEXT_FRAME : WSLAY_CONTINUATION_FRAME,
			a->text + off, len) != 0)
			return (-1);
		off += len;
	}
	return (0);
}

static int
sim_ws_oversize(struct sim_conn *c, size_t n)
{
	if (sim_frame_head(&c->out, 1, WSLAY_TEXT_FRAME, n) != 0 ||
	    sim_buf_reserve(&c->out, n) != 0)
		return (-1);
	memset(c->out.data + c->out.len, 'x', n);
	c->out.len += n;
	return (0);
}

/* The faults that write raw bytes; wslay has been drained first. */
static int
sim_ws_raw_act(struct sim_conn *c, const struct sim_action *a)
{
	static const char garbage[] = "\xff\xff\xff\xff garbage\r\n";
	static const uint8_t badclose[] = { 0x88, 0x02, 0x03, 0xed }; /* 1005 */
	static const uint8_t half = 0x81; /* FIN + text, no length byte */

	if (sim_ws_raw_begin(c) != 0)
		return (-1);
	switch (a->kind) {
	case SIM_ACT_SEND_FRAG:
		sim_stat_inc(c->ep, &c->ep->stats.msgs_out);
		return (sim_ws_send_frag(c, a));
	case SIM_ACT_OVERSIZE:
		sim_stat_inc(c->ep, &c->ep->stats.msgs_out);
		return (sim_ws_oversize(c, a->n));
	case SIM_ACT_GARBAGE:
		return (sim_buf_add(&c->out, garbage, sizeof garbage - 1));
	case SIM_ACT_STALL:
		/* Half a header, then silence: the client must time out. */
		c->stalled = 1;
		wslay_event_shutdown_write(c->ws);
		return (sim_buf_add(&c->out, &half, 1));
	case SIM_ACT_BADCLOSE:
		c->stalled = c->close_queued = 1;
		wslay_event_shutdown_write(c->ws);
		sim_conn_set_timer(c, SIM_CLOSE_WAIT);
		return (sim_buf_add(&c->out, badclose, sizeof badclose));
	default:
		return (0);
	}
}

/* Is the connection ending?  Then scripts and sessions send nothing. */
static int
sim_conn_ending(const struct sim_conn *c)
{
	return (c->closing || c->stalled || c->close_queued ||
	    c->state != SIM_CONN_WS || wslay_event_get_close_received(c->ws));
}

/* Runs one scripted action.  Never frees c: it sets c->closing. */
static void
sim_ws_act(struct sim_conn *c, const struct sim_action *a)
{
	struct wslay_event_msg m;
	int r = 0;

	if (sim_conn_ending(c))
		return; /* the connection is ending: scripts stop */
	memset(&m, 0, sizeof m);
	switch (a->kind) {
	case SIM_ACT_SEND:
	case SIM_ACT_SEND_BINARY:
		m.opcode = a->kind == SIM_ACT_SEND ? WSLAY_TEXT_FRAME
						   : WSLAY_BINARY_FRAME;
		m.msg = (const uint8_t *)a->text;
		m.msg_length = a->len;
		r = wslay_event_queue_msg(c->ws, &m);
		sim_stat_inc(c->ep, &c->ep->stats.msgs_out);
		break;
	case SIM_ACT_PING:
		m.opcode = WSLAY_PING;
		m.msg = (const uint8_t *)a->text;
		m.msg_length = a->len;
		r = wslay_event_queue_msg(c->ws, &m);
		break;
	case SIM_ACT_CLOSE:
		r = wslay_event_queue_close(c->ws, (uint16_t)a->n,
		    (const uint8_t *)a->text, a->len);
		c->close_queued = 1;
		sim_conn_set_timer(c, SIM_CLOSE_WAIT);
		break;
	case SIM_ACT_DROP:
		/* What is already queued still goes out, if it can now. */
		if (sim_ws_raw_begin(c) == 0)
			(void)sim_conn_flush(c);
		wslay_event_shutdown_read(c->ws); /* stop wslay_event_recv */
		c->closing = c->abrupt = 1;
		return;
	default:
		r = sim_ws_raw_act(c, a);
		break;
	}
	if (r != 0)
		c->closing = 1;
}

static void
sim_ws_on_text(struct sim_conn *c, const uint8_t *msg, size_t len)
{
	const struct sim_endpoint_spec *spec = c->ep->spec;
	const struct sim_rule *r;
	unsigned i;

	sim_keep(c->ep, msg, len);
	if (c->vc != NULL && !sim_conn_ending(c))
		sim_vconn_text(c->vc, (const char *)msg, len);
	for (i = 0; i < spec->nrules && !c->closing; i++) {
		r = &spec->rules[i];
		if (r->when != SIM_ON_MESSAGE)
			continue;
		if (r->match == NULL ||
		    memmem(msg, len, r->match, strlen(r->match)) != NULL)
			sim_ws_act(c, &r->act);
	}
}

static void
sim_ws_msg_cb(wslay_event_context_ptr ctx,
    const struct wslay_event_on_msg_recv_arg *arg, void *user)
{
	struct sim_conn *c = user;
	struct sim_stats *st = &c->ep->stats;

	(void)ctx;
	switch (arg->opcode) {
	case WSLAY_TEXT_FRAME:
		sim_stat_inc(c->ep, &st->msgs_in);
		/* An empty message may come as NULL: never pass that on. */
		sim_ws_on_text(c,
		    arg->msg != NULL ? arg->msg : (const uint8_t *)"",
		    arg->msg_length);
		break;
	case WSLAY_BINARY_FRAME:
		sim_stat_inc(c->ep, &st->msgs_in);
		break;
	case WSLAY_PONG:
		sim_stat_inc(c->ep, &st->pongs_in);
		if (c->vc != NULL)
			sim_vconn_pong(c->vc);
		break;
	case WSLAY_CONNECTION_CLOSE:
		/* wslay has queued the answering close (unless ours went) */
		sim_stat_inc(c->ep, &st->closes_in);
		break;
	default:
		break; /* pings: wslay queues the pong */
	}
}

static const struct wslay_event_callbacks sim_ws_callbacks = {
	.recv_callback = sim_ws_recv_cb,
	.send_callback = sim_ws_send_cb,
	.on_msg_recv_callback = sim_ws_msg_cb,
};

static void
sim_ws_recv(struct sim_conn *c)
{
	/* Fails on EOF, a reset or ENOMEM; protocol errors queue a close. */
	if (wslay_event_recv(c->ws) != 0)
		c->closing = 1;
}

/* Arms the `on open` rules that run later or repeatedly. */
static void
sim_ws_start_rules(struct sim_conn *c)
{
	const struct sim_endpoint_spec *spec = c->ep->spec;
	struct ev_loop *loop = c->ep->sim->loop;
	const struct sim_rule *r;
	struct sim_timer *t;
	unsigned i;

	for (i = 0; i < spec->nrules && !c->closing; i++) {
		r = &spec->rules[i];
		if (r->when != SIM_ON_OPEN)
			continue;
		t = &c->timers[c->ntimers];
		t->c = c;
		t->r = r;
		if (r->after == 0) {
			sim_ws_act(c, &r->act);
			t->runs = 1;
			if (r->every == 0 || (r->count > 0 && r->count <= 1))
				continue;
		}
		ev_timer_init(&t->w, sim_rule_timer_cb,
		    r->after > 0 ? r->after : r->every, r->every);
		ev_timer_start(loop, &t->w);
		c->ntimers++;
	}
}

/* 101 sent (or about to be): wslay (and a venue session) takes over. */
static void
sim_ws_open(struct sim_conn *c, const struct sim_req *rq, size_t head_len)
{
	const struct sim_endpoint_spec *spec = c->ep->spec;
	struct sim_market *m = c->ep->sim->market;
	unsigned i, n = 0;

	for (i = 0; i < spec->nrules; i++)
		n += spec->rules[i].when == SIM_ON_OPEN;
	if (wslay_event_context_server_init(&c->ws, &sim_ws_callbacks, c) !=
		0 ||
	    (n > 0 && (c->timers = calloc(n, sizeof *c->timers)) == NULL) ||
	    (spec->venue.kind != SIM_VENUE_NONE &&
		(c->vc = sim_vconn_new(m, c->ep->index, c)) == NULL)) {
		c->closing = 1;
		return;
	}
	/* An oversized message is a clean 1009 close, not an allocation. */
	wslay_event_config_set_max_recv_msg_length(c->ws, SIM_RECV_MAX);
	c->state = SIM_CONN_WS;
	c->in.off = head_len; /* early frames are wslay's */
	sim_conn_set_timer(c, 0);
	c->ws_open = 1;
	sim_stat_inc(c->ep, &c->ep->stats.upgrades);
	sim_stat_open(c->ep, 1);
	if (c->vc != NULL)
		sim_vconn_open(c->vc, rq->path, rq->path_len, rq->query,
		    rq->query_len);
	sim_ws_start_rules(c);
	if (!c->closing)
		sim_ws_recv(c); /* early frames, or bytes OpenSSL holds */
}

/* A request on a ws endpoint: upgrade, or refuse. */
static void
sim_ws_request(struct sim_conn *c, const struct sim_req *rq, size_t head_len)
{
	const struct sim_endpoint_spec *spec = c->ep->spec;
	static char noupgrade[] = "{\"result\":\"this is not a websocket\"}\n";
	struct sim_route rt;
	char resp[256], accept[32], body[256];
	unsigned status;
	int n;

	if (!rq->has_upgrade) {
		sim_http_error(c, 426, "Upgrade: websocket\r\n");
		goto refused;
	}
	if (!rq->ws_upgrade || !rq->conn_upgrade || rq->minor != 1 ||
	    rq->method_len != 3 || memcmp(rq->method, "GET", 3) != 0 ||
	    !sim_ws_key_ok(rq->key, rq->key_len)) {
		sim_http_error(c, 400, "");
		goto refused;
	}
	if (!rq->version13) {
		sim_http_error(c, 400, "Sec-WebSocket-Version: 13\r\n");
		goto refused;
	}
	if (spec->venue.kind != SIM_VENUE_NONE &&
	    (status = sim_venue_admit(&spec->venue, rq->path, rq->path_len,
		 rq->query, rq->query_len, body, sizeof body)) != 0) {
		sim_http_text(c, status, body);
		goto refused;
	}
	switch (spec->upgrade) {
	case SIM_UPGRADE_403:
		sim_http_error(c, 403, "");
		goto refused;
	case SIM_UPGRADE_NOUPGRADE:
		memset(&rt, 0, sizeof rt);
		rt.status = 200;
		rt.framing = SIM_FRAMING_LENGTH;
		rt.body = noupgrade;
		rt.body_len = sizeof noupgrade - 1;
		sim_http_answer(c, &rt, "");
		goto refused;
	default:
		break;
	}
	if (sim_ws_accept(rq->key, rq->key_len,
		spec->upgrade == SIM_UPGRADE_BADKEY, accept) != 0) {
		c->closing = 1;
		return;
	}
	/* No Sec-WebSocket-Extensions: wslay implements none. */
	n = snprintf(resp, sizeof resp,
	    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
	    "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n",
	    accept);
	if (sim_buf_add(&c->out, resp, (size_t)n) != 0) {
		c->closing = 1;
		return;
	}
	sim_ws_open(c, rq, head_len);
	return;

refused:
	sim_stat_inc(c->ep, &c->ep->stats.refused);
}

/* HTTP routes. */

static const struct sim_route *
sim_route_find(const struct sim_endpoint_spec *spec, const struct sim_req *rq)
{
	const struct sim_route *rt;
	unsigned i;

	for (i = 0; i < spec->nroutes; i++) {
		rt = &spec->routes[i];
		if (strlen(rt->method) == rq->method_len &&
		    memcmp(rt->method, rq->method, rq->method_len) == 0 &&
		    strlen(rt->path) == rq->path_len &&
		    memcmp(rt->path, rq->path, rq->path_len) == 0)
			return (rt);
	}
	return (NULL);
}

/* KuCoin's bullet-public: the kucoin endpoint's token and address. */
static void
sim_http_bullet(struct sim_conn *c, const struct sim_route *rt)
{
	const struct sim_ep *ws = sim_find(c->ep->sim, rt->bullet);
	char body[1024];

	if (ws == NULL ||
	    sim_venue_bullet(&ws->spec->venue, ws->ctx != NULL, ws->port, body,
		sizeof body) < 0) {
		sim_http_error(c, 500, "");
		return;
	}
	sim_http_text(c, rt->status, body);
}

/* A venue's instruments list, built from the market at each request. */
static void
sim_http_meta(struct sim_conn *c, const struct sim_route *rt)
{
	struct sim_market *m = c->ep->sim->market;
	struct sim_route ans;
	struct sim_sb b;

	memset(&b, 0, sizeof b);
	if (m == NULL ||
	    sim_market_meta(m, (enum venue_id)rt->venue, &b) != 0) {
		free(b.p);
		sim_http_error(c, 500, "");
		return;
	}
	ans = *rt;
	ans.body_kind = SIM_BODY_TEXT;
	ans.body = b.p;
	ans.body_len = b.len;
	sim_http_answer(c, &ans, "");
	free(b.p);
}

/* The request is complete: answer now, later, or never. */
static void
sim_http_route(struct sim_conn *c)
{
	const struct sim_route *rt = c->route;

	if (rt == NULL) {
		sim_http_error(c, 404, "");
		return;
	}
	if (rt->body_kind == SIM_BODY_BULLET) {
		sim_http_bullet(c, rt);
		return;
	}
	if (rt->body_kind == SIM_BODY_META) {
		sim_http_meta(c, rt);
		return;
	}
	if (rt->body_kind == SIM_BODY_HANG || rt->delay > 0) {
		c->state = SIM_CONN_WAIT; /* @hang: no timer at all */
		sim_conn_set_timer(c,
		    rt->body_kind == SIM_BODY_HANG ? 0 : rt->delay);
		sim_conn_discard(c);
		return;
	}
	sim_http_answer(c, rt, "");
}

/* Drops the request body, then routes. */
static void
sim_conn_read_body(struct sim_conn *c)
{
	uint8_t buf[SIM_READ_CHUNK];
	ssize_t n;

	while (c->body_left > 0) {
		n = tls_io_read(&c->io, buf,
		    c->body_left < sizeof buf ? c->body_left : sizeof buf);
		c->rblock = n == TLS_WANT_WRITE ? EV_WRITE : 0;
		if (n <= 0) {
			if (n != TLS_WANT_READ && n != TLS_WANT_WRITE)
				c->closing = 1;
			return;
		}
		c->body_left -= (size_t)n;
	}
	sim_http_route(c);
}

static void
sim_http_request(struct sim_conn *c, const struct sim_req *rq, size_t head_len)
{
	size_t early = c->in.len - head_len;

	sim_stat_inc(c->ep, &c->ep->stats.http_requests);
	if (rq->has_te) {
		sim_http_error(c, 501, ""); /* no chunked request bodies */
		return;
	}
	if (rq->clen > SIM_BODY_MAX) {
		sim_http_error(c, 413, "");
		return;
	}
	c->route = sim_route_find(c->ep->spec, rq);
	c->body_left = rq->clen > 0 ? (size_t)rq->clen : 0;
	c->body_left -= early < c->body_left ? early : c->body_left;
	c->state = SIM_CONN_BODY;
	sim_conn_read_body(c);
}

/* A complete head is in c->in: dispatch on the endpoint's kind. */
static void
sim_conn_dispatch(struct sim_conn *c, size_t head_len)
{
	struct sim_req rq;

	if (sim_parse_head((const char *)c->in.data, head_len, &rq) != 0) {
		sim_stat_inc(c->ep,
		    c->ep->spec->http ? &c->ep->stats.http_requests
				      : &c->ep->stats.refused);
		sim_http_error(c, 400, "");
		return;
	}
	if (c->ep->spec->http)
		sim_http_request(c, &rq, head_len);
	else
		sim_ws_request(c, &rq, head_len);
}

static void
sim_conn_bad_request(struct sim_conn *c, unsigned status)
{
	sim_stat_inc(c->ep,
	    c->ep->spec->http ? &c->ep->stats.http_requests
			      : &c->ep->stats.refused);
	sim_http_error(c, status, "");
}

/* Reads the request head: at most SIM_HEAD_MAX bytes. */
static void
sim_conn_read_head(struct sim_conn *c)
{
	ssize_t n, end;
	size_t room;

	for (;;) {
		room = SIM_HEAD_MAX - c->in.len;
		if (room == 0) {
			/* a request line that long is garbage; else 431 */
			sim_conn_bad_request(c, c->line_start == 0 ? 400 : 431);
			return;
		}
		if (sim_buf_reserve(&c->in, room) != 0) {
			c->closing = 1;
			return;
		}
		n = tls_io_read(&c->io, c->in.data + c->in.len, room);
		c->rblock = n == TLS_WANT_WRITE ? EV_WRITE : 0;
		if (n <= 0) {
			if (n != TLS_WANT_READ && n != TLS_WANT_WRITE)
				c->closing = 1; /* gone before asking */
			return;
		}
		c->in.len += (size_t)n;
		if ((end = sim_head_end(c)) == -1) {
			sim_conn_bad_request(c, 400);
			return;
		}
		if (end > 0) {
			sim_conn_dispatch(c, (size_t)end);
			return;
		}
	}
}

static void
sim_conn_handshake(struct sim_conn *c)
{
	int r = tls_io_handshake(&c->io);

	if (r == TLS_OK) {
		c->state = SIM_CONN_REQUEST;
		sim_conn_read_head(c); /* OpenSSL may hold the request */
		return;
	}
	if (r == TLS_WANT_READ || r == TLS_WANT_WRITE) {
		c->hs_want = r == TLS_WANT_READ ? EV_READ : EV_WRITE;
		return;
	}
	log_debug("sim %s: tls: %s: %s", c->ep->spec->name,
	    c->io.reason != NULL ? c->io.reason : "?", c->io.detail);
	sim_stat_inc(c->ep, &c->ep->stats.tls_failed);
	c->closing = 1;
}

static void
sim_conn_io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct sim_conn *c = container_of(w, struct sim_conn, w);

	(void)loop;
	(void)revents; /* a spurious read attempt costs one EAGAIN */
	switch (c->state) {
	case SIM_CONN_HANDSHAKE:
		sim_conn_handshake(c);
		break;
	case SIM_CONN_REQUEST:
		sim_conn_read_head(c);
		break;
	case SIM_CONN_BODY:
		sim_conn_read_body(c);
		break;
	case SIM_CONN_WAIT:
	case SIM_CONN_LINGER:
		sim_conn_discard(c);
		break;
	case SIM_CONN_WS:
		sim_ws_recv(c);
		break;
	case SIM_CONN_REPLY:
		break; /* only writing: sim_conn_after() */
	}
	sim_conn_after(c);
}

static void
sim_conn_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct sim_conn *c = container_of(w, struct sim_conn, timer);

	(void)loop;
	(void)revents;
	switch (c->state) {
	case SIM_CONN_WAIT: /* the route's delay is over */
		sim_http_answer(c, c->route, "");
		break;
	case SIM_CONN_HANDSHAKE:
		sim_stat_inc(c->ep, &c->ep->stats.tls_failed);
		c->closing = 1;
		break;
	default: /* request, reply, close wait or linger: time is up */
		c->closing = 1;
		break;
	}
	sim_conn_after(c);
}

static void
sim_rule_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct sim_timer *t = container_of(w, struct sim_timer, w);
	struct sim_conn *c = t->c;

	(void)revents;
	t->runs++;
	if (t->r->every == 0 || (t->r->count > 0 && t->runs >= t->r->count) ||
	    c->stalled || c->close_queued)
		ev_timer_stop(loop, w); /* done, or the script has ended */
	sim_ws_act(c, &t->r->act);
	sim_conn_after(c); /* may free c and t */
}

/* Listeners. */

static void
sim_conn_new(struct sim_ep *ep, int fd)
{
	struct ev_loop *loop = ep->sim->loop;
	struct sim_conn *c;
	int one = 1;

	sim_stat_inc(ep, &ep->stats.accepted);
	/* Latency matters more than packet count on loopback. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if ((c = calloc(1, sizeof *c)) == NULL) {
		close(fd);
		sim_stat_inc(ep, &ep->stats.disconnects);
		return;
	}
	c->ep = ep;
	TAILQ_INSERT_TAIL(&ep->conns, c, entry);
	if (tls_io_init(&c->io, ep->ctx, fd, NULL, 1) != 0) {
		sim_stat_inc(ep, &ep->stats.tls_failed);
		sim_conn_free(c); /* the fd is already closed */
		return;
	}
	c->state = ep->ctx != NULL ? SIM_CONN_HANDSHAKE : SIM_CONN_REQUEST;
	c->hs_want = EV_READ; /* the client speaks first */
	ev_io_init(&c->w, sim_conn_io_cb, fd, EV_READ);
	ev_io_start(loop, &c->w);
	ev_init(&c->timer, sim_conn_timer_cb);
	sim_conn_set_timer(c, SIM_REQUEST_TIMEOUT);
}

static void
sim_accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct sim_ep *ep = container_of(w, struct sim_ep, accept_w);
	int fd, i;

	(void)revents;
	for (i = 0; i < SIM_ACCEPT_BATCH; i++) {
		fd = accept4(ep->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd != -1) {
			sim_conn_new(ep, fd);
			continue;
		}
		if (errno == EINTR || errno == ECONNABORTED)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return;
		/* EMFILE and friends: back off instead of spinning. */
		log_warn("sim %s: accept: %s", ep->spec->name, strerror(errno));
		ev_io_stop(loop, &ep->accept_w);
		ev_timer_start(loop, &ep->retry_w);
		return;
	}
}

static void
sim_accept_retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct sim_ep *ep = container_of(w, struct sim_ep, retry_w);

	(void)revents;
	ev_io_start(loop, &ep->accept_w);
}

static int
sim_listen(struct sim_ep *ep, char **cause)
{
	struct sockaddr_in sin;
	socklen_t slen = sizeof sin;
	int one = 1;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = 0; /* the kernel picks: parallel tests never clash */
	ep->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (ep->fd == -1 ||
	    setsockopt(ep->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ==
		-1 ||
	    bind(ep->fd, (struct sockaddr *)&sin, sizeof sin) == -1 ||
	    listen(ep->fd, 128) == -1 ||
	    getsockname(ep->fd, (struct sockaddr *)&sin, &slen) == -1) {
		xasprintf(cause, "endpoint %s: listen on 127.0.0.1: %s",
		    ep->spec->name, strerror(errno));
		if (ep->fd != -1)
			close(ep->fd);
		ep->fd = -1;
		return (-1);
	}
	ep->port = ntohs(sin.sin_port);
	ev_io_init(&ep->accept_w, sim_accept_cb, ep->fd, EV_READ);
	ev_timer_init(&ep->retry_w, sim_accept_retry_cb, SIM_ACCEPT_RETRY, 0.);
	return (0);
}

/* Closes every connection and listener; the loop must not be running. */
static void
sim_close_all(struct sim *s)
{
	struct sim_conn *c, *next;
	struct sim_ep *ep;
	unsigned i;

	for (i = 0; i < s->neps; i++) {
		ep = &s->eps[i];
		for (c = TAILQ_FIRST(&ep->conns); c != NULL; c = next) {
			next = TAILQ_NEXT(c, entry);
			sim_conn_free(c);
		}
		ev_io_stop(s->loop, &ep->accept_w);
		ev_timer_stop(s->loop, &ep->retry_w);
		if (ep->fd != -1)
			close(ep->fd);
		ep->fd = -1;
	}
}

/* Public interface. */

static int
sim_has_venues(const struct sim_script *sc)
{
	unsigned i;

	for (i = 0; i < sc->neps; i++)
		if (sc->eps[i].venue.kind != SIM_VENUE_NONE)
			return (1);
	return (0);
}

/* Takes sc; builds the endpoints' TLS contexts and the venue market. */
static struct sim *
sim_new_script(const char *name, struct sim_script *sc,
    const struct symbols *sym, char **cause)
{
	struct sim *s;
	struct sim_ep *ep;
	char *why = NULL;
	unsigned i;

	s = xcalloc(1, sizeof *s);
	pthread_mutex_init(&s->mu, NULL);
	s->sc = sc;
	s->eps = xcalloc(s->sc->neps, sizeof *s->eps);
	for (i = 0; i < s->sc->neps; i++) {
		ep = &s->eps[s->neps++];
		ep->sim = s;
		ep->spec = &s->sc->eps[i];
		ep->index = i;
		ep->fd = -1;
		TAILQ_INIT(&ep->conns);
		if (ep->spec->tls &&
		    (ep->ctx = tls_ctx_server(ep->spec->cert, ep->spec->key,
			 &why)) == NULL) {
			xasprintf(cause, "%s:%u: endpoint %s: %s",
			    name != NULL ? name : "scenario", ep->spec->line,
			    ep->spec->name, why);
			free(why);
			goto fail;
		}
	}
	if (sim_has_venues(sc) &&
	    (s->market = sim_market_new(name, sc, sym, cause)) == NULL)
		goto fail;
	return (s);

fail:
	sim_free(s);
	return (NULL);
}

struct sim *
sim_new(const char *name, const char *script, const char *cert, const char *key,
    char **cause)
{
	struct sim_script *sc;

	if ((sc = sim_script_parse(name, script, cert, key, cause)) == NULL)
		return (NULL);
	return (sim_new_script(name, sc, NULL, cause));
}

struct sim *
sim_new_venues(const struct sim_venues_opts *o, char **cause)
{
	struct sim_script *sc;

	if ((sc = sim_script_venues(o, cause)) == NULL)
		return (NULL);
	return (sim_new_script("venues", sc, o->sym, cause));
}

static int
sim_start_listeners(struct sim *s, char **cause)
{
	unsigned i;

	for (i = 0; i < s->neps; i++) {
		if (sim_listen(&s->eps[i], cause) != 0) {
			sim_close_all(s);
			return (-1);
		}
	}
	for (i = 0; i < s->neps; i++)
		ev_io_start(s->loop, &s->eps[i].accept_w);
	return (0);
}

int
sim_start(struct sim *s, struct ev_loop *loop, char **cause)
{
	if (s->started) {
		xasprintf(cause, "sim: already started");
		return (-1);
	}
	s->loop = loop;
	if (sim_start_listeners(s, cause) != 0) {
		s->loop = NULL;
		return (-1);
	}
	s->started = 1;
	return (0);
}

static void
sim_stop_cb(struct ev_loop *loop, ev_async *w, int revents)
{
	(void)w;
	(void)revents;
	ev_break(loop, EVBREAK_ALL);
}

/* Drops the WebSocket connections of the endpoints sim_kick() marked. */
static void
sim_kick_cb(struct ev_loop *loop, ev_async *w, int revents)
{
	static const enum sim_act_kind kinds[] = {
		[SIM_KICK_DROP] = SIM_ACT_DROP,
		[SIM_KICK_STALL] = SIM_ACT_STALL,
		[SIM_KICK_GARBAGE] = SIM_ACT_GARBAGE,
	};
	struct sim *s = container_of(w, struct sim, kick_w);
	struct sim_conn *c, *next;
	struct sim_action a;
	struct sim_ep *ep;
	unsigned i;
	int how;

	(void)loop;
	(void)revents;
	for (i = 0; i < s->neps; i++) {
		ep = &s->eps[i];
		how = __atomic_exchange_n(&ep->kick, 0, __ATOMIC_ACQ_REL);
		if (how <= 0 || how >= (int)nitems(kinds))
			continue;
		memset(&a, 0, sizeof a);
		a.kind = kinds[how];
		for (c = TAILQ_FIRST(&ep->conns); c != NULL; c = next) {
			next = TAILQ_NEXT(c, entry);
			if (c->ws == NULL || sim_conn_ending(c) || c->stalled)
				continue;
			sim_ws_act(c, &a);
			sim_conn_after(c); /* may free c */
		}
	}
}

static void *
sim_thread_main(void *arg)
{
	struct sim *s = arg;

	ev_run(s->loop, 0);
	return (NULL);
}

int
sim_start_thread(struct sim *s, char **cause)
{
	sigset_t all, old;
	int err;

	if (s->started) {
		xasprintf(cause, "sim: already started");
		return (-1);
	}
	if ((s->loop = ev_loop_new(EVFLAG_AUTO)) == NULL) {
		xasprintf(cause, "sim: cannot create an event loop");
		return (-1);
	}
	s->own_loop = 1;
	if (sim_start_listeners(s, cause) != 0)
		goto fail;
	ev_async_init(&s->stop_w, sim_stop_cb);
	ev_async_start(s->loop, &s->stop_w);
	ev_async_init(&s->kick_w, sim_kick_cb);
	ev_async_start(s->loop, &s->kick_w);
	/* Signals belong to the main thread's loop, never to ours. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&s->thread, NULL, sim_thread_main, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err != 0) {
		xasprintf(cause, "sim: thread: %s", strerror(err));
		ev_async_stop(s->loop, &s->stop_w);
		ev_async_stop(s->loop, &s->kick_w);
		sim_close_all(s);
		goto fail;
	}
	s->threaded = s->started = 1;
	return (0);

fail:
	ev_loop_destroy(s->loop);
	s->loop = NULL;
	s->own_loop = 0;
	return (-1);
}

unsigned
sim_port(const struct sim *s, const char *endpoint)
{
	const struct sim_ep *ep = sim_find(s, endpoint);

	return (ep != NULL ? ep->port : 0);
}

const char *
sim_endpoint(const struct sim *s, unsigned i, const char **scheme)
{
	const struct sim_endpoint_spec *spec;

	if (i >= s->neps)
		return (NULL);
	spec = s->eps[i].spec;
	if (scheme != NULL)
		*scheme = spec->http ? (spec->tls ? "https" : "http")
				     : (spec->tls ? "wss" : "ws");
	return (spec->name);
}

int
sim_url(const struct sim *s, const char *endpoint, char *buf, size_t len)
{
	const struct sim_ep *ep = sim_find(s, endpoint);
	const char *path = "/";
	int n;

	if (ep == NULL || ep->port == 0)
		return (-1);
	if (ep->spec->venue.kind != SIM_VENUE_NONE)
		path = sim_venue_path(&ep->spec->venue);
	if (ep->spec->http)
		n = snprintf(buf, len, "%s://localhost:%u",
		    ep->ctx != NULL ? "https" : "http", ep->port);
	else
		n = snprintf(buf, len, "%s://localhost:%u%s",
		    ep->ctx != NULL ? "wss" : "ws", ep->port, path);
	return (n);
}

int
sim_kick(struct sim *s, const char *endpoint, enum sim_kick_how how)
{
	struct sim_ep *ep = sim_find(s, endpoint);

	if (ep == NULL || !s->threaded || how < SIM_KICK_DROP ||
	    how > SIM_KICK_GARBAGE)
		return (-1);
	__atomic_store_n(&ep->kick, (int)how, __ATOMIC_RELEASE);
	ev_async_send(s->loop, &s->kick_w);
	return (0);
}

int
sim_mute(struct sim *s, const char *endpoint, int on)
{
	const struct sim_ep *ep = sim_find(s, endpoint);

	if (ep == NULL || s->market == NULL)
		return (-1);
	return (sim_market_mute(s->market, ep->index, on));
}

uint64_t
sim_funding_jumps(struct sim *s, struct pricegen_funding_jump *last)
{
	if (s->market == NULL)
		return (0);
	return (sim_market_funding_jumps(s->market, last));
}

int
sim_funding_jump_of(struct sim *s, unsigned i, unsigned v,
    struct pricegen_funding_jump *out)
{
	if (s->market == NULL || i >= INST_NONE || v >= VENUE_COUNT)
		return (-1);
	return (sim_market_leg_jump(s->market, (inst_id)i, (enum venue_id)v,
	    out));
}

unsigned
sim_dislocations(struct sim *s, struct pricegen_dislocation *out, unsigned max)
{
	if (s->market == NULL)
		return (0);
	return (sim_market_dislocations(s->market, out, max));
}

void
sim_get_stats(struct sim *s, const char *endpoint, struct sim_stats *st)
{
	const struct sim_stats *e;
	unsigned i;

	memset(st, 0, sizeof *st);
	pthread_mutex_lock(&s->mu);
	for (i = 0; i < s->neps; i++) {
		if (endpoint != NULL &&
		    strcmp(s->eps[i].spec->name, endpoint) != 0)
			continue;
		e = &s->eps[i].stats;
		st->accepted += e->accepted;
		st->tls_failed += e->tls_failed;
		st->upgrades += e->upgrades;
		st->refused += e->refused;
		st->http_requests += e->http_requests;
		st->msgs_in += e->msgs_in;
		st->msgs_out += e->msgs_out;
		st->pongs_in += e->pongs_in;
		st->closes_in += e->closes_in;
		st->disconnects += e->disconnects;
		st->open_now += e->open_now;
		st->subscribed += e->subscribed;
		st->sub_errors += e->sub_errors;
		st->heartbeats += e->heartbeats;
		st->pushes += e->pushes;
		st->pings_out += e->pings_out;
		st->hb_timeouts += e->hb_timeouts;
		st->slow += e->slow;
	}
	pthread_mutex_unlock(&s->mu);
}

int
sim_received(struct sim *s, const char *endpoint, unsigned n, char *buf,
    size_t len)
{
	struct sim_ep *ep = sim_find(s, endpoint);
	size_t mlen, copy;
	unsigned slot;
	int rv = -1;

	if (ep == NULL)
		return (-1);
	pthread_mutex_lock(&s->mu);
	if (n < ep->kept_n) {
		slot = (ep->kept_next + SIM_KEEP - 1 - n) % SIM_KEEP;
		mlen = ep->kept_len[slot];
		if (len > 0) {
			copy = mlen < len - 1 ? mlen : len - 1;
			memcpy(buf, ep->kept[slot], copy);
			buf[copy] = '\0';
		}
		rv = mlen > INT_MAX ? INT_MAX : (int)mlen;
	}
	pthread_mutex_unlock(&s->mu);
	return (rv);
}

void
sim_stop(struct sim *s)
{
	if (s == NULL || !s->started)
		return;
	if (s->threaded) {
		ev_async_send(s->loop, &s->stop_w);
		pthread_join(s->thread, NULL);
		ev_async_stop(s->loop, &s->stop_w);
		ev_async_stop(s->loop, &s->kick_w);
		s->threaded = 0;
	}
	sim_close_all(s);
	if (s->own_loop) {
		ev_loop_destroy(s->loop);
		s->own_loop = 0;
	}
	s->loop = NULL;
	s->started = 0;
}

void
sim_free(struct sim *s)
{
	unsigned i, k;

	if (s == NULL)
		return;
	sim_stop(s);
	for (i = 0; i < s->neps; i++) {
		SSL_CTX_free(s->eps[i].ctx);
		for (k = 0; k < SIM_KEEP; k++)
			free(s->eps[i].kept[k]);
	}
	free(s->eps);
	sim_market_free(s->market);
	sim_script_free(s->sc);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

/* Connections, for the venue layer (sim_venue.h).  Loop thread only. */

struct ev_loop *
sim_conn_loop(const struct sim_conn *c)
{
	return (c->ep->sim->loop);
}

int
sim_conn_text(struct sim_conn *c, const char *text, size_t len)
{
	struct wslay_event_msg m;

	if (sim_conn_ending(c))
		return (-1);
	memset(&m, 0, sizeof m);
	m.opcode = WSLAY_TEXT_FRAME;
	m.msg = (const uint8_t *)text;
	m.msg_length = len;
	if (wslay_event_queue_msg(c->ws, &m) != 0) {
		c->closing = 1;
		return (-1);
	}
	sim_stat_inc(c->ep, &c->ep->stats.msgs_out);
	return (0);
}

int
sim_conn_ping(struct sim_conn *c)
{
	struct wslay_event_msg m;

	if (sim_conn_ending(c))
		return (-1);
	memset(&m, 0, sizeof m);
	m.opcode = WSLAY_PING;
	if (wslay_event_queue_msg(c->ws, &m) != 0) {
		c->closing = 1;
		return (-1);
	}
	return (0);
}

void
sim_conn_end(struct sim_conn *c, unsigned code, const char *reason)
{
	struct sim_action a;
	char text[124]; /* a close reason's limit, and its NUL */

	memset(&a, 0, sizeof a);
	a.kind = code == 0 ? SIM_ACT_DROP : SIM_ACT_CLOSE;
	a.n = code;
	if (reason != NULL) {
		snprintf(text, sizeof text, "%s", reason);
		a.text = text;
		a.len = strlen(text);
	}
	sim_ws_act(c, &a);
}

size_t
sim_conn_backlog(const struct sim_conn *c)
{
	return (sim_buf_pending(&c->out) +
	    (c->ws != NULL ? wslay_event_get_queued_msg_length(c->ws) : 0));
}

void
sim_conn_stat(struct sim_conn *c, enum sim_stat st)
{
	struct sim_stats *s = &c->ep->stats;
	uint64_t *f;

	switch (st) {
	case SIM_STAT_SUBSCRIBED:
		f = &s->subscribed;
		break;
	case SIM_STAT_SUB_ERRORS:
		f = &s->sub_errors;
		break;
	case SIM_STAT_HEARTBEATS:
		f = &s->heartbeats;
		break;
	case SIM_STAT_PUSHES:
		f = &s->pushes;
		break;
	case SIM_STAT_PINGS_OUT:
		f = &s->pings_out;
		break;
	case SIM_STAT_HB_TIMEOUTS:
		f = &s->hb_timeouts;
		break;
	default:
		f = &s->slow;
		break;
	}
	sim_stat_inc(c->ep, f);
}
