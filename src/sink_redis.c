/*
 * The Redis sink thread (see sink_redis.h for what it writes).
 *
 * Connection states: DOWN (waiting out the back-off; events are dropped
 * as they arrive), CONNECTING (connect, then AUTH and SELECT in flight;
 * events wait in the ring) and READY (events become XADDs).  Every
 * connection gets a connect timer and, while replies are owed, a command
 * timer re-armed by each reply: when either fires the context is freed,
 * which hands every pending command back to us with no reply (counted
 * as dropped), and the back-off starts.  A context is never freed from
 * inside one of its own callbacks: that is deferred to the kill timer.
 */
#include "autoconf.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ev.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <hiredis/adapters/libev.h>

#include "xarb.h"
#include "book.h"
#include "config.h"
#include "fixed.h"
#include "log.h"
#include "metrics.h"
#include "opp.h"
#include "ring.h"
#include "secret.h"
#include "sink_redis.h"
#include "symbols.h"
#include "venues.h"
#include "xmalloc.h"

#define SINK_REDIS_PASSWORD_VAR "XARB_REDIS_PASSWORD"
#define SINK_REDIS_QUOTE_PREFIX "xarb:quote:"
#define SINK_REDIS_ARGS_MAX 64	    /* XADD: 6 + 2 x fields */
#define SINK_REDIS_ARG_LEN 48	    /* a number, a name */
#define SINK_REDIS_QUOTE_LEN 192    /* one venue's quote value */
#define SINK_REDIS_QUOTE_MIN_S 0.01 /* quote timer floor */

enum sink_redis_state { SINK_DOWN, SINK_CONNECTING, SINK_READY };

/* What a reply belongs to (the privdata of each command). */
enum sink_redis_cmd { CMD_XADD = 1, CMD_HSET, CMD_AUTH, CMD_SELECT, CMD_N };

/* A command's privdata: the address of its tag, not an int cast. */
static char sink_redis_tag[CMD_N];

/* The last quote written per instrument x venue, to skip unchanged ones. */
struct sink_redis_last {
	int64_t recv_ts;
	uint32_t seq;
	uint8_t state;
	uint8_t written;
};

struct sink_redis {
	struct ring *ring;	  /* borrowed */
	struct book *book;	  /* borrowed */
	const struct symbols *sy; /* borrowed */
	struct ring_reader rd;
	int rd_ok;

	/* Settings, copied at start-up. */
	char *path;	 /* unix socket, or NULL */
	char where[128]; /* for logs: the url */
	char *host;	 /* numeric, brackets stripped */
	int port;
	int db;
	char *password; /* secret_free */
	char *stream;
	char maxlen[24];
	unsigned max_inflight;
	double timeout_s;
	double quote_s; /* 0: no quote hashes */
	double backoff_base_s, backoff_cap_s;

	pthread_t thread;
	int started;
	struct ev_loop *loop; /* the thread's own */
	ev_io ring_io;
	ev_async stop_async;
	ev_timer connect_timer; /* connect + AUTH/SELECT must finish */
	ev_timer reply_timer;	/* replies owed and none came */
	ev_timer retry_timer;	/* back-off */
	ev_timer kill_timer;	/* deferred free of a bad connection */
	ev_timer quote_timer;
	ev_timer drain_timer; /* stop: give up on replies */

	redisAsyncContext *ac;
	enum sink_redis_state state;
	unsigned inflight;  /* commands without a reply yet */
	unsigned handshake; /* AUTH/SELECT replies still owed */
	int blocked;	    /* events left in the ring: too many in flight */
	int connected_once;
	int stopping; /* the thread's view */
	int stop_req; /* set by sink_redis_stop, atomically */
	double backoff_s;
	uint64_t lost_seen; /* rd.lost already counted in dropped */
	uint64_t lost;	    /* rd.lost for other threads (atomic) */
	int logged_down;    /* the current outage was logged */

	struct sink_redis_last *last; /* ninst x VENUE_COUNT */
	unsigned ninst;

	struct sink_redis_stats stats;
};

static void sink_redis_connect(struct sink_redis *);
static void sink_redis_pump(struct sink_redis *);

