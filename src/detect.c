/*
 * The detector.  Formulas (DESIGN.md "Detection"):
 *
 *   gross bps  = (bid_B - ask_A) / ask_A * 10000      buy on A, sell on B
 *   funding delta = rate_B - rate_A, each per 8 h     (short leg receives)
 *   confidence = 50 min(gross/50, 1) + 30 min(|delta|/0.01, 1) + 20
 *   net bps    = gross - taker fees - slippage - funding cost over the
 *                holding time
 *
 * Constraints are tested cheapest first; the first to fail is the reason
 * a pair is rejected or, if it was open, closed.  All prices are exact
 * fixed point until here; ratios are computed in double.
 *
 * Per-pair state lives in one array indexed [inst][buy venue][sell
 * venue], so a tick touches only its own instrument's 49 entries.
 */
#include "autoconf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xarb.h"
#include "config.h"
#include "detect.h"
#include "metrics.h"
#include "ring.h"
#include "venues.h"
#include "xmalloc.h"

struct detect_pair {
	uint64_t id; /* 0 when closed */
	int64_t open_ts;
	double last_net; /* net bps last published */
	uint16_t updates;
};

struct detect {
	struct book *book; /* borrowed */
	struct ring *ring; /* borrowed */
	struct detect_params p;
	struct detect_pair *pairs; /* owned: ninst * VENUE_COUNT^2 */
	uint16_t *inst_open;	   /* owned: open pairs per instrument */
	unsigned open;
	uint64_t next_id;
	struct metrics_hist *publish_hist; /* borrowed, may be NULL */
	struct detect_stats stats;
	double ksell[VENUE_COUNT]; /* wire bid -> USDT-frame price */
	double kbuy[VENUE_COUNT];  /* wire ask -> price a bid must beat */
};

/* Per-venue price factors for detect_quick_reject, from the params. */
static void
detect_derive(struct detect *d)
{
	unsigned v;
	double k;

	for (v = 0; v < VENUE_COUNT; v++) {
		k = 1.0 / (double)PX_SCALE;
		if (d->p.quote[v] == VENUE_QUOTE_USD)
			k *= 1.0 + d->p.usd_basis_bps / 10000.0;
		d->ksell[v] = k;
		d->kbuy[v] =
		    k * (1.0 + d->p.min_spread_bps / 10000.0) * (1.0 - 1e-9);
	}
}

void
detect_params_from_config(struct detect_params *p, const struct config *cfg)
{
	unsigned v;

	memset(p, 0, sizeof *p);
	p->min_spread_bps = cfg->min_spread_bps;
	p->min_confidence = cfg->min_confidence;
	p->require_funding = cfg->require_funding;
	p->min_funding_delta = cfg->min_funding_delta;
	p->max_age_ns = cfg->max_quote_age_ms * NS_PER_MS;
	p->min_notional = cfg->min_notional;
	p->trade_notional = cfg->trade_notional;
	p->slippage_bps = cfg->slippage_bps;
	p->hold_hours = cfg->hold_hours;
	p->update_step_bps = cfg->update_step_bps;
	p->quote_mix = cfg->quote_mix;
	p->usd_basis_bps = cfg->usd_basis_bps;
	for (v = 0; v < VENUE_COUNT; v++) {
		p->taker_fee_bps[v] = cfg->venue[v].taker_fee_bps;
		p->quote[v] = (uint8_t)venues_info(v)->quote;
	}
}

struct detect *
detect_new(struct book *book, struct ring *ring, const struct detect_params *p)
{
	struct detect *d;

	d = xcalloc(1, sizeof *d);
	d->book = book;
	d->ring = ring;
	d->p = *p;
	d->pairs = xcalloc((size_t)book->ninst * VENUE_COUNT * VENUE_COUNT,
	    sizeof *d->pairs);
	d->inst_open = xcalloc(book->ninst, sizeof *d->inst_open);
	d->next_id = 1;
	detect_derive(d);
	return (d);
}

void
detect_free(struct detect *d)
{
	if (d == NULL)
		return;
	free(d->pairs);
	free(d->inst_open);
	free(d);
}

void
detect_set_publish_hist(struct detect *d, struct metrics_hist *h)
{
	d->publish_hist = h;
}

void
detect_set_params(struct detect *d, const struct detect_params *p)
{
	d->p = *p;
	detect_derive(d);
}

unsigned
detect_open_count(const struct detect *d)
{
	return (d->open);
}

const struct detect_stats *
detect_get_stats(const struct detect *d)
{
	return (&d->stats);
}

