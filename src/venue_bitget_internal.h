/*
 * Bitget adapter internals that the tests reach
 * (tests/check_venue_bitget.c): the subscribe batching and the heartbeat
 * text, without a live connection.  Not for other modules.
 */
#ifndef XARB_VENUE_BITGET_INTERNAL_H
#define XARB_VENUE_BITGET_INTERNAL_H

#include <stddef.h>

#define BITGET_REQ_MAX 4096	 /* bytes per subscribe request (Bitget) */
#define BITGET_REQS_AT_OPEN 9	 /* requests sent at open: under 10 msgs/s */
#define BITGET_CHANNELS_MAX 1000 /* channels per connection (Bitget) */

/* The k-th venue symbol of the connection, or NULL to skip it. */
typedef const char *(*venue_bitget_sym_cb)(void *arg, unsigned k);

/* Sends one text frame; 0, or -1 to give up. */
typedef int (*venue_bitget_send_cb)(void *arg, const char *text, size_t len);

/*
 * Sends the subscribe requests for instruments 0..n-1 (books1 and ticker
 * each, instType USDT-FUTURES), as many per request as fit in
 * BITGET_REQ_MAX bytes, at most BITGET_REQS_AT_OPEN requests: the
 * instruments beyond are not subscribed.  Symbols that would break the
 * request's JSON are skipped.  Returns the number of instruments
 * subscribed, or -1 if a send failed.
 */
int venue_bitget_subscribe_all(unsigned n, venue_bitget_sym_cb sym,
    venue_bitget_send_cb send, void *arg);

/* The heartbeat: a text frame, not JSON; the venue answers "pong". */
extern const char venue_bitget_ping_text[];

#endif /* XARB_VENUE_BITGET_INTERNAL_H */
