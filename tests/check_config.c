/*
 * Tests of the config parser and its table: defaults, every kind of
 * value check with its exact "FILE:LINE: key: expected ..., got ..."
 * message, collecting all errors in one load, suggestions for unknown
 * keys and sections, comments, cross-key validation, loading files,
 * config_dump() round trips and the sample etc/xarb.conf.
 */
#include "autoconf.h"

#include <sys/stat.h>

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "xarb.h"
#include "config.h"
#include "venues.h"
#include "tcheck.h"

static struct config *cfg;
static struct config *cfg2; /* a second config (reloads), may stay NULL */
static struct config_errors errs;
static char *dir;

static void
setup(void)
{
	cfg = config_new();
	ck_assert_ptr_nonnull(cfg);
	cfg2 = NULL;
	memset(&errs, 0, sizeof errs);
	dir = tcheck_mkdtemp();
}

static void
teardown(void)
{
	config_errors_clear(&errs);
	config_free(cfg);
	cfg = NULL;
	config_free(cfg2);
	cfg2 = NULL;
	tcheck_free_kept();
	tcheck_rmdir(dir);
	dir = NULL;
}

/* All messages on one line each, for failure output (static buffer). */
static const char *
errs_text(const struct config_errors *e)
{
	static char buf[8192];
	size_t off = 0;
	unsigned i;

	buf[0] = '\0';
	for (i = 0; i < e->n && off < sizeof buf; i++)
		off += (size_t)snprintf(buf + off, sizeof buf - off, "\n  %s",
		    e->msg[i]);
	return (e->n == 0 ? "(no errors)" : buf);
}

#define assert_no_errors(e)                                                    \
	ck_assert_msg((e)->n == 0, "unexpected errors:%s", errs_text(e))

/* Asserts that exactly the messages in want[] were recorded, in order. */
static void
assert_errors(const struct config_errors *e, const char *const *want,
    unsigned n)
{
	unsigned i;

	ck_assert_msg(e->n == n, "expected %u errors, got:%s", n, errs_text(e));
	for (i = 0; i < n; i++)
		ck_assert_str_eq(e->msg[i], want[i]);
}

/* True if some message equals want. */
static int
has_error(const struct config_errors *e, const char *want)
{
	unsigned i;

	for (i = 0; i < e->n; i++) {
		if (strcmp(e->msg[i], want) == 0)
			return (1);
	}
	return (0);
}

static size_t
entry_index(const char *section, const char *key)
{
	const struct config_entry *e = config_find(section, key);

	ck_assert_msg(e != NULL, "no entry [%s] %s", section, key);
	return ((size_t)(e - config_table));
}

/* Whether table entry e exists for venue v (all global entries: v 0). */
static int
entry_applies(const struct config_entry *e, unsigned v)
{
	if ((e->flags & CONF_VENUE) == 0)
		return (v == 0);
	return (e->only_venue == -1 || e->only_venue == (int)v);
}

static const void *
entry_field(const struct config *c, const struct config_entry *e, unsigned v)
{
	const char *base = (const char *)c;

	if (e->flags & CONF_VENUE)
		base = (const char *)&c->venue[v];
	return (base + e->offset);
}

/* Compares one setting of a and b; on a difference describes it in why. */
static int
entry_equal(const struct config *a, const struct config *b,
    const struct config_entry *e, unsigned v, char *why, size_t len)
{
	const void *fa = entry_field(a, e, v), *fb = entry_field(b, e, v);
	const struct config_list *la = fa, *lb = fb;
	unsigned i;

	switch (e->type) {
	case CONF_BOOL:
	case CONF_ENUM:
		if (*(const int *)fa == *(const int *)fb)
			return (1);
		snprintf(why, len, "%d != %d", *(const int *)fa,
		    *(const int *)fb);
		return (0);
	case CONF_INT:
		if (*(const int64_t *)fa == *(const int64_t *)fb)
			return (1);
		snprintf(why, len, "%lld != %lld",
		    (long long)*(const int64_t *)fa,
		    (long long)*(const int64_t *)fb);
		return (0);
	case CONF_DOUBLE:
		if (*(const double *)fa == *(const double *)fb)
			return (1);
		snprintf(why, len, "%.17g != %.17g", *(const double *)fa,
		    *(const double *)fb);
		return (0);
	case CONF_STRING:
		if (strcmp(*(char *const *)fa, *(char *const *)fb) == 0)
			return (1);
		snprintf(why, len, "\"%s\" != \"%s\"", *(char *const *)fa,
		    *(char *const *)fb);
		return (0);
	case CONF_LIST:
		if (la->n != lb->n) {
			snprintf(why, len, "%u words != %u words", la->n,
			    lb->n);
			return (0);
		}
		for (i = 0; i < la->n; i++) {
			if (strcmp(la->v[i], lb->v[i]) != 0) {
				snprintf(why, len, "word %u: \"%s\" != \"%s\"",
				    i, la->v[i], lb->v[i]);
				return (0);
			}
		}
		return (1);
	}
	return (0);
}

/* Asserts every setting of a equals b's. */
static void
assert_configs_equal(const struct config *a, const struct config *b)
{
	const struct config_entry *e;
	char why[256];
	size_t i;
	unsigned v;

	for (i = 0; i < config_table_len; i++) {
		e = &config_table[i];
		for (v = 0; v < VENUE_COUNT; v++) {
			if (!entry_applies(e, v))
				continue;
			ck_assert_msg(entry_equal(a, b, e, v, why, sizeof why),
			    "[%s] %s (venue %s): %s", e->section, e->name,
			    venues_name(v), why);
		}
	}
}

/* Dumps c into a string (freed by teardown). */
static char *
dump_text(const struct config *c)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(fp);
	config_dump(c, fp);
	ck_assert_int_eq(fclose(fp), 0);
	return (tcheck_keep(text));
}

/* --- defaults --- */

START_TEST(test_config_defaults_hold_table_values)
{
	size_t i;
	unsigned v;

	ck_assert_ptr_null(cfg->path);
	ck_assert_uint_eq(cfg->symbols.n, 3);
	ck_assert_str_eq(cfg->symbols.v[0], "BTC");
	ck_assert_str_eq(cfg->symbols.v[1], "ETH");
	ck_assert_str_eq(cfg->symbols.v[2], "SOL");
	ck_assert_double_eq(cfg->min_spread_bps, 10);
	ck_assert_double_eq(cfg->min_confidence, 70);
	ck_assert_int_eq(cfg->require_funding, 0);
	ck_assert_double_eq(cfg->min_funding_delta, 0.0001);
	ck_assert_int_eq(cfg->max_quote_age_ms, 2000);
	ck_assert_double_eq(cfg->min_notional, 100);
	ck_assert_double_eq(cfg->trade_notional, 1000);
	ck_assert_double_eq(cfg->slippage_bps, 5);
	ck_assert_double_eq(cfg->hold_hours, 8);
	ck_assert_int_eq(cfg->quote_mix, 1);
	ck_assert_double_eq(cfg->usd_basis_bps, 0);
	ck_assert_int_eq(cfg->sweep_ms, 100);
	ck_assert_str_eq(cfg->tls_ca_file, "");
	ck_assert_int_eq(cfg->exec_mode, EXEC_MODE_PAPER);
	ck_assert_int_eq(cfg->exec_wait, EXEC_WAIT_BLOCK);
	ck_assert_str_eq(cfg->exec_secrets_file, "");
	ck_assert_int_eq(cfg->exec_kill_switch, 0);
	ck_assert_str_eq(cfg->redis_url, "");
	ck_assert_int_eq(cfg->redis_stream_maxlen, 100000);
	ck_assert_int_eq(cfg->redis_quote_interval_ms, 250);
	ck_assert_str_eq(cfg->metrics_listen, "");
	ck_assert_int_eq(cfg->status_interval_s, 10);
	ck_assert_int_eq(cfg->log_level, 2); /* info */
	ck_assert_str_eq(cfg->log_file, "");
	ck_assert_int_eq(cfg->log_flush_ms, 100);
	ck_assert_int_eq(cfg->ring_slots, 1024);
	ck_assert_int_eq(cfg->demo_rate, 200);
	ck_assert_int_eq(cfg->demo_seed, 1);
	ck_assert_double_eq(cfg->demo_dislocation_s, 1.5);
	/* Nothing came from a file. */
	for (i = 0; i < config_table_len; i++) {
		for (v = 0; v < VENUE_COUNT; v++)
			ck_assert_uint_eq(cfg->lines[i][v], 0);
	}
}
END_TEST

/* Per venue (_i): enabled, the fees and URLs of src/venues.c. */
START_TEST(test_config_defaults_per_venue)
{
	const struct venue_info *vi = venues_info((enum venue_id)_i);
	const struct config_venue *cv = &cfg->venue[_i];

	ck_assert_int_eq(cv->enabled, 1);
	ck_assert_double_eq(cv->taker_fee_bps, vi->taker_fee_bps);
	ck_assert_double_eq(cv->maker_fee_bps, vi->maker_fee_bps);
	ck_assert_str_eq(cv->url, vi->url);
	ck_assert_str_eq(cv->url_rest, vi->url_rest);
	ck_assert_str_eq(cv->url_market,
	    vi->url_market != NULL ? vi->url_market : "");
	ck_assert_uint_eq(cv->symbols.n, 0);
	ck_assert_uint_eq(cv->map.n, 0);
	ck_assert_uint_eq(cv->contract_size.n, 0);
}
END_TEST

