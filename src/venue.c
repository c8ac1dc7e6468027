/*
 * Live venues: each stream is a WebSocket connection (ws.c) whose
 * messages go through the venue's parser straight to the sink (the
 * engine: book, detection, ring) on the reactor thread.
 *
 * Trust state: on every (re)connect the venue's quotes become RESYNCING
 * and its parsers forget their snapshots, so no quote is used until a
 * fresh snapshot arrives; each update then marks its quote LIVE.  A
 * dropped connection makes them DOWN (the engine closes their
 * opportunities).  Staleness is judged by age in the detector.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xarb.h"
#include "config.h"
#include "http.h"
#include "metrics.h"
#include "log.h"
#include "reactor.h"
#include "symbols.h"
#include "venue.h"
#include "venues.h"
#include "ws.h"
#include "xmalloc.h"

#define VENUE_STREAMS_MAX 2
#define VENUE_PREPARE_MAX_BODY 65536

struct venue_conn {
	struct venue *v; /* borrowed: the owner */
	unsigned stream;
	struct ws_conn *ws; /* owned */
	ev_timer ping;	    /* application heartbeat */
	int subscribed;
	int64_t recv_ts;	     /* of the message being parsed */
	int64_t parse_ts;	     /* when its parsing began */
	struct venue_parser *parser; /* owned (80 KiB of tokens) */
};

struct venue {
	const struct venue_ops *ops; /* static table entry */
	enum venue_id id;
	struct reactor *reactor;   /* borrowed */
	struct ev_loop *loop;	   /* borrowed */
	SSL_CTX *tls;		   /* borrowed */
	const struct symbols *sym; /* borrowed */
	struct venue_sink sink;
	inst_id *inst; /* owned: the instruments this venue trades */
	unsigned ninst;
	struct venue_conn conn[VENUE_STREAMS_MAX];
	char *url_rest;	       /* owned */
	struct http_req *prep; /* owned while the prerequisite runs */
	ev_timer prep_retry;
	double prep_backoff;		  /* next token retry delay, s */
	double backoff_base, backoff_cap; /* [net], s */
	double ping_interval;
	double idle_timeout; /* [net] idle_timeout_ms, seconds; 0 off */
	int started;
	int ever_open; /* some stream opened once: the network works */
	enum quote_state state;
	struct venue_stats stats; /* pings, prepares, state, last_error */
};

static void venue_prepare(struct venue *);

/*
 * A venue with a prerequisite (KuCoin) gets a fresh token for every new
 * connection, as its docs advise: the WebSocket does not retry on its
 * own; the token request does, after delay.
 */
static void
venue_retoken(struct venue *v, struct ws_conn *c, double delay)
{
	if (v->ops->prepare_path == NULL || reactor_stopping(v->reactor))
		return;
	ws_stop(c);
	ev_timer_set(&v->prep_retry, delay, 0.0);
	ev_timer_start(v->loop, &v->prep_retry);
}

static int64_t
venue_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec);
}

/* Pongs must beat our own idle watchdog on a quiet venue. */
static void
venue_set_ping_interval(struct venue *v, double secs)
{
	v->ping_interval = secs;
	if (v->idle_timeout > 0 && secs > v->idle_timeout / 2)
		v->ping_interval = v->idle_timeout / 2;
}

int
venue_send(struct venue_conn *vc, const char *text, size_t len)
{
	return (ws_send_text(vc->ws, text, len));
}

unsigned
venue_conn_ninst(const struct venue_conn *vc)
{
	return (vc->v->ninst);
}

inst_id
venue_conn_inst(const struct venue_conn *vc, unsigned k)
{
	return (vc->v->inst[k]);
}

const char *
venue_conn_symbol(const struct venue_conn *vc, unsigned k)
{
	return (symbols_venue_symbol(vc->v->sym, vc->v->inst[k], vc->v->id));
}

unsigned
venue_conn_stream(const struct venue_conn *vc)
{
	return (vc->stream);
}

static void
venue_set_state(struct venue *v, enum quote_state st)
{
	if (v->state == st)
		return;
	v->state = st;
	v->sink.state(v->sink.arg, v->id, st);
}

