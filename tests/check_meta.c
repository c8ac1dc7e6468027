/*
 * Tests of the start-up instrument metadata (meta.c): each venue's
 * instruments answer parsed exactly, the fetch against the simulator's
 * "<venue>-rest" endpoints over TLS, the cache (written, used when the
 * venues are unreachable, malformed lines skipped), bad answers (HTTP
 * errors, bad JSON, missing and mistyped fields, truncated, oversized,
 * hung: bounded by meta_timeout_ms), the config override, and a
 * non-default OKX contract size carried end to end into quote sizes.
 */
#include "autoconf.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <ev.h>
#include <openssl/ssl.h>

#include "xarb.h"
#include "config.h"
#include "engine.h"
#include "log.h"
#include "meta.h"
#include "reactor.h"
#include "sim/sim.h"
#include "sim/sim_cert.h"
#include "symbols.h"
#include "tcheck.h"
#include "tls.h"
#include "venue.h"
#include "venues.h"

static char *certs;	 /* sim_cert_make() output, made by main() */
static SSL_CTX *cli_ctx; /* trusts certs/ca.pem */
static char *dir;	 /* scratch, per test */
static struct sim *sim;
static struct config *cfg;
static struct symbols *sym;
static struct reactor *rx;

static const char *const rest_eps[VENUE_COUNT] = { "bybit-rest", "okx-rest",
	"kucoin-rest", "bitget-rest", "hyperliquid-rest", "paradex-rest",
	"binance-rest" };

static void
setup(void)
{
	char *cause = NULL;

	log_set_level(LOG_LEVEL_ERROR);
	dir = tcheck_mkdtemp();
	sim = NULL;
	sym = NULL;
	cfg = config_new();
	rx = reactor_new(NULL, &cause);
	ck_assert_msg(rx != NULL, "%s", cause);
	meta_set_max_body(0);
}

static void
teardown(void)
{
	sim_free(sim);
	sim = NULL;
	symbols_free(sym);
	sym = NULL;
	reactor_free(rx);
	config_free(cfg);
	tcheck_rmdir(dir);
	dir = NULL;
	tcheck_free_kept();
}

static void
set(const char *section, const char *key, const char *value)
{
	char *cause = NULL;

	ck_assert_msg(config_set(cfg, section, key, value, &cause) == 0,
	    "[%s] %s = %s: %s", section, key, value, cause);
}

static int64_t
qty(const char *s)
{
	return ((int64_t)(strtod(s, NULL) * (double)QTY_SCALE + 0.5));
}

static inst_id
inst(const char *base)
{
	int i = symbols_lookup_canonical(sym, base);

	ck_assert_int_ge(i, 0);
	return ((inst_id)i);
}

/* --- parsing --- */

/* Parses body for venue v into out[] with the default instruments. */
static int
parse(enum venue_id v, const char *body, struct meta_entry *out, char *why)
{
	char *cause = NULL;

	if (sym == NULL) {
		sym = symbols_new(cfg, &cause);
		ck_assert_msg(sym != NULL, "%s", cause);
	}
	why[0] = '\0';
	return (meta_parse(v, sym, body, strlen(body), 1700000000000, out, why,
	    160));
}

