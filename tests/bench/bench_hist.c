/*
 * The latency histogram (metrics.h): what metrics_hist_record() costs
 * the hot path that calls it per stage per message (target: a few ns),
 * and what a reader pays for metrics_hist_quantile() and
 * metrics_hist_snapshot() (cold: status line, Prometheus scrape).
 *
 * Record cost is timed over batches of 1024 calls, for one repeated
 * value (one hot bucket) and for values spread log-uniformly over 10 ns
 * - 10 ms (many buckets, as a real latency mix).  The quantile is
 * checked against a known distribution first; a wrong answer fails the
 * run.
 */
#include "autoconf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "metrics.h"
#include "xmalloc.h"
#include "bench.h"

#define BENCH_HIST_BATCH 1024  /* records per timed batch */
#define BENCH_HIST_VALUES 1024 /* distinct inputs: 8 kB, stays in L1 */

/* Uniform 1..n once each: every quantile is known exactly. */
static int
bench_hist_check(void)
{
	struct metrics_hist *h = bench_hist_new();
	static const double qs[] = { 0.5, 0.9, 0.99, 0.999 };
	const uint64_t n = 1000000;
	uint64_t v, got, want;
	unsigned k;
	int bad = 0;

	for (v = 1; v <= n; v++)
		metrics_hist_record(h, v);
	for (k = 0; k < nitems(qs); k++) {
		want = (uint64_t)(qs[k] * (double)n);
		got = metrics_hist_quantile(h, qs[k]);
		/* Within half a bucket: 1/256 of the value, plus rounding. */
		if (fabs((double)got - (double)want) > (double)want / 256 + 1) {
			printf("  WRONG: quantile %g of 1..%llu: got %llu, "
			       "want %llu\n",
			    qs[k], (unsigned long long)n,
			    (unsigned long long)got, (unsigned long long)want);
			bad = 1;
		}
	}
	if (h->count != n || h->max != n || h->min != 1) {
		printf("  WRONG: count/min/max %llu/%llu/%llu\n",
		    (unsigned long long)h->count, (unsigned long long)h->min,
		    (unsigned long long)h->max);
		bad = 1;
	}
	bench_hist_free(h);
	return (bad);
}

/*
 * Times batches of records of vals into target for budget ns and prints
 * the figures, unless label is NULL (warm-up).
 */
static void
bench_hist_record(const char *label, struct metrics_hist *target,
    const uint64_t *vals, int64_t budget)
{
	struct metrics_hist *rep = bench_hist_new();
	int64_t t0, t1, end = bench_now_ns() + budget, spent = 0;
	uint64_t ops = 0;
	unsigned j, pos = 0;
	char buf[96];

	do {
		t0 = bench_now_ns();
		for (j = 0; j < BENCH_HIST_BATCH; j++)
			metrics_hist_record(target,
			    vals[(pos + j) % BENCH_HIST_VALUES]);
		t1 = bench_now_ns();
		metrics_hist_record(rep, (uint64_t)(t1 - t0));
		spent += t1 - t0;
		ops += BENCH_HIST_BATCH;
		pos += 7; /* a different phase each batch */
	} while (t1 < end);
	if (label != NULL) {
		snprintf(buf, sizeof buf, "record, %s (batches of %d)", label,
		    BENCH_HIST_BATCH);
		bench_print(buf, rep, BENCH_HIST_BATCH, 0.0);
		printf("  %-46s %.1f M records/s\n", "record, throughput",
		    (double)ops / (double)spent * 1e3);
	}
	bench_hist_free(rep);
}

/* Per-call timing of the cold readers on a well-filled histogram. */
static void
bench_hist_readers(const struct metrics_hist *h, int64_t budget)
{
	struct metrics_hist *rq = bench_hist_new(), *rs = bench_hist_new();
	struct metrics_hist *snap = bench_hist_new();
	static const double qs[] = { 0.5, 0.99, 0.999 };
	int64_t t0, t1, end = bench_now_ns() + budget;
	uint64_t sum = 0;
	unsigned k = 0;

	do {
		t0 = bench_now_ns();
		sum += metrics_hist_quantile(h, qs[k++ % nitems(qs)]);
		t1 = bench_now_ns();
		metrics_hist_record(rq, (uint64_t)(t1 - t0));
		t0 = bench_now_ns();
		metrics_hist_snapshot(h, snap);
		t1 = bench_now_ns();
		metrics_hist_record(rs, (uint64_t)(t1 - t0));
		sum += snap->count;
	} while (t1 < end);
	bench_keep(sum);
	bench_print_sampled("metrics_hist_quantile, per call", rq);
	bench_print_sampled("metrics_hist_snapshot, per call", rs);
	bench_hist_free(rq);
	bench_hist_free(rs);
	bench_hist_free(snap);
}

int
main(void)
{
	struct metrics_hist *h = bench_hist_new();
	uint64_t one[BENCH_HIST_VALUES], spread[BENCH_HIST_VALUES];
	struct bench_rng r;
	unsigned i;
	int rc;

	bench_start("bench_hist");
	rc = bench_hist_check();
	bench_rng_init(&r, 7);
	for (i = 0; i < BENCH_HIST_VALUES; i++) {
		one[i] = 75; /* a typical update+detect, in ns */
		spread[i] = (uint64_t)(10.0 * pow(1e6, bench_rng_unit(&r)));
	}
	printf("metrics_hist_record: %zu-byte histogram, %d buckets\n",
	    sizeof *h, METRICS_HIST_BUCKETS);
	bench_hist_record(NULL, h, one, bench_budget_ns(0.05));
	metrics_hist_reset(h);
	bench_hist_record("1 value", h, one, bench_budget_ns(0.3));
	metrics_hist_reset(h);
	bench_hist_record("10ns-10ms", h, spread, bench_budget_ns(0.3));
	printf("readers, on a histogram of %llu values\n",
	    (unsigned long long)h->count);
	bench_hist_readers(h, bench_budget_ns(0.3));
	bench_hist_free(h);
	return (bench_finish("bench_hist", rc));
}
