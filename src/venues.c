/*
 * Static venue table.  Fees are each venue's lowest public tier as of the
 * protocol notes (../shared/protocols/README.md section 0); operators
 * override them per venue in the config.  Funding intervals here are
 * only the usual ones: venues set them per symbol, and the adapters read
 * the real one from the wire or the instruments endpoint.
 */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "xarb.h"
#include "venues.h"

static const struct venue_info venues_table[VENUE_COUNT] = {
	[VENUE_BYBIT] = {
	    .name = "bybit",
	    .label = "Bybit",
	    .quote = VENUE_QUOTE_USDT,
	    .url = "wss://stream.bybit.com/v5/public/linear",
	    .url_rest = "https://api.bybit.com",
	    .taker_fee_bps = 5.5,
	    .maker_fee_bps = 2.0,
	    .funding_minutes = 480,
	},
	[VENUE_OKX] = {
	    .name = "okx",
	    .label = "OKX",
	    .quote = VENUE_QUOTE_USDT,
	    .url = "wss://ws.okx.com:8443/ws/v5/public",
	    .url_rest = "https://www.okx.com",
	    .taker_fee_bps = 5.0,
	    .maker_fee_bps = 2.0,
	    .funding_minutes = 480,
	},
	[VENUE_KUCOIN] = {
	    .name = "kucoin",
	    .label = "KuCoin",
	    .quote = VENUE_QUOTE_USDT,
	    .url = "", /* handed out by POST /api/v1/bullet-public */
	    .url_rest = "https://api-futures.kucoin.com",
	    .taker_fee_bps = 6.0,
	    .maker_fee_bps = 2.0,
	    .funding_minutes = 480,
	},
	[VENUE_BITGET] = {
	    .name = "bitget",
	    .label = "Bitget",
	    .quote = VENUE_QUOTE_USDT,
	    .url = "wss://ws.bitget.com/v2/ws/public",
	    .url_rest = "https://api.bitget.com",
	    .taker_fee_bps = 6.0,
	    .maker_fee_bps = 2.0,
	    .funding_minutes = 480,
	},
	[VENUE_HYPERLIQUID] = {
	    .name = "hyperliquid",
	    .label = "Hyperliquid",
	    .quote = VENUE_QUOTE_USD,
	    .url = "wss://api.hyperliquid.xyz/ws",
	    .url_rest = "https://api.hyperliquid.xyz",
	    .taker_fee_bps = 4.5,
	    .maker_fee_bps = 1.5,
	    .funding_minutes = 60,
	},
	[VENUE_PARADEX] = {
	    .name = "paradex",
	    .label = "Paradex",
	    .quote = VENUE_QUOTE_USD,
	    .url = "wss://ws.api.prod.paradex.trade/v1",
	    .url_rest = "https://api.prod.paradex.trade",
	    .taker_fee_bps = 4.5,
	    .maker_fee_bps = 0.0,
	    .funding_minutes = 480, /* continuous, quoted per 8 h */
	},
	[VENUE_BINANCE] = {
	    .name = "binance",
	    .label = "Binance",
	    .quote = VENUE_QUOTE_USDT,
	    .url = "wss://fstream.binance.com/public/ws",
	    .url_market = "wss://fstream.binance.com/market/ws",
	    .url_rest = "https://fapi.binance.com",
	    .taker_fee_bps = 5.0,
	    .maker_fee_bps = 2.0,
	    .funding_minutes = 480,
	},
};

const struct venue_info *
venues_info(enum venue_id v)
{
	return (&venues_table[v]);
}

const char *
venues_name(unsigned v)
{
	if (v >= VENUE_COUNT)
		return ("?");
	return (venues_table[v].name);
}

int
venues_lookup(const char *name)
{
	unsigned v;

	for (v = 0; v < VENUE_COUNT; v++) {
		if (strcasecmp(name, venues_table[v].name) == 0)
			return ((int)v);
	}
	return (-1);
}

const char *
venues_quote_name(enum venue_quote q)
{
	return (q == VENUE_QUOTE_USD ? "USD" : "USDT");
}

char *
venues_list(char *buf, unsigned len)
{
	unsigned v;
	size_t off = 0;

	if (len == 0)
		return (buf);
	buf[0] = '\0';
	for (v = 0; v < VENUE_COUNT && off < len; v++) {
		int n = snprintf(buf + off, len - off, "%s%s", v ? " " : "",
		    venues_table[v].name);
		if (n < 0)
			break;
		off += (size_t)n;
	}
	return (buf);
}
