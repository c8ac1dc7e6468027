/*
 * Tests of the metrics module: the log-linear histogram (exact below
 * 256, bucket midpoints within the design's 1 % above, monotonic and
 * contiguous buckets, quantiles of known distributions, merge and
 * snapshot) and the Prometheus registry (counters, labels, HELP/TYPE
 * once, histograms as summaries, truncation like snprintf).
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "xarb.h"
#include "metrics.h"
#include "tcheck.h"

#define TOP (UINT64_C(1) << METRICS_HIST_MAX_EXP) /* first unbucketed */

/* Histograms are 35 KiB: keep them off the test's stack. */
static struct metrics_hist *
hist_new(void)
{
	struct metrics_hist *h = calloc(1, sizeof *h);

	ck_assert_ptr_nonnull(h);
	return (h);
}

/* |a - b| <= pct % of b */
static int
within(uint64_t a, uint64_t b, double pct)
{
	double d = (double)a - (double)b;

	return ((d < 0 ? -d : d) <= (double)b * pct / 100.0);
}

START_TEST(test_metrics_hist_exact_below_256)
{
	struct metrics_hist *h = hist_new();
	uint64_t lo, hi;

	for (uint64_t v = 0; v < 256; v++) {
		ck_assert_uint_eq(metrics_hist_index(v), v);
		metrics_hist_bounds((unsigned)v, &lo, &hi);
		ck_assert_uint_eq(lo, v);
		ck_assert_uint_eq(hi, v);
		metrics_hist_record(h, v);
	}
	/* One of each: the k-th smallest is exactly k - 1. */
	for (unsigned k = 1; k <= 256; k += 17)
		ck_assert_uint_eq(metrics_hist_quantile(h, (k - 0.5) / 256.0),
		    k - 1);
	ck_assert_uint_eq(metrics_hist_quantile(h, 0.5), 127);
	free(h);
}
END_TEST

/* Bucket i holds exactly [lo, hi], and bucket i + 1 starts at hi + 1. */
START_TEST(test_metrics_hist_bounds_contiguous)
{
	uint64_t lo, hi, plo, phi;

	metrics_hist_bounds(0, &plo, &phi);
	ck_assert_uint_eq(plo, 0);
	for (unsigned i = 1; i < METRICS_HIST_BUCKETS; i++) {
		metrics_hist_bounds(i, &lo, &hi);
		ck_assert_msg(lo == phi + 1,
		    "bucket %u starts at %llu, bucket %u ends at %llu", i,
		    (unsigned long long)lo, i - 1, (unsigned long long)phi);
		ck_assert_uint_ge(hi, lo);
		ck_assert_msg(metrics_hist_index(lo) == i &&
			metrics_hist_index(hi) == i,
		    "bucket %u is [%llu, %llu], but those values go to "
		    "buckets %u and %u (of %u)",
		    i, (unsigned long long)lo, (unsigned long long)hi,
		    metrics_hist_index(lo), metrics_hist_index(hi),
		    (unsigned)METRICS_HIST_BUCKETS);
		phi = hi;
	}
	/* The buckets cover every value below 2^40. */
	ck_assert_uint_ge(phi, TOP - 1);
}
END_TEST

/* Larger values never land in a smaller bucket; beyond 2^40, the last. */
START_TEST(test_metrics_hist_index_monotonic)
{
	unsigned prev = 0, i;
	uint64_t v, p;

	for (v = 0; v < (UINT64_C(1) << 42); v += v / 1000 + 1) {
		i = metrics_hist_index(v);
		ck_assert_msg(i >= prev, "index(%llu) = %u < %u",
		    (unsigned long long)v, i, prev);
		ck_assert_uint_lt(i, METRICS_HIST_BUCKETS);
		prev = i;
	}
	/* Both sides of every power of two. */
	for (unsigned k = 1; k < 64; k++) {
		p = UINT64_C(1) << k;
		ck_assert_uint_le(metrics_hist_index(p - 1),
		    metrics_hist_index(p));
		ck_assert_uint_le(metrics_hist_index(p),
		    metrics_hist_index(p + 1));
		ck_assert_uint_lt(metrics_hist_index(p + 1),
		    METRICS_HIST_BUCKETS);
	}
	ck_assert_uint_eq(metrics_hist_index(TOP), METRICS_HIST_BUCKETS - 1);
	ck_assert_uint_eq(metrics_hist_index(UINT64_MAX),
	    METRICS_HIST_BUCKETS - 1);
}
END_TEST

