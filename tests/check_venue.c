/*
 * Tests of live venues (venue.c) on the reactor, against the simulator
 * speaking Bybit's frames from a scenario: subscriptions on open, the
 * heartbeat keeping a quiet connection above the idle watchdog, trust
 * states (RESYNCING on connect, LIVE with the first snapshot, DOWN on a
 * drop, RESYNCING again after the reconnect with a fresh subscription),
 * error acks counted, and the parser helpers' drop accounting.
 */
#include "autoconf.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <ev.h>

#include "xarb.h"
#include "config.h"
#include "reactor.h"
#include "sim/sim.h"
#include "symbols.h"
#include "tcheck.h"
#include "tls.h"
#include "venue.h"

static char *dir;
static struct sim *sim;
static struct config *cfg;
static struct reactor *r;
static struct symbols *sym;
static SSL_CTX *ctx;

struct seen {
	unsigned updates, states;
	enum quote_state st[32];
	struct venue_update last[2]; /* per instrument */
	int64_t last_ts;
};

static struct seen seen;

static void
sink_update(void *arg, enum venue_id v, const struct venue_update *up,
    int64_t recv_ts, int64_t parse_ts)
{
	(void)arg;
	ck_assert_int_ge(parse_ts, recv_ts);
	ck_assert_int_eq(v, VENUE_BYBIT);
	ck_assert_int_gt(recv_ts, 0);
	ck_assert_uint_lt(up->inst, 2);
	ck_assert(up->u.mask & QU_STATE);
	ck_assert_int_eq(up->u.state, QUOTE_LIVE);
	seen.updates++;
	seen.last[up->inst] = *up;
	seen.last_ts = recv_ts;
}

static void
sink_state(void *arg, enum venue_id v, enum quote_state st)
{
	(void)arg;
	(void)v;
	if (seen.states < nitems(seen.st))
		seen.st[seen.states] = st;
	seen.states++;
}

static const struct venue_sink sink = { sink_update, sink_state, NULL, NULL };

static void
setup(void)
{
	char *cmd, *cause = NULL;

	memset(&seen, 0, sizeof seen);
	dir = tcheck_mkdtemp();
	cmd = tcheck_asprintf("sh '%s/tests/gen-certs.sh' '%s'",
	    tcheck_srcdir(), dir);
	ck_assert_int_eq(system(cmd), 0);
	cfg = config_new();
	ck_assert_int_eq(config_set(cfg, "instruments", "symbols", "BTC ETH",
			     &cause),
	    0);
	ck_assert_int_eq(config_set(cfg, "net", "idle_timeout_ms", "1000",
			     &cause),
	    0);
	ck_assert_int_eq(config_set(cfg, "net", "backoff_base_ms", "50",
			     &cause),
	    0);
	sym = symbols_new(cfg, &cause);
	ck_assert_ptr_nonnull(sym);
	ctx = tls_ctx_client(tcheck_asprintf("%s/ca.pem", dir), &cause);
	ck_assert_msg(ctx != NULL, "%s", cause);
	r = reactor_new(NULL, &cause);
	ck_assert_ptr_nonnull(r);
	sim = NULL;
}

static void
teardown(void)
{
	reactor_free(r);
	sim_free(sim);
	SSL_CTX_free(ctx);
	symbols_free(sym);
	config_free(cfg);
	tcheck_rmdir(dir);
	tcheck_free_kept();
}

static void
start_sim(const char *script)
{
	char *cause = NULL;

	sim = sim_new("venue", script, tcheck_asprintf("%s/server.pem", dir),
	    tcheck_asprintf("%s/server.key", dir), &cause);
	ck_assert_msg(sim != NULL, "%s", cause);
	ck_assert_msg(sim_start_thread(sim, &cause) == 0, "%s", cause);
}

