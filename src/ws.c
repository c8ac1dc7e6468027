/*
 * WebSocket client connections.
 *
 * Life of a connection: net_stream resolves, connects and does TLS; we
 * send the Upgrade and check the 101; then wslay runs the framing in
 * no-buffering mode, handing us frame chunks that we reassemble into the
 * per-connection buffer (allocated once, max_msg + 1 bytes), so a data
 * message costs one copy and no allocation.  Control frames (ping,
 * close) are wslay's: it answers pings and runs the close handshake.
 *
 * Teardown is never done inside a wslay callback: callbacks only set
 * flags (stop_req, close_req), and ws_pump acts after wslay returns.
 * Every path that ends a connection goes through ws_drop, which records
 * why, tells the owner, and schedules the next attempt.
 */
#include "autoconf.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>
#include <wslay/wslay.h>

#include "xarb.h"
#include "config.h"
#include "http.h"
#include "log.h"
#include "net.h"
#include "ws.h"
#include "xmalloc.h"

const char ws_err_upgrade[] = "websocket: upgrade failed";
const char ws_err_proto[] = "websocket: protocol error";
const char ws_err_too_big[] = "websocket: message too big";
const char ws_err_idle[] = "websocket: idle timeout";
const char ws_err_closed[] = "websocket: closed by peer";
const char ws_err_local[] = "websocket: closed locally";
const char ws_err_send[] = "websocket: send failed";

#define WS_MAX_MSG_DEFAULT (1u << 20)
#define WS_CLOSE_TOO_BIG 1009
/*
 * Bytes one readiness event may read before yielding to the loop: a
 * venue that floods must not starve the others, the timers or the
 * ring flush.  About 200 ticker messages.
 */
#define WS_READ_BUDGET ((size_t)64 * 1024)

struct ws_conn {
	struct ev_loop *loop;	       /* borrowed */
	struct net_resolver *resolver; /* borrowed */
	struct ws_config cfg;	       /* name and url point below */
	char *name;		       /* owned */
	char *url_text;		       /* owned */
	struct http_url url;
	struct net_stream s; /* embedded: the transport */
	enum ws_state state;
	int running; /* reconnect after a drop */

	wslay_event_context_ptr ctx; /* owned while open */
	int in_wslay;		     /* inside wslay_event_recv/send */
	size_t budget;		     /* bytes this wake-up may still read */
	int stop_req;		     /* a callback asked to stop */
	int close_req;		     /* a callback asked to close */
	uint16_t close_code;
	char close_reason[64];

	/* Upgrade: the request out, then the response in; reused buffer. */
	char key[25];
	char *hs;	/* owned, HTTP_HEAD_MAX bytes */
	size_t hs_len;	/* bytes in hs */
	size_t hs_off;	/* request bytes sent */
	size_t pre_off; /* stream bytes after the 101 head, fed first */
	size_t pre_len;

	/* The message being received. */
	char *rx; /* owned, max_msg + 1 bytes */
	size_t rx_len;
	int rx_ctrl; /* the current frame is a control frame */
	int rx_binary;
	int rx_drop;   /* over max_msg: discard to the end */
	int refused;   /* we sent 1009: discard everything until closed */
	int64_t rx_ts; /* time of the read that delivered the last bytes */

	unsigned attempt; /* failures in a row, for the back-off */
	uint64_t rng;
	ev_timer deadline; /* connect + upgrade */
	ev_timer idle;	   /* no frame for idle_timeout */
	ev_timer retry;	   /* back-off */
	ev_timer closer;   /* waiting for the peer's close frame */
	struct ws_stats stats;
};

static void ws_connect(struct ws_conn *);
static void ws_pump(struct ws_conn *, int);
static int ws_queue_close(struct ws_conn *, uint16_t, const char *);

static int64_t
ws_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
}

const char *
ws_state_name(enum ws_state st)
{
	static const char *const names[] = {
		[WS_STOPPED] = "stopped",
		[WS_CONNECTING] = "connecting",
		[WS_UPGRADING] = "upgrading",
		[WS_OPEN] = "open",
		[WS_CLOSING] = "closing",
		[WS_WAITING] = "waiting",
	};

	return ((unsigned)st < nitems(names) ? names[st] : "?");
}