char *
sink_redis_format_double(double d, char *buf, unsigned len)
{
	if (!isfinite(d)) {
		snprintf(buf, len, "%s",
		    isnan(d)	? "nan"
			: d > 0 ? "inf"
				: "-inf");
		return (buf);
	}
	snprintf(buf, len, "%.15g", d);
	if (strtod(buf, NULL) != d)
		snprintf(buf, len, "%.17g", d);
	return (buf);
}

/* Splits [redis] url into a socket path or a host and port, and a db. */
static int
sink_redis_parse_url(struct sink_redis *s, const char *url, char **cause)
{
	const char *hp, *colon, *slash, *end;

	snprintf(s->where, sizeof s->where, "%s", url);
	if (strncmp(url, "unix:", 5) == 0) {
		s->path = xstrdup(url + 5);
		return (0);
	}
	if (strncmp(url, "redis://", 8) != 0)
		goto bad;
	hp = url + 8;
	slash = strchr(hp, '/');
	end = slash != NULL ? slash : hp + strlen(hp);
	for (colon = end; colon > hp && colon[-1] != ':'; colon--)
		;
	if (colon == hp)
		goto bad;
	s->port = (int)strtol(colon, NULL, 10); /* checked by config.c */
	if (hp[0] == '[') /* IPv6 literal: hiredis wants it bare */
		s->host = xstrndup(hp + 1, (size_t)(colon - 1 - hp - 2));
	else
		s->host = xstrndup(hp, (size_t)(colon - 1 - hp));
	if (slash != NULL && slash[1] != '\0')
		s->db = (int)strtol(slash + 1, NULL, 10);
	return (0);
bad:
	xasprintf(cause, "redis: bad url \"%s\"", url);
	return (-1);
}

/* XARB_REDIS_PASSWORD from the environment or the secrets file. */
static int
sink_redis_load_password(struct sink_redis *s, const struct config *cfg,
    char **cause)
{
	char *err = NULL;
	int rv;

	rv = secret_get(cfg->exec_secrets_file, SINK_REDIS_PASSWORD_VAR,
	    &s->password, &err);
	if (rv < 0) {
		xasprintf(cause, "redis: password: %s", err);
		free(err);
		return (-1);
	}
	if (rv > 0)
		s->password = NULL;
	return (0);
}

struct sink_redis *
sink_redis_new(const struct config *cfg, struct ring *ring, struct book *book,
    const struct symbols *symbols, char **cause)
{
	struct sink_redis *s;

	s = xcalloc(1, sizeof *s);
	s->ring = ring;
	s->book = book;
	s->sy = symbols;
	if (sink_redis_parse_url(s, cfg->redis_url, cause) != 0)
		goto fail;
	if (sink_redis_load_password(s, cfg, cause) != 0)
		goto fail;
	s->stream = xstrdup(cfg->redis_stream);
	snprintf(s->maxlen, sizeof s->maxlen, "%lld",
	    (long long)cfg->redis_stream_maxlen);
	s->max_inflight = (unsigned)cfg->redis_max_inflight;
	s->timeout_s = (double)cfg->redis_timeout_ms / 1000.0;
	s->quote_s = (double)cfg->redis_quote_interval_ms / 1000.0;
	if (s->quote_s > 0 && s->quote_s < SINK_REDIS_QUOTE_MIN_S)
		s->quote_s = SINK_REDIS_QUOTE_MIN_S;
	s->backoff_base_s = (double)cfg->net_backoff_base_ms / 1000.0;
	s->backoff_cap_s = (double)cfg->net_backoff_cap_ms / 1000.0;
	s->backoff_s = s->backoff_base_s;
	s->ninst = symbols_count(symbols);
	s->last = xcalloc((size_t)s->ninst * VENUE_COUNT, sizeof *s->last);
	/* Registered now, not when the thread starts: every event the
	 * engine publishes from here on is either written or counted. */
	if (ring_reader_init(&s->rd, ring, RING_WAIT_EVENTFD) != 0) {
		xasprintf(cause, "ring: no reader slot for the Redis sink");
		goto fail;
	}
	s->rd_ok = 1;
	return (s);
fail:
	sink_redis_free(s);
	return (NULL);
}

