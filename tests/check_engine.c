/*
 * Tests of the engine: a bounded demo run end to end (generator -> book
 * -> detector -> ring -> status reader), the hot entry point fed by
 * hand, the status callback, the summary line, and start-up failures.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "xarb.h"
#include "config.h"
#include "engine.h"
#include "ring.h"
#include "log.h"
#include "tcheck.h"

static struct config *
demo_config(void)
{
	struct config *cfg = config_new();
	char *cause = NULL;

	log_set_level(LOG_LEVEL_WARN);
	ck_assert_int_eq(config_set(cfg, "demo", "rate", "500", &cause), 0);
	ck_assert_int_eq(config_set(cfg, "demo", "dislocation_every_s", "0.2",
			     &cause),
	    0);
	ck_assert_int_eq(config_set(cfg, "demo", "dislocation_s", "0.1",
			     &cause),
	    0);
	ck_assert_int_eq(config_set(cfg, "demo", "dislocation_bps", "80",
			     &cause),
	    0);
	return (cfg);
}

static void
status_cb(const struct engine_status *st, void *arg)
{
	struct engine_status *last = arg;

	*last = *st;
	last->log_dropped++; /* used as a call counter */
}

START_TEST(test_engine_demo_run_end_to_end)
{
	struct config *cfg = demo_config();
	struct engine_opts o = { .demo = 1, .headless = 1, .run_for = 1.5 };
	struct engine_status last, st;
	const struct engine_stats *es;
	struct engine *e;
	char *cause = NULL, *buf = NULL;
	size_t len = 0;
	FILE *fp;

	ck_assert_int_eq(config_set(cfg, "metrics", "status_interval_s", "1",
			     &cause),
	    0);
	e = engine_new(cfg, &o, &cause);
	ck_assert_msg(e != NULL, "engine_new: %s", cause);
	memset(&last, 0, sizeof last);
	engine_set_status_cb(e, status_cb, &last);
	ck_assert_int_eq(engine_run(e), 0);

	es = engine_get_stats(e);
	engine_get_status(e, &st);
	/* 500/s x 7 venues for as long as it really ran (slow under
	 * valgrind), never ahead of the clock. */
	ck_assert_double_ge(st.uptime_s, 1.5);
	ck_assert_uint_gt(es->msgs, 3000);
	ck_assert_uint_le(es->msgs, (uint64_t)(3500 * (st.uptime_s + 0.01)));
	ck_assert_uint_gt(es->seen_open, 0);
	/* Shutdown closes everything; the reader saw every event. */
	ck_assert_uint_eq(es->seen_open, es->seen_close);
	ck_assert_uint_eq(es->seen_open + es->seen_update + es->seen_close,
	    ring_head(engine_ring(e)));
	ck_assert_uint_eq(es->events, ring_head(engine_ring(e)));
	ck_assert_uint_eq(last.log_dropped, 1); /* called once in 1.5 s */
	ck_assert_uint_gt(last.msgs, 0);
	ck_assert_uint_eq(last.venues_live, 7);
	ck_assert_uint_eq(last.venues_enabled, 7);
	ck_assert_uint_gt(engine_stage_hist(e, STAGE_DETECT)->count, 3000);

	fp = open_memstream(&buf, &len);
	engine_print_summary(e, fp);
	fclose(fp);
	ck_assert_msg(strncmp(buf, "xarb: summary: seconds=1.", 25) == 0, "%s",
	    buf);
	ck_assert_ptr_nonnull(strstr(buf, " venues_live=7/7 msgs="));
	ck_assert_ptr_nonnull(strstr(buf, " opps_open="));
	ck_assert_ptr_nonnull(strstr(buf, " opps_close="));
	ck_assert_ptr_nonnull(strstr(buf, " fills=0 dropped=0 "));
	/* One line. */
	ck_assert_ptr_eq(strchr(buf, '\n'), buf + strlen(buf) - 1);
	free(buf);
	engine_free(e);
	config_free(cfg);
}
END_TEST

