/*
 * Quote update + detection, the reactor's per-message work after the
 * parse: book_apply() then detect_on_quote() across the seven venues,
 * for 50 and 500 instruments.
 *
 * Quotes are a mean-reverting random walk per instrument, seen by each
 * venue with its own half-spread (0.5-2.5 bps) and top-of-book size
 * ($5k-$100k), so cross-venue gaps stay a few bps: below the default
 * min_spread_bps of 10, as in a real market most of the time.  The
 * "dislocated" variant also pushes one venue's quotes 80-200 bps away
 * for a while now and then, so pairs open, update and close and the
 * detector publishes into a ring of 1024 with one registered reader that
 * never reads (the writer never waits for readers).
 *
 * The updates of each batch are generated before its clock starts, so
 * they are in L1 as a freshly parsed message would be; detect_on_quote
 * gets a fake clock that advances 2 us per message, so no clock read
 * sits inside the measured operation.  Target: <= 50 ns p99.
 */
#include "autoconf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "book.h"
#include "config.h"
#include "detect.h"
#include "ring.h"
#include "types.h"
#include "xmalloc.h"
#include "bench.h"

#define BENCH_DETECT_BATCH 32	     /* messages per timed batch */
#define BENCH_DETECT_STEP 2000	     /* fake ns between messages */
#define BENCH_DETECT_WALK 0.5e-4     /* random-walk step: 0.5 bp */
#define BENCH_DETECT_REVERT 0.995    /* pull back toward the reference */
#define BENCH_DETECT_DISLOC_P 1024   /* one dislocation per ~1024 msgs */
#define BENCH_DETECT_DISLOC_LEN 2000 /* messages a dislocation lasts */
#define BENCH_DETECT_DISLOC_MAX 16   /* concurrent dislocations */

struct bench_detect_msg {
	inst_id i;
	enum venue_id v;
	int64_t now;
	struct quote_update u;
};

struct bench_detect_disloc {
	unsigned leg; /* i * VENUE_COUNT + v */
	uint64_t until;
};

/* The market: one reference price per instrument, a view per venue. */
struct bench_detect_gen {
	unsigned ninst;
	int dislocate;
	struct bench_rng r;
	int64_t now;
	uint64_t tick;
	double *px;  /* owned: reference price per instrument */
	double *x;   /* owned: walk, as a fraction of px */
	double *hs;  /* owned: half-spread per leg, fraction */
	double *usd; /* owned: top-of-book notional per leg */
	double *off; /* owned: dislocation per leg, fraction */
	struct bench_detect_disloc disloc[BENCH_DETECT_DISLOC_MAX];
	unsigned ndisloc;
};

/* Rough prices of the first few real bases in bench_bases(). */
static const double bench_detect_px[] = { 97000.0, 3400.0, 240.0, 1.4, 0.4,
	650.0, 1.0, 40.0, 23.0, 6.0, 4.0, 0.25, 7.0, 100.0, 450.0, 5.0, 9.0,
	0.8, 2.0, 13.0, 6.5, 5.0, 27.0, 22.0, 5.0, 0.4, 2.5, 0.00002 };

static void
bench_detect_gen_init(struct bench_detect_gen *g, unsigned ninst, int dislocate,
    int64_t now)
{
	unsigned i, legs = ninst * VENUE_COUNT;

	memset(g, 0, sizeof *g);
	g->ninst = ninst;
	g->dislocate = dislocate;
	g->now = now;
	bench_rng_init(&g->r, (uint64_t)ninst * 2 + (unsigned)dislocate);
	g->px = xcalloc(ninst, sizeof *g->px);
	g->x = xcalloc(ninst, sizeof *g->x);
	g->hs = xcalloc(legs, sizeof *g->hs);
	g->usd = xcalloc(legs, sizeof *g->usd);
	g->off = xcalloc(legs, sizeof *g->off);
	for (i = 0; i < ninst; i++) {
		/* Synthetic coins: log-uniform from 1 cent to $500. */
		g->px[i] = i < nitems(bench_detect_px)
		    ? bench_detect_px[i]
		    : 0.01 * pow(50000.0, bench_rng_unit(&g->r));
	}
	for (i = 0; i < legs; i++) {
		g->hs[i] = (0.5 + 2.0 * bench_rng_unit(&g->r)) * 1e-4;
		g->usd[i] = 5000.0 * pow(20.0, bench_rng_unit(&g->r));
	}
}

static void
bench_detect_gen_fini(struct bench_detect_gen *g)
{
	free(g->px);
	free(g->x);
	free(g->hs);
	free(g->usd);
	free(g->off);
}

