/*
 * Hyperliquid adapter internals, for tests/check_venue_hyperliquid
 * only: the message builders behind subscribe() and ping(), which need
 * no live connection.
 */
#ifndef XARB_VENUE_HYPERLIQUID_INTERNAL_H
#define XARB_VENUE_HYPERLIQUID_INTERNAL_H

#include <stddef.h>

/* The venue symbol (coin) of the connection's k-th instrument. */
typedef const char *(*hyperliquid_symbol_cb)(void *arg, unsigned k);
/* Sends one text frame: 0, or -1 to give up. */
typedef int (*hyperliquid_send_cb)(void *arg, const char *text, size_t len);

/*
 * Hands every subscribe message for n coins to send, in order: bbo then
 * activeAssetCtx for each coin (one subscription a message).  0, or -1
 * if a coin does not fit or send fails.
 */
int hyperliquid_subscribe_each(unsigned n, hyperliquid_symbol_cb symbol,
    hyperliquid_send_cb send, void *arg);

/* {"method":"ping"} into buf; its length, or -1 if too small. */
int hyperliquid_ping_build(char *buf, size_t len);

#endif /* XARB_VENUE_HYPERLIQUID_INTERNAL_H */
