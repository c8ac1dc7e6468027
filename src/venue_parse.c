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

int
venue_present(const struct json_doc *d, int t)
{
	const char *s;
	size_t len;

	if (t == -1 || json_is_null(d, t))
		return (0);
	return (json_get_str(d, t, &s, &len) != 0 || len > 0);
}

int
venue_ms(struct venue_parser *p, int tok, const char *what, int64_t *ns)
{
	int64_t ms;

	if (json_get_i64(&p->doc, tok, &ms) != 0 || ms <= 0 ||
	    ms > INT64_MAX / NS_PER_MS) {
		venue_drop(p, VENUE_DROP_NUMBER, "bad %s", what);
		return (-1);
	}
	*ns = ms * NS_PER_MS;
	return (0);
}

int
venue_book_side(struct venue_parser *p, inst_id i, int arr, const char *chan,
    const char *name, int64_t *px, int64_t *sz)
{
	const struct json_doc *d = &p->doc;
	int lvl;

	*px = *sz = 0;
	if (json_is_null(d, arr))
		return (0);
	if (!json_is_array(d, arr)) {
		venue_drop(p, VENUE_DROP_SHAPE, "%s: %s is not a list", chan,
		    name);
		return (-1);
	}
	if (json_size(d, arr) == 0)
		return (0);
	lvl = json_index(d, arr, 0);
	if (!json_is_array(d, lvl) || json_size(d, lvl) < 2) {
		venue_drop(p, VENUE_DROP_SHAPE, "%s: bad %s level", chan, name);
		return (-1);
	}
	if (venue_price(p, i, json_index(d, lvl, 0), px) != 0 ||
	    venue_size(p, i, json_index(d, lvl, 1), sz) != 0)
		return (-1);
	return (0);
}

int
venue_ticker_side(struct venue_parser *p, inst_id i, int el, const char *pk,
    const char *sk, int64_t *px, int64_t *sz)
{
	const struct json_doc *d = &p->doc;
	int t = json_find(d, el, pk);

	if (t == -1)
		return (1);
	*px = *sz = 0;
	if (!venue_present(d, t))
		return (0);
	if (venue_price(p, i, t, px) != 0 ||
	    venue_size(p, i, json_find(d, el, sk), sz) != 0)
		return (-1);
	return (0);
}

void
venue_emit(struct venue_parser *p, const struct venue_update *up)
{
	p->updates++;
	p->emit(p, up);
}
