/*
 * Tests of the price generator (src/sim/pricegen.c) the simulator and
 * the in-memory source share: the same seed gives the same ticks; every
 * venue quotes around one walk per instrument; a dislocation moves one
 * venue by its size for its length and only then; funding carries each
 * venue's interval and jumps as scheduled.  Time is passed in, so
 * nothing here waits.
 */
#include "autoconf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "xarb.h"
#include "sim/pricegen.h"
#include "tcheck.h"
#include "venues.h"

static const char *const bases[] = { "BTC", "ETH", "SOL" };

#define T0 (INT64_C(1800000000) * NS_PER_S) /* a fixed start */
#define MS NS_PER_MS

static struct pricegen *
t_gen(double dis_every, double fund_every)
{
	struct pricegen_params p;
	struct pricegen *g;

	memset(&p, 0, sizeof p);
	p.ninst = nitems(bases);
	p.bases = bases;
	p.venues = (1u << VENUE_COUNT) - 1;
	p.seed = 7;
	p.volatility_bps = 5;
	p.dislocation_every_s = dis_every;
	p.dislocation_bps = 80;
	p.dislocation_s = 0.5;
	p.funding_every_s = fund_every;
	p.funding_jump_8h = 0.004;
	g = pricegen_new(&p, T0);
	ck_assert_ptr_nonnull(g);
	return (g);
}

static double
t_mid(const struct pricegen_tick *t)
{
	return ((double)(t->u.bid + t->u.ask) / 2.0 / (double)PX_SCALE);
}

/* The funding rate of a tick, per 8 h. */
static double
t_fund_8h(const struct pricegen_tick *t)
{
	return ((double)t->u.funding / (double)RATE_SCALE *
	    FUNDING_NORM_MINUTES / t->u.funding_min);
}

START_TEST(test_pricegen_same_seed_same_ticks)
{
	struct pricegen *a = t_gen(1, 1), *b = t_gen(1, 1);
	struct pricegen_tick ta, tb;
	unsigned k;

	for (k = 0; k < 20000; k++) {
		pricegen_next(a, T0 + (int64_t)k * MS, &ta);
		pricegen_next(b, T0 + (int64_t)k * MS, &tb);
		ck_assert_mem_eq(&ta, &tb, sizeof ta);
	}
	ck_assert_uint_gt(pricegen_get_stats(a)->dislocations, 5);
	ck_assert_uint_gt(pricegen_get_stats(a)->funding_jumps, 5);
	pricegen_free(a);
	pricegen_free(b);
}
END_TEST

START_TEST(test_pricegen_quotes_share_one_walk)
{
	struct pricegen *g = t_gen(0, 0);
	struct pricegen_tick t;
	double lo = 1e18, hi = 0, m;
	unsigned v;

	for (v = 0; v < VENUE_COUNT; v++) {
		ck_assert_int_eq(pricegen_quote(g, 0, (enum venue_id)v, T0, &t),
		    0);
		ck_assert_int_eq(t.inst, 0);
		ck_assert_int_eq(t.venue, (int)v);
		ck_assert_int_lt(t.u.bid, t.u.ask);
		ck_assert_int_gt(t.u.bid_size, 0);
		m = t_mid(&t);
		lo = m < lo ? m : lo;
		hi = m > hi ? m : hi;
	}
	/* BTC near 50000; venues within their 1 bps offsets of each other. */
	ck_assert_double_gt(lo, 49000);
	ck_assert_double_lt(hi, 51000);
	ck_assert_double_lt((hi - lo) / lo * 10000, 3);
	ck_assert_int_eq(pricegen_quote(g, 3, VENUE_BYBIT, T0, &t), -1);
	ck_assert_int_eq(pricegen_quote(g, 0, VENUE_COUNT, T0, &t), -1);
	pricegen_free(g);
}
END_TEST

