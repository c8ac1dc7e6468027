/*
 * Instruments: canonical names (BASE-QUOTE-PERP), each venue's own symbol
 * for them, and the units that turn wire prices and sizes into per-coin
 * prices and base-coin sizes.  Built once at start-up from the config and
 * read-only afterwards, so any thread may read it without a lock.
 *
 * An instrument id names one base asset across all venues: BTC is
 * BTC-USDT-PERP on the USDT-margined venues and BTC-USD-PERP on
 * Hyperliquid and Paradex, and the detector compares them (see
 * [detector] quote_mix).  Ids are dense, 0..symbols_count()-1.
 */
#ifndef XARB_SYMBOLS_H
#define XARB_SYMBOLS_H

#include <stddef.h>
#include <stdint.h>

#include "types.h"

struct config;
struct symbols;

/*
 * Builds the table from [instruments] symbols and each venue's symbols,
 * map and contract_size.  Returns NULL with *cause set on a conflict
 * (two bases mapped to one venue symbol).
 */
struct symbols *symbols_new(const struct config *cfg, char **cause);

/* NULL is a no-op. */
void symbols_free(struct symbols *s);

unsigned symbols_count(const struct symbols *s);

/* "BTC" */
const char *symbols_base(const struct symbols *s, inst_id i);

/* "BTC-USDT-PERP" or "BTC-USD-PERP", depending on the venue's quote. */
const char *symbols_canonical(const struct symbols *s, inst_id i,
    enum venue_id v);

/* The venue's symbol ("XBTUSDTM"), or NULL if the venue does not list i. */
const char *symbols_venue_symbol(const struct symbols *s, inst_id i,
    enum venue_id v);

/*
 * Venue symbol -> instrument id, or -1.  Case-sensitive, except that
 * Binance's lower-case stream names also match.  Does not allocate; a
 * short hash probe (see tests/bench/bench_symbols).
 */
int symbols_lookup(const struct symbols *s, enum venue_id v, const char *sym,
    size_t len);

/* Canonical name (either quote) or bare base -> id, or -1. */
int symbols_lookup_canonical(const struct symbols *s, const char *name);

/*
 * Base coins per wire size unit, scaled by QTY_SCALE (OKX BTC: 0.01 ->
 * 1000000), or 0 when unknown (the venue must fetch it before it can
 * subscribe).
 */
int64_t symbols_contract_size(const struct symbols *s, inst_id i,
    enum venue_id v);

/*
 * Sets a contract size learnt from the venue's instruments endpoint.  A
 * config override wins: then this returns 1 and changes nothing.
 * Start-up only (before any reader runs).  Returns 0 when set.
 */
int symbols_set_contract_size(struct symbols *s, inst_id i, enum venue_id v,
    int64_t size);

/* Is the contract size set by the config ([venue.X] contract_size)? */
int symbols_contract_fixed(const struct symbols *s, inst_id i, enum venue_id v);

#define SYMBOLS_FUNDING_MAX_MIN 10080 /* a week: no venue settles rarer */

/*
 * The funding interval of (i, v) in minutes: learnt at start-up from the
 * venue's instruments endpoint, else the venue's rule (Hyperliquid 60,
 * the others 480; Paradex accrues continuously but quotes 8 h rates).
 * Adapters start from it and may learn better from the stream.
 */
uint32_t symbols_funding_min(const struct symbols *s, inst_id i,
    enum venue_id v);

/* Start-up only.  0, or -1 if out of range. */
int symbols_set_funding_min(struct symbols *s, inst_id i, enum venue_id v,
    uint32_t minutes);

/*
 * The first settlement after now_ms (unix ms) derived from one known
 * settlement and the interval, or 0 when none is known (KuCoin's
 * instruments endpoint gives one; its WebSocket does not).  No
 * allocation: adapters call it on the hot path.
 */
int64_t symbols_next_funding_ms(const struct symbols *s, inst_id i,
    enum venue_id v, int64_t now_ms);

/* Start-up only: a known settlement time (unix ms).  0, or -1. */
int symbols_set_next_funding_ms(struct symbols *s, inst_id i, enum venue_id v,
    int64_t ms);

/*
 * Does venue v trade i: it has a symbol there and the venue's
 * instruments list (when fetched) names it.
 */
int symbols_listed(const struct symbols *s, inst_id i, enum venue_id v);

/* Start-up only: the venue's instruments list does not name i. */
void symbols_set_unlisted(struct symbols *s, inst_id i, enum venue_id v);

/* Base coins per quoted price unit: 1, or 1000 for 1000PEPEUSDT. */
int64_t symbols_price_units(const struct symbols *s, inst_id i,
    enum venue_id v);

/*
 * Wire values to canonical ones: price per coin (PX_SCALE) and size in
 * coins (QTY_SCALE).  Return 0, or -1 on overflow or an unknown contract
 * size.
 */
int symbols_to_price(const struct symbols *s, inst_id i, enum venue_id v,
    int64_t wire_px, int64_t *px);
int symbols_to_qty(const struct symbols *s, inst_id i, enum venue_id v,
    int64_t wire_qty, int64_t *qty);

#endif /* XARB_SYMBOLS_H */