START_TEST(test_config_default_text)
{
	const struct config_entry *e;

	e = config_find("detector", "min_spread_bps");
	ck_assert_str_eq(config_default(e, 0), "10");
	e = config_find("venue.bybit", "taker_fee_bps");
	ck_assert_str_eq(config_default(e, VENUE_BYBIT), "5.5");
	ck_assert_str_eq(config_default(e, VENUE_HYPERLIQUID), "4.5");
	e = config_find("venue.okx", "url");
	ck_assert_str_eq(config_default(e, VENUE_OKX),
	    "wss://ws.okx.com:8443/ws/v5/public");
	ck_assert_str_eq(config_default(e, VENUE_KUCOIN), "");
	e = config_find("venue.binance", "url_market");
	ck_assert_str_eq(config_default(e, VENUE_BINANCE),
	    "wss://fstream.binance.com/market/ws");
}
END_TEST

/* The table is coherent: sections, flags, ranges, names, docs. */
START_TEST(test_config_table_is_consistent)
{
	const struct config_entry *e, *f;
	char section[64];
	size_t i, j, k;
	unsigned v;
	int known;

	ck_assert_uint_gt(config_table_len, 0);
	for (i = 0; i < config_table_len; i++) {
		e = &config_table[i];
		ck_assert_msg(e->name != NULL && *e->name != '\0', "entry %zu",
		    i);
		ck_assert_msg(e->doc != NULL && *e->doc != '\0',
		    "%s has no doc", e->name);
		known = strcmp(e->section, "venue") == 0;
		ck_assert_int_eq(known, (e->flags & CONF_VENUE) != 0);
		for (k = 0; config_sections[k] != NULL; k++)
			known |= strcmp(e->section, config_sections[k]) == 0;
		ck_assert_msg(known, "%s: unknown section %s", e->name,
		    e->section);
		ck_assert_msg(e->def != NULL || (e->flags & CONF_VENUE),
		    "%s: only venue keys may default per venue", e->name);
		ck_assert_msg(e->only_venue == -1 ||
			((e->flags & CONF_VENUE) && e->only_venue >= 0 &&
			    e->only_venue < VENUE_COUNT),
		    "%s: bad only_venue", e->name);
		if (e->type == CONF_INT || e->type == CONF_DOUBLE)
			ck_assert_msg(e->min < e->max, "%s: empty range",
			    e->name);
		if (e->type == CONF_ENUM)
			ck_assert_ptr_nonnull(e->choices);
		for (j = 0; j < i; j++) {
			f = &config_table[j];
			ck_assert_msg(strcmp(e->section, f->section) != 0 ||
				strcmp(e->name, f->name) != 0,
			    "[%s] %s twice", e->section, e->name);
		}
		/* config_find() finds every entry where it applies. */
		for (v = 0; v < VENUE_COUNT; v++) {
			if (e->flags & CONF_VENUE)
				snprintf(section, sizeof section, "venue.%s",
				    venues_name(v));
			else
				snprintf(section, sizeof section, "%s",
				    e->section);
			if (entry_applies(e, v))
				ck_assert_ptr_eq(config_find(section, e->name),
				    e);
			else if (e->flags & CONF_VENUE)
				ck_assert_ptr_null(config_find(section,
				    e->name));
		}
	}
}
END_TEST

START_TEST(test_config_free_null_is_safe)
{
	config_free(NULL);
	config_errors_clear(&errs); /* empty list: no-op */
	ck_assert_uint_eq(errs.n, 0);
}
END_TEST

/* --- load: good input --- */

static const char good_conf[] =
    "# xarb test config\n"			/* 1 */
    "[instruments]\n"				/* 2 */
    "symbols = BTC, ETH PEPE\n"			/* 3 */
    "\n"					/* 4 */
    "[detector]\n"				/* 5 */
    "min_spread_bps = 25\n"			/* 6 */
    "require_funding = yes\n"			/* 7 */
    "max_quote_age_ms = 1500\n"			/* 8 */
    "usd_basis_bps = -2.5\n"			/* 9 */
    "[venue.okx]\n"				/* 10 */
    "enabled = no\n"				/* 11 */
    "taker_fee_bps = 3.5\n"			/* 12 */
    "[venue.binance]\n"				/* 13 */
    "url_market = ws://127.0.0.1:9443/market\n" /* 14 */
    "map = PEPE:1000PEPEUSDT:1000\n"		/* 15 */
    "symbols = BTC PEPE\n"			/* 16 */
    "[executor]\n"				/* 17 */
    "mode = live\n"				/* 18 */
    "wait = yield\n"				/* 19 */
    "[redis]\n"					/* 20 */
    "url = unix:/run/redis/redis.sock\n"	/* 21 */
    "[log]\n"					/* 22 */
    "level = debug\n"				/* 23 */
    "[ring]\n"					/* 24 */
    "slots = 2048\n";				/* 25 */

START_TEST(test_config_good_string_sets_values)
{
	const struct config_venue *bn = &cfg->venue[VENUE_BINANCE];

	ck_assert_uint_eq(config_load_string(cfg, "t.conf", good_conf, &errs),
	    0);
	assert_no_errors(&errs);
	ck_assert_uint_eq(cfg->symbols.n, 3);
	ck_assert_str_eq(cfg->symbols.v[0], "BTC");
	ck_assert_str_eq(cfg->symbols.v[1], "ETH");
	ck_assert_str_eq(cfg->symbols.v[2], "PEPE");
	ck_assert(config_list_has(&cfg->symbols, "PEPE"));
	ck_assert_double_eq(cfg->min_spread_bps, 25);
	ck_assert_int_eq(cfg->require_funding, 1);
	ck_assert_int_eq(cfg->max_quote_age_ms, 1500);
	ck_assert_double_eq(cfg->usd_basis_bps, -2.5);
	ck_assert_int_eq(cfg->venue[VENUE_OKX].enabled, 0);
	ck_assert_double_eq(cfg->venue[VENUE_OKX].taker_fee_bps, 3.5);
	ck_assert_double_eq(cfg->venue[VENUE_BYBIT].taker_fee_bps, 5.5);
	ck_assert_str_eq(bn->url_market, "ws://127.0.0.1:9443/market");
	ck_assert_uint_eq(bn->map.n, 1);
	ck_assert_str_eq(bn->map.v[0], "PEPE:1000PEPEUSDT:1000");
	ck_assert_uint_eq(bn->symbols.n, 2);
	ck_assert_int_eq(cfg->exec_mode, EXEC_MODE_LIVE);
	ck_assert_int_eq(cfg->exec_wait, EXEC_WAIT_YIELD);
	ck_assert_str_eq(cfg->redis_url, "unix:/run/redis/redis.sock");
	ck_assert_int_eq(cfg->log_level, 3);
	ck_assert_int_eq(cfg->ring_slots, 2048);
	/* Untouched settings keep their defaults. */
	ck_assert_double_eq(cfg->min_confidence, 70);
	ck_assert_int_eq(cfg->venue[VENUE_BYBIT].enabled, 1);
	/* Lines are recorded where set, 0 elsewhere. */
	ck_assert_uint_eq(cfg->lines[entry_index("instruments", "symbols")][0],
	    3);
	ck_assert_uint_eq(cfg->lines[entry_index("detector", "min_spread_bps")]
				    [0],
	    6);
	ck_assert_uint_eq(cfg->lines[entry_index("detector", "min_confidence")]
				    [0],
	    0);
	ck_assert_uint_eq(cfg->lines[entry_index("venue.okx", "taker_fee_bps")]
				    [VENUE_OKX],
	    12);
	ck_assert_uint_eq(cfg->lines[entry_index("venue.okx", "taker_fee_bps")]
				    [VENUE_BYBIT],
	    0);
	ck_assert_uint_eq(cfg->lines[entry_index("venue.binance", "url_market")]
				    [VENUE_BINANCE],
	    14);
	ck_assert_uint_eq(cfg->lines[entry_index("ring", "slots")][0], 25);
}
END_TEST

/* --- load: one bad value, exact message --- */

#define CONTRACT_EXPECTED                                                      \
	"expected BASE:SIZE with 0 < SIZE and at most 8 decimals (BTC:0.01), "

/*
 * Each case is loaded as "# x\n[SECTION]\nKEY = VALUE\n", so the error
 * is on line 3; want is the text after "t.conf:3: KEY: ".
 */
