/*
 * Deterministic price paths for the venue simulator and the in-memory
 * demo source: one random-walk mid price per instrument, a small
 * persistent offset and spread per venue, funding rates with each
 * venue's interval that drift and now and then jump (one venue's rate
 * for one instrument moves to a new level), and scheduled dislocations
 * (one venue's price jumps for a while), so that detection has something
 * real to find.  The same
 * seed and the same sequence of calls always give the same ticks.
 */
#ifndef XARB_PRICEGEN_H
#define XARB_PRICEGEN_H

#include <stdint.h>

#include "book.h"
#include "types.h"

struct pricegen_params {
	unsigned ninst;
	const char *const *bases; /* ninst base names, borrowed */
	uint32_t venues;	  /* bit per enum venue_id to generate */
	uint64_t seed;
	double volatility_bps;	    /* per sqrt(second) */
	double dislocation_every_s; /* mean gap; 0 disables */
	double dislocation_bps;
	double dislocation_s;
	double funding_every_s; /* mean gap between funding jumps; 0: none */
	double funding_jump_8h; /* how far a jump can go, rate per 8 h */
};

struct pricegen_tick {
	inst_id inst;
	enum venue_id venue;
	struct quote_update u; /* canonical units, full snapshot */
};

/* A dislocation, as the generator scheduled it (ground truth for tests). */
struct pricegen_dislocation {
	inst_id inst;
	enum venue_id venue;
	int sign; /* +1: the venue trades rich (sell there), -1: cheap */
	int64_t start;
	int64_t end;
};

/* A funding jump: leg (inst, venue) moved from one rate to another. */
struct pricegen_funding_jump {
	inst_id inst;
	enum venue_id venue;
	double from_8h, to_8h; /* rate per 8 h */
	int64_t at;	       /* ns */
};

struct pricegen_stats {
	uint64_t ticks;
	uint64_t dislocations;
	uint64_t funding_jumps;
};

struct pricegen;

/* Start-up only; NULL if no venue is selected or ninst is 0. */
struct pricegen *pricegen_new(const struct pricegen_params *p, int64_t now);
void pricegen_free(struct pricegen *g);

/* The next tick, round-robin over instruments x venues, at time now (ns). */
void pricegen_next(struct pricegen *g, int64_t now, struct pricegen_tick *t);

/*
 * The tick of one instrument on one venue at time now (ns), for callers
 * that pull quotes per venue (the simulator's venue endpoints) instead
 * of round robin.  Draws from the same generator as pricegen_next, so
 * every venue shares the instrument's walk.  Returns 0, or -1 if i is
 * out of range or v was not selected.
 */
int pricegen_quote(struct pricegen *g, inst_id i, enum venue_id v, int64_t now,
    struct pricegen_tick *t);

/* The latest funding jump, or NULL before the first. */
const struct pricegen_funding_jump *
pricegen_last_jump(const struct pricegen *g);

/* The active dislocation, or NULL. */
const struct pricegen_dislocation *pricegen_active(const struct pricegen *g);

const struct pricegen_stats *pricegen_get_stats(const struct pricegen *g);

/* A typical starting price for a base (BTC 50000, ...), in coins. */
double pricegen_base_price(const char *base);

#endif /* XARB_PRICEGEN_H */
