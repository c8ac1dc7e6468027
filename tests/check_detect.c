/*
 * Tests of the detector: the worked example of DESIGN.md, each
 * constraint, funding normalisation and settlement counting, both
 * directions, and the OPEN / UPDATE / CLOSE life cycle read back from the
 * ring.
 */
#include "autoconf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "xarb.h"
#include "book.h"
#include "config.h"
#include "detect.h"
#include "ring.h"
#include "tcheck.h"
#include "venues.h"

#define NOW (INT64_C(1764000000) * NS_PER_S) /* a fixed "now" */
#define A VENUE_BYBIT
#define B VENUE_OKX

static struct book *book;
static struct ring *ring;
static struct detect *det;
static struct ring_reader rd;
static struct detect_params params;

/* The worked example's settings: fees 5 + 5, slippage 3, funding 10. */
static void
example_params(struct detect_params *p)
{
	unsigned v;

	memset(p, 0, sizeof *p);
	p->min_spread_bps = 10;
	p->min_confidence = 70;
	p->min_funding_delta = 0.0001;
	p->max_age_ns = 1000 * NS_PER_MS;
	p->min_notional = 100;
	p->trade_notional = 1000;
	p->slippage_bps = 1.5; /* x (1000/1000 + 1000/1000) = 3 bps */
	p->hold_hours = 40;    /* 0.0002 per 8 h adverse x 5 = 10 bps */
	p->update_step_bps = 1;
	p->quote_mix = 1;
	for (v = 0; v < VENUE_COUNT; v++) {
		p->taker_fee_bps[v] = 5;
		p->quote[v] = (uint8_t)venues_info(v)->quote;
	}
}

static void
setup(void)
{
	example_params(&params);
	book = book_new(2);
	ring = ring_new(64);
	ck_assert_ptr_nonnull(ring);
	det = detect_new(book, ring, &params);
	ck_assert_int_eq(ring_reader_init(&rd, ring, RING_WAIT_SPIN), 0);
}

static void
teardown(void)
{
	ring_reader_fini(&rd);
	detect_free(det);
	ring_free(ring);
	book_free(book);
}

static int64_t
px(double d)
{
	return ((int64_t)llround(d * (double)PX_SCALE));
}

/*
 * Sets (inst 0, v): live, received at NOW, top-of-book notional 1000 on
 * the side that matters, funding rate per 8 h.
 */
static void
quote(enum venue_id v, double bid, double ask, double rate_8h)
{
	struct quote_update u;

	memset(&u, 0, sizeof u);
	u.mask = QU_TOP | QU_FUNDING | QU_FUNDING_MIN | QU_STATE | QU_EXCH_TS;
	u.state = QUOTE_LIVE;
	u.bid = px(bid);
	u.ask = px(ask);
	u.bid_size = (int64_t)llround(1000.0 / bid * (double)QTY_SCALE);
	u.ask_size = (int64_t)llround(1000.0 / ask * (double)QTY_SCALE);
	u.funding = (int64_t)llround(rate_8h * (double)RATE_SCALE);
	u.funding_min = 480;
	u.exch_ts = NOW - 5 * NS_PER_MS;
	book_apply(book, 0, v, &u, NOW);
}

static enum opp_reason
eval(enum venue_id bv, enum venue_id sv, struct opp_event *ev)
{
	memset(ev, 0, sizeof *ev);
	return (detect_eval(&params, book_quote(book, 0, bv), bv,
	    book_quote(book, 0, sv), sv, NOW, ev));
}

/* DESIGN.md: ask_A 50001, bid_B 50010 -> 1.80 bps, rejected. */
START_TEST(test_detect_example_small_spread_rejected)
{
	struct opp_event ev;

	quote(A, 50000, 50001, 0.0003);
	quote(B, 50010, 50011, 0.0001);
	ck_assert_int_eq(eval(A, B, &ev), OPP_REASON_SPREAD);
	ck_assert_double_eq_tol(ev.gross_bps, 1.80, 0.005);
	ck_assert_uint_eq(detect_on_quote(det, 0, B, NOW, NOW), 0);
	ck_assert_int_eq(ring_reader_next(&rd, &ev), 0);
}
END_TEST

/*
 * DESIGN.md: bid_B 50250 -> 49.80 bps gross; fees 10 + slippage 3 +
 * funding 10 -> 26.80 net; confidence 49.80 + 0.60 + 20 = 70.40 -> OPEN.
 */