static const struct {
	const char *section, *key, *value, *want;
} bad_cases[] = {
	{ "detector", "min_spread_bps", "ten",
	    "expected a number 0-10000 (bps), got \"ten\"" },
	{ "detector", "min_spread_bps", "10001",
	    "expected a number 0-10000 (bps), got \"10001\"" },
	{ "detector", "min_spread_bps", "-0.5",
	    "expected a number 0-10000 (bps), got \"-0.5\"" },
	{ "detector", "min_spread_bps", "nan",
	    "expected a number 0-10000 (bps), got \"nan\"" },
	{ "detector", "min_spread_bps", "5bps",
	    "expected a number 0-10000 (bps), got \"5bps\"" },
	{ "detector", "min_spread_bps", "",
	    "expected a number 0-10000 (bps), got \"\"" },
	{ "detector", "min_confidence", "101",
	    "expected a number 0-100 (0-100), got \"101\"" },
	{ "detector", "usd_basis_bps", "600",
	    "expected a number -500-500 (bps), got \"600\"" },
	{ "detector", "require_funding", "maybe",
	    "expected yes or no, got \"maybe\"" },
	{ "detector", "quote_mix", "2", "expected yes or no, got \"2\"" },
	{ "detector", "max_quote_age_ms", "0",
	    "expected an integer 1-600000 (ms), got \"0\"" },
	{ "detector", "max_quote_age_ms", "1.5",
	    "expected an integer 1-600000 (ms), got \"1.5\"" },
	{ "detector", "max_quote_age_ms", "0x10",
	    "expected an integer 1-600000 (ms), got \"0x10\"" },
	{ "detector", "sweep_ms", "99999999999999999999",
	    "expected an integer 10-10000 (ms), got \"99999999999999999999\"" },
	{ "demo", "seed", "2147483648",
	    "expected an integer 0-2147483647, got \"2147483648\"" },
	{ "redis", "stream_maxlen", "999",
	    "expected an integer 1000-1000000000 (entries), got \"999\"" },
	{ "log", "flush_ms", "5",
	    "expected an integer 10-10000 (ms), got \"5\"" },
	{ "executor", "mode", "real",
	    "expected one of: paper live, got \"real\"" },
	{ "executor", "wait", "sleep",
	    "expected one of: spin yield block, got \"sleep\"" },
	{ "log", "level", "loud",
	    "expected one of: error warn info debug trace, got \"loud\"" },
	{ "ring", "slots", "1000", "expected a power of two, got \"1000\"" },
	{ "ring", "slots", "32",
	    "expected an integer 64-1048576 (events), got \"32\"" },
	{ "ring", "slots", "2097152",
	    "expected an integer 64-1048576 (events), got \"2097152\"" },
	{ "venue.okx", "url", "http://ws.okx.com/ws",
	    "expected a URL wss://host[:port][/path], got "
	    "\"http://ws.okx.com/ws\"" },
	{ "venue.okx", "url", "ws.okx.com/ws",
	    "expected a URL wss://host[:port][/path], got \"ws.okx.com/ws\"" },
	{ "venue.okx", "url", "wss://",
	    "expected a URL wss://host[:port][/path], got \"wss://\"" },
	{ "venue.okx", "url", "wss://:8443/ws",
	    "expected a URL wss://host[:port][/path], got \"wss://:8443/ws\"" },
	{ "venue.okx", "url", "wss://ws.okx.com:0/ws",
	    "expected a URL wss://host[:port][/path], got "
	    "\"wss://ws.okx.com:0/ws\"" },
	{ "venue.okx", "url", "wss://ws.okx.com:65536/ws",
	    "expected a URL wss://host[:port][/path], got "
	    "\"wss://ws.okx.com:65536/ws\"" },
	{ "venue.okx", "url", "wss://ws.okx.com:84x/ws",
	    "expected a URL wss://host[:port][/path], got "
	    "\"wss://ws.okx.com:84x/ws\"" },
	{ "venue.okx", "url", "wss://[::1/ws",
	    "expected a URL wss://host[:port][/path], got \"wss://[::1/ws\"" },
	{ "venue.okx", "url", "ws://ws.okx.com:8443/ws",
	    "expected wss://... (plain ws:// only to loopback), got "
	    "\"ws://ws.okx.com:8443/ws\"" },
	{ "venue.okx", "url", "ws://localhost.example.com/ws",
	    "expected wss://... (plain ws:// only to loopback), got "
	    "\"ws://localhost.example.com/ws\"" },
	/* A host name that merely starts with "127." is not loopback. */
	{ "venue.okx", "url", "ws://127.attacker.example/ws",
	    "expected wss://... (plain ws:// only to loopback), got "
	    "\"ws://127.attacker.example/ws\"" },
	{ "venue.okx", "url_rest", "http://www.okx.com",
	    "expected https://... (plain http:// only to loopback), got "
	    "\"http://www.okx.com\"" },
	{ "redis", "url", "redis://localhost:6379",
	    "expected redis://IP:PORT[/DB] with a numeric address, or "
	    "unix:/PATH, got \"redis://localhost:6379\"" },
	{ "redis", "url", "redis://redis.internal:6379/0",
	    "expected redis://IP:PORT[/DB] with a numeric address, or "
	    "unix:/PATH, got \"redis://redis.internal:6379/0\"" },
	{ "redis", "url", "redis://127.0.0.1",
	    "expected redis://IP:PORT[/DB] with a numeric address, or "
	    "unix:/PATH, got \"redis://127.0.0.1\"" },
	{ "redis", "url", "redis://127.0.0.1:0",
	    "expected redis://IP:PORT[/DB] with a numeric address, or "
	    "unix:/PATH, got \"redis://127.0.0.1:0\"" },
	{ "redis", "url", "redis://127.0.0.1:6379/x",
	    "expected redis://IP:PORT[/DB] with a numeric address, or "
	    "unix:/PATH, got \"redis://127.0.0.1:6379/x\"" },
	{ "redis", "url", "unix:run/redis.sock",
	    "expected redis://IP:PORT[/DB] with a numeric address, or "
	    "unix:/PATH, got \"unix:run/redis.sock\"" },
	{ "redis", "url", "127.0.0.1:6379",
	    "expected redis://IP:PORT[/DB] with a numeric address, or "
	    "unix:/PATH, got \"127.0.0.1:6379\"" },
	{ "metrics", "listen", "localhost:9108",
	    "expected IP:PORT with a numeric address (127.0.0.1:9108), got "
	    "\"localhost:9108\"" },
	{ "metrics", "listen", "9108",
	    "expected IP:PORT with a numeric address (127.0.0.1:9108), got "
	    "\"9108\"" },
	{ "metrics", "listen", "127.0.0.1:70000",
	    "expected IP:PORT with a numeric address (127.0.0.1:9108), got "
	    "\"127.0.0.1:70000\"" },
	{ "metrics", "listen", "127.0.0.1:",
	    "expected IP:PORT with a numeric address (127.0.0.1:9108), got "
	    "\"127.0.0.1:\"" },
	{ "instruments", "symbols", "BTC eth",
	    "expected base assets in upper case (BTC ETH ...), got \"eth\"" },
	{ "instruments", "symbols", "BTC-USDT",
	    "expected base assets in upper case (BTC ETH ...), got "
	    "\"BTC-USDT\"" },
	{ "instruments", "symbols", "ABCDEFGHIJKLMNOP",
	    "expected base assets in upper case (BTC ETH ...), got "
	    "\"ABCDEFGHIJKLMNOP\"" },
	{ "venue.bybit", "map", "PEPE",
	    "expected BASE:SYMBOL or BASE:SYMBOL:UNITS "
	    "(PEPE:1000PEPEUSDT:1000), got \"PEPE\"" },
	{ "venue.bybit", "map", "pepe:1000PEPEUSDT",
	    "expected BASE:SYMBOL or BASE:SYMBOL:UNITS "
	    "(PEPE:1000PEPEUSDT:1000), got \"pepe:1000PEPEUSDT\"" },
	{ "venue.bybit", "map", "PEPE:1000PEPEUSDT:0",
	    "expected BASE:SYMBOL or BASE:SYMBOL:UNITS "
	    "(PEPE:1000PEPEUSDT:1000), got \"PEPE:1000PEPEUSDT:0\"" },
	{ "venue.bybit", "map", "PEPE:1000PEPEUSDT:1.5",
	    "expected BASE:SYMBOL or BASE:SYMBOL:UNITS "
	    "(PEPE:1000PEPEUSDT:1000), got \"PEPE:1000PEPEUSDT:1.5\"" },
	/* Symbols go into subscribe JSON: nothing that could break it. */
	{ "venue.bybit", "map", "PEPE:1000PEPE\\USDT",
	    "expected BASE:SYMBOL or BASE:SYMBOL:UNITS "
	    "(PEPE:1000PEPEUSDT:1000), got \"PEPE:1000PEPE\\USDT\"" },
	{ "venue.bybit", "map", "PEPE:A:1000:9",
	    "expected BASE:SYMBOL or BASE:SYMBOL:UNITS "
	    "(PEPE:1000PEPEUSDT:1000), got \"PEPE:A:1000:9\"" },
	{ "venue.bybit", "map", "BTC:BTCUSDT PEPE",
	    "expected BASE:SYMBOL or BASE:SYMBOL:UNITS "
	    "(PEPE:1000PEPEUSDT:1000), got \"PEPE\"" },
	{ "venue.okx", "contract_size", "BTC",
	    CONTRACT_EXPECTED "got \"BTC\"" },
	{ "venue.okx", "contract_size", "BTC:0",
	    CONTRACT_EXPECTED "got \"BTC:0\"" },
	{ "venue.okx", "contract_size", "BTC:-1",
	    CONTRACT_EXPECTED "got \"BTC:-1\"" },
	{ "venue.okx", "contract_size", "btc:0.01",
	    CONTRACT_EXPECTED "got \"btc:0.01\"" },
	{ "venue.okx", "contract_size", "BTC:0.01 ETH:x",
	    CONTRACT_EXPECTED "got \"ETH:x\"" },
	{ "venue.okx", "contract_size", "BTC:0.000000001",
	    CONTRACT_EXPECTED "got \"BTC:0.000000001\"" },
	{ "venue.okx", "contract_size", "BTC:1e-2",
	    CONTRACT_EXPECTED "got \"BTC:1e-2\"" },
	{ "venue.okx", "taker_fee_bps", "101",
	    "expected a number -10-100 (bps), got \"101\"" },
	{ "venue.okx", "enabled", "nope", "expected yes or no, got \"nope\"" },
	{ "tls", "ca_file", "/nonexistent/xarb-ca.pem",
	    "expected a readable file, got \"/nonexistent/xarb-ca.pem\" (No "
	    "such file or directory)" },
};

