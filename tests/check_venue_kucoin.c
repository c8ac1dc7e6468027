/*
 * Tests of the KuCoin Futures adapter (src/venue_kucoin.c): every line
 * of the recorded samples with its exact result, tickerV2 edge cases
 * (numbers as strings or JSON numbers, empty sides, 19-digit ns
 * timestamps, lots times the multiplier, unknown contract sizes),
 * funding intervals learnt from settlements, malformed input and error
 * messages, and the bytes of subscriptions, pings and the bullet-public
 * URL.
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
#include "venue_kucoin_internal.h"

#define MAX_UPDATES 8
#define KUCOIN_SUB_MAX 4096

static struct config *cfg;
static struct symbols *sym;
static struct venue_parser parser; /* 80 KiB: not on the stack */
static struct venue_update seen[MAX_UPDATES];
static unsigned nseen;

/* What the builders sent, in static storage (no leak on a failure). */
static struct {
	char msg[8][KUCOIN_SUB_MAX];
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

/* (Re)builds the symbols and the parser from cfg. */
static void
build(void)
{
	char *cause = NULL;

	if (sym != NULL) {
		venue_parser_fini(&parser);
		symbols_free(sym);
	}
	sym = symbols_new(cfg, &cause);
	ck_assert_msg(sym != NULL, "symbols_new: %s",
	    cause != NULL ? cause : "?");
	venue_parser_init(&parser, VENUE_KUCOIN, 0, sym, record, NULL);
}

static void
setup(void)
{
	cfg = config_new();
	sym = NULL;
	nseen = 0;
	memset(&sent, 0, sizeof sent);
	/* DOGE: a KuCoin contract whose multiplier nobody gave. */
	set("instruments", "symbols", "BTC ETH SOL AUCTION DOGE");
	set("venue.kucoin", "contract_size", "AUCTION:0.1");
	build();
}

static void
teardown(void)
{
	venue_parser_fini(&parser);
	symbols_free(sym);
	config_free(cfg);
	sym = NULL;
	tcheck_free_kept();
}

static enum venue_result
parse_at(const char *msg, int64_t recv_ts)
{
	nseen = 0;
	return (venue_parse(&parser, msg, strlen(msg), recv_ts));
}

static enum venue_result
parse(const char *msg)
{
	return (parse_at(msg, 0));
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

/* The one update the last message emitted equals w, field by field. */
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

/* The result, drop reason and why of the last message. */
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
	/* welcome, subscribe ack */
	{ 1, VENUE_IGNORED, -1, NULL, { 0 } },
	{ 2, VENUE_IGNORED, -1, NULL, { 0 } },
	/* AUCTIONUSDTM: 260 and 250 lots of 0.1 (tests/data/decode). */
	{ 3, VENUE_OK, -1, NULL,
	    { "AUCTION", TOP, INT64_C(240670000000), INT64_C(2600000000),
		INT64_C(240800000000), INT64_C(2500000000), 0, 0, 0,
		INT64_C(1705708800078000000) } },
	/* Predicted rate: KuCoin's usual 8 h, no next time. */
	{ 4, VENUE_OK, -1, NULL,
	    { "BTC", FUND, 0, 0, 0, 0, 38000, 480, 0, 0 } },
	/* Settlement at 04:00 UTC, every 8 h: next at 12:00. */
	{ 5, VENUE_OK, -1, NULL,
	    { "BTC", FUND | QU_NEXT_FUNDING, 0, 0, 0, 0, 39000, 480,
		INT64_C(1706097600000), 0 } },
	/* mark.index.price */
	{ 6, VENUE_IGNORED, -1, NULL, { 0 } },
	/* XBTUSDTM, no sn: 20074 and 1187 lots of 0.001 BTC, ts exact. */
	{ 7, VENUE_OK, -1, NULL,
	    { "BTC", TOP, INT64_C(317660000000000), INT64_C(2007400000),
		INT64_C(317670000000000), INT64_C(118700000), 0, 0, 0,
		INT64_C(1654032807465857723) } },
	{ 8, VENUE_OK, -1, NULL,
	    { "BTC", TOP, INT64_C(889874000000000), INT64_C(71300000),
		INT64_C(889875000000000), INT64_C(103700000), 0, 0, 0,
		INT64_C(1731665526461000000) } },
	/* mark.index.price, announcement (a topic we never ask for), pong */
	{ 9, VENUE_IGNORED, -1, NULL, { 0 } },
	{ 10, VENUE_IGNORED, -1, NULL, { 0 } },
	{ 11, VENUE_IGNORED, -1, NULL, { 0 } },
};

/* The sample file's lines, NUL-terminated in place. */
static unsigned
sample_lines(char **line, unsigned max)
{
	char *text, *p, *nl;
	unsigned n = 0;

	text = tcheck_read(tcheck_asprintf("%s/tests/data/decode/kucoin.jsonl",
	    tcheck_srcdir()));
	ck_assert_ptr_nonnull(tcheck_keep(text));
	for (p = text; *p != '\0' && n < max; p = nl + 1) {
		line[n++] = p;
		if ((nl = strchr(p, '\n')) == NULL)
			break;
		*nl = '\0';
	}
	return (n);
}

/* Line k of the samples, after lines 1..k-1 (state carries over). */
START_TEST(test_venue_kucoin_sample_lines)
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
	    sample_cases[_i].why, before, line[k]);
	check_update(&sample_cases[_i].w, line[k]);
}
END_TEST

