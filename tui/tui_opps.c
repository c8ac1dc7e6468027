/*
 * The dashboard's opportunity model (tui_opps.h).  The live set is small
 * (hundreds at most) and changes at event rate, so ids are found by a
 * scan and views are sorted by insertion: simple, and far below the
 * 100 ms redraw budget.
 */
#include "autoconf.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "xarb.h"
#include "symbols.h"
#include "tui_opps.h"
#include "venues.h"

void
tui_opps_init(struct tui_opps *o)
{
	memset(o, 0, sizeof *o);
}

static int
tui_opps_find(const struct tui_opps *o, uint64_t id)
{
	unsigned k;

	for (k = 0; k < o->nlive; k++)
		if (o->live[k].ev.id == id)
			return ((int)k);
	return (-1);
}

static void
tui_opps_close(struct tui_opps *o, unsigned k, const struct opp_event *ev)
{
	struct tui_closed *c = &o->closed[o->closed_next];

	c->ev = *ev;
	c->lifetime_ns = ev->detect_ts - o->live[k].ev.open_ts;
	o->closed_next = (o->closed_next + 1) % TUI_CLOSED_MAX;
	if (o->nclosed < TUI_CLOSED_MAX)
		o->nclosed++;
	o->live[k] = o->live[--o->nlive]; /* order is the view's job */
}

void
tui_opps_apply(struct tui_opps *o, const struct opp_event *ev)
{
	int k = tui_opps_find(o, ev->id);

	if (ev->type == OPP_OPEN && k < 0) {
		if (o->nlive == TUI_OPPS_MAX) {
			o->overflow++;
			return;
		}
		k = (int)o->nlive++;
	} else if (k < 0) {
		o->orphans++;
		return;
	}
	if (ev->type == OPP_CLOSE) {
		tui_opps_close(o, (unsigned)k, ev);
		return;
	}
	o->live[k].ev = *ev;
	o->live[k].last_ts = ev->detect_ts;
}

void
tui_opps_forget_live(struct tui_opps *o)
{
	o->nlive = 0;
}

const char *
tui_sort_name(enum tui_sort s)
{
	static const char *const names[TUI_SORT_COUNT] = { "net", "confidence",
		"age", "instrument" };

	return ((unsigned)s < TUI_SORT_COUNT ? names[s] : "?");
}

static const char *
tui_opps_name(const struct symbols *sym, const struct opp_event *ev)
{
	return (symbols_canonical(sym, ev->inst, (enum venue_id)ev->buy_venue));
}

/* Case-insensitive strstr; needle is short. */
static int
tui_opps_has(const char *hay, const char *needle)
{
	size_t n = strlen(needle), k;

	for (; *hay != '\0'; hay++) {
		for (k = 0; k < n && hay[k] != '\0'; k++)
			if (tolower((unsigned char)hay[k]) !=
			    tolower((unsigned char)needle[k]))
				break;
		if (k == n)
			return (1);
	}
	return (0);
}

static int
tui_opps_match(const struct opp_event *ev, const struct symbols *sym,
    const char *filter)
{
	if (filter == NULL || *filter == '\0')
		return (1);
	return (tui_opps_has(tui_opps_name(sym, ev), filter) ||
	    tui_opps_has(venues_name(ev->buy_venue), filter) ||
	    tui_opps_has(venues_name(ev->sell_venue), filter));
}

/* Whether a goes before b in sort order s. */
static int
tui_opps_before(const struct tui_opp *a, const struct tui_opp *b,
    const struct symbols *sym, enum tui_sort s)
{
	int c;

	switch (s) {
	case TUI_SORT_CONFIDENCE:
		if (a->ev.confidence != b->ev.confidence)
			return (a->ev.confidence > b->ev.confidence);
		break;
	case TUI_SORT_AGE:
		if (a->ev.open_ts != b->ev.open_ts)
			return (a->ev.open_ts > b->ev.open_ts);
		break;
	case TUI_SORT_INSTRUMENT:
		c = strcmp(tui_opps_name(sym, &a->ev),
		    tui_opps_name(sym, &b->ev));
		if (c != 0)
			return (c < 0);
		break;
	case TUI_SORT_NET:
	default:
		break;
	}
	if (a->ev.net_bps != b->ev.net_bps)
		return (a->ev.net_bps > b->ev.net_bps);
	return (a->ev.id < b->ev.id); /* stable across redraws */
}