START_TEST(test_config_bad_value_table)
{
	const struct config_entry *e;
	char *text, *want;
	double spread = cfg->min_spread_bps;
	int v;

	text = tcheck_asprintf("# x\n[%s]\n%s = %s\n", bad_cases[_i].section,
	    bad_cases[_i].key, bad_cases[_i].value);
	want = tcheck_asprintf("t.conf:3: %s: %s", bad_cases[_i].key,
	    bad_cases[_i].want);
	config_load_string(cfg, "t.conf", text, &errs);
	ck_assert_msg(errs.n == 1, "[%s] %s = %s: expected 1 error, got:%s",
	    bad_cases[_i].section, bad_cases[_i].key, bad_cases[_i].value,
	    errs_text(&errs));
	ck_assert_str_eq(errs.msg[0], want);
	/* A refused value is not stored, and its line is not recorded. */
	ck_assert_double_eq(cfg->min_spread_bps, spread);
	e = config_find(bad_cases[_i].section, bad_cases[_i].key);
	ck_assert_ptr_nonnull(e);
	v = (e->flags & CONF_VENUE) ? venues_lookup(bad_cases[_i].section + 6)
				    : 0;
	ck_assert_uint_eq(cfg->lines[e - config_table][v], 0);
}
END_TEST

/* Values that must be accepted, and are stored as written. */
static const struct {
	const char *section, *key, *value;
} good_cases[] = {
	{ "venue.okx", "url", "ws://127.0.0.1:9443/x" },
	{ "venue.okx", "url", "ws://127.0.0.1" },
	{ "venue.okx", "url", "ws://localhost:9443/ws" },
	{ "venue.okx", "url", "ws://[::1]:9443/ws" },
	{ "venue.okx", "url", "wss://ws.okx.com:8443/ws/v5/public" },
	{ "venue.okx", "url", "wss://ws.okx.com/ws?x=1" },
	{ "venue.okx", "url", "wss://[2001:db8::1]:443/ws" },
	{ "venue.kucoin", "url", "" },
	{ "venue.okx", "url_rest", "http://127.0.0.1:8080" },
	{ "venue.okx", "url_rest", "https://www.okx.com" },
	{ "venue.binance", "url_market", "wss://fstream.binance.com/market" },
	{ "redis", "url", "redis://127.0.0.1:6379" },
	{ "redis", "url", "redis://127.0.0.1:6379/0" },
	{ "redis", "url", "redis://10.1.2.3:6380/15" },
	{ "redis", "url", "redis://[::1]:6379" },
	{ "redis", "url", "unix:/run/redis/redis.sock" },
	{ "redis", "url", "" },
	{ "metrics", "listen", "127.0.0.1:9108" },
	{ "metrics", "listen", "0.0.0.0:1" },
	{ "metrics", "listen", "[::1]:65535" },
	{ "metrics", "listen", "" },
	{ "ring", "slots", "64" },
	{ "ring", "slots", "4096" },
	{ "ring", "slots", "1048576" },
	{ "detector", "require_funding", "YES" },
	{ "detector", "require_funding", "on" },
	{ "detector", "require_funding", "1" },
	{ "detector", "quote_mix", "False" },
	{ "detector", "min_spread_bps", "0" },
	{ "detector", "min_spread_bps", "10000" },
	{ "detector", "min_spread_bps", "1e2" },
	{ "detector", "usd_basis_bps", "-500" },
	{ "executor", "mode", "LIVE" },
	{ "log", "level", "trace" },
	{ "venue.bybit", "map", "BTC:BTCUSDT ETH:ETHUSDT:1" },
	{ "venue.okx", "contract_size", "BTC:0.01, ETH:0.1 SOL:1" },
	{ "venue.okx", "contract_size", "BTC:0.00000001" },
	{ "venue.okx", "taker_fee_bps", "-10" },
	{ "instruments", "symbols", "1INCH BTC ABCDEFGHIJKLMNO" },
};

START_TEST(test_config_good_value_table)
{
	const struct config_entry *e;
	char *text;
	int v;

	text = tcheck_asprintf("# x\n[%s]\n%s = %s\n", good_cases[_i].section,
	    good_cases[_i].key, good_cases[_i].value);
	ck_assert_uint_eq(config_load_string(cfg, "t.conf", text, &errs), 0);
	assert_no_errors(&errs);
	e = config_find(good_cases[_i].section, good_cases[_i].key);
	ck_assert_ptr_nonnull(e);
	v = (e->flags & CONF_VENUE) ? venues_lookup(good_cases[_i].section + 6)
				    : 0;
	ck_assert_uint_eq(cfg->lines[e - config_table][v], 3);
	if (e->type == CONF_STRING)
		ck_assert_str_eq(*(char *const *)entry_field(cfg, e,
				     (unsigned)v),
		    good_cases[_i].value);
}
END_TEST

/* Specific values land in the right fields with the right type. */
START_TEST(test_config_typed_values_stored)
{
	static const char text[] = "[detector]\n"
				   "min_spread_bps = 1e2\n"
				   "quote_mix = Off\n"
				   "max_quote_age_ms = +42\n"
				   "[executor]\n"
				   "wait = SPIN\n"
				   "[venue.okx]\n"
				   "contract_size = BTC:0.01, ETH:0.1 SOL:1\n";
	const struct config_list *l = &cfg->venue[VENUE_OKX].contract_size;

	ck_assert_uint_eq(config_load_string(cfg, "t.conf", text, &errs), 0);
	assert_no_errors(&errs);
	ck_assert_double_eq(cfg->min_spread_bps, 100);
	ck_assert_int_eq(cfg->quote_mix, 0);
	ck_assert_int_eq(cfg->max_quote_age_ms, 42);
	ck_assert_int_eq(cfg->exec_wait, EXEC_WAIT_SPIN);
	ck_assert_uint_eq(l->n, 3);
	ck_assert_str_eq(l->v[0], "BTC:0.01");
	ck_assert_str_eq(l->v[1], "ETH:0.1");
	ck_assert_str_eq(l->v[2], "SOL:1");
	ck_assert(config_list_has(l, "SOL:1"));
	ck_assert(!config_list_has(l, "sol:1"));
}
END_TEST

/* --- load: errors are collected --- */

START_TEST(test_config_all_errors_in_one_load)
{
	static const char text[] = "[detector]\n"	       /* 1 */
				   "min_confidence = 60\n"     /* 2 */
				   "min_spread_bps = ten\n"    /* 3 */
				   "require_funding = maybe\n" /* 4 */
				   "# comment\n"	       /* 5 */
				   "slippage_bps = 3\n"	       /* 6 */
				   "[ring]\n"		       /* 7 */
				   "slots = 1000\n"	       /* 8 */
				   "[detector]\n"	       /* 9 */
				   "trade_notional = 2500\n";  /* 10 */
	static const char *const want[] = {
		("t.conf:3: min_spread_bps: expected a number 0-10000 (bps), "
		 "got \"ten\""),
		"t.conf:4: require_funding: expected yes or no, got \"maybe\"",
		"t.conf:8: slots: expected a power of two, got \"1000\"",
	};

	ck_assert_uint_eq(config_load_string(cfg, "t.conf", text, &errs), 3);
	assert_errors(&errs, want, 3);
	/* Good lines before, between and after the errors took effect. */
	ck_assert_double_eq(cfg->min_confidence, 60);
	ck_assert_double_eq(cfg->slippage_bps, 3);
	ck_assert_double_eq(cfg->trade_notional, 2500);
	ck_assert_double_eq(cfg->min_spread_bps, 10);
	ck_assert_int_eq(cfg->ring_slots, 1024);
}
END_TEST

/* A second load appends to the same list; the count is per load. */
START_TEST(test_config_errors_accumulate_across_loads)
{
	struct config *other = cfg2 = config_new();

	ck_assert_uint_eq(config_load_string(cfg, "a.conf",
			      "[ring]\nslots = 3\n", &errs),
	    1);
	ck_assert_uint_eq(config_load_string(other, "b.conf",
			      "[log]\nlevel = x\nflush_ms = 1\n", &errs),
	    2);
	ck_assert_uint_eq(errs.n, 3);
	ck_assert_int_eq(strncmp(errs.msg[0], "a.conf:2: slots:", 16), 0);
	ck_assert_int_eq(strncmp(errs.msg[1], "b.conf:2: level:", 16), 0);
	ck_assert_int_eq(strncmp(errs.msg[2], "b.conf:3: flush_ms:", 19), 0);
	config_errors_clear(&errs);
	ck_assert_uint_eq(errs.n, 0);
	ck_assert_ptr_null(errs.msg);
}
END_TEST