static const struct {
	const char *reason;
	const char *key;
} ws_reasons[WS_R_COUNT] = {
	[WS_R_RESOLVE] = { net_err_resolve, "resolve" },
	[WS_R_CONNECT] = { net_err_connect, "connect" },
	[WS_R_TIMEOUT] = { net_err_timeout, "timeout" },
	[WS_R_TLS_VERIFY] = { tls_err_verify, "tls_verify" },
	[WS_R_TLS] = { tls_err_handshake, "tls" },
	[WS_R_UPGRADE] = { ws_err_upgrade, "upgrade" },
	[WS_R_PROTO] = { ws_err_proto, "protocol" },
	[WS_R_TOO_BIG] = { ws_err_too_big, "too_big" },
	[WS_R_IDLE] = { ws_err_idle, "idle" },
	[WS_R_CLOSED] = { ws_err_closed, "closed" },
	[WS_R_EOF] = { tls_err_eof, "eof" },
	[WS_R_IO] = { tls_err_io, "io" },
	[WS_R_LOCAL] = { ws_err_local, "local" },
	[WS_R_OTHER] = { NULL, "other" },
};

const char *
ws_reason_key(unsigned r)
{
	return (r < WS_R_COUNT ? ws_reasons[r].key : NULL);
}

static unsigned
ws_reason_index(const char *reason)
{
	unsigned i;

	for (i = 0; i < WS_R_OTHER; i++) {
		if (ws_reasons[i].reason == reason)
			return (i);
	}
	return (WS_R_OTHER);
}

/* Back-off: base * 2^attempt, capped, times a jitter in [0.5, 1). */
static double
ws_backoff(struct ws_conn *c)
{
	double d = c->cfg.backoff_base, j;
	unsigned i;

	for (i = 0; i < c->attempt && d < c->cfg.backoff_cap; i++)
		d *= 2;
	if (d > c->cfg.backoff_cap)
		d = c->cfg.backoff_cap;
	c->rng ^= c->rng << 13;
	c->rng ^= c->rng >> 7;
	c->rng ^= c->rng << 17;
	j = 0.5 + 0.5 * (double)(c->rng >> 11) / 9007199254740992.0;
	return (d * j);
}

/*
 * Ends the current connection or attempt: records why, tells the owner
 * (if on_open had run), and schedules a reconnect unless stopped.
 */
static void
ws_drop(struct ws_conn *c, const char *reason, const char *detail)
{
	int was_open = c->state == WS_OPEN || c->state == WS_CLOSING;
	double delay;

	ev_timer_stop(c->loop, &c->deadline);
	ev_timer_stop(c->loop, &c->idle);
	ev_timer_stop(c->loop, &c->closer);
	if (c->ctx != NULL) {
		wslay_event_context_free(c->ctx);
		c->ctx = NULL;
	}
	net_stream_close(&c->s);
	c->stop_req = c->close_req = 0;
	c->stats.last_reason = reason;
	c->stats.ended[ws_reason_index(reason)]++;
	snprintf(c->stats.last_detail, sizeof c->stats.last_detail, "%s",
	    detail != NULL ? detail : "");
	if (reason != ws_err_local)
		c->stats.failures++;
	c->state = WS_STOPPED;
	if (was_open && c->cfg.cb->on_close != NULL)
		c->cfg.cb->on_close(c, reason, c->stats.last_detail,
		    c->cfg.arg);
	if (!c->running || c->state != WS_STOPPED)
		return; /* stopped, or the callback restarted us */
	delay = ws_backoff(c);
	c->attempt++;
	c->stats.next_retry = delay;
	c->state = WS_WAITING;
	ev_timer_set(&c->retry, delay, 0.0);
	ev_timer_start(c->loop, &c->retry);
	/* Last: the callback may stop us, which cancels the retry. */
	if (!was_open && reason != ws_err_local && c->cfg.cb->on_fail != NULL)
		c->cfg.cb->on_fail(c, reason, c->stats.last_detail, delay,
		    c->cfg.arg);
}

/* -- wslay callbacks (no teardown in here: flags only) --------------- */

