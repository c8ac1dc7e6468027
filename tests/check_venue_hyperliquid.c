/*
 * Tests of the Hyperliquid adapter (src/venue_hyperliquid.c): every
 * line of the recorded samples with its exact result, bbo edge cases
 * (null sides, odd arrays, numbers as strings or JSON numbers, kPEPE's
 * 1000-coin units), hourly funding with the next hour from the receive
 * time, malformed input, error and echo channels, and the bytes of
 * subscriptions and pings.
 */
#include "autoconf.h"

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
#include "venue.h"
#include "venue_hyperliquid_internal.h"

#define MAX_UPDATES 8
#define HL_MSG_MAX 256

static struct config *cfg;
static struct symbols *sym;
static struct venue_parser parser; /* 80 KiB: not on the stack */
static struct venue_update seen[MAX_UPDATES];
static unsigned nseen;

/* What the builders sent, in static storage (no leak on a failure). */
static struct {
	char msg[1000][HL_MSG_MAX];
	unsigned n, fail_at;
} sent;

static void
record(struct venue_parser *p, const struct venue_update *up)
{
	(void)p;
	ck_assert_uint_lt(nseen, MAX_UPDATES);
	seen[nseen++] = *up;
}

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

static void
setup(void)
{
	char *cause = NULL;

	cfg = config_new();
	nseen = 0;
	memset(&sent, 0, sizeof sent);
	set("instruments", "symbols", "BTC HYPE MOODENG PEPE");
	sym = symbols_new(cfg, &cause);
	ck_assert_msg(sym != NULL, "symbols_new: %s",
	    cause != NULL ? cause : "?");
	venue_parser_init(&parser, VENUE_HYPERLIQUID, 0, sym, record, NULL);
}

static void
teardown(void)
{
	venue_parser_fini(&parser);
	symbols_free(sym);
	config_free(cfg);
	tcheck_free_kept();
}

static enum venue_result
parse_at(const char *msg, size_t len, int64_t recv_ts)
{
	nseen = 0;
	return (venue_parse(&parser, msg, len, recv_ts));
}

static enum venue_result
parse(const char *msg)
{
	return (parse_at(msg, strlen(msg), 0));
}

static int
inst(const char *base)
{
	int i = symbols_lookup_canonical(sym, base);

	ck_assert_msg(i >= 0, "no instrument %s", base);
	return (i);
}

/* The expected update of one message; base NULL means none. */
struct want {
	const char *base;
	uint32_t mask;
	int64_t bid, bid_size, ask, ask_size; /* PX_SCALE / QTY_SCALE */
	int64_t funding;		      /* RATE_SCALE */
	uint32_t funding_min;
	int64_t next_ms, exch_ts;
};

static void
check_update(const struct want *w, const char *what)
{
	const struct quote_update *u;

	if (w->base == NULL) {
		ck_assert_msg(nseen == 0, "%s: %u updates, expected none", what,
		    nseen);
		return;
	}
	ck_assert_msg(nseen == 1, "%s: %u updates, expected 1", what, nseen);
	u = &seen[0].u;
	ck_assert_int_eq(seen[0].inst, inst(w->base));
	ck_assert_msg(u->mask == w->mask, "%s: mask %#x, expected %#x", what,
	    u->mask, w->mask);
	if (w->mask & QU_BID)
		ck_assert_int_eq(u->bid, w->bid);
	if (w->mask & QU_BID_SIZE)
		ck_assert_int_eq(u->bid_size, w->bid_size);
	if (w->mask & QU_ASK)
		ck_assert_int_eq(u->ask, w->ask);
	if (w->mask & QU_ASK_SIZE)
		ck_assert_int_eq(u->ask_size, w->ask_size);
	if (w->mask & QU_FUNDING)
		ck_assert_int_eq(u->funding, w->funding);
	if (w->mask & QU_FUNDING_MIN)
		ck_assert_uint_eq(u->funding_min, w->funding_min);
	if (w->mask & QU_NEXT_FUNDING)
		ck_assert_int_eq(u->next_funding_ms, w->next_ms);
	if (w->mask & QU_EXCH_TS)
		ck_assert_int_eq(u->exch_ts, w->exch_ts);
}

