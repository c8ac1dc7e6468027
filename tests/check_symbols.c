/*
 * Tests of the instrument table: each venue's symbol for BTC both ways,
 * canonical names per quote, lookup rejects, contract sizes and price
 * units (built-in, fetched, config overrides), per-venue subsets, map
 * conflicts, and a large table that must keep every key.
 */
#include "autoconf.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "xarb.h"
#include "config.h"
#include "symbols.h"
#include "tcheck.h"
#include "types.h"

static struct config *cfg;
static struct symbols *sy;

/* Sets [section] key = value, failing the test if config_set refuses. */
static void
set(const char *section, const char *key, const char *value)
{
	char *cause = NULL;
	int rv;

	rv = config_set(cfg, section, key, value, &cause);
	ck_assert_msg(rv == 0, "[%s] %s = %s: %s", section, key, value,
	    cause != NULL ? cause : "?");
	free(cause);
}

/* Builds sy from cfg; the test fails with the cause if it cannot. */
static void
build(void)
{
	char *cause = NULL;

	sy = symbols_new(cfg, &cause);
	ck_assert_msg(sy != NULL, "symbols_new: %s",
	    cause != NULL ? cause : "?");
	free(cause);
}

/* Builds from cfg expecting failure; returns the cause (caller frees). */
static char *
build_fails(void)
{
	struct symbols *s;
	char *cause = NULL;

	s = symbols_new(cfg, &cause);
	ck_assert_ptr_null(s);
	ck_assert_ptr_nonnull(cause);
	return (cause);
}

static int
id_of(const char *base)
{
	int i = symbols_lookup_canonical(sy, base);

	ck_assert_msg(i >= 0, "no instrument %s", base);
	return (i);
}

static int
lookup(enum venue_id v, const char *sym)
{
	return (symbols_lookup(sy, v, sym, strlen(sym)));
}

static void
setup(void)
{
	cfg = config_new();
	sy = NULL;
	set("instruments", "symbols", "BTC ETH SOL PEPE DOGE");
}

static void
teardown(void)
{
	symbols_free(sy);
	config_free(cfg);
}

static const struct {
	enum venue_id v;
	const char *btc;
	const char *eth;
	const char *canonical;
} venue_cases[] = {
	{ VENUE_BYBIT, "BTCUSDT", "ETHUSDT", "BTC-USDT-PERP" },
	{ VENUE_OKX, "BTC-USDT-SWAP", "ETH-USDT-SWAP", "BTC-USDT-PERP" },
	{ VENUE_KUCOIN, "XBTUSDTM", "ETHUSDTM", "BTC-USDT-PERP" },
	{ VENUE_BITGET, "BTCUSDT", "ETHUSDT", "BTC-USDT-PERP" },
	{ VENUE_HYPERLIQUID, "BTC", "ETH", "BTC-USD-PERP" },
	{ VENUE_PARADEX, "BTC-USD-PERP", "ETH-USD-PERP", "BTC-USD-PERP" },
	{ VENUE_BINANCE, "BTCUSDT", "ETHUSDT", "BTC-USDT-PERP" },
};

/* Each venue's own name for BTC, in both directions. */
START_TEST(test_symbols_venue_btc_both_ways)
{
	enum venue_id v = venue_cases[_i].v;
	int btc, eth;

	build();
	btc = id_of("BTC");
	eth = id_of("ETH");
	ck_assert_str_eq(symbols_venue_symbol(sy, (inst_id)btc, v),
	    venue_cases[_i].btc);
	ck_assert_str_eq(symbols_venue_symbol(sy, (inst_id)eth, v),
	    venue_cases[_i].eth);
	ck_assert_int_eq(lookup(v, venue_cases[_i].btc), btc);
	ck_assert_int_eq(lookup(v, venue_cases[_i].eth), eth);
	ck_assert_str_eq(symbols_canonical(sy, (inst_id)btc, v),
	    venue_cases[_i].canonical);
	ck_assert_str_eq(symbols_base(sy, (inst_id)btc), "BTC");
}
END_TEST