static ssize_t
ws_recv_cb(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags,
    void *arg)
{
	struct ws_conn *c = arg;
	ssize_t n;

	(void)flags;
	if (c->pre_len > 0) { /* stream bytes that came with the 101 */
		n = (ssize_t)(len < c->pre_len ? len : c->pre_len);
		memcpy(buf, c->hs + c->pre_off, (size_t)n);
		c->pre_off += (size_t)n;
		c->pre_len -= (size_t)n;
		return (n);
	}
	if (c->budget == 0 || c->stop_req) { /* yield, or stopping */
		wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
		return (-1);
	}
	n = tls_io_read(&c->s.io, buf, len < c->budget ? len : c->budget);
	if (n > 0) {
		c->budget -= (size_t)n;
		c->stats.bytes_in += (uint64_t)n;
		c->rx_ts = ws_now();
		return (n);
	}
	if (n == TLS_WANT_READ || n == TLS_WANT_WRITE)
		wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
	else
		wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
	return (-1);
}

static ssize_t
ws_send_cb(wslay_event_context_ptr ctx, const uint8_t *data, size_t len,
    int flags, void *arg)
{
	struct ws_conn *c = arg;
	ssize_t n;

	(void)flags;
	n = tls_io_write(&c->s.io, data, len);
	if (n > 0) {
		c->stats.bytes_out += (uint64_t)n;
		return (n);
	}
	if (n == TLS_WANT_READ || n == TLS_WANT_WRITE)
		wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
	else
		wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
	return (-1);
}

/* Client frames must be masked with unpredictable keys. */
static int
ws_genmask_cb(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, void *arg)
{
	(void)ctx;
	(void)arg;
	return (RAND_bytes(buf, (int)len) == 1 ? 0 : -1);
}

static void
ws_frame_start_cb(wslay_event_context_ptr ctx,
    const struct wslay_event_on_frame_recv_start_arg *a, void *arg)
{
	struct ws_conn *c = arg;

	(void)ctx;
	c->stats.frames_in++;
	if (c->cfg.idle_timeout > 0)
		ev_timer_again(c->loop, &c->idle);
	c->rx_ctrl = (a->opcode & 0x8) != 0;
	if (c->rx_ctrl) {
		c->stats.pings_in += a->opcode == WSLAY_PING;
		return;
	}
	if (a->opcode != WSLAY_CONTINUATION_FRAME) {
		c->rx_len = 0;
		c->rx_drop = c->refused;
		c->rx_binary = a->opcode == WSLAY_BINARY_FRAME;
	}
}

static void
ws_frame_chunk_cb(wslay_event_context_ptr ctx,
    const struct wslay_event_on_frame_recv_chunk_arg *a, void *arg)
{
	struct ws_conn *c = arg;

	if (c->rx_ctrl || c->rx_drop)
		return;
	if (a->data_length > c->cfg.max_msg - c->rx_len) {
		/* Fragments add up past the limit: refuse the message. */
		c->rx_drop = c->refused = 1;
		c->stats.too_big++;
		wslay_event_queue_close(ctx, WS_CLOSE_TOO_BIG,
		    (const uint8_t *)"message too big", 15);
		return;
	}
	memcpy(c->rx + c->rx_len, a->data, a->data_length);
	c->rx_len += a->data_length;
}

static void
ws_msg_cb(wslay_event_context_ptr ctx,
    const struct wslay_event_on_msg_recv_arg *a, void *arg)
{
	struct ws_conn *c = arg;

	(void)ctx;
	if (a->opcode == WSLAY_CONNECTION_CLOSE) {
		c->stats.last_close_code = a->status_code;
		return;
	}
	/* Nothing more once the owner has stopped us from a callback. */
	if ((a->opcode != WSLAY_TEXT_FRAME &&
		a->opcode != WSLAY_BINARY_FRAME) ||
	    c->rx_drop || c->stop_req)
		return;

	c->rx[c->rx_len] = '\0';
	c->stats.msgs_in++;
	c->stats.last_msg_ts = c->rx_ts;
	c->attempt = 0; /* a healthy connection: back-off starts over */
	c->cfg.cb->on_message(c, c->rx, c->rx_len, c->rx_binary, c->rx_ts,
	    c->cfg.arg);
}