/* A top-of-book message for leg, at the walk's current price. */
static void
bench_detect_quote(struct bench_detect_gen *g, unsigned leg,
    struct bench_detect_msg *m)
{
	unsigned i = leg / VENUE_COUNT;
	double mid = g->px[i] * (1.0 + g->x[i] + g->off[leg]);
	double hs = g->hs[leg], sz;

	memset(m, 0, sizeof *m);
	m->i = (inst_id)i;
	m->v = (enum venue_id)(leg % VENUE_COUNT);
	m->now = g->now;
	m->u.mask = QU_TOP | QU_EXCH_TS;
	m->u.bid = llround(mid * (1.0 - hs) * (double)PX_SCALE);
	m->u.ask = llround(mid * (1.0 + hs) * (double)PX_SCALE);
	if (m->u.ask <= m->u.bid) /* sub-tick coins: keep it uncrossed */
		m->u.ask = m->u.bid + 1;
	sz = g->usd[leg] * (0.5 + bench_rng_unit(&g->r)) / mid;
	m->u.bid_size = llround(sz * (double)QTY_SCALE);
	sz = g->usd[leg] * (0.5 + bench_rng_unit(&g->r)) / mid;
	m->u.ask_size = llround(sz * (double)QTY_SCALE);
	m->u.exch_ts = g->now - 5 * NS_PER_MS;
}

/*
 * Picks the leg to update: an ending dislocation first (so its pairs
 * close), then maybe a new one (so they open), else a random leg.
 */
static unsigned
bench_detect_pick(struct bench_detect_gen *g)
{
	struct bench_detect_disloc *dl;
	unsigned k, leg;
	double sign;

	for (k = 0; k < g->ndisloc; k++) {
		dl = &g->disloc[k];
		if (dl->until > g->tick)
			continue;
		leg = dl->leg;
		g->off[leg] = 0.0;
		*dl = g->disloc[--g->ndisloc];
		return (leg);
	}
	leg = bench_rng_below(&g->r, g->ninst * VENUE_COUNT);
	/* The first message always dislocates: short runs open something. */
	if (!g->dislocate || g->ndisloc == BENCH_DETECT_DISLOC_MAX ||
	    (g->tick != 0 &&
		bench_rng_below(&g->r, BENCH_DETECT_DISLOC_P) != 0) ||
	    g->off[leg] != 0.0)
		return (leg);
	sign = bench_rng_below(&g->r, 2) ? 1.0 : -1.0;
	g->off[leg] = sign * (80.0 + 120.0 * bench_rng_unit(&g->r)) * 1e-4;
	dl = &g->disloc[g->ndisloc++];
	dl->leg = leg;
	dl->until = g->tick + BENCH_DETECT_DISLOC_LEN;
	return (leg);
}

static void
bench_detect_next(struct bench_detect_gen *g, struct bench_detect_msg *m)
{
	unsigned leg = bench_detect_pick(g);
	unsigned i = leg / VENUE_COUNT;
	double step =
	    (2.0 * bench_rng_unit(&g->r) - 1.0) * 1.7320508 * BENCH_DETECT_WALK;

	g->x[i] = g->x[i] * BENCH_DETECT_REVERT + step;
	g->tick++;
	g->now += BENCH_DETECT_STEP;
	bench_detect_quote(g, leg, m);
}

/*
 * Every leg live with funding, as after the venues' snapshots.  Returns
 * the events detection published (none: all venues agree).
 */
static uint64_t
bench_detect_prime(struct bench_detect_gen *g, struct book *b, struct detect *d)
{
	struct bench_detect_msg m;
	uint64_t n = 0;
	unsigned leg, v;
	int64_t next8h;

	next8h = (g->now / NS_PER_S / 28800 + 1) * 28800 * 1000;
	for (leg = 0; leg < g->ninst * VENUE_COUNT; leg++) {
		v = leg % VENUE_COUNT;
		bench_detect_quote(g, leg, &m);
		m.u.mask |= QU_STATE | QU_FUNDING | QU_FUNDING_MIN |
		    QU_NEXT_FUNDING | QU_FLAGS;
		m.u.state = QUOTE_LIVE;
		/* 0.01 % per interval, +/- half of that. */
		m.u.funding =
		    100000 + (int64_t)bench_rng_below(&g->r, 100000) - 50000;
		m.u.funding_min = v == VENUE_HYPERLIQUID ? 60 : 480;
		m.u.flags = v == VENUE_PARADEX ? QUOTE_F_CONTINUOUS : 0;
		m.u.next_funding_ms = next8h;
		book_apply(b, m.i, m.v, &m.u, g->now);
	}
	for (leg = 0; leg < g->ninst * VENUE_COUNT; leg++)
		n += detect_on_quote(d, (inst_id)(leg / VENUE_COUNT),
		    (enum venue_id)(leg % VENUE_COUNT), g->now, g->now);
	return (n);
}