const struct sink_redis_stats *
sink_redis_get_stats(const struct sink_redis *s)
{
	return (&s->stats);
}

const uint64_t *
sink_redis_ring_lost(const struct sink_redis *s)
{
	return (&s->lost);
}

static void
sink_redis_set_up(struct sink_redis *s, int up)
{
	__atomic_store_n(&s->stats.up, (uint64_t)up, __ATOMIC_RELAXED);
}

/* Counts events the ring overwrote before we read them. */
static void
sink_redis_count_lost(struct sink_redis *s)
{
	if (s->rd.lost != s->lost_seen) {
		metrics_add(&s->stats.dropped, s->rd.lost - s->lost_seen);
		metrics_add(&s->stats.events, s->rd.lost - s->lost_seen);
		s->lost_seen = s->rd.lost;
		__atomic_store_n(&s->lost, s->rd.lost, __ATOMIC_RELAXED);
	}
}

/* --- connection --- */

/* Frees the context (not from inside its callbacks) and backs off. */
static void
sink_redis_drop_conn(struct sink_redis *s, const char *why)
{
	redisAsyncContext *ac = s->ac;

	ev_timer_stop(s->loop, &s->connect_timer);
	ev_timer_stop(s->loop, &s->reply_timer);
	ev_timer_stop(s->loop, &s->kill_timer);
	s->ac = NULL;
	if (ac != NULL)
		redisAsyncFree(ac); /* pending replies come back NULL */
	if (why != NULL && !s->logged_down)
		log_warn("redis: %s: %s; retrying in %.3g s (events are "
			 "dropped meanwhile)",
		    s->where, why, s->backoff_s);
	s->logged_down = 1;
	s->state = SINK_DOWN;
	s->inflight = 0;
	s->handshake = 0;
	sink_redis_set_up(s, 0);
	if (!s->stopping) {
		ev_timer_set(&s->retry_timer, s->backoff_s, 0.0);
		ev_timer_start(s->loop, &s->retry_timer);
		s->backoff_s = fmin(s->backoff_s * 2, s->backoff_cap_s);
	}
	sink_redis_pump(s); /* drop what waits */
}

/* From inside a hiredis callback: free on the next loop iteration. */
static void
sink_redis_kill(struct sink_redis *s)
{
	if (!ev_is_active(&s->kill_timer))
		ev_timer_start(s->loop, &s->kill_timer);
}

static void
sink_redis_kill_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct sink_redis *s = container_of(w, struct sink_redis, kill_timer);

	(void)loop;
	(void)revents;
	sink_redis_drop_conn(s, "refused");
}

static void
sink_redis_timeout_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct sink_redis *s = w->data;

	(void)loop;
	(void)revents;
	sink_redis_drop_conn(s,
	    w == &s->connect_timer ? "connect timed out" : "no reply in time");
}

static void
sink_redis_retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct sink_redis *s = container_of(w, struct sink_redis, retry_timer);

	(void)loop;
	(void)revents;
	sink_redis_connect(s);
}

/* The connection was closed by the peer or an I/O error. */
static void
sink_redis_disconnect_cb(const redisAsyncContext *ac, int status)
{
	struct sink_redis *s = ac->data;

	(void)status;
	if (s->ac != ac) /* we freed it ourselves */
		return;
	/* hiredis frees ac once we return. */
	s->ac = NULL;
	sink_redis_drop_conn(s, ac->errstr[0] ? ac->errstr : "closed");
}

static void
sink_redis_connect_cb(const redisAsyncContext *ac, int status)
{
	struct sink_redis *s = ac->data;

	if (s->ac != ac)
		return;
	if (status != REDIS_OK) {
		s->ac = NULL; /* hiredis frees it */
		sink_redis_drop_conn(s, ac->errstr);
	}
}