/*
 * The design allows 1 % between a value and what its bucket reports; the
 * header promises 0.4 % (128 linear buckets per power of two).
 */
START_TEST(test_metrics_hist_midpoint_error)
{
	struct metrics_hist *h = hist_new();
	uint64_t v, lo, hi, mid, q, worst_v = 0;
	double err, worst = 0;

	for (v = 256; v < TOP; v += v / 211 + 1) {
		metrics_hist_bounds(metrics_hist_index(v), &lo, &hi);
		ck_assert_msg(lo <= v && v <= hi, "%llu outside [%llu, %llu]",
		    (unsigned long long)v, (unsigned long long)lo,
		    (unsigned long long)hi);
		mid = lo + (hi - lo) / 2;
		ck_assert_msg(within(mid, v, 1.0),
		    "%llu reported as %llu: more than 1 %%",
		    (unsigned long long)v, (unsigned long long)mid);
		err = ((double)mid - (double)v) / (double)v;
		err = err < 0 ? -err : err;
		if (err > worst) {
			worst = err;
			worst_v = v;
		}
	}
	ck_assert_msg(worst <= 0.004, "worst error %.4f %% at %llu",
	    worst * 100, (unsigned long long)worst_v);

	/*
	 * Through the quantile: with a smaller and a larger neighbour the
	 * clamp to [min, max] does not apply, so p50 is v's bucket midpoint.
	 */
	for (v = 300; v < TOP; v = v * 3 + 7) {
		metrics_hist_reset(h);
		metrics_hist_record(h, 0);
		metrics_hist_record(h, v);
		metrics_hist_record(h, v);
		metrics_hist_record(h, TOP * 4);
		q = metrics_hist_quantile(h, 0.5);
		metrics_hist_bounds(metrics_hist_index(v), &lo, &hi);
		ck_assert_uint_eq(q, lo + (hi - lo) / 2);
		ck_assert_msg(within(q, v, 1.0), "p50 of %llu is %llu",
		    (unsigned long long)v, (unsigned long long)q);
	}
	free(h);
}
END_TEST

/* A single value is reported exactly: the midpoint is clamped to it. */
START_TEST(test_metrics_hist_single_value_exact)
{
	struct metrics_hist *h = hist_new();
	static const uint64_t vals[] = { 0, 1, 255, 256, 257, 1000, 123457,
		UINT64_C(999999999), TOP - 1, TOP, TOP * 1000 };

	for (unsigned k = 0; k < nitems(vals); k++) {
		metrics_hist_reset(h);
		metrics_hist_record(h, vals[k]);
		ck_assert_uint_eq(metrics_hist_quantile(h, 0.5), vals[k]);
		ck_assert_uint_eq(metrics_hist_quantile(h, 0.999), vals[k]);
		ck_assert_uint_eq(h->max, vals[k]);
	}
	free(h);
}
END_TEST

/* 1..100000 once each: the rank of q is q * 100000. */
START_TEST(test_metrics_hist_uniform_quantiles)
{
	struct metrics_hist *h = hist_new();
	static const struct {
		double q;
		uint64_t want;
	} qs[] = {
		{ 0.01, 1000 },
		{ 0.25, 25000 },
		{ 0.5, 50000 },
		{ 0.9, 90000 },
		{ 0.99, 99000 },
		{ 0.999, 99900 },
	};
	uint64_t got;

	for (uint64_t v = 1; v <= 100000; v++)
		metrics_hist_record(h, v);
	ck_assert_uint_eq(h->count, 100000);
	ck_assert_uint_eq(h->sum, UINT64_C(100000) * 100001 / 2);
	ck_assert_uint_eq(h->min, 1);
	ck_assert_uint_eq(h->max, 100000);
	for (unsigned k = 0; k < nitems(qs); k++) {
		got = metrics_hist_quantile(h, qs[k].q);
		ck_assert_msg(within(got, qs[k].want, 1.0),
		    "q %.3f: %llu, expected %llu within 1 %%", qs[k].q,
		    (unsigned long long)got, (unsigned long long)qs[k].want);
	}
	ck_assert_uint_eq(metrics_hist_quantile(h, 1.0), 100000);
	ck_assert_uint_eq(metrics_hist_quantile(h, 0.0), 1);
	/* The top percentile never reports more than the max. */
	ck_assert_uint_le(metrics_hist_quantile(h, 0.99999), 100000);
	free(h);
}
END_TEST