enum bench_detect_mode {
	BENCH_DETECT_BATCHED, /* book + detect, one clock pair per batch */
	BENCH_DETECT_SAMPLED, /* book + detect, one clock pair per message */
	BENCH_DETECT_BOOK,    /* book_apply alone, batched */
};

/* One clock pair around a batch.  Returns the events published. */
static unsigned
bench_detect_batch(struct book *b, struct detect *d,
    const struct bench_detect_msg *buf, int book_only, struct metrics_hist *h,
    int64_t *spent)
{
	const struct bench_detect_msg *m;
	int64_t t0, t1;
	unsigned j, n = 0;

	t0 = bench_now_ns();
	for (j = 0; j < BENCH_DETECT_BATCH; j++) {
		m = &buf[j];
		book_apply(b, m->i, m->v, &m->u, m->now);
		if (!book_only)
			n += detect_on_quote(d, m->i, m->v, m->now, m->now);
	}
	t1 = bench_now_ns();
	metrics_hist_record(h, (uint64_t)(t1 - t0));
	*spent += t1 - t0;
	return (n);
}

/*
 * One clock pair per message; messages whose detection published also
 * go into hpub.  Returns the events published.
 */
static unsigned
bench_detect_each(struct book *b, struct detect *d,
    const struct bench_detect_msg *buf, struct metrics_hist *h,
    struct metrics_hist *hpub, int64_t *spent)
{
	const struct bench_detect_msg *m;
	int64_t t0, t1;
	unsigned j, k, n = 0;

	for (j = 0; j < BENCH_DETECT_BATCH; j++) {
		m = &buf[j];
		t0 = bench_now_ns();
		book_apply(b, m->i, m->v, &m->u, m->now);
		k = detect_on_quote(d, m->i, m->v, m->now, m->now);
		t1 = bench_now_ns();
		metrics_hist_record(h, (uint64_t)(t1 - t0));
		if (k != 0)
			metrics_hist_record(hpub, (uint64_t)(t1 - t0));
		*spent += t1 - t0;
		n += k;
	}
	return (n);
}

/*
 * Feeds batches of fresh messages for budget ns.  Returns messages
 * processed; adds events published to *events and ns inside timed
 * sections to *spent.
 */
static uint64_t
bench_detect_feed(struct bench_detect_gen *g, struct book *b, struct detect *d,
    enum bench_detect_mode mode, struct metrics_hist *h,
    struct metrics_hist *hpub, int64_t budget, uint64_t *events, int64_t *spent)
{
	struct bench_detect_msg buf[BENCH_DETECT_BATCH];
	int64_t end = bench_now_ns() + budget;
	uint64_t ops = 0;
	unsigned j;

	do {
		for (j = 0; j < BENCH_DETECT_BATCH; j++)
			bench_detect_next(g, &buf[j]);
		if (mode == BENCH_DETECT_SAMPLED)
			*events += bench_detect_each(b, d, buf, h, hpub, spent);
		else
			*events += bench_detect_batch(b, d, buf,
			    mode == BENCH_DETECT_BOOK, h, spent);
		ops += BENCH_DETECT_BATCH;
	} while (bench_now_ns() < end);
	return (ops);
}

/*
 * Ends every dislocation and sends the quote that undoes it, so every
 * opportunity must close.  Returns the events published.
 */
static uint64_t
bench_detect_settle(struct bench_detect_gen *g, struct book *b,
    struct detect *d)
{
	struct bench_detect_msg m;
	uint64_t n = 0;
	unsigned k, leg;

	for (k = 0; k < g->ndisloc; k++) {
		leg = g->disloc[k].leg;
		g->off[leg] = 0.0;
		bench_detect_quote(g, leg, &m);
		book_apply(b, m.i, m.v, &m.u, m.now);
		n += detect_on_quote(d, m.i, m.v, m.now, m.now);
	}
	g->ndisloc = 0;
	return (n);
}

