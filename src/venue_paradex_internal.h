/*
 * Paradex adapter internals exposed to tests/check_venue_paradex.c: the
 * subscribe requests are built here without a live connection.
 */
#ifndef XARB_VENUE_PARADEX_INTERNAL_H
#define XARB_VENUE_PARADEX_INTERNAL_H

#include <stddef.h>

/*
 * The subscriptions of one connection, one JSON-RPC request per channel:
 * for instrument k, bbo.<SYM> (id 2k+1) then funding_data.<SYM> (id
 * 2k+2).  sym(arg, k) names instrument k; next counts requests written.
 */
struct paradex_sub {
	unsigned n;
	const char *(*sym)(const void *arg, unsigned k);
	const void *arg;
	unsigned next;
};

/*
 * Writes the next request into buf (NUL-terminated).  Returns its
 * length, 0 when every request is written, or -1 if it does not fit.
 * Symbols that could not be sent inside a JSON string are skipped.
 */
int paradex_sub_next(struct paradex_sub *s, char *buf, size_t len);

#endif /* XARB_VENUE_PARADEX_INTERNAL_H */