unsigned
tui_opps_view(const struct tui_opps *o, const struct symbols *sym,
    enum tui_sort sort, const char *filter, unsigned *idx, unsigned max)
{
	unsigned n = 0, k, j;

	for (k = 0; k < o->nlive; k++) {
		if (!tui_opps_match(&o->live[k].ev, sym, filter))
			continue;
		/* Insert k in order; past max the last one falls off. */
		for (j = n; j > 0 &&
		     tui_opps_before(&o->live[k], &o->live[idx[j - 1]], sym,
			 sort);
		     j--)
			if (j < max)
				idx[j] = idx[j - 1];
		if (j < max) {
			idx[j] = k;
			if (n < max)
				n++;
		}
	}
	return (n);
}

const struct tui_closed *
tui_opps_closed(const struct tui_opps *o, unsigned i)
{
	if (i >= o->nclosed)
		return (NULL);
	return (&o->closed[(o->closed_next + TUI_CLOSED_MAX - 1 - i) %
	    TUI_CLOSED_MAX]);
}

/* "950ms", "12.3s", "4m05s", "2h01m". */
static void
tui_opps_age(int64_t ns, char *buf, size_t len)
{
	int64_t ms = ns > 0 ? ns / NS_PER_MS : 0, s = ms / 1000;

	if (ms < 1000)
		snprintf(buf, len, "%lldms", (long long)ms);
	else if (s < 60)
		snprintf(buf, len, "%.1fs", (double)ms / 1000.0);
	else if (s < 3600)
		snprintf(buf, len, "%lldm%02llds", (long long)(s / 60),
		    (long long)(s % 60));
	else
		snprintf(buf, len, "%lldh%02lldm", (long long)(s / 3600),
		    (long long)(s / 60 % 60));
}

int
tui_cut(char *buf, size_t len, int n, unsigned width)
{
	size_t end = n < 0 ? 0 : (size_t)n;

	if (len == 0)
		return (0);
	if (end >= len)
		end = len - 1;
	if (end > width)
		end = width;
	buf[end] = '\0';
	return ((int)end);
}

int
tui_opps_format(const struct tui_opp *op, const struct symbols *sym,
    int64_t now, unsigned width, char *buf, size_t len)
{
	const struct opp_event *ev;
	char age[16], legs[32];
	int64_t size;
	int n;

	if (op == NULL)
		n = snprintf(buf, len,
		    "%-18s %-24s %6s %5s %5s %6s %6s %4s %10s %6s",
		    "INSTRUMENT", "BUY -> SELL", "GROSS", "FEES", "SLIP",
		    "FUND", "NET", "CONF", "SIZE", "AGE");
	else {
		ev = &op->ev;
		snprintf(legs, sizeof legs, "%s -> %s",
		    venues_name(ev->buy_venue), venues_name(ev->sell_venue));
		tui_opps_age(now - ev->open_ts, age, sizeof age);
		size =
		    ev->buy_size < ev->sell_size ? ev->buy_size : ev->sell_size;
		n = snprintf(buf, len,
		    "%-18s %-24s %6.1f %5.1f %5.1f %6.1f %6.1f %4.0f %10.4f "
		    "%6s%s",
		    tui_opps_name(sym, ev), legs, ev->gross_bps, ev->fee_bps,
		    ev->slip_bps, ev->funding_bps, ev->net_bps, ev->confidence,
		    (double)size / (double)QTY_SCALE, age,
		    now - ev->open_ts > TUI_STALE_NS ? " stale" : "");
	}
	return (tui_cut(buf, len, n, width));
}

int
tui_opps_format_closed(const struct tui_closed *c, const struct symbols *sym,
    unsigned width, char *buf, size_t len)
{
	char life[16], legs[32];
	int n;

	if (c == NULL)
		n = snprintf(buf, len, "%-18s %-24s %6s %-16s %8s",
		    "INSTRUMENT", "BUY -> SELL", "NET", "REASON", "LIFETIME");
	else {
		snprintf(legs, sizeof legs, "%s -> %s",
		    venues_name(c->ev.buy_venue),
		    venues_name(c->ev.sell_venue));
		tui_opps_age(c->lifetime_ns, life, sizeof life);
		n = snprintf(buf, len, "%-18s %-24s %6.1f %-16s %8s",
		    tui_opps_name(sym, &c->ev), legs, c->ev.net_bps,
		    opp_reason_name(c->ev.reason), life);
	}
	return (tui_cut(buf, len, n, width));
}