/* Disabled venues are neither generated nor counted. */
START_TEST(test_engine_demo_respects_enabled_venues)
{
	struct config *cfg = demo_config();
	struct engine_opts o = { .demo = 1, .headless = 1, .run_for = 0.3 };
	struct engine_status st;
	struct engine *e;
	char *cause = NULL;

	ck_assert_int_eq(config_set(cfg, "venue.okx", "enabled", "no", &cause),
	    0);
	ck_assert_int_eq(config_set(cfg, "venue.kucoin", "enabled", "no",
			     &cause),
	    0);
	e = engine_new(cfg, &o, &cause);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(engine_run(e), 0);
	engine_get_status(e, &st);
	ck_assert_uint_eq(st.venues_enabled, 5);
	ck_assert_uint_eq(st.venues_live, 5);
	ck_assert_int_eq(book_quote(engine_book(e), 0, VENUE_OKX)->recv_ts, 0);
	engine_free(e);
	config_free(cfg);
}
END_TEST

/* The hot entry point, fed by hand, publishes what detection finds. */
START_TEST(test_engine_on_update_publishes)
{
	struct config *cfg = config_new();
	struct engine_opts o = { 0 };
	struct quote_update u;
	struct ring_reader rd;
	struct opp_event ev;
	struct engine *e;
	char *cause = NULL;
	int64_t now;

	ck_assert_int_eq(config_set(cfg, "detector", "min_confidence", "0",
			     &cause),
	    0);
	e = engine_new(cfg, &o, &cause);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(ring_reader_init(&rd, engine_ring(e), RING_WAIT_SPIN),
	    0);
	memset(&u, 0, sizeof u);
	u.mask = QU_TOP | QU_STATE;
	u.state = QUOTE_LIVE;
	u.bid = 49999 * PX_SCALE;
	u.ask = 50000 * PX_SCALE;
	u.bid_size = u.ask_size = QTY_SCALE;
	now = engine_now();
	engine_on_update(e, 0, VENUE_BYBIT, &u, now);
	u.bid = 50300 * PX_SCALE;
	u.ask = 50301 * PX_SCALE;
	engine_on_update(e, 0, VENUE_BINANCE, &u, now);
	ck_assert_uint_eq(engine_get_stats(e)->msgs, 2);
	ck_assert_int_eq(ring_reader_next(&rd, &ev), 1);
	ck_assert_uint_eq(ev.type, OPP_OPEN);
	ck_assert_uint_eq(ev.buy_venue, VENUE_BYBIT);
	ck_assert_uint_eq(ev.sell_venue, VENUE_BINANCE);
	ck_assert_int_eq(ev.read_ts, now);
	ck_assert_uint_eq(engine_stage_hist(e, STAGE_TOTAL)->count, 2);
	ring_reader_fini(&rd);
	engine_free(e);
	config_free(cfg);
}
END_TEST

START_TEST(test_engine_new_reports_symbol_conflict)
{
	struct config *cfg = config_new();
	struct engine_opts o = { 0 };
	char *cause = NULL;

	ck_assert_int_eq(config_set(cfg, "venue.bybit", "map", "ETH:BTCUSDT",
			     &cause),
	    0);
	ck_assert_ptr_null(engine_new(cfg, &o, &cause));
	ck_assert_ptr_nonnull(cause);
	ck_assert_ptr_nonnull(strstr(cause, "BTCUSDT"));
	free(cause);
	config_free(cfg);
}
END_TEST

static Suite *
engine_suite(void)
{
	Suite *s = suite_create("engine");
	TCase *tc;

	tc = tcase_create("run");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_engine_demo_run_end_to_end);
	tcase_add_test(tc, test_engine_demo_respects_enabled_venues);
	tcase_add_test(tc, test_engine_on_update_publishes);
	tcase_add_test(tc, test_engine_new_reports_symbol_conflict);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	return (tcheck_run(engine_suite()));
}