static void
check_result(enum venue_result got, enum venue_result r, int drop,
    const char *why, const uint64_t *before, const char *what)
{
	ck_assert_msg(got == r, "%s: result %d, expected %d (why: %s)", what,
	    got, r, parser.why);
	for (unsigned d = 0; d < VENUE_DROP_COUNT; d++)
		ck_assert_msg(parser.drops[d] - before[d] ==
			(r == VENUE_DROPPED && (int)d == drop ? 1u : 0u),
		    "%s: drop %s counted %llu times", what, venue_drop_key(d),
		    (unsigned long long)(parser.drops[d] - before[d]));
	if (r == VENUE_DROPPED)
		ck_assert_str_eq(parser.why, why);
}

#define TOP (QU_TOP | QU_EXCH_TS)
#define FUND (QU_FUNDING | QU_FUNDING_MIN)

/* -- the recorded samples --------------------------------------------- */

static const struct {
	unsigned line;
	enum venue_result r;
	int drop;
	const char *why;
	struct want w;
} sample_cases[] = {
	/* subscriptionResponse echo */
	{ 1, VENUE_IGNORED, -1, NULL, { 0 } },
	{ 2, VENUE_OK, -1, NULL,
	    { "HYPE", TOP, INT64_C(237570000000), INT64_C(4209000000),
		INT64_C(237580000000), INT64_C(10026000000), 0, 0, 0,
		INT64_C(1766566375292000000) } },
	/* echoes of l2Book (with nulls) and trades */
	{ 3, VENUE_IGNORED, -1, NULL, { 0 } },
	{ 4, VENUE_IGNORED, -1, NULL, { 0 } },
	/* Hourly funding; replayed without a receive time: no next hour. */
	{ 5, VENUE_OK, -1, NULL,
	    { "MOODENG", FUND, 0, 0, 0, 0, 48630, 60, 0, 0 } },
	/* a spot pair */
	{ 6, VENUE_DROPPED, VENUE_DROP_SYMBOL, "symbol @162 is not traded",
	    { 0 } },
	/* allDexsAssetCtxs: too big to parse, and not a channel we read */
	{ 7, VENUE_IGNORED, -1, NULL, { 0 } },
	/* pong, an order answer */
	{ 8, VENUE_IGNORED, -1, NULL, { 0 } },
	{ 9, VENUE_IGNORED, -1, NULL, { 0 } },
};

static unsigned
sample_lines(char **line, unsigned max)
{
	char *text, *p, *nl;
	unsigned n = 0;

	text = tcheck_read(tcheck_asprintf(
	    "%s/tests/data/decode/hyperliquid.jsonl", tcheck_srcdir()));
	ck_assert_ptr_nonnull(text);
	tcheck_keep(text);
	for (p = text; *p != '\0' && n < max; p = nl + 1) {
		line[n++] = p;
		if ((nl = strchr(p, '\n')) == NULL)
			break;
		*nl = '\0';
	}
	return (n);
}

START_TEST(test_venue_hyperliquid_sample_lines)
{
	char *line[64];
	uint64_t before[VENUE_DROP_COUNT];
	unsigned n = sample_lines(line, nitems(line)), k;
	enum venue_result got;

	ck_assert_uint_eq(n, nitems(sample_cases));
	for (k = 0; k + 1 < sample_cases[_i].line; k++)
		parse(line[k]);
	memcpy(before, parser.drops, sizeof before);
	got = parse(line[k]);
	check_result(got, sample_cases[_i].r, sample_cases[_i].drop,
	    sample_cases[_i].why, before,
	    tcheck_asprintf("line %u", sample_cases[_i].line));
	check_update(&sample_cases[_i].w,
	    tcheck_asprintf("line %u", sample_cases[_i].line));
}
END_TEST

/* -- single messages -------------------------------------------------- */

#define BBO(coin, bbo)                                                         \
	"{\"channel\":\"bbo\",\"data\":{\"coin\":\"" coin "\",\"time\":"       \
	"1700000000123,\"bbo\":" bbo "}}"
#define CTX(coin, funding)                                                     \
	"{\"channel\":\"activeAssetCtx\",\"data\":{\"coin\":\"" coin           \
	"\",\"ctx\":{\"funding\":" funding ",\"openInterest\":\"1.0\","        \
	"\"markPx\":\"1.0\",\"impactPxs\":[\"0.9\",\"1.1\"]}}}"