/* A latency-like mix: 98.5 % fast, 1.5 % slow. */
START_TEST(test_metrics_hist_bimodal_tail)
{
	struct metrics_hist *h = hist_new();
	uint64_t p50, p99, p999;

	for (unsigned i = 0; i < 9850; i++)
		metrics_hist_record(h, 2000 + i % 100);
	for (unsigned i = 0; i < 150; i++)
		metrics_hist_record(h, 5000000 + i * 1000);
	p50 = metrics_hist_quantile(h, 0.5);
	p99 = metrics_hist_quantile(h, 0.99);	/* 50th slow value */
	p999 = metrics_hist_quantile(h, 0.999); /* 140th slow value */
	ck_assert_msg(p50 >= 2000 && p50 < 2100, "p50 %llu",
	    (unsigned long long)p50);
	ck_assert_msg(within(p99, 5049000, 1.0), "p99 %llu",
	    (unsigned long long)p99);
	ck_assert_msg(within(p999, 5139000, 1.0), "p999 %llu",
	    (unsigned long long)p999);
	ck_assert_uint_eq(metrics_hist_quantile(h, 1), 5149000);
	free(h);
}
END_TEST

/* Quantile q picks the ceil(q * count)-th value. */
START_TEST(test_metrics_hist_quantile_rank)
{
	struct metrics_hist *h = hist_new();

	for (uint64_t v = 10; v >= 1; v--)
		metrics_hist_record(h, v * 10);
	ck_assert_uint_eq(metrics_hist_quantile(h, 0.5), 50);
	ck_assert_uint_eq(metrics_hist_quantile(h, 0.51), 60);
	ck_assert_uint_eq(metrics_hist_quantile(h, 0.25), 30);
	ck_assert_uint_eq(metrics_hist_quantile(h, 0.75), 80);
	ck_assert_uint_eq(metrics_hist_quantile(h, 0.95), 100);
	ck_assert_uint_eq(metrics_hist_quantile(h, 0.01), 10);
	ck_assert_uint_eq(metrics_hist_quantile(h, -1), 10);
	ck_assert_uint_eq(metrics_hist_quantile(h, 2), 100);
	free(h);
}
END_TEST

START_TEST(test_metrics_hist_empty_is_zero)
{
	struct metrics_hist *h = hist_new();

	ck_assert_uint_eq(metrics_hist_quantile(h, 0.0), 0);
	ck_assert_uint_eq(metrics_hist_quantile(h, 0.5), 0);
	ck_assert_uint_eq(metrics_hist_quantile(h, 0.999), 0);
	ck_assert_uint_eq(metrics_hist_quantile(h, 1.0), 0);
	metrics_hist_record(h, 77);
	metrics_hist_reset(h);
	ck_assert_uint_eq(h->count, 0);
	ck_assert_uint_eq(h->sum, 0);
	ck_assert_uint_eq(metrics_hist_quantile(h, 0.5), 0);
	free(h);
}
END_TEST

/* Zeroed storage (static, calloc) is an empty histogram: min is set. */
START_TEST(test_metrics_hist_zeroed_needs_no_reset)
{
	static struct metrics_hist h; /* zero, never reset */

	metrics_hist_record(&h, 300);
	ck_assert_uint_eq(h.count, 1);
	ck_assert_uint_eq(h.min, 300);
	ck_assert_uint_eq(h.max, 300);
	ck_assert_uint_eq(metrics_hist_quantile(&h, 0.5), 300);
	metrics_hist_record(&h, 5);
	metrics_hist_record(&h, 900);
	ck_assert_uint_eq(h.min, 5);
	ck_assert_uint_eq(h.max, 900);
	ck_assert_uint_eq(h.sum, 1205);
	ck_assert_uint_eq(metrics_hist_quantile(&h, 0.0), 5);
}
END_TEST

