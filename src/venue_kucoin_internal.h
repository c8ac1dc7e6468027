/*
 * KuCoin Futures adapter internals, for tests/check_venue_kucoin only:
 * the message builders behind subscribe(), ping() and prepared(),
 * which need no live connection.
 */
#ifndef XARB_VENUE_KUCOIN_INTERNAL_H
#define XARB_VENUE_KUCOIN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* The venue symbol of the connection's k-th instrument. */
typedef const char *(*kucoin_symbol_cb)(void *arg, unsigned k);
/* Sends one text frame: 0, or -1 to give up. */
typedef int (*kucoin_send_cb)(void *arg, const char *text, size_t len);

/*
 * Hands every subscribe message for n instruments to send, in order:
 * tickerV2 topics first, then instrument topics, at most
 * KUCOIN_SYMBOLS_PER_MSG symbols a message.  0, or -1 if a symbol does
 * not fit or send fails.
 */
#define KUCOIN_SYMBOLS_PER_MSG 100
int kucoin_subscribe_each(unsigned n, kucoin_symbol_cb symbol,
    kucoin_send_cb send, void *arg);

/* {"id":"<id>","type":"ping"} into buf; its length, or -1 if too small. */
int kucoin_ping_build(char *buf, size_t len, int64_t id);

/*
 * Reads a bullet-public answer into url ("<endpoint>?token=<token>
 * &connectId=<connect_id>") and *ping_interval (seconds; left alone if
 * the answer names none).  0, or -1 with why filled in.
 */
int kucoin_prepared_url(const char *body, size_t len, const char *connect_id,
    char *url, size_t url_len, double *ping_interval, char *why,
    size_t why_len);

#endif /* XARB_VENUE_KUCOIN_INTERNAL_H */