static const struct {
	const char *name;
	const char *msg;
	enum venue_result r;
	int drop;
	const char *why;
	struct want w;
} edge_cases[] = {
	{ "a null bid side",
	    BBO("BTC", "[null,{\"px\":\"100.5\",\"sz\":\"2\",\"n\":1}]"),
	    VENUE_OK, -1, NULL,
	    { "BTC", TOP, 0, 0, INT64_C(1005000000000), INT64_C(200000000), 0,
		0, 0, INT64_C(1700000000123000000) } },
	{ "a null ask side",
	    BBO("BTC", "[{\"px\":\"100.5\",\"sz\":\"2\",\"n\":1},null]"),
	    VENUE_OK, -1, NULL,
	    { "BTC", TOP, INT64_C(1005000000000), INT64_C(200000000), 0, 0, 0,
		0, 0, INT64_C(1700000000123000000) } },
	{ "both sides null (a halted coin)", BBO("BTC", "[null,null]"),
	    VENUE_OK, -1, NULL,
	    { "BTC", TOP, 0, 0, 0, 0, 0, 0, 0, INT64_C(1700000000123000000) } },
	{ "numbers as JSON numbers, no n",
	    BBO("BTC",
		"[{\"px\":64005.1,\"sz\":1.2},{\"px\":64005.2,"
		"\"sz\":0.8}]"),
	    VENUE_OK, -1, NULL,
	    { "BTC", TOP, INT64_C(640051000000000), INT64_C(120000000),
		INT64_C(640052000000000), INT64_C(80000000), 0, 0, 0,
		INT64_C(1700000000123000000) } },
	{ "a time as a string, unknown keys",
	    "{\"channel\":\"bbo\",\"extra\":[1],\"data\":{\"x\":{\"y\":null},"
	    "\"coin\":\"BTC\",\"time\":\"1700000000123\",\"bbo\":[{\"px\":"
	    "\"1\",\"sz\":\"0.00186\",\"n\":2,\"new\":true},{\"px\":\"2\","
	    "\"sz\":\"13.74589\",\"n\":46}]}}",
	    VENUE_OK, -1, NULL,
	    { "BTC", TOP, INT64_C(10000000000), INT64_C(186000),
		INT64_C(20000000000), INT64_C(1374589000), 0, 0, 0,
		INT64_C(1700000000123000000) } },
	{ "kPEPE: price per 1000 coins, size in 1000s",
	    BBO("kPEPE",
		"[{\"px\":\"0.012345\",\"sz\":\"1000\",\"n\":3},"
		"{\"px\":\"0.012346\",\"sz\":\"2.5\",\"n\":1}]"),
	    VENUE_OK, -1, NULL,
	    { "PEPE", TOP, INT64_C(123450), INT64_C(100000000000000),
		INT64_C(123460), INT64_C(250000000000), 0, 0, 0,
		INT64_C(1700000000123000000) } },
	{ "PEPE by its plain name is not kPEPE", BBO("PEPE", "[null,null]"),
	    VENUE_DROPPED, VENUE_DROP_SYMBOL, "symbol PEPE is not traded",
	    { 0 } },
	{ "a HIP-3 coin", BBO("xyz:TSLA", "[null,null]"), VENUE_DROPPED,
	    VENUE_DROP_SYMBOL, "symbol xyz:TSLA is not traded", { 0 } },
	{ "a one-element bbo",
	    BBO("BTC", "[{\"px\":\"1\",\"sz\":\"1\",\"n\":1}]"), VENUE_DROPPED,
	    VENUE_DROP_SHAPE, "bbo is not [bid, ask]", { 0 } },
	{ "a three-element bbo", BBO("BTC", "[null,null,null]"), VENUE_DROPPED,
	    VENUE_DROP_SHAPE, "bbo is not [bid, ask]", { 0 } },
	{ "a bbo that is an object", BBO("BTC", "{}"), VENUE_DROPPED,
	    VENUE_DROP_SHAPE, "bbo is not [bid, ask]", { 0 } },
	{ "no bbo",
	    "{\"channel\":\"bbo\",\"data\":{\"coin\":\"BTC\",\"time\":1}}",
	    VENUE_DROPPED, VENUE_DROP_SHAPE, "bbo is not [bid, ask]", { 0 } },
	{ "a level that is a list", BBO("BTC", "[[\"1\",\"2\"],null]"),
	    VENUE_DROPPED, VENUE_DROP_SHAPE, "bbo level is not an object",
	    { 0 } },
	{ "a level without sz", BBO("BTC", "[{\"px\":\"1\",\"n\":1},null]"),
	    VENUE_DROPPED, VENUE_DROP_NUMBER, "bad size", { 0 } },
	{ "a price that is no number",
	    BBO("BTC", "[null,{\"px\":\"1.2.3\",\"sz\":\"1\",\"n\":1}]"),
	    VENUE_DROPPED, VENUE_DROP_NUMBER, "bad price", { 0 } },
	{ "a negative size",
	    BBO("BTC", "[null,{\"px\":\"1\",\"sz\":\"-1\",\"n\":1}]"),
	    VENUE_DROPPED, VENUE_DROP_NUMBER, "bad size", { 0 } },
	{ "no time",
	    "{\"channel\":\"bbo\",\"data\":{\"coin\":\"BTC\",\"bbo\":[null,"
	    "null]}}",
	    VENUE_DROPPED, VENUE_DROP_NUMBER, "bad time", { 0 } },
	{ "a time that would overflow in ns",
	    "{\"channel\":\"bbo\",\"data\":{\"coin\":\"BTC\",\"time\":"
	    "9223372036855,\"bbo\":[null,null]}}",
	    VENUE_DROPPED, VENUE_DROP_NUMBER, "bad time", { 0 } },
	{ "no coin", "{\"channel\":\"bbo\",\"data\":{\"time\":1}}",
	    VENUE_DROPPED, VENUE_DROP_SHAPE, "no symbol", { 0 } },
	{ "data that is a list", "{\"channel\":\"bbo\",\"data\":[]}",
	    VENUE_DROPPED, VENUE_DROP_SHAPE, "no data", { 0 } },
	{ "a funding rate as a JSON number", CTX("BTC", "0.0000125"), VENUE_OK,
	    -1, NULL, { "BTC", FUND, 0, 0, 0, 0, 12500, 60, 0, 0 } },
	{ "a negative funding rate beyond 9 decimals rounds",
	    CTX("BTC", "\"-0.0000015186\""), VENUE_OK, -1, NULL,
	    { "BTC", FUND, 0, 0, 0, 0, -1519, 60, 0, 0 } },
	{ "kPEPE funding is a rate: no units",
	    CTX("kPEPE", "\"-0.0000382046\""), VENUE_OK, -1, NULL,
	    { "PEPE", FUND, 0, 0, 0, 0, -38205, 60, 0, 0 } },
	{ "a funding rate that is null", CTX("BTC", "null"), VENUE_DROPPED,
	    VENUE_DROP_NUMBER, "bad funding", { 0 } },
	{ "a funding rate that is empty", CTX("BTC", "\"\""), VENUE_DROPPED,
	    VENUE_DROP_NUMBER, "bad funding", { 0 } },
	{ "a context without ctx",
	    "{\"channel\":\"activeAssetCtx\",\"data\":{\"coin\":\"BTC\"}}",
	    VENUE_DROPPED, VENUE_DROP_SHAPE, "activeAssetCtx without ctx",
	    { 0 } },
	{ "a spot context",
	    "{\"channel\":\"activeSpotAssetCtx\",\"data\":{\"coin\":\"@107\","
	    "\"ctx\":{\"markPx\":\"1\"}}}",
	    VENUE_IGNORED, -1, NULL, { 0 } },
	{ "an error",
	    "{\"channel\":\"error\",\"data\":\"Already subscribed: bbo BTC\"}",
	    VENUE_DROPPED, VENUE_DROP_ERROR, "Already subscribed: bbo BTC",
	    { 0 } },
	{ "an error without text", "{\"channel\":\"error\"}", VENUE_DROPPED,
	    VENUE_DROP_ERROR, "", { 0 } },
	{ "an l2Book push",
	    "{\"channel\":\"l2Book\",\"data\":{\"coin\":\"BTC\",\"levels\":"
	    "[[],[]]}}",
	    VENUE_IGNORED, -1, NULL, { 0 } },
	{ "the greeting", "Websocket connection established.", VENUE_IGNORED,
	    -1, NULL, { 0 } },
	{ "other text", "Websocket connection closed.", VENUE_DROPPED,
	    VENUE_DROP_JSON, "not JSON", { 0 } },
	{ "no channel", "{\"data\":{}}", VENUE_DROPPED, VENUE_DROP_SHAPE,
	    "no channel", { 0 } },
	{ "a channel that is a number", "{\"channel\":1}", VENUE_DROPPED,
	    VENUE_DROP_SHAPE, "no channel", { 0 } },
	{ "not an object", "[\"bbo\"]", VENUE_DROPPED, VENUE_DROP_SHAPE,
	    "not an object", { 0 } },
	{ "truncated JSON", "{\"channel\":\"bbo\",\"data\":{\"coin\":\"BT",
	    VENUE_DROPPED, VENUE_DROP_JSON, "truncated JSON", { 0 } },
	{ "an empty frame", " ", VENUE_DROPPED, VENUE_DROP_JSON,
	    "empty message", { 0 } },
};

