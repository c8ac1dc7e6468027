/*
 * Every venue adapter, indexed by enum venue_id (tmux's cmd_table).
 * Adding an exchange is one file and one line here.
 */
#include "autoconf.h"

#include "venue.h"

extern const struct venue_ops venue_binance_ops;
extern const struct venue_ops venue_bitget_ops;
extern const struct venue_ops venue_bybit_ops;
extern const struct venue_ops venue_hyperliquid_ops;
extern const struct venue_ops venue_kucoin_ops;
extern const struct venue_ops venue_okx_ops;
extern const struct venue_ops venue_paradex_ops;

const struct venue_ops *const venue_table[VENUE_COUNT] = {
	[VENUE_BYBIT] = &venue_bybit_ops,
	[VENUE_OKX] = &venue_okx_ops,
	[VENUE_KUCOIN] = &venue_kucoin_ops,
	[VENUE_BITGET] = &venue_bitget_ops,
	[VENUE_HYPERLIQUID] = &venue_hyperliquid_ops,
	[VENUE_PARADEX] = &venue_paradex_ops,
	[VENUE_BINANCE] = &venue_binance_ops,
};