START_TEST(test_meta_parse_venues)
{
	struct meta_entry e[3];
	char why[160];

	/* Bybit: minutes; a 4 h symbol; SOL not listed (list complete). */
	ck_assert_int_eq(parse(VENUE_BYBIT,
			     "{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{"
			     "\"category\":\"linear\",\"list\":[{\"symbol\":"
			     "\"BTCUSDT\",\"status\":\"Trading\","
			     "\"fundingInterval\":480},{\"symbol\":\"ETHUSDT\","
			     "\"status\":\"Trading\",\"fundingInterval\":240},"
			     "{\"symbol\":\"DOGEUSDT\",\"fundingInterval\":60}"
			     "],\"nextPageCursor\":\"\"},\"time\":1}",
			     e, why),
	    0);
	ck_assert_int_eq(e[0].listed, 1);
	ck_assert_uint_eq(e[0].funding_min, 480);
	ck_assert_uint_eq(e[1].funding_min, 240);
	ck_assert_int_eq(e[2].listed, 0);
	/* A next page: an absent symbol may be on it. */
	ck_assert_int_eq(parse(VENUE_BYBIT,
			     "{\"retCode\":0,\"result\":{\"list\":[],"
			     "\"nextPageCursor\":\"abc\"}}",
			     e, why),
	    0);
	ck_assert_int_eq(e[2].listed, -1);

	/* OKX: ctVal x ctMult, exactly. */
	ck_assert_int_eq(
	    parse(VENUE_OKX,
		"{\"code\":\"0\",\"msg\":\"\",\"data\":[{"
		"\"instType\":\"SWAP\",\"instId\":\"BTC-USDT-SWAP\","
		"\"ctVal\":\"0.001\",\"ctMult\":\"1\",\"state\":"
		"\"live\"},{\"instId\":\"ETH-USDT-SWAP\",\"ctVal\":"
		"\"0.1\",\"ctMult\":\"10\",\"state\":\"live\"},{"
		"\"instId\":\"SOL-USDT-SWAP\",\"ctVal\":\"1\","
		"\"state\":\"suspend\"}]}",
		e, why),
	    0);
	ck_assert_int_eq(e[0].contract, 100000);
	ck_assert_int_eq(e[1].contract, QTY_SCALE);
	ck_assert_int_eq(e[2].listed, 0);

	/* KuCoin: multiplier, granularity, ms *remaining*. */
	ck_assert_int_eq(parse(VENUE_KUCOIN,
			     "{\"code\":\"200000\",\"data\":[{\"symbol\":"
			     "\"XBTUSDTM\",\"multiplier\":0.001,\"status\":"
			     "\"Open\",\"fundingRateGranularity\":14400000,"
			     "\"nextFundingRateTime\":17752926}]}",
			     e, why),
	    0);
	ck_assert_int_eq(e[0].contract, 100000);
	ck_assert_uint_eq(e[0].funding_min, 240);
	ck_assert_int_eq(e[0].next_funding_ms, 1700017753000); /* +17752926 */
	ck_assert_int_eq(e[1].listed, 0);

	/* Bitget: hours as a string. */
	ck_assert_int_eq(parse(VENUE_BITGET,
			     "{\"code\":\"00000\",\"msg\":\"success\",\"data\":"
			     "[{\"symbol\":\"BTCUSDT\",\"symbolStatus\":"
			     "\"normal\",\"fundInterval\":\"4\"},{\"symbol\":"
			     "\"ETHUSDT\",\"symbolStatus\":\"normal\"}]}",
			     e, why),
	    0);
	ck_assert_uint_eq(e[0].funding_min, 240);
	ck_assert_uint_eq(e[1].funding_min, 0);
	ck_assert_int_eq(e[2].listed, 0);

	/* Binance: only adjusted symbols are listed; absence says nothing. */
	ck_assert_int_eq(
	    parse(VENUE_BINANCE,
		"[{\"symbol\":\"ETHUSDT\",\"adjustedFundingRateCap\":"
		"\"0.02\",\"fundingIntervalHours\":4,"
		"\"disclaimer\":false}]",
		e, why),
	    0);
	ck_assert_int_eq(e[0].listed, -1);
	ck_assert_uint_eq(e[1].funding_min, 240);

	/* Hyperliquid: hourly; a delisted coin is not listed. */
	ck_assert_int_eq(
	    parse(VENUE_HYPERLIQUID,
		"{\"universe\":[{\"szDecimals\":5,\"name\":\"BTC\","
		"\"maxLeverage\":40},{\"name\":\"ETH\","
		"\"isDelisted\":true},{\"name\":\"SOL\"}]}",
		e, why),
	    0);
	ck_assert_uint_eq(e[0].funding_min, 60);
	ck_assert_int_eq(e[1].listed, 0);
	ck_assert_int_eq(e[2].listed, 1);

	/* Paradex: perpetuals only. */
	ck_assert_int_eq(
	    parse(VENUE_PARADEX,
		"{\"results\":[{\"symbol\":\"BTC-USD-PERP\","
		"\"asset_kind\":\"PERP\",\"funding_period_hours\":8"
		"},{\"symbol\":\"ETH-USD-PERP\",\"asset_kind\":"
		"\"PERP_OPTION\"}]}",
		e, why),
	    0);
	ck_assert_uint_eq(e[0].funding_min, 480);
	ck_assert_int_eq(e[1].listed, 0);
	ck_assert_int_eq(e[2].listed, 0);
}
END_TEST