START_TEST(test_venue_hyperliquid_edge_cases)
{
	uint64_t before[VENUE_DROP_COUNT];
	enum venue_result got;

	memcpy(before, parser.drops, sizeof before);
	got = parse(edge_cases[_i].msg);
	check_result(got, edge_cases[_i].r, edge_cases[_i].drop,
	    edge_cases[_i].why, before, edge_cases[_i].name);
	check_update(&edge_cases[_i].w, edge_cases[_i].name);
}
END_TEST

/* Funding settles on the hour: the next is the top of the next hour. */
static const struct {
	int64_t recv_ts, next_ms;
} hour_cases[] = {
	{ INT64_C(1730000000123456789), INT64_C(1730001600000) },
	{ INT64_C(1729998000000000000), INT64_C(1730001600000) },
	{ INT64_C(1729997999999999999), INT64_C(1729998000000) },
	{ 1, INT64_C(3600000) },
};

START_TEST(test_venue_hyperliquid_next_funding_hour)
{
	static const char msg[] = CTX("MOODENG", "\"0.00004863\"");
	const struct want w = { "MOODENG", FUND | QU_NEXT_FUNDING, 0, 0, 0, 0,
		48630, 60, hour_cases[_i].next_ms, 0 };

	ck_assert_int_eq(parse_at(msg, sizeof msg - 1, hour_cases[_i].recv_ts),
	    VENUE_OK);
	check_update(&w, "activeAssetCtx");
}
END_TEST