START_TEST(test_detect_example_opens)
{
	struct opp_event ev;

	quote(A, 50000, 50001, 0.0003);
	quote(B, 50250, 50260, 0.0001);
	ck_assert_int_eq(eval(A, B, &ev), OPP_REASON_NONE);
	ck_assert_double_eq_tol(ev.gross_bps, 49.80, 0.005);
	ck_assert_double_eq_tol(ev.fee_bps, 10.0, 1e-9);
	ck_assert_double_eq_tol(ev.slip_bps, 3.0, 1e-4);
	ck_assert_double_eq_tol(ev.funding_bps, 10.0, 1e-6);
	ck_assert_double_eq_tol(ev.net_bps, 26.80, 0.005);
	ck_assert_double_eq_tol(ev.confidence, 70.40, 0.005);
	ck_assert_double_eq_tol(ev.funding_delta, -0.0002, 1e-12);

	ck_assert_uint_eq(detect_on_quote(det, 0, B, NOW, NOW - 1000), 1);
	ck_assert_int_eq(ring_reader_next(&rd, &ev), 1);
	ck_assert_uint_eq(ev.type, OPP_OPEN);
	ck_assert_uint_eq(ev.buy_venue, A);
	ck_assert_uint_eq(ev.sell_venue, B);
	ck_assert_int_eq(ev.buy_px, px(50001));
	ck_assert_int_eq(ev.sell_px, px(50250));
	ck_assert_double_eq_tol(ev.net_bps, 26.80, 0.005);
	ck_assert_int_eq(ev.read_ts, NOW - 1000);
	ck_assert_int_eq(ev.detect_ts, NOW);
	ck_assert_int_eq(ev.buy_recv_ts, NOW);
	ck_assert_int_eq(ev.buy_ts, NOW - 5 * NS_PER_MS);
	ck_assert_uint_ne(ev.id, 0);
	ck_assert_uint_eq(detect_open_count(det), 1);
	ck_assert_int_eq(ring_reader_next(&rd, &ev), 0); /* B->A is not */
}
END_TEST

/* The mirror image: the cheap venue is B, so it buys B and sells A. */
START_TEST(test_detect_other_direction)
{
	struct opp_event ev;

	quote(A, 50250, 50260, 0.0001);
	quote(B, 50000, 50001, 0.0003);
	ck_assert_uint_eq(detect_on_quote(det, 0, A, NOW, NOW), 1);
	ck_assert_int_eq(ring_reader_next(&rd, &ev), 1);
	ck_assert_uint_eq(ev.type, OPP_OPEN);
	ck_assert_uint_eq(ev.buy_venue, B);
	ck_assert_uint_eq(ev.sell_venue, A);
	ck_assert_double_eq_tol(ev.net_bps, 26.80, 0.005);
}
END_TEST

/* Each constraint, made to fail alone, is the reported reason. */
enum breakage {
	BREAK_DOWN,
	BREAK_STALE,
	BREAK_CROSSED,
	BREAK_ZERO,
	BREAK_DEPTH,
	BREAK_FUNDING,
	BREAK_CONFIDENCE,
	BREAK_EDGE,
};

static const struct {
	enum breakage what;
	enum opp_reason reason;
} breakages[] = {
	{ BREAK_DOWN, OPP_REASON_VENUE_DOWN },
	{ BREAK_STALE, OPP_REASON_STALE },
	{ BREAK_CROSSED, OPP_REASON_BAD_QUOTE },
	{ BREAK_ZERO, OPP_REASON_BAD_QUOTE },
	{ BREAK_DEPTH, OPP_REASON_DEPTH },
	{ BREAK_FUNDING, OPP_REASON_FUNDING },
	{ BREAK_CONFIDENCE, OPP_REASON_CONFIDENCE },
	{ BREAK_EDGE, OPP_REASON_EDGE },
};