START_TEST(test_venue_kucoin_welcome_then_reset)
{
	ck_assert_int_eq(parser.welcomed, 0);
	ck_assert_int_eq(parse("{\"id\":\"1\",\"type\":\"ack\"}"),
	    VENUE_IGNORED);
	ck_assert_int_eq(parser.welcomed, 0);
	ck_assert_int_eq(parse("{\"id\":\"hQvf8jkno\",\"type\":\"welcome\"}"),
	    VENUE_IGNORED);
	ck_assert_int_eq(parser.welcomed, 1);
	ck_assert_uint_eq(parser.ignored, 2);
	venue_parser_reset(&parser);
	ck_assert_int_eq(parser.welcomed, 0);
}
END_TEST

/* -- single messages -------------------------------------------------- */

#define TICK(body)                                                             \
	"{\"type\":\"message\",\"topic\":\"/contractMarket/tickerV2:"          \
	"XBTUSDTM\",\"subject\":\"tickerV2\",\"data\":{" body "}}"
#define FUNDMSG(sym, body)                                                     \
	"{\"topic\":\"/contract/instrument:" sym "\",\"type\":\"message\","    \
	"\"subject\":\"funding.rate\",\"data\":{" body "}}"

static const struct {
	const char *name;
	const char *msg;
	enum venue_result r;
	int drop;
	const char *why;
	struct want w;
} edge_cases[] = {
	{ "prices as JSON numbers (2023 doc)",
	    TICK("\"symbol\":\"XBTUSDTM\",\"sequence\":1,\"bestBidSize\":5,"
		 "\"bestBidPrice\":3200.00,\"bestAskPrice\":3200.5,"
		 "\"bestAskSize\":7,\"ts\":1700000000000000001"),
	    VENUE_OK, -1, NULL,
	    { "BTC", TOP, INT64_C(32000000000000), INT64_C(500000),
		INT64_C(32005000000000), INT64_C(700000), 0, 0, 0,
		INT64_C(1700000000000000001) } },
	{ "sizes and ts as strings",
	    TICK("\"symbol\":\"XBTUSDTM\",\"bestBidSize\":\"5\","
		 "\"bestBidPrice\":\"3200\",\"bestAskPrice\":\"3200.5\","
		 "\"bestAskSize\":\"7\",\"ts\":\"1700000000000000001\""),
	    VENUE_OK, -1, NULL,
	    { "BTC", TOP, INT64_C(32000000000000), INT64_C(500000),
		INT64_C(32005000000000), INT64_C(700000), 0, 0, 0,
		INT64_C(1700000000000000001) } },
	{ "unknown keys anywhere",
	    "{\"new\":{\"a\":[1,{\"b\":null}]},\"type\":\"message\",\"topic\":"
	    "\"/contractMarket/tickerV2:XBTUSDTM\",\"subject\":\"tickerV2\","
	    "\"sn\":9,\"data\":{\"x\":[[\"1\"]],\"symbol\":\"XBTUSDTM\","
	    "\"bestBidSize\":1,\"bestBidPrice\":\"1.5\",\"y\":{},"
	    "\"bestAskPrice\":\"2.5\",\"bestAskSize\":2,\"ts\":1}}",
	    VENUE_OK, -1, NULL,
	    { "BTC", TOP, INT64_C(15000000000), INT64_C(100000),
		INT64_C(25000000000), INT64_C(200000), 0, 0, 0, 1 } },
	{ "the largest ns timestamp, exactly",
	    TICK("\"symbol\":\"XBTUSDTM\",\"bestBidSize\":1,"
		 "\"bestBidPrice\":\"1\",\"bestAskPrice\":\"2\","
		 "\"bestAskSize\":1,\"ts\":9223372036854775807"),
	    VENUE_OK, -1, NULL,
	    { "BTC", TOP, INT64_C(10000000000), INT64_C(100000),
		INT64_C(20000000000), INT64_C(100000), 0, 0, 0, INT64_MAX } },
	{ "an empty bid side: size 0, price empty",
	    TICK("\"symbol\":\"XBTUSDTM\",\"bestBidSize\":0,"
		 "\"bestBidPrice\":\"\",\"bestAskPrice\":\"31767.0\","
		 "\"bestAskSize\":3,\"ts\":1654032807465857723"),
	    VENUE_OK, -1, NULL,
	    { "BTC", TOP, 0, 0, INT64_C(317670000000000), INT64_C(300000), 0, 0,
		0, INT64_C(1654032807465857723) } },
	{ "both sides empty: null prices, price 0",
	    TICK("\"symbol\":\"XBTUSDTM\",\"bestBidSize\":0,"
		 "\"bestBidPrice\":null,\"bestAskPrice\":\"0\","
		 "\"bestAskSize\":4,\"ts\":5"),
	    VENUE_OK, -1, NULL, { "BTC", TOP, 0, 0, 0, 0, 0, 0, 0, 5 } },
	{ "ETH lots of 0.01",
	    "{\"type\":\"message\",\"topic\":\"/contractMarket/tickerV2:"
	    "ETHUSDTM\",\"subject\":\"tickerV2\",\"data\":{\"symbol\":"
	    "\"ETHUSDTM\",\"bestBidSize\":123,\"bestBidPrice\":\"2000.01\","
	    "\"bestAskPrice\":\"2000.02\",\"bestAskSize\":1,\"ts\":7}}",
	    VENUE_OK, -1, NULL,
	    { "ETH", TOP, INT64_C(20000100000000), INT64_C(123000000),
		INT64_C(20000200000000), INT64_C(1000000), 0, 0, 0, 7 } },
	{ "SOL lots of 0.1",
	    "{\"type\":\"message\",\"topic\":\"/contractMarket/tickerV2:"
	    "SOLUSDTM\",\"subject\":\"tickerV2\",\"data\":{\"symbol\":"
	    "\"SOLUSDTM\",\"bestBidSize\":7,\"bestBidPrice\":\"150.123\","
	    "\"bestAskPrice\":\"150.124\",\"bestAskSize\":10001,\"ts\":8}}",
	    VENUE_OK, -1, NULL,
	    { "SOL", TOP, INT64_C(1501230000000), INT64_C(70000000),
		INT64_C(1501240000000), INT64_C(100010000000), 0, 0, 0, 8 } },
	{ "a contract whose multiplier is unknown",
	    "{\"type\":\"message\",\"topic\":\"/contractMarket/tickerV2:"
	    "DOGEUSDTM\",\"subject\":\"tickerV2\",\"data\":{\"symbol\":"
	    "\"DOGEUSDTM\",\"bestBidSize\":7,\"bestBidPrice\":\"0.1\","
	    "\"bestAskPrice\":\"0.2\",\"bestAskSize\":1,\"ts\":8}}",
	    VENUE_DROPPED, VENUE_DROP_CONTRACT,
	    "DOGEUSDTM: contract size unknown", { 0 } },
	{ "an inverse contract we do not trade",
	    "{\"type\":\"message\",\"topic\":\"/contractMarket/tickerV2:"
	    "XBTUSDM\",\"subject\":\"tickerV2\",\"data\":{\"symbol\":"
	    "\"XBTUSDM\",\"bestBidSize\":7,\"bestBidPrice\":\"1\","
	    "\"bestAskPrice\":\"2\",\"bestAskSize\":1,\"ts\":8}}",
	    VENUE_DROPPED, VENUE_DROP_SYMBOL, "symbol XBTUSDM is not traded",
	    { 0 } },
	{ "BTC spelt BTCUSDTM",
	    "{\"type\":\"message\",\"topic\":\"/contractMarket/tickerV2:"
	    "BTCUSDTM\",\"subject\":\"tickerV2\",\"data\":{\"symbol\":"
	    "\"BTCUSDTM\",\"bestBidSize\":7,\"bestBidPrice\":\"1\","
	    "\"bestAskPrice\":\"2\",\"bestAskSize\":1,\"ts\":8}}",
	    VENUE_DROPPED, VENUE_DROP_SYMBOL, "symbol BTCUSDTM is not traded",
	    { 0 } },
	{ "no symbol",
	    TICK("\"bestBidSize\":1,\"bestBidPrice\":\"1\","
		 "\"bestAskPrice\":\"2\",\"bestAskSize\":1,\"ts\":8"),
	    VENUE_DROPPED, VENUE_DROP_SHAPE, "no symbol", { 0 } },
	{ "no ask price",
	    TICK("\"symbol\":\"XBTUSDTM\",\"bestBidSize\":1,"
		 "\"bestBidPrice\":\"1\",\"bestAskSize\":1,\"ts\":8"),
	    VENUE_DROPPED, VENUE_DROP_SHAPE,
	    "tickerV2 without bestAskPrice or bestAskSize", { 0 } },
	{ "a size that is not a number",
	    TICK("\"symbol\":\"XBTUSDTM\",\"bestBidSize\":\"abc\","
		 "\"bestBidPrice\":\"1\",\"bestAskPrice\":\"2\","
		 "\"bestAskSize\":1,\"ts\":8"),
	    VENUE_DROPPED, VENUE_DROP_NUMBER, "bad size", { 0 } },
	{ "a size that is a boolean",
	    TICK("\"symbol\":\"XBTUSDTM\",\"bestBidSize\":1,"
		 "\"bestBidPrice\":\"1\",\"bestAskPrice\":\"2\","
		 "\"bestAskSize\":true,\"ts\":8"),
	    VENUE_DROPPED, VENUE_DROP_NUMBER, "bad size", { 0 } },
	{ "a price that is empty with a size",
	    TICK("\"symbol\":\"XBTUSDTM\",\"bestBidSize\":3,"
		 "\"bestBidPrice\":\"\",\"bestAskPrice\":\"2\","
		 "\"bestAskSize\":1,\"ts\":8"),
	    VENUE_DROPPED, VENUE_DROP_NUMBER, "bad price", { 0 } },
	{ "a negative price",
	    TICK("\"symbol\":\"XBTUSDTM\",\"bestBidSize\":3,"
		 "\"bestBidPrice\":\"-1\",\"bestAskPrice\":\"2\","
		 "\"bestAskSize\":1,\"ts\":8"),
	    VENUE_DROPPED, VENUE_DROP_NUMBER, "bad price", { 0 } },
	{ "a price that is an object",
	    TICK("\"symbol\":\"XBTUSDTM\",\"bestBidSize\":3,"
		 "\"bestBidPrice\":{},\"bestAskPrice\":\"2\","
		 "\"bestAskSize\":1,\"ts\":8"),
	    VENUE_DROPPED, VENUE_DROP_NUMBER, "bad price", { 0 } },
	{ "no ts",
	    TICK("\"symbol\":\"XBTUSDTM\",\"bestBidSize\":3,"
		 "\"bestBidPrice\":\"1\",\"bestAskPrice\":\"2\","
		 "\"bestAskSize\":1"),
	    VENUE_DROPPED, VENUE_DROP_NUMBER, "bad ts", { 0 } },
	{ "a ts beyond int64",
	    TICK("\"symbol\":\"XBTUSDTM\",\"bestBidSize\":3,"
		 "\"bestBidPrice\":\"1\",\"bestAskPrice\":\"2\","
		 "\"bestAskSize\":1,\"ts\":9223372036854775808"),
	    VENUE_DROPPED, VENUE_DROP_NUMBER, "bad ts", { 0 } },
	{ "a ts with a fraction",
	    TICK("\"symbol\":\"XBTUSDTM\",\"bestBidSize\":3,"
		 "\"bestBidPrice\":\"1\",\"bestAskPrice\":\"2\","
		 "\"bestAskSize\":1,\"ts\":1705708800078000000.5"),
	    VENUE_DROPPED, VENUE_DROP_NUMBER, "bad ts", { 0 } },
	{ "data that is a list",
	    "{\"type\":\"message\",\"topic\":\"/contractMarket/tickerV2:"
	    "XBTUSDTM\",\"subject\":\"tickerV2\",\"data\":[1,2]}",
	    VENUE_DROPPED, VENUE_DROP_SHAPE, "tickerV2 without data", { 0 } },
	{ "a message without topic",
	    "{\"type\":\"message\",\"subject\":\"tickerV2\",\"data\":{}}",
	    VENUE_DROPPED, VENUE_DROP_SHAPE, "no topic", { 0 } },
	{ "a type that is not a string", "{\"id\":\"1\",\"type\":5}",
	    VENUE_DROPPED, VENUE_DROP_SHAPE, "type is not a string", { 0 } },
	{ "not an object", "[{\"type\":\"message\"}]", VENUE_DROPPED,
	    VENUE_DROP_SHAPE, "not an object", { 0 } },
	{ "not JSON", "pong", VENUE_DROPPED, VENUE_DROP_JSON, "not JSON",
	    { 0 } },
	{ "truncated JSON",
	    "{\"type\":\"message\",\"topic\":\"/contractMarket/tickerV2:"
	    "XBTUSDTM\",\"subject\":\"tickerV2\",\"data\":{\"symbol\":",
	    VENUE_DROPPED, VENUE_DROP_JSON, "truncated JSON", { 0 } },
	{ "two documents", "{\"type\":\"pong\"}{\"type\":\"pong\"}",
	    VENUE_DROPPED, VENUE_DROP_JSON, "not JSON", { 0 } },
	{ "an empty frame", "", VENUE_DROPPED, VENUE_DROP_JSON, "empty message",
	    { 0 } },
	/* The error payload is not documented: code, and data or msg. */
	{ "an error with data",
	    "{\"id\":\"sub1\",\"type\":\"error\",\"code\":404,\"data\":"
	    "\"topic /contractMarket/tickerV2:NOPEUSDTM is not found\"}",
	    VENUE_DROPPED, VENUE_DROP_ERROR,
	    "error 404: topic /contractMarket/tickerV2:NOPEUSDTM is not "
	    "found",
	    { 0 } },
	{ "an error with msg",
	    "{\"id\":\"sub2\",\"type\":\"error\",\"code\":\"401\",\"msg\":"
	    "\"token is invalid\"}",
	    VENUE_DROPPED, VENUE_DROP_ERROR, "error 401: token is invalid",
	    { 0 } },
	{ "a notice", "{\"type\":\"notice\",\"data\":{}}", VENUE_IGNORED, -1,
	    NULL, { 0 } },
	{ "a ticker v1 push",
	    "{\"type\":\"message\",\"topic\":\"/contractMarket/ticker:"
	    "XBTUSDTM\",\"subject\":\"ticker\",\"data\":{\"symbol\":"
	    "\"XBTUSDTM\"}}",
	    VENUE_IGNORED, -1, NULL, { 0 } },
	{ "a tickerV2 subject on another topic",
	    "{\"type\":\"message\",\"topic\":\"/contractMarket/level2:"
	    "XBTUSDTM\",\"subject\":\"tickerV2\",\"data\":{}}",
	    VENUE_IGNORED, -1, NULL, { 0 } },
	{ "a funding rate as a string",
	    FUNDMSG("ETHUSDTM",
		"\"granularity\":60000,\"fundingRate\":"
		"\"0.0001\",\"timestamp\":1706068860000"),
	    VENUE_OK, -1, NULL,
	    { "ETH", FUND, 0, 0, 0, 0, 100000, 480, 0, 0 } },
	{ "a negative funding rate with an exponent",
	    FUNDMSG("XBTUSDTM",
		"\"granularity\":60000,\"fundingRate\":"
		"-2.966E-3,\"timestamp\":1706068860000"),
	    VENUE_OK, -1, NULL,
	    { "BTC", FUND, 0, 0, 0, 0, -2966000, 480, 0, 0 } },
	{ "a funding rate beyond 9 decimals rounds",
	    FUNDMSG("XBTUSDTM",
		"\"granularity\":60000,\"fundingRate\":"
		"1.23456789E-5,\"timestamp\":1706068860000"),
	    VENUE_OK, -1, NULL, { "BTC", FUND, 0, 0, 0, 0, 12346, 480, 0, 0 } },
	{ "a funding rate that is null",
	    FUNDMSG("XBTUSDTM",
		"\"granularity\":60000,\"fundingRate\":null,"
		"\"timestamp\":1706068860000"),
	    VENUE_DROPPED, VENUE_DROP_NUMBER, "bad fundingRate", { 0 } },
	{ "funding without granularity",
	    FUNDMSG("XBTUSDTM",
		"\"fundingRate\":0.0001,\"timestamp\":1706068860000"),
	    VENUE_DROPPED, VENUE_DROP_NUMBER, "bad granularity", { 0 } },
	{ "funding with granularity 0",
	    FUNDMSG("XBTUSDTM",
		"\"granularity\":0,\"fundingRate\":0.0001,"
		"\"timestamp\":1706068860000"),
	    VENUE_DROPPED, VENUE_DROP_NUMBER, "bad granularity", { 0 } },
	{ "funding without timestamp",
	    FUNDMSG("XBTUSDTM", "\"granularity\":60000,\"fundingRate\":0.0001"),
	    VENUE_DROPPED, VENUE_DROP_NUMBER, "bad timestamp", { 0 } },
	{ "funding with a timestamp that could overflow",
	    FUNDMSG("XBTUSDTM",
		"\"granularity\":28800000,\"fundingRate\":"
		"0.0001,\"timestamp\":9223372036854775807"),
	    VENUE_DROPPED, VENUE_DROP_NUMBER, "bad timestamp", { 0 } },
	{ "funding of a symbol we do not trade",
	    FUNDMSG("XBTUSDM",
		"\"granularity\":60000,\"fundingRate\":0.0001,"
		"\"timestamp\":1706068860000"),
	    VENUE_DROPPED, VENUE_DROP_SYMBOL, "symbol XBTUSDM is not traded",
	    { 0 } },
	{ "funding of no symbol",
	    FUNDMSG("",
		"\"granularity\":60000,\"fundingRate\":0.0001,"
		"\"timestamp\":1706068860000"),
	    VENUE_DROPPED, VENUE_DROP_SHAPE, "topic without symbol", { 0 } },
	{ "funding without data",
	    "{\"topic\":\"/contract/instrument:XBTUSDTM\",\"type\":"
	    "\"message\",\"subject\":\"funding.rate\",\"data\":null}",
	    VENUE_DROPPED, VENUE_DROP_SHAPE, "funding.rate without data",
	    { 0 } },
};