START_TEST(test_meta_parse_bad)
{
	static const struct {
		enum venue_id v;
		const char *body, *why;
	} cases[] = {
		{ VENUE_OKX, "not json", "not JSON" },
		{ VENUE_OKX, "{\"code\":\"0\",\"data\":[{\"instId\":",
		    "truncated JSON" },
		{ VENUE_OKX, "{\"code\":\"51000\",\"msg\":\"x\",\"data\":[]}",
		    "code 51000" },
		{ VENUE_OKX, "{\"code\":\"0\",\"data\":{}}",
		    "no instruments array" },
		{ VENUE_OKX,
		    "{\"code\":\"0\",\"data\":[{\"instId\":\"BTC-USDT-SWAP\"}]}",
		    "BTC-USDT-SWAP: no ctVal" },
		{ VENUE_OKX,
		    "{\"code\":\"0\",\"data\":[{\"instId\":\"BTC-USDT-SWAP\","
		    "\"ctVal\":\"-1\"}]}",
		    "BTC-USDT-SWAP: bad ctVal" },
		{ VENUE_KUCOIN,
		    "{\"code\":\"200000\",\"data\":[{\"symbol\":\"XBTUSDTM\","
		    "\"multiplier\":true}]}",
		    "XBTUSDTM: bad multiplier" },
		{ VENUE_KUCOIN,
		    "{\"code\":\"200000\",\"data\":[{\"symbol\":\"XBTUSDTM\","
		    "\"multiplier\":0.001,\"fundingRateGranularity\":1234}]}",
		    "XBTUSDTM: bad fundingRateGranularity" },
		{ VENUE_BYBIT, "{\"retCode\":10001,\"retMsg\":\"bad\"}",
		    "retCode 10001" },
		{ VENUE_BYBIT, "{\"retMsg\":\"bad\"}", "no status code" },
		{ VENUE_BYBIT, "{\"retCode\":\"0\",\"result\":{}}",
		    "no instruments array" },
		{ VENUE_BINANCE, "{\"code\":-1}", "no instruments array" },
		{ VENUE_BITGET,
		    "{\"code\":\"00000\",\"data\":[{\"symbol\":\"BTCUSDT\","
		    "\"fundInterval\":\"eight\"}]}",
		    "BTCUSDT: bad fundInterval" },
	};
	struct meta_entry e[3];
	char why[160];
	unsigned i;

	for (i = 0; i < nitems(cases); i++) {
		ck_assert_msg(parse(cases[i].v, cases[i].body, e, why) == -1,
		    "case %u parsed", i);
		ck_assert_msg(strcmp(why, cases[i].why) == 0,
		    "case %u: \"%s\", want \"%s\"", i, why, cases[i].why);
	}
}
END_TEST