START_TEST(test_detect_constraint_fires)
{
	struct quote_update u;
	struct opp_event ev;

	quote(A, 50000, 50001, 0.0003);
	quote(B, 50250, 50260, 0.0001);
	ck_assert_int_eq(eval(A, B, &ev), OPP_REASON_NONE);
	memset(&u, 0, sizeof u);
	switch (breakages[_i].what) {
	case BREAK_DOWN:
		book_set_state(book, B, QUOTE_RESYNCING);
		break;
	case BREAK_STALE:
		u.mask = QU_ASK; /* same quote, received too long ago */
		u.ask = px(50001);
		book_apply(book, 0, A, &u, NOW - 1001 * NS_PER_MS);
		break;
	case BREAK_CROSSED:
		u.mask = QU_BID;
		u.bid = px(50270); /* bid above its own ask on B */
		book_apply(book, 0, B, &u, NOW);
		break;
	case BREAK_ZERO:
		u.mask = QU_ASK_SIZE;
		u.ask_size = 0;
		book_apply(book, 0, A, &u, NOW);
		break;
	case BREAK_DEPTH:
		params.min_notional = 1001;
		break;
	case BREAK_FUNDING:
		params.require_funding = 1; /* delta is -0.0002 */
		break;
	case BREAK_CONFIDENCE:
		params.min_confidence = 71;
		break;
	case BREAK_EDGE:
		params.taker_fee_bps[A] = 20; /* net 26.8 - 15 - 15 < 0 */
		params.taker_fee_bps[B] = 20;
		break;
	}
	ck_assert_int_eq(eval(A, B, &ev), breakages[_i].reason);
}
END_TEST

/* Hourly 0.0000125 equals 8-hourly 0.0001: no delta, no carry. */
START_TEST(test_detect_funding_normalised_per_period)
{
	struct quote_update u;
	struct opp_event ev;

	quote(A, 50000, 50001, 0.0001);
	quote(VENUE_HYPERLIQUID, 50250, 50260, 0);
	memset(&u, 0, sizeof u);
	u.mask = QU_FUNDING | QU_FUNDING_MIN;
	u.funding = 12500; /* 0.0000125 per hour */
	u.funding_min = 60;
	book_apply(book, 0, VENUE_HYPERLIQUID, &u, NOW);
	params.min_confidence = 0;
	ck_assert_int_eq(eval(A, VENUE_HYPERLIQUID, &ev), OPP_REASON_NONE);
	ck_assert_double_eq_tol(ev.funding_delta, 0.0, 1e-15);
	ck_assert_double_eq_tol(ev.funding_bps, 0.0, 1e-9);
	ck_assert_double_eq_tol(ev.confidence, 49.80 + 20, 0.005);
	/* 0.0001 per hour on the short leg is 0.0008 per 8 h of carry. */
	u.funding = 100000;
	book_apply(book, 0, VENUE_HYPERLIQUID, &u, NOW);
	ck_assert_int_eq(eval(A, VENUE_HYPERLIQUID, &ev), OPP_REASON_NONE);
	ck_assert_double_eq_tol(ev.funding_delta, 0.0007, 1e-12);
	/* Over 40 h: pays 5 x 0.0001, receives 40 x 0.0001: 35 bps carry. */
	ck_assert_double_eq_tol(ev.funding_bps, -35.0, 1e-6);
}
END_TEST

/* Settlements are counted when the next one is known. */
START_TEST(test_detect_funding_counts_settlements)
{
	struct quote q;
	int64_t now = NOW;

	memset(&q, 0, sizeof q);
	q.funding = 100000; /* 0.0001 per interval */
	q.funding_min = 480;
	q.next_funding = (uint32_t)(now / NS_PER_S + 1800); /* in 30 min */
	ck_assert_double_eq_tol(detect_funding_paid(&q, now, 8), 0.0001, 1e-15);
	ck_assert_double_eq_tol(detect_funding_paid(&q, now, 0.25), 0, 1e-15);
	ck_assert_double_eq_tol(detect_funding_paid(&q, now, 8.6), 0.0002,
	    1e-15);
	q.funding_min = 60; /* hourly: 8 settlements in 8 h */
	ck_assert_double_eq_tol(detect_funding_paid(&q, now, 8), 0.0008, 1e-15);
	/* A next time already in the past is rolled forward. */
	q.funding_min = 480;
	q.next_funding = (uint32_t)(now / NS_PER_S - 3600);
	ck_assert_double_eq_tol(detect_funding_paid(&q, now, 8), 0.0001, 1e-15);
	/* Continuous accrual (Paradex) is pro rata. */
	q.flags = QUOTE_F_CONTINUOUS;
	ck_assert_double_eq_tol(detect_funding_paid(&q, now, 2), 0.000025,
	    1e-15);
	/* Unknown next time: pro rata too. */
	q.flags = 0;
	q.next_funding = 0;
	ck_assert_double_eq_tol(detect_funding_paid(&q, now, 4), 0.00005,
	    1e-15);
}
END_TEST