static const struct wslay_event_callbacks ws_callbacks = {
	.recv_callback = ws_recv_cb,
	.send_callback = ws_send_cb,
	.genmask_callback = ws_genmask_cb,
	.on_frame_recv_start_callback = ws_frame_start_cb,
	.on_frame_recv_chunk_callback = ws_frame_chunk_cb,
	.on_msg_recv_callback = ws_msg_cb,
};

/* -- timers ---------------------------------------------------------- */

static void
ws_deadline_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct ws_conn *c = container_of(w, struct ws_conn, deadline);
	char detail[64];

	(void)loop;
	(void)revents;
	snprintf(detail, sizeof detail, "no open connection after %.3g s",
	    c->cfg.connect_timeout);
	ws_drop(c, net_err_timeout, detail);
}

static void
ws_idle_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct ws_conn *c = container_of(w, struct ws_conn, idle);
	char detail[64];

	(void)loop;
	(void)revents;
	c->stats.idle++;
	snprintf(detail, sizeof detail, "no frame for %.3g s",
	    c->cfg.idle_timeout);
	ws_drop(c, ws_err_idle, detail);
}

static void
ws_retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct ws_conn *c = container_of(w, struct ws_conn, retry);

	(void)loop;
	(void)revents;
	ws_connect(c);
}

static void
ws_closer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct ws_conn *c = container_of(w, struct ws_conn, closer);

	(void)loop;
	(void)revents;
	ws_drop(c, ws_err_local, "the peer did not answer our close");
}

/* -- the Upgrade ----------------------------------------------------- */

static void
ws_ready_cb(struct net_stream *s, int ok)
{
	struct ws_conn *c = container_of(s, struct ws_conn, s);

	if (!ok) {
		ws_drop(c, s->reason, s->detail);
		return;
	}
	http_ws_key(c->key);
	c->hs_len = http_upgrade_request(c->hs, HTTP_HEAD_MAX, &c->url, c->key);
	c->hs_off = 0;
	c->state = WS_UPGRADING;
	net_stream_want(s, EV_WRITE);
}

static int
ws_open(struct ws_conn *c, size_t head_len)
{
	if (wslay_event_context_client_init(&c->ctx, &ws_callbacks, c) != 0)
		return (-1);
	wslay_event_config_set_no_buffering(c->ctx, 1);
	wslay_event_config_set_max_recv_msg_length(c->ctx, c->cfg.max_msg);
	c->pre_off = head_len;
	c->pre_len = c->hs_len - head_len;
	c->rx_len = 0;
	c->rx_drop = c->rx_ctrl = c->refused = 0;
	c->rx_ts = ws_now(); /* for messages that came with the 101 */
	c->state = WS_OPEN;
	c->stats.connects++;
	c->stats.opened_ts = ws_now();
	ev_timer_stop(c->loop, &c->deadline);
	if (c->cfg.idle_timeout > 0) {
		c->idle.repeat = c->cfg.idle_timeout;
		ev_timer_again(c->loop, &c->idle);
	}
	log_info("ws %s: open %s (%s, %s)", c->name, c->url_text, c->s.peer,
	    tls_io_describe(&c->s.io, (char[64]){ 0 }, 64));
	if (c->cfg.cb->on_open != NULL)
		c->cfg.cb->on_open(c, c->cfg.arg);
	return (0);
}