static struct venue *
bybit(void)
{
	struct venue *v;
	char *cause = NULL, *url;

	url = tcheck_asprintf("wss://localhost:%u/v5/public/linear",
	    sim_port(sim, "bybit"));
	ck_assert_int_eq(config_set(cfg, "venue.bybit", "url", url, &cause), 0);
	v = venue_new(r, ctx, cfg, sym, VENUE_BYBIT, &sink, &cause);
	ck_assert_msg(v != NULL, "%s", cause);
	return (v);
}

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
		ev_timer_init(&tick, tick_cb, 0.01, 0.01);                     \
		ev_timer_start(reactor_loop(r), &tick);                        \
		while (!(cond) && ev_time() < end_)                            \
			ev_run(reactor_loop(r), EVRUN_ONCE);                   \
		ev_timer_stop(reactor_loop(r), &tick);                         \
	} while (0)

#define BOOK_SNAP                                                              \
	"{\"topic\":\"orderbook.1.BTCUSDT\",\"type\":\"snapshot\","            \
	"\"ts\":1700000000123,\"data\":{\"s\":\"BTCUSDT\",\"b\":[["            \
	"\"50000.5\",\"1.5\"]],\"a\":[[\"50001\",\"2\"]],\"u\":10,\"seq\":1}}"
#define TICKER_SNAP                                                            \
	"{\"topic\":\"tickers.ETHUSDT\",\"type\":\"snapshot\",\"data\":{"      \
	"\"symbol\":\"ETHUSDT\",\"bid1Price\":\"3000.1\",\"bid1Size\":\"4\","  \
	"\"ask1Price\":\"3000.2\",\"ask1Size\":\"5\",\"fundingRate\":"         \
	"\"0.0001\",\"nextFundingTime\":\"1700006400000\"},\"cs\":1,"          \
	"\"ts\":1700000000456}"

START_TEST(test_venue_subscribes_parses_and_goes_live)
{
	struct venue_stats vs;
	struct venue *v;
	char buf[512];

	start_sim("endpoint bybit ws tls\n"
		  "on message subscribe send " BOOK_SNAP "\n"
		  "on message subscribe send " TICKER_SNAP "\n");
	v = bybit();
	venue_start(v);
	RUN_UNTIL(seen.updates >= 2, 5);
	ck_assert_uint_eq(seen.updates, 2);
	/* One request with both topics of both instruments. */
	ck_assert_int_gt(sim_received(sim, "bybit", 0, buf, sizeof buf), 0);
	ck_assert_str_eq(buf,
	    "{\"req_id\":\"sub1\",\"op\":\"subscribe\",\"args\":["
	    "\"orderbook.1.BTCUSDT\",\"tickers.BTCUSDT\","
	    "\"orderbook.1.ETHUSDT\",\"tickers.ETHUSDT\"]}");
	ck_assert_int_eq(seen.last[0].u.bid, 500005 * (PX_SCALE / 10));
	ck_assert_int_eq(seen.last[0].u.ask_size, 2 * QTY_SCALE);
	ck_assert_int_eq(seen.last[0].u.exch_ts, 1700000000123 * NS_PER_MS);
	ck_assert_int_eq(seen.last[1].u.funding, 100000);
	ck_assert_int_eq(seen.last[1].u.next_funding_ms, 1700006400000);
	/* Connect: resyncing; first snapshot: live. */
	ck_assert_uint_eq(seen.states, 2);
	ck_assert_int_eq(seen.st[0], QUOTE_RESYNCING);
	ck_assert_int_eq(seen.st[1], QUOTE_LIVE);
	venue_get_stats(v, &vs);
	ck_assert_int_eq(vs.state, QUOTE_LIVE);
	ck_assert_uint_eq(vs.updates, 2);
	ck_assert_uint_ge(vs.ignored, 0);
	venue_free(v);
}
END_TEST

/*
 * Nothing but pongs: the heartbeat (every idle/2 = 0.5 s here) keeps
 * the connection above the 1 s idle watchdog.
 */