/* A command is on its way: count it and watch for its reply. */
static void
sink_redis_sent(struct sink_redis *s)
{
	metrics_inc(&s->stats.sent);
	if (s->inflight++ == 0) {
		s->reply_timer.repeat = s->timeout_s;
		ev_timer_again(s->loop, &s->reply_timer);
	}
	if (s->inflight > s->stats.inflight_max)
		__atomic_store_n(&s->stats.inflight_max, (uint64_t)s->inflight,
		    __ATOMIC_RELAXED);
}

static void
sink_redis_handshake_reply(struct sink_redis *s, const redisReply *r, int cmd)
{
	if (ev_is_active(&s->kill_timer))
		return; /* an earlier refusal already condemned it */
	if (r->type == REDIS_REPLY_ERROR) {
		log_error("redis: %s refused: %s",
		    cmd == CMD_AUTH ? "AUTH" : "SELECT", r->str);
		metrics_inc(&s->stats.errors);
		/* A wrong password stays wrong: wait the longest back-off. */
		s->backoff_s = s->backoff_cap_s;
		s->logged_down = 1;
		sink_redis_kill(s);
		return;
	}
	metrics_inc(&s->stats.acked);
	if (--s->handshake > 0 || s->state != SINK_CONNECTING)
		return;
	ev_timer_stop(s->loop, &s->connect_timer);
	s->state = SINK_READY;
	s->backoff_s = s->backoff_base_s;
	if (s->connected_once)
		metrics_inc(&s->stats.reconnects);
	s->connected_once = 1;
	s->logged_down = 0;
	sink_redis_set_up(s, 1);
	log_info("redis: connected to %s", s->where);
	sink_redis_pump(s);
}

static void
sink_redis_reply_cb(redisAsyncContext *ac, void *reply, void *privdata)
{
	struct sink_redis *s = ac->data;
	const redisReply *r = reply;
	int cmd = (int)((char *)privdata - sink_redis_tag);

	if (r == NULL) { /* the connection went away first */
		if (cmd == CMD_XADD)
			metrics_inc(&s->stats.dropped);
		return;
	}
	if (s->ac != ac)
		return;
	s->inflight--;
	if (s->inflight > 0)
		ev_timer_again(s->loop, &s->reply_timer);
	else
		ev_timer_stop(s->loop, &s->reply_timer);
	if (cmd == CMD_AUTH || cmd == CMD_SELECT) {
		sink_redis_handshake_reply(s, r, cmd);
		return;
	}
	if (r->type == REDIS_REPLY_ERROR) {
		metrics_inc(&s->stats.errors);
		if (cmd == CMD_XADD)
			metrics_inc(&s->stats.xadd_errors);
		log_warn("redis: %s: %s", cmd == CMD_XADD ? "XADD" : "HSET",
		    r->str);
	} else {
		metrics_inc(&s->stats.acked);
		if (cmd == CMD_XADD)
			metrics_inc(&s->stats.xadd_acked);
	}
	if (s->blocked && s->inflight <= s->max_inflight / 2)
		sink_redis_pump(s);
	if (s->stopping && s->inflight == 0)
		sink_redis_pump(s); /* may finish the drain */
}

static int
sink_redis_command(struct sink_redis *s, int cmd, int argc, const char **argv,
    const size_t *argvlen)
{
	if (redisAsyncCommandArgv(s->ac, sink_redis_reply_cb,
		&sink_redis_tag[cmd], argc, argv, argvlen) != REDIS_OK)
		return (-1);
	sink_redis_sent(s);
	return (0);
}

/* AUTH and SELECT go out first; hiredis sends them once connected. */
static void
sink_redis_handshake(struct sink_redis *s)
{
	const char *argv[2];
	size_t len[2];
	char db[16];

	s->handshake = 0;
	if (s->password != NULL) {
		argv[0] = "AUTH";
		argv[1] = s->password;
		len[0] = 4;
		len[1] = strlen(s->password);
		if (sink_redis_command(s, CMD_AUTH, 2, argv, len) == 0)
			s->handshake++;
	}
	snprintf(db, sizeof db, "%d", s->db);
	argv[0] = "SELECT";
	argv[1] = db;
	len[0] = 6;
	len[1] = strlen(db);
	if (sink_redis_command(s, CMD_SELECT, 2, argv, len) == 0)
		s->handshake++;
}

