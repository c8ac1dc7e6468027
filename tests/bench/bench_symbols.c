/*
 * Venue symbol -> instrument id (symbols_lookup), hot, as the parser
 * calls it once per message: every venue's own spelling of 50 and 500
 * instruments (Binance in both cases, as its stream names are lower
 * case), looked up in a random order so the branch predictor cannot
 * learn the sequence.  Also the miss path: a symbol the venue streams
 * but we do not track.
 *
 * Every lookup's result is checked against the id the symbol was built
 * from; one wrong id fails the run.  Target: < 100 ns p99 per lookup.
 */
#include "autoconf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "symbols.h"
#include "types.h"
#include "xmalloc.h"
#include "bench.h"

#define BENCH_SYMBOLS_BATCH 64	/* ops per timed batch: clock cost / 64 */
#define BENCH_SYMBOLS_SEQ 65536 /* random order, a multiple of BATCH */

struct bench_symbols_key {
	char sym[32]; /* inline, like a symbol sitting in the receive buffer */
	size_t len;
	int id; /* expected result; -1 for a miss */
	enum venue_id v;
};

struct bench_symbols_set {
	struct bench_symbols_key *keys; /* owned */
	unsigned n;
	uint32_t *seq; /* owned: BENCH_SYMBOLS_SEQ indices into keys */
};

static void
bench_symbols_add(struct bench_symbols_set *set, enum venue_id v,
    const char *prefix, const char *sym, int lower, int id)
{
	struct bench_symbols_key *k = &set->keys[set->n++];
	size_t i;

	snprintf(k->sym, sizeof k->sym, "%s%s", prefix, sym);
	k->len = strlen(k->sym);
	for (i = 0; lower && i < k->len; i++)
		k->sym[i] = (char)tolower((unsigned char)k->sym[i]);
	k->id = id;
	k->v = v;
}

/*
 * Every (venue, symbol) the table holds, or with miss set, the same
 * symbols behind a prefix no venue uses, so each one must miss.
 */
static void
bench_symbols_keys(const struct symbols *s, struct bench_symbols_set *set,
    int miss, struct bench_rng *r)
{
	const char *sym, *prefix = miss ? "Q_" : "";
	unsigned i, v, n = symbols_count(s), j;
	uint32_t *seq;

	set->keys = xcalloc((size_t)n * (VENUE_COUNT + 1), sizeof *set->keys);
	set->n = 0;
	for (v = 0; v < VENUE_COUNT; v++) {
		for (i = 0; i < n; i++) {
			if ((sym = symbols_venue_symbol(s, (inst_id)i, v)) ==
			    NULL)
				continue;
			bench_symbols_add(set, v, prefix, sym, 0,
			    miss ? -1 : (int)i);
			if (v == VENUE_BINANCE)
				bench_symbols_add(set, v, prefix, sym, 1,
				    miss ? -1 : (int)i);
		}
	}
	seq = xcalloc(BENCH_SYMBOLS_SEQ, sizeof *seq);
	for (j = 0; j < BENCH_SYMBOLS_SEQ; j++)
		seq[j] = bench_rng_below(r, set->n);
	set->seq = seq;
}

static void
bench_symbols_set_free(struct bench_symbols_set *set)
{
	free(set->keys);
	free(set->seq);
}

/*
 * Times batches of BENCH_SYMBOLS_BATCH lookups for budget ns; records
 * each batch's ns in h.  Returns lookups done; *bad counts wrong ids and
 * *spent the ns inside timed sections.
 */
static uint64_t
bench_symbols_batches(const struct symbols *s,
    const struct bench_symbols_set *set, struct metrics_hist *h, int64_t budget,
    uint64_t *bad, int64_t *spent)
{
	const struct bench_symbols_key *k;
	int64_t t0, t1, end = bench_now_ns() + budget;
	uint64_t ops = 0, wrong = 0;
	unsigned pos = 0, j;

	*spent = 0;
	do {
		t0 = bench_now_ns();
		for (j = 0; j < BENCH_SYMBOLS_BATCH; j++) {
			k = &set->keys[set->seq[pos + j]];
			wrong +=
			    symbols_lookup(s, k->v, k->sym, k->len) != k->id;
		}
		t1 = bench_now_ns();
		metrics_hist_record(h, (uint64_t)(t1 - t0));
		*spent += t1 - t0;
		ops += BENCH_SYMBOLS_BATCH;
		pos = (pos + BENCH_SYMBOLS_BATCH) % BENCH_SYMBOLS_SEQ;
	} while (t1 < end);
	*bad += wrong;
	return (ops);
}