START_TEST(test_symbols_ids_are_dense_in_config_order)
{
	static const char *const bases[] = { "BTC", "ETH", "SOL", "PEPE",
		"DOGE" };

	build();
	ck_assert_uint_eq(symbols_count(sy), nitems(bases));
	for (unsigned i = 0; i < nitems(bases); i++) {
		ck_assert_str_eq(symbols_base(sy, (inst_id)i), bases[i]);
		ck_assert_int_eq(symbols_lookup_canonical(sy, bases[i]),
		    (int)i);
	}
}
END_TEST

/* Binance stream names are lower case; only Binance accepts them. */
START_TEST(test_symbols_binance_lower_case)
{
	int btc;

	build();
	btc = id_of("BTC");
	ck_assert_int_eq(lookup(VENUE_BINANCE, "btcusdt"), btc);
	ck_assert_int_eq(lookup(VENUE_BINANCE, "BTCUSDT"), btc);
	ck_assert_int_eq(lookup(VENUE_BINANCE, "1000pepeusdt"), id_of("PEPE"));
	ck_assert_int_eq(lookup(VENUE_BINANCE, "BtcUsdt"), -1);
	ck_assert_int_eq(lookup(VENUE_BYBIT, "btcusdt"), -1);
	ck_assert_int_eq(lookup(VENUE_BITGET, "btcusdt"), -1);
	ck_assert_int_eq(lookup(VENUE_OKX, "btc-usdt-swap"), -1);
	ck_assert_int_eq(lookup(VENUE_KUCOIN, "xbtusdtm"), -1);
	ck_assert_int_eq(lookup(VENUE_HYPERLIQUID, "btc"), -1);
	ck_assert_int_eq(lookup(VENUE_HYPERLIQUID, "KPEPE"), -1);
	ck_assert_int_eq(lookup(VENUE_PARADEX, "btc-usd-perp"), -1);
}
END_TEST

START_TEST(test_symbols_lookup_rejects)
{
	char longsym[64];

	build();
	ck_assert_int_eq(lookup(VENUE_BYBIT, "XRPUSDT"), -1);
	ck_assert_int_eq(lookup(VENUE_BYBIT, "BTCUSD"), -1);	/* prefix */
	ck_assert_int_eq(lookup(VENUE_BYBIT, "BTCUSDTX"), -1);	/* longer */
	ck_assert_int_eq(lookup(VENUE_BYBIT, "PEPEUSDT"), -1);	/* 1000PEPE */
	ck_assert_int_eq(lookup(VENUE_OKX, "BTCUSDT"), -1);	/* Bybit's */
	ck_assert_int_eq(lookup(VENUE_KUCOIN, "BTCUSDTM"), -1); /* XBT */
	ck_assert_int_eq(lookup(VENUE_HYPERLIQUID, "BTCUSDT"), -1);
	ck_assert_int_eq(lookup(VENUE_PARADEX, "BTC-USDT-PERP"), -1);
	ck_assert_int_eq(symbols_lookup(sy, VENUE_BYBIT, "BTCUSDT", 0), -1);
	ck_assert_int_eq(symbols_lookup(sy, VENUE_COUNT, "BTCUSDT", 7), -1);
	memset(longsym, 'A', sizeof longsym - 1);
	longsym[sizeof longsym - 1] = '\0';
	ck_assert_int_eq(lookup(VENUE_BYBIT, longsym), -1);
	/* Length-bounded: what follows the symbol in a message is ignored. */
	ck_assert_int_eq(symbols_lookup(sy, VENUE_BYBIT, "BTCUSDT\",\"x\"", 7),
	    id_of("BTC"));
	ck_assert_int_eq(symbols_lookup(sy, VENUE_HYPERLIQUID, "ETHUSDT", 3),
	    id_of("ETH"));
}
END_TEST

START_TEST(test_symbols_lookup_canonical_names)
{
	int btc, pepe;

	build();
	btc = id_of("BTC");
	pepe = id_of("PEPE");
	ck_assert_int_eq(symbols_lookup_canonical(sy, "BTC-USDT-PERP"), btc);
	ck_assert_int_eq(symbols_lookup_canonical(sy, "BTC-USD-PERP"), btc);
	ck_assert_int_eq(symbols_lookup_canonical(sy, "BTC"), btc);
	ck_assert_int_eq(symbols_lookup_canonical(sy, "PEPE-USD-PERP"), pepe);
	ck_assert_int_eq(symbols_lookup_canonical(sy, "PEPE-USDT-PERP"), pepe);
	ck_assert_int_eq(symbols_lookup_canonical(sy, "BTC-USDC-PERP"), -1);
	ck_assert_int_eq(symbols_lookup_canonical(sy, "btc"), -1);
	ck_assert_int_eq(symbols_lookup_canonical(sy, "XBT"), -1);
	ck_assert_int_eq(symbols_lookup_canonical(sy, "BTCUSDT"), -1);
	ck_assert_int_eq(symbols_lookup_canonical(sy, ""), -1);
}
END_TEST

