/*
 * Tests of the simulator's venue protocols (sim_venue.c, sim_proto.c)
 * through xarb's real client stack: ws.c over tls.c with a CA made by
 * sim_cert_make(), on loopback, with the simulator in its own thread.
 * Every venue is checked on the wire: subscribe acks and error acks,
 * heartbeat replies, pushes at the configured rate for the subscribed
 * instruments only, prices consistent across venues, heartbeat and pong
 * deadlines, server pings, KuCoin's bullet token and welcome, scheduled
 * dislocations, idle endpoints, replay, the programmatic constructor
 * and the xarb-sim program.  Bybit's frames also go through the real
 * adapter (venue_parser); the others are read with json.h.  Bad clients
 * (garbage, floods, vanishing mid-frame, not reading) must leave the
 * simulator running and leak-free (ASan, valgrind).
 *
 * Timing: each test runs for about a second of pushes; with XARB_SLOW
 * (valgrind) rates drop and windows widen.
 */
#include "autoconf.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <ev.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "xarb.h"
#include "config.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "net.h"
#include "reactor.h"
#include "sim/pricegen.h"
#include "sim/sim.h"
#include "sim/sim_cert.h"
#include "symbols.h"
#include "tcheck.h"
#include "tls.h"
#include "venue.h"
#include "venues.h"
#include "ws.h"

extern char **environ;

#define T_MSGS_MAX 100000 /* messages kept per client */

static char *certs;	   /* sim_cert_make() output, made by main() */
static SSL_CTX *cli_ctx;   /* trusts certs/ca.pem */
static SSL_CTX *saved_ctx; /* cli_ctx while a test trusts another CA */
static char *dir;	   /* scratch, per test */
static struct ev_loop *loop;
static struct net_resolver *res;
static struct sim *sim;
static struct json_doc doc; /* 80 KiB: not on the stack */

/* --- clients --- */

struct tmsg {
	char *text; /* owned, NUL-terminated */
	size_t len;
	double t; /* ev_time() at arrival */
};

struct tcl {
	struct ws_conn *ws;
	const char *sub[8]; /* sent at open, in order */
	const char *ping;   /* heartbeat text, every ping_every s */
	double ping_every;
	ev_timer ping_w;
	struct tmsg *msgs;
	unsigned n, cap;
	unsigned opens, closes, fails;
	const char *reason;
	char detail[256];
	double t_open, t_close;
};

#define T_CLIENTS 16
static struct tcl cls[T_CLIENTS];

static void
setup(void)
{
	log_set_level(LOG_LEVEL_WARN);
	memset(cls, 0, sizeof cls);
	dir = tcheck_mkdtemp();
	loop = ev_loop_new(EVFLAG_AUTO);
	res = net_resolver_new(loop);
	sim = NULL;
}

static void
teardown(void)
{
	unsigned i, k;

	for (i = 0; i < T_CLIENTS; i++) {
		ws_free(cls[i].ws);
		ev_timer_stop(loop, &cls[i].ping_w);
		for (k = 0; k < cls[i].n; k++)
			free(cls[i].msgs[k].text);
		free(cls[i].msgs);
	}
	memset(cls, 0, sizeof cls);
	sim_free(sim);
	sim = NULL;
	if (saved_ctx != NULL) {
		SSL_CTX_free(cli_ctx);
		cli_ctx = saved_ctx;
		saved_ctx = NULL;
	}
	net_resolver_free(res);
	ev_loop_destroy(loop);
	tcheck_rmdir(dir);
	dir = NULL;
	tcheck_free_kept();
}

static void
t_ping_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	struct tcl *cl = container_of(w, struct tcl, ping_w);

	(void)l;
	(void)revents;
	ws_send_text(cl->ws, cl->ping, strlen(cl->ping));
}

static void
t_open(struct ws_conn *c, void *arg)
{
	struct tcl *cl = arg;
	unsigned i;

	cl->opens++;
	cl->t_open = ev_time();
	for (i = 0; i < nitems(cl->sub) && cl->sub[i] != NULL; i++)
		ck_assert_int_eq(ws_send_text(c, cl->sub[i],
				     strlen(cl->sub[i])),
		    0);
	if (cl->ping != NULL && cl->ping_every > 0) {
		ev_timer_init(&cl->ping_w, t_ping_cb, cl->ping_every,
		    cl->ping_every);
		ev_timer_start(loop, &cl->ping_w);
	}
}

static void
t_message(struct ws_conn *c, const char *data, size_t len, int binary,
    int64_t ts, void *arg)
{
	struct tcl *cl = arg;
	struct tmsg *m;

	(void)c;
	(void)binary;
	(void)ts;
	if (cl->n == cl->cap) {
		ck_assert_uint_lt(cl->cap, T_MSGS_MAX);
		cl->cap = cl->cap > 0 ? cl->cap * 2 : 256;
		cl->msgs = realloc(cl->msgs, cl->cap * sizeof *cl->msgs);
		ck_assert_ptr_nonnull(cl->msgs);
	}
	m = &cl->msgs[cl->n++];
	m->text = strndup(data, len);
	m->len = len;
	m->t = ev_time();
}

/* A client that ends stays ended: the tests count its one connection. */
static void
t_close(struct ws_conn *c, const char *reason, const char *detail, void *arg)
{
	struct tcl *cl = arg;

	cl->closes++;
	cl->t_close = ev_time();
	cl->reason = reason;
	snprintf(cl->detail, sizeof cl->detail, "%s", detail);
	ev_timer_stop(loop, &cl->ping_w);
	ws_stop(c);
}

/* A connection that never opened (refused upgrade, TLS): not retried. */
static void
t_fail(struct ws_conn *c, const char *reason, const char *detail,
    double retry_in, void *arg)
{
	struct tcl *cl = arg;

	(void)retry_in;
	cl->fails++;
	cl->reason = reason;
	snprintf(cl->detail, sizeof cl->detail, "%s", detail);
	ws_stop(c);
}

static const struct ws_callbacks t_cbs = {
	.on_open = t_open,
	.on_message = t_message,
	.on_close = t_close,
	.on_fail = t_fail,
};

/* Connects client k to url (TLS with the test CA). */
static struct tcl *
t_connect(unsigned k, const char *url)
{
	struct tcl *cl = &cls[k];
	struct ws_config wc;
	char *cause = NULL;

	memset(&wc, 0, sizeof wc);
	wc.name = "t";
	wc.url = url;
	wc.tls = cli_ctx;
	wc.max_msg = 1 << 20;
	wc.connect_timeout = 5;
	wc.backoff_base = 10; /* never retries within a test */
	wc.backoff_cap = 10;
	wc.close_timeout = 1;
	wc.cb = &t_cbs;
	wc.arg = cl;
	cl->ws = ws_new(loop, res, &wc, &cause);
	ck_assert_msg(cl->ws != NULL, "ws_new %s: %s", url, cause);
	ws_start(cl->ws);
	return (cl);
}

/* A repeating timer keeps EVRUN_ONCE from blocking forever. */
static ev_timer tick;
static void
tick_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	(void)l;
	(void)w;
	(void)revents;
}

#define RUN_UNTIL(cond, secs)                                                  \
	do {                                                                   \
		ev_tstamp end_ = ev_time() + (secs);                           \
		ev_timer_init(&tick, tick_cb, 0.005, 0.005);                   \
		ev_timer_start(loop, &tick);                                   \
		while (!(cond) && ev_time() < end_)                            \
			ev_run(loop, EVRUN_ONCE);                              \
		ev_timer_stop(loop, &tick);                                    \
	} while (0)

static void
run_for(double secs)
{
	RUN_UNTIL(0, secs);
}

/* Parses and starts a scenario (TLS endpoints get the test leaf). */
static void
sim_up(const char *script)
{
	char *cause = NULL;

	sim = sim_new("t.scn", script, tcheck_asprintf("%s/server.pem", certs),
	    tcheck_asprintf("%s/server.key", certs), &cause);
	ck_assert_msg(sim != NULL, "sim_new: %s", cause);
	ck_assert_msg(sim_start_thread(sim, &cause) == 0, "start: %s", cause);
}

static const char *
url_of(const char *ep, const char *suffix)
{
	char buf[256];

	ck_assert_int_gt(sim_url(sim, ep, buf, sizeof buf), 0);
	return (tcheck_asprintf("%s%s", buf, suffix));
}

static struct sim_stats
stats(const char *ep)
{
	struct sim_stats st;

	sim_get_stats(sim, ep, &st);
	return (st);
}

/* --- reading venue messages with json.h --- */

enum tkind { T_OTHER, T_ACK, T_ERR, T_PONG, T_WELCOME, T_BBO, T_FUND };

struct tev {
	enum tkind k;
	int inst;		   /* 0 BTC, 1 ETH, 2 SOL, -1 */
	double bid, ask, bsz, asz; /* 0: that side is empty */
	int has_rate;
	double rate;
	long long next_ms;
};

/* The three test instruments on each venue's wire. */
static const struct {
	const char *venue;
	const char *sym[3];
} t_syms[] = {
	{ "bybit", { "BTCUSDT", "ETHUSDT", "SOLUSDT" } },
	{ "okx", { "BTC-USDT-SWAP", "ETH-USDT-SWAP", "SOL-USDT-SWAP" } },
	{ "kucoin", { "XBTUSDTM", "ETHUSDTM", "SOLUSDTM" } },
	{ "bitget", { "BTCUSDT", "ETHUSDT", "SOLUSDT" } },
	{ "hyperliquid", { "BTC", "ETH", "SOL" } },
	{ "paradex", { "BTC-USD-PERP", "ETH-USD-PERP", "SOL-USD-PERP" } },
	{ "binance", { "BTCUSDT", "ETHUSDT", "SOLUSDT" } },
	{ "binance-market", { "BTCUSDT", "ETHUSDT", "SOLUSDT" } },
};

static int
t_inst(const char *venue, int tok)
{
	const char *s;
	size_t len, i, k;

	if (json_get_str(&doc, tok, &s, &len) != 0)
		return (-1);
	for (i = 0; i < nitems(t_syms); i++) {
		if (strcmp(t_syms[i].venue, venue) != 0)
			continue;
		for (k = 0; k < 3; k++)
			if (strlen(t_syms[i].sym[k]) == len &&
			    memcmp(t_syms[i].sym[k], s, len) == 0)
				return ((int)k);
	}
	return (-1);
}

static double
num(int tok)
{
	int64_t v;

	if (json_get_fixed(&doc, tok, 8, &v) < 0)
		return (0);
	return ((double)v / 1e8);
}

/* [[price, size, ...]] or [] or a {"px","sz"} level or null. */
static void
level(int lvl, double *px, double *sz)
{
	if (json_is_array(&doc, lvl)) {
		*px = num(json_index(&doc, lvl, 0));
		*sz = num(json_index(&doc, lvl, 1));
	} else if (json_is_object(&doc, lvl)) {
		*px = num(json_find(&doc, lvl, "px"));
		*sz = num(json_find(&doc, lvl, "sz"));
	}
}

static void
rate_of(struct tev *e, int tok)
{
	int64_t v;

	if (json_get_fixed(&doc, tok, 9, &v) >= 0) {
		e->has_rate = 1;
		e->rate = (double)v / 1e9;
	}
}

static void
bybit_ev(const char *venue, struct tev *e)
{
	int data = json_find(&doc, 0, "data"),
	    topic = json_find(&doc, 0, "topic");
	int ok = 0;

	if (json_find(&doc, 0, "op") != -1) {
		json_get_bool(&doc, json_find(&doc, 0, "success"), &ok);
		e->k = !ok					      ? T_ERR
		    : json_eq(&doc, json_find(&doc, 0, "op"), "ping") ? T_PONG
								      : T_ACK;
		return;
	}
	if (topic == -1 || doc.tok[topic].type != JSMN_STRING)
		return;
	if (doc.js[doc.tok[topic].start] == 'o') {
		e->k = T_BBO;
		e->inst = t_inst(venue, json_find(&doc, data, "s"));
		level(json_index(&doc, json_find(&doc, data, "b"), 0), &e->bid,
		    &e->bsz);
		level(json_index(&doc, json_find(&doc, data, "a"), 0), &e->ask,
		    &e->asz);
	} else {
		e->k = T_FUND;
		e->inst = t_inst(venue, json_find(&doc, data, "symbol"));
		rate_of(e, json_find(&doc, data, "fundingRate"));
	}
}

