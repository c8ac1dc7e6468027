/*
 * Shared plain types: ids, fixed-point scales and timestamps.
 *
 * Prices and sizes are fixed-point int64 parsed exactly from the wire,
 * never through a double.  Prices carry 10 decimals so that sub-cent
 * coins (PEPE at 0.0000123) keep sub-basis-point resolution; sizes carry
 * 8 (one satoshi).  Funding rates fit an int32 with 9 decimals (range
 * +/-2.147 per interval, far beyond any venue's cap).  Timestamps are
 * int64 nanoseconds since the Unix epoch.  Doubles appear only for ratios
 * (bps, confidence) and display.
 */
#ifndef XARB_TYPES_H
#define XARB_TYPES_H

#include <stdint.h>

#define PX_DECIMALS 10
#define PX_SCALE INT64_C(10000000000)
#define QTY_DECIMALS 8
#define QTY_SCALE INT64_C(100000000)
#define RATE_DECIMALS 9
#define RATE_SCALE INT64_C(1000000000)

#define NS_PER_US INT64_C(1000)
#define NS_PER_MS INT64_C(1000000)
#define NS_PER_S INT64_C(1000000000)

/* Funding rates are compared per this period (design: "same period"). */
#define FUNDING_NORM_MINUTES 480

/* Instrument ids are dense, assigned once at start-up. */
typedef uint16_t inst_id;
#define INST_MAX 4096
#define INST_NONE UINT16_MAX

/* The seven venues; the order is the id and never changes at run time. */
enum venue_id {
	VENUE_BYBIT,
	VENUE_OKX,
	VENUE_KUCOIN,
	VENUE_BITGET,
	VENUE_HYPERLIQUID,
	VENUE_PARADEX,
	VENUE_BINANCE,
	VENUE_COUNT
};
#define VENUE_NONE 0xff

#endif /* XARB_TYPES_H */
