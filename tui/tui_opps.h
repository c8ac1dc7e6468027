/*
 * The dashboard's view of opportunities: the live set and the recently
 * closed, rebuilt from the ring's OPEN / UPDATE / CLOSE events only (the
 * dashboard never computes an opportunity), with the sort orders and the
 * filter of the opportunities pane, and the text of its rows.  Plain
 * data in fixed arrays: one reader thread owns it, nothing allocates.
 */
#ifndef XARB_TUI_OPPS_H
#define XARB_TUI_OPPS_H

#include <stddef.h>
#include <stdint.h>

#include "opp.h"

struct symbols;

#define TUI_OPPS_MAX 512		 /* live opportunities shown at once */
#define TUI_CLOSED_MAX 64		 /* recently closed kept */
#define TUI_STALE_NS INT64_C(5000000000) /* older than this: marked */

enum tui_sort {
	TUI_SORT_NET,	     /* net edge, best first */
	TUI_SORT_CONFIDENCE, /* highest first */
	TUI_SORT_AGE,	     /* youngest first */
	TUI_SORT_INSTRUMENT, /* by name, then net edge */
	TUI_SORT_COUNT
};

struct tui_opp {
	struct opp_event ev; /* the latest OPEN or UPDATE */
	int64_t last_ts;     /* detect_ts of ev */
};

struct tui_closed {
	struct opp_event ev; /* the CLOSE: reason, last prices */
	int64_t lifetime_ns; /* CLOSE detect_ts - open_ts */
};

struct tui_opps {
	struct tui_opp live[TUI_OPPS_MAX];
	unsigned nlive;
	struct tui_closed closed[TUI_CLOSED_MAX]; /* a ring, newest last */
	unsigned closed_next, nclosed;
	uint64_t overflow; /* OPENs not shown: the live set was full */
	uint64_t orphans;  /* UPDATE / CLOSE of an id never seen open */
};

void tui_opps_init(struct tui_opps *o);

/* Applies one ring event. */
void tui_opps_apply(struct tui_opps *o, const struct opp_event *ev);

/*
 * Forgets the live set (the reader lost events, so CLOSEs may be
 * missing): what is still open is OPENed again only as it updates.
 * The closed list stays.
 */
void tui_opps_forget_live(struct tui_opps *o);

/* "net", "confidence", "age", "instrument" */
const char *tui_sort_name(enum tui_sort s);

/*
 * Fills idx with the indexes (into o->live) of the opportunities that
 * match filter, in sort order, at most max of them; returns how many.
 * filter: NULL or "" for all, else a case-insensitive substring of the
 * instrument's name or of either venue's name.
 */
unsigned tui_opps_view(const struct tui_opps *o, const struct symbols *sym,
    enum tui_sort sort, const char *filter, unsigned *idx, unsigned max);

/* The i-th newest closed opportunity (0 = newest), or NULL. */
const struct tui_closed *tui_opps_closed(const struct tui_opps *o, unsigned i);

/*
 * One row of the opportunities pane, at most width columns (and len - 1
 * bytes); the header row when op is NULL.  now (ns) gives the age; an
 * opportunity open longer than TUI_STALE_NS ends in "stale".  Returns
 * the length written.
 */
int tui_opps_format(const struct tui_opp *op, const struct symbols *sym,
    int64_t now, unsigned width, char *buf, size_t len);

/*
 * Ends a row that snprintf reported as n bytes (possibly more than len
 * held) at width columns and within len; returns its length.  Rows are
 * ASCII, so bytes are columns.
 */
int tui_cut(char *buf, size_t len, int n, unsigned width);

/* One row of the recently-closed pane; the header when c is NULL. */
int tui_opps_format_closed(const struct tui_closed *c,
    const struct symbols *sym, unsigned width, char *buf, size_t len);

#endif /* XARB_TUI_OPPS_H */