static void
okx_bitget_ev(const char *venue, struct tev *e)
{
	int arg = json_find(&doc, 0, "arg"), ev = json_find(&doc, 0, "event");
	int data = json_index(&doc, json_find(&doc, 0, "data"), 0);
	int ch = json_find(&doc, arg, "channel");

	if (json_eq(&doc, ev, "subscribe") || json_eq(&doc, ev, "unsubscribe"))
		e->k = T_ACK;
	else if (json_eq(&doc, ev, "error"))
		e->k = T_ERR;
	else if (json_eq(&doc, ch, "bbo-tbt") || json_eq(&doc, ch, "books1")) {
		e->k = T_BBO;
		e->inst = t_inst(venue, json_find(&doc, arg, "instId"));
		level(json_index(&doc, json_find(&doc, data, "bids"), 0),
		    &e->bid, &e->bsz);
		level(json_index(&doc, json_find(&doc, data, "asks"), 0),
		    &e->ask, &e->asz);
	} else if (json_eq(&doc, ch, "funding-rate") ||
	    json_eq(&doc, ch, "ticker")) {
		e->k = T_FUND;
		e->inst = t_inst(venue, json_find(&doc, arg, "instId"));
		rate_of(e, json_find(&doc, data, "fundingRate"));
		json_get_i64(&doc,
		    json_find(&doc, data,
			json_eq(&doc, ch, "ticker") ? "nextFundingTime"
						    : "fundingTime"),
		    (int64_t *)&e->next_ms);
	}
}

static void
kucoin_ev(const char *venue, struct tev *e)
{
	int type = json_find(&doc, 0, "type"),
	    sub = json_find(&doc, 0, "subject");
	int data = json_find(&doc, 0, "data");

	if (json_eq(&doc, type, "welcome"))
		e->k = T_WELCOME;
	else if (json_eq(&doc, type, "ack"))
		e->k = T_ACK;
	else if (json_eq(&doc, type, "pong"))
		e->k = T_PONG;
	else if (json_eq(&doc, type, "error"))
		e->k = T_ERR;
	else if (json_eq(&doc, sub, "tickerV2")) {
		e->k = T_BBO;
		e->inst = t_inst(venue, json_find(&doc, data, "symbol"));
		e->bid = num(json_find(&doc, data, "bestBidPrice"));
		e->ask = num(json_find(&doc, data, "bestAskPrice"));
		e->bsz = num(json_find(&doc, data, "bestBidSize"));
		e->asz = num(json_find(&doc, data, "bestAskSize"));
	} else if (json_eq(&doc, sub, "funding.rate")) {
		const char *s;
		size_t len;

		e->k = T_FUND;
		json_get_str(&doc, json_find(&doc, 0, "topic"), &s, &len);
		e->inst = -1;
		if (len > 21 && memcmp(s, "/contract/instrument:", 21) == 0) {
			int i;

			for (i = 0; i < 3; i++)
				if (strlen(t_syms[2].sym[i]) == len - 21 &&
				    memcmp(s + 21, t_syms[2].sym[i],
					len - 21) == 0)
					e->inst = i;
		}
		rate_of(e, json_find(&doc, data, "fundingRate"));
	}
}

static void
hl_ev(const char *venue, struct tev *e)
{
	int ch = json_find(&doc, 0, "channel"),
	    data = json_find(&doc, 0, "data");
	int bbo = json_find(&doc, data, "bbo");

	if (json_eq(&doc, ch, "pong"))
		e->k = T_PONG;
	else if (json_eq(&doc, ch, "subscriptionResponse"))
		e->k = T_ACK;
	else if (json_eq(&doc, ch, "error"))
		e->k = T_ERR;
	else if (json_eq(&doc, ch, "bbo")) {
		e->k = T_BBO;
		e->inst = t_inst(venue, json_find(&doc, data, "coin"));
		level(json_index(&doc, bbo, 0), &e->bid, &e->bsz);
		level(json_index(&doc, bbo, 1), &e->ask, &e->asz);
	} else if (json_eq(&doc, ch, "activeAssetCtx")) {
		e->k = T_FUND;
		e->inst = t_inst(venue, json_find(&doc, data, "coin"));
		rate_of(e,
		    json_find(&doc, json_find(&doc, data, "ctx"), "funding"));
	}
}

static void
pdx_ev(const char *venue, struct tev *e)
{
	int params = json_find(&doc, 0, "params");
	int data = json_find(&doc, params, "data");
	const char *s;
	size_t len;

	if (json_find(&doc, 0, "result") != -1)
		e->k = T_ACK;
	else if (json_find(&doc, 0, "error") != -1)
		e->k = T_ERR;
	else if (json_get_str(&doc, json_find(&doc, params, "channel"), &s,
		     &len) == 0) {
		e->k = s[0] == 'b' ? T_BBO : T_FUND;
		e->inst = t_inst(venue, json_find(&doc, data, "market"));
		e->bid = num(json_find(&doc, data, "bid"));
		e->ask = num(json_find(&doc, data, "ask"));
		e->bsz = num(json_find(&doc, data, "bid_size"));
		e->asz = num(json_find(&doc, data, "ask_size"));
		rate_of(e, json_find(&doc, data, "funding_rate"));
	}
}

static void
bn_ev(const char *venue, struct tev *e)
{
	int data = json_find(&doc, 0, "data"), obj;

	obj = json_is_object(&doc, data) ? data : 0;
	if (json_find(&doc, 0, "result") != -1)
		e->k = T_ACK;
	else if (json_find(&doc, 0, "error") != -1)
		e->k = T_ERR;
	else if (json_eq(&doc, json_find(&doc, obj, "e"), "bookTicker")) {
		e->k = T_BBO;
		e->inst = t_inst(venue, json_find(&doc, obj, "s"));
		e->bid = num(json_find(&doc, obj, "b"));
		e->bsz = num(json_find(&doc, obj, "B"));
		e->ask = num(json_find(&doc, obj, "a"));
		e->asz = num(json_find(&doc, obj, "A"));
	} else if (json_eq(&doc, json_find(&doc, obj, "e"),
		       "markPriceUpdate")) {
		e->k = T_FUND;
		e->inst = t_inst(venue, json_find(&doc, obj, "s"));
		rate_of(e, json_find(&doc, obj, "r"));
		json_get_i64(&doc, json_find(&doc, obj, "T"),
		    (int64_t *)&e->next_ms);
	}
}

/* What a message of venue is; every message must be valid JSON. */
static struct tev
classify(const char *venue, const struct tmsg *m)
{
	struct tev e;

	memset(&e, 0, sizeof e);
	e.inst = -1;
	if (strcmp(m->text, "pong") == 0) {
		e.k = T_PONG;
		return (e);
	}
	ck_assert_msg(json_parse(&doc, m->text, m->len) == JSON_OK,
	    "%s: not JSON: %s", venue, m->text);
	if (strcmp(venue, "bybit") == 0)
		bybit_ev(venue, &e);
	else if (strcmp(venue, "okx") == 0 || strcmp(venue, "bitget") == 0)
		okx_bitget_ev(venue, &e);
	else if (strcmp(venue, "kucoin") == 0)
		kucoin_ev(venue, &e);
	else if (strcmp(venue, "hyperliquid") == 0)
		hl_ev(venue, &e);
	else if (strcmp(venue, "paradex") == 0)
		pdx_ev(venue, &e);
	else
		bn_ev(venue, &e);
	return (e);
}

/* Counts of one client's messages by kind, and BBO/funding by instrument. */
struct tcount {
	unsigned kind[7];
	unsigned bbo[3], fund[3];
	double first[3], last[3]; /* times of the first and last BBO */
	double mid_sum[3];
	unsigned mid_n[3];
};

static void
count(const char *venue, const struct tcl *cl, struct tcount *tc)
{
	struct tev e;
	unsigned i;

	memset(tc, 0, sizeof *tc);
	for (i = 0; i < cl->n; i++) {
		e = classify(venue, &cl->msgs[i]);
		tc->kind[e.k]++;
		if (e.k == T_BBO) {
			ck_assert_msg(e.inst >= 0, "%s: unknown instrument: %s",
			    venue, cl->msgs[i].text);
			if (tc->bbo[e.inst]++ == 0)
				tc->first[e.inst] = cl->msgs[i].t;
			tc->last[e.inst] = cl->msgs[i].t;
			if (e.bid > 0 && e.ask > 0) {
				ck_assert_msg(e.bid < e.ask, "%s: crossed: %s",
				    venue, cl->msgs[i].text);
				ck_assert_msg(e.bsz > 0 && e.asz > 0,
				    "%s: no size: %s", venue, cl->msgs[i].text);
				tc->mid_sum[e.inst] += (e.bid + e.ask) / 2;
				tc->mid_n[e.inst]++;
			}
		} else if (e.k == T_FUND) {
			ck_assert_msg(e.inst >= 0, "%s: unknown instrument: %s",
			    venue, cl->msgs[i].text);
			tc->fund[e.inst]++;
		}
	}
}

/* BBO pushes per second of instrument k, first to last. */
static double
rate_measured(const struct tcount *tc, int k)
{
	if (tc->bbo[k] < 2 || tc->last[k] <= tc->first[k])
		return (0);
	return ((tc->bbo[k] - 1) / (tc->last[k] - tc->first[k]));
}

/* --- one venue at a time --- */

static const struct vcase {
	const char *venue;
	const char *sub[4]; /* BBO and funding of BTC and ETH */
	const char *bad;    /* a subscription of an unknown symbol */
	const char *ping;   /* the heartbeat, NULL: the server pings */
	unsigned acks;	    /* acks sub[] brings */
	unsigned subs;	    /* topics it subscribes (sim_stats.subscribed) */
	int bbo, fund;	    /* the stream pushes these */
	const char *query;  /* appended to the URL */
	enum venue_id id;   /* the adapter that parses the stream */
	unsigned stream;
	int next; /* funding pushes carry the next funding time */
} vcases[] = {
	{ "bybit",
	    { "{\"req_id\":\"s1\",\"op\":\"subscribe\",\"args\":["
	      "\"orderbook.1.BTCUSDT\",\"tickers.BTCUSDT\","
	      "\"orderbook.1.ETHUSDT\",\"tickers.ETHUSDT\"]}" },
	    "{\"req_id\":\"bad\",\"op\":\"subscribe\",\"args\":["
	    "\"orderbook.1.FOOUSDT\"]}",
	    "{\"req_id\":\"hb\",\"op\":\"ping\"}", 1, 4, 1, 1, "", VENUE_BYBIT,
	    0, 1 },
	{ "okx",
	    { "{\"id\":\"1\",\"op\":\"subscribe\",\"args\":["
	      "{\"channel\":\"bbo-tbt\",\"instId\":\"BTC-USDT-SWAP\"},"
	      "{\"channel\":\"funding-rate\",\"instId\":\"BTC-USDT-SWAP\"},"
	      "{\"channel\":\"bbo-tbt\",\"instId\":\"ETH-USDT-SWAP\"},"
	      "{\"channel\":\"funding-rate\",\"instId\":\"ETH-USDT-SWAP\"}]}" },
	    "{\"id\":\"2\",\"op\":\"subscribe\",\"args\":["
	    "{\"channel\":\"bbo-tbt\",\"instId\":\"FOO-USDT-SWAP\"}]}",
	    "ping", 4, 4, 1, 1, "", VENUE_OKX, 0, 1 },
	{ "kucoin",
	    { "{\"id\":\"1\",\"type\":\"subscribe\",\"topic\":"
	      "\"/contractMarket/tickerV2:XBTUSDTM,ETHUSDTM\","
	      "\"privateChannel\":false,\"response\":true}",
		"{\"id\":2,\"type\":\"subscribe\",\"topic\":"
		"\"/contract/instrument:XBTUSDTM,ETHUSDTM\","
		"\"privateChannel\":false,\"response\":true}" },
	    "{\"id\":\"3\",\"type\":\"subscribe\",\"topic\":"
	    "\"/contractMarket/tickerV2:FOOUSDTM\",\"response\":true}",
	    "{\"id\":\"hb1\",\"type\":\"ping\"}", 2, 4, 1, 1,
	    "?connectId=cid42", VENUE_KUCOIN, 0, 0 },
	{ "bitget",
	    { "{\"op\":\"subscribe\",\"args\":["
	      "{\"instType\":\"USDT-FUTURES\",\"channel\":\"books1\","
	      "\"instId\":\"BTCUSDT\"},"
	      "{\"instType\":\"USDT-FUTURES\",\"channel\":\"ticker\","
	      "\"instId\":\"BTCUSDT\"},"
	      "{\"instType\":\"USDT-FUTURES\",\"channel\":\"books1\","
	      "\"instId\":\"ETHUSDT\"},"
	      "{\"instType\":\"USDT-FUTURES\",\"channel\":\"ticker\","
	      "\"instId\":\"ETHUSDT\"}]}" },
	    "{\"op\":\"subscribe\",\"args\":[{\"instType\":\"USDT-FUTURES\","
	    "\"channel\":\"books1\",\"instId\":\"FOOUSDT\"}]}",
	    "ping", 4, 4, 1, 1, "", VENUE_BITGET, 0, 1 },
	{ "hyperliquid",
	    { "{\"method\":\"subscribe\",\"subscription\":{\"type\":\"bbo\","
	      "\"coin\":\"BTC\"}}",
		"{\"method\":\"subscribe\",\"subscription\":{\"type\":"
		"\"activeAssetCtx\",\"coin\":\"BTC\"}}",
		"{\"method\":\"subscribe\",\"subscription\":{\"type\":\"bbo\","
		"\"coin\":\"ETH\"}}",
		"{\"method\":\"subscribe\",\"subscription\":{\"type\":"
		"\"activeAssetCtx\",\"coin\":\"ETH\"}}" },
	    "{\"method\":\"subscribe\",\"subscription\":{\"type\":\"bbo\","
	    "\"coin\":\"FOO\"}}",
	    "{\"method\":\"ping\"}", 4, 4, 1, 1, "", VENUE_HYPERLIQUID, 0, 0 },
	{ "paradex",
	    { "{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":"
	      "{\"channel\":\"bbo.BTC-USD-PERP\"},\"id\":1}",
		"{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":"
		"{\"channel\":\"funding_data.BTC-USD-PERP\"},\"id\":2}",
		"{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":"
		"{\"channel\":\"bbo.ETH-USD-PERP\"},\"id\":3}",
		"{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":"
		"{\"channel\":\"funding_data.ETH-USD-PERP\"},\"id\":4}" },
	    "{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":"
	    "{\"channel\":\"bbo.FOO-USD-PERP\"},\"id\":5}",
	    NULL, 4, 4, 1, 1, "", VENUE_PARADEX, 0, 0 },
	{ "binance",
	    { "{\"method\":\"SUBSCRIBE\",\"params\":[\"btcusdt@bookTicker\","
	      "\"ethusdt@bookTicker\"],\"id\":1}" },
	    "{\"method\":\"SUBSCRIBE\",\"params\":[\"foousdt@bookTicker\"],"
	    "\"id\":2}",
	    NULL, 1, 2, 1, 0, "", VENUE_BINANCE, 0, 0 },
	{ "binance-market",
	    { "{\"method\":\"SUBSCRIBE\",\"params\":[\"btcusdt@markPrice@1s\","
	      "\"ethusdt@markPrice@1s\"],\"id\":1}" },
	    "{\"method\":\"SUBSCRIBE\",\"params\":[\"btcusdt@bookTicker\"],"
	    "\"id\":2}",
	    NULL, 1, 2, 0, 1, "", VENUE_BINANCE, 1, 1 },
};