static void
sink_redis_connect(struct sink_redis *s)
{
	redisAsyncContext *ac;

	if (s->stopping)
		return;
	/* A numeric address or a socket path: no name lookup blocks. */
	ac = s->path != NULL ? redisAsyncConnectUnix(s->path)
			     : redisAsyncConnect(s->host, s->port);
	if (ac == NULL) {
		log_error("redis: out of memory");
		return;
	}
	if (ac->err != 0) {
		s->ac = NULL;
		redisAsyncFree(ac);
		sink_redis_drop_conn(s, "cannot connect");
		return;
	}
	ac->data = s;
	s->ac = ac;
	if (redisLibevAttach(s->loop, ac) != REDIS_OK) {
		sink_redis_drop_conn(s, "cannot attach");
		return;
	}
	redisAsyncSetConnectCallback(ac, sink_redis_connect_cb);
	redisAsyncSetDisconnectCallback(ac, sink_redis_disconnect_cb);
	s->state = SINK_CONNECTING;
	s->inflight = 0;
	ev_timer_set(&s->connect_timer, s->timeout_s, 0.0);
	ev_timer_start(s->loop, &s->connect_timer);
	sink_redis_handshake(s);
}

/* --- what is written --- */

struct sink_redis_args {
	int n;
	const char *argv[SINK_REDIS_ARGS_MAX];
	size_t len[SINK_REDIS_ARGS_MAX];
	char buf[SINK_REDIS_ARGS_MAX][SINK_REDIS_ARG_LEN];
};

static void
sink_redis_arg(struct sink_redis_args *a, const char *v)
{
	a->argv[a->n] = v;
	a->len[a->n] = strlen(v);
	a->n++;
}

/* A field and its value, the value formatted into the args' storage. */
static void sink_redis_field(struct sink_redis_args *a, const char *name,
    const char *fmt, ...) XARB_PRINTF(3, 4);

static void
sink_redis_field(struct sink_redis_args *a, const char *name, const char *fmt,
    ...)
{
	va_list ap;
	char *b = a->buf[a->n + 1];

	va_start(ap, fmt);
	vsnprintf(b, SINK_REDIS_ARG_LEN, fmt, ap);
	va_end(ap);
	sink_redis_arg(a, name);
	sink_redis_arg(a, b);
}

static void
sink_redis_field_fixed(struct sink_redis_args *a, const char *name, int64_t v,
    unsigned decimals)
{
	char *b = a->buf[a->n + 1];

	fixed_format(v, decimals, b, SINK_REDIS_ARG_LEN);
	sink_redis_arg(a, name);
	sink_redis_arg(a, b);
}

static void
sink_redis_field_double(struct sink_redis_args *a, const char *name, double d)
{
	char *b = a->buf[a->n + 1];

	sink_redis_format_double(d, b, SINK_REDIS_ARG_LEN);
	sink_redis_arg(a, name);
	sink_redis_arg(a, b);
}