/* The bbo's own time stamps the quote, not the receive time. */
START_TEST(test_venue_hyperliquid_bbo_uses_venue_time)
{
	static const char msg[] = BBO("HYPE", "[null,null]");
	const struct want w = { "HYPE", TOP, 0, 0, 0, 0, 0, 0, 0,
		INT64_C(1700000000123000000) };

	ck_assert_int_eq(parse_at(msg, sizeof msg - 1,
			     INT64_C(1730000000123456789)),
	    VENUE_OK);
	check_update(&w, "bbo");
}
END_TEST

/*
 * Past the token array: a channel we read is a JSON drop, one we do not
 * is ignored (allDexsAssetCtxs), and so is nothing else.
 */
START_TEST(test_venue_hyperliquid_too_big)
{
	static char big[65536];
	size_t off;
	enum venue_result r;
	static const char *const heads[] = {
		"{\"channel\":\"bbo\",\"data\":{\"x\":[",
		"{\"channel\":\"allDexsAssetCtxs\",\"data\":{\"x\":[",
		"{\"data\":{\"x\":[",
		" {\"channel\":\"allDexsAssetCtxs\",\"data\":{\"x\":[",
	};
	static const enum venue_result want[] = { VENUE_DROPPED, VENUE_IGNORED,
		VENUE_DROPPED, VENUE_DROPPED };

	for (unsigned h = 0; h < nitems(heads); h++) {
		off = (size_t)snprintf(big, sizeof big, "%s", heads[h]);
		for (unsigned k = 0; k < 5000; k++)
			off += (size_t)snprintf(big + off, sizeof big - off,
			    "%s1", k > 0 ? "," : "");
		off += (size_t)snprintf(big + off, sizeof big - off, "]}}");
		ck_assert_uint_lt(off, sizeof big - 1);
		r = parse_at(big, off, 0);
		ck_assert_int_eq(r, want[h]);
		if (r == VENUE_DROPPED)
			ck_assert_str_eq(parser.why,
			    "JSON with too many tokens");
	}
	ck_assert_uint_eq(parser.drops[VENUE_DROP_JSON], 3);
}
END_TEST