/* A realistic size: thousands of instruments, beyond JSON_TOKENS. */
START_TEST(test_meta_parse_large)
{
	struct meta_entry e[3];
	char why[160], *body, *p;
	size_t cap = 2u << 20;
	double t0;
	unsigned k;

	body = tcheck_keep(malloc(cap));
	p = body + sprintf(body, "{\"code\":\"0\",\"data\":[");
	for (k = 0; k < 3000; k++)
		p += sprintf(p,
		    "{\"instType\":\"SWAP\",\"instId\":\"Z%u-USDT-SWAP\","
		    "\"ctVal\":\"10\",\"ctMult\":\"1\",\"state\":\"live\","
		    "\"lotSz\":\"1\",\"tickSz\":\"0.0001\"},",
		    k);
	sprintf(p, "{\"instId\":\"SOL-USDT-SWAP\",\"ctVal\":\"2\"}]}");
	ck_assert_uint_lt(strlen(body), cap);
	t0 = ev_time();
	ck_assert_msg(parse(VENUE_OKX, body, e, why) == 0, "%s", why);
	fprintf(stderr,
	    "meta: parsed %zu bytes, 3001 instruments, in %.1f ms\n",
	    strlen(body), (ev_time() - t0) * 1000);
	ck_assert_int_eq(e[2].contract, 2 * QTY_SCALE);
	ck_assert_int_eq(e[0].listed, 0);
}
END_TEST

/* --- against the simulator --- */

static void
sim_up(struct symbols *ssym)
{
	struct sim_venues_opts o;
	char *cause = NULL;

	memset(&o, 0, sizeof o);
	o.cert = tcheck_asprintf("%s/server.pem", certs);
	o.key = tcheck_asprintf("%s/server.key", certs);
	o.sym = ssym;
	o.rate = tcheck_pick(20, 5);
	sim = sim_new_venues(&o, &cause);
	ck_assert_msg(sim != NULL, "sim_new_venues: %s", cause);
	ck_assert_msg(sim_start_thread(sim, &cause) == 0, "%s", cause);
}

/* Points every venue's url_rest at the sim's "<venue>-rest". */
static void
urls_to_sim(void)
{
	char buf[256];
	unsigned v;

	for (v = 0; v < VENUE_COUNT; v++) {
		ck_assert_int_gt(sim_url(sim, rest_eps[v], buf, sizeof buf), 0);
		set(tcheck_asprintf("venue.%s", venues_name(v)), "url_rest",
		    buf);
	}
}

static void
load(struct meta_stats *st)
{
	char *cause = NULL;

	symbols_free(sym);
	sym = symbols_new(cfg, &cause);
	ck_assert_msg(sym != NULL, "%s", cause);
	meta_load(rx, cli_ctx, cfg, sym, st);
}

/* A symbols table for the sim: OKX BTC in contracts of 0.001. */
static struct symbols *
sim_symbols(void)
{
	struct config *c = config_new();
	struct symbols *s;
	char *cause = NULL;

	ck_assert_int_eq(config_set(c, "venue.okx", "contract_size",
			     "BTC:0.001", &cause),
	    0);
	s = symbols_new(c, &cause);
	ck_assert_msg(s != NULL, "%s", cause);
	config_free(c);
	return (s);
}