START_TEST(test_venue_heartbeat_keeps_quiet_link_up)
{
	struct venue_stats vs;
	struct venue *v;
	char buf[256];
	ev_tstamp end;

	start_sim("endpoint bybit ws tls\n"
		  "on message ping send {\"success\":true,\"ret_msg\":\"pong\","
		  "\"conn_id\":\"x\",\"req_id\":\"ping\",\"op\":\"ping\"}\n");
	v = bybit();
	venue_start(v);
	end = ev_time() + 2.2;
	RUN_UNTIL(ev_time() > end, 3);
	venue_get_stats(v, &vs);
	ck_assert_uint_ge(vs.pings, 3);
	ck_assert_uint_ge(vs.ignored, 3); /* the pongs */
	ck_assert_int_eq(venue_stream_state(v, 0), WS_OPEN);
	ck_assert_uint_eq(venue_stream_stats(v, 0)->idle, 0);
	ck_assert_uint_eq(venue_stream_stats(v, 0)->connects, 1);
	ck_assert_int_gt(sim_received(sim, "bybit", 0, buf, sizeof buf), 0);
	ck_assert_str_eq(buf, "{\"req_id\":\"ping\",\"op\":\"ping\"}");
	venue_free(v);
}
END_TEST

/* A drop: DOWN; the reconnect resubscribes and waits for a snapshot. */
START_TEST(test_venue_reconnect_resyncs)
{
	struct venue *v;
	unsigned i, subs = 0;
	char buf[512];

	start_sim("endpoint bybit ws tls\n"
		  "on message subscribe send " BOOK_SNAP "\n"
		  "on open after 300 fault drop\n");
	v = bybit();
	venue_start(v);
	RUN_UNTIL(seen.states >= 5, 5);
	ck_assert_uint_ge(seen.states, 5);
	ck_assert_int_eq(seen.st[0], QUOTE_RESYNCING);
	ck_assert_int_eq(seen.st[1], QUOTE_LIVE);
	ck_assert_int_eq(seen.st[2], QUOTE_DOWN);
	ck_assert_int_eq(seen.st[3], QUOTE_RESYNCING);
	ck_assert_int_eq(seen.st[4], QUOTE_LIVE);
	for (i = 0; i < SIM_KEEP; i++) {
		if (sim_received(sim, "bybit", i, buf, sizeof buf) < 0)
			break;
		subs += strstr(buf, "\"op\":\"subscribe\"") != NULL;
	}
	ck_assert_uint_ge(subs, 2);
	venue_free(v);
}
END_TEST

/* The venue refuses a topic: counted as an error, nothing emitted. */
START_TEST(test_venue_error_ack_counted)
{
	struct venue_stats vs;
	struct venue *v;

	start_sim(
	    "endpoint bybit ws tls\n"
	    "on message subscribe send {\"success\":false,\"ret_msg\":"
	    "\"error:handler not found,topic:orderbook.1.BTCUSDT\","
	    "\"conn_id\":\"x\",\"req_id\":\"sub1\",\"op\":\"subscribe\"}\n");
	v = bybit();
	venue_start(v);
	RUN_UNTIL((venue_get_stats(v, &vs), vs.drops[VENUE_DROP_ERROR] >= 1),
	    5);
	ck_assert_uint_eq(vs.drops[VENUE_DROP_ERROR], 1);
	ck_assert_uint_eq(seen.updates, 0);
	ck_assert_int_eq(vs.state, QUOTE_RESYNCING);
	ck_assert_str_eq(venue_drop_key(VENUE_DROP_ERROR), "error");
	venue_free(v);
}
END_TEST

static Suite *
venue_suite(void)
{
	Suite *s = suite_create("venue");
	TCase *tc = tcase_create("live");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_venue_subscribes_parses_and_goes_live);
	tcase_add_test(tc, test_venue_heartbeat_keeps_quiet_link_up);
	tcase_add_test(tc, test_venue_reconnect_resyncs);
	tcase_add_test(tc, test_venue_error_ack_counted);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	return (tcheck_run(venue_suite()));
}