/* OPEN, UPDATE only past the step, CLOSE with the reason; one id. */
START_TEST(test_detect_life_cycle)
{
	struct opp_event ev;
	uint64_t id;

	quote(A, 50000, 50001, 0.0003);
	quote(B, 50250, 50260, 0.0001);
	ck_assert_uint_eq(detect_on_quote(det, 0, B, NOW, NOW), 1);
	ck_assert_int_eq(ring_reader_next(&rd, &ev), 1);
	ck_assert_uint_eq(ev.type, OPP_OPEN);
	id = ev.id;
	/* +0.4 bps: below the 1 bps step, nothing published. */
	quote(B, 50252, 50260, 0.0001);
	ck_assert_uint_eq(detect_on_quote(det, 0, B, NOW, NOW), 0);
	/* +2 bps: an UPDATE with the same id. */
	quote(B, 50260, 50270, 0.0001);
	ck_assert_uint_eq(detect_on_quote(det, 0, B, NOW, NOW), 1);
	ck_assert_int_eq(ring_reader_next(&rd, &ev), 1);
	ck_assert_uint_eq(ev.type, OPP_UPDATE);
	ck_assert_uint_eq(ev.id, id);
	ck_assert_uint_eq(ev.updates, 0);
	ck_assert_int_eq(ev.open_ts, NOW);
	/* The spread collapses: CLOSE, reason spread gone. */
	quote(B, 50002, 50010, 0.0001);
	ck_assert_uint_eq(detect_on_quote(det, 0, B, NOW + 1, NOW + 1), 1);
	ck_assert_int_eq(ring_reader_next(&rd, &ev), 1);
	ck_assert_uint_eq(ev.type, OPP_CLOSE);
	ck_assert_uint_eq(ev.reason, OPP_REASON_SPREAD);
	ck_assert_uint_eq(ev.id, id);
	ck_assert_uint_eq(ev.updates, 1);
	ck_assert_uint_eq(detect_open_count(det), 0);
	ck_assert_str_eq(opp_reason_name(ev.reason), "spread gone");
	/* It reopens with a new id. */
	quote(B, 50250, 50260, 0.0001);
	ck_assert_uint_eq(detect_on_quote(det, 0, B, NOW, NOW), 1);
	ck_assert_int_eq(ring_reader_next(&rd, &ev), 1);
	ck_assert_uint_eq(ev.type, OPP_OPEN);
	ck_assert_uint_gt(ev.id, id);
	ck_assert_uint_eq(detect_get_stats(det)->opens, 2);
	ck_assert_uint_eq(detect_get_stats(det)->closes, 1);
	ck_assert_uint_eq(detect_get_stats(det)->updates, 1);
}
END_TEST

/* No tick, time passes: the sweep closes with "leg stale". */
START_TEST(test_detect_sweep_closes_stale)
{
	struct opp_event ev;

	quote(A, 50000, 50001, 0.0003);
	quote(B, 50250, 50260, 0.0001);
	ck_assert_uint_eq(detect_on_quote(det, 0, B, NOW, NOW), 1);
	ck_assert_int_eq(ring_reader_next(&rd, &ev), 1);
	ck_assert_uint_eq(detect_sweep(det, NOW + 500 * NS_PER_MS), 0);
	ck_assert_uint_eq(detect_sweep(det, NOW + 1500 * NS_PER_MS), 1);
	ck_assert_int_eq(ring_reader_next(&rd, &ev), 1);
	ck_assert_uint_eq(ev.type, OPP_CLOSE);
	ck_assert_uint_eq(ev.reason, OPP_REASON_STALE);
	ck_assert_int_eq(ev.read_ts, 0);
	ck_assert_uint_eq(detect_sweep(det, NOW + 2500 * NS_PER_MS), 0);
}
END_TEST