/* --- load: unknown keys and sections --- */

START_TEST(test_config_unknown_key_suggests_nearest)
{
	static const char *const want[] = {
		"t.conf:2: min_sprad_bps: unknown key in [detector]; did you "
		"mean min_spread_bps?",
	};

	ck_assert_uint_eq(config_load_string(cfg, "t.conf",
			      "[detector]\nmin_sprad_bps = 5\n", &errs),
	    1);
	assert_errors(&errs, want, 1);
	ck_assert_double_eq(cfg->min_spread_bps, 10);
}
END_TEST

/* A typo of a key from another section names that key. */
START_TEST(test_config_unknown_key_suggests_other_section)
{
	static const char want[] =
	    "t.conf:2: flsh_ms: unknown key in [detector]; did you mean "
	    "flush_ms";

	ck_assert_uint_eq(config_load_string(cfg, "t.conf",
			      "[detector]\nflsh_ms = 5\n", &errs),
	    1);
	ck_assert_msg(strncmp(errs.msg[0], want, sizeof want - 1) == 0,
	    "got \"%s\"", errs.msg[0]);
	ck_assert_ptr_nonnull(strstr(errs.msg[0] + sizeof want - 1, "log"));
}
END_TEST

/* A far-off key gets no suggestion. */
START_TEST(test_config_unknown_key_without_suggestion)
{
	static const char *const want[] = {
		"t.conf:2: qqqqqqqqqqqqqqqqqqqq: unknown key in [detector]",
	};

	ck_assert_uint_eq(config_load_string(cfg, "t.conf",
			      "[detector]\nqqqqqqqqqqqqqqqqqqqq = 5\n", &errs),
	    1);
	assert_errors(&errs, want, 1);
}
END_TEST

static const struct {
	const char *section, *key, *belongs;
} wrong_section_cases[] = {
	{ "detector", "level", "log" },
	{ "detector", "slots", "ring" },
	{ "log", "min_spread_bps", "detector" },
	{ "detector", "enabled", "venue.NAME" },
	{ "redis", "taker_fee_bps", "venue.NAME" },
	{ "venue.okx", "min_spread_bps", "detector" },
	{ "venue.okx", "url_market", "venue.binance" },
	{ "demo", "secrets_file", "executor" },
};

START_TEST(test_config_key_in_wrong_section_table)
{
	char *text, *want;

	text = tcheck_asprintf("[%s]\n%s = 1\n",
	    wrong_section_cases[_i].section, wrong_section_cases[_i].key);
	want = tcheck_asprintf(
	    "t.conf:2: %s: not valid in [%s]; it belongs in [%s]",
	    wrong_section_cases[_i].key, wrong_section_cases[_i].section,
	    wrong_section_cases[_i].belongs);
	config_load_string(cfg, "t.conf", text, &errs);
	assert_errors(&errs, (const char *const *)&want, 1);
}
END_TEST

/* binance takes url_market; okx does not. */
START_TEST(test_config_url_market_binance_only)
{
	static const char *const want[] = {
		"t.conf:4: url_market: not valid in [venue.okx]; it belongs "
		"in [venue.binance]",
	};

	ck_assert_uint_eq(config_load_string(cfg, "t.conf",
			      "[venue.binance]\n"
			      "url_market = wss://127.0.0.1:9443/m\n"
			      "[venue.okx]\n"
			      "url_market = wss://127.0.0.1:9443/m\n",
			      &errs),
	    1);
	assert_errors(&errs, want, 1);
	ck_assert_str_eq(cfg->venue[VENUE_BINANCE].url_market,
	    "wss://127.0.0.1:9443/m");
	ck_assert_str_eq(cfg->venue[VENUE_OKX].url_market, "");
}
END_TEST

/* One error at the section line; its keys are skipped silently. */
START_TEST(test_config_unknown_section_suggests_and_skips)
{
	static const char *const want[] = {
		"t.conf:1: unknown section [detectr]; did you mean [detector]?",
		"t.conf:5: unknown section [venue.okz]; did you mean "
		"[venue.okx]?",
	};

	ck_assert_uint_eq(config_load_string(cfg, "t.conf",
			      "[detectr]\n"
			      "min_spread_bps = 5\n"
			      "not_a_key = what\n"
			      "min_confidence = bad\n"
			      "[venue.okz]\n"
			      "enabled = no\n"
			      "[detector]\n"
			      "min_confidence = 80\n",
			      &errs),
	    2);
	assert_errors(&errs, want, 2);
	ck_assert_double_eq(cfg->min_spread_bps, 10);
	ck_assert_int_eq(cfg->venue[VENUE_OKX].enabled, 1);
	ck_assert_double_eq(cfg->min_confidence, 80); /* back on track */
}
END_TEST

START_TEST(test_config_unknown_section_without_suggestion)
{
	static const char want[] =
	    "t.conf:1: unknown section [zzzzzzzzzz]; expected one of "
	    "[instruments] [detector] [venue.NAME]";

	ck_assert_uint_eq(config_load_string(cfg, "t.conf",
			      "[zzzzzzzzzz]\nx = 1\n", &errs),
	    1);
	ck_assert_msg(strncmp(errs.msg[0], want, sizeof want - 1) == 0,
	    "got \"%s\"", errs.msg[0]);
}
END_TEST

/* --- load: syntax --- */

static const struct {
	const char *text, *want;
} syntax_cases[] = {
	{ "min_spread_bps = 5\n[detector]\n",
	    "t.conf:1: min_spread_bps: expected a [section] line before the "
	    "first key" },
	{ "# c\n\nmin_spread_bps = 5\n",
	    "t.conf:3: min_spread_bps: expected a [section] line before the "
	    "first key" },
	{ "[detector]\njust some words\n",
	    "t.conf:2: expected \"key = value\" or \"[section]\", got \"just "
	    "some words\"" },
	{ "[detector\nmin_spread_bps = 5\n",
	    "t.conf:1: expected [section], got \"[detector\"" },
	{ "[detector] extra\n",
	    "t.conf:1: expected nothing after [detector], got \"extra\"" },
	{ "[log]\nfile = \"/tmp/unterminated\n",
	    "t.conf:2: file: expected a value, or one in double quotes" },
	{ "[log]\nfile = \"/tmp/a\" b\n",
	    "t.conf:2: file: expected a value, or one in double quotes" },
};

START_TEST(test_config_syntax_error_table)
{
	config_load_string(cfg, "t.conf", syntax_cases[_i].text, &errs);
	assert_errors(&errs, &syntax_cases[_i].want, 1);
}
END_TEST

START_TEST(test_config_duplicate_key)
{
	static const char *const want[] = {
		"t.conf:4: min_spread_bps: set twice (first at line 2)",
		"t.conf:8: min_spread_bps: set twice (first at line 2)",
	};

	ck_assert_uint_eq(config_load_string(cfg, "t.conf",
			      "[detector]\n"
			      "min_spread_bps = 5\n"
			      "\n"
			      "min_spread_bps = 6\n"
			      "[log]\n"
			      "level = info\n"
			      "[detector]\n"
			      "min_spread_bps = 7\n"
			      /* The same key in two venues is no repeat. */
			      "[venue.okx]\n"
			      "taker_fee_bps = 1\n"
			      "[venue.bybit]\n"
			      "taker_fee_bps = 2\n",
			      &errs),
	    2);
	assert_errors(&errs, want, 2);
	ck_assert_double_eq(cfg->min_spread_bps, 5);
	ck_assert_double_eq(cfg->venue[VENUE_OKX].taker_fee_bps, 1);
	ck_assert_double_eq(cfg->venue[VENUE_BYBIT].taker_fee_bps, 2);
}
END_TEST

START_TEST(test_config_comments)
{
	static const char text[] =
	    "# a comment line = with an equals sign\n"
	    "   # an indented comment\n"
	    "; an ini-style comment\n"
	    "[log] # a comment after a section\n"
	    "file = \"/tmp/x#1.log\" # quoted: the first # is kept\n"
	    "[detector]\n"
	    "min_spread_bps = 12.5 # a trailing comment\n"
	    "min_confidence = 60\t# after a tab\n"
	    "[venue.okx]\n"
	    "url = wss://ws.okx.com/ws#frag # no blank before the first #\n"
	    "[venue.bybit]\n"
	    "symbols = BTC ETH # SOL is commented out\n";

	ck_assert_uint_eq(config_load_string(cfg, "t.conf", text, &errs), 0);
	assert_no_errors(&errs);
	ck_assert_str_eq(cfg->log_file, "/tmp/x#1.log");
	ck_assert_double_eq(cfg->min_spread_bps, 12.5);
	ck_assert_double_eq(cfg->min_confidence, 60);
	ck_assert_str_eq(cfg->venue[VENUE_OKX].url, "wss://ws.okx.com/ws#frag");
	ck_assert_uint_eq(cfg->venue[VENUE_BYBIT].symbols.n, 2);
}
END_TEST