/* The venue is as healthy as its worst stream. */
static void
venue_update_state(struct venue *v)
{
	unsigned k;

	for (k = 0; k < v->ops->streams; k++) {
		if (ws_get_state(v->conn[k].ws) != WS_OPEN) {
			venue_set_state(v, QUOTE_DOWN);
			return;
		}
	}
	if (v->state == QUOTE_DOWN)
		venue_set_state(v, QUOTE_RESYNCING);
}

static void
venue_emit_cb(struct venue_parser *p, const struct venue_update *up)
{
	struct venue_conn *vc = p->arg;
	struct venue *v = vc->v;
	struct venue_update live = *up;

	/*
	 * Parsers emit only snapshot-backed data: a top of book makes its
	 * quote trusted.  Funding alone (Binance's /market stream) does not:
	 * the book may be from before a reconnect of the other stream.
	 */
	if (up->u.mask & QU_TOP) {
		live.u.mask |= QU_STATE;
		live.u.state = QUOTE_LIVE;
		if (v->state != QUOTE_LIVE)
			venue_set_state(v, QUOTE_LIVE);
	}
	v->sink.update(v->sink.arg, v->id, &live, vc->recv_ts, vc->parse_ts);
}

static void
venue_ping_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct venue_conn *vc = container_of(w, struct venue_conn, ping);

	(void)loop;
	(void)revents;
	if (vc->v->ops->ping(vc) == 0)
		vc->v->stats.pings++;
}

static void
venue_subscribe(struct venue_conn *vc)
{
	if (vc->v->ops->subscribe(vc) != 0) {
		log_warn("venue %s: subscribing failed; reconnecting",
		    vc->v->ops->name);
		ws_stop(vc->ws);
		ws_start(vc->ws);
		return;
	}
	vc->subscribed = 1;
}

static void
venue_on_open(struct ws_conn *c, void *arg)
{
	struct venue_conn *vc = arg;
	struct venue *v = vc->v;

	(void)c;
	v->ever_open = 1;
	v->stats.opens++;
	venue_parser_reset(vc->parser);
	vc->subscribed = 0;
	venue_update_state(v);
	if (!v->ops->wait_welcome)
		venue_subscribe(vc);
	if (v->ops->ping != NULL && v->ping_interval > 0) {
		vc->ping.repeat = v->ping_interval;
		ev_timer_again(v->loop, &vc->ping);
	}
}

static void
venue_on_message(struct ws_conn *c, const char *data, size_t len, int binary,
    int64_t recv_ts, void *arg)
{
	struct venue_conn *vc = arg;

	(void)c;
	(void)binary;
	vc->recv_ts = recv_ts;
	vc->parse_ts = venue_now();
	if (vc->v->sink.frame_hist != NULL)
		metrics_hist_record(vc->v->sink.frame_hist,
		    (uint64_t)(vc->parse_ts > recv_ts ? vc->parse_ts - recv_ts
						      : 0));
	venue_parse(vc->parser, data, len, recv_ts);
	if (!vc->subscribed && vc->parser->welcomed)
		venue_subscribe(vc);
}

static void
venue_on_close(struct ws_conn *c, const char *reason, const char *detail,
    void *arg)
{
	struct venue_conn *vc = arg;
	struct venue *v = vc->v;

	ev_timer_stop(v->loop, &vc->ping);
	snprintf(v->stats.last_error, sizeof v->stats.last_error, "%s%s%s",
	    reason, *detail ? ": " : "", detail);
	if (reactor_stopping(v->reactor))
		log_info("venue %s: stream %u closed: %s", v->ops->name,
		    vc->stream, v->stats.last_error);
	else {
		v->stats.losses++;
		log_warn("venue %s: stream %u lost: %s", v->ops->name,
		    vc->stream, v->stats.last_error);
	}
	venue_update_state(v);
	venue_retoken(v, c, v->prep_backoff);
}

/*
 * A connection attempt failed.  Logged every time (the back-off bounds
 * the rate); before any success the log says how to run offline.
 */
static void
venue_on_fail(struct ws_conn *c, const char *reason, const char *detail,
    double retry_in, void *arg)
{
	struct venue_conn *vc = arg;
	struct venue *v = vc->v;

	(void)c;
	snprintf(v->stats.last_error, sizeof v->stats.last_error, "%s%s%s",
	    reason, *detail ? ": " : "", detail);
	log_warn("venue %s: cannot connect: %s; retrying in %.1f s%s",
	    v->ops->name, v->stats.last_error, retry_in,
	    v->ever_open ? ""
			 : " (offline? 'xarb --demo' runs without a "
			   "network)");
	venue_retoken(v, c, retry_in);
}