START_TEST(test_venue_kucoin_edge_cases)
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

/* Whatever the receive time, KuCoin's times come from the message. */
START_TEST(test_venue_kucoin_recv_time_unused)
{
	const struct want w = { "BTC", TOP, INT64_C(317660000000000),
		INT64_C(2007400000), INT64_C(317670000000000),
		INT64_C(118700000), 0, 0, 0, INT64_C(1654032807465857723) };

	ck_assert_int_eq(parse_at(TICK("\"symbol\":\"XBTUSDTM\",\"sequence\":"
				       "1643185147205,\"bestBidSize\":20074,"
				       "\"bestBidPrice\":\"31766.0\","
				       "\"bestAskPrice\":\"31767.0\",\"ts\":"
				       "1654032807465857723,\"bestAskSize\":"
				       "1187"),
			     INT64_C(1754032807000000000)),
	    VENUE_OK);
	check_update(&w, "tickerV2");
	ck_assert_int_eq(parse_at(FUNDMSG("XBTUSDTM",
				      "\"granularity\":60000,\"fundingRate\":"
				      "0.0001,\"timestamp\":1706068860000"),
			     INT64_C(1754032807000000000)),
	    VENUE_OK);
	ck_assert_uint_eq(seen[0].u.mask, FUND);
}
END_TEST