START_TEST(test_config_crlf_and_blanks)
{
	ck_assert_uint_eq(config_load_string(cfg, "t.conf",
			      "\r\n  [ detector ]  \r\n"
			      "\tmin_spread_bps\t=\t7\r\n"
			      "min_confidence=65", /* no final newline */
			      &errs),
	    0);
	assert_no_errors(&errs);
	ck_assert_double_eq(cfg->min_spread_bps, 7);
	ck_assert_double_eq(cfg->min_confidence, 65);
	ck_assert_uint_eq(cfg->lines[entry_index("detector", "min_confidence")]
				    [0],
	    4);
}
END_TEST

/* --- load: checks across keys --- */

START_TEST(test_config_venue_bases_must_be_instruments)
{
	ck_assert_uint_eq(config_load_string(cfg, "t.conf",
			      "[instruments]\n"			 /* 1 */
			      "symbols = BTC ETH\n"		 /* 2 */
			      "[venue.okx]\n"			 /* 3 */
			      "symbols = BTC DOGE\n"		 /* 4 */
			      "map = SOL:SOL-USDT-SWAP\n"	 /* 5 */
			      "[venue.bybit]\n"			 /* 6 */
			      "contract_size = XRP:1 ETH:0.1\n", /* 7 */
			      &errs),
	    3);
	ck_assert_msg(has_error(&errs,
			  "t.conf:4: symbols: expected bases from "
			  "[instruments] symbols, got \"DOGE\" in [venue.okx]"),
	    "%s", errs_text(&errs));
	ck_assert_msg(has_error(&errs,
			  "t.conf:5: map: expected bases from [instruments] "
			  "symbols, got \"SOL\" in [venue.okx]"),
	    "%s", errs_text(&errs));
	ck_assert_msg(has_error(&errs,
			  "t.conf:7: contract_size: expected bases from "
			  "[instruments] symbols, got \"XRP\" in "
			  "[venue.bybit]"),
	    "%s", errs_text(&errs));
}
END_TEST

START_TEST(test_config_map_pepe_accepted)
{
	ck_assert_uint_eq(config_load_string(cfg, "t.conf",
			      "[instruments]\n"
			      "symbols = BTC PEPE\n"
			      "[venue.bybit]\n"
			      "map = PEPE:1000PEPEUSDT:1000\n"
			      "[venue.okx]\n"
			      "map = PEPE:PEPE-USDT-SWAP\n",
			      &errs),
	    0);
	assert_no_errors(&errs);
	ck_assert_str_eq(cfg->venue[VENUE_BYBIT].map.v[0],
	    "PEPE:1000PEPEUSDT:1000");
	ck_assert_str_eq(cfg->venue[VENUE_OKX].map.v[0], "PEPE:PEPE-USDT-SWAP");
}
END_TEST

START_TEST(test_config_instruments_checked)
{
	ck_assert_uint_eq(config_load_string(cfg, "t.conf",
			      "[instruments]\nsymbols = BTC ETH BTC\n", &errs),
	    1);
	ck_assert_str_eq(errs.msg[0],
	    "t.conf:2: symbols: expected each base once, got \"BTC\" twice");
	config_errors_clear(&errs);
	config_free(cfg);
	cfg = config_new();
	ck_assert_uint_eq(config_load_string(cfg, "t.conf",
			      "# empty\n[instruments]\nsymbols = \"\"\n",
			      &errs),
	    1);
	ck_assert_str_eq(errs.msg[0],
	    "t.conf:3: symbols: expected 1-4096 bases, got 0");
}
END_TEST

START_TEST(test_config_all_venues_disabled)
{
	static const char *const want[] = {
		"t.conf: expected at least one venue with enabled = yes",
	};
	char text[1024];
	size_t off = 0;
	unsigned v;

	for (v = 0; v < VENUE_COUNT; v++)
		off += (size_t)snprintf(text + off, sizeof text - off,
		    "[venue.%s]\nenabled = no\n", venues_name(v));
	ck_assert_uint_eq(config_load_string(cfg, "t.conf", text, &errs), 1);
	assert_errors(&errs, want, 1);
}
END_TEST

START_TEST(test_config_one_venue_enabled_is_enough)
{
	char text[1024];
	size_t off = 0;
	unsigned v;

	for (v = 0; v < VENUE_COUNT; v++)
		off += (size_t)snprintf(text + off, sizeof text - off,
		    "[venue.%s]\nenabled = %s\n", venues_name(v),
		    v == VENUE_PARADEX ? "yes" : "no");
	ck_assert_uint_eq(config_load_string(cfg, "t.conf", text, &errs), 0);
	assert_no_errors(&errs);
}
END_TEST

/* An enabled venue (other than KuCoin) needs a URL. */
START_TEST(test_config_enabled_venue_needs_url)
{
	static const char *const want[] = {
		"t.conf:3: url: expected a wss:// URL for [venue.okx], "
		"got \"\"",
	};

	ck_assert_uint_eq(config_load_string(cfg, "t.conf",
			      "[venue.okx]\n"
			      "enabled = yes\n"
			      "url = \"\"\n"
			      "[venue.kucoin]\n"
			      "url = \"\"\n"
			      "[venue.bitget]\n"
			      "enabled = no\n"
			      "url = \"\"\n",
			      &errs),
	    1);
	assert_errors(&errs, want, 1);
}
END_TEST

START_TEST(test_config_secrets_file_mode_checked)
{
	char *path, *text;

	path = tcheck_keep(tcheck_write(dir, "secrets",
	    "XARB_BYBIT_API_KEY=x\n", 0644));
	text = tcheck_asprintf("[executor]\nsecrets_file = %s\n", path);
	ck_assert_uint_eq(config_load_string(cfg, "t.conf", text, &errs), 1);
	ck_assert_int_eq(strncmp(errs.msg[0], "t.conf:2: secrets_file: ", 24),
	    0);
	ck_assert_ptr_nonnull(strstr(errs.msg[0], "644"));
	config_errors_clear(&errs);

	ck_assert_int_eq(chmod(path, 0600), 0);
	ck_assert_uint_eq(config_load_string(cfg, "t.conf", text, &errs), 0);
	ck_assert_str_eq(cfg->exec_secrets_file, path);
}
END_TEST

/* --- files --- */

START_TEST(test_config_load_file)
{
	char *path, *want;

	path = tcheck_keep(tcheck_write(dir, "x.conf",
	    "[detector]\nmin_spread_bps = 15\nmin_confidence = lots\n", 0644));
	ck_assert_uint_eq(config_load(cfg, path, &errs), 1);
	want = tcheck_asprintf("%s:3: min_confidence: expected a number 0-100 "
			       "(0-100), got \"lots\"",
	    path);
	assert_errors(&errs, (const char *const *)&want, 1);
	ck_assert_double_eq(cfg->min_spread_bps, 15);
	ck_assert_str_eq(cfg->path, path);
}
END_TEST

START_TEST(test_config_load_empty_file)
{
	char *path = tcheck_keep(tcheck_write(dir, "empty.conf", "", 0644));

	ck_assert_uint_eq(config_load(cfg, path, &errs), 0);
	assert_no_errors(&errs);
	ck_assert_double_eq(cfg->min_spread_bps, 10);
}
END_TEST

START_TEST(test_config_load_missing_file)
{
	char *path, *want;

	path = tcheck_asprintf("%s/missing.conf", dir);
	want = tcheck_asprintf("%s: No such file or directory", path);
	ck_assert_uint_eq(config_load(cfg, path, &errs), 1);
	assert_errors(&errs, (const char *const *)&want, 1);
	ck_assert_ptr_null(cfg->path);
}
END_TEST

START_TEST(test_config_load_nul_byte)
{
	static const char text[] = "[detector]\n"
				   "min_spread_bps = 5\n"
				   "min_confidence = 6\0junk\n"
				   "slippage_bps = 1\n";
	char *path, *want;
	size_t n;
	FILE *fp;

	path = tcheck_asprintf("%s/nul.conf", dir);
	want = tcheck_asprintf("%s:3: expected text, got a NUL byte", path);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	n = fwrite(text, 1, sizeof text - 1, fp);
	fclose(fp);
	ck_assert_uint_eq(n, sizeof text - 1);
	ck_assert_uint_eq(config_load(cfg, path, &errs), 1);
	assert_errors(&errs, (const char *const *)&want, 1);
	/* Nothing of the file was applied. */
	ck_assert_double_eq(cfg->min_spread_bps, 10);
}
END_TEST

/* --- dump --- */