/* Checks the detector's counts against what it returned. */
static int
bench_detect_check(struct detect *d, struct ring *r, uint64_t events,
    int dislocate)
{
	const struct detect_stats *st = detect_get_stats(d);
	struct ring_stats rs;
	int bad = 0;

	ring_get_stats(r, &rs);
	printf("  events: %llu open, %llu update, %llu close (%u open at "
	       "the end); %.2f pairs priced/msg\n",
	    (unsigned long long)st->opens, (unsigned long long)st->updates,
	    (unsigned long long)st->closes, detect_open_count(d),
	    (double)st->evaluated / (double)st->ticks);
	if (rs.published != events ||
	    st->opens + st->updates + st->closes != events ||
	    st->opens - st->closes != detect_open_count(d)) {
		printf(
		    "  WRONG: detect returned %llu events, ring holds %llu\n",
		    (unsigned long long)events,
		    (unsigned long long)rs.published);
		bad = 1;
	}
	if (dislocate && (st->opens == 0 || detect_open_count(d) != 0)) {
		printf("  WRONG: dislocations opened nothing, or undoing them "
		       "left %u open\n",
		    detect_open_count(d));
		bad = 1;
	}
	if (!dislocate && st->opens != 0)
		printf("  note: the quiet walk opened %llu opportunities\n",
		    (unsigned long long)st->opens);
	return (bad);
}

static int
bench_detect_run(const struct detect_params *p, unsigned ninst, int dislocate)
{
	struct bench_detect_gen g;
	struct metrics_hist *h = bench_hist_new(), *hpub = bench_hist_new();
	struct ring_reader rd;
	struct ring *r = ring_new(RING_SLOTS_DEFAULT);
	struct book *b = book_new(ninst);
	struct detect *d = detect_new(b, r, p);
	struct timespec ts;
	uint64_t events = 0, ops;
	int64_t spent = 0;
	char label[96];
	int bad;

	clock_gettime(CLOCK_REALTIME, &ts);
	bench_detect_gen_init(&g, ninst, dislocate,
	    (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec);
	if (r == NULL || ring_reader_init(&rd, r, RING_WAIT_SPIN) != 0) {
		fprintf(stderr, "bench_detect: ring setup failed\n");
		exit(1);
	}
	events = bench_detect_prime(&g, b, d);
	printf("%u instruments x 7 venues, %s\n", ninst,
	    dislocate ? "dislocated (opportunities open and close)"
		      : "quiet random walk (no opportunity)");

	bench_detect_feed(&g, b, d, BENCH_DETECT_BATCHED, h, NULL,
	    bench_budget_ns(0.05), &events, &spent);
	metrics_hist_reset(h);
	spent = 0;
	ops = bench_detect_feed(&g, b, d, BENCH_DETECT_BATCHED, h, NULL,
	    bench_budget_ns(0.5), &events, &spent);
	snprintf(label, sizeof label, "update+detect, per op (batches of %d)",
	    BENCH_DETECT_BATCH);
	bench_print(label, h, BENCH_DETECT_BATCH, 0.0);
	printf("  %-46s %.1f M msgs/s\n", "update+detect, throughput",
	    (double)ops / (double)spent * 1e3);

	metrics_hist_reset(h);
	bench_detect_feed(&g, b, d, BENCH_DETECT_SAMPLED, h, hpub,
	    bench_budget_ns(0.25), &events, &spent);
	bench_print_sampled("update+detect, per sample", h);
	if (hpub->count != 0)
		bench_print_sampled("  the samples that published", hpub);

	if (!dislocate) {
		metrics_hist_reset(h);
		bench_detect_feed(&g, b, d, BENCH_DETECT_BOOK, h, NULL,
		    bench_budget_ns(0.1), &events, &spent);
		snprintf(label, sizeof label,
		    "book_apply alone, per op (batches of %d)",
		    BENCH_DETECT_BATCH);
		bench_print(label, h, BENCH_DETECT_BATCH, 0.0);
	}
	events += bench_detect_settle(&g, b, d);
	bad = bench_detect_check(d, r, events, dislocate);

	ring_reader_fini(&rd);
	detect_free(d);
	book_free(b);
	ring_free(r);
	bench_detect_gen_fini(&g);
	bench_hist_free(h);
	bench_hist_free(hpub);
	return (bad);
}

int
main(void)
{
	struct detect_params p;
	struct config *cfg = config_new();
	int rc = 0;

	bench_start("bench_detect");
	detect_params_from_config(&p, cfg);
	config_free(cfg);
	printf("# defaults: min_spread_bps %g, min_confidence %g, "
	       "max_quote_age %lld ms, quote_mix %s\n",
	    p.min_spread_bps, p.min_confidence,
	    (long long)(p.max_age_ns / NS_PER_MS), p.quote_mix ? "yes" : "no");
	rc |= bench_detect_run(&p, 50, 0);
	rc |= bench_detect_run(&p, 50, 1);
	rc |= bench_detect_run(&p, 500, 0);
	rc |= bench_detect_run(&p, 500, 1);
	return (bench_finish("bench_detect", rc));
}