/* A 4 h symbol: the settlement names the interval, predictions keep it. */
START_TEST(test_venue_kucoin_interval_from_settlement)
{
	const struct want pre = { "ETH", FUND, 0, 0, 0, 0, 50000, 480, 0, 0 };
	const struct want settle = { "ETH", FUND | QU_NEXT_FUNDING, 0, 0, 0, 0,
		60000, 240, INT64_C(1706083200000), 0 };
	const struct want after = { "ETH", FUND, 0, 0, 0, 0, 70000, 240, 0, 0 };
	const struct want hourly = { "BTC", FUND | QU_NEXT_FUNDING, 0, 0, 0, 0,
		-10000, 60, INT64_C(1706072400000), 0 };
	const struct want other = { "BTC", FUND, 0, 0, 0, 0, 1000, 60, 0, 0 };

	ck_assert_int_eq(parse(FUNDMSG("ETHUSDTM",
			     "\"granularity\":60000,\"fundingRate\":0.00005,"
			     "\"timestamp\":1706068740000")),
	    VENUE_OK);
	check_update(&pre, "predicted, nothing learnt yet");
	ck_assert_int_eq(parse(FUNDMSG("ETHUSDTM",
			     "\"granularity\":14400000,\"fundingRate\":"
			     "0.00006,\"timestamp\":1706068800000")),
	    VENUE_OK);
	check_update(&settle, "4 h settlement");
	ck_assert_int_eq(parse(FUNDMSG("ETHUSDTM",
			     "\"granularity\":60000,\"fundingRate\":0.00007,"
			     "\"timestamp\":1706068860000")),
	    VENUE_OK);
	check_update(&after, "predicted after the settlement");
	/* Per instrument: BTC settles hourly, ETH keeps 4 h. */
	ck_assert_int_eq(parse(FUNDMSG("XBTUSDTM",
			     "\"granularity\":3600000,\"fundingRate\":-0.00001,"
			     "\"timestamp\":1706068800000")),
	    VENUE_OK);
	check_update(&hourly, "1 h settlement");
	/* A granularity that is no whole interval (90 s) predicts. */
	ck_assert_int_eq(parse(FUNDMSG("XBTUSDTM",
			     "\"granularity\":90000,\"fundingRate\":0.000001,"
			     "\"timestamp\":1706068890000")),
	    VENUE_OK);
	check_update(&other, "90 s granularity");
	ck_assert_int_eq(parse(FUNDMSG("ETHUSDTM",
			     "\"granularity\":60000,\"fundingRate\":0.00007,"
			     "\"timestamp\":1706068860000")),
	    VENUE_OK);
	check_update(&after, "ETH unchanged");
	/* A reconnect forgets: back to the usual 8 h until a settlement. */
	venue_parser_reset(&parser);
	ck_assert_int_eq(parse(FUNDMSG("ETHUSDTM",
			     "\"granularity\":60000,\"fundingRate\":0.00005,"
			     "\"timestamp\":1706068740000")),
	    VENUE_OK);
	check_update(&pre, "after a reset");
}
END_TEST

