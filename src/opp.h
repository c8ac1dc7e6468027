/*
 * The opportunity event: what the detector publishes into the ring and
 * what the dashboard, the executor and the Redis sink all read.  Plain
 * data, fixed size, no pointers, so a ring slot can be copied word by
 * word.
 */
#ifndef XARB_OPP_H
#define XARB_OPP_H

#include <stddef.h>
#include <stdint.h>

#include "types.h"

enum opp_type { OPP_OPEN = 1, OPP_UPDATE, OPP_CLOSE };

/*
 * Why a pair is not (or no longer) an opportunity.  On CLOSE, the reason;
 * also used to count rejections.  Order is the order constraints are
 * tested in: the first one that fails is the reason.
 */
enum opp_reason {
	OPP_REASON_NONE,
	OPP_REASON_VENUE_DOWN, /* a leg's venue is not live */
	OPP_REASON_STALE,      /* a leg is older than max_quote_age_ms */
	OPP_REASON_BAD_QUOTE,  /* crossed, zero or empty side */
	OPP_REASON_SPREAD,     /* gross spread below min_spread_bps */
	OPP_REASON_DEPTH,      /* top of book below min_notional */
	OPP_REASON_FUNDING,    /* require_funding and delta too small */
	OPP_REASON_CONFIDENCE, /* below min_confidence */
	OPP_REASON_EDGE,       /* net edge <= 0 after costs */
	OPP_REASON_SHUTDOWN,   /* engine stopping */
	OPP_REASON_COUNT
};

struct opp_event {
	uint64_t seq; /* ring sequence, set by ring_publish (1, 2, ...) */
	uint64_t id;  /* same for an opportunity's OPEN, UPDATEs and CLOSE */
	uint8_t type; /* enum opp_type */
	uint8_t reason;
	uint8_t buy_venue;  /* long leg: we buy at its ask */
	uint8_t sell_venue; /* short leg: we sell at its bid */
	inst_id inst;
	uint16_t updates; /* UPDATEs published before this event */
	int64_t buy_px;	  /* ask on buy_venue, per coin, PX_SCALE */
	int64_t sell_px;  /* bid on sell_venue */
	int64_t buy_size; /* top-of-book sizes, coins, QTY_SCALE */
	int64_t sell_size;
	double gross_bps;
	double fee_bps;
	double slip_bps;
	double funding_bps; /* funding cost over hold_hours; < 0 is carry */
	double net_bps;
	double confidence;    /* 0-100 */
	double notional;      /* tradable, quote currency */
	double funding_delta; /* short minus long rate, per 8 h */
	int64_t buy_ts;	      /* venue timestamps of each leg, ns */
	int64_t sell_ts;
	int64_t buy_recv_ts; /* local receive time of each leg, ns */
	int64_t sell_recv_ts;
	int64_t read_ts;   /* socket read of the tick that triggered it */
	int64_t detect_ts; /* when it was computed */
	int64_t open_ts;   /* detect_ts of its OPEN */
};

_Static_assert(sizeof(struct opp_event) % 8 == 0,
    "ring slots copy events in 8-byte words");

/* "open", "update", "close" */
const char *opp_type_name(unsigned type);

/* "spread gone", "leg stale", ...: the CLOSE reason for people. */
const char *opp_reason_name(unsigned reason);

/* "spread", "stale", ...: one word, for metrics labels and key=value. */
const char *opp_reason_key(unsigned reason);

#endif /* XARB_OPP_H */
