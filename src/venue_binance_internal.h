/*
 * Binance adapter internals exposed to tests/check_venue_binance.c: the
 * SUBSCRIBE requests are built here without a live connection.
 */
#ifndef XARB_VENUE_BINANCE_INTERNAL_H
#define XARB_VENUE_BINANCE_INTERNAL_H

#include <stddef.h>

#define BINANCE_STREAM_BOOK 0	  /* /public: <sym>@bookTicker */
#define BINANCE_STREAM_MARKET 1	  /* /market: <sym>@markPrice@1s */
#define BINANCE_REQ_BYTES 4000	  /* per SUBSCRIBE text frame */
#define BINANCE_REQ_NAMES 200	  /* stream names per SUBSCRIBE */
#define BINANCE_CONN_STREAMS 1024 /* streams per connection */

/*
 * The subscriptions of one connection: every instrument's stream of the
 * given kind, in SUBSCRIBE requests with ids 1, 2, ...  sym(arg, k)
 * names instrument k in the venue's case; next is the first instrument
 * not yet written, id the last request id used.
 */
struct binance_sub {
	unsigned stream;
	unsigned n;
	const char *(*sym)(const void *arg, unsigned k);
	const void *arg;
	unsigned next;
	unsigned id;
	unsigned names; /* streams requested so far on this connection */
};

/*
 * Writes the next request into buf (NUL-terminated).  Returns its
 * length, 0 when every stream is requested (or the connection is full),
 * or -1 if buf is too small for even one name.  Symbols that could not
 * be sent inside a JSON string are skipped.
 */
int binance_sub_next(struct binance_sub *s, char *buf, size_t len);

#endif /* XARB_VENUE_BINANCE_INTERNAL_H */
