/*
 * The parse side shared by every adapter: the parser's life, drop
 * accounting, symbol lookup, and wire-to-canonical numbers.  Hot path
 * except venue_drop's formatting, which only runs for bad messages.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xarb.h"
#include "symbols.h"
#include "venue.h"
#include "xmalloc.h"

static const char *const venue_drop_keys[VENUE_DROP_COUNT] = {
	[VENUE_DROP_JSON] = "json",
	[VENUE_DROP_SHAPE] = "shape",
	[VENUE_DROP_NUMBER] = "number",
	[VENUE_DROP_SYMBOL] = "symbol",
	[VENUE_DROP_CONTRACT] = "contract",
	[VENUE_DROP_ERROR] = "error",
	[VENUE_DROP_SNAPSHOT] = "snapshot",
	[VENUE_DROP_SEQUENCE] = "sequence",
};

const char *
venue_drop_key(unsigned d)
{
	return (d < VENUE_DROP_COUNT ? venue_drop_keys[d] : "?");
}

void
venue_parser_init(struct venue_parser *p, enum venue_id v, unsigned stream,
    const struct symbols *sym, venue_emit_fn emit, void *arg)
{
	unsigned n = symbols_count(sym);

	memset(p, 0, offsetof(struct venue_parser, doc));
	p->ops = venue_table[v];
	p->sym = sym;
	p->venue = v;
	p->stream = stream;
	p->emit = emit;
	p->arg = arg;
	p->snap = xcalloc(n, sizeof *p->snap);
	p->seq = xcalloc(n, sizeof *p->seq);
}

void
venue_parser_fini(struct venue_parser *p)
{
	free(p->snap);
	free(p->seq);
	p->snap = NULL;
	p->seq = NULL;
}

void
venue_parser_reset(struct venue_parser *p)
{
	unsigned n = symbols_count(p->sym);

	memset(p->snap, 0, n * sizeof *p->snap);
	memset(p->seq, 0, n * sizeof *p->seq);
	p->welcomed = 0;
}

enum venue_result
venue_parse(struct venue_parser *p, const char *msg, size_t len,
    int64_t recv_ts)
{
	enum venue_result r;

	p->msgs++;
	r = p->ops->parse(p, msg, len, recv_ts);
	if (r == VENUE_IGNORED)
		p->ignored++;
	return (r);
}

enum venue_result
venue_drop(struct venue_parser *p, enum venue_drop why, const char *fmt, ...)
{
	va_list ap;

	p->drops[why]++;
	va_start(ap, fmt);
	vsnprintf(p->why, sizeof p->why, fmt, ap);
	va_end(ap);
	return (VENUE_DROPPED);
}

int
venue_symbol(struct venue_parser *p, const char *sym, size_t len)
{
	int i = symbols_lookup(p->sym, p->venue, sym, len);

	if (i < 0)
		venue_drop(p, VENUE_DROP_SYMBOL, "symbol %.*s is not traded",
		    (int)(len > 40 ? 40 : len), sym);
	return (i);
}

int
venue_symbol_tok(struct venue_parser *p, int tok)
{
	const char *s;
	size_t len;

	if (json_get_str(&p->doc, tok, &s, &len) != 0) {
		venue_drop(p, VENUE_DROP_SHAPE, "no symbol");
		return (-1);
	}
	return (venue_symbol(p, s, len));
}

int
venue_price(struct venue_parser *p, inst_id i, int tok, int64_t *out)
{
	int64_t w;

	if (json_get_fixed(&p->doc, tok, PX_DECIMALS, &w) < 0 || w < 0) {
		venue_drop(p, VENUE_DROP_NUMBER, "bad price");
		return (-1);
	}
	return (symbols_to_price(p->sym, i, p->venue, w, out));
}

int
venue_size(struct venue_parser *p, inst_id i, int tok, int64_t *out)
{
	int64_t w;

	if (json_get_fixed(&p->doc, tok, QTY_DECIMALS, &w) < 0 || w < 0) {
		venue_drop(p, VENUE_DROP_NUMBER, "bad size");
		return (-1);
	}
	if (symbols_to_qty(p->sym, i, p->venue, w, out) != 0) {
		venue_drop(p, VENUE_DROP_CONTRACT, "%s: contract size unknown",
		    symbols_venue_symbol(p->sym, i, p->venue));
		return (-1);
	}
	return (0);
}

void
venue_emit(struct venue_parser *p, const struct venue_update *up)
{
	p->updates++;
	p->emit(p, up);
}