START_TEST(test_meta_fetch_sim)
{
	struct symbols *ssym = sim_symbols();
	struct meta_stats st;
	char *cache, *text;
	int64_t now_ms = (int64_t)(ev_time() * 1000), grid;
	unsigned v;

	sim_up(ssym);
	urls_to_sim();
	cache = tcheck_asprintf("%s/sub/dir/instruments", dir);
	set("instruments", "meta_cache", cache);
	load(&st);
	fprintf(stderr, "meta: %u venues in %.1f ms, %zu bytes\n", st.fetched,
	    st.fetch_ms, st.bytes);
	for (v = 0; v < VENUE_COUNT; v++)
		ck_assert_msg(st.source[v] == META_FETCHED, "%s: %s",
		    venues_name(v), st.why[v]);
	ck_assert_uint_eq(st.fetched, 7);
	ck_assert_uint_eq(st.failures, 0);
	ck_assert_uint_eq(st.unlisted, 0);
	/* The advertised sizes, the non-default one included. */
	ck_assert_int_eq(symbols_contract_size(sym, inst("BTC"), VENUE_OKX),
	    qty("0.001"));
	ck_assert_int_eq(symbols_contract_size(sym, inst("ETH"), VENUE_OKX),
	    qty("0.1"));
	ck_assert_int_eq(symbols_contract_size(sym, inst("BTC"), VENUE_KUCOIN),
	    qty("0.001"));
	ck_assert_uint_eq(symbols_funding_min(sym, inst("BTC"), VENUE_KUCOIN),
	    480);
	ck_assert_uint_eq(symbols_funding_min(sym, inst("SOL"),
			      VENUE_HYPERLIQUID),
	    60);
	/* KuCoin's next settlement, from the ms remaining: on the 8 h grid. */
	ck_assert_int_gt(symbols_next_funding_ms(sym, inst("BTC"), VENUE_KUCOIN,
			     now_ms),
	    now_ms - 1000);
	/* Give or take the clock ticking between the sim and us. */
	grid = symbols_next_funding_ms(sym, inst("BTC"), VENUE_KUCOIN, now_ms) %
	    (8 * 3600000);
	ck_assert_msg(grid < 1000 || grid > 8 * 3600000 - 1000, "%lld",
	    (long long)grid);
	/* Large enough to need json_parse_big: 150 filler instruments. */
	ck_assert_uint_gt(st.bytes, 7 * 150 * 60);
	text = tcheck_keep(tcheck_read(cache));
	ck_assert_ptr_nonnull(text);
	ck_assert_ptr_nonnull(strstr(text, "xarb-instruments 1 "));
	ck_assert_ptr_nonnull(strstr(text, "\nokx BTC-USDT-SWAP "));
	ck_assert_ptr_nonnull(strstr(text, " contract=0.001 "));
	ck_assert_ptr_nonnull(strstr(text, "\nkucoin XBTUSDTM "));
	ck_assert_ptr_nonnull(strstr(text, "\nbinance ETHUSDT "));
	ck_assert_ptr_null(strstr(text, "ZZ1"));
	sim_free(sim);
	sim = NULL;
	symbols_free(ssym);
}
END_TEST

START_TEST(test_meta_cache_fallback)
{
	struct symbols *ssym = sim_symbols();
	struct meta_stats st;
	char *cache, *before, *after;
	unsigned v;

	sim_up(ssym);
	urls_to_sim();
	cache = tcheck_asprintf("%s/instruments", dir);
	set("instruments", "meta_cache", cache);
	load(&st);
	ck_assert_uint_eq(st.fetched, 7);
	sim_free(sim);
	sim = NULL;
	symbols_free(ssym);
	before = tcheck_keep(tcheck_read(cache));

	/* Now nobody listens there: every venue falls back to the cache. */
	for (v = 0; v < VENUE_COUNT; v++)
		set(tcheck_asprintf("venue.%s", venues_name(v)), "url_rest",
		    "https://127.0.0.1:1");
	load(&st);
	ck_assert_uint_eq(st.fetched, 0);
	ck_assert_uint_eq(st.failures, 7);
	ck_assert_uint_eq(st.cached, 7);
	for (v = 0; v < VENUE_COUNT; v++) {
		ck_assert_int_eq(st.source[v], META_CACHED);
		ck_assert_str_ne(st.why[v], "");
	}
	ck_assert_int_eq(symbols_contract_size(sym, inst("BTC"), VENUE_OKX),
	    qty("0.001"));
	/* Nothing new: the file is left as it was. */
	after = tcheck_keep(tcheck_read(cache));
	ck_assert_str_eq(before, after);

	/* Without a cache: built-in values. */
	set("instruments", "meta_cache", "none");
	load(&st);
	ck_assert_uint_eq(st.builtin, 7);
	ck_assert_int_eq(symbols_contract_size(sym, inst("BTC"), VENUE_OKX),
	    qty("0.01"));
}
END_TEST