/* XADD stream MAXLEN ~ N * field value ... for one event. */
static void
sink_redis_build_xadd(struct sink_redis *s, const struct opp_event *ev,
    struct sink_redis_args *a)
{
	a->n = 0;
	sink_redis_arg(a, "XADD");
	sink_redis_arg(a, s->stream);
	sink_redis_arg(a, "MAXLEN");
	sink_redis_arg(a, "~");
	sink_redis_arg(a, s->maxlen);
	sink_redis_arg(a, "*");
	sink_redis_arg(a, "type");
	sink_redis_arg(a, opp_type_name(ev->type));
	sink_redis_field(a, "id", "%llu", (unsigned long long)ev->id);
	sink_redis_field(a, "seq", "%llu", (unsigned long long)ev->seq);
	sink_redis_arg(a, "instrument");
	sink_redis_arg(a,
	    symbols_canonical(s->sy, ev->inst, (enum venue_id)ev->buy_venue));
	sink_redis_arg(a, "buy_venue");
	sink_redis_arg(a, venues_name(ev->buy_venue));
	sink_redis_arg(a, "sell_venue");
	sink_redis_arg(a, venues_name(ev->sell_venue));
	sink_redis_field_fixed(a, "buy_px", ev->buy_px, PX_DECIMALS);
	sink_redis_field_fixed(a, "sell_px", ev->sell_px, PX_DECIMALS);
	sink_redis_field_fixed(a, "buy_size", ev->buy_size, QTY_DECIMALS);
	sink_redis_field_fixed(a, "sell_size", ev->sell_size, QTY_DECIMALS);
	sink_redis_field_double(a, "gross_bps", ev->gross_bps);
	sink_redis_field_double(a, "fee_bps", ev->fee_bps);
	sink_redis_field_double(a, "slip_bps", ev->slip_bps);
	sink_redis_field_double(a, "funding_bps", ev->funding_bps);
	sink_redis_field_double(a, "net_bps", ev->net_bps);
	sink_redis_field_double(a, "confidence", ev->confidence);
	sink_redis_field_double(a, "notional", ev->notional);
	sink_redis_field_double(a, "funding_delta", ev->funding_delta);
	sink_redis_field(a, "updates", "%u", (unsigned)ev->updates);
	if (ev->type == OPP_CLOSE) {
		sink_redis_arg(a, "reason");
		sink_redis_arg(a, opp_reason_key(ev->reason));
	}
	sink_redis_field(a, "buy_ts", "%lld", (long long)ev->buy_ts);
	sink_redis_field(a, "sell_ts", "%lld", (long long)ev->sell_ts);
	sink_redis_field(a, "buy_recv_ts", "%lld", (long long)ev->buy_recv_ts);
	sink_redis_field(a, "sell_recv_ts", "%lld",
	    (long long)ev->sell_recv_ts);
	sink_redis_field(a, "read_ts", "%lld", (long long)ev->read_ts);
	sink_redis_field(a, "detect_ts", "%lld", (long long)ev->detect_ts);
	sink_redis_field(a, "open_ts", "%lld", (long long)ev->open_ts);
}

/* One event: written if we can, else dropped and counted. */
static void
sink_redis_write_event(struct sink_redis *s, const struct opp_event *ev)
{
	struct sink_redis_args a;

	metrics_inc(&s->stats.events);
	sink_redis_build_xadd(s, ev, &a);
	if (s->state != SINK_READY ||
	    sink_redis_command(s, CMD_XADD, a.n, a.argv, a.len) != 0)
		metrics_inc(&s->stats.dropped);
}

/*
 * Moves events from the ring to Redis.  Down: each is dropped.
 * Connecting or too many in flight: they stay in the ring.  Arms the
 * eventfd only once the ring is empty, so a blocked sink is woken by
 * its replies instead.
 */
static void
sink_redis_pump(struct sink_redis *s)
{
	struct opp_event ev;

	for (;;) {
		s->blocked = s->state == SINK_CONNECTING ||
		    (s->state == SINK_READY && s->inflight >= s->max_inflight);
		if (s->blocked) {
			if (s->state == SINK_READY)
				metrics_inc(&s->stats.stalls);
			break; /* re-pumped once ready, or by the replies */
		}
		if (ring_reader_next(&s->rd, &ev) == 1) {
			sink_redis_write_event(s, &ev);
			continue;
		}
		sink_redis_count_lost(s);
		if (s->stopping)
			break;
		if (ring_reader_arm(&s->rd) == 0)
			break;
	}
	sink_redis_count_lost(s);
	/* Stopping: done once the ring is empty and nothing is owed. */
	if (s->stopping && !s->blocked && s->inflight == 0)
		ev_break(s->loop, EVBREAK_ONE);
}

static void
sink_redis_ring_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct sink_redis *s = container_of(w, struct sink_redis, ring_io);

	(void)loop;
	(void)revents;
	ring_reader_drain(&s->rd);
	sink_redis_pump(s);
}

