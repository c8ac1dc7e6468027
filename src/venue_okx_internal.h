/*
 * OKX adapter internals that the tests reach (tests/check_venue_okx.c):
 * the subscribe batching and the heartbeat text, without a live
 * connection.  Not for other modules.
 */
#ifndef XARB_VENUE_OKX_INTERNAL_H
#define XARB_VENUE_OKX_INTERNAL_H

#include <stddef.h>

#define OKX_INST_PER_REQ 50 /* instruments (2 args each) per subscribe */

/* The k-th venue symbol of the connection, or NULL to skip it. */
typedef const char *(*venue_okx_sym_cb)(void *arg, unsigned k);

/* Sends one text frame; 0, or -1 to give up. */
typedef int (*venue_okx_send_cb)(void *arg, const char *text, size_t len);

/*
 * Sends the subscribe requests for instruments 0..n-1 (bbo-tbt and
 * funding-rate each), OKX_INST_PER_REQ per request.  Symbols that would
 * break the request's JSON are skipped.  Returns the number of
 * instruments subscribed, or -1 if a send failed.
 */
int venue_okx_subscribe_all(unsigned n, venue_okx_sym_cb sym,
    venue_okx_send_cb send, void *arg);

/* The heartbeat: a text frame, not JSON; the venue answers "pong". */
extern const char venue_okx_ping_text[];

#endif /* XARB_VENUE_OKX_INTERNAL_H */
