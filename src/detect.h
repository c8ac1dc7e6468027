/*
 * Detection, inline on every tick.  For an update of instrument X on
 * venue A it prices, against every other venue B quoting X, both
 * directions (buy A / sell B, buy B / sell A), and publishes into the
 * ring OPEN when a pair becomes an opportunity, UPDATE when its net edge
 * moves by more than update_step_bps, and CLOSE with the reason when it
 * stops being one, so readers never diff snapshots.
 *
 * Runs on the reactor thread only (it is the ring's single writer).  The
 * hot entry point detect_on_quote() allocates nothing, locks nothing and
 * logs nothing.
 */
#ifndef XARB_DETECT_H
#define XARB_DETECT_H

#include <stdint.h>

#include "book.h"
#include "opp.h"
#include "types.h"

struct config;
struct ring;

struct detect_params {
	double min_spread_bps;
	double min_confidence;
	int require_funding;
	double min_funding_delta; /* per 8 h */
	int64_t max_age_ns;
	double min_notional;
	double trade_notional;
	double slippage_bps; /* per leg, when taking the whole top size */
	double hold_hours;
	double update_step_bps;
	int quote_mix;
	double usd_basis_bps;
	double taker_fee_bps[VENUE_COUNT];
	uint8_t quote[VENUE_COUNT]; /* enum venue_quote */
};

struct detect_stats {
	uint64_t ticks;	    /* detect_on_quote calls */
	uint64_t evaluated; /* directed pairs priced */
	uint64_t opens;
	uint64_t updates;
	uint64_t closes;
	uint64_t rejects[OPP_REASON_COUNT]; /* by the first failed test */
};

struct detect;

/* Fills p from the config ([detector] and each venue's taker fee). */
void detect_params_from_config(struct detect_params *p,
    const struct config *cfg);

/*
 * Creates a detector over book publishing into ring (both borrowed).
 * Start-up only; dies on ENOMEM.
 */
struct detect *detect_new(struct book *book, struct ring *ring,
    const struct detect_params *p);

/* NULL is a no-op.  Publishes nothing: call detect_close_all() first. */
void detect_free(struct detect *d);

/*
 * Times every ring publish into h (owned by the caller, written only by
 * the reactor thread).  NULL stops timing.
 */
struct metrics_hist;
void detect_set_publish_hist(struct detect *d, struct metrics_hist *h);

/* Replaces the thresholds (SIGHUP reload).  Reactor thread only. */
void detect_set_params(struct detect *d, const struct detect_params *p);

/*
 * Prices every pair involving (i, v) after its quote changed and
 * publishes what changed.  now and read_ts are CLOCK_REALTIME ns
 * (read_ts: the socket read of this tick, 0 if none).  Returns the number
 * of events published.
 */
unsigned detect_on_quote(struct detect *d, inst_id i, enum venue_id v,
    int64_t now, int64_t read_ts);

/*
 * Re-prices every open opportunity, closing those whose legs went stale
 * without a tick.  Call every sweep_ms.  Returns events published.
 */
unsigned detect_sweep(struct detect *d, int64_t now);

/* Closes every open opportunity with a leg on v (venue went down). */
unsigned detect_venue_down(struct detect *d, enum venue_id v, int64_t now);

/* Closes everything with reason (shutdown). */
unsigned detect_close_all(struct detect *d, enum opp_reason reason,
    int64_t now);

/* Opportunities currently open. */
unsigned detect_open_count(const struct detect *d);

const struct detect_stats *detect_get_stats(const struct detect *d);

/*
 * Prices one direction: buy at buy->ask on venue bv, sell at sell->bid on
 * venue sv.  Fills ev's prices, sizes and costs as far as it got and
 * returns OPP_REASON_NONE if it is an opportunity, else the first
 * constraint that failed.  Pure: no state, any thread (the executor
 * re-prices with it).
 */
enum opp_reason detect_eval(const struct detect_params *p,
    const struct quote *buy, enum venue_id bv, const struct quote *sell,
    enum venue_id sv, int64_t now, struct opp_event *ev);

/*
 * Fraction of notional a long position pays in funding over hold_hours
 * from now (negative: it receives).  Counts the venue's settlements when
 * it knows the next one, else accrues pro rata (continuous venues).
 */
double detect_funding_paid(const struct quote *q, int64_t now,
    double hold_hours);

#endif /* XARB_DETECT_H */
