/* The dashboard's quotes pane (tui_quotes.h). */
#include "autoconf.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "xarb.h"
#include "book.h"
#include "symbols.h"
#include "tui_opps.h"
#include "tui_quotes.h"
#include "venues.h"

#define TUI_QUOTE_NAME 9 /* the base's column, with its space */

void
tui_quotes_read(const struct book *b, inst_id i, int64_t now,
    int64_t max_age_ns, struct tui_quote_row *row)
{
	struct tui_quote_cell *c;
	struct quote q;
	unsigned v;

	memset(row, 0, sizeof *row);
	row->inst = i;
	row->best_bid = row->best_ask = -1;
	for (v = 0; v < VENUE_COUNT; v++) {
		/* The reactor writes; the seqlock copy is consistent. */
		book_read(book_quote_ro(b, i, (enum venue_id)v), &q);
		c = &row->v[v];
		c->bid = q.bid;
		c->ask = q.ask;
		c->state = q.state;
		c->fresh = q.state == QUOTE_LIVE && q.bid > 0 && q.ask > 0 &&
		    now - q.recv_ts <= max_age_ns;
		if (!c->fresh)
			continue;
		if (row->best_bid < 0 || q.bid > row->v[row->best_bid].bid)
			row->best_bid = (int)v;
		if (row->best_ask < 0 || q.ask < row->v[row->best_ask].ask)
			row->best_ask = (int)v;
	}
}

unsigned
tui_quotes_column(enum venue_id v)
{
	return (TUI_QUOTE_NAME + (unsigned)v * TUI_QUOTE_CELL);
}

/* A price for people: about seven significant digits. */
static void
tui_quotes_px(int64_t px, char *buf, size_t len)
{
	double d = (double)px / (double)PX_SCALE;

	if (px <= 0)
		snprintf(buf, len, "-");
	else if (d >= 1000)
		snprintf(buf, len, "%.2f", d);
	else if (d >= 1)
		snprintf(buf, len, "%.4f", d);
	else if (d >= 0.001)
		snprintf(buf, len, "%.6f", d);
	else
		snprintf(buf, len, "%.3e", d);
}

static void
tui_quotes_cell(const struct tui_quote_row *r, unsigned v, char *buf,
    size_t len)
{
	const struct tui_quote_cell *c = &r->v[v];
	char bid[24], ask[24];

	if (c->state == QUOTE_DOWN && c->bid == 0 && c->ask == 0) {
		snprintf(buf, len, "-");
		return;
	}
	if (!c->fresh) {
		snprintf(buf, len, "%s",
		    c->state == QUOTE_LIVE ? "stale"
					   : book_state_name(c->state));
		return;
	}
	tui_quotes_px(c->bid, bid, sizeof bid);
	tui_quotes_px(c->ask, ask, sizeof ask);
	snprintf(buf, len, "%s%s/%s%s", r->best_bid == (int)v ? ">" : "", bid,
	    ask, r->best_ask == (int)v ? "<" : "");
}

/*
 * Narrower than the grid: the best bid and ask with their venues, the
 * cross-venue spread (positive: the best bid is above the best ask,
 * what the detector looks for) and how many venues are usable.
 */
static int
tui_quotes_compact(const struct tui_quote_row *row, const struct symbols *sym,
    char *buf, size_t len)
{
	char bid[24] = "-", ask[24] = "-", cross[24] = "";
	unsigned v, usable = 0, listed = 0;
	double b, a;

	if (row == NULL)
		return (snprintf(buf, len, "%-8s %-21s %-21s %9s %6s", "QUOTES",
		    "BEST BID", "BEST ASK", "CROSS", "VENUES"));
	for (v = 0; v < VENUE_COUNT; v++) {
		usable += row->v[v].fresh;
		listed += symbols_venue_symbol(sym, row->inst,
			      (enum venue_id)v) != NULL;
	}
	if (row->best_bid >= 0 && row->best_ask >= 0) {
		tui_quotes_px(row->v[row->best_bid].bid, bid, sizeof bid);
		tui_quotes_px(row->v[row->best_ask].ask, ask, sizeof ask);
		b = (double)row->v[row->best_bid].bid;
		a = (double)row->v[row->best_ask].ask;
		snprintf(cross, sizeof cross, "%+.1f bps", (b - a) / a * 1e4);
	}
	return (snprintf(buf, len,
	    "%-8.8s %-10s %-10.10s %-10s %-10.10s %9s %4u/%u",
	    symbols_base(sym, row->inst), bid,
	    row->best_bid >= 0 ? venues_name((unsigned)row->best_bid) : "", ask,
	    row->best_ask >= 0 ? venues_name((unsigned)row->best_ask) : "",
	    cross, usable, listed));
}

int
tui_quotes_format(const struct tui_quote_row *row, const struct symbols *sym,
    unsigned width, char *buf, size_t len)
{
	char cell[64];
	size_t off = 0;
	unsigned v;
	int n;

	if (len == 0)
		return (0);
	if (width < tui_quotes_column(VENUE_COUNT))
		return (tui_cut(buf, len,
		    tui_quotes_compact(row, sym, buf, len), width));
	n = snprintf(buf, len, "%-*.*s", TUI_QUOTE_NAME, TUI_QUOTE_NAME - 1,
	    row != NULL ? symbols_base(sym, row->inst) : "QUOTES");
	off = n < 0 ? 0 : (size_t)n;
	for (v = 0; v < VENUE_COUNT && off < len; v++) {
		if (row == NULL)
			snprintf(cell, sizeof cell, "%s", venues_name(v));
		else
			tui_quotes_cell(row, v, cell, sizeof cell);
		n = snprintf(buf + off, len - off, "%*.*s", TUI_QUOTE_CELL,
		    TUI_QUOTE_CELL - 1, cell);
		off += n < 0 ? 0 : (size_t)n;
	}
	return (tui_cut(buf, len, off > INT_MAX ? INT_MAX : (int)off, width));
}