/* A configured multiplier replaces the built-in one. */
START_TEST(test_venue_kucoin_contract_size_from_config)
{
	const struct want w = { "BTC", TOP, INT64_C(317660000000000),
		INT64_C(20074000000), INT64_C(317670000000000),
		INT64_C(1187000000), 0, 0, 0, INT64_C(1654032807465857723) };

	set("venue.kucoin", "contract_size", "BTC:0.01 AUCTION:0.1");
	build();
	ck_assert_int_eq(parse(TICK("\"symbol\":\"XBTUSDTM\","
				    "\"bestBidSize\":20074,\"bestBidPrice\":"
				    "\"31766.0\",\"bestAskPrice\":\"31767.0\","
				    "\"ts\":1654032807465857723,"
				    "\"bestAskSize\":1187")),
	    VENUE_OK);
	check_update(&w, "BTC:0.01");
}
END_TEST

/* -- subscriptions, heartbeat, token ---------------------------------- */

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

/* The venue symbols of the table, as venue_conn_symbol() gives them. */
static const char *
table_symbol(void *arg, unsigned k)
{
	(void)arg;
	return (symbols_venue_symbol(sym, (inst_id)k, VENUE_KUCOIN));
}

static const char *made_syms[300];

static const char *
made_symbol(void *arg, unsigned k)
{
	(void)arg;
	return (made_syms[k]);
}