/* "bid,ask,bid_size,ask_size,exch_ts,recv_ts,state" */
static void
sink_redis_quote_value(const struct quote *q, char *buf, size_t len)
{
	char bid[32], ask[32], bs[32], as[32];

	fixed_format(q->bid, PX_DECIMALS, bid, sizeof bid);
	fixed_format(q->ask, PX_DECIMALS, ask, sizeof ask);
	fixed_format(q->bid_size, QTY_DECIMALS, bs, sizeof bs);
	fixed_format(q->ask_size, QTY_DECIMALS, as, sizeof as);
	snprintf(buf, len, "%s,%s,%s,%s,%lld,%lld,%s", bid, ask, bs, as,
	    (long long)q->exch_ts, (long long)q->recv_ts,
	    book_state_name(q->state));
}

/* HSET key[v] with every venue from v on that shares the key. */
static void
sink_redis_hset(struct sink_redis *s, inst_id i, unsigned v, int *todo,
    char key[][64], char val[][SINK_REDIS_QUOTE_LEN], const struct quote *q)
{
	const char *argv[2 + 2 * VENUE_COUNT];
	size_t len[2 + 2 * VENUE_COUNT];
	unsigned w, n = 2, k, first = v;
	struct sink_redis_last *last;

	argv[0] = "HSET";
	argv[1] = key[first];
	for (w = first; w < VENUE_COUNT; w++) {
		if (!todo[w] || strcmp(key[w], key[first]) != 0)
			continue;
		argv[n] = venues_name(w);
		argv[n + 1] = val[w];
		n += 2;
	}
	for (k = 0; k < n; k++)
		len[k] = strlen(argv[k]);
	if (sink_redis_command(s, CMD_HSET, (int)n, argv, len) != 0)
		return;
	for (w = first; w < VENUE_COUNT; w++) {
		if (!todo[w] || strcmp(key[w], key[first]) != 0)
			continue;
		last = &s->last[(size_t)i * VENUE_COUNT + w];
		last->seq = q[w].seq;
		last->state = q[w].state;
		last->written = 1;
		todo[w] = 0;
		metrics_inc(&s->stats.quotes);
	}
}

/*
 * One instrument: the venues whose quote changed, one HSET per key (the
 * canonical name differs between USDT- and USD-quoted venues).  A quote
 * counts as written once its command is queued; what does not fit
 * under max_inflight waits for the next pass.
 */
static void
sink_redis_write_inst(struct sink_redis *s, inst_id i)
{
	char val[VENUE_COUNT][SINK_REDIS_QUOTE_LEN];
	char key[VENUE_COUNT][64];
	struct quote q[VENUE_COUNT];
	int todo[VENUE_COUNT] = { 0 };
	unsigned v;

	for (v = 0; v < VENUE_COUNT; v++) {
		const struct sink_redis_last *last =
		    &s->last[(size_t)i * VENUE_COUNT + v];

		if (!symbols_listed(s->sy, i, (enum venue_id)v))
			continue;
		book_read(book_quote(s->book, i, (enum venue_id)v), &q[v]);
		if (last->written
			? last->seq == q[v].seq && last->state == q[v].state
			: q[v].state == QUOTE_DOWN)
			continue;
		sink_redis_quote_value(&q[v], val[v], sizeof val[v]);
		snprintf(key[v], sizeof key[v], "%s%s", SINK_REDIS_QUOTE_PREFIX,
		    symbols_canonical(s->sy, i, (enum venue_id)v));
		todo[v] = 1;
	}
	for (v = 0; v < VENUE_COUNT; v++) {
		if (todo[v] && s->inflight < s->max_inflight)
			sink_redis_hset(s, i, v, todo, key, val, q);
	}
}

/* Every instrument whose quotes changed since the last pass. */
static void
sink_redis_write_quotes(struct sink_redis *s)
{
	unsigned i;

	/* Latest values only: skipped now, the next pass writes them. */
	if (s->quote_s <= 0 || s->state != SINK_READY ||
	    s->inflight >= s->max_inflight)
		return;
	for (i = 0; i < s->ninst; i++)
		sink_redis_write_inst(s, (inst_id)i);
}

static void
sink_redis_quote_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct sink_redis *s = container_of(w, struct sink_redis, quote_timer);

	(void)loop;
	(void)revents;
	sink_redis_write_quotes(s);
}

/* --- thread --- */