/* -- subscriptions, heartbeat ----------------------------------------- */

static int
sent_cb(void *arg, const char *text, size_t len)
{
	(void)arg;
	if (sent.fail_at != 0 && sent.n + 1 == sent.fail_at)
		return (-1);
	ck_assert_uint_lt(sent.n, nitems(sent.msg));
	ck_assert_uint_lt(len, sizeof sent.msg[0]);
	ck_assert_uint_eq(strlen(text), len);
	memcpy(sent.msg[sent.n], text, len);
	sent.msg[sent.n++][len] = '\0';
	return (0);
}

static const char *
table_symbol(void *arg, unsigned k)
{
	(void)arg;
	return (symbols_venue_symbol(sym, (inst_id)k, VENUE_HYPERLIQUID));
}

static const char *made_syms[500];

static const char *
made_symbol(void *arg, unsigned k)
{
	(void)arg;
	return (made_syms[k]);
}

START_TEST(test_venue_hyperliquid_subscribe_one)
{
	ck_assert_int_eq(hyperliquid_subscribe_each(1, table_symbol, sent_cb,
			     NULL),
	    0);
	ck_assert_uint_eq(sent.n, 2);
	ck_assert_str_eq(sent.msg[0],
	    "{\"method\":\"subscribe\",\"subscription\":{\"type\":\"bbo\","
	    "\"coin\":\"BTC\"}}");
	ck_assert_str_eq(sent.msg[1],
	    "{\"method\":\"subscribe\",\"subscription\":{\"type\":"
	    "\"activeAssetCtx\",\"coin\":\"BTC\"}}");
}
END_TEST

/* PEPE is kPEPE on the wire. */
START_TEST(test_venue_hyperliquid_subscribe_table)
{
	static const char *const coins[] = { "BTC", "HYPE", "MOODENG",
		"kPEPE" };

	ck_assert_int_eq(hyperliquid_subscribe_each(4, table_symbol, sent_cb,
			     NULL),
	    0);
	ck_assert_uint_eq(sent.n, 8);
	for (unsigned k = 0; k < 4; k++) {
		ck_assert_str_eq(sent.msg[(size_t)2 * k],
		    tcheck_asprintf("{\"method\":\"subscribe\","
				    "\"subscription\":{\"type\":\"bbo\","
				    "\"coin\":\"%s\"}}",
			coins[k]));
		ck_assert_str_eq(sent.msg[(size_t)2 * k + 1],
		    tcheck_asprintf("{\"method\":\"subscribe\","
				    "\"subscription\":{\"type\":"
				    "\"activeAssetCtx\",\"coin\":\"%s\"}}",
			coins[k]));
	}
}
END_TEST

/* No batching on this venue: 500 coins (the IP's 1000 subscriptions). */
START_TEST(test_venue_hyperliquid_subscribe_many)
{
	static char names[500][16];
	char want[HL_MSG_MAX];

	for (unsigned k = 0; k < 500; k++) {
		snprintf(names[k], sizeof names[k], "C%u", k);
		made_syms[k] = names[k];
	}
	ck_assert_int_eq(hyperliquid_subscribe_each(500, made_symbol, sent_cb,
			     NULL),
	    0);
	ck_assert_uint_eq(sent.n, 1000);
	for (unsigned k = 0; k < 500; k++) {
		snprintf(want, sizeof want,
		    "{\"method\":\"subscribe\",\"subscription\":{\"type\":"
		    "\"%s\",\"coin\":\"C%u\"}}",
		    "bbo", k);
		ck_assert_str_eq(sent.msg[(size_t)2 * k], want);
		snprintf(want, sizeof want,
		    "{\"method\":\"subscribe\",\"subscription\":{\"type\":"
		    "\"%s\",\"coin\":\"C%u\"}}",
		    "activeAssetCtx", k);
		ck_assert_str_eq(sent.msg[(size_t)2 * k + 1], want);
	}
}
END_TEST

