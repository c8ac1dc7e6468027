/*
 * xarb decode.  Cold path: a tool for operators and for tests, so it
 * reads lines of any length and formats freely; the parsing itself is
 * the engine's hot-path code.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xarb.h"
#include "book.h"
#include "config.h"
#include "decode.h"
#include "fixed.h"
#include "symbols.h"
#include "venue.h"
#include "venues.h"

struct decode {
	struct book *book;	   /* owned: merged state per instrument */
	const struct symbols *sym; /* borrowed */
	enum venue_id venue;
	FILE *out;
};

static void
decode_num(FILE *fp, int64_t v, unsigned decimals)
{
	char buf[48];

	fixed_format(v, decimals, buf, sizeof buf);
	fputs(buf, fp);
}

/* Prints the merged quote and/or funding of the updated instrument. */
static void
decode_emit(struct venue_parser *p, const struct venue_update *up)
{
	struct decode *dc = p->arg;
	const struct quote *q;
	const char *name;

	q = book_apply(dc->book, up->inst, dc->venue, &up->u, 0);
	name = symbols_canonical(dc->sym, up->inst, dc->venue);
	if (up->u.mask & QU_TOP) {
		fprintf(dc->out,
		    "{\"type\":\"quote\",\"venue\":\"%s\","
		    "\"instrument\":\"%s\",\"bid\":",
		    venues_name(dc->venue), name);
		decode_num(dc->out, q->bid, PX_DECIMALS);
		fputs(",\"bid_size\":", dc->out);
		decode_num(dc->out, q->bid_size, QTY_DECIMALS);
		fputs(",\"ask\":", dc->out);
		decode_num(dc->out, q->ask, PX_DECIMALS);
		fputs(",\"ask_size\":", dc->out);
		decode_num(dc->out, q->ask_size, QTY_DECIMALS);
		fprintf(dc->out, ",\"ts_ms\":%lld}\n",
		    (long long)(q->exch_ts / NS_PER_MS));
	}
	if (up->u.mask & (QU_FUNDING | QU_FUNDING_MIN | QU_NEXT_FUNDING)) {
		fprintf(dc->out,
		    "{\"type\":\"funding\",\"venue\":\"%s\","
		    "\"instrument\":\"%s\",\"rate\":",
		    venues_name(dc->venue), name);
		decode_num(dc->out, q->funding, RATE_DECIMALS);
		fputs(",\"interval_h\":", dc->out);
		/* Minutes to hours, exactly for whole minutes in tenths. */
		decode_num(dc->out, (int64_t)q->funding_min * 10000 / 60, 4);
		fprintf(dc->out, ",\"next_funding_ms\":%lld}\n",
		    (long long)q->next_funding * 1000);
	}
}

/* A drop that means the input is wrong, not just not ours. */
static int
decode_is_error(const struct venue_parser *p, const uint64_t *before)
{
	return (p->drops[VENUE_DROP_JSON] != before[VENUE_DROP_JSON] ||
	    p->drops[VENUE_DROP_SHAPE] != before[VENUE_DROP_SHAPE] ||
	    p->drops[VENUE_DROP_NUMBER] != before[VENUE_DROP_NUMBER]);
}

int
decode_run(const struct config *cfg, enum venue_id v, FILE *in,
    const char *name, FILE *out, FILE *err)
{
	struct venue_parser *p;
	struct symbols *sym;
	struct decode dc;
	uint64_t before[VENUE_DROP_COUNT];
	char *line = NULL, *cause = NULL;
	size_t cap = 0, len;
	ssize_t n;
	unsigned lineno = 0, bad = 0;

	if ((sym = symbols_new(cfg, &cause)) == NULL) {
		fprintf(err, "xarb: decode: %s\n", cause);
		free(cause);
		return (XARB_EXIT_CONFIG);
	}
	memset(&dc, 0, sizeof dc);
	dc.book = book_new(symbols_count(sym));
	dc.sym = sym;
	dc.venue = v;
	dc.out = out;
	p = malloc(sizeof *p); /* 80 KiB of tokens: not on the stack */
	if (p == NULL) {
		fprintf(err, "xarb: decode: out of memory\n");
		return (XARB_EXIT_FAILURE);
	}
	venue_parser_init(p, v, 0, sym, decode_emit, &dc);
	while ((n = getline(&line, &cap, in)) != -1) {
		lineno++;
		len = (size_t)n;
		while (len > 0 &&
		    (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		if (len == 0)
			continue;
		memcpy(before, p->drops, sizeof before);
		if (venue_parse(p, line, len, 0) != VENUE_DROPPED)
			continue;
		if (decode_is_error(p, before)) {
			bad++;
			fprintf(err, "%s:%u: malformed: %s\n", name, lineno,
			    p->why);
		} else
			fprintf(err, "%s:%u: skipped: %s\n", name, lineno,
			    p->why);
	}
	free(line);
	fflush(out);
	venue_parser_fini(p);
	free(p);
	book_free(dc.book);
	symbols_free(sym);
	return (bad > 0 ? XARB_EXIT_DATAERR : XARB_EXIT_OK);
}