/* _i 0: all defaults; _i 1: nearly every key changed, from a file. */
START_TEST(test_config_dump_round_trip)
{
	struct config *back;
	char *ca, *secrets, *text, *path, *dumped;

	ca = tcheck_keep(tcheck_write(dir, "ca.pem", "not really a PEM\n",
	    0644));
	secrets = tcheck_keep(tcheck_write(dir, "secrets", "XARB_X=y\n", 0600));
	text = tcheck_asprintf("[instruments]\n"
			       "symbols = BTC ETH SOL PEPE 1INCH\n"
			       "[detector]\n"
			       "min_spread_bps = 12.5\n"
			       "min_confidence = 55\n"
			       "require_funding = yes\n"
			       "min_funding_delta = 0.00025\n"
			       "max_quote_age_ms = 1500\n"
			       "min_notional = 250\n"
			       "trade_notional = 5000\n"
			       "slippage_bps = 2.25\n"
			       "hold_hours = 24\n"
			       "update_step_bps = 0.5\n"
			       "quote_mix = no\n"
			       "usd_basis_bps = -2.5\n"
			       "sweep_ms = 50\n"
			       "[venue.bybit]\n"
			       "map = PEPE:1000PEPEUSDT:1000 BTC:BTCUSDT\n"
			       "maker_fee_bps = -1\n"
			       "[venue.okx]\n"
			       "symbols = BTC ETH\n"
			       "contract_size = BTC:0.01 ETH:0.1\n"
			       "url = ws://127.0.0.1:9443/ws/v5/public\n"
			       "[venue.kucoin]\n"
			       "enabled = no\n"
			       "[venue.binance]\n"
			       "url_market = wss://127.0.0.1:9444/market/ws\n"
			       "url_rest = http://127.0.0.1:8080\n"
			       "taker_fee_bps = 4.25\n"
			       "[tls]\n"
			       "ca_file = %s\n"
			       "[executor]\n"
			       "mode = live\n"
			       "wait = spin\n"
			       "secrets_file = %s\n"
			       "kill_switch = yes\n"
			       "[redis]\n"
			       "url = redis://127.0.0.1:6379/2\n"
			       "stream_maxlen = 5000\n"
			       "quote_interval_ms = 0\n"
			       "[metrics]\n"
			       "listen = 127.0.0.1:9108\n"
			       "status_interval_s = 0\n"
			       "[log]\n"
			       "level = debug\n"
			       "file = \"/tmp/xarb#test.log\"\n"
			       "flush_ms = 20\n"
			       "[ring]\n"
			       "slots = 4096\n"
			       "[demo]\n"
			       "rate = 1000\n"
			       "seed = 42\n"
			       "volatility_bps = 7.5\n"
			       "dislocation_every_s = 0\n"
			       "dislocation_bps = 80\n"
			       "dislocation_s = 2.5\n",
	    ca, secrets);
	path = tcheck_keep(tcheck_write(dir, "rich.conf", _i == 0 ? "" : text,
	    0644));
	ck_assert_uint_eq(config_load(cfg, path, &errs), 0);
	assert_no_errors(&errs);
	if (_i == 1)
		ck_assert_int_eq(cfg->exec_mode, EXEC_MODE_LIVE);

	dumped = dump_text(cfg);
	back = cfg2 = config_new();
	ck_assert_msg(config_load_string(back, "dump", dumped, &errs) == 0,
	    "dump does not reload:%s\n--- dump:\n%s", errs_text(&errs), dumped);
	assert_configs_equal(cfg, back);
}
END_TEST

/* Each line says where its value came from. */
START_TEST(test_config_dump_marks_origin)
{
	char *path, *dumped, *want;

	path = tcheck_keep(tcheck_write(dir, "o.conf",
	    "[detector]\n\nmin_spread_bps = 12.5\n[venue.okx]\nenabled = no\n",
	    0644));
	ck_assert_uint_eq(config_load(cfg, path, &errs), 0);
	dumped = dump_text(cfg);
	want = tcheck_asprintf("\nmin_spread_bps = 12.5 # %s:3\n", path);
	ck_assert_msg(strstr(dumped, want) != NULL, "no \"%s\" in:\n%s", want,
	    dumped);
	want = tcheck_asprintf("[venue.okx]\nenabled = no # %s:5\n", path);
	ck_assert_msg(strstr(dumped, want) != NULL, "no \"%s\" in:\n%s", want,
	    dumped);
	ck_assert_ptr_nonnull(strstr(dumped,
	    "\nmin_confidence = 70 # default\n"));
	ck_assert_ptr_nonnull(strstr(dumped,
	    "\n[ring]\nslots = 1024 # default\n"));
	/* url_market only under binance. */
	ck_assert_ptr_nonnull(strstr(dumped, "[venue.binance]\n"));
	ck_assert_ptr_null(strstr(strstr(dumped, "[venue.binance]\n") + 1,
	    "\n[venue."));
	ck_assert_ptr_nonnull(strstr(dumped, "\nurl_market = "));
	ck_assert_ptr_null(strstr(strstr(dumped, "\nurl_market = ") + 1,
	    "\nurl_market = "));
}
END_TEST

/* INST_MAX allows thousands of bases; the dump must keep them all. */
START_TEST(test_config_dump_long_list_round_trips)
{
	struct config *back;
	char *text, *dumped;
	size_t off;
	unsigned i, n = 1000;

	text = tcheck_keep(malloc(64 + n * 6));
	off = (size_t)sprintf(text, "[instruments]\nsymbols =");
	for (i = 0; i < n; i++)
		off += (size_t)sprintf(text + off, " B%04u", i);
	strcpy(text + off, "\n");
	ck_assert_uint_eq(config_load_string(cfg, "t.conf", text, &errs), 0);
	ck_assert_uint_eq(cfg->symbols.n, n);

	dumped = dump_text(cfg);
	back = cfg2 = config_new();
	config_load_string(back, "dump", dumped, &errs);
	assert_no_errors(&errs);
	ck_assert_msg(back->symbols.n == n,
	    "dumped %u symbols, reloaded %u (last \"%s\")", n, back->symbols.n,
	    back->symbols.n ? back->symbols.v[back->symbols.n - 1] : "");
	assert_configs_equal(cfg, back);
}
END_TEST

/* A number survives the dump exactly, whatever its digits. */
START_TEST(test_config_dump_keeps_full_precision)
{
	struct config *back;
	char *dumped;

	ck_assert_uint_eq(config_load_string(cfg, "t.conf",
			      "[detector]\n"
			      "usd_basis_bps = 1.23456789012\n"
			      "min_funding_delta = 0.000123456789012345\n",
			      &errs),
	    0);
	dumped = dump_text(cfg);
	back = cfg2 = config_new();
	ck_assert_uint_eq(config_load_string(back, "dump", dumped, &errs), 0);
	ck_assert_msg(back->usd_basis_bps == cfg->usd_basis_bps,
	    "usd_basis_bps %.17g dumped and reloaded as %.17g",
	    cfg->usd_basis_bps, back->usd_basis_bps);
	ck_assert_msg(back->min_funding_delta == cfg->min_funding_delta,
	    "min_funding_delta %.17g dumped and reloaded as %.17g",
	    cfg->min_funding_delta, back->min_funding_delta);
}
END_TEST

/* --- the sample etc/xarb.conf --- */

static char *
sample_path(void)
{
	return (tcheck_asprintf("%s/etc/xarb.conf", tcheck_srcdir()));
}

START_TEST(test_config_sample_loads_clean)
{
	char *path = sample_path();

	config_load(cfg, path, &errs);
	ck_assert_msg(errs.n == 0, "%s:%s", path, errs_text(&errs));
}
END_TEST

/* The sample documents every key: each is set, for every venue. */
START_TEST(test_config_sample_sets_every_key)
{
	const struct config_entry *e;
	char *path = sample_path();
	size_t i;
	unsigned v, missing = 0;

	config_load(cfg, path, &errs);
	ck_assert_msg(errs.n == 0, "%s:%s", path, errs_text(&errs));
	for (i = 0; i < config_table_len; i++) {
		e = &config_table[i];
		for (v = 0; v < VENUE_COUNT; v++) {
			if (!entry_applies(e, v) || cfg->lines[i][v] != 0)
				continue;
			if (e->flags & CONF_VENUE)
				fprintf(stderr, "%s: [venue.%s] %s not set\n",
				    path, venues_name(v), e->name);
			else
				fprintf(stderr, "%s: [%s] %s not set\n", path,
				    e->section, e->name);
			missing++;
		}
	}
	ck_assert_msg(missing == 0, "%s leaves %u settings unset", path,
	    missing);
}
END_TEST

/* --- API --- */

static const struct {
	const char *section, *key, *want, *want_section;
} suggest_cases[] = {
	{ "detector", "min_sprad_bps", "min_spread_bps", "detector" },
	{ "detector", "MIN_SPREAD_BPS", NULL, NULL },
	{ "log", "levle", "level", "log" },
	{ "detector", "flsh_ms", "flush_ms", "log" },
	{ "venue.okx", "taker_fe_bps", "taker_fee_bps", "venue" },
	{ "ring", "slot", "slots", "ring" },
	{ "detector", "zzzzzzzzzzzz", NULL, NULL },
	{ "detector", "qqqqqqqqqqqqqqqqqqqq", NULL, NULL },
	{ "ring", "xyzzy", NULL, NULL },
};

START_TEST(test_config_suggest_table)
{
	const struct config_entry *e;

	e = config_suggest(suggest_cases[_i].section, suggest_cases[_i].key);
	if (suggest_cases[_i].want == NULL) {
		ck_assert_msg(e == NULL, "\"%s\" suggested \"%s\"",
		    suggest_cases[_i].key, e->name);
		return;
	}
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->name, suggest_cases[_i].want);
	ck_assert_str_eq(e->section, suggest_cases[_i].want_section);
}
END_TEST