static void
ws_upgrade_io(struct ws_conn *c)
{
	struct http_head h;
	char why[128];
	ssize_t n;
	int hl;

	while (c->hs_off < c->hs_len && c->hs_off != (size_t)-1) {
		n = tls_io_write(&c->s.io, c->hs + c->hs_off,
		    c->hs_len - c->hs_off);
		if (n == TLS_WANT_READ || n == TLS_WANT_WRITE) {
			net_stream_want(&c->s,
			    n == TLS_WANT_READ ? EV_READ : EV_WRITE);
			return;
		}
		if (n <= 0) {
			ws_drop(c, c->s.io.reason, c->s.io.detail);
			return;
		}
		c->hs_off += (size_t)n;
		if (c->hs_off == c->hs_len) {
			c->hs_off = (size_t)-1; /* sent: read from now on */
			c->hs_len = 0;
		}
	}
	for (;;) {
		n = tls_io_read(&c->s.io, c->hs + c->hs_len,
		    HTTP_HEAD_MAX - c->hs_len);
		if (n == TLS_WANT_READ || n == TLS_WANT_WRITE) {
			net_stream_want(&c->s,
			    n == TLS_WANT_READ ? EV_READ : EV_WRITE);
			return;
		}
		if (n <= 0) {
			ws_drop(c,
			    n == TLS_EOF ? ws_err_upgrade : c->s.io.reason,
			    n == TLS_EOF ? "connection closed during the "
					   "upgrade"
					 : c->s.io.detail);
			return;
		}
		c->hs_len += (size_t)n;
		if ((hl = http_head_parse(c->hs, c->hs_len, &h)) == 0)
			continue;
		if (hl < 0) {
			ws_drop(c, ws_err_upgrade, "malformed HTTP response");
			return;
		}
		if (http_upgrade_check(&h, c->key, why, sizeof why) != 0) {
			ws_drop(c, ws_err_upgrade, why);
			return;
		}
		if (ws_open(c, (size_t)hl) != 0) {
			ws_drop(c, ws_err_upgrade, "out of memory");
			return;
		}
		if (c->state == WS_OPEN) /* on_open may have stopped us */
			ws_pump(c, EV_READ | EV_WRITE);
		return;
	}
}

/* -- running --------------------------------------------------------- */

/* Why wslay stopped: the peer closed, the size limit, or a violation. */
static void
ws_ended(struct ws_conn *c)
{
	char detail[96];
	uint16_t sent = wslay_event_get_status_code_sent(c->ctx);

	if (c->refused || sent == WS_CLOSE_TOO_BIG) {
		/* Fragments over the limit (us), or one frame (wslay). */
		if (!c->refused)
			c->stats.too_big++;
		snprintf(detail, sizeof detail, "over %zu bytes",
		    c->cfg.max_msg);
		ws_drop(c, ws_err_too_big, detail);
	} else if (c->state == WS_CLOSING)
		ws_drop(c, ws_err_local, "close handshake done");
	else if (wslay_event_get_close_received(c->ctx)) {
		snprintf(detail, sizeof detail, "code %u",
		    (unsigned)c->stats.last_close_code);
		ws_drop(c, ws_err_closed, detail);
	} else {
		snprintf(detail, sizeof detail, "we sent close code %u",
		    (unsigned)sent);
		ws_drop(c, ws_err_proto, detail);
	}
}

/* Runs wslay for the ready events, then whatever callbacks asked for. */
static void
ws_pump(struct ws_conn *c, int revents)
{
	int rv = 0, ev = 0;

	c->in_wslay = 1;
	c->budget = WS_READ_BUDGET;
	if (revents & EV_READ)
		rv = wslay_event_recv(c->ctx);
	if (rv == 0 && wslay_event_want_write(c->ctx))
		rv = wslay_event_send(c->ctx);
	c->in_wslay = 0;
	if (rv != 0) {
		/* The transport failed; it said why. */
		ws_drop(c,
		    c->s.io.reason != NULL ? c->s.io.reason : ws_err_proto,
		    c->s.io.reason != NULL ? c->s.io.detail : "wslay error");
		return;
	}
	if (c->stop_req) {
		ws_stop(c);
		return;
	}
	if (c->close_req) {
		c->close_req = 0;
		if (c->state == WS_OPEN &&
		    ws_queue_close(c, c->close_code, c->close_reason) != 0)
			return;
		if (c->state == WS_CLOSING && wslay_event_want_write(c->ctx) &&
		    wslay_event_send(c->ctx) != 0) {
			ws_drop(c,
			    c->s.io.reason != NULL ? c->s.io.reason
						   : ws_err_proto,
			    c->s.io.detail);
			return;
		}
	}
	if (wslay_event_want_read(c->ctx))
		ev |= EV_READ;
	if (wslay_event_want_write(c->ctx))
		ev |= EV_WRITE;
	if (ev == 0) {
		ws_ended(c);
		return;
	}
	net_stream_want(&c->s, ev);
	/*
	 * Out of budget with bytes already inside OpenSSL (or left from the
	 * upgrade): they raise no readiness, so queue the event ourselves.
	 */
	if (c->budget == 0 && (ev & EV_READ) &&
	    (tls_io_pending(&c->s.io) > 0 || c->pre_len > 0))
		ev_feed_event(c->loop, &c->s.w, EV_READ);
}