static const struct ws_callbacks venue_ws_callbacks = {
	.on_open = venue_on_open,
	.on_message = venue_on_message,
	.on_close = venue_on_close,
	.on_fail = venue_on_fail,
};

/* -- the prerequisite (KuCoin's bullet token) ------------------------ */

static void
venue_prepared_cb(struct http_req *req, int status, const char *body,
    size_t len, const char *err, void *arg)
{
	struct venue *v = arg;
	char url[1024], why[160], *cause = NULL;
	double ping = 0;
	int rv;

	v->prep = NULL;
	rv = status != 200 ? -1
			   : v->ops->prepared(body, len, url, sizeof url, &ping,
				 why, sizeof why);
	if (status == 0)
		snprintf(why, sizeof why, "%s", err);
	else if (status != 200)
		snprintf(why, sizeof why, "status %d", status);
	/* body and err live in req: free it only now. */
	http_req_free(req);
	if (rv != 0) {
		v->stats.prepare_failures++;
		snprintf(v->stats.last_error, sizeof v->stats.last_error,
		    "%s %s: %s", v->ops->prepare_method, v->ops->prepare_path,
		    why);
		log_warn("venue %s: cannot connect: %s; retrying in %.1f s%s",
		    v->ops->name, v->stats.last_error, v->prep_backoff,
		    v->ever_open ? ""
				 : " (offline? 'xarb --demo' runs without a "
				   "network)");
		ev_timer_set(&v->prep_retry, v->prep_backoff, 0.0);
		ev_timer_start(v->loop, &v->prep_retry);
		v->prep_backoff = v->prep_backoff * 2 > v->backoff_cap
		    ? v->backoff_cap
		    : v->prep_backoff * 2;
		return;
	}
	v->prep_backoff = v->backoff_base;
	if (ping > 0)
		venue_set_ping_interval(v, ping);
	if (ws_set_url(v->conn[0].ws, url, &cause) != 0) {
		log_warn("venue %s: token endpoint: %s", v->ops->name, cause);
		free(cause);
		ev_timer_set(&v->prep_retry, 5.0, 0.0);
		ev_timer_start(v->loop, &v->prep_retry);
		return;
	}
	ws_start(v->conn[0].ws);
}

static void
venue_prepare(struct venue *v)
{
	struct http_req_opts o;
	char url[1024], *cause = NULL;

	memset(&o, 0, sizeof o);
	snprintf(url, sizeof url, "%s%s", v->url_rest, v->ops->prepare_path);
	o.method = v->ops->prepare_method;
	o.url = url;
	o.body = strcmp(o.method, "POST") == 0 ? "" : NULL;
	o.max_body = VENUE_PREPARE_MAX_BODY;
	o.timeout = 10;
	o.tls = v->tls;
	v->stats.prepares++;
	v->prep = http_req_start(v->loop, reactor_resolver(v->reactor), &o,
	    venue_prepared_cb, v, &cause);
	if (v->prep == NULL) {
		log_warn("venue %s: %s", v->ops->name, cause);
		free(cause);
		v->stats.prepare_failures++;
	}
}

static void
venue_prep_retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct venue *v = container_of(w, struct venue, prep_retry);

	(void)loop;
	(void)revents;
	if (!reactor_stopping(v->reactor))
		venue_prepare(v);
}

/* -- life ------------------------------------------------------------ */

static const char *
venue_stream_url(const struct config *cfg, enum venue_id v, unsigned k)
{
	const struct config_venue *cv = &cfg->venue[v];

	return (k == 0 ? cv->url : cv->url_market);
}