/* Malformed cache lines are skipped, the good ones used. */
START_TEST(test_meta_cache_bad_lines)
{
	struct meta_stats st;
	char *cache;

	cache = tcheck_keep(tcheck_write(dir, "instruments",
	    "xarb-instruments 1 1700000000000\n"
	    "# comment\n"
	    "okx BTC-USDT-SWAP 1700000000000 listed=1 contract=0.002 "
	    "funding_min=- next_funding_ms=-\n"
	    "okx ETH-USDT-SWAP x listed=1\n"
	    "nosuch BTC 1700000000000 listed=1\n"
	    "kucoin XBTUSDTM 1700000000000 listed=2\n"
	    "kucoin ETHUSDTM 1700000000000 contract=abc\n"
	    "bybit BTCUSDT 1700000000000 listed=1 funding_min=60 future=1\n"
	    "bybit\n",
	    0600));
	set("instruments", "meta_cache", cache);
	set("instruments", "meta_timeout_ms", "0");
	load(&st);
	ck_assert_uint_eq(st.cache_bad_lines, 5);
	ck_assert_uint_eq(st.failures, 0);
	ck_assert_int_eq(st.source[VENUE_OKX], META_CACHED);
	ck_assert_int_eq(st.source[VENUE_BYBIT], META_CACHED);
	ck_assert_int_eq(st.source[VENUE_KUCOIN], META_BUILTIN);
	ck_assert_int_eq(symbols_contract_size(sym, inst("BTC"), VENUE_OKX),
	    qty("0.002"));
	ck_assert_int_eq(symbols_contract_size(sym, inst("ETH"), VENUE_OKX),
	    qty("0.1"));
	ck_assert_uint_eq(symbols_funding_min(sym, inst("BTC"), VENUE_BYBIT),
	    60);
}
END_TEST

/* Every kind of bad answer: said, counted, built-ins used, bounded. */
START_TEST(test_meta_bad_answers)
{
	static const char script[] =
	    "endpoint bad http tls\n"
	    "route GET /v5/market/instruments-info 500 length "
	    "{\"retCode\":10001}\n"
	    "route GET /api/v5/public/instruments 200 length "
	    "{\"code\":\"0\",\"data\":[{\"instId\":\"BTC-USDT-SWAP\"}]}\n"
	    "route GET /api/v1/contracts/active 200 length "
	    "{\"code\":\"200000\",\"data\":[{\"symbol\":\"XBTUSDTM\","
	    "\"multiplier\":\n"
	    "route GET /api/v2/mix/market/contracts 200 length not json\n"
	    "route POST /info 200 length @hang\n"
	    "route GET /v1/markets 200 length @bytes=300000\n"
	    "route GET /fapi/v1/fundingInfo 200 length {\"code\":-1}\n";
	struct meta_stats st;
	char url[256], *cause = NULL;
	double t0, bound = tcheck_pick(0.8, 3);
	unsigned v;

	sim = sim_new("bad", script, tcheck_asprintf("%s/server.pem", certs),
	    tcheck_asprintf("%s/server.key", certs), &cause);
	ck_assert_msg(sim != NULL, "%s", cause);
	ck_assert_msg(sim_start_thread(sim, &cause) == 0, "%s", cause);
	ck_assert_int_gt(sim_url(sim, "bad", url, sizeof url), 0);
	for (v = 0; v < VENUE_COUNT; v++)
		set(tcheck_asprintf("venue.%s", venues_name(v)), "url_rest",
		    url);
	set("instruments", "meta_cache", tcheck_asprintf("%s/c", dir));
	set("instruments", "meta_timeout_ms",
	    tcheck_asprintf("%d", (int)(bound * 1000)));
	meta_set_max_body(100000);
	t0 = ev_time();
	load(&st);
	ck_assert_double_lt(ev_time() - t0, bound + 1.0);
	ck_assert_uint_eq(st.fetched, 0);
	ck_assert_uint_eq(st.failures, 7);
	ck_assert_uint_eq(st.builtin, 7);
	ck_assert_str_eq(st.why[VENUE_BYBIT], "HTTP status 500");
	ck_assert_str_eq(st.why[VENUE_OKX], "BTC-USDT-SWAP: no ctVal");
	ck_assert_str_eq(st.why[VENUE_KUCOIN], "truncated JSON");
	ck_assert_str_eq(st.why[VENUE_BITGET], "not JSON");
	ck_assert_msg(strstr(st.why[VENUE_HYPERLIQUID], "timed out") != NULL ||
		strstr(st.why[VENUE_HYPERLIQUID], "no answer") != NULL,
	    "%s", st.why[VENUE_HYPERLIQUID]);
	ck_assert_msg(strstr(st.why[VENUE_PARADEX], "large") != NULL ||
		strstr(st.why[VENUE_PARADEX], "big") != NULL,
	    "%s", st.why[VENUE_PARADEX]);
	ck_assert_str_eq(st.why[VENUE_BINANCE], "no instruments array");
	/* Built-ins stand; nothing fetched means no cache file. */
	ck_assert_int_eq(symbols_contract_size(sym, inst("BTC"), VENUE_OKX),
	    qty("0.01"));
	ck_assert_ptr_null(tcheck_read(tcheck_asprintf("%s/c", dir)));
}
END_TEST