START_TEST(test_venue_kucoin_subscribe_one)
{

	ck_assert_int_eq(kucoin_subscribe_each(1, table_symbol, sent_cb, NULL),
	    0);
	ck_assert_uint_eq(sent.n, 2);
	ck_assert_str_eq(sent.msg[0],
	    "{\"id\":\"sub1\",\"type\":\"subscribe\",\"topic\":"
	    "\"/contractMarket/tickerV2:XBTUSDTM\",\"privateChannel\":false,"
	    "\"response\":true}");
	ck_assert_str_eq(sent.msg[1],
	    "{\"id\":\"sub2\",\"type\":\"subscribe\",\"topic\":"
	    "\"/contract/instrument:XBTUSDTM\",\"privateChannel\":false,"
	    "\"response\":true}");
}
END_TEST

START_TEST(test_venue_kucoin_subscribe_joins_symbols)
{

	ck_assert_int_eq(kucoin_subscribe_each(4, table_symbol, sent_cb, NULL),
	    0);
	ck_assert_uint_eq(sent.n, 2);
	ck_assert_str_eq(sent.msg[0],
	    "{\"id\":\"sub1\",\"type\":\"subscribe\",\"topic\":"
	    "\"/contractMarket/tickerV2:XBTUSDTM,ETHUSDTM,SOLUSDTM,"
	    "AUCTIONUSDTM\",\"privateChannel\":false,\"response\":true}");
	ck_assert_str_eq(sent.msg[1],
	    "{\"id\":\"sub2\",\"type\":\"subscribe\",\"topic\":"
	    "\"/contract/instrument:XBTUSDTM,ETHUSDTM,SOLUSDTM,AUCTIONUSDTM\","
	    "\"privateChannel\":false,\"response\":true}");
}
END_TEST

/* The topic's symbol list "A,B,..." of made_syms[first, first + n). */
static const char *
expected_list(unsigned first, unsigned n)
{
	static char buf[KUCOIN_SUB_MAX];
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned k = first; k < first + n; k++)
		off += (size_t)snprintf(buf + off, sizeof buf - off, "%s%s",
		    k > first ? "," : "", made_syms[k]);
	ck_assert_uint_lt(off, sizeof buf);
	return (buf);
}

/* 250 symbols of 28 bytes: 100 + 100 + 50 per topic, in order. */
START_TEST(test_venue_kucoin_subscribe_batches)
{
	static const unsigned first[] = { 0, 100, 200 }, n[] = { 100, 100, 50 };
	static char names[250][32];
	const char *topic;

	for (unsigned k = 0; k < 250; k++) {
		snprintf(names[k], sizeof names[k], "S%022uUSDTM", k);
		ck_assert_uint_eq(strlen(names[k]), 28);
		made_syms[k] = names[k];
	}
	ck_assert_int_eq(kucoin_subscribe_each(250, made_symbol, sent_cb, NULL),
	    0);
	ck_assert_uint_eq(sent.n, 6);
	for (unsigned m = 0; m < 6; m++) {
		topic = m < 3 ? "/contractMarket/tickerV2:"
			      : "/contract/instrument:";
		ck_assert_str_eq(sent.msg[m],
		    tcheck_asprintf("{\"id\":\"sub%u\",\"type\":\"subscribe\","
				    "\"topic\":\"%s%s\",\"privateChannel\":"
				    "false,\"response\":true}",
			m + 1, topic, expected_list(first[m % 3], n[m % 3])));
	}
}
END_TEST

START_TEST(test_venue_kucoin_subscribe_failures)
{

	/* Nothing to subscribe: nothing sent. */
	ck_assert_int_eq(kucoin_subscribe_each(0, table_symbol, sent_cb, NULL),
	    0);
	ck_assert_uint_eq(sent.n, 0);
	/* A failed send stops the rest. */
	sent.fail_at = 2;
	ck_assert_int_eq(kucoin_subscribe_each(1, table_symbol, sent_cb, NULL),
	    -1);
	ck_assert_uint_eq(sent.n, 1);
	/* Symbols that would break the JSON or the topic list. */
	sent.n = 0;
	sent.fail_at = 0;
	made_syms[0] = "XBTUSDTM";
	made_syms[1] = "A\"B";
	ck_assert_int_eq(kucoin_subscribe_each(2, made_symbol, sent_cb, NULL),
	    -1);
	made_syms[1] = "A,B";
	ck_assert_int_eq(kucoin_subscribe_each(2, made_symbol, sent_cb, NULL),
	    -1);
	made_syms[1] = NULL;
	ck_assert_int_eq(kucoin_subscribe_each(2, made_symbol, sent_cb, NULL),
	    -1);
	ck_assert_uint_eq(sent.n, 0);
}
END_TEST