START_TEST(test_config_find)
{
	const struct config_entry *e;

	e = config_find("detector", "min_spread_bps");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->name, "min_spread_bps");
	ck_assert_int_eq(e->type, CONF_DOUBLE);
	ck_assert_ptr_nonnull(config_find("venue.okx", "taker_fee_bps"));
	ck_assert_ptr_nonnull(config_find("venue.BINANCE", "url_market"));
	ck_assert_ptr_null(config_find("venue.okx", "url_market"));
	ck_assert_ptr_null(config_find("venue.nosuch", "url"));
	ck_assert_ptr_null(config_find("log", "min_spread_bps"));
	ck_assert_ptr_null(config_find("detector", "Min_Spread_Bps"));
	ck_assert_ptr_null(config_find("venue.okx", "min_spread_bps"));
	ck_assert_ptr_eq(config_find("redis", "url"),
	    config_find("redis", "url"));
	ck_assert_ptr_ne(config_find("redis", "url"),
	    config_find("venue.okx", "url"));
}
END_TEST

/* config_set() on cfg; any message goes to *msg (freed by teardown). */
static int
set(const char *section, const char *key, const char *value, const char **msg)
{
	char *cause = NULL;
	int rv;

	rv = config_set(cfg, section, key, value, &cause);
	*msg = tcheck_keep(cause);
	return (rv);
}

/*
 * "venue" alone is not a venue section: venue keys live in
 * [venue.NAME].  (config_set() would otherwise read past "venue" for
 * the name and store through a venue offset into struct config.)
 */
START_TEST(test_config_find_bare_venue_section)
{
	const char *msg;

	ck_assert_ptr_null(config_find("venue", "enabled"));
	ck_assert_ptr_null(config_find("venue", "taker_fee_bps"));
	ck_assert_int_eq(set("venue", "enabled", "no", &msg), -1);
	ck_assert_ptr_nonnull(msg);
}
END_TEST

START_TEST(test_config_set)
{
	const char *msg;

	ck_assert_int_eq(set("detector", "min_spread_bps", "25", &msg), 0);
	ck_assert_ptr_null(msg);
	ck_assert_double_eq(cfg->min_spread_bps, 25);

	ck_assert_int_eq(set("detector", "min_spread_bps", "ten", &msg), -1);
	ck_assert_str_eq(msg, "expected a number 0-10000 (bps), got \"ten\"");
	ck_assert_double_eq(cfg->min_spread_bps, 25);

	ck_assert_int_eq(set("ring", "slots", "1000", &msg), -1);
	ck_assert_str_eq(msg, "expected a power of two, got \"1000\"");
	ck_assert_int_eq(cfg->ring_slots, 1024);

	ck_assert_int_eq(set("detector", "nope", "1", &msg), -1);
	ck_assert_str_eq(msg, "unknown key [detector] nope");
	ck_assert_int_eq(set("venue.okx", "url_market", "wss://x/y", &msg), -1);
	ck_assert_str_eq(msg, "unknown key [venue.okx] url_market");
	ck_assert_int_eq(set("venue.nosuch", "url", "wss://x/y", &msg), -1);
	ck_assert_ptr_nonnull(msg);
	ck_assert_int_eq(set("venue.okx", "url", "ws://example.com/", &msg),
	    -1);
	ck_assert_str_eq(cfg->venue[VENUE_OKX].url,
	    "wss://ws.okx.com:8443/ws/v5/public");

	/* A venue key changes only that venue. */
	ck_assert_int_eq(set("venue.okx", "taker_fee_bps", "3.5", &msg), 0);
	ck_assert_double_eq(cfg->venue[VENUE_OKX].taker_fee_bps, 3.5);
	ck_assert_double_eq(cfg->venue[VENUE_BYBIT].taker_fee_bps, 5.5);
	ck_assert_int_eq(set("venue.kucoin", "enabled", "no", &msg), 0);
	ck_assert_int_eq(cfg->venue[VENUE_KUCOIN].enabled, 0);
	ck_assert_int_eq(cfg->venue[VENUE_OKX].enabled, 1);
	ck_assert_int_eq(set("log", "file", "/tmp/a b.log", &msg), 0);
	ck_assert_str_eq(cfg->log_file, "/tmp/a b.log");
	ck_assert_int_eq(set("venue.okx", "contract_size", "BTC:0.01", &msg),
	    0);
	ck_assert_uint_eq(cfg->venue[VENUE_OKX].contract_size.n, 1);
	ck_assert_ptr_null(msg);
}
END_TEST

/*
 * *cause is output only: a successful set must neither read nor free
 * what the caller's variable held (tmux-style callers leave it
 * uninitialised).
 */
static const struct {
	const char *section, *key, *value;
} set_keeps_cause_cases[] = {
	{ "detector", "min_spread_bps", "20" },
	{ "venue.okx", "map", "BTC:BTC-USDT-SWAP" },
	{ "venue.okx", "contract_size", "BTC:0.01" },
	{ "instruments", "symbols", "BTC ETH" },
};

START_TEST(test_config_set_success_leaves_cause_alone)
{
	char *sentinel = strdup("caller's"), *cause = sentinel;
	int rv;

	rv = config_set(cfg, set_keeps_cause_cases[_i].section,
	    set_keeps_cause_cases[_i].key, set_keeps_cause_cases[_i].value,
	    &cause);
	/* If the sentinel was freed it is gone: never touch it again. */
	tcheck_keep(cause);
	ck_assert_int_eq(rv, 0);
	ck_assert_msg(cause == sentinel,
	    "config_set [%s] %s = %s changed *cause on success",
	    set_keeps_cause_cases[_i].section, set_keeps_cause_cases[_i].key,
	    set_keeps_cause_cases[_i].value);
}
END_TEST

START_TEST(test_config_list_has_is_exact)
{
	const struct config_list *l = &cfg->symbols;

	ck_assert(config_list_has(l, "BTC"));
	ck_assert(config_list_has(l, "SOL"));
	ck_assert(!config_list_has(l, "btc"));
	ck_assert(!config_list_has(l, "BT"));
	ck_assert(!config_list_has(l, "BTCX"));
	ck_assert(!config_list_has(l, ""));
}
END_TEST

static Suite *
config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc;

	tc = tcase_create("defaults");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_config_defaults_hold_table_values);
	tcase_add_loop_test(tc, test_config_defaults_per_venue, 0, VENUE_COUNT);
	tcase_add_test(tc, test_config_default_text);
	tcase_add_test(tc, test_config_table_is_consistent);
	tcase_add_test(tc, test_config_free_null_is_safe);
	suite_add_tcase(s, tc);

	tc = tcase_create("values");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_config_good_string_sets_values);
	tcase_add_loop_test(tc, test_config_bad_value_table, 0,
	    (int)nitems(bad_cases));
	tcase_add_loop_test(tc, test_config_good_value_table, 0,
	    (int)nitems(good_cases));
	tcase_add_test(tc, test_config_typed_values_stored);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_config_all_errors_in_one_load);
	tcase_add_test(tc, test_config_errors_accumulate_across_loads);
	tcase_add_test(tc, test_config_unknown_key_suggests_nearest);
	tcase_add_test(tc, test_config_unknown_key_suggests_other_section);
	tcase_add_test(tc, test_config_unknown_key_without_suggestion);
	tcase_add_loop_test(tc, test_config_key_in_wrong_section_table, 0,
	    (int)nitems(wrong_section_cases));
	tcase_add_test(tc, test_config_url_market_binance_only);
	tcase_add_test(tc, test_config_unknown_section_suggests_and_skips);
	tcase_add_test(tc, test_config_unknown_section_without_suggestion);
	tcase_add_loop_test(tc, test_config_syntax_error_table, 0,
	    (int)nitems(syntax_cases));
	tcase_add_test(tc, test_config_duplicate_key);
	tcase_add_test(tc, test_config_comments);
	tcase_add_test(tc, test_config_crlf_and_blanks);
	suite_add_tcase(s, tc);

	tc = tcase_create("validate");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_config_venue_bases_must_be_instruments);
	tcase_add_test(tc, test_config_map_pepe_accepted);
	tcase_add_test(tc, test_config_instruments_checked);
	tcase_add_test(tc, test_config_all_venues_disabled);
	tcase_add_test(tc, test_config_one_venue_enabled_is_enough);
	tcase_add_test(tc, test_config_enabled_venue_needs_url);
	tcase_add_test(tc, test_config_secrets_file_mode_checked);
	suite_add_tcase(s, tc);

	tc = tcase_create("files");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_config_load_file);
	tcase_add_test(tc, test_config_load_empty_file);
	tcase_add_test(tc, test_config_load_missing_file);
	tcase_add_test(tc, test_config_load_nul_byte);
	suite_add_tcase(s, tc);

	tc = tcase_create("dump");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_config_dump_round_trip, 0, 2);
	tcase_add_test(tc, test_config_dump_marks_origin);
	tcase_add_test(tc, test_config_dump_long_list_round_trips);
	tcase_add_test(tc, test_config_dump_keeps_full_precision);
	suite_add_tcase(s, tc);

	tc = tcase_create("sample");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_config_sample_loads_clean);
	tcase_add_test(tc, test_config_sample_sets_every_key);
	suite_add_tcase(s, tc);

	tc = tcase_create("api");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_config_suggest_table, 0,
	    (int)nitems(suggest_cases));
	tcase_add_test(tc, test_config_find);
	tcase_add_test(tc, test_config_find_bare_venue_section);
	tcase_add_test(tc, test_config_set);
	tcase_add_loop_test(tc, test_config_set_success_leaves_cause_alone, 0,
	    (int)nitems(set_keeps_cause_cases));
	tcase_add_test(tc, test_config_list_has_is_exact);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	return (tcheck_run(config_suite()));
}