START_TEST(test_pricegen_dislocation_moves_one_venue)
{
	const struct pricegen_dislocation *d = NULL;
	struct pricegen *g = t_gen(0.2, 0);
	struct pricegen_dislocation dis;
	struct pricegen_tick t, o;
	int64_t now = T0;
	enum venue_id other;
	double bps;

	while (d == NULL && now < T0 + 10 * NS_PER_S) {
		now += MS;
		pricegen_quote(g, 0, VENUE_BYBIT, now, &t);
		d = pricegen_active(g);
	}
	ck_assert_ptr_nonnull(d);
	dis = *d;
	ck_assert_int_eq(dis.end - dis.start, 500 * MS);
	ck_assert(dis.sign == 1 || dis.sign == -1);
	other = dis.venue == VENUE_OKX ? VENUE_BYBIT : VENUE_OKX;
	now = dis.start + 100 * MS;
	pricegen_quote(g, dis.inst, dis.venue, now, &t);
	pricegen_quote(g, dis.inst, other, now, &o);
	bps = (t_mid(&t) - t_mid(&o)) / t_mid(&o) * 10000;
	ck_assert_msg(fabs(bps - dis.sign * 80) < 5, "moved %.1f bps", bps);
	/* Over: the venue is back with the others. */
	now = dis.end + MS;
	pricegen_quote(g, dis.inst, dis.venue, now, &t);
	pricegen_quote(g, dis.inst, other, now, &o);
	bps = (t_mid(&t) - t_mid(&o)) / t_mid(&o) * 10000;
	ck_assert_msg(fabs(bps) < 5, "still %.1f bps away", bps);
	pricegen_free(g);
}
END_TEST

START_TEST(test_pricegen_funding_intervals)
{
	struct pricegen *g = t_gen(0, 0);
	struct pricegen_tick t;

	pricegen_quote(g, 0, VENUE_HYPERLIQUID, T0 + 1, &t);
	ck_assert_uint_eq(t.u.funding_min, 60);
	ck_assert_int_eq(t.u.next_funding_ms % (60 * 60 * 1000), 0);
	ck_assert_int_gt(t.u.next_funding_ms, (T0 + 1) / MS);
	pricegen_quote(g, 0, VENUE_BYBIT, T0 + 1, &t);
	ck_assert_uint_eq(t.u.funding_min, 480);
	ck_assert_int_eq(t.u.next_funding_ms % (8 * 60 * 60 * 1000), 0);
	pricegen_quote(g, 0, VENUE_PARADEX, T0 + 1, &t);
	ck_assert_uint_eq(t.u.flags & QUOTE_F_CONTINUOUS, QUOTE_F_CONTINUOUS);
	ck_assert_uint_eq(t.u.mask & QU_NEXT_FUNDING, 0);
	pricegen_free(g);
}
END_TEST

START_TEST(test_pricegen_funding_jumps)
{
	const struct pricegen_funding_jump *j;
	struct pricegen *g = t_gen(0, 0.5);
	struct pricegen_funding_jump seen;
	struct pricegen_tick t;
	int64_t now = T0;
	uint64_t n = 0;
	unsigned jumps = 0;

	ck_assert_ptr_null(pricegen_last_jump(g));
	/* 60 s of one tick per ms, round robin. */
	while (now < T0 + 60 * NS_PER_S) {
		now += MS;
		pricegen_next(g, now, &t);
		if (pricegen_get_stats(g)->funding_jumps == n)
			continue;
		n = pricegen_get_stats(g)->funding_jumps;
		j = pricegen_last_jump(g);
		ck_assert_ptr_nonnull(j);
		seen = *j;
		ck_assert_int_eq(seen.at, now);
		ck_assert_double_ge(fabs(seen.to_8h), 0.002);
		ck_assert_double_le(fabs(seen.to_8h), 0.004);
		ck_assert_double_ne(seen.from_8h, seen.to_8h);
		/* The leg quotes its new rate (drift: 1e-6 a tick). */
		pricegen_quote(g, seen.inst, seen.venue, now, &t);
		ck_assert_msg(fabs(t_fund_8h(&t) - seen.to_8h) < 1e-5,
		    "%s quotes %.6f after a jump to %.6f",
		    venues_name(seen.venue), t_fund_8h(&t), seen.to_8h);
		jumps++;
	}
	/* Every 0.5 s on average: about 120 in 60 s. */
	ck_assert_uint_gt(jumps, 60);
	ck_assert_uint_lt(jumps, 240);
	pricegen_free(g);
}
END_TEST

static Suite *
pricegen_suite(void)
{
	Suite *s = suite_create("pricegen");
	TCase *tc = tcase_create("pricegen");

	tcase_add_test(tc, test_pricegen_same_seed_same_ticks);
	tcase_add_test(tc, test_pricegen_quotes_share_one_walk);
	tcase_add_test(tc, test_pricegen_dislocation_moves_one_venue);
	tcase_add_test(tc, test_pricegen_funding_intervals);
	tcase_add_test(tc, test_pricegen_funding_jumps);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	return (tcheck_run(pricegen_suite()));
}
