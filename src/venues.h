/*
 * Static facts about the seven venues: names, quote currency, default
 * endpoints and fees.  Read-only tables; safe from any thread.
 */
#ifndef XARB_VENUES_H
#define XARB_VENUES_H

#include "types.h"

enum venue_quote { VENUE_QUOTE_USDT, VENUE_QUOTE_USD };

struct venue_info {
	const char *name;	/* lower case, as in [venue.NAME] */
	const char *label;	/* for display */
	const char *url;	/* public market-data WebSocket */
	const char *url_market; /* second stream (Binance), or NULL */
	const char *url_rest;	/* REST base for metadata/tokens */
	double taker_fee_bps;	/* lowest tier, protocols/README.md */
	double maker_fee_bps;
	enum venue_quote quote;	  /* what its perps are quoted in */
	unsigned funding_minutes; /* usual interval; per symbol at run time */
};

/* Returns the facts for v, which must be < VENUE_COUNT. */
const struct venue_info *venues_info(enum venue_id v);

/* Returns the venue's name, or "?" for an out-of-range id. */
const char *venues_name(unsigned v);

/* Looks a venue up by name (case-insensitive); -1 if unknown. */
int venues_lookup(const char *name);

/* Returns "USDT" or "USD". */
const char *venues_quote_name(enum venue_quote q);

/* Writes "bybit okx ..." into buf; returns buf. */
char *venues_list(char *buf, unsigned len);

#endif /* XARB_VENUES_H */
