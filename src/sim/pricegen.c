/*
 * Price path generator.  Not on the engine's hot path in production; in
 * --demo it stands where the sockets will be, so it allocates nothing
 * per tick either.
 */
#include "autoconf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xarb.h"
#include "pricegen.h"
#include "venues.h"
#include "xmalloc.h"

struct pricegen_inst {
	double mid;	 /* coins */
	int64_t last_ns; /* last time mid moved */
};

struct pricegen_leg {
	double offset_bps; /* persistent venue premium */
	double half_spread_bps;
	double funding_8h; /* rate per 8 h */
};

struct pricegen {
	struct pricegen_params p;
	struct pricegen_inst *inst; /* owned, ninst */
	struct pricegen_leg *leg;   /* owned, ninst * VENUE_COUNT */
	uint64_t rng;
	unsigned cursor; /* round robin over ninst * VENUE_COUNT */
	struct pricegen_dislocation dis;
	int dis_active;
	int64_t dis_next;
	struct pricegen_funding_jump jump; /* the latest */
	int64_t jump_next;
	struct pricegen_stats stats;
};

/* xorshift64*: fast, and enough for price noise. */
static uint64_t
pricegen_rand(struct pricegen *g)
{
	g->rng ^= g->rng >> 12;
	g->rng ^= g->rng << 25;
	g->rng ^= g->rng >> 27;
	return (g->rng * UINT64_C(2685821657736338717));
}

/* Uniform in [0, 1). */
static double
pricegen_unit(struct pricegen *g)
{
	return ((double)(pricegen_rand(g) >> 11) / 9007199254740992.0);
}

/* Standard normal (Box-Muller, one of the pair). */
static double
pricegen_gauss(struct pricegen *g)
{
	double u = pricegen_unit(g), v = pricegen_unit(g);

	if (u < 1e-300)
		u = 1e-300;
	return (sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v));
}