struct venue *
venue_new(struct reactor *r, SSL_CTX *tls, const struct config *cfg,
    const struct symbols *sym, enum venue_id id, const struct venue_sink *sink,
    char **cause)
{
	struct venue *v;
	struct ws_config wc;
	const char *url;
	char name[32];
	unsigned k, i, n = symbols_count(sym);

	if (venue_table[id] == NULL) {
		xasprintf(cause, "%s: no adapter in this build",
		    venues_name(id));
		return (NULL);
	}
	v = xcalloc(1, sizeof *v);
	v->ops = venue_table[id];
	v->id = id;
	v->reactor = r;
	v->loop = reactor_loop(r);
	v->tls = tls;
	v->sym = sym;
	v->sink = *sink;
	v->state = QUOTE_DOWN;
	v->idle_timeout = (double)cfg->net_idle_timeout_ms / 1000.0;
	venue_set_ping_interval(v, v->ops->ping_interval);
	/* Token requests back off like the connections ([net]). */
	v->backoff_base = (double)cfg->net_backoff_base_ms / 1000.0;
	v->backoff_cap = (double)cfg->net_backoff_cap_ms / 1000.0;
	v->prep_backoff = v->backoff_base;
	v->url_rest = xstrdup(cfg->venue[id].url_rest);
	ev_init(&v->prep_retry, venue_prep_retry_cb);
	v->inst = xcalloc(n, sizeof *v->inst);
	for (i = 0; i < n; i++) {
		if (symbols_listed(sym, (inst_id)i, id))
			v->inst[v->ninst++] = (inst_id)i;
	}
	for (k = 0; k < v->ops->streams; k++) {
		struct venue_conn *vc = &v->conn[k];

		vc->v = v;
		vc->stream = k;
		ev_init(&vc->ping, venue_ping_cb);
		vc->parser = xmalloc(sizeof *vc->parser);
		venue_parser_init(vc->parser, id, k, sym, venue_emit_cb, vc);
		memset(&wc, 0, sizeof wc);
		ws_config_from(&wc, cfg);
		snprintf(name, sizeof name, "%s%s", venues_name(id),
		    k == 0 ? "" : "/market");
		url = venue_stream_url(cfg, id, k);
		/* KuCoin's URL comes with its token; until then, a stand-in. */
		wc.name = name;
		wc.url = url != NULL && *url != '\0' ? url : "wss://0.0.0.0/";
		wc.tls = tls;
		wc.cb = &venue_ws_callbacks;
		wc.arg = vc;
		if ((vc->ws = ws_new(v->loop, reactor_resolver(r), &wc,
			 cause)) == NULL)
			goto fail;
		reactor_add_ws(r, vc->ws);
	}
	return (v);

fail:
	venue_free(v);
	return (NULL);
}

void
venue_free(struct venue *v)
{
	unsigned k;

	if (v == NULL)
		return;
	ev_timer_stop(v->loop, &v->prep_retry);
	http_req_free(v->prep);
	for (k = 0; k < VENUE_STREAMS_MAX; k++) {
		struct venue_conn *vc = &v->conn[k];

		ev_timer_stop(v->loop, &vc->ping);
		if (vc->ws != NULL) {
			reactor_remove_ws(v->reactor, vc->ws);
			ws_free(vc->ws);
		}
		if (vc->parser != NULL) {
			venue_parser_fini(vc->parser);
			free(vc->parser);
		}
	}
	free(v->inst);
	free(v->url_rest);
	free(v);
}

void
venue_start(struct venue *v)
{
	unsigned k;

	if (v->started)
		return;
	v->started = 1;
	if (v->ops->prepare_path != NULL) {
		venue_prepare(v);
		return;
	}
	for (k = 0; k < v->ops->streams; k++)
		ws_start(v->conn[k].ws);
}

void
venue_get_stats(const struct venue *v, struct venue_stats *st)
{
	const struct venue_parser *p;
	unsigned k, d;

	memset(st, 0, sizeof *st);
	for (k = 0; k < v->ops->streams; k++) {
		p = v->conn[k].parser;
		st->msgs += p->msgs;
		st->updates += p->updates;
		st->ignored += p->ignored;
		for (d = 0; d < VENUE_DROP_COUNT; d++)
			st->drops[d] += p->drops[d];
	}
	st->pings = v->stats.pings;
	st->prepares = v->stats.prepares;
	st->prepare_failures = v->stats.prepare_failures;
	st->opens = v->stats.opens;
	st->losses = v->stats.losses;
	st->state = v->state;
	memcpy(st->last_error, v->stats.last_error, sizeof st->last_error);
}

enum ws_state
venue_stream_state(const struct venue *v, unsigned k)
{
	return (k < v->ops->streams ? ws_get_state(v->conn[k].ws) : WS_STOPPED);
}

const struct ws_stats *
venue_stream_stats(const struct venue *v, unsigned k)
{
	return (k < v->ops->streams ? ws_get_stats(v->conn[k].ws) : NULL);
}