/* [venue.okx] contract_size wins over what the venue says. */
START_TEST(test_meta_override_wins)
{
	struct symbols *ssym = sim_symbols();
	struct meta_stats st;

	sim_up(ssym);
	urls_to_sim();
	set("instruments", "meta_cache", "none");
	set("venue.okx", "contract_size", "BTC:0.02");
	load(&st);
	ck_assert_int_eq(st.source[VENUE_OKX], META_FETCHED);
	ck_assert_int_eq(symbols_contract_size(sym, inst("BTC"), VENUE_OKX),
	    qty("0.02"));
	ck_assert_int_eq(symbols_contract_size(sym, inst("ETH"), VENUE_OKX),
	    qty("0.1"));
	sim_free(sim);
	sim = NULL;
	symbols_free(ssym);
}
END_TEST

/* An instrument a venue does not list: not subscribed there. */
START_TEST(test_meta_unlisted)
{
	struct symbols *ssym;
	struct meta_stats st;
	char *cause = NULL;
	struct config *c = config_new();

	/* The sim lists BTC and ETH only; we want SOL too. */
	ck_assert_int_eq(config_set(c, "instruments", "symbols", "BTC ETH",
			     &cause),
	    0);
	ssym = symbols_new(c, &cause);
	ck_assert_ptr_nonnull(ssym);
	config_free(c);
	sim_up(ssym);
	urls_to_sim();
	set("instruments", "meta_cache", "none");
	load(&st);
	/* Binance's fundingInfo lists only adjusted symbols: no verdict. */
	ck_assert_uint_eq(st.unlisted, 6);
	ck_assert(!symbols_listed(sym, inst("SOL"), VENUE_OKX));
	ck_assert(symbols_listed(sym, inst("SOL"), VENUE_BINANCE));
	ck_assert(symbols_listed(sym, inst("BTC"), VENUE_OKX));
	sim_free(sim);
	sim = NULL;
	symbols_free(ssym);
}
END_TEST

/* The engine fetches before it makes its venues. */
START_TEST(test_meta_engine)
{
	struct symbols *ssym = sim_symbols();
	struct engine_opts eo;
	const struct meta_stats *st;
	struct engine *e;
	char *cause = NULL;

	sim_up(ssym);
	urls_to_sim();
	set("tls", "ca_file", tcheck_asprintf("%s/ca.pem", certs));
	set("instruments", "meta_cache", tcheck_asprintf("%s/c", dir));
	memset(&eo, 0, sizeof eo);
	eo.venues = 1;
	eo.headless = 1;
	e = engine_new(cfg, &eo, &cause);
	ck_assert_msg(e != NULL, "%s", cause);
	st = engine_meta_stats(e);
	ck_assert_uint_eq(st->fetched, 7);
	ck_assert_uint_eq(st->failures, 0);
	ck_assert_int_eq(symbols_contract_size(engine_symbols(e),
			     (inst_id)
				 symbols_lookup_canonical(engine_symbols(e),
				     "BTC"),
			     VENUE_OKX),
	    qty("0.001"));
	engine_free(e);
	ck_assert_ptr_nonnull(tcheck_keep(tcheck_read(tcheck_asprintf("%s/c",
	    dir))));
	sim_free(sim);
	sim = NULL;
	symbols_free(ssym);
}
END_TEST