START_TEST(test_venue_kucoin_ping_bytes)
{
	char buf[64];

	ck_assert_int_eq(kucoin_ping_build(buf, sizeof buf,
			     INT64_C(1545910590801)),
	    36);
	ck_assert_str_eq(buf, "{\"id\":\"1545910590801\",\"type\":\"ping\"}");
	ck_assert_int_eq(kucoin_ping_build(buf, 36, INT64_C(1545910590801)),
	    -1);
	/* Its pong is no market data. */
	ck_assert_int_eq(parse("{\"id\":\"1545910590801\",\"type\":\"pong\"}"),
	    VENUE_IGNORED);
}
END_TEST

START_TEST(test_venue_kucoin_ops)
{
	const struct venue_ops *o = venue_table[VENUE_KUCOIN];

	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(o->name, "kucoin");
	ck_assert_int_eq(o->id, VENUE_KUCOIN);
	ck_assert_uint_eq(o->streams, 1);
	ck_assert_int_eq(o->wait_welcome, 1);
	ck_assert_str_eq(o->prepare_method, "POST");
	ck_assert_str_eq(o->prepare_path, "/api/v1/bullet-public");
	ck_assert_ptr_nonnull(o->parse);
	ck_assert_ptr_nonnull(o->subscribe);
	ck_assert_ptr_nonnull(o->ping);
	ck_assert_ptr_nonnull(o->prepared);
	ck_assert(o->ping_interval == 18.0);
}
END_TEST

/* The bullet-public answer of the protocol notes (section 3.1). */
static const char bullet[] =
    "{\"code\":\"200000\",\"data\":{\"token\":\"2neAiuYvAU61ZDXANAGAsiL4-..."
    "==.gJEIAywPXFr_4L-WG10eug==\",\"instanceServers\":[{\"endpoint\":"
    "\"wss://ws-api-futures.kucoin.com/\",\"encrypt\":true,\"protocol\":"
    "\"websocket\",\"pingInterval\":18000,\"pingTimeout\":10000}]}}";

START_TEST(test_venue_kucoin_prepared_bytes)
{
	char url[1024], why[160];
	double ping = -1;

	ck_assert_int_eq(kucoin_prepared_url(bullet, strlen(bullet), "c42", url,
			     sizeof url, &ping, why, sizeof why),
	    0);
	ck_assert_str_eq(url,
	    "wss://ws-api-futures.kucoin.com/?token=2neAiuYvAU61ZDXANAGAsiL4-"
	    "...==.gJEIAywPXFr_4L-WG10eug==&connectId=c42");
	ck_assert(ping == 18.0);
}
END_TEST

/* The ops' prepared() adds a connectId of its own. */
START_TEST(test_venue_kucoin_prepared_connect_id)
{
	static const char prefix[] =
	    "wss://ws-api-futures.kucoin.com/?token=2neAiuYvAU61ZDXANAGAsiL4-"
	    "...==.gJEIAywPXFr_4L-WG10eug==&connectId=xarb";
	char url[1024], why[160];
	double ping = 0;
	size_t k;

	ck_assert_int_eq(venue_table[VENUE_KUCOIN]->prepared(bullet,
			     strlen(bullet), url, sizeof url, &ping, why,
			     sizeof why),
	    0);
	ck_assert_int_eq(strncmp(url, prefix, sizeof prefix - 1), 0);
	ck_assert_uint_ge(strlen(url), sizeof prefix - 1 + 19);
	for (k = sizeof prefix - 1; url[k] != '\0'; k++)
		ck_assert_msg(url[k] >= '0' && url[k] <= '9', "%s", url);
	ck_assert(ping == 18.0);
}
END_TEST