static inline struct detect_pair *
detect_pair(struct detect *d, inst_id i, unsigned buy, unsigned sell)
{
	return (&d->pairs[((size_t)i * VENUE_COUNT + buy) * VENUE_COUNT +
	    sell]);
}

static double
detect_interval_min(const struct quote *q)
{
	return (q->funding_min != 0 ? (double)q->funding_min
				    : (double)FUNDING_NORM_MINUTES);
}

double
detect_funding_paid(const struct quote *q, int64_t now, double hold_hours)
{
	double rate = (double)q->funding / (double)RATE_SCALE;
	double ivl_s = detect_interval_min(q) * 60.0, end, t0, n;

	if (q->funding == 0 || hold_hours <= 0)
		return (0.0);
	if ((q->flags & QUOTE_F_CONTINUOUS) || q->next_funding == 0)
		return (rate * hold_hours * 3600.0 / ivl_s);
	/* Count settlements in (now, now + hold]. */
	t0 = (double)q->next_funding;
	end = (double)now / (double)NS_PER_S + hold_hours * 3600.0;
	if (t0 * (double)NS_PER_S <= (double)now) /* a stale next time */
		t0 += ivl_s *
		    (floor(((double)now / (double)NS_PER_S - t0) / ivl_s) +
			1.0);
	if (t0 > end)
		return (0.0);
	n = 1.0 + floor((end - t0) / ivl_s);
	return (rate * n);
}

/* Price in the USDT frame: USD(C)-quoted venues are shifted by the basis. */
static inline double
detect_px(const struct detect_params *p, int64_t px, enum venue_id v)
{
	double d = (double)px / (double)PX_SCALE;

	if (p->quote[v] == VENUE_QUOTE_USD)
		d *= 1.0 + p->usd_basis_bps / 10000.0;
	return (d);
}

static inline int
detect_bad_quote(const struct quote *q)
{
	return (q->bid > 0 && q->ask > 0 && q->bid >= q->ask);
}

/*
 * The cheap tests, on raw quote fields, in the order of enum opp_reason:
 * most ticks stop here, before any event field is written.
 */
static inline enum opp_reason
detect_screen(const struct detect_params *p, const struct quote *buy,
    enum venue_id bv, const struct quote *sell, enum venue_id sv, int64_t now)
{
	if (buy->state != QUOTE_LIVE || sell->state != QUOTE_LIVE)
		return (OPP_REASON_VENUE_DOWN);
	if (now - buy->recv_ts > p->max_age_ns ||
	    now - sell->recv_ts > p->max_age_ns)
		return (OPP_REASON_STALE);
	if (buy->ask <= 0 || sell->bid <= 0 || buy->ask_size <= 0 ||
	    sell->bid_size <= 0 || detect_bad_quote(buy) ||
	    detect_bad_quote(sell))
		return (OPP_REASON_BAD_QUOTE);
	if (detect_px(p, sell->bid, sv) <
	    detect_px(p, buy->ask, bv) * (1.0 + p->min_spread_bps / 10000.0))
		return (OPP_REASON_SPREAD);
	return (OPP_REASON_NONE);
}

enum opp_reason
detect_eval(const struct detect_params *p, const struct quote *buy,
    enum venue_id bv, const struct quote *sell, enum venue_id sv, int64_t now,
    struct opp_event *ev)
{
	enum opp_reason why;
	double ask, bid, n_buy, n_sell, conf, tradable;

	ev->buy_venue = (uint8_t)bv;
	ev->sell_venue = (uint8_t)sv;
	ev->buy_px = buy->ask;
	ev->sell_px = sell->bid;
	ev->buy_size = buy->ask_size;
	ev->sell_size = sell->bid_size;
	ev->buy_ts = buy->exch_ts;
	ev->sell_ts = sell->exch_ts;
	ev->buy_recv_ts = buy->recv_ts;
	ev->sell_recv_ts = sell->recv_ts;
	ev->gross_bps = ev->fee_bps = ev->slip_bps = ev->funding_bps = 0.0;
	ev->net_bps = ev->confidence = ev->notional = ev->funding_delta = 0.0;

	why = detect_screen(p, buy, bv, sell, sv, now);
	ask = detect_px(p, buy->ask, bv);
	bid = detect_px(p, sell->bid, sv);
	if (ask > 0.0 && bid > 0.0)
		ev->gross_bps = (bid - ask) / ask * 10000.0;
	if (why != OPP_REASON_NONE)
		return (why);
	n_buy = ask * ((double)buy->ask_size / (double)QTY_SCALE);
	n_sell = bid * ((double)sell->bid_size / (double)QTY_SCALE);
	if (n_buy < p->min_notional || n_sell < p->min_notional)
		return (OPP_REASON_DEPTH);