START_TEST(test_metrics_hist_merge)
{
	struct metrics_hist *a = hist_new(), *b = hist_new(), *d = hist_new();

	for (uint64_t v = 1001; v <= 2000; v++)
		metrics_hist_record(a, v);
	for (uint64_t v = 1; v <= 1000; v++)
		metrics_hist_record(b, v);
	/* Into an empty histogram: min comes from src, not the zero. */
	metrics_hist_merge(d, a);
	ck_assert_uint_eq(d->min, 1001);
	ck_assert_uint_eq(d->count, 1000);
	metrics_hist_merge(d, b);
	ck_assert_uint_eq(d->count, 2000);
	ck_assert_uint_eq(d->sum, UINT64_C(2000) * 2001 / 2);
	ck_assert_uint_eq(d->min, 1);
	ck_assert_uint_eq(d->max, 2000);
	ck_assert_msg(within(metrics_hist_quantile(d, 0.5), 1000, 1.0),
	    "p50 %llu", (unsigned long long)metrics_hist_quantile(d, 0.5));
	ck_assert_uint_eq(metrics_hist_quantile(d, 1), 2000);
	/* An empty source changes nothing. */
	metrics_hist_reset(b);
	metrics_hist_merge(a, b);
	ck_assert_uint_eq(a->count, 1000);
	ck_assert_uint_eq(a->min, 1001);
	/* Merging equals recording everything in one. */
	metrics_hist_reset(b);
	for (uint64_t v = 1; v <= 2000; v++)
		metrics_hist_record(b, v);
	ck_assert_int_eq(memcmp(b, d, sizeof *b), 0);
	free(a);
	free(b);
	free(d);
}
END_TEST

START_TEST(test_metrics_hist_snapshot_copies)
{
	struct metrics_hist *h = hist_new(), *s = hist_new();

	memset(s, 0xa5, sizeof *s);
	for (uint64_t v = 1; v < 5000000; v = v * 7 / 5 + 1)
		metrics_hist_record(h, v);
	metrics_hist_snapshot(h, s);
	ck_assert_int_eq(memcmp(h, s, sizeof *h), 0);
	ck_assert_uint_eq(metrics_hist_quantile(s, 0.9),
	    metrics_hist_quantile(h, 0.9));
	free(h);
	free(s);
}
END_TEST

/* The registry: values are read at render time, through the pointers. */
static struct metrics *m;
static uint64_t c_okx, c_bybit, c_up;
static struct metrics_hist *hist;

static void
setup(void)
{
	m = metrics_new();
	ck_assert_ptr_nonnull(m);
	c_okx = 5;
	c_bybit = 7;
	c_up = 1;
	hist = hist_new();
}

static void
teardown(void)
{
	metrics_free(m);
	free(hist);
}

/* Renders into a fresh string (caller frees). */
static char *
render(void)
{
	size_t n = metrics_render(m, NULL, 0);
	char *buf = malloc(n + 1);

	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(metrics_render(m, buf, n + 1), n);
	ck_assert_uint_eq(strlen(buf), n);
	return (buf);
}

static unsigned
count_of(const char *hay, const char *needle)
{
	unsigned n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return (n);
}

START_TEST(test_metrics_render_counters)
{
	char *out;

	metrics_register(m, METRICS_COUNTER, "xarb_msgs_total",
	    "Messages received.", "venue=\"okx\"", &c_okx);
	metrics_register(m, METRICS_COUNTER, "xarb_msgs_total",
	    "Messages received.", "venue=\"bybit\"", &c_bybit);
	metrics_register(m, METRICS_GAUGE, "xarb_up", "1 while running.", "",
	    &c_up);
	out = render();
	ck_assert_str_eq(out,
	    "# HELP xarb_msgs_total Messages received.\n"
	    "# TYPE xarb_msgs_total counter\n"
	    "xarb_msgs_total{venue=\"okx\"} 5\n"
	    "xarb_msgs_total{venue=\"bybit\"} 7\n"
	    "# HELP xarb_up 1 while running.\n"
	    "# TYPE xarb_up gauge\n"
	    "xarb_up 1\n");
	free(out);
	/* Live values: the registry holds pointers, not copies. */
	c_okx = UINT64_MAX;
	out = render();
	ck_assert_ptr_nonnull(strstr(out,
	    "xarb_msgs_total{venue=\"okx\"} 18446744073709551615\n"));
	free(out);
}
END_TEST

