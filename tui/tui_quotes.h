/*
 * The dashboard's quotes pane: per instrument, each venue's best bid
 * and ask as the quote store holds them (read through the seqlock, so
 * from the dashboard's own thread), with the best bid and best ask
 * across venues picked out.  Only quotes a detector could use count for
 * the best: live, both sides, fresher than max_quote_age_ms.
 */
#ifndef XARB_TUI_QUOTES_H
#define XARB_TUI_QUOTES_H

#include <stddef.h>
#include <stdint.h>

#include "types.h"

struct book;
struct symbols;

#define TUI_QUOTE_CELL 23 /* columns per venue: " >1.234e-05/1.235e-05<" */

struct tui_quote_cell {
	int64_t bid, ask; /* PX_SCALE; 0 = side empty */
	uint8_t state;	  /* enum quote_state */
	uint8_t fresh;	  /* live and within max age */
};

struct tui_quote_row {
	inst_id inst;
	struct tui_quote_cell v[VENUE_COUNT];
	int best_bid, best_ask; /* venue ids, or -1 */
};

/* Reads instrument i's quotes at now (ns). */
void tui_quotes_read(const struct book *b, inst_id i, int64_t now,
    int64_t max_age_ns, struct tui_quote_row *row);

/*
 * One row of the pane, at most width columns.  Wide enough for the grid
 * (tui_quotes_column(VENUE_COUNT)): the base name, then a cell per venue
 * in venue order ("-" for no quote, "stale"/"down" when not usable), the
 * best bid marked with '>' before it and the best ask with '<' after it
 * (readable without colours; the screen also highlights those cells).
 * Narrower: the best bid and ask with their venues, the cross-venue
 * spread in bps and usable/listed venues.  The header when row is NULL.
 * Returns the length written.
 */
int tui_quotes_format(const struct tui_quote_row *row,
    const struct symbols *sym, unsigned width, char *buf, size_t len);

/* The column where venue v's cell starts, for highlighting. */
unsigned tui_quotes_column(enum venue_id v);

#endif /* XARB_TUI_QUOTES_H */