START_TEST(test_detect_venue_down_and_shutdown_close)
{
	struct opp_event ev;

	quote(A, 50000, 50001, 0.0003);
	quote(B, 50250, 50260, 0.0001);
	quote(VENUE_BINANCE, 50260, 50270, 0.0001);
	detect_on_quote(det, 0, B, NOW, NOW);
	detect_on_quote(det, 0, VENUE_BINANCE, NOW, NOW);
	ck_assert_uint_eq(detect_open_count(det), 2); /* A->B, A->Binance */
	while (ring_reader_next(&rd, &ev))
		;
	book_set_state(book, B, QUOTE_DOWN);
	ck_assert_uint_eq(detect_venue_down(det, B, NOW), 1);
	ck_assert_int_eq(ring_reader_next(&rd, &ev), 1);
	ck_assert_uint_eq(ev.type, OPP_CLOSE);
	ck_assert_uint_eq(ev.reason, OPP_REASON_VENUE_DOWN);
	ck_assert_uint_eq(ev.sell_venue, B);
	ck_assert_uint_eq(detect_close_all(det, OPP_REASON_SHUTDOWN, NOW), 1);
	ck_assert_int_eq(ring_reader_next(&rd, &ev), 1);
	ck_assert_uint_eq(ev.reason, OPP_REASON_SHUTDOWN);
	ck_assert_uint_eq(ev.sell_venue, VENUE_BINANCE);
	ck_assert_uint_eq(detect_open_count(det), 0);
}
END_TEST

/* USD-quoted legs meet USDT ones only with quote_mix, through the basis. */
START_TEST(test_detect_quote_mix_and_basis)
{
	struct opp_event ev;

	quote(A, 50000, 50001, 0.0003);
	quote(VENUE_PARADEX, 50250, 50260, 0.0001);
	ck_assert_int_eq(eval(A, VENUE_PARADEX, &ev), OPP_REASON_NONE);
	ck_assert_double_eq_tol(ev.gross_bps, 49.80, 0.005);
	/* USD worth 10 bps less than USDT: the USD bid is worth less. */
	params.usd_basis_bps = -10;
	params.min_confidence = 0;
	ck_assert_int_eq(eval(A, VENUE_PARADEX, &ev), OPP_REASON_NONE);
	ck_assert_double_eq_tol(ev.gross_bps, 39.75, 0.01);
	params.usd_basis_bps = 0;
	params.quote_mix = 0;
	detect_set_params(det, &params);
	ck_assert_uint_eq(detect_on_quote(det, 0, VENUE_PARADEX, NOW, NOW), 0);
	ck_assert_uint_eq(detect_get_stats(det)->evaluated, 0);
}
END_TEST

/* A venue never heard from is skipped; the pair still works later. */
START_TEST(test_detect_skips_unseen_venues)
{
	quote(A, 50000, 50001, 0.0003);
	ck_assert_uint_eq(detect_on_quote(det, 0, A, NOW, NOW), 0);
	ck_assert_uint_eq(detect_get_stats(det)->evaluated, 0);
	quote(B, 50010, 50011, 0.0001);
	ck_assert_uint_eq(detect_on_quote(det, 0, B, NOW, NOW), 0);
	ck_assert_uint_eq(detect_get_stats(det)->evaluated, 2);
	ck_assert_uint_eq(detect_get_stats(det)->rejects[OPP_REASON_SPREAD], 2);
}
END_TEST

/* Instruments do not interfere with each other. */
START_TEST(test_detect_instruments_are_separate)
{
	struct quote_update u;
	struct opp_event ev;

	quote(A, 50000, 50001, 0.0003);
	quote(B, 50250, 50260, 0.0001);
	memset(&u, 0, sizeof u);
	u.mask = QU_TOP | QU_STATE;
	u.state = QUOTE_LIVE;
	u.bid = px(2999);
	u.ask = px(3000);
	u.bid_size = u.ask_size = 10 * QTY_SCALE;
	book_apply(book, 1, A, &u, NOW);
	book_apply(book, 1, B, &u, NOW);
	ck_assert_uint_eq(detect_on_quote(det, 1, B, NOW, NOW), 0);
	ck_assert_uint_eq(detect_on_quote(det, 0, B, NOW, NOW), 1);
	ck_assert_int_eq(ring_reader_next(&rd, &ev), 1);
	ck_assert_uint_eq(ev.inst, 0);
}
END_TEST

/*
 * detect_on_quote takes a fast path for pairs that fail only on spread;
 * over random quotes (some stale, crossed, down, USD-quoted, right at the
 * threshold) it must publish and count exactly what pricing each
 * direction with detect_eval gives.
 */