START_TEST(test_venue_hyperliquid_subscribe_failures)
{
	static char longname[300];

	ck_assert_int_eq(hyperliquid_subscribe_each(0, table_symbol, sent_cb,
			     NULL),
	    0);
	ck_assert_uint_eq(sent.n, 0);
	sent.fail_at = 2;
	ck_assert_int_eq(hyperliquid_subscribe_each(2, table_symbol, sent_cb,
			     NULL),
	    -1);
	ck_assert_uint_eq(sent.n, 1);
	sent.n = 0;
	sent.fail_at = 0;
	made_syms[0] = "BTC";
	made_syms[1] = "B\"TC";
	ck_assert_int_eq(hyperliquid_subscribe_each(2, made_symbol, sent_cb,
			     NULL),
	    -1);
	ck_assert_uint_eq(sent.n, 2); /* BTC went out before */
	sent.n = 0;
	made_syms[0] = "B\\TC";
	ck_assert_int_eq(hyperliquid_subscribe_each(1, made_symbol, sent_cb,
			     NULL),
	    -1);
	made_syms[0] = "";
	ck_assert_int_eq(hyperliquid_subscribe_each(1, made_symbol, sent_cb,
			     NULL),
	    -1);
	made_syms[0] = NULL;
	ck_assert_int_eq(hyperliquid_subscribe_each(1, made_symbol, sent_cb,
			     NULL),
	    -1);
	memset(longname, 'A', sizeof longname - 1);
	made_syms[0] = longname;
	ck_assert_int_eq(hyperliquid_subscribe_each(1, made_symbol, sent_cb,
			     NULL),
	    -1);
	ck_assert_uint_eq(sent.n, 0);
}
END_TEST

START_TEST(test_venue_hyperliquid_ping_bytes)
{
	char buf[32];

	ck_assert_int_eq(hyperliquid_ping_build(buf, sizeof buf), 17);
	ck_assert_str_eq(buf, "{\"method\":\"ping\"}");
	ck_assert_int_eq(hyperliquid_ping_build(buf, 17), -1);
	ck_assert_int_eq(parse("{\"channel\":\"pong\"}"), VENUE_IGNORED);
}
END_TEST

START_TEST(test_venue_hyperliquid_ops)
{
	const struct venue_ops *o = venue_table[VENUE_HYPERLIQUID];

	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(o->name, "hyperliquid");
	ck_assert_int_eq(o->id, VENUE_HYPERLIQUID);
	ck_assert_uint_eq(o->streams, 1);
	ck_assert_int_eq(o->wait_welcome, 0);
	ck_assert_ptr_null(o->prepare_path);
	ck_assert_ptr_null(o->prepared);
	ck_assert_ptr_nonnull(o->parse);
	ck_assert_ptr_nonnull(o->subscribe);
	ck_assert_ptr_nonnull(o->ping);
	/* Well inside the server's 60 s idle limit. */
	ck_assert(o->ping_interval > 0 && o->ping_interval < 60);
}
END_TEST

static Suite *
venue_hyperliquid_suite(void)
{
	Suite *s = suite_create("venue_hyperliquid");
	TCase *tc;

	tc = tcase_create("recorded");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_venue_hyperliquid_sample_lines, 0,
	    (int)nitems(sample_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("parse");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_venue_hyperliquid_edge_cases, 0,
	    (int)nitems(edge_cases));
	tcase_add_loop_test(tc, test_venue_hyperliquid_next_funding_hour, 0,
	    (int)nitems(hour_cases));
	tcase_add_test(tc, test_venue_hyperliquid_bbo_uses_venue_time);
	tcase_add_test(tc, test_venue_hyperliquid_too_big);
	suite_add_tcase(s, tc);

	tc = tcase_create("messages");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_venue_hyperliquid_subscribe_one);
	tcase_add_test(tc, test_venue_hyperliquid_subscribe_table);
	tcase_add_test(tc, test_venue_hyperliquid_subscribe_many);
	tcase_add_test(tc, test_venue_hyperliquid_subscribe_failures);
	tcase_add_test(tc, test_venue_hyperliquid_ping_bytes);
	tcase_add_test(tc, test_venue_hyperliquid_ops);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	return (tcheck_run(venue_hyperliquid_suite()));
}