static void
sink_redis_stop_cb(struct ev_loop *loop, ev_async *w, int revents)
{
	struct sink_redis *s = container_of(w, struct sink_redis, stop_async);

	(void)revents;
	s->stopping = 1;
	ev_timer_stop(loop, &s->quote_timer);
	ev_timer_stop(loop, &s->retry_timer);
	ev_timer_start(loop, &s->drain_timer);
	/* The engine has stopped: leave the hashes holding its last book. */
	sink_redis_write_quotes(s);
	sink_redis_pump(s);
}

static void
sink_redis_drain_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)w;
	(void)revents;
	ev_break(loop, EVBREAK_ONE);
}

static void *
sink_redis_main(void *arg)
{
	struct sink_redis *s = arg;

	ev_io_start(s->loop, &s->ring_io);
	ev_async_start(s->loop, &s->stop_async);
	if (s->quote_s > 0)
		ev_timer_start(s->loop, &s->quote_timer);
	sink_redis_connect(s);
	sink_redis_pump(s);
	ev_run(s->loop, 0);
	/* Whatever is still owed or waiting is lost now. */
	s->stopping = 1;
	if (s->ac != NULL)
		sink_redis_drop_conn(s, NULL);
	s->state = SINK_DOWN;
	sink_redis_pump(s);
	ev_io_stop(s->loop, &s->ring_io);
	ev_async_stop(s->loop, &s->stop_async);
	ev_timer_stop(s->loop, &s->quote_timer);
	ev_timer_stop(s->loop, &s->retry_timer);
	ev_timer_stop(s->loop, &s->drain_timer);
	ev_timer_stop(s->loop, &s->kill_timer);
	return (NULL);
}

static void
sink_redis_init_watchers(struct sink_redis *s, double drain_s)
{
	ev_io_init(&s->ring_io, sink_redis_ring_cb, ring_reader_fd(&s->rd),
	    EV_READ);
	ev_async_init(&s->stop_async, sink_redis_stop_cb);
	ev_init(&s->connect_timer, sink_redis_timeout_cb);
	s->connect_timer.data = s;
	ev_init(&s->reply_timer, sink_redis_timeout_cb);
	s->reply_timer.data = s;
	ev_init(&s->retry_timer, sink_redis_retry_cb);
	ev_timer_init(&s->kill_timer, sink_redis_kill_cb, 0.0, 0.0);
	ev_timer_init(&s->quote_timer, sink_redis_quote_cb, s->quote_s,
	    s->quote_s);
	ev_timer_init(&s->drain_timer, sink_redis_drain_cb, drain_s, 0.0);
}

int
sink_redis_start(struct sink_redis *s, char **cause)
{
	sigset_t all, old;
	int err;

	if ((s->loop = ev_loop_new(EVFLAG_AUTO)) == NULL) {
		xasprintf(cause, "redis: cannot make an event loop");
		return (-1);
	}
	sink_redis_init_watchers(s, 1.0);
	/*
	 * The thread inherits a mask blocking every signal: the reactor
	 * handles the process's signals, and a write to a Redis that went
	 * away fails with EPIPE here instead of raising SIGPIPE.
	 */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&s->thread, NULL, sink_redis_main, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err != 0) {
		xasprintf(cause, "redis: thread: %s", strerror(err));
		return (-1);
	}
	s->started = 1;
	return (0);
}

void
sink_redis_stop(struct sink_redis *s, double drain_s)
{
	if (s == NULL || !s->started)
		return;
	/* Read by the thread only after ev_async_send's barrier. */
	ev_timer_set(&s->drain_timer, drain_s > 0 ? drain_s : 0.001, 0.0);
	ev_async_send(s->loop, &s->stop_async);
	pthread_join(s->thread, NULL);
	s->started = 0;
}

void
sink_redis_free(struct sink_redis *s)
{
	if (s == NULL)
		return;
	sink_redis_stop(s, 0);
	if (s->loop != NULL)
		ev_loop_destroy(s->loop);
	if (s->rd_ok)
		ring_reader_fini(&s->rd);
	free(s->last);
	free(s->path);
	free(s->host);
	free(s->stream);
	secret_free(s->password);
	free(s);
}