static void
ws_io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct net_stream *s = container_of(w, struct net_stream, w);
	struct ws_conn *c = container_of(s, struct ws_conn, s);

	(void)loop;
	if (c->state == WS_UPGRADING)
		ws_upgrade_io(c);
	else
		ws_pump(c, revents);
}

static void
ws_connect(struct ws_conn *c)
{
	if (c->stats.attempts > 0)
		c->stats.reconnects++;
	c->stats.attempts++;
	c->state = WS_CONNECTING;
	c->s.io.reason = NULL;
	ev_now_update(c->loop);
	ev_timer_set(&c->deadline, c->cfg.connect_timeout, 0.0);
	ev_timer_start(c->loop, &c->deadline);
	net_stream_connect(&c->s, c->url.host, c->url.port,
	    c->cfg.connect_timeout);
}

/* -- public ---------------------------------------------------------- */

void
ws_config_from(struct ws_config *wc, const struct config *cfg)
{
	wc->connect_timeout = (double)cfg->net_connect_timeout_ms / 1000.0;
	wc->backoff_base = (double)cfg->net_backoff_base_ms / 1000.0;
	wc->backoff_cap = (double)cfg->net_backoff_cap_ms / 1000.0;
	wc->idle_timeout = (double)cfg->net_idle_timeout_ms / 1000.0;
	wc->max_msg = (size_t)cfg->net_max_message_kb * 1024;
	wc->close_timeout = (double)cfg->net_close_timeout_ms / 1000.0;
}

int
ws_set_url(struct ws_conn *c, const char *url, char **cause)
{
	struct http_url u;

	if (http_url_parse(url, &u, cause) != 0)
		return (-1);
	if (!u.ws || (u.tls && c->cfg.tls == NULL)) {
		xasprintf(cause,
		    "%s: expected ws:// or wss:// (with a TLS "
		    "context), got \"%s\"",
		    c->name, url);
		return (-1);
	}
	c->url = u;
	free(c->url_text);
	c->url_text = xstrdup(url);
	c->cfg.url = c->url_text;
	c->s.tls = u.tls ? c->cfg.tls : NULL;
	return (0);
}

struct ws_conn *
ws_new(struct ev_loop *loop, struct net_resolver *resolver,
    const struct ws_config *cfg, char **cause)
{
	struct ws_conn *c;

	c = xcalloc(1, sizeof *c);
	c->loop = loop;
	c->resolver = resolver;
	c->cfg = *cfg;
	c->name = xstrdup(cfg->name != NULL ? cfg->name : "ws");
	c->cfg.name = c->name;
	if (c->cfg.max_msg == 0)
		c->cfg.max_msg = WS_MAX_MSG_DEFAULT;
	if (c->cfg.connect_timeout <= 0)
		c->cfg.connect_timeout = 10;
	if (c->cfg.backoff_base <= 0)
		c->cfg.backoff_base = 0.5;
	if (c->cfg.backoff_cap < c->cfg.backoff_base)
		c->cfg.backoff_cap = 30;
	if (c->cfg.close_timeout <= 0)
		c->cfg.close_timeout = 2;
	if (cfg->cb == NULL || cfg->cb->on_message == NULL) {
		xasprintf(cause, "%s: no message callback", c->name);
		goto fail;
	}
	net_stream_init(&c->s, loop, resolver, NULL, ws_ready_cb, ws_io_cb);
	if (ws_set_url(c, cfg->url != NULL ? cfg->url : "", cause) != 0)
		goto fail;
	c->hs = xmalloc(HTTP_HEAD_MAX);
	c->rx = xmalloc(c->cfg.max_msg + 1);
	if (RAND_bytes((unsigned char *)&c->rng, sizeof c->rng) != 1 ||
	    c->rng == 0)
		c->rng = (uint64_t)ws_now() | 1;
	ev_init(&c->deadline, ws_deadline_cb);
	ev_init(&c->idle, ws_idle_cb);
	ev_init(&c->retry, ws_retry_cb);
	ev_init(&c->closer, ws_closer_cb);
	return (c);

fail:
	ws_free(c);
	return (NULL);
}