double
pricegen_base_price(const char *base)
{
	uint32_t h = 2166136261u;
	const char *p;

	if (strcmp(base, "BTC") == 0)
		return (50000.0);
	if (strcmp(base, "ETH") == 0)
		return (3000.0);
	if (strcmp(base, "SOL") == 0)
		return (150.0);
	for (p = base; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return (1.0 + (double)(h % 9900) / 100.0);
}

/* Exponential gaps around the mean, never shorter than 10 %. */
static int64_t
pricegen_next_at(struct pricegen *g, int64_t now, double mean_s)
{
	double gap;

	if (mean_s <= 0)
		return (INT64_MAX);
	gap = -log(1.0 - pricegen_unit(g)) * mean_s;
	if (gap < mean_s * 0.1)
		gap = mean_s * 0.1;
	return (now + (int64_t)(gap * (double)NS_PER_S));
}

/* A random selected venue. */
static enum venue_id
pricegen_pick_venue(struct pricegen *g)
{
	enum venue_id v;

	do
		v = (enum venue_id)(pricegen_rand(g) % VENUE_COUNT);
	while ((g->p.venues & (1u << v)) == 0);
	return (v);
}

static void
pricegen_schedule(struct pricegen *g, int64_t now)
{
	g->dis_next = pricegen_next_at(g, now, g->p.dislocation_every_s);
}

struct pricegen *
pricegen_new(const struct pricegen_params *p, int64_t now)
{
	struct pricegen *g;
	struct pricegen_leg *l;
	unsigned i, v;

	if (p->ninst == 0 || (p->venues & ((1u << VENUE_COUNT) - 1)) == 0)
		return (NULL);
	g = xcalloc(1, sizeof *g);
	g->p = *p;
	g->rng = p->seed * UINT64_C(0x9E3779B97F4A7C15) + 1;
	g->inst = xcalloc(p->ninst, sizeof *g->inst);
	g->leg = xcalloc((size_t)p->ninst * VENUE_COUNT, sizeof *g->leg);
	for (i = 0; i < p->ninst; i++) {
		g->inst[i].mid = pricegen_base_price(p->bases[i]);
		g->inst[i].last_ns = now;
		for (v = 0; v < VENUE_COUNT; v++) {
			l = &g->leg[i * VENUE_COUNT + v];
			l->offset_bps = (pricegen_unit(g) - 0.5) * 2.0;
			l->half_spread_bps = 0.5 + pricegen_unit(g);
			l->funding_8h = (pricegen_unit(g) - 0.5) * 0.0006;
		}
	}
	pricegen_schedule(g, now);
	g->jump_next = pricegen_next_at(g, now, g->p.funding_every_s);
	return (g);
}

void
pricegen_free(struct pricegen *g)
{
	if (g == NULL)
		return;
	free(g->inst);
	free(g->leg);
	free(g);
}

static void
pricegen_dislocate(struct pricegen *g, int64_t now)
{
	if (g->dis_active && now >= g->dis.end)
		g->dis_active = 0;
	if (g->dis_active || now < g->dis_next)
		return;
	g->dis.inst = (inst_id)(pricegen_rand(g) % g->p.ninst);
	g->dis.venue = pricegen_pick_venue(g);
	g->dis.sign = (pricegen_rand(g) & 1) ? 1 : -1;
	g->dis.start = now;
	g->dis.end = now + (int64_t)(g->p.dislocation_s * (double)NS_PER_S);
	g->dis_active = 1;
	g->stats.dislocations++;
	pricegen_schedule(g, now);
}

/*
 * Now and then one leg's funding rate jumps to a new level, half to all
 * of funding_jump_8h away from zero, either sign: what a venue's rate
 * does when positioning turns.
 */
static void
pricegen_jump_funding(struct pricegen *g, int64_t now)
{
	struct pricegen_funding_jump *j = &g->jump;
	struct pricegen_leg *l;

	if (now < g->jump_next)
		return;
	j->inst = (inst_id)(pricegen_rand(g) % g->p.ninst);
	j->venue = pricegen_pick_venue(g);
	l = &g->leg[j->inst * VENUE_COUNT + j->venue];
	j->from_8h = l->funding_8h;
	j->to_8h = (pricegen_rand(g) & 1 ? 1 : -1) *
	    (0.5 + 0.5 * pricegen_unit(g)) * g->p.funding_jump_8h;
	j->at = now;
	l->funding_8h = j->to_8h;
	g->stats.funding_jumps++;
	g->jump_next = pricegen_next_at(g, now, g->p.funding_every_s);
}

/* Fills funding fields the way venue v reports them. */
static void
pricegen_funding(const struct pricegen_leg *l, enum venue_id v, int64_t now,
    struct quote_update *u)
{
	unsigned ivl = venues_info(v)->funding_minutes;
	int64_t ivl_ms = (int64_t)ivl * 60 * 1000, now_ms = now / NS_PER_MS;

	u->mask |= QU_FUNDING | QU_FUNDING_MIN | QU_FLAGS;
	u->funding = (int64_t)llround(l->funding_8h * ivl /
	    FUNDING_NORM_MINUTES * (double)RATE_SCALE);
	u->funding_min = ivl;
	u->flags = v == VENUE_PARADEX ? QUOTE_F_CONTINUOUS : 0;
	if (v != VENUE_PARADEX) {
		u->mask |= QU_NEXT_FUNDING;
		u->next_funding_ms = (now_ms / ivl_ms + 1) * ivl_ms;
	}
}

/* One tick of (i, v) at now: the walk, the venue's leg, the dislocation. */
static void
pricegen_tick(struct pricegen *g, unsigned i, unsigned v, int64_t now,
    struct pricegen_tick *t)
{
	struct pricegen_inst *in;
	struct pricegen_leg *l;
	double dt, px, half, notional;

	pricegen_dislocate(g, now);
	pricegen_jump_funding(g, now);
	in = &g->inst[i];
	dt = (double)(now - in->last_ns) / (double)NS_PER_S;
	if (dt > 0) {
		in->mid *= 1.0 +
		    g->p.volatility_bps / 10000.0 * sqrt(dt) *
			pricegen_gauss(g);
		in->last_ns = now;
	}
	l = &g->leg[i * VENUE_COUNT + v];
	/* Funding drifts a little, as venues' predicted rates do. */
	l->funding_8h += (pricegen_unit(g) - 0.5) * 0.000002;
	px = in->mid * (1.0 + l->offset_bps / 10000.0);
	if (g->dis_active && g->dis.inst == i && g->dis.venue == v)
		px *= 1.0 + g->dis.sign * g->p.dislocation_bps / 10000.0;
	half = px * l->half_spread_bps / 10000.0;

	memset(t, 0, sizeof *t);
	t->inst = (inst_id)i;
	t->venue = (enum venue_id)v;
	t->u.mask = QU_TOP | QU_EXCH_TS | QU_STATE;
	t->u.state = QUOTE_LIVE;
	t->u.bid = (int64_t)llround((px - half) * (double)PX_SCALE);
	t->u.ask = (int64_t)llround((px + half) * (double)PX_SCALE);
	notional = 5000.0 + pricegen_unit(g) * 45000.0;
	t->u.bid_size = (int64_t)llround(notional / px * (double)QTY_SCALE);
	notional = 5000.0 + pricegen_unit(g) * 45000.0;
	t->u.ask_size = (int64_t)llround(notional / px * (double)QTY_SCALE);
	t->u.exch_ts = now;
	pricegen_funding(l, (enum venue_id)v, now, &t->u);
	g->stats.ticks++;
}

void
pricegen_next(struct pricegen *g, int64_t now, struct pricegen_tick *t)
{
	unsigned n = g->p.ninst * VENUE_COUNT, i, v;

	do {
		i = g->cursor / VENUE_COUNT;
		v = g->cursor % VENUE_COUNT;
		g->cursor = (g->cursor + 1) % n;
	} while ((g->p.venues & (1u << v)) == 0);
	pricegen_tick(g, i, v, now, t);
}

int
pricegen_quote(struct pricegen *g, inst_id i, enum venue_id v, int64_t now,
    struct pricegen_tick *t)
{
	if (i >= g->p.ninst || (unsigned)v >= VENUE_COUNT ||
	    (g->p.venues & (1u << v)) == 0)
		return (-1);
	pricegen_tick(g, i, (unsigned)v, now, t);
	return (0);
}

const struct pricegen_funding_jump *
pricegen_last_jump(const struct pricegen *g)
{
	return (g->stats.funding_jumps > 0 ? &g->jump : NULL);
}

const struct pricegen_dislocation *
pricegen_active(const struct pricegen *g)
{
	return (g->dis_active ? &g->dis : NULL);
}

const struct pricegen_stats *
pricegen_get_stats(const struct pricegen *g)
{
	return (&g->stats);
}