/* The same, one clock pair per lookup: shows the tail batching hides. */
static void
bench_symbols_sampled(const struct symbols *s,
    const struct bench_symbols_set *set, struct metrics_hist *h, int64_t budget,
    uint64_t *bad)
{
	const struct bench_symbols_key *k;
	int64_t t0, t1, end = bench_now_ns() + budget;
	unsigned pos = 0;
	int id;

	do {
		k = &set->keys[set->seq[pos]];
		t0 = bench_now_ns();
		id = symbols_lookup(s, k->v, k->sym, k->len);
		t1 = bench_now_ns();
		metrics_hist_record(h, (uint64_t)(t1 - t0));
		*bad += id != k->id;
		pos = (pos + 1) % BENCH_SYMBOLS_SEQ;
	} while (t1 < end);
}

static struct symbols *
bench_symbols_build(unsigned ninst)
{
	struct config *cfg = config_new();
	struct symbols *s;
	char *bases = bench_bases(ninst), *cause = NULL;

	if (config_set(cfg, "instruments", "symbols", bases, &cause) != 0 ||
	    (s = symbols_new(cfg, &cause)) == NULL) {
		fprintf(stderr, "bench_symbols: %u instruments: %s\n", ninst,
		    cause);
		free(cause);
		s = NULL;
	}
	free(bases);
	config_free(cfg);
	return (s);
}

/* One table size: hits (batched and per sample), then misses.  */
static int
bench_symbols_run(unsigned ninst)
{
	struct bench_symbols_set hit, miss;
	struct metrics_hist *h = bench_hist_new();
	struct symbols *s;
	struct bench_rng r;
	uint64_t bad = 0, ops;
	int64_t spent;
	char label[96];

	if ((s = bench_symbols_build(ninst)) == NULL)
		return (1);
	bench_rng_init(&r, ninst);
	bench_symbols_keys(s, &hit, 0, &r);
	bench_symbols_keys(s, &miss, 1, &r);
	printf("%u instruments x 7 venues: %u venue symbols (Binance twice), "
	       "random order\n",
	    ninst, hit.n);

	/* Warm-up: caches, branch predictors, the CPU's clock speed. */
	bench_symbols_batches(s, &hit, h, bench_budget_ns(0.05), &bad, &spent);
	metrics_hist_reset(h);
	ops = bench_symbols_batches(s, &hit, h, bench_budget_ns(0.4), &bad,
	    &spent);
	snprintf(label, sizeof label, "lookup hit, per op (batches of %d)",
	    BENCH_SYMBOLS_BATCH);
	bench_print(label, h, BENCH_SYMBOLS_BATCH, 0.0);
	printf("  %-46s %.1f M lookups/s\n", "lookup hit, throughput",
	    (double)ops / (double)spent * 1e3);

	metrics_hist_reset(h);
	bench_symbols_sampled(s, &hit, h, bench_budget_ns(0.2), &bad);
	bench_print_sampled("lookup hit, per sample", h);

	metrics_hist_reset(h);
	ops = bench_symbols_batches(s, &miss, h, bench_budget_ns(0.15), &bad,
	    &spent);
	snprintf(label, sizeof label, "lookup miss, per op (batches of %d)",
	    BENCH_SYMBOLS_BATCH);
	bench_print(label, h, BENCH_SYMBOLS_BATCH, 0.0);
	printf("  %-46s %.1f M lookups/s\n", "lookup miss, throughput",
	    (double)ops / (double)spent * 1e3);
	if (bad != 0)
		printf("  WRONG: %llu lookups returned the wrong id\n",
		    (unsigned long long)bad);

	bench_symbols_set_free(&hit);
	bench_symbols_set_free(&miss);
	symbols_free(s);
	bench_hist_free(h);
	return (bad != 0);
}

int
main(void)
{
	int rc = 0;

	bench_start("bench_symbols");
	rc |= bench_symbols_run(50);
	rc |= bench_symbols_run(500);
	return (bench_finish("bench_symbols", rc));
}