void
ws_free(struct ws_conn *c)
{
	if (c == NULL)
		return;
	c->running = 0;
	c->cfg.cb = NULL;
	ev_timer_stop(c->loop, &c->retry);
	ev_timer_stop(c->loop, &c->deadline);
	ev_timer_stop(c->loop, &c->idle);
	ev_timer_stop(c->loop, &c->closer);
	if (c->ctx != NULL)
		wslay_event_context_free(c->ctx);
	if (c->s.loop != NULL)
		net_stream_close(&c->s);
	free(c->hs);
	free(c->rx);
	free(c->url_text);
	free(c->name);
	free(c);
}

void
ws_start(struct ws_conn *c)
{
	c->running = 1;
	if (c->state == WS_STOPPED)
		ws_connect(c);
}

void
ws_stop(struct ws_conn *c)
{
	c->running = 0;
	if (c->in_wslay) {
		c->stop_req = 1;
		return;
	}
	ev_timer_stop(c->loop, &c->retry);
	if (c->state == WS_WAITING)
		c->state = WS_STOPPED;
	if (c->state != WS_STOPPED)
		ws_drop(c, ws_err_local, "stopped");
}

/*
 * Queues our close frame and starts waiting for the peer's.  Returns 0,
 * or -1 after dropping the connection.  Does not pump.
 */
static int
ws_queue_close(struct ws_conn *c, uint16_t code, const char *reason)
{
	size_t rl = reason != NULL ? strlen(reason) : 0;

	if (rl > 123)
		rl = 123; /* a close frame's payload is at most 125 bytes */
	if (wslay_event_queue_close(c->ctx, code, (const uint8_t *)reason,
		rl) != 0) {
		ws_drop(c, ws_err_local, "could not queue the close frame");
		return (-1);
	}
	c->state = WS_CLOSING;
	ev_timer_set(&c->closer, c->cfg.close_timeout, 0.0);
	ev_timer_start(c->loop, &c->closer);
	return (0);
}

void
ws_close(struct ws_conn *c, uint16_t code, const char *reason)
{
	c->running = 0;
	if (c->in_wslay) {
		c->close_req = 1;
		c->close_code = code;
		snprintf(c->close_reason, sizeof c->close_reason, "%s",
		    reason != NULL ? reason : "");
		return;
	}
	if (c->state != WS_OPEN) {
		ws_stop(c);
		return;
	}
	if (ws_queue_close(c, code, reason) == 0)
		ws_pump(c, 0);
}

int
ws_send_text(struct ws_conn *c, const char *data, size_t len)
{
	struct wslay_event_msg m;

	if (c->state != WS_OPEN)
		return (-1);
	m.opcode = WSLAY_TEXT_FRAME;
	m.msg = (const uint8_t *)data;
	m.msg_length = len;
	if (wslay_event_queue_msg(c->ctx, &m) != 0)
		return (-1);
	c->stats.msgs_out++;
	if (!c->in_wslay)
		net_stream_want(&c->s, EV_READ | EV_WRITE);
	return (0);
}

int
ws_send_ping(struct ws_conn *c)
{
	struct wslay_event_msg m;

	if (c->state != WS_OPEN)
		return (-1);
	m.opcode = WSLAY_PING;
	m.msg = NULL;
	m.msg_length = 0;
	if (wslay_event_queue_msg(c->ctx, &m) != 0)
		return (-1);
	if (!c->in_wslay)
		net_stream_want(&c->s, EV_READ | EV_WRITE);
	return (0);
}

enum ws_state
ws_get_state(const struct ws_conn *c)
{
	return (c->state);
}

const struct ws_stats *
ws_get_stats(const struct ws_conn *c)
{
	return (&c->stats);
}

const char *
ws_name(const struct ws_conn *c)
{
	return (c->name);
}