/* Bybit frames through the real adapter: what it makes of them. */
struct tparsed {
	unsigned top[3], fund[3];
	double bid[3], ask[3];
	int64_t next_ms[3];
	unsigned funding_min[3];
};

static void
t_emit(struct venue_parser *p, const struct venue_update *up)
{
	struct tparsed *tp = p->arg;

	ck_assert_uint_lt(up->inst, 3);
	/* An empty side (Hyperliquid's null) is price 0, size 0. */
	if ((up->u.mask & QU_TOP) == QU_TOP && up->u.bid > 0 && up->u.ask > 0) {
		tp->top[up->inst]++;
		tp->bid[up->inst] = (double)up->u.bid / (double)PX_SCALE;
		tp->ask[up->inst] = (double)up->u.ask / (double)PX_SCALE;
		ck_assert_int_gt(up->u.bid_size, 0);
		ck_assert_int_gt(up->u.ask_size, 0);
		ck_assert_int_lt(up->u.bid, up->u.ask);
	}
	if (up->u.mask & QU_FUNDING)
		tp->fund[up->inst]++;
	if (up->u.mask & QU_NEXT_FUNDING)
		tp->next_ms[up->inst] = up->u.next_funding_ms;
	if (up->u.mask & QU_FUNDING_MIN)
		tp->funding_min[up->inst] = up->u.funding_min;
}

static struct symbols *
t_symbols(void)
{
	struct config *cfg = config_new();
	struct symbols *sym;
	char *cause = NULL;

	ck_assert_int_eq(config_set(cfg, "instruments", "symbols",
			     "BTC ETH SOL", &cause),
	    0);
	sym = symbols_new(cfg, &cause);
	config_free(cfg);
	ck_assert_msg(sym != NULL, "%s", cause);
	return (sym);
}

static struct venue_parser parser; /* 80 KiB: not on the stack */

/* The stream's frames through xarb's own adapter for the venue. */
static void
t_adapter(const struct vcase *vc, const struct tcl *cl)
{
	static const double base[] = { 50000, 3000 };
	struct symbols *sym = t_symbols();
	struct tparsed tp;
	int64_t now_ms = (int64_t)time(NULL) * 1000;
	unsigned i, ok = 0;

	memset(&tp, 0, sizeof tp);
	venue_parser_init(&parser, vc->id, vc->stream, sym, t_emit, &tp);
	for (i = 0; i < cl->n; i++)
		ok += venue_parse(&parser, cl->msgs[i].text, cl->msgs[i].len,
			  1) == VENUE_OK;
	ck_assert_uint_gt(ok, 10);
	/* The one error ack is counted as such; nothing else is dropped. */
	ck_assert_msg(parser.drops[VENUE_DROP_ERROR] == 1, "%s: %llu errors",
	    vc->venue, (unsigned long long)parser.drops[VENUE_DROP_ERROR]);
	for (i = 0; i < VENUE_DROP_COUNT; i++)
		if (i != VENUE_DROP_ERROR)
			ck_assert_msg(parser.drops[i] == 0, "%s: drop %s: %s",
			    vc->venue, venue_drop_key(i), parser.why);
	for (i = 0; i < 2; i++) {
		if (vc->bbo) {
			ck_assert_uint_gt(tp.top[i], 5);
			ck_assert_msg(fabs(tp.bid[i] / base[i] - 1) < 0.02,
			    "%s: bid %f", vc->venue, tp.bid[i]);
			ck_assert_msg(fabs(tp.ask[i] / base[i] - 1) < 0.02,
			    "%s: ask %f", vc->venue, tp.ask[i]);
		}
		if (vc->fund)
			ck_assert_msg(tp.fund[i] > 0, "%s: no funding",
			    vc->venue);
		if (vc->next) {
			ck_assert_int_gt(tp.next_ms[i], now_ms);
			ck_assert_int_le(tp.next_ms[i],
			    now_ms + INT64_C(8) * 3600 * 1000 + 1000);
			ck_assert_int_eq(tp.next_ms[i] % INT64_C(3600000), 0);
		}
	}
	ck_assert_uint_eq(tp.top[2] + tp.fund[2], 0);
	if (vc->id == VENUE_KUCOIN)
		ck_assert(parser.welcomed);
	venue_parser_fini(&parser);
	symbols_free(sym);
}

START_TEST(test_sim_venues_protocol)
{
	const struct vcase *vc = &vcases[_i];
	double rate = tcheck_pick(50, 10), dur = tcheck_pick(1.2, 2.0), r;
	struct tcount tc;
	struct sim_stats st;
	struct tcl *cl;
	unsigned i, n = 0;

	sim_up(tcheck_asprintf("prices seed=7 volatility_bps=1 "
			       "instruments=BTC,ETH,SOL\n"
			       "endpoint %s ws tls\n"
			       "venue %s rate=%g funding=200\n",
	    vc->venue, vc->venue, rate));
	cl = t_connect(0, url_of(vc->venue, vc->query));
	for (i = 0; i < nitems(vc->sub) && vc->sub[i] != NULL; i++)
		cl->sub[n++] = vc->sub[i];
	cl->sub[n++] = vc->bad;
	if (vc->ping != NULL)
		cl->sub[n++] = vc->ping;
	RUN_UNTIL(cl->opens == 1, 5);
	ck_assert_uint_eq(cl->opens, 1);
	run_for(dur);
	ck_assert_uint_eq(cl->closes, 0);
	count(vc->venue, cl, &tc);

	ck_assert_uint_eq(tc.kind[T_ACK], vc->acks);
	ck_assert_uint_eq(tc.kind[T_ERR], 1);
	ck_assert_uint_eq(tc.kind[T_PONG], vc->ping != NULL ? 1 : 0);
	if (strcmp(vc->venue, "kucoin") == 0) {
		ck_assert_uint_eq(tc.kind[T_WELCOME], 1);
		ck_assert_str_eq(cl->msgs[0].text,
		    "{\"id\":\"cid42\",\"type\":\"welcome\"}");
	}
	for (i = 0; i < 2; i++) {
		if (vc->bbo) {
			r = rate_measured(&tc, (int)i);
			fprintf(stderr, "%s %s: %u pushes, %.1f/s (rate=%g)\n",
			    vc->venue, i == 0 ? "BTC" : "ETH", tc.bbo[i], r,
			    rate);
			ck_assert_msg(r > rate * 0.7 && r < rate * 1.3,
			    "%s: %.1f/s for rate=%g", vc->venue, r, rate);
			ck_assert_uint_gt(tc.mid_n[i], 0);
		} else
			ck_assert_uint_eq(tc.bbo[i], 0);
		if (vc->fund)
			ck_assert_msg(tc.fund[i] >= 3, "%s: %u funding",
			    vc->venue, tc.fund[i]);
		else
			ck_assert_uint_eq(tc.fund[i], 0);
	}
	ck_assert_uint_eq(tc.bbo[2], 0); /* SOL: never subscribed */
	ck_assert_uint_eq(tc.fund[2], 0);
	if (vc->bbo) {
		ck_assert_msg(fabs(tc.mid_sum[0] / tc.mid_n[0] / 50000 - 1) <
			0.02,
		    "BTC %f", tc.mid_sum[0] / tc.mid_n[0]);
		ck_assert_msg(fabs(tc.mid_sum[1] / tc.mid_n[1] / 3000 - 1) <
			0.02,
		    "ETH %f", tc.mid_sum[1] / tc.mid_n[1]);
	}
	st = stats(vc->venue);
	ck_assert_uint_eq(st.subscribed, vc->subs);
	ck_assert_uint_eq(st.sub_errors, 1);
	ck_assert_uint_eq(st.heartbeats, vc->ping != NULL ? 1 : 0);
	ck_assert_uint_eq(st.hb_timeouts, 0);
	/* Every push reached the client, but for a few still in flight. */
	n = tc.kind[T_BBO] + tc.kind[T_FUND] + tc.kind[T_OTHER];
	ck_assert_uint_ge(st.pushes, n);
	ck_assert_uint_le(st.pushes, n + 8);
	t_adapter(vc, cl);
}
END_TEST

/* --- a raw client: what ws.c will not do (no pongs, bad frames) --- */

struct rc {
	int fd;
	SSL *ssl;
	uint8_t buf[16384];
	size_t off, len;
};