START_TEST(test_detect_fast_path_matches_exact)
{
	struct detect_stats before, after;
	struct opp_event ev;
	struct quote_update u;
	uint64_t want[OPP_REASON_COUNT], seed = 12345;
	unsigned trial, v, b, k, opens, n;
	double mid, edge;

	params.usd_basis_bps = 3;
	params.min_confidence = 0;
	detect_set_params(det, &params);
	for (trial = 0; trial < 5000; trial++) {
		mid = 50000;
		memset(&u, 0, sizeof u);
		for (v = 0; v < VENUE_COUNT; v++) {
			seed = seed * 6364136223846793005ULL +
			    1442695040888963407ULL;
			/* Within +-12 bps: about the 10 bps threshold. */
			edge = (double)((seed >> 33) % 2401) / 100.0 - 12.0;
			u.mask = QU_TOP | QU_STATE;
			u.state =
			    (seed >> 20) % 29 == 0 ? QUOTE_STALE : QUOTE_LIVE;
			u.bid = px(mid * (1 + edge / 10000.0));
			u.ask = u.bid + px(0.5);
			if ((seed >> 12) % 31 == 0)
				u.ask = u.bid - px(1); /* crossed */
			u.bid_size = u.ask_size = QTY_SCALE;
			book_apply(book, 0, v, &u,
			    (seed >> 8) % 37 == 0 ? NOW - 2 * NS_PER_S : NOW);
		}
		v = (unsigned)(seed >> 40) % VENUE_COUNT;
		memset(want, 0, sizeof want);
		opens = 0;
		for (b = 0; b < VENUE_COUNT; b++) {
			if (b == v)
				continue;
			want[eval(v, b, &ev)]++;
			want[eval(b, v, &ev)]++;
		}
		opens = (unsigned)want[OPP_REASON_NONE];
		before = *detect_get_stats(det);
		n = detect_on_quote(det, 0, v, NOW, NOW);
		after = *detect_get_stats(det);
		ck_assert_uint_eq(n, opens);
		ck_assert_uint_eq(after.opens - before.opens, opens);
		for (k = 1; k < OPP_REASON_COUNT; k++)
			ck_assert_msg(after.rejects[k] - before.rejects[k] ==
				want[k],
			    "trial %u: reason %s: %llu, exact path %llu", trial,
			    opp_reason_key(k),
			    (unsigned long long)(after.rejects[k] -
				before.rejects[k]),
			    (unsigned long long)want[k]);
		detect_close_all(det, OPP_REASON_SHUTDOWN, NOW);
	}
}
END_TEST

START_TEST(test_detect_params_from_config)
{
	struct config *cfg = config_new();
	struct detect_params p;

	detect_params_from_config(&p, cfg);
	ck_assert_double_eq(p.min_spread_bps, 10);
	ck_assert_double_eq(p.min_confidence, 70);
	ck_assert_int_eq(p.max_age_ns, cfg->max_quote_age_ms * NS_PER_MS);
	ck_assert_double_eq(p.taker_fee_bps[VENUE_BYBIT], 5.5);
	ck_assert_uint_eq(p.quote[VENUE_HYPERLIQUID], VENUE_QUOTE_USD);
	ck_assert_uint_eq(p.quote[VENUE_OKX], VENUE_QUOTE_USDT);
	config_free(cfg);
}
END_TEST

static Suite *
detect_suite(void)
{
	Suite *s = suite_create("detect");
	TCase *tc;

	tc = tcase_create("example");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_detect_example_small_spread_rejected);
	tcase_add_test(tc, test_detect_example_opens);
	tcase_add_test(tc, test_detect_other_direction);
	suite_add_tcase(s, tc);

	tc = tcase_create("constraints");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_detect_constraint_fires, 0,
	    (int)nitems(breakages));
	tcase_add_test(tc, test_detect_quote_mix_and_basis);
	tcase_add_test(tc, test_detect_skips_unseen_venues);
	tcase_add_test(tc, test_detect_instruments_are_separate);
	tcase_add_test(tc, test_detect_params_from_config);
	tcase_add_test(tc, test_detect_fast_path_matches_exact);
	suite_add_tcase(s, tc);

	tc = tcase_create("funding");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_detect_funding_normalised_per_period);
	tcase_add_test(tc, test_detect_funding_counts_settlements);
	suite_add_tcase(s, tc);

	tc = tcase_create("lifecycle");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_detect_life_cycle);
	tcase_add_test(tc, test_detect_sweep_closes_stale);
	tcase_add_test(tc, test_detect_venue_down_and_shutdown_close);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	return (tcheck_run(detect_suite()));
}