START_TEST(test_metrics_render_help_type_once)
{
	static const char *const venues[] = { "venue=\"bybit\"",
		"venue=\"okx\"", "venue=\"kucoin\"", "venue=\"bitget\"" };
	uint64_t vals[nitems(venues)] = { 1, 2, 3, 4 };
	char *out;

	for (unsigned i = 0; i < nitems(venues); i++)
		metrics_register(m, METRICS_COUNTER, "xarb_reconnects_total",
		    "Reconnects.", venues[i], &vals[i]);
	metrics_register(m, METRICS_COUNTER, "xarb_bad_total", "Bad.", NULL,
	    &c_up);
	out = render();
	ck_assert_uint_eq(count_of(out, "# HELP xarb_reconnects_total "), 1);
	ck_assert_uint_eq(count_of(out, "# TYPE xarb_reconnects_total "), 1);
	ck_assert_uint_eq(count_of(out, "\nxarb_reconnects_total{"), 4);
	ck_assert_uint_eq(count_of(out, "# HELP xarb_bad_total Bad.\n"), 1);
	ck_assert_uint_eq(count_of(out, "# TYPE xarb_bad_total counter\n"), 1);
	ck_assert_ptr_nonnull(strstr(out, "\nxarb_bad_total 1\n"));
	ck_assert_ptr_nonnull(strstr(out,
	    "xarb_reconnects_total{venue=\"bitget\"} 4\n"));
	free(out);
}
END_TEST

/*
 * A histogram is a summary: quantile lines, then _max, _sum, _count.  The
 * quantiles are bucket midpoints: 500 is exact, 990 is in [988, 991] and
 * 999 in [996, 999].
 */
START_TEST(test_metrics_render_hist_as_summary)
{
	char *out;

	for (uint64_t v = 1; v <= 1000; v++)
		metrics_hist_record(hist, v);
	metrics_register_hist(m, "xarb_stage_ns", "Stage latency.",
	    "stage=\"parse\"", hist);
	out = render();
	ck_assert_str_eq(out,
	    "# HELP xarb_stage_ns Stage latency.\n"
	    "# TYPE xarb_stage_ns summary\n"
	    "xarb_stage_ns{stage=\"parse\",quantile=\"0.5\"} 500\n"
	    "xarb_stage_ns{stage=\"parse\",quantile=\"0.99\"} 989\n"
	    "xarb_stage_ns{stage=\"parse\",quantile=\"0.999\"} 997\n"
	    "xarb_stage_ns_max{stage=\"parse\"} 1000\n"
	    "xarb_stage_ns_sum{stage=\"parse\"} 500500\n"
	    "xarb_stage_ns_count{stage=\"parse\"} 1000\n");
	free(out);
}
END_TEST

START_TEST(test_metrics_render_hist_without_labels)
{
	char *out;

	metrics_register_hist(m, "xarb_total_ns", "Read to publish.", "", hist);
	out = render();
	/* Empty: zeros, and no stray comma before quantile. */
	ck_assert_ptr_nonnull(strstr(out,
	    "xarb_total_ns{quantile=\"0.5\"} 0\n"));
	ck_assert_ptr_nonnull(strstr(out, "_count"));
	ck_assert_ptr_null(strstr(out, "{,"));
	free(out);
	metrics_hist_record(hist, 42);
	out = render();
	ck_assert_ptr_nonnull(strstr(out,
	    "xarb_total_ns{quantile=\"0.999\"} 42\n"));
	ck_assert_ptr_nonnull(strstr(out, "xarb_total_ns_count"));
	ck_assert_ptr_nonnull(strstr(out, "} 1\n"));
	free(out);
}
END_TEST

static void
register_all(void)
{
	for (uint64_t v = 1; v <= 500; v++)
		metrics_hist_record(hist, v * 1000);
	metrics_register(m, METRICS_COUNTER, "xarb_msgs_total",
	    "Messages received.", "venue=\"okx\"", &c_okx);
	metrics_register_hist(m, "xarb_stage_ns", "Stage latency.",
	    "stage=\"detect\"", hist);
	metrics_register(m, METRICS_GAUGE, "xarb_up", "1 while running.", "",
	    &c_up);
}