static void
rc_timeout(struct rc *r, unsigned ms)
{
	struct timeval tv = { ms / 1000, (long)(ms % 1000) * 1000 };

	setsockopt(r->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

static void
rc_write(struct rc *r, const void *p, size_t len)
{
	int n;

	while (len > 0) {
		n = SSL_write(r->ssl, p, len > 65536 ? 65536 : (int)len);
		ck_assert_int_gt(n, 0);
		p = (const char *)p + n;
		len -= (size_t)n;
	}
}

/* > 0 bytes buffered, 0 at EOF, -1 on error or timeout. */
static ssize_t
rc_fill(struct rc *r)
{
	int n;

	if (r->off < r->len)
		return ((ssize_t)(r->len - r->off));
	r->off = r->len = 0;
	n = SSL_read(r->ssl, r->buf, sizeof r->buf);
	if (n <= 0) {
		n = SSL_get_error(r->ssl, n) == SSL_ERROR_ZERO_RETURN ? 0 : -1;
		ERR_clear_error();
		return (n);
	}
	r->len = (size_t)n;
	return (n);
}

static int
rc_read(struct rc *r, void *dst, size_t n)
{
	size_t k;

	while (n > 0) {
		if (rc_fill(r) <= 0)
			return (-1);
		k = r->len - r->off < n ? r->len - r->off : n;
		memcpy(dst, r->buf + r->off, k);
		r->off += k;
		dst = (char *)dst + k;
		n -= k;
	}
	return (0);
}

/* TLS to port, the upgrade of path; 0 if 101, else -1 (head in *head). */
static int
rc_open(struct rc *r, unsigned port, const char *path, int rcvbuf)
{
	struct sockaddr_in sin;
	char head[4096], *req;
	size_t n = 0;

	memset(r, 0, sizeof *r);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	r->fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ne(r->fd, -1);
	if (rcvbuf > 0)
		setsockopt(r->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
		    sizeof rcvbuf);
	rc_timeout(r, 5000);
	ck_assert_int_eq(connect(r->fd, (struct sockaddr *)&sin, sizeof sin),
	    0);
	r->ssl = SSL_new(cli_ctx);
	SSL_set_fd(r->ssl, r->fd);
	SSL_set_tlsext_host_name(r->ssl, "localhost");
	SSL_set1_host(r->ssl, "localhost");
	ck_assert_int_eq(SSL_connect(r->ssl), 1);
	req = tcheck_asprintf("GET %s HTTP/1.1\r\nHost: localhost\r\n"
			      "Upgrade: websocket\r\nConnection: Upgrade\r\n"
			      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
			      "Sec-WebSocket-Version: 13\r\n\r\n",
	    path);
	rc_write(r, req, strlen(req));
	while (n + 1 < sizeof head && rc_read(r, head + n, 1) == 0) {
		n++;
		if (n >= 4 && memcmp(head + n - 4, "\r\n\r\n", 4) == 0)
			break;
	}
	head[n] = '\0';
	return (strncmp(head, "HTTP/1.1 101 ", 13) == 0 ? 0 : -1);
}

static void
rc_close(struct rc *r)
{
	if (r->ssl != NULL)
		SSL_free(r->ssl);
	if (r->fd != -1)
		close(r->fd);
	r->ssl = NULL;
	r->fd = -1;
}

/* A masked client frame of any size. */
static void
rc_frame(struct rc *r, int fin, unsigned op, const void *p, size_t len)
{
	static const uint8_t mask[4] = { 0x12, 0x34, 0x56, 0x78 };
	uint8_t *f = malloc(len + 14);
	size_t i, h = 2;

	ck_assert_ptr_nonnull(f);
	f[0] = (uint8_t)((fin ? 0x80 : 0) | op);
	if (len < 126)
		f[1] = (uint8_t)(0x80 | len);
	else if (len <= 0xffff) {
		f[1] = 0x80 | 126;
		f[2] = (uint8_t)(len >> 8);
		f[3] = (uint8_t)len;
		h = 4;
	} else {
		f[1] = 0x80 | 127;
		for (i = 0; i < 8; i++)
			f[2 + i] = (uint8_t)((uint64_t)len >> (56 - 8 * i));
		h = 10;
	}
	memcpy(f + h, mask, 4);
	for (i = 0; i < len; i++)
		f[h + 4 + i] = ((const uint8_t *)p)[i] ^ mask[i % 4];
	rc_write(r, f, h + 4 + len);
	free(f);
}

static void
rc_text(struct rc *r, const char *s)
{
	rc_frame(r, 1, 1, s, strlen(s));
}

/*
 * Reads one server frame: its opcode, or -1 at EOF or timeout.  A text
 * payload (up to cap bytes kept) goes to text.
 */
static int
rc_read_frame(struct rc *r, char *text, size_t cap)
{
	uint8_t h[8];
	uint64_t len, i;
	char ch;
	int k, op;

	if (rc_read(r, h, 2) != 0)
		return (-1);
	op = h[0] & 0x0f;
	len = h[1] & 0x7f;
	ck_assert_int_eq(h[1] & 0x80, 0); /* servers never mask */
	if (len == 126) {
		if (rc_read(r, h, 2) != 0)
			return (-1);
		len = (uint64_t)h[0] << 8 | h[1];
	} else if (len == 127) {
		if (rc_read(r, h, 8) != 0)
			return (-1);
		for (len = 0, k = 0; k < 8; k++)
			len = len << 8 | h[k];
	}
	for (i = 0; i < len; i++) {
		if (rc_read(r, &ch, 1) != 0)
			return (-1);
		if (text != NULL && i + 1 < cap)
			text[i] = ch;
	}
	if (text != NULL && cap > 0)
		text[len < cap ? len : cap - 1] = '\0';
	return (op);
}

/* Is stream ep the BBO stream of venue v? */
static int
venues_name_is(const char *ep, enum venue_id v)
{
	return (strcmp(ep, venues_name(v)) == 0);
}

static unsigned
port_of(const char *ep)
{
	unsigned p = sim_port(sim, ep);

	ck_assert_uint_gt(p, 0);
	return (p);
}

/* --- scenario errors --- */

START_TEST(test_sim_venues_script_errors)
{
	static const char script[] =
	    "prices seed=1 instruments=BTC,ETH\n"   /* 1: fine */
	    "prices seed=2\n"			    /* 2 */
	    "endpoint a ws plain\n"		    /* 3 */
	    "venue nasdaq\n"			    /* 4 */
	    "venue bybit rate=0\n"		    /* 5 */
	    "venue bybit token=x\n"		    /* 6 */
	    "venue bybit ping=100\n"		    /* 7 */
	    "venue bybit path=nopath\n"		    /* 8 */
	    "venue bybit idle=2\n"		    /* 9 */
	    "venue bybit bogus=1\n"		    /* 10 */
	    "venue bybit rate=5 rate=6\n"	    /* 11 */
	    "venue bybit heartbeat=10 funding=50\n" /* 12: fine */
	    "venue okx\n"			    /* 13 */
	    "replay\n"				    /* 14 */
	    "replay f.txt speed=2\n"		    /* 15 */
	    "endpoint b ws plain\n"		    /* 16 */
	    "replay f.txt\n"			    /* 17 */
	    "endpoint c http plain\n"		    /* 18 */
	    "venue okx\n"			    /* 19 */
	    "bullet a\n"			    /* 20 */
	    "bullet zz extra\n"			    /* 21 */
	    "endpoint d ws plain\n"		    /* 22 */
	    "venue kucoin token=a/b\n";		    /* 23 */
	static const char *want[] = {
		"t.scn:2: expected one prices line, got a second (first on "
		"line 1)",
		"t.scn:4: expected bybit, okx, kucoin, bitget, hyperliquid, "
		"paradex, binance or binance-market, got \"nasdaq\"",
		"t.scn:5: expected rate=per second 0.01-10000, got \"0\"",
		"t.scn:6: expected token= only for kucoin, got it for bybit",
		"t.scn:7: expected ping= only for paradex, binance and "
		"binance-market",
		"t.scn:8: expected path=/PATH (no query), got \"nopath\"",
		"t.scn:9: expected idle=0 or idle=1, got \"2\"",
		"t.scn:10: expected path=, heartbeat=, ping=, rate=, funding=, "
		"idle= or token=, got \"bogus=1\"",
		"t.scn:11: expected each key once, got rate= twice",
		"t.scn:13: expected one venue per endpoint, got a second for "
		"\"a\" (first on line 12)",
		"t.scn:14: expected a file of frames, one per line, got end of "
		"line",
		"t.scn:15: expected rate=N or end of line, got \"speed=2\"",
		"t.scn:17: expected a venue line before \"replay\" for "
		"endpoint \"b\", got none",
		"t.scn:19: expected a ws endpoint for \"venue\", got http "
		"endpoint \"c\"",
		"t.scn:20: expected a ws endpoint with \"venue kucoin\" for "
		"bullet, got \"a\"",
		"t.scn:21: expected end of line, got \"extra\"",
		"t.scn:23: expected token=[A-Za-z0-9-_.=~] (1-256), got "
		"\"a/b\"",
	};
	char *cause = NULL;
	const char *p;
	unsigned i, lines = 0;

	ck_assert_ptr_null(sim_new("t.scn", script, NULL, NULL, &cause));
	tcheck_keep(cause);
	for (i = 0; i < nitems(want); i++)
		ck_assert_msg(strstr(cause, want[i]) != NULL,
		    "missing \"%s\" in:\n%s", want[i], cause);
	for (p = cause; *p != '\0'; p++)
		lines += *p == '\n';
	ck_assert_msg(lines + 1 == nitems(want), "%s", cause);

	/* One line each: prices' own checks, and a missing replay file. */
	ck_assert_ptr_null(sim_new("p.scn",
	    "prices instruments=BTC,BTC\nendpoint a ws plain\nvenue okx\n",
	    NULL, NULL, &cause));
	ck_assert_str_eq(tcheck_keep(cause),
	    "p.scn:1: expected each instrument once, got BTC twice");
	ck_assert_ptr_null(sim_new("p.scn",
	    "prices dislocation_every_ms=100\nendpoint a ws plain\n"
	    "venue okx\n",
	    NULL, NULL, &cause));
	ck_assert_str_eq(tcheck_keep(cause),
	    "p.scn:1: expected dislocation_ms= > 0 with "
	    "dislocation_every_ms=, got none");
	ck_assert_ptr_null(sim_new("p.scn",
	    "prices instruments=BTC-USD\nendpoint a ws plain\nvenue okx\n",
	    NULL, NULL, &cause));
	ck_assert_msg(strncmp(tcheck_keep(cause),
			  "p.scn:1: expected instruments=BASE,...", 37) == 0,
	    "%s", cause);
	ck_assert_ptr_null(sim_new("r.scn",
	    "endpoint a ws plain\nvenue okx\nreplay /nonexistent/f\n", NULL,
	    NULL, &cause));
	ck_assert_str_eq(tcheck_keep(cause),
	    "r.scn:3: replay /nonexistent/f: No such file or directory");
	/* A prices line alone is fine: no venue, no generator. */
	sim = sim_new("ok.scn", "prices seed=3\nendpoint a ws plain\n", NULL,
	    NULL, &cause);
	ck_assert_msg(sim != NULL, "%s", cause);
	ck_assert_uint_eq(sim_dislocations(sim, NULL, 0), 0);
}
END_TEST

/* --- certificates --- */

static X509 *
pem_cert(const char *path)
{
	FILE *fp = fopen(path, "r");
	X509 *x;

	ck_assert_ptr_nonnull(fp);
	x = PEM_read_X509(fp, NULL, NULL, NULL);
	fclose(fp);
	ck_assert_ptr_nonnull(x);
	return (x);
}

/* Verifies leaf against ca for host (or an IP address): 1 if good. */
static int
verify(X509 *ca, X509 *leaf, const char *host, const char *ip)
{
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	X509_VERIFY_PARAM *vp;
	int ok;

	X509_STORE_add_cert(store, ca);
	X509_STORE_CTX_init(ctx, store, leaf, NULL);
	vp = X509_STORE_CTX_get0_param(ctx);
	X509_VERIFY_PARAM_set_purpose(vp, X509_PURPOSE_SSL_SERVER);
	if (host != NULL)
		X509_VERIFY_PARAM_set1_host(vp, host, 0);
	if (ip != NULL)
		X509_VERIFY_PARAM_set1_ip_asc(vp, ip);
	ok = X509_verify_cert(ctx) == 1;
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	ERR_clear_error();
	return (ok);
}

START_TEST(test_sim_venues_cert)
{
	struct stat sb;
	X509 *ca, *leaf, *ca2;
	EVP_PKEY *key;
	FILE *fp;
	time_t now = time(NULL), t;
	char *cause = NULL;

	ck_assert_msg(sim_cert_make(dir, &cause) == 0, "%s", cause);
	ck_assert_int_eq(stat(tcheck_asprintf("%s/server.key", dir), &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 0777, 0600);
	ca = pem_cert(tcheck_asprintf("%s/ca.pem", dir));
	leaf = pem_cert(tcheck_asprintf("%s/server.pem", dir));
	fp = fopen(tcheck_asprintf("%s/server.key", dir), "r");
	ck_assert_ptr_nonnull(fp);
	key = PEM_read_PrivateKey(fp, NULL, NULL, NULL);
	fclose(fp);
	ck_assert_ptr_nonnull(key);
	ck_assert_int_eq(X509_check_private_key(leaf, key), 1);
	ck_assert_str_eq(EVP_PKEY_get0_type_name(key), "EC");

	ck_assert(verify(ca, leaf, "localhost", NULL));
	ck_assert(verify(ca, leaf, NULL, "127.0.0.1"));
	ck_assert(verify(ca, leaf, NULL, "::1"));
	ck_assert(!verify(ca, leaf, "wrong.example", NULL));
	ck_assert(!verify(ca, leaf, NULL, "10.1.2.3"));
	ck_assert(!verify(leaf, leaf, "localhost", NULL)); /* not a CA */
	/* Two days, starting a little in the past. */
	t = now + (time_t)2 * 24 * 3600 - 120;
	ck_assert_int_gt(X509_cmp_time(X509_get0_notAfter(leaf), &t), 0);
	t = now + (time_t)2 * 24 * 3600 + 120;
	ck_assert_int_lt(X509_cmp_time(X509_get0_notAfter(leaf), &t), 0);
	ck_assert_int_lt(X509_cmp_time(X509_get0_notBefore(leaf), &now), 0);

	/* Again into the same directory: a new CA the old leaf fails. */
	ck_assert_msg(sim_cert_make(dir, &cause) == 0, "%s", cause);
	ca2 = pem_cert(tcheck_asprintf("%s/ca.pem", dir));
	ck_assert(!verify(ca2, leaf, "localhost", NULL));
	ck_assert_int_eq(sim_cert_make("/nonexistent/dir", &cause), -1);
	ck_assert_ptr_nonnull(strstr(tcheck_keep(cause), "/nonexistent/dir"));
	X509_free(ca2);
	EVP_PKEY_free(key);
	X509_free(leaf);
	X509_free(ca);
}
END_TEST

/* --- heartbeats --- */

/* Venues whose clients ping: the pinging client stays, the other goes. */
START_TEST(test_sim_venues_heartbeat_deadline)
{
	static const unsigned cases[] = { 0, 1, 2, 3, 4 }; /* vcases[] */
	double hb = tcheck_pick(0.3, 0.8), every = hb / 3,
	       dur = tcheck_pick(1.2, 2.2), up;
	struct sim_stats st;
	struct tcount tc;
	struct tcl *a, *b;
	const char *script = "prices instruments=BTC,ETH,SOL\n";
	unsigned i;

	for (i = 0; i < nitems(cases); i++)
		script = tcheck_asprintf("%sendpoint %s ws tls\n"
					 "venue %s heartbeat=%g rate=5\n",
		    script, vcases[cases[i]].venue, vcases[cases[i]].venue,
		    hb * 1000);
	sim_up(script);
	for (i = 0; i < nitems(cases); i++) {
		const struct vcase *vc = &vcases[cases[i]];

		a = t_connect(2 * i, url_of(vc->venue, vc->query));
		a->sub[0] = vc->sub[0];
		a->ping = vc->ping;
		a->ping_every = every;
		b = t_connect(2 * i + 1, url_of(vc->venue, vc->query));
		b->sub[0] = vc->sub[0];
	}
	run_for(dur);
	for (i = 0; i < nitems(cases); i++) {
		const char *venue = vcases[cases[i]].venue;

		a = &cls[(size_t)2 * i];
		b = &cls[(size_t)2 * i + 1];
		ck_assert_msg(a->opens == 1 && a->closes == 0,
		    "%s: pinging client closed: %s", venue, a->detail);
		count(venue, a, &tc);
		ck_assert_msg(tc.kind[T_PONG] >= 3, "%s: %u pongs", venue,
		    tc.kind[T_PONG]);
		ck_assert_msg(b->opens == 1 && b->closes == 1,
		    "%s: silent client not closed", venue);
		ck_assert_msg(b->reason == ws_err_closed, "%s: %s %s", venue,
		    b->reason, b->detail);
		up = b->t_close - b->t_open;
		fprintf(stderr,
		    "%s: silent client closed after %.0f ms "
		    "(heartbeat=%.0f)\n",
		    venue, up * 1000, hb * 1000);
		/* Under valgrind our loop may see its open late: a wide low. */
		ck_assert_msg(up > hb * tcheck_pick(0.8, 0.3) &&
			up < hb + tcheck_pick(0.4, 1.5),
		    "%s: closed after %.3f s, heartbeat %.3f", venue, up, hb);
		st = stats(venue);
		ck_assert_uint_eq(st.hb_timeouts, 1);
		ck_assert_uint_ge(st.heartbeats, 3);
		ck_assert_uint_eq(st.pings_out, 0);
	}
}
END_TEST

/* Paradex and Binance: the server pings; no pong in time, no client. */
START_TEST(test_sim_venues_server_ping)
{
	static const char *eps[] = { "paradex", "binance", "binance-market" };
	double ping = tcheck_pick(0.1, 0.3), hb = tcheck_pick(0.3, 0.8),
	       dur = tcheck_pick(1.0, 2.0);
	const struct ws_stats *ws;
	struct sim_stats st;
	struct timespec a, b;
	struct rc r;
	double up;
	unsigned i;
	int op, pings;

	sim_up(tcheck_asprintf("prices instruments=BTC\n"
			       "endpoint paradex ws tls\n"
			       "venue paradex ping=%g heartbeat=%g\n"
			       "endpoint binance ws tls\n"
			       "venue binance ping=%g heartbeat=%g\n"
			       "endpoint binance-market ws tls\n"
			       "venue binance-market ping=%g heartbeat=%g\n",
	    ping * 1000, hb * 1000, ping * 1000, hb * 1000, ping * 1000,
	    hb * 1000));
	for (i = 0; i < nitems(eps); i++)
		t_connect(i, url_of(eps[i], ""));
	run_for(dur);
	for (i = 0; i < nitems(eps); i++) {
		ck_assert_msg(cls[i].opens == 1 && cls[i].closes == 0, "%s: %s",
		    eps[i], cls[i].detail);
		ws = ws_get_stats(cls[i].ws);
		ck_assert_msg(ws->pings_in >= dur / ping * 0.5,
		    "%s: %llu pings", eps[i], (unsigned long long)ws->pings_in);
		st = stats(eps[i]);
		ck_assert_uint_ge(st.pings_out, ws->pings_in);
		ck_assert_uint_ge(st.pongs_in, ws->pings_in - 1);
		ck_assert_uint_eq(st.hb_timeouts, 0);
		ws_stop(cls[i].ws); /* the raw client runs without the loop */
	}
	/* A client that never answers: dropped hb after the first ping. */
	for (i = 0; i < nitems(eps); i++) {
		ck_assert_int_eq(rc_open(&r, port_of(eps[i]),
				     i == 0 ? "/v1"
					    : (i == 1 ? "/public/ws"
						      : "/market/ws"),
				     0),
		    0);
		clock_gettime(CLOCK_REALTIME, &a);
		pings = 0;
		while ((op = rc_read_frame(&r, NULL, 0)) != -1)
			pings += op == 9;
		clock_gettime(CLOCK_REALTIME, &b);
		up = (double)(b.tv_sec - a.tv_sec) +
		    (double)(b.tv_nsec - a.tv_nsec) / 1e9;
		fprintf(stderr,
		    "%s: pong-less client dropped after %.0f ms "
		    "(%d pings)\n",
		    eps[i], up * 1000, pings);
		ck_assert_int_ge(pings, 1);
		ck_assert_msg(up > ping + hb * 0.8 && up < ping + hb + 1.0,
		    "%s: dropped after %.3f s", eps[i], up);
		rc_close(&r);
		st = stats(eps[i]);
		ck_assert_uint_eq(st.hb_timeouts, 1);
	}
}
END_TEST

/* --- KuCoin: bullet, token, welcome --- */

struct thttp {
	int done, status;
	char body[4096];
};

static void
t_http_done(struct http_req *req, int status, const char *body, size_t len,
    const char *err, void *arg)
{
	struct thttp *h = arg;

	(void)err;
	h->done = 1;
	h->status = status;
	snprintf(h->body, sizeof h->body, "%.*s", (int)len,
	    body != NULL ? body : "");
	http_req_free(req);
}

static void
t_http(const char *method, const char *url, struct thttp *h)
{
	struct http_req_opts o;
	char *cause = NULL;

	memset(h, 0, sizeof *h);
	memset(&o, 0, sizeof o);
	o.method = method;
	o.url = url;
	o.body = strcmp(method, "POST") == 0 ? "" : NULL;
	o.max_body = 65536;
	o.timeout = 5;
	o.tls = cli_ctx;
	ck_assert_msg(http_req_start(loop, res, &o, t_http_done, h, &cause) !=
		NULL,
	    "%s", cause);
	RUN_UNTIL(h->done, 6);
	ck_assert(h->done);
}

/* A string field of the parsed doc as a kept copy, or NULL. */
static const char *
jstr(int tok)
{
	const char *s;
	size_t len;

	if (json_get_str(&doc, tok, &s, &len) != 0)
		return (NULL);
	return (tcheck_asprintf("%.*s", (int)len, s));
}

START_TEST(test_sim_venues_kucoin_bullet)
{
	struct thttp h;
	struct tcount tc;
	struct tcl *cl;
	int data, srv;
	int64_t v;
	const char *endpoint, *token;
	char want[128];

	sim_up("prices instruments=BTC,ETH,SOL\n"
	       "endpoint kc ws tls\n"
	       "venue kucoin token=tok-123.A_b= heartbeat=3000 rate=20\n"
	       "endpoint rest http tls\n"
	       "bullet kc\n");
	t_http("POST", url_of("rest", "/api/v1/bullet-public"), &h);
	ck_assert_int_eq(h.status, 200);
	ck_assert_int_eq(json_parse(&doc, h.body, strlen(h.body)), JSON_OK);
	ck_assert(json_eq(&doc, json_find(&doc, 0, "code"), "200000"));
	data = json_find(&doc, 0, "data");
	token = jstr(json_find(&doc, data, "token"));
	ck_assert_str_eq(token, "tok-123.A_b=");
	srv = json_index(&doc, json_find(&doc, data, "instanceServers"), 0);
	endpoint = jstr(json_find(&doc, srv, "endpoint"));
	snprintf(want, sizeof want, "wss://localhost:%u/", port_of("kc"));
	ck_assert_str_eq(endpoint, want);
	ck_assert(json_eq(&doc, json_find(&doc, srv, "protocol"), "websocket"));
	ck_assert_int_eq(json_get_i64(&doc,
			     json_find(&doc, srv, "pingInterval"), &v),
	    0);
	ck_assert_int_eq(v, 1000); /* a third of heartbeat=3000 */
	ck_assert_int_eq(json_get_i64(&doc, json_find(&doc, srv, "pingTimeout"),
			     &v),
	    0);
	ck_assert_int_eq(v, 1000);
	t_http("GET", url_of("rest", "/api/v1/bullet-public"), &h);
	ck_assert_int_eq(h.status, 404); /* KuCoin wants a POST */

	/* The token from the bullet opens the socket; welcome comes first. */
	cl = t_connect(0,
	    tcheck_asprintf("%s?token=%s&connectId=Zk9xC-1", endpoint, token));
	cl->sub[0] = vcases[2].sub[0];
	cl->sub[1] = "{\"id\":\"p\",\"type\":\"ping\"}";
	t_connect(1, tcheck_asprintf("%s?connectId=x", endpoint));
	t_connect(2, tcheck_asprintf("%s?token=tok-124&connectId=x", endpoint));
	RUN_UNTIL(cls[0].n >= 10 && cls[1].fails && cls[2].fails, 5);
	ck_assert_uint_ge(cl->n, 10);
	ck_assert_str_eq(cl->msgs[0].text,
	    "{\"id\":\"Zk9xC-1\",\"type\":\"welcome\"}");
	ck_assert_str_eq(cl->msgs[1].text, "{\"id\":\"1\",\"type\":\"ack\"}");
	count("kucoin", cl, &tc);
	ck_assert_uint_eq(tc.kind[T_PONG], 1);
	ck_assert_uint_gt(tc.bbo[0], 0);
	ck_assert_uint_gt(tc.bbo[1], 0);
	/* No token, or the wrong one: refused before the upgrade. */
	ck_assert_uint_eq(cls[1].opens, 0);
	ck_assert_ptr_eq(cls[1].reason, ws_err_upgrade);
	ck_assert_msg(strstr(cls[1].detail, "401") != NULL, "%s",
	    cls[1].detail);
	ck_assert_uint_eq(cls[2].opens, 0);
	ck_assert_msg(strstr(cls[2].detail, "401") != NULL, "%s",
	    cls[2].detail);
	ck_assert_uint_eq(stats("kc").refused, 2);
	ck_assert_uint_eq(stats("rest").http_requests, 2);
}
END_TEST

/* Every one of the first n clients opened or failed. */
static int
t_settled(unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (cls[i].opens + cls[i].fails == 0)
			return (0);
	return (1);
}

/* Only the venue's path upgrades; Binance's stream paths too. */
START_TEST(test_sim_venues_paths)
{
	static const struct {
		const char *ep, *path;
		int ok;
	} cases[] = {
		{ "bybit", "/v5/public/linear", 1 },
		{ "bybit", "/v5/public/spot", 0 },
		{ "bybit", "/", 0 },
		{ "own", "/my/path", 1 },
		{ "own", "/v5/public/linear", 0 },
		{ "binance", "/public/ws", 1 },
		{ "binance", "/public/ws/btcusdt@bookTicker", 1 },
		{ "binance", "/public/stream?streams=btcusdt@bookTicker", 1 },
		{ "binance", "/public/wsx", 0 },
		{ "binance", "/market/ws", 0 },
	};
	unsigned i, refused = 0;

	sim_up("endpoint bybit ws tls\nvenue bybit\n"
	       "endpoint own ws tls\nvenue okx path=/my/path\n"
	       "endpoint binance ws tls\nvenue binance\n");
	for (i = 0; i < nitems(cases); i++) {
		t_connect(i,
		    tcheck_asprintf("wss://localhost:%u%s",
			port_of(cases[i].ep), cases[i].path));
		refused += !cases[i].ok;
	}
	RUN_UNTIL(t_settled(nitems(cases)), 5);
	ck_assert_uint_eq(stats(NULL).refused, refused);
	ck_assert_uint_eq(stats(NULL).upgrades, nitems(cases) - refused);
	for (i = 0; i < nitems(cases); i++) {
		ck_assert_msg(cls[i].opens == (unsigned)cases[i].ok,
		    "%s %s: %s", cases[i].ep, cases[i].path, cls[i].detail);
		if (!cases[i].ok)
			ck_assert_msg(strstr(cls[i].detail, "404") != NULL,
			    "%s", cls[i].detail);
	}
}
END_TEST

/* --- all venues at once, from sim_new_venues() --- */

static const char *const bbo_eps[] = { "bybit", "okx", "kucoin", "bitget",
	"hyperliquid", "paradex", "binance" };

/* Subscribes client k to the BBO of BTC, ETH and SOL on ep. */
static struct tcl *
t_bbo_client(unsigned k, const char *ep, const char *token)
{
	struct tcl *cl;

	if (strcmp(ep, "kucoin") == 0) {
		cl = t_connect(k,
		    url_of(ep,
			tcheck_asprintf("?token=%s&connectId=c%u", token, k)));
		cl->sub[0] = "{\"id\":\"1\",\"type\":\"subscribe\",\"topic\":"
			     "\"/contractMarket/tickerV2:XBTUSDTM,ETHUSDTM,"
			     "SOLUSDTM\",\"response\":true}";
		return (cl);
	}
	cl = t_connect(k, url_of(ep, ""));
	if (strcmp(ep, "bybit") == 0)
		cl->sub[0] = "{\"op\":\"subscribe\",\"args\":["
			     "\"orderbook.1.BTCUSDT\",\"orderbook.1.ETHUSDT\","
			     "\"orderbook.1.SOLUSDT\"]}";
	else if (strcmp(ep, "okx") == 0)
		cl->sub[0] =
		    "{\"op\":\"subscribe\",\"args\":["
		    "{\"channel\":\"bbo-tbt\",\"instId\":\"BTC-USDT-SWAP\"},"
		    "{\"channel\":\"bbo-tbt\",\"instId\":\"ETH-USDT-SWAP\"},"
		    "{\"channel\":\"bbo-tbt\",\"instId\":\"SOL-USDT-SWAP\"}]}";
	else if (strcmp(ep, "bitget") == 0)
		cl->sub[0] =
		    "{\"op\":\"subscribe\",\"args\":["
		    "{\"instType\":\"USDT-FUTURES\",\"channel\":\"books1\","
		    "\"instId\":\"BTCUSDT\"},"
		    "{\"instType\":\"USDT-FUTURES\",\"channel\":\"books1\","
		    "\"instId\":\"ETHUSDT\"},"
		    "{\"instType\":\"USDT-FUTURES\",\"channel\":\"books1\","
		    "\"instId\":\"SOLUSDT\"}]}";
	else if (strcmp(ep, "hyperliquid") == 0) {
		cl->sub[0] = "{\"method\":\"subscribe\",\"subscription\":"
			     "{\"type\":\"bbo\",\"coin\":\"BTC\"}}";
		cl->sub[1] = "{\"method\":\"subscribe\",\"subscription\":"
			     "{\"type\":\"bbo\",\"coin\":\"ETH\"}}";
		cl->sub[2] = "{\"method\":\"subscribe\",\"subscription\":"
			     "{\"type\":\"bbo\",\"coin\":\"SOL\"}}";
	} else if (strcmp(ep, "paradex") == 0) {
		cl->sub[0] = "{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\","
			     "\"params\":{\"channel\":\"bbo.BTC-USD-PERP\"},"
			     "\"id\":1}";
		cl->sub[1] = "{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\","
			     "\"params\":{\"channel\":\"bbo.ETH-USD-PERP\"},"
			     "\"id\":2}";
		cl->sub[2] = "{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\","
			     "\"params\":{\"channel\":\"bbo.SOL-USD-PERP\"},"
			     "\"id\":3}";
	} else
		cl->sub[0] = "{\"method\":\"SUBSCRIBE\",\"params\":["
			     "\"btcusdt@bookTicker\",\"ethusdt@bookTicker\","
			     "\"solusdt@bookTicker\"],\"id\":1}";
	return (cl);
}

/* The BTC top of book of each of bbo_eps. */
static const char *const btc_subs[] = {
	"{\"op\":\"subscribe\",\"args\":[\"orderbook.1.BTCUSDT\"]}",
	"{\"op\":\"subscribe\",\"args\":[{\"channel\":\"bbo-tbt\","
	"\"instId\":\"BTC-USDT-SWAP\"}]}",
	"{\"id\":\"1\",\"type\":\"subscribe\",\"topic\":"
	"\"/contractMarket/tickerV2:XBTUSDTM\",\"response\":true}",
	"{\"op\":\"subscribe\",\"args\":[{\"instType\":\"USDT-FUTURES\","
	"\"channel\":\"books1\",\"instId\":\"BTCUSDT\"}]}",
	"{\"method\":\"subscribe\",\"subscription\":{\"type\":\"bbo\","
	"\"coin\":\"BTC\"}}",
	"{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":"
	"{\"channel\":\"bbo.BTC-USD-PERP\"},\"id\":1}",
	"{\"method\":\"SUBSCRIBE\",\"params\":[\"btcusdt@bookTicker\"],"
	"\"id\":1}",
};

static void
t_venues_up(struct sim_venues_opts *o)
{
	char *cause = NULL;

	o->cert = tcheck_asprintf("%s/server.pem", certs);
	o->key = tcheck_asprintf("%s/server.key", certs);
	o->kucoin_token = "tk";
	sim = sim_new_venues(o, &cause);
	ck_assert_msg(sim != NULL, "sim_new_venues: %s", cause);
	ck_assert_msg(sim_start_thread(sim, &cause) == 0, "%s", cause);
}

static int
dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x < y ? -1 : x > y);
}

START_TEST(test_sim_venues_consistent_prices)
{
	static const char *names[] = { "bybit", "bybit-rest", "okx", "okx-rest",
		"kucoin", "kucoin-rest", "bitget", "bitget-rest", "hyperliquid",
		"hyperliquid-rest", "paradex", "paradex-rest", "binance",
		"binance-rest", "binance-market" };
	static const double base[] = { 50000, 3000, 150 };
	struct sim_venues_opts o;
	struct tcount tc[nitems(bbo_eps)];
	double mids[nitems(bbo_eps)], med, bps;
	const char *scheme, *u;
	unsigned i, k;

	memset(&o, 0, sizeof o);
	o.seed = 3;
	o.rate = tcheck_pick(20, 5);
	o.volatility_bps = 0.5;
	t_venues_up(&o);
	for (i = 0; i < nitems(names); i++) {
		ck_assert_str_eq(sim_endpoint(sim, i, &scheme), names[i]);
		ck_assert_str_eq(scheme,
		    strstr(names[i], "-rest") != NULL ? "https" : "wss");
	}
	ck_assert_ptr_null(sim_endpoint(sim, i, NULL));
	u = url_of("bybit", "");
	ck_assert_str_eq(u,
	    tcheck_asprintf("wss://localhost:%u/v5/public/linear",
		port_of("bybit")));
	ck_assert_str_eq(url_of("kucoin-rest", ""),
	    tcheck_asprintf("https://localhost:%u", port_of("kucoin-rest")));
	ck_assert_str_eq(url_of("binance-market", ""),
	    tcheck_asprintf("wss://localhost:%u/market/ws",
		port_of("binance-market")));
	for (i = 0; i < nitems(bbo_eps); i++)
		t_bbo_client(i, bbo_eps[i], "tk");
	run_for(tcheck_pick(1.5, 2.5));
	for (i = 0; i < nitems(bbo_eps); i++) {
		ck_assert_msg(cls[i].closes == 0, "%s: %s", bbo_eps[i],
		    cls[i].detail);
		count(bbo_eps[i], &cls[i], &tc[i]);
	}
	/* Every venue quotes the same mid, give or take its few bps. */
	for (k = 0; k < 3; k++) {
		for (i = 0; i < nitems(bbo_eps); i++) {
			ck_assert_msg(tc[i].mid_n[k] > 3, "%s %u", bbo_eps[i],
			    k);
			mids[i] = tc[i].mid_sum[k] / tc[i].mid_n[k];
		}
		qsort(mids, nitems(mids), sizeof mids[0], dcmp);
		med = mids[nitems(mids) / 2];
		ck_assert_msg(fabs(med / base[k] - 1) < 0.02, "%u: %f", k, med);
		for (i = 0; i < nitems(bbo_eps); i++) {
			bps =
			    (tc[i].mid_sum[k] / tc[i].mid_n[k] / med - 1) * 1e4;
			ck_assert_msg(fabs(bps) < 5, "%s %u: %.2f bps off",
			    bbo_eps[i], k, bps);
		}
	}
	ck_assert_uint_eq(sim_dislocations(sim, NULL, 0), 0);
}
END_TEST

/* --- xarb's own venues (venue.c) against sim_new_venues() --- */

struct tlive {
	unsigned top[VENUE_COUNT][3], fund[VENUE_COUNT][3];
	unsigned live[VENUE_COUNT];
};

static void
t_live_update(void *arg, enum venue_id v, const struct venue_update *up,
    int64_t recv_ts, int64_t parse_ts)
{
	struct tlive *tl = arg;

	(void)recv_ts;
	(void)parse_ts;
	ck_assert_uint_lt(up->inst, 3);
	if ((up->u.mask & QU_TOP) == QU_TOP && up->u.bid > 0 && up->u.ask > 0)
		tl->top[v][up->inst]++;
	if (up->u.mask & QU_FUNDING)
		tl->fund[v][up->inst]++;
}

static void
t_live_state(void *arg, enum venue_id v, enum quote_state st)
{
	struct tlive *tl = arg;

	if (st == QUOTE_LIVE)
		tl->live[v]++;
}

static int
t_live_done(const struct tlive *tl)
{
	unsigned v, i;

	for (v = 0; v < VENUE_COUNT; v++)
		for (i = 0; i < 3; i++)
			if (tl->top[v][i] < 3 || tl->fund[v][i] == 0)
				return (0);
	return (1);
}

/*
 * The demo's path: every venue of xarb (venue.c, its adapter, KuCoin's
 * bullet request) connects to sim_new_venues() by sim_url() and goes
 * live on all instruments, with top of book and funding, no drops.
 */
START_TEST(test_sim_venues_live_stack)
{
	static const struct {
		const char *section, *key, *ep;
	} urls[] = {
		{ "venue.bybit", "url", "bybit" },
		{ "venue.okx", "url", "okx" },
		{ "venue.kucoin", "url_rest", "kucoin-rest" },
		{ "venue.bitget", "url", "bitget" },
		{ "venue.hyperliquid", "url", "hyperliquid" },
		{ "venue.paradex", "url", "paradex" },
		{ "venue.binance", "url", "binance" },
		{ "venue.binance", "url_market", "binance-market" },
	};
	struct venue_sink sink = { t_live_update, t_live_state, NULL, NULL };
	struct venue *v[VENUE_COUNT];
	struct sim_venues_opts o;
	struct venue_stats vs;
	struct reactor *rx;
	struct config *cfg = config_new();
	struct symbols *sym;
	struct tlive tl;
	char *cause = NULL;
	ev_tstamp end;
	unsigned i, d;

	memset(&tl, 0, sizeof tl);
	sink.arg = &tl;
	memset(&o, 0, sizeof o);
	o.rate = tcheck_pick(20, 5);
	t_venues_up(&o);
	ck_assert_int_eq(config_set(cfg, "instruments", "symbols",
			     "BTC ETH SOL", &cause),
	    0);
	for (i = 0; i < nitems(urls); i++)
		ck_assert_msg(config_set(cfg, urls[i].section, urls[i].key,
				  url_of(urls[i].ep, ""), &cause) == 0,
		    "%s %s: %s", urls[i].section, urls[i].key, cause);
	sym = symbols_new(cfg, &cause);
	ck_assert_msg(sym != NULL, "%s", cause);
	rx = reactor_new(NULL, &cause);
	ck_assert_msg(rx != NULL, "%s", cause);
	for (i = 0; i < VENUE_COUNT; i++) {
		v[i] = venue_new(rx, cli_ctx, cfg, sym, (enum venue_id)i, &sink,
		    &cause);
		ck_assert_msg(v[i] != NULL, "%s: %s", venues_name(i), cause);
		venue_start(v[i]);
	}
	end = ev_time() + tcheck_pick(6, 20);
	ev_timer_init(&tick, tick_cb, 0.01, 0.01);
	ev_timer_start(reactor_loop(rx), &tick);
	while (!t_live_done(&tl) && ev_time() < end)
		ev_run(reactor_loop(rx), EVRUN_ONCE);
	ev_timer_stop(reactor_loop(rx), &tick);
	for (i = 0; i < VENUE_COUNT; i++) {
		venue_get_stats(v[i], &vs);
		ck_assert_msg(tl.live[i] > 0, "%s never live: %s",
		    venues_name(i), vs.last_error);
		for (d = 0; d < VENUE_DROP_COUNT; d++)
			ck_assert_msg(vs.drops[d] == 0, "%s: %llu %s drops",
			    venues_name(i), (unsigned long long)vs.drops[d],
			    venue_drop_key(d));
		for (d = 0; d < 3; d++)
			ck_assert_msg(tl.top[i][d] >= 3 && tl.fund[i][d] > 0,
			    "%s %u: %u quotes, %u funding", venues_name(i), d,
			    tl.top[i][d], tl.fund[i][d]);
		venue_free(v[i]);
	}
	ck_assert_uint_eq(stats("kucoin-rest").http_requests, 1);
	ck_assert_uint_eq(stats(NULL).sub_errors, 0);
	reactor_free(rx);
	symbols_free(sym);
	config_free(cfg);
}
END_TEST

/* The mid of stream i's BTC pushes received in [t0, t1), or 0. */
static double
t_mid(unsigned i, double t0, double t1)
{
	struct tev e;
	double sum = 0;
	unsigned k, n = 0;

	for (k = 0; k < cls[i].n; k++) {
		if (cls[i].msgs[k].t < t0 || cls[i].msgs[k].t >= t1)
			continue;
		e = classify(bbo_eps[i], &cls[i].msgs[k]);
		if (e.k == T_BBO && e.inst == 0 && e.bid > 0 && e.ask > 0) {
			sum += (e.bid + e.ask) / 2;
			n++;
		}
	}
	return (n > 0 ? sum / n : 0);
}

static int
t_dis_done(double after)
{
	struct pricegen_dislocation d[8];
	unsigned n = sim_dislocations(sim, d, nitems(d)), i;

	for (i = 0; i < n && i < nitems(d); i++)
		if ((double)d[i].start / 1e9 > after &&
		    (double)d[i].end / 1e9 + 0.15 < ev_time())
			return ((int)i + 1);
	return (0);
}

START_TEST(test_sim_venues_dislocation)
{
	static const char *const btc[] = { "BTC" };
	struct pricegen_dislocation d[8];
	struct sim_venues_opts o;
	double ready, t0, t1, others[nitems(bbo_eps)], med, m, bps;
	unsigned i, k, n, dv = 0;
	int found;

	memset(&o, 0, sizeof o);
	o.bases = btc;
	o.ninst = 1;
	o.seed = 11;
	o.rate = tcheck_pick(50, 20);
	o.volatility_bps = 0.3;
	o.dislocation_every_s = 0.8;
	o.dislocation_bps = 100;
	o.dislocation_s = tcheck_pick(0.5, 1.2);
	t_venues_up(&o);
	for (i = 0; i < nitems(bbo_eps); i++) {
		struct tcl *cl = t_bbo_client(i, bbo_eps[i], "tk");

		/* BTC only: KuCoin and Binance refuse a list naming ETH. */
		cl->sub[0] = btc_subs[i];
		cl->sub[1] = cl->sub[2] = NULL;
	}
	RUN_UNTIL(cls[0].n > 5 && cls[6].n > 5, 5);
	ready = ev_time() + 0.2;
	RUN_UNTIL((found = t_dis_done(ready)) != 0, tcheck_pick(6, 20));
	ck_assert_msg(found, "no dislocation after the clients were up");
	n = sim_dislocations(sim, d, nitems(d));
	ck_assert_uint_ge(n, (unsigned)found);
	k = (unsigned)found - 1;
	ck_assert_uint_eq(d[k].inst, 0);
	ck_assert_int_eq(abs(d[k].sign), 1);
	ck_assert_int_le(d[k].end - d[k].start,
	    (int64_t)(o.dislocation_s * 1e9));
	for (i = 0; i < nitems(bbo_eps); i++)
		if (venues_name_is(bbo_eps[i], d[k].venue))
			dv = i;
	t0 = (double)d[k].start / 1e9 + 0.06;
	t1 = (double)d[k].end / 1e9 - 0.06;
	/* During: the one venue is off the others by ~dislocation_bps. */
	for (i = 0, n = 0; i < nitems(bbo_eps); i++)
		if (i != dv && (others[n] = t_mid(i, t0, t1)) > 0)
			n++;
	ck_assert_uint_ge(n, 4);
	qsort(others, n, sizeof others[0], dcmp);
	med = others[n / 2];
	m = t_mid(dv, t0, t1);
	ck_assert_msg(m > 0, "%s: no quote in [%.3f, %.3f]: %u msgs, last %.3f",
	    bbo_eps[dv], t0, t1, cls[dv].n,
	    cls[dv].n > 0 ? cls[dv].msgs[cls[dv].n - 1].t : 0);
	bps = (m / med - 1) * 1e4 * d[k].sign;
	fprintf(stderr, "dislocation: %s %+d, %.1f bps (want 100)\n",
	    bbo_eps[dv], d[k].sign, bps);
	ck_assert_msg(bps > 70 && bps < 130, "%s moved %.1f bps", bbo_eps[dv],
	    bps);
	for (i = 0; i < n; i++)
		ck_assert_msg(fabs(others[i] / med - 1) * 1e4 < 10,
		    "another venue moved too: %.1f bps",
		    (others[i] / med - 1) * 1e4);
	/* After it ends (and before the next starts), back in line. */
	t0 = (double)d[k].end / 1e9 + 0.03;
	t1 = ev_time();
	if (sim_dislocations(sim, d, nitems(d)) > k + 1)
		t1 = (double)d[k + 1].start / 1e9 - 0.03;
	m = t_mid(dv, t0, t1);
	med = t_mid(dv == 0 ? 1 : 0, t0, t1);
	if (m > 0 && med > 0)
		ck_assert_msg(fabs(m / med - 1) * 1e4 < 10,
		    "still off after the end: %.1f bps", (m / med - 1) * 1e4);
}
END_TEST

/* --- idle, replay --- */

/* idle=1: acks and pongs, never a push. */
START_TEST(test_sim_venues_idle)
{
	struct tcount tc;
	struct tcl *cl;

	sim_up("endpoint okx ws tls\nvenue okx idle=1 rate=100 funding=50\n");
	cl = t_connect(0, url_of("okx", ""));
	cl->sub[0] = vcases[1].sub[0];
	cl->ping = "ping";
	cl->ping_every = 0.2;
	run_for(tcheck_pick(0.7, 2));
	ck_assert_uint_eq(cl->closes, 0);
	count("okx", cl, &tc);
	ck_assert_uint_eq(tc.kind[T_ACK], 4);
	ck_assert_uint_ge(tc.kind[T_PONG], 2);
	ck_assert_uint_eq(cl->n, tc.kind[T_ACK] + tc.kind[T_PONG]);
	ck_assert_uint_eq(stats("okx").pushes, 0);
	ck_assert_uint_eq(stats("okx").subscribed, 4);
}
END_TEST

/* replay: the file's lines, in order, after the first subscription. */
START_TEST(test_sim_venues_replay)
{
	static const char *lines[] = {
		"{\"topic\":\"orderbook.1.BTCUSDT\",\"type\":\"snapshot\","
		"\"ts\":1680673820717,\"data\":{\"s\":\"BTCUSDT\",\"b\":[["
		"\"28552.00\",\"0.047\"]],\"a\":[[\"28552.10\",\"25.433\"]],"
		"\"u\":7003305,\"seq\":50193540681}}",
		"{\"frame\":2}",
		"not json, sent as is",
		"{\"frame\":4}",
	};
	const char *file,
	    *sub = "{\"op\":\"subscribe\",\"args\":["
		   "\"orderbook.1.BTCUSDT\"]}";
	unsigned i, k;
	double t0;

	file = tcheck_keep(tcheck_write(dir, "frames.jsonl",
	    tcheck_asprintf("%s\n\n%s\r\n%s\n%s", lines[0], lines[1], lines[2],
		lines[3]),
	    0644));
	sim_up(tcheck_asprintf("endpoint paced ws tls\nvenue bybit rate=100\n"
			       "replay %s rate=20\n"
			       "endpoint burst ws tls\nvenue bybit\n"
			       "replay %s\n",
	    file, file));
	for (k = 0; k < 2; k++) {
		t_connect(k, url_of(k == 0 ? "paced" : "burst", ""))->sub[0] =
		    sub;
	}
	RUN_UNTIL(cls[0].n >= 5 && cls[1].n >= 5, 5);
	run_for(0.3);
	for (k = 0; k < 2; k++) {
		ck_assert_uint_eq(cls[k].n, 5); /* the ack, then the file */
		ck_assert_ptr_nonnull(strstr(cls[k].msgs[0].text,
		    "\"op\":\"subscribe\""));
		for (i = 0; i < nitems(lines); i++)
			ck_assert_str_eq(cls[k].msgs[i + 1].text, lines[i]);
	}
	/* 20 lines a second: 150 ms from the first to the fourth. */
	t0 = cls[0].msgs[4].t - cls[0].msgs[1].t;
	ck_assert_msg(t0 > 0.12 && t0 < 0.5, "%.3f s", t0);
	t0 = cls[1].msgs[4].t - cls[1].msgs[1].t;
	ck_assert_msg(t0 < 0.05, "%.3f s", t0);
	ck_assert_uint_eq(stats("paced").pushes, 4);
	ck_assert_uint_eq(stats(NULL).pushes, 8);
}
END_TEST

/* Binance: streams in the URL, combined streams, arrays, LIST. */
START_TEST(test_sim_venues_binance_streams)
{
	static const char wrap[] = "{\"stream\":\"solusdt@bookTicker\","
				   "\"data\":{\"e\":\"bookTicker\",";
	struct tcl *c0, *c1, *c2, *c3;
	struct tcount tc;
	unsigned i, arrays = 0, lists = 0, wrapped = 0, ok;
	double dur = tcheck_pick(0.8, 2);

	sim_up("prices instruments=BTC,ETH,SOL\n"
	       "endpoint bn ws tls\nvenue binance rate=20\n"
	       "endpoint bm ws tls\nvenue binance-market funding=100\n");
	c0 = t_connect(0,
	    url_of("bn",
		"/btcusdt@bookTicker/ethusdt@bookTicker"
		"/nosuch@bookTicker"));
	c1 = t_connect(1,
	    tcheck_asprintf("wss://localhost:%u/public/stream?"
			    "streams=solusdt@bookTicker",
		port_of("bn")));
	c2 = t_connect(2, url_of("bm", ""));
	c2->sub[0] = "{\"method\":\"SUBSCRIBE\",\"params\":"
		     "[\"!markPrice@arr@1s\"],\"id\":7}";
	c2->sub[1] = "{\"method\":\"LIST_SUBSCRIPTIONS\",\"id\":\"L\"}";
	c2->sub[2] =
	    "{\"method\":\"SUBSCRIBE\",\"params\":"
	    "[\"btcusdt@markPrice\",\"ethusdt@markPrice@1s\"],\"id\":8}";
	c2->sub[3] = "{\"method\":\"LIST_SUBSCRIPTIONS\",\"id\":9}";
	c2->sub[4] = "{\"method\":\"PING\",\"id\":10}";
	c3 = t_connect(3, url_of("bm", "/btcusdt@markPrice"));
	run_for(dur);
	count("binance", c0, &tc);
	ck_assert_uint_gt(tc.bbo[0], 5);
	ck_assert_uint_gt(tc.bbo[1], 5);
	ck_assert_uint_eq(tc.bbo[2], 0);
	ck_assert_uint_eq(tc.kind[T_ACK] + tc.kind[T_ERR], 0);
	for (i = 0; i < c1->n; i++)
		wrapped += strncmp(c1->msgs[i].text, wrap, strlen(wrap)) == 0;
	ck_assert_uint_gt(wrapped, 5);
	ck_assert_uint_eq(wrapped, c1->n);
	for (i = 0; i < c2->n; i++) {
		const char *m = c2->msgs[i].text;

		if (m[0] == '[') {
			ck_assert_int_eq(json_parse(&doc, m, strlen(m)),
			    JSON_OK);
			ck_assert_int_eq(json_size(&doc, 0), 3);
			arrays++;
		} else if (strcmp(m,
			       "{\"result\":[\"!markPrice@arr@1s\"],"
			       "\"id\":\"L\"}") == 0 ||
		    strcmp(m,
			"{\"result\":[\"btcusdt@markPrice\","
			"\"ethusdt@markPrice@1s\","
			"\"!markPrice@arr@1s\"],\"id\":9}") == 0)
			lists++;
	}
	ck_assert_uint_ge(arrays, 4);
	ck_assert_uint_eq(lists, 2);
	count("binance-market", c2, &tc);
	ck_assert_uint_eq(tc.kind[T_ACK], 4);
	ck_assert_uint_eq(tc.kind[T_ERR], 1);	   /* PING is no method */
	ck_assert_uint_gt(tc.fund[1], tc.fund[0]); /* 1s beats 3s */
	ck_assert_uint_gt(tc.fund[0], 0);
	/* markPrice (3 s): every third 100 ms tick, and one at once. */
	count("binance-market", c3, &tc);
	ok = tc.fund[0] >= dur / 0.3 - 1 && tc.fund[0] <= dur / 0.3 + 2;
	ck_assert_msg(ok, "%u markPrice pushes in %.1f s", tc.fund[0], dur);
}
END_TEST

/* --- hostile clients --- */

static const char *const hostile[] = {
	"}{",
	"",
	"[]",
	"null",
	"{\"op\":",
	"{\"req_id\":\"\\\"\\\\\",\"op\":\"subscribe\",\"args\":["
	"\"orderbook.1.\\\"\\\\x\",1,null,{},[]]}",
	"{\"id\":{\"a\":1},\"op\":\"subscribe\",\"args\":[{\"channel\":{},"
	"\"instId\":[]}]}",
	"{\"op\":\"subscribe\",\"args\":[]}",
	"{\"op\":\"subscribe\",\"args\":\"x\"}",
	"{\"id\":\"1\",\"type\":\"subscribe\",\"topic\":"
	"\"/contractMarket/tickerV2:,,,\",\"response\":true}",
	"{\"type\":\"subscribe\",\"topic\":7}",
	"{\"method\":\"subscribe\",\"subscription\":[]}",
	"{\"method\":\"subscribe\"}",
	"{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":[],"
	"\"id\":[1]}",
	"{\"jsonrpc\":\"2.0\",\"method\":\"unsubscribe\",\"params\":"
	"{\"channel\":\"bbo.BTC-USD-PERP\"},\"id\":1e999}",
	"{\"method\":\"SUBSCRIBE\",\"params\":[1,2,{}],\"id\":\"x\\\"y\"}",
	"{\"method\":\"SUBSCRIBE\",\"params\":[\"!markPrice@arr\","
	"\"btcusdt@\"],\"id\":1}",
	"{\"method\":\"UNSUBSCRIBE\",\"params\":[\"btcusdt@bookTicker\"],"
	"\"id\":18446744073709551616}",
	"{\"type\":\"ping\",\"id\":123456789012345678901234567890}",
	"{\"op\":\"unsubscribe\",\"args\":[\"tickers.BTCUSDT\"]}",
	"{\"op\":\"subscribe\",\"args\":[{\"instType\":\"x\\u0000\"}]}",
	"ping ",
	"PING",
};

/* Reads for ms (pushes never stop); every text must be JSON. */
static unsigned
rc_drain(struct rc *r, const char *venue, unsigned ms)
{
	static char text[1 << 20];
	double end = ev_time() + ms / 1000.0;
	unsigned n = 0;
	int op;

	rc_timeout(r, 300);
	while (ev_time() < end &&
	    (op = rc_read_frame(r, text, sizeof text)) != -1) {
		ck_assert_int_ne(op, 8); /* no close: we did nothing wrong */
		if (op != 1)
			continue;
		n++;
		if (strcmp(text, "pong") != 0)
			ck_assert_msg(json_parse(&doc, text, strlen(text)) ==
				JSON_OK,
			    "%s answered bad JSON: %s", venue, text);
	}
	rc_timeout(r, 5000);
	return (n);
}

START_TEST(test_sim_venues_bad_clients)
{
	static const char *eps[] = { "bybit", "okx", "kucoin", "bitget",
		"hyperliquid", "paradex", "binance", "binance-market" };
	static const char *paths[] = { "/v5/public/linear", "/ws/v5/public",
		"/", "/v2/ws/public", "/ws", "/v1", "/public/ws",
		"/market/ws" };
	const char *script = "prices instruments=BTC,ETH\n";
	struct linger lg = { 1, 0 };
	struct rc r;
	char *big;
	unsigned i, k, floods = tcheck_slow() ? 50 : 300;
	size_t n;

	for (i = 0; i < nitems(eps); i++)
		script = tcheck_asprintf("%sendpoint %s ws tls\n"
					 "venue %s rate=200 funding=20\n",
		    script, eps[i], eps[i]);
	sim_up(script);
	big = malloc(300000);
	ck_assert_ptr_nonnull(big);
	for (i = 0; i < nitems(eps); i++) {
		ck_assert_int_eq(rc_open(&r, port_of(eps[i]), paths[i], 0), 0);
		/* A real subscription, so pushes run during the abuse. */
		rc_text(&r, vcases[i].sub[0]);
		for (k = 0; k < nitems(hostile); k++)
			rc_text(&r, hostile[k]);
		rc_frame(&r, 1, 2, "\x00\x01binary", 8);
		/* 5000 tokens: more than a request may have. */
		for (n = 1, big[0] = '['; n < 10000; n += 2)
			memcpy(big + n, "1,", 2);
		big[n - 1] = ']';
		rc_frame(&r, 1, 1, big, n);
		memset(big, '[', 150000);
		memset(big + 150000, ']', 150000);
		rc_frame(&r, 1, 1, big, 300000);
		/* A huge string value where an id goes. */
		memset(big, 'a', 200000);
		memcpy(big, "{\"id\":\"", 7);
		memcpy(big + 199990, "\",\"op\":1}", 9);
		rc_frame(&r, 1, 1, big, 199999);
		/* A flood of subscribes, unsubscribes and heartbeats. */
		for (k = 0; k < floods; k++) {
			rc_text(&r, vcases[i].sub[0]);
			rc_text(&r, vcases[i].bad);
			if (vcases[i].ping != NULL)
				rc_text(&r, vcases[i].ping);
		}
		ck_assert_uint_gt(rc_drain(&r, eps[i], 300), floods);
		/* Gone mid-frame, with a reset. */
		rc_write(&r, "\x81\xfe\x10", 3);
		setsockopt(r.fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
		rc_close(&r);
	}
	free(big);
	RUN_UNTIL(stats(NULL).open_now == 0, 5);
	ck_assert_uint_eq(stats(NULL).open_now, 0);
	ck_assert_uint_eq(stats(NULL).disconnects, nitems(eps));
	ck_assert_uint_ge(stats(NULL).sub_errors, nitems(eps) * floods);
	/* And the simulator still serves. */
	t_connect(0, url_of("okx", ""))->sub[0] = vcases[1].sub[0];
	RUN_UNTIL(cls[0].n >= 6, 5);
	ck_assert_uint_ge(cls[0].n, 6);
}
END_TEST

/* A client that stops reading is dropped, not buffered for ever. */
START_TEST(test_sim_venues_slow_client)
{
	struct rc r;
	int op;

	if (tcheck_slow())
		return; /* valgrind cannot push the megabytes it takes */
	sim_up("prices instruments=BTC,ETH,SOL\n"
	       "endpoint bybit ws tls\nvenue bybit rate=10000\n");
	ck_assert_int_eq(rc_open(&r, port_of("bybit"), "/v5/public/linear",
			     4096),
	    0);
	rc_text(&r,
	    "{\"op\":\"subscribe\",\"args\":[\"orderbook.1.BTCUSDT\","
	    "\"orderbook.1.ETHUSDT\",\"orderbook.1.SOLUSDT\"]}");
	RUN_UNTIL(stats("bybit").slow == 1, 8);
	ck_assert_uint_eq(stats("bybit").slow, 1);
	RUN_UNTIL(stats("bybit").open_now == 0, 2);
	ck_assert_uint_eq(stats("bybit").open_now, 0);
	/* What it did send arrives whole, then the end. */
	rc_timeout(&r, 2000);
	while ((op = rc_read_frame(&r, NULL, 0)) != -1)
		ck_assert_int_eq(op, 1);
	rc_close(&r);
}
END_TEST

/* --- the program and the end --- */

static pid_t
prog_spawn(const char *out, ...)
{
	posix_spawn_file_actions_t fa;
	char *argv[16];
	const char *a;
	va_list ap;
	unsigned n = 0;
	pid_t pid;

	va_start(ap, out);
	while ((a = va_arg(ap, const char *)) != NULL && n + 1 < nitems(argv))
		argv[n++] = tcheck_asprintf("%s", a);
	va_end(ap);
	argv[n] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, out,
	    O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_addopen(&fa, 2, tcheck_asprintf("%s.err", out),
	    O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_eq(posix_spawn(&pid, argv[0], &fa, NULL, argv, environ),
	    0);
	posix_spawn_file_actions_destroy(&fa);
	return (pid);
}

START_TEST(test_sim_venues_program)
{
	const char *prog = getenv("XARB_SIM"), *scn, *ports, *out, *cdir;
	char *text, *cause = NULL;
	unsigned port = 0, i;
	SSL_CTX *own;
	struct tcl *cl;
	struct tcount tc;
	int status;
	pid_t pid;

	if (prog == NULL || *prog == '\0')
		prog =
		    tcheck_asprintf("%s/src/sim/xarb-sim", tcheck_builddir());
	scn = tcheck_keep(tcheck_write(dir, "v.scn",
	    "prices instruments=BTC,ETH seed=5\n"
	    "endpoint bybit ws tls\nvenue bybit rate=20\n",
	    0644));
	ports = tcheck_asprintf("%s/ports", dir);
	out = tcheck_asprintf("%s/out", dir);
	cdir = tcheck_asprintf("%s/certs", dir);
	ck_assert_int_eq(mkdir(cdir, 0700), 0);
	pid = prog_spawn(out, prog, "-s", scn, "--certs", cdir, "--ports",
	    ports, "--run-for", "30", (char *)NULL);
	for (i = 0; i < 1000 && access(ports, F_OK) != 0; i++)
		usleep(10000);
	text = tcheck_keep(tcheck_read(ports));
	ck_assert_ptr_nonnull(text);
	ck_assert_int_eq(sscanf(text, "bybit %u", &port), 1);
	/* Trust what --certs made, and nothing else. */
	own = tls_ctx_client(tcheck_asprintf("%s/ca.pem", cdir), &cause);
	ck_assert_msg(own != NULL, "%s", cause);
	saved_ctx = cli_ctx; /* teardown puts it back */
	cli_ctx = own;
	cl = t_connect(0,
	    tcheck_asprintf("wss://localhost:%u/v5/public/linear", port));
	cl->sub[0] = vcases[0].sub[0];
	RUN_UNTIL(cl->n >= 10, 5);
	count("bybit", cl, &tc);
	ck_assert_uint_eq(tc.kind[T_ACK], 1);
	ck_assert_uint_gt(tc.bbo[0], 2);
	ws_stop(cl->ws);
	kill(pid, SIGTERM);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	text = tcheck_keep(tcheck_read(out));
	ck_assert_ptr_nonnull(strstr(text,
	    tcheck_asprintf("xarb-sim: bybit url wss://localhost:%u"
			    "/v5/public/linear\n",
		port)));
	ck_assert_ptr_nonnull(strstr(text, " subscribed=4 "));
	ck_assert_ptr_nonnull(strstr(text, " pushes="));
	/* Scenario errors of the new directives: 78, file:line. */
	scn = tcheck_keep(tcheck_write(dir, "bad.scn",
	    "endpoint x ws plain\nvenue nyse\n", 0644));
	pid = prog_spawn(out, prog, "-s", scn, (char *)NULL);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_int_eq(WEXITSTATUS(status), 78);
	text = tcheck_keep(tcheck_read(tcheck_asprintf("%s.err", out)));
	ck_assert_ptr_nonnull(strstr(text,
	    tcheck_asprintf("xarb-sim: %s:2: expected bybit", scn)));
}
END_TEST

/* Stopping while every venue pushes to every client leaves nothing. */
START_TEST(test_sim_venues_stop_while_busy)
{
	struct sim_venues_opts o;
	struct timespec a, b;
	unsigned i;

	memset(&o, 0, sizeof o);
	o.rate = tcheck_pick(500, 50);
	o.dislocation_every_s = 0.05;
	o.dislocation_bps = 50;
	o.dislocation_s = 0.02;
	t_venues_up(&o);
	for (i = 0; i < nitems(bbo_eps); i++)
		t_bbo_client(i, bbo_eps[i], "tk");
	t_connect(7, url_of("binance-market", "/!markPrice@arr@1s"));
	run_for(tcheck_pick(0.4, 1.5));
	for (i = 0; i < nitems(bbo_eps); i++)
		ck_assert_msg(cls[i].n > 10, "%s: %u", bbo_eps[i], cls[i].n);
	ck_assert_uint_gt(sim_dislocations(sim, NULL, 0), 0);
	clock_gettime(CLOCK_MONOTONIC, &a);
	sim_stop(sim);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ck_assert_int_lt(b.tv_sec - a.tv_sec, 2);
	ck_assert_uint_eq(stats(NULL).open_now, 0);
	ck_assert_uint_eq(stats(NULL).disconnects, 8);
	RUN_UNTIL(cls[0].closes && cls[6].closes, 5);
	ck_assert_uint_eq(cls[0].closes, 1);
}
END_TEST

static Suite *
sim_venues_suite(void)
{
	Suite *s = suite_create("sim_venues");
	TCase *tc;

	tc = tcase_create("script");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_sim_venues_script_errors);
	tcase_add_test(tc, test_sim_venues_cert);
	suite_add_tcase(s, tc);

	tc = tcase_create("protocol");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_sim_venues_protocol, 0,
	    (int)nitems(vcases));
	suite_add_tcase(s, tc);

	tc = tcase_create("kucoin");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_sim_venues_kucoin_bullet);
	tcase_add_test(tc, test_sim_venues_paths);
	suite_add_tcase(s, tc);

	tc = tcase_create("prices");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_sim_venues_consistent_prices);
	tcase_add_test(tc, test_sim_venues_live_stack);
	tcase_add_test(tc, test_sim_venues_dislocation);
	suite_add_tcase(s, tc);

	tc = tcase_create("modes");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_sim_venues_idle);
	tcase_add_test(tc, test_sim_venues_replay);
	tcase_add_test(tc, test_sim_venues_binance_streams);
	suite_add_tcase(s, tc);

	tc = tcase_create("abuse");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_sim_venues_bad_clients);
	tcase_add_test(tc, test_sim_venues_slow_client);
	suite_add_tcase(s, tc);

	tc = tcase_create("lifetime");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_sim_venues_program);
	tcase_add_test(tc, test_sim_venues_stop_while_busy);
	suite_add_tcase(s, tc);

	tc = tcase_create("heartbeat");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_sim_venues_heartbeat_deadline);
	tcase_add_test(tc, test_sim_venues_server_ping);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	int rv;

	cli_ctx = tcheck_tls_setup(&certs);
	rv = tcheck_run(sim_venues_suite());
	SSL_CTX_free(cli_ctx);
	tcheck_rmdir(certs);
	return (rv);
}