/* Bases may be 15 characters, so canonical names reach 25. */
START_TEST(test_symbols_long_base_canonical)
{
	static const char base[] = "1000000BABYDOGE";
	int i;

	set("instruments", "symbols", base);
	build();
	i = id_of(base);
	ck_assert_str_eq(symbols_venue_symbol(sy, (inst_id)i, VENUE_OKX),
	    "1000000BABYDOGE-USDT-SWAP");
	ck_assert_str_eq(symbols_venue_symbol(sy, (inst_id)i, VENUE_PARADEX),
	    "1000000BABYDOGE-USD-PERP");
	ck_assert_int_eq(lookup(VENUE_OKX, "1000000BABYDOGE-USDT-SWAP"), i);
	ck_assert_str_eq(symbols_canonical(sy, (inst_id)i, VENUE_BYBIT),
	    "1000000BABYDOGE-USDT-PERP");
	ck_assert_str_eq(symbols_canonical(sy, (inst_id)i, VENUE_PARADEX),
	    "1000000BABYDOGE-USD-PERP");
	ck_assert_int_eq(symbols_lookup_canonical(sy,
			     "1000000BABYDOGE-USDT-PERP"),
	    i);
}
END_TEST

/* A map symbol may be 28 characters (the config's limit). */
START_TEST(test_symbols_map_longest_symbol)
{
	static const char sym[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ01";
	char *map;
	int doge;

	ck_assert_uint_eq(strlen(sym), 28);
	if (asprintf(&map, "DOGE:%s", sym) == -1)
		ck_abort();
	set("venue.bitget", "map", map);
	free(map);
	build();
	doge = id_of("DOGE");
	ck_assert_str_eq(symbols_venue_symbol(sy, (inst_id)doge, VENUE_BITGET),
	    sym);
	ck_assert_int_eq(lookup(VENUE_BITGET, sym), doge);
	ck_assert_int_eq(lookup(VENUE_BITGET, "DOGEUSDT"), -1);
}
END_TEST

static const struct {
	enum venue_id v;
	const char *base;
	int64_t size; /* QTY_SCALE; 0 = unknown */
} contract_cases[] = {
	{ VENUE_OKX, "BTC", 1000000 },	 /* ctVal 0.01 */
	{ VENUE_OKX, "ETH", 10000000 },	 /* 0.1 */
	{ VENUE_OKX, "SOL", QTY_SCALE }, /* 1 */
	{ VENUE_OKX, "DOGE", 0 },	 /* fetched at start-up */
	{ VENUE_OKX, "PEPE", 0 },
	{ VENUE_KUCOIN, "BTC", 100000 },   /* multiplier 0.001 */
	{ VENUE_KUCOIN, "ETH", 1000000 },  /* 0.01 */
	{ VENUE_KUCOIN, "SOL", 10000000 }, /* 0.1 */
	{ VENUE_KUCOIN, "DOGE", 0 },
	{ VENUE_BYBIT, "BTC", QTY_SCALE },
	{ VENUE_BITGET, "DOGE", QTY_SCALE },
	{ VENUE_HYPERLIQUID, "BTC", QTY_SCALE },
	{ VENUE_PARADEX, "ETH", QTY_SCALE },
	{ VENUE_BINANCE, "PEPE", QTY_SCALE },
};

START_TEST(test_symbols_contract_size_table)
{
	int64_t got;
	inst_id i;

	build();
	i = (inst_id)id_of(contract_cases[_i].base);
	got = symbols_contract_size(sy, i, contract_cases[_i].v);
	ck_assert_msg(got == contract_cases[_i].size,
	    "%s on venue %d: contract %lld, expected %lld",
	    contract_cases[_i].base, (int)contract_cases[_i].v, (long long)got,
	    (long long)contract_cases[_i].size);
}
END_TEST

/* Until the venue tells us its contract size, sizes cannot convert. */
START_TEST(test_symbols_unknown_contract_is_learnt)
{
	inst_id doge;
	int64_t qty = -7;

	build();
	doge = (inst_id)id_of("DOGE");
	ck_assert_int_eq(symbols_contract_size(sy, doge, VENUE_OKX), 0);
	ck_assert_int_eq(symbols_to_qty(sy, doge, VENUE_OKX, QTY_SCALE, &qty),
	    -1);
	ck_assert_int_eq(qty, -7);
	/* OKX DOGE-USDT-SWAP ctVal is 1000 coins. */
	ck_assert_int_eq(symbols_set_contract_size(sy, doge, VENUE_OKX,
			     1000 * QTY_SCALE),
	    0);
	ck_assert_int_eq(symbols_contract_size(sy, doge, VENUE_OKX),
	    1000 * QTY_SCALE);
	ck_assert_int_eq(symbols_to_qty(sy, doge, VENUE_OKX, 2 * QTY_SCALE,
			     &qty),
	    0);
	ck_assert_int_eq(qty, 2000 * QTY_SCALE);
	/* Another venue's leg is not touched. */
	ck_assert_int_eq(symbols_contract_size(sy, doge, VENUE_KUCOIN), 0);
}
END_TEST

START_TEST(test_symbols_set_contract_size_rejects)
{
	inst_id doge;

	build();
	doge = (inst_id)id_of("DOGE");
	ck_assert_int_eq(symbols_set_contract_size(sy, doge, VENUE_OKX, 0), -1);
	ck_assert_int_eq(symbols_set_contract_size(sy, doge, VENUE_OKX, -5),
	    -1);
	ck_assert_int_eq(symbols_set_contract_size(sy,
			     (inst_id)symbols_count(sy), VENUE_OKX, QTY_SCALE),
	    -1);
	ck_assert_int_eq(symbols_set_contract_size(sy, doge, VENUE_COUNT,
			     QTY_SCALE),
	    -1);
	ck_assert_int_eq(symbols_contract_size(sy, doge, VENUE_OKX), 0);
}
END_TEST

/* contract_size in the config beats both the built-in and the venue. */
START_TEST(test_symbols_config_contract_size_wins)
{
	inst_id btc, doge;
	int64_t qty;

	set("venue.okx", "contract_size", "BTC:0.02 DOGE:1000");
	set("venue.kucoin", "contract_size", "DOGE:100");
	build();
	btc = (inst_id)id_of("BTC");
	doge = (inst_id)id_of("DOGE");
	ck_assert_int_eq(symbols_contract_size(sy, btc, VENUE_OKX), 2000000);
	ck_assert_int_eq(symbols_contract_size(sy, doge, VENUE_OKX),
	    1000 * QTY_SCALE);
	ck_assert_int_eq(symbols_contract_size(sy, doge, VENUE_KUCOIN),
	    100 * QTY_SCALE);
	ck_assert_int_eq(symbols_set_contract_size(sy, btc, VENUE_OKX, 1000000),
	    1);
	ck_assert_int_eq(symbols_contract_size(sy, btc, VENUE_OKX), 2000000);
	ck_assert_int_eq(symbols_to_qty(sy, btc, VENUE_OKX, 3 * QTY_SCALE,
			     &qty),
	    0);
	ck_assert_int_eq(qty, 6000000);
	/* The override is per venue and per base. */
	ck_assert_int_eq(symbols_contract_size(sy, btc, VENUE_KUCOIN), 100000);
	ck_assert_int_eq(symbols_set_contract_size(sy, btc, VENUE_KUCOIN,
			     200000),
	    0);
	ck_assert_int_eq(symbols_contract_size(sy, btc, VENUE_KUCOIN), 200000);
}
END_TEST

static const struct {
	enum venue_id v;
	const char *sym;
	int64_t units;
} pepe_cases[] = {
	{ VENUE_BYBIT, "1000PEPEUSDT", 1000 },
	{ VENUE_OKX, "PEPE-USDT-SWAP", 1 },
	{ VENUE_KUCOIN, "PEPEUSDTM", 1 },
	{ VENUE_BITGET, "PEPEUSDT", 1 },
	{ VENUE_HYPERLIQUID, "kPEPE", 1000 },
	{ VENUE_PARADEX, "PEPE-USD-PERP", 1 },
	{ VENUE_BINANCE, "1000PEPEUSDT", 1000 },
};

/* Where PEPE trades in thousands, price and size carry a factor. */
START_TEST(test_symbols_builtin_pepe_units)
{
	enum venue_id v = pepe_cases[_i].v;
	inst_id pepe;

	build();
	pepe = (inst_id)id_of("PEPE");
	ck_assert_str_eq(symbols_venue_symbol(sy, pepe, v), pepe_cases[_i].sym);
	ck_assert_int_eq(lookup(v, pepe_cases[_i].sym), pepe);
	ck_assert_int_eq(symbols_price_units(sy, pepe, v),
	    pepe_cases[_i].units);
	ck_assert_int_eq(symbols_price_units(sy, (inst_id)id_of("BTC"), v), 1);
}
END_TEST

/* The same through the config: [venue.bitget] map = PEPE:1000PEPEUSDT:1000 */
START_TEST(test_symbols_map_override_units)
{
	inst_id pepe, eth;
	int64_t px = 0, qty = 0;

	set("venue.bitget", "map", "PEPE:1000PEPEUSDT:1000");
	set("venue.okx", "map", "ETH:ETH-USDC-SWAP");
	build();
	pepe = (inst_id)id_of("PEPE");
	eth = (inst_id)id_of("ETH");
	ck_assert_str_eq(symbols_venue_symbol(sy, pepe, VENUE_BITGET),
	    "1000PEPEUSDT");
	ck_assert_int_eq(lookup(VENUE_BITGET, "1000PEPEUSDT"), pepe);
	ck_assert_int_eq(lookup(VENUE_BITGET, "PEPEUSDT"), -1);
	ck_assert_int_eq(symbols_price_units(sy, pepe, VENUE_BITGET), 1000);
	/* 0.0123 per 1000 PEPE is 0.0000123 per coin */
	ck_assert_int_eq(symbols_to_price(sy, pepe, VENUE_BITGET, 123000000,
			     &px),
	    0);
	ck_assert_int_eq(px, 123000);
	/* 5 contracts of 1000PEPE are 5000 coins */
	ck_assert_int_eq(symbols_to_qty(sy, pepe, VENUE_BITGET, 5 * QTY_SCALE,
			     &qty),
	    0);
	ck_assert_int_eq(qty, 5000 * QTY_SCALE);
	/* A map without units means 1; the canonical name is unchanged. */
	ck_assert_int_eq(lookup(VENUE_OKX, "ETH-USDC-SWAP"), eth);
	ck_assert_int_eq(lookup(VENUE_OKX, "ETH-USDT-SWAP"), -1);
	ck_assert_int_eq(symbols_price_units(sy, eth, VENUE_OKX), 1);
	ck_assert_str_eq(symbols_canonical(sy, eth, VENUE_OKX),
	    "ETH-USDT-PERP");
	/* Other venues keep their own rules. */
	ck_assert_int_eq(lookup(VENUE_BYBIT, "ETHUSDT"), eth);
	ck_assert_int_eq(symbols_price_units(sy, pepe, VENUE_OKX), 1);
}
END_TEST

/* A map without units replaces a built-in 1000x symbol with a 1x one. */
START_TEST(test_symbols_map_replaces_builtin)
{
	inst_id pepe;

	set("venue.hyperliquid", "map", "PEPE:PEPE");
	build();
	pepe = (inst_id)id_of("PEPE");
	ck_assert_int_eq(lookup(VENUE_HYPERLIQUID, "PEPE"), pepe);
	ck_assert_int_eq(lookup(VENUE_HYPERLIQUID, "kPEPE"), -1);
	ck_assert_int_eq(symbols_price_units(sy, pepe, VENUE_HYPERLIQUID), 1);
}
END_TEST

START_TEST(test_symbols_to_price_rounds)
{
	inst_id pepe, btc;
	int64_t px;

	build();
	pepe = (inst_id)id_of("PEPE");
	btc = (inst_id)id_of("BTC");
	ck_assert_int_eq(symbols_to_price(sy, pepe, VENUE_BYBIT, 1500, &px), 0);
	ck_assert_int_eq(px, 2);
	ck_assert_int_eq(symbols_to_price(sy, pepe, VENUE_BYBIT, 1499, &px), 0);
	ck_assert_int_eq(px, 1);
	ck_assert_int_eq(symbols_to_price(sy, pepe, VENUE_BYBIT, -1500, &px),
	    0);
	ck_assert_int_eq(px, -2);
	/* 1x: the wire price is the coin price. */
	ck_assert_int_eq(symbols_to_price(sy, btc, VENUE_OKX,
			     INT64_C(500015000000000), &px),
	    0);
	ck_assert_int_eq(px, INT64_C(500015000000000));
	ck_assert_int_eq(symbols_to_price(sy, pepe, VENUE_OKX, 123, &px), 0);
	ck_assert_int_eq(px, 123);
}
END_TEST

/*
 * The largest price fixed_parse accepts at PX_DECIMALS,
 * "922337203.6854775807", is valid wire input; dividing it by 1000 cannot
 * overflow, so neither may the rounding on the way.
 */
START_TEST(test_symbols_to_price_largest_wire_price)
{
	inst_id pepe;
	int64_t px = 0;

	build();
	pepe = (inst_id)id_of("PEPE");
	ck_assert_int_eq(symbols_to_price(sy, pepe, VENUE_HYPERLIQUID,
			     INT64_MAX, &px),
	    0);
	ck_assert_int_eq(px, INT64_MAX / 1000 + 1);
	ck_assert_int_eq(symbols_to_price(sy, pepe, VENUE_HYPERLIQUID,
			     -INT64_MAX, &px),
	    0);
	ck_assert_int_eq(px, -(INT64_MAX / 1000 + 1));
}
END_TEST

static const struct {
	enum venue_id v;
	const char *base;
	int64_t wire;
	int64_t coins;
} qty_cases[] = {
	{ VENUE_OKX, "BTC", 3 * QTY_SCALE, 3000000 },	 /* 0.03 BTC */
	{ VENUE_OKX, "ETH", 25 * QTY_SCALE, 250000000 }, /* 2.5 ETH */
	{ VENUE_OKX, "BTC", -3 * QTY_SCALE, -3000000 },
	{ VENUE_KUCOIN, "BTC", 7 * QTY_SCALE, 700000 },	    /* 0.007 BTC */
	{ VENUE_KUCOIN, "SOL", 15 * QTY_SCALE, 150000000 }, /* 1.5 SOL */
	{ VENUE_BYBIT, "BTC", 12345678, 12345678 },
	{ VENUE_HYPERLIQUID, "BTC", 1, 1 },
	{ VENUE_BYBIT, "PEPE", 5 * QTY_SCALE, 5000 * QTY_SCALE },
	{ VENUE_BINANCE, "PEPE", 5 * QTY_SCALE, 5000 * QTY_SCALE },
	{ VENUE_HYPERLIQUID, "PEPE", 5 * QTY_SCALE, 5000 * QTY_SCALE },
	{ VENUE_BITGET, "PEPE", 5 * QTY_SCALE, 5 * QTY_SCALE },
	{ VENUE_BYBIT, "PEPE", 0, 0 },
};

START_TEST(test_symbols_to_qty_table)
{
	int64_t qty = -1;
	inst_id i;

	build();
	i = (inst_id)id_of(qty_cases[_i].base);
	ck_assert_int_eq(symbols_to_qty(sy, i, qty_cases[_i].v,
			     qty_cases[_i].wire, &qty),
	    0);
	ck_assert_msg(qty == qty_cases[_i].coins,
	    "%s on venue %d: %lld wire -> %lld, expected %lld",
	    qty_cases[_i].base, (int)qty_cases[_i].v,
	    (long long)qty_cases[_i].wire, (long long)qty,
	    (long long)qty_cases[_i].coins);
}
END_TEST

START_TEST(test_symbols_to_qty_overflow)
{
	inst_id pepe;
	int64_t qty = 42;

	build();
	pepe = (inst_id)id_of("PEPE");
	ck_assert_int_eq(symbols_to_qty(sy, pepe, VENUE_BYBIT, INT64_MAX / 100,
			     &qty),
	    -1);
	ck_assert_int_eq(symbols_to_qty(sy, pepe, VENUE_BYBIT, INT64_MIN, &qty),
	    -1);
	ck_assert_int_eq(qty, 42);
}
END_TEST

/* [venue.kucoin] symbols = BTC ETH drops SOL there and nowhere else. */
START_TEST(test_symbols_venue_subset)
{
	inst_id sol, btc;

	set("venue.kucoin", "symbols", "BTC ETH");
	set("venue.binance", "symbols", "BTC");
	build();
	sol = (inst_id)id_of("SOL");
	btc = (inst_id)id_of("BTC");
	ck_assert_uint_eq(symbols_count(sy), 5);
	ck_assert_ptr_null(symbols_venue_symbol(sy, sol, VENUE_KUCOIN));
	ck_assert_int_eq(lookup(VENUE_KUCOIN, "SOLUSDTM"), -1);
	ck_assert_str_eq(symbols_venue_symbol(sy, btc, VENUE_KUCOIN),
	    "XBTUSDTM");
	ck_assert_int_eq(lookup(VENUE_KUCOIN, "XBTUSDTM"), btc);
	ck_assert_int_eq(lookup(VENUE_KUCOIN, "ETHUSDTM"), id_of("ETH"));
	ck_assert_int_eq(lookup(VENUE_BINANCE, "SOLUSDT"), -1);
	ck_assert_int_eq(lookup(VENUE_BINANCE, "solusdt"), -1);
	ck_assert_int_eq(lookup(VENUE_BINANCE, "btcusdt"), btc);
	ck_assert_str_eq(symbols_venue_symbol(sy, sol, VENUE_BYBIT), "SOLUSDT");
	ck_assert_int_eq(lookup(VENUE_BYBIT, "SOLUSDT"), sol);
	ck_assert_int_eq(lookup(VENUE_OKX, "SOL-USDT-SWAP"), sol);
	ck_assert_int_eq(symbols_lookup_canonical(sy, "SOL-USDT-PERP"), sol);
}
END_TEST

static const struct {
	const char *section;
	const char *key;
	const char *value;
	const char *venue, *sym, *base1, *base2;
} conflict_cases[] = {
	{ "venue.bybit", "map", "ETH:BTCUSDT", "bybit", "BTCUSDT", "BTC",
	    "ETH" },
	{ "venue.okx", "map", "SOL:X ETH:X", "okx", "X", "ETH", "SOL" },
	{ "venue.binance", "map", "DOGE:btcusdt", "binance", "btcusdt", "BTC",
	    "DOGE" },
	{ "venue.hyperliquid", "map", "DOGE:kPEPE", "hyperliquid", "kPEPE",
	    "PEPE", "DOGE" },
	/* KuCoin names bitcoin XBT, so BTC and XBT would share XBTUSDTM. */
	{ "instruments", "symbols", "BTC XBT", "kucoin", "XBTUSDTM", "BTC",
	    "XBT" },
};

/* Two bases on one venue symbol cannot both be right: refuse to start. */
START_TEST(test_symbols_map_conflict_fails)
{
	char *cause;

	set(conflict_cases[_i].section, conflict_cases[_i].key,
	    conflict_cases[_i].value);
	cause = build_fails();
	ck_assert_msg(strstr(cause, conflict_cases[_i].venue) != NULL &&
		strstr(cause, conflict_cases[_i].sym) != NULL &&
		strstr(cause, conflict_cases[_i].base1) != NULL &&
		strstr(cause, conflict_cases[_i].base2) != NULL,
	    "cause \"%s\" should name %s, %s, %s and %s", cause,
	    conflict_cases[_i].venue, conflict_cases[_i].sym,
	    conflict_cases[_i].base1, conflict_cases[_i].base2);
	free(cause);
}
END_TEST

START_TEST(test_symbols_new_needs_instruments)
{
	char *cause;

	set("instruments", "symbols", "");
	cause = build_fails();
	ck_assert_ptr_nonnull(strstr(cause, "instruments"));
	free(cause);
	symbols_free(NULL);
}
END_TEST

/* Builds "Z000 Z001 ..." style bases that exercise the hash tables. */
static char *
many_bases(unsigned n)
{
	char *list = malloc((size_t)n * 16 + 1), *p;

	ck_assert_ptr_nonnull(list);
	p = list;
	for (unsigned i = 0; i < n; i++)
		p +=
		    sprintf(p, "%s%c%u", i ? " " : "", 'A' + (char)(i % 26), i);
	return (list);
}

/* Every key of every venue survives, with no probe chain cut short. */
static void
check_all_venues(unsigned n, int canonical)
{
	char lower[64];
	const char *sym;
	size_t k;

	ck_assert_uint_eq(symbols_count(sy), n);
	for (unsigned i = 0; i < n; i++) {
		for (unsigned v = 0; v < VENUE_COUNT; v++) {
			sym = symbols_venue_symbol(sy, (inst_id)i, v);
			ck_assert_ptr_nonnull(sym);
			ck_assert_msg(lookup(v, sym) == (int)i,
			    "%s on venue %u: %d, expected %u", sym, v,
			    lookup(v, sym), i);
			if (v != VENUE_BINANCE)
				continue;
			for (k = 0; sym[k] != '\0'; k++)
				lower[k] = (char)tolower((unsigned char)sym[k]);
			lower[k] = '\0';
			ck_assert_int_eq(lookup(v, lower), (int)i);
		}
		if (canonical)
			ck_assert_int_eq(symbols_lookup_canonical(sy,
					     symbols_base(sy, (inst_id)i)),
			    (int)i);
	}
}

START_TEST(test_symbols_500_instruments)
{
	char *list = many_bases(500);

	set("instruments", "symbols", list);
	free(list);
	build();
	ck_assert_str_eq(symbols_venue_symbol(sy, 27, VENUE_KUCOIN),
	    "B27USDTM");
	ck_assert_str_eq(symbols_venue_symbol(sy, 499, VENUE_OKX),
	    "F499-USDT-SWAP");
	check_all_venues(500, 1);
	ck_assert_int_eq(lookup(VENUE_BYBIT, "A500USDT"), -1);
}
END_TEST

START_TEST(test_symbols_max_instruments)
{
	char *list = many_bases(INST_MAX), *cause;

	set("instruments", "symbols", list);
	free(list);
	build();
	check_all_venues(INST_MAX, 0);
	symbols_free(sy);
	sy = NULL;

	list = many_bases(INST_MAX + 1);
	set("instruments", "symbols", list);
	free(list);
	cause = build_fails();
	free(cause);
}
END_TEST

static Suite *
symbols_suite(void)
{
	Suite *s = suite_create("symbols");
	TCase *tc;

	tc = tcase_create("names");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_symbols_venue_btc_both_ways, 0,
	    (int)nitems(venue_cases));
	tcase_add_test(tc, test_symbols_ids_are_dense_in_config_order);
	tcase_add_test(tc, test_symbols_binance_lower_case);
	tcase_add_test(tc, test_symbols_lookup_rejects);
	tcase_add_test(tc, test_symbols_lookup_canonical_names);
	tcase_add_test(tc, test_symbols_long_base_canonical);
	tcase_add_test(tc, test_symbols_map_longest_symbol);
	suite_add_tcase(s, tc);

	tc = tcase_create("units");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_symbols_contract_size_table, 0,
	    (int)nitems(contract_cases));
	tcase_add_test(tc, test_symbols_unknown_contract_is_learnt);
	tcase_add_test(tc, test_symbols_set_contract_size_rejects);
	tcase_add_test(tc, test_symbols_config_contract_size_wins);
	tcase_add_loop_test(tc, test_symbols_builtin_pepe_units, 0,
	    (int)nitems(pepe_cases));
	tcase_add_test(tc, test_symbols_map_override_units);
	tcase_add_test(tc, test_symbols_map_replaces_builtin);
	tcase_add_test(tc, test_symbols_to_price_rounds);
	tcase_add_test(tc, test_symbols_to_price_largest_wire_price);
	tcase_add_loop_test(tc, test_symbols_to_qty_table, 0,
	    (int)nitems(qty_cases));
	tcase_add_test(tc, test_symbols_to_qty_overflow);
	suite_add_tcase(s, tc);

	tc = tcase_create("config");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_symbols_venue_subset);
	tcase_add_loop_test(tc, test_symbols_map_conflict_fails, 0,
	    (int)nitems(conflict_cases));
	tcase_add_test(tc, test_symbols_new_needs_instruments);
	suite_add_tcase(s, tc);

	tc = tcase_create("scale");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_symbols_500_instruments);
	tcase_add_test(tc, test_symbols_max_instruments);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	return (tcheck_run(symbols_suite()));
}