	ev->funding_delta = (double)sell->funding / (double)RATE_SCALE *
		FUNDING_NORM_MINUTES / detect_interval_min(sell) -
	    (double)buy->funding / (double)RATE_SCALE * FUNDING_NORM_MINUTES /
		detect_interval_min(buy);
	if (p->require_funding && ev->funding_delta < p->min_funding_delta)
		return (OPP_REASON_FUNDING);
	conf = 50.0 * fmin(ev->gross_bps / 50.0, 1.0) +
	    30.0 * fmin(fabs(ev->funding_delta) / 0.01, 1.0) + 20.0;
	ev->confidence = fmax(0.0, fmin(conf, 100.0));
	if (ev->confidence < p->min_confidence)
		return (OPP_REASON_CONFIDENCE);

	tradable = fmin(p->trade_notional, fmin(n_buy, n_sell));
	ev->notional = tradable;
	ev->fee_bps = p->taker_fee_bps[bv] + p->taker_fee_bps[sv];
	ev->slip_bps = p->slippage_bps * (tradable / n_buy + tradable / n_sell);
	ev->funding_bps = (detect_funding_paid(buy, now, p->hold_hours) -
			      detect_funding_paid(sell, now, p->hold_hours)) *
	    10000.0;
	ev->net_bps =
	    ev->gross_bps - ev->fee_bps - ev->slip_bps - ev->funding_bps;
	if (ev->net_bps <= 0.0)
		return (OPP_REASON_EDGE);
	return (OPP_REASON_NONE);
}

/* Marks a pair closed after its CLOSE went out. */
static void
detect_closed(struct detect *d, struct detect_pair *pr, inst_id i)
{
	pr->id = 0;
	d->open--;
	d->inst_open[i]--;
	d->stats.closes++;
}

static void
detect_publish(struct detect *d, struct detect_pair *pr, struct opp_event *ev,
    enum opp_type type)
{
	struct timespec t0, t1;