/* --- end to end: fetched contract size -> OKX adapter -> sizes --- */

struct tsizes {
	unsigned n, bad;
	double lo, hi; /* notional range seen */
};

static void
t_update(void *arg, enum venue_id v, const struct venue_update *up,
    int64_t recv_ts, int64_t parse_ts)
{
	struct tsizes *ts = arg;
	double px, sz, notional;

	(void)v;
	(void)recv_ts;
	(void)parse_ts;
	if (up->inst != 0 || (up->u.mask & QU_TOP) != QU_TOP || up->u.bid <= 0)
		return;
	px = (double)up->u.bid / (double)PX_SCALE;
	sz = (double)up->u.bid_size / (double)QTY_SCALE;
	notional = px * sz;
	if (ts->n++ == 0 || notional < ts->lo)
		ts->lo = notional;
	if (notional > ts->hi)
		ts->hi = notional;
	/* The sim quotes $5k-50k a side, rounded to whole contracts. */
	if (notional < 4000 || notional > 60000)
		ts->bad++;
}

static void
t_state(void *arg, enum venue_id v, enum quote_state st)
{
	(void)arg;
	(void)v;
	(void)st;
}

START_TEST(test_meta_okx_sizes_end_to_end)
{
	struct symbols *ssym = sim_symbols();
	struct venue_sink sink = { t_update, t_state, NULL, NULL };
	struct meta_stats st;
	struct tsizes ts;
	struct venue *vo;
	char url[256], *cause = NULL;
	ev_tstamp end;

	memset(&ts, 0, sizeof ts);
	sink.arg = &ts;
	sim_up(ssym);
	urls_to_sim();
	ck_assert_int_gt(sim_url(sim, "okx", url, sizeof url), 0);
	set("venue.okx", "url", url);
	set("instruments", "meta_cache", "none");
	load(&st);
	ck_assert_int_eq(st.source[VENUE_OKX], META_FETCHED);
	vo = venue_new(rx, cli_ctx, cfg, sym, VENUE_OKX, &sink, &cause);
	ck_assert_msg(vo != NULL, "%s", cause);
	venue_start(vo);
	end = ev_time() + tcheck_pick(5, 20);
	while (ts.n < 10 && ev_time() < end)
		ev_run(reactor_loop(rx), EVRUN_ONCE);
	venue_free(vo);
	fprintf(stderr, "okx BTC: %u quotes, $%.0f-%.0f a side\n", ts.n, ts.lo,
	    ts.hi);
	ck_assert_uint_ge(ts.n, 10);
	ck_assert_uint_eq(ts.bad, 0);
	sim_free(sim);
	sim = NULL;
	symbols_free(ssym);
}
END_TEST

static Suite *
meta_suite(void)
{
	Suite *s = suite_create("meta");
	TCase *tc = tcase_create("parse");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_meta_parse_venues);
	tcase_add_test(tc, test_meta_parse_bad);
	tcase_add_test(tc, test_meta_parse_large);
	suite_add_tcase(s, tc);
	tc = tcase_create("fetch");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_meta_fetch_sim);
	tcase_add_test(tc, test_meta_cache_fallback);
	tcase_add_test(tc, test_meta_cache_bad_lines);
	tcase_add_test(tc, test_meta_bad_answers);
	tcase_add_test(tc, test_meta_override_wins);
	tcase_add_test(tc, test_meta_unlisted);
	tcase_add_test(tc, test_meta_okx_sizes_end_to_end);
	tcase_add_test(tc, test_meta_engine);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	int rv;

	cli_ctx = tcheck_tls_setup(&certs);
	rv = tcheck_run(meta_suite());
	SSL_CTX_free(cli_ctx);
	tcheck_rmdir(certs);
	return (rv);
}