/* Every length from 0 up: returns the full length, writes < len bytes. */
START_TEST(test_metrics_render_truncates_safely)
{
	char *full, *buf;
	size_t n, len;

	register_all();
	full = render();
	n = strlen(full);
	ck_assert_uint_gt(n, 100);
	ck_assert_uint_eq(metrics_render(m, NULL, 0), n);
	for (len = 0; len <= n + 2; len++) {
		buf = malloc(len + 1);
		ck_assert_ptr_nonnull(buf);
		memset(buf, '#', len + 1); /* buf[len] is the canary */
		ck_assert_uint_eq(metrics_render(m, buf, len), n);
		ck_assert_msg(buf[len] == '#', "canary overwritten at %zu",
		    len);
		if (len > 0) {
			ck_assert_uint_eq(strlen(buf),
			    len - 1 < n ? len - 1 : n);
			ck_assert_int_eq(memcmp(buf, full, strlen(buf)), 0);
		}
		free(buf);
	}
	free(full);
}
END_TEST

START_TEST(test_metrics_render_empty_registry)
{
	char buf[4] = "###";

	ck_assert_uint_eq(metrics_render(m, buf, sizeof buf), 0);
	ck_assert_str_eq(buf, "");
	ck_assert_uint_eq(metrics_render(m, NULL, 0), 0);
	metrics_free(NULL);
}
END_TEST

static const char *const stage_names[STAGE_COUNT] = {
	[STAGE_READ] = "read",
	[STAGE_FRAME] = "frame",
	[STAGE_PARSE] = "parse",
	[STAGE_BOOK] = "book",
	[STAGE_DETECT] = "detect",
	[STAGE_PUBLISH] = "publish",
	[STAGE_TOTAL] = "total",
	[STAGE_EXEC] = "exec",
};

START_TEST(test_metrics_stage_name_table)
{
	ck_assert_str_eq(metrics_stage_name((unsigned)_i), stage_names[_i]);
}
END_TEST

START_TEST(test_metrics_stage_name_out_of_range)
{
	ck_assert_str_eq(metrics_stage_name(STAGE_COUNT), "?");
	ck_assert_str_eq(metrics_stage_name(1000), "?");
	ck_assert_str_eq(metrics_stage_name((unsigned)-1), "?");
}
END_TEST

static Suite *
metrics_suite(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc;

	tc = tcase_create("buckets");
	tcase_add_test(tc, test_metrics_hist_exact_below_256);
	tcase_add_test(tc, test_metrics_hist_bounds_contiguous);
	tcase_add_test(tc, test_metrics_hist_index_monotonic);
	tcase_add_test(tc, test_metrics_hist_midpoint_error);
	suite_add_tcase(s, tc);

	tc = tcase_create("quantiles");
	tcase_add_test(tc, test_metrics_hist_single_value_exact);
	tcase_add_test(tc, test_metrics_hist_uniform_quantiles);
	tcase_add_test(tc, test_metrics_hist_bimodal_tail);
	tcase_add_test(tc, test_metrics_hist_quantile_rank);
	tcase_add_test(tc, test_metrics_hist_empty_is_zero);
	tcase_add_test(tc, test_metrics_hist_zeroed_needs_no_reset);
	tcase_add_test(tc, test_metrics_hist_merge);
	tcase_add_test(tc, test_metrics_hist_snapshot_copies);
	suite_add_tcase(s, tc);

	tc = tcase_create("render");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_metrics_render_counters);
	tcase_add_test(tc, test_metrics_render_help_type_once);
	tcase_add_test(tc, test_metrics_render_hist_as_summary);
	tcase_add_test(tc, test_metrics_render_hist_without_labels);
	tcase_add_test(tc, test_metrics_render_truncates_safely);
	tcase_add_test(tc, test_metrics_render_empty_registry);
	suite_add_tcase(s, tc);

	tc = tcase_create("stages");
	tcase_add_loop_test(tc, test_metrics_stage_name_table, 0, STAGE_COUNT);
	tcase_add_test(tc, test_metrics_stage_name_out_of_range);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	return (tcheck_run(metrics_suite()));
}