	ev->type = (uint8_t)type;
	ev->id = pr->id;
	ev->open_ts = pr->open_ts;
	ev->updates = pr->updates;
	if (d->publish_hist == NULL) {
		ring_publish(d->ring, ev);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ring_publish(d->ring, ev);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	metrics_hist_record(d->publish_hist,
	    (uint64_t)((t1.tv_sec - t0.tv_sec) * NS_PER_S +
		(t1.tv_nsec - t0.tv_nsec)));
}

/*
 * Prices one direction and publishes whatever changed.  Returns the
 * number of events published (0 or 1).
 */
static unsigned
detect_pair_tick(struct detect *d, inst_id i, unsigned bv, unsigned sv,
    int64_t now, int64_t read_ts)
{
	struct detect_pair *pr = detect_pair(d, i, bv, sv);
	const struct quote *buy = book_quote(d->book, i, bv);
	const struct quote *sell = book_quote(d->book, i, sv);
	struct opp_event ev;
	enum opp_reason why;

	d->stats.evaluated++;
	why = detect_screen(&d->p, buy, bv, sell, sv, now);
	if (why != OPP_REASON_NONE && pr->id == 0) {
		d->stats.rejects[why]++;
		return (0);
	}
	ev.inst = i;
	ev.reason = OPP_REASON_NONE;
	ev.read_ts = read_ts;
	ev.detect_ts = now;
	why = detect_eval(&d->p, buy, bv, sell, sv, now, &ev);
	if (why != OPP_REASON_NONE) {
		d->stats.rejects[why]++;
		if (pr->id == 0)
			return (0);
		ev.reason = (uint8_t)why;
		detect_publish(d, pr, &ev, OPP_CLOSE);
		detect_closed(d, pr, i);
		return (1);
	}
	if (pr->id == 0) {
		pr->id = d->next_id++;
		pr->open_ts = now;
		pr->updates = 0;
		pr->last_net = ev.net_bps;
		detect_publish(d, pr, &ev, OPP_OPEN);
		d->open++;
		d->inst_open[i]++;
		d->stats.opens++;
		return (1);
	}
	if (fabs(ev.net_bps - pr->last_net) <= d->p.update_step_bps)
		return (0);
	detect_publish(d, pr, &ev, OPP_UPDATE);
	pr->last_net = ev.net_bps;
	if (pr->updates < UINT16_MAX)
		pr->updates++;
	d->stats.updates++;
	return (1);
}

/* May (bv, sv) be compared at all?  Quote currencies must be compatible. */
static inline int
detect_comparable(const struct detect *d, unsigned a, unsigned b)
{
	return (d->p.quote_mix || d->p.quote[a] == d->p.quote[b]);
}

/*
 * True when both directions of (a, b) pass every test before the spread
 * and certainly fail the spread test: most ticks of a quiet market.  The
 * 1e-9 margin in kbuy sends borderline pairs to the exact path, so the
 * outcome (and the rejection counts) match detect_screen exactly, at a
 * third of the cost: no division, no branch per test.
 */
static inline int
detect_quick_reject(const struct detect *d, const struct quote *a, unsigned va,
    const struct quote *b, unsigned vb, int64_t now)
{
	int ok = (a->state == QUOTE_LIVE) & (b->state == QUOTE_LIVE) &
	    (now - a->recv_ts <= d->p.max_age_ns) &
	    (now - b->recv_ts <= d->p.max_age_ns) & (a->bid > 0) &
	    (a->ask > a->bid) & (a->bid_size > 0) & (a->ask_size > 0) &
	    (b->bid > 0) & (b->ask > b->bid) & (b->bid_size > 0) &
	    (b->ask_size > 0);

	return (ok &&
	    (double)b->bid * d->ksell[vb] < (double)a->ask * d->kbuy[va] &&
	    (double)a->bid * d->ksell[va] < (double)b->ask * d->kbuy[vb]);
}

unsigned
detect_on_quote(struct detect *d, inst_id i, enum venue_id v, int64_t now,
    int64_t read_ts)
{
	const struct quote *qb, *qa = book_quote(d->book, i, v);
	unsigned b, n = 0;

	d->stats.ticks++;
	for (b = 0; b < VENUE_COUNT; b++) {
		if (b == (unsigned)v || !detect_comparable(d, v, b))
			continue;
		qb = book_quote(d->book, i, b);
		/* A venue never seen has nothing to pair with or to close. */
		if (qb->state == QUOTE_DOWN && qb->recv_ts == 0)
			continue;
		if (d->inst_open[i] == 0 &&
		    detect_quick_reject(d, qa, v, qb, b, now)) {
			d->stats.evaluated += 2;
			d->stats.rejects[OPP_REASON_SPREAD] += 2;
			continue;
		}
		n += detect_pair_tick(d, i, v, b, now, read_ts);
		n += detect_pair_tick(d, i, b, v, now, read_ts);
	}
	return (n);
}

unsigned
detect_sweep(struct detect *d, int64_t now)
{
	unsigned i, a, b, n = 0;

	for (i = 0; i < d->book->ninst; i++) {
		if (d->inst_open[i] == 0)
			continue;
		for (a = 0; a < VENUE_COUNT; a++) {
			for (b = 0; b < VENUE_COUNT; b++) {
				if (detect_pair(d, (inst_id)i, a, b)->id != 0)
					n += detect_pair_tick(d, (inst_id)i, a,
					    b, now, 0);
			}
		}
	}
	return (n);
}

/* Publishes CLOSE for an open pair with the given reason. */
static unsigned
detect_force_close(struct detect *d, inst_id i, unsigned a, unsigned b,
    enum opp_reason why, int64_t now)
{
	struct detect_pair *pr = detect_pair(d, i, a, b);
	struct opp_event ev;

	if (pr->id == 0)
		return (0);
	ev.inst = i;
	ev.read_ts = 0;
	ev.detect_ts = now;
	(void)detect_eval(&d->p, book_quote(d->book, i, a), a,
	    book_quote(d->book, i, b), b, now, &ev);
	ev.reason = (uint8_t)why;
	detect_publish(d, pr, &ev, OPP_CLOSE);
	detect_closed(d, pr, i);
	return (1);
}

unsigned
detect_venue_down(struct detect *d, enum venue_id v, int64_t now)
{
	unsigned i, b, n = 0;

	for (i = 0; i < d->book->ninst; i++) {
		if (d->inst_open[i] == 0)
			continue;
		for (b = 0; b < VENUE_COUNT; b++) {
			n += detect_force_close(d, (inst_id)i, v, b,
			    OPP_REASON_VENUE_DOWN, now);
			n += detect_force_close(d, (inst_id)i, b, v,
			    OPP_REASON_VENUE_DOWN, now);
		}
	}
	return (n);
}

unsigned
detect_close_all(struct detect *d, enum opp_reason reason, int64_t now)
{
	unsigned i, a, b, n = 0;

	for (i = 0; i < d->book->ninst; i++) {
		for (a = 0; a < VENUE_COUNT && d->inst_open[i] != 0; a++) {
			for (b = 0; b < VENUE_COUNT; b++)
				n += detect_force_close(d, (inst_id)i, a, b,
				    reason, now);
		}
	}
	return (n);
}