static const struct {
	const char *name;
	const char *body;
	int rv;
	const char *url; /* or why */
	double ping;
} prepared_cases[] = {
	{ "a refusal",
	    "{\"code\":\"400100\",\"msg\":\"Parameter error\",\"data\":null}",
	    -1, "code 400100: Parameter error", -1 },
	{ "a numeric success code, no pingInterval",
	    "{\"code\":200000,\"data\":{\"token\":\"T\",\"instanceServers\":"
	    "[{\"endpoint\":\"wss://h/e\"}]}}",
	    0, "wss://h/e?token=T&connectId=c42", -1 },
	{ "no code", "{\"data\":{}}", -1, "code none: ", -1 },
	{ "no token",
	    "{\"code\":\"200000\",\"data\":{\"instanceServers\":[{"
	    "\"endpoint\":\"wss://h/\"}]}}",
	    -1, "no token", -1 },
	{ "an empty token",
	    "{\"code\":\"200000\",\"data\":{\"token\":\"\","
	    "\"instanceServers\":[{\"endpoint\":\"wss://h/\"}]}}",
	    -1, "no token", -1 },
	{ "a token that is a number",
	    "{\"code\":\"200000\",\"data\":{\"token\":12,"
	    "\"instanceServers\":[{\"endpoint\":\"wss://h/\"}]}}",
	    -1, "no token", -1 },
	{ "no servers", "{\"code\":\"200000\",\"data\":{\"token\":\"T\"}}", -1,
	    "no wss:// instance server", -1 },
	{ "only a plain ws:// server",
	    "{\"code\":\"200000\",\"data\":{\"token\":\"T\","
	    "\"instanceServers\":[{\"endpoint\":\"ws://h/\"}]}}",
	    -1, "no wss:// instance server", -1 },
	{ "the first wss:// server",
	    "{\"code\":\"200000\",\"data\":{\"token\":\"T\","
	    "\"instanceServers\":[{\"endpoint\":\"http://x/\"},{\"endpoint\":"
	    "\"wss://b/\",\"pingInterval\":50000},{\"endpoint\":\"wss://c/\"}"
	    "]}}",
	    0, "wss://b/?token=T&connectId=c42", 50.0 },
	{ "escaped slashes and a query in the endpoint",
	    "{\"code\":\"200000\",\"data\":{\"token\":\"T\","
	    "\"instanceServers\":[{\"endpoint\":\"wss:\\/\\/h\\/e?x=1\"}]}}",
	    0, "wss://h/e?x=1&token=T&connectId=c42", -1 },
	{ "a base64 token's + and / percent-encoded",
	    "{\"code\":\"200000\",\"data\":{\"token\":\"a+b/c\\/d==\","
	    "\"instanceServers\":[{\"endpoint\":\"wss://h/\"}]}}",
	    0, "wss://h/?token=a%2Bb%2Fc%2Fd==&connectId=c42", -1 },
	{ "a token with a unicode escape",
	    "{\"code\":\"200000\",\"data\":{\"token\":\"a\\u0041\","
	    "\"instanceServers\":[{\"endpoint\":\"wss://h/\"}]}}",
	    -1, "endpoint or token unusable in a URL", -1 },
	{ "an endpoint with a space",
	    "{\"code\":\"200000\",\"data\":{\"token\":\"T\","
	    "\"instanceServers\":[{\"endpoint\":\"wss://h /\"}]}}",
	    -1, "endpoint or token unusable in a URL", -1 },
	{ "a pingInterval that is no number",
	    "{\"code\":\"200000\",\"data\":{\"token\":\"T\","
	    "\"instanceServers\":[{\"endpoint\":\"wss://h/\","
	    "\"pingInterval\":\"soon\"}]}}",
	    -1, "bad pingInterval", -1 },
	{ "a pingInterval under a second",
	    "{\"code\":\"200000\",\"data\":{\"token\":\"T\","
	    "\"instanceServers\":[{\"endpoint\":\"wss://h/\","
	    "\"pingInterval\":10}]}}",
	    -1, "bad pingInterval", -1 },
	{ "not JSON", "<html>502 Bad Gateway</html>", -1, "not JSON", -1 },
	{ "truncated", "{\"code\":\"200000\",\"data\":{", -1, "truncated JSON",
	    -1 },
	{ "a list", "[]", -1, "not an object", -1 },
};

START_TEST(test_venue_kucoin_prepared_table)
{
	char url[1024], why[160];
	double ping = -1;
	int rv;

	rv = kucoin_prepared_url(prepared_cases[_i].body,
	    strlen(prepared_cases[_i].body), "c42", url, sizeof url, &ping, why,
	    sizeof why);
	ck_assert_msg(rv == prepared_cases[_i].rv, "%s: %d (%s)",
	    prepared_cases[_i].name, rv, rv == 0 ? url : why);
	ck_assert_str_eq(rv == 0 ? url : why, prepared_cases[_i].url);
	ck_assert(ping == prepared_cases[_i].ping);
}
END_TEST

/* A URL buffer too small is an error, never a truncated URL. */
START_TEST(test_venue_kucoin_prepared_small_buffer)
{
	char url[1024], why[160];
	double ping = -1;
	size_t need = strlen("wss://ws-api-futures.kucoin.com/?token="
			     "2neAiuYvAU61ZDXANAGAsiL4-...==.gJEIAywPXFr_4L-"
			     "WG10eug==&connectId=c42");

	for (size_t len = 1; len <= need; len++) {
		ck_assert_int_eq(kucoin_prepared_url(bullet, strlen(bullet),
				     "c42", url, len, &ping, why, sizeof why),
		    -1);
		ck_assert_str_eq(why, "endpoint or token unusable in a URL");
	}
	ck_assert_int_eq(kucoin_prepared_url(bullet, strlen(bullet), "c42", url,
			     need + 1, &ping, why, sizeof why),
	    0);
	ck_assert_uint_eq(strlen(url), need);
}
END_TEST

static Suite *
venue_kucoin_suite(void)
{
	Suite *s = suite_create("venue_kucoin");
	TCase *tc;

	tc = tcase_create("recorded");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_venue_kucoin_sample_lines, 0,
	    (int)nitems(sample_cases));
	tcase_add_test(tc, test_venue_kucoin_welcome_then_reset);
	suite_add_tcase(s, tc);

	tc = tcase_create("parse");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_venue_kucoin_edge_cases, 0,
	    (int)nitems(edge_cases));
	tcase_add_test(tc, test_venue_kucoin_recv_time_unused);
	tcase_add_test(tc, test_venue_kucoin_interval_from_settlement);
	tcase_add_test(tc, test_venue_kucoin_contract_size_from_config);
	suite_add_tcase(s, tc);

	tc = tcase_create("messages");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_venue_kucoin_subscribe_one);
	tcase_add_test(tc, test_venue_kucoin_subscribe_joins_symbols);
	tcase_add_test(tc, test_venue_kucoin_subscribe_batches);
	tcase_add_test(tc, test_venue_kucoin_subscribe_failures);
	tcase_add_test(tc, test_venue_kucoin_ping_bytes);
	tcase_add_test(tc, test_venue_kucoin_ops);
	suite_add_tcase(s, tc);

	tc = tcase_create("token");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_venue_kucoin_prepared_bytes);
	tcase_add_test(tc, test_venue_kucoin_prepared_connect_id);
	tcase_add_loop_test(tc, test_venue_kucoin_prepared_table, 0,
	    (int)nitems(prepared_cases));
	tcase_add_test(tc, test_venue_kucoin_prepared_small_buffer);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	return (tcheck_run(venue_kucoin_suite()));
}
