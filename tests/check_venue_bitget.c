/*
 * Tests of the Bitget adapter (venue_bitget.c): every line of the
 * recorded samples (tests/data/decode/bitget.jsonl with bitget.conf) to
 * its exact update, IGNORED or drop; the protocol notes' edge cases
 * (empty and null sides, unknown keys, JSON numbers for strings, exact ns
 * timestamps, instTypes and the v3 stream, error events with string and
 * number codes, non-JSON and truncated frames, wrong types, unknown
 * symbols, books1 owning the top of book over ticker); and the subscribe
 * requests (batched by bytes, capped by the rate limit) and heartbeat,
 * byte for byte.
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
#include "venue_bitget_internal.h"

extern const struct venue_ops venue_bitget_ops;

/* 10^n for n in 0..10, as a constant expression (table initialisers). */
#define P10(n)                                                                 \
	(INT64_C(1) * ((n) > 0 ? 10 : 1) * ((n) > 1 ? 10 : 1) *                \
	    ((n) > 2 ? 10 : 1) * ((n) > 3 ? 10 : 1) * ((n) > 4 ? 10 : 1) *     \
	    ((n) > 5 ? 10 : 1) * ((n) > 6 ? 10 : 1) * ((n) > 7 ? 10 : 1) *     \
	    ((n) > 8 ? 10 : 1) * ((n) > 9 ? 10 : 1))
/* m with d decimals, at each scale: PX(386323, 1) is 38632.3. */
#define PX(m, d) ((int64_t)(m)*P10(PX_DECIMALS - (d)))
#define QTY(m, d) ((int64_t)(m)*P10(QTY_DECIMALS - (d)))
#define RATE(m, d) ((int64_t)(m)*P10(RATE_DECIMALS - (d)))
#define MS(ms) ((int64_t)(ms)*NS_PER_MS)

#define FUNDING_ALL (QU_FUNDING | QU_FUNDING_MIN | QU_NEXT_FUNDING)

static struct config *cfg;
static struct symbols *sy;
static struct venue_parser *p;

/* What the parser emitted for the last message. */
static struct {
	unsigned n;
	struct venue_update up[8];
} rec;

static void
rec_emit(struct venue_parser *vp, const struct venue_update *up)
{
	(void)vp;
	if (rec.n < nitems(rec.up))
		rec.up[rec.n] = *up;
	rec.n++;
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

/* Builds the symbols and a fresh parser from cfg. */
static void
build(void)
{
	char *cause = NULL;

	sy = symbols_new(cfg, &cause);
	ck_assert_msg(sy != NULL, "symbols_new: %s",
	    cause != NULL ? cause : "?");
	p = malloc(sizeof *p);
	ck_assert_ptr_nonnull(p);
	venue_parser_init(p, VENUE_BITGET, 0, sy, rec_emit, NULL);
}

/*
 * Sizes are coins.  PEPE gets price units by config (a 1000x listing,
 * as other venues have) to show the adapter goes through venue_price()
 * and venue_size().
 */
static void
setup(void)
{
	cfg = config_new();
	sy = NULL;
	p = NULL;
	memset(&rec, 0, sizeof rec);
	set("instruments", "symbols", "BTC ETH ADA PEPE");
	set("venue.bitget", "map", "PEPE:1000PEPEUSDT:1000");
	build();
}

static void
teardown(void)
{
	if (p != NULL) {
		venue_parser_fini(p);
		free(p);
	}
	symbols_free(sy);
	config_free(cfg);
	tcheck_free_kept();
}

static enum venue_result
parse(const char *msg)
{
	rec.n = 0;
	return (venue_parse(p, msg, strlen(msg), 0));
}

/* What one message must give: one update, IGNORED, or one drop. */
struct want {
	enum venue_result r;
	int drop;	  /* VENUE_DROP_* when dropped */
	const char *why;  /* p->why when dropped */
	const char *base; /* the update's instrument */
	uint32_t mask;
	int64_t bid, bid_size, ask, ask_size, funding;
	uint32_t funding_min;
	int64_t next_ms, exch_ts;
};

#define IGNORED                                                                \
	{                                                                      \
		.r = VENUE_IGNORED                                             \
	}
#define DROP(d, w)                                                             \
	{                                                                      \
		.r = VENUE_DROPPED, .drop = (d), .why = (w)                    \
	}

static void
assert_update(const struct venue_update *u, const struct want *w,
    const char *what)
{
	int id = symbols_lookup_canonical(sy, w->base);

	ck_assert_msg(id >= 0, "%s: no instrument %s", what, w->base);
	ck_assert_msg(u->inst == id, "%s: instrument %u, want %s", what,
	    u->inst, w->base);
	ck_assert_msg(u->u.mask == w->mask, "%s: mask %#x, want %#x", what,
	    u->u.mask, w->mask);
	ck_assert_msg(u->u.bid == w->bid, "%s: bid %lld, want %lld", what,
	    (long long)u->u.bid, (long long)w->bid);
	ck_assert_msg(u->u.bid_size == w->bid_size,
	    "%s: bid_size %lld, want %lld", what, (long long)u->u.bid_size,
	    (long long)w->bid_size);
	ck_assert_msg(u->u.ask == w->ask, "%s: ask %lld, want %lld", what,
	    (long long)u->u.ask, (long long)w->ask);
	ck_assert_msg(u->u.ask_size == w->ask_size,
	    "%s: ask_size %lld, want %lld", what, (long long)u->u.ask_size,
	    (long long)w->ask_size);
	ck_assert_msg(u->u.funding == w->funding, "%s: funding %lld, want %lld",
	    what, (long long)u->u.funding, (long long)w->funding);
	ck_assert_msg(u->u.funding_min == w->funding_min,
	    "%s: funding_min %u, want %u", what, u->u.funding_min,
	    w->funding_min);
	ck_assert_msg(u->u.next_funding_ms == w->next_ms,
	    "%s: next_funding_ms %lld, want %lld", what,
	    (long long)u->u.next_funding_ms, (long long)w->next_ms);
	ck_assert_msg(u->u.exch_ts == w->exch_ts, "%s: exch_ts %lld, want %lld",
	    what, (long long)u->u.exch_ts, (long long)w->exch_ts);
}

/* Parses msg and checks the outcome against w, exactly. */
static void
expect(const char *msg, const struct want *w, const char *what)
{
	uint64_t drops[VENUE_DROP_COUNT], ignored = p->ignored;
	enum venue_result r;
	unsigned k;

	memcpy(drops, p->drops, sizeof drops);
	r = parse(msg);
	ck_assert_msg(r == w->r, "%s: result %d, want %d (why: %s)", what, r,
	    w->r, p->why);
	switch (w->r) {
	case VENUE_OK:
		ck_assert_msg(rec.n == 1, "%s: %u updates", what, rec.n);
		assert_update(&rec.up[0], w, what);
		break;
	case VENUE_IGNORED:
		ck_assert_msg(rec.n == 0, "%s: ignored but emitted", what);
		ck_assert_uint_eq(p->ignored, ignored + 1);
		break;
	case VENUE_DROPPED:
		ck_assert_msg(rec.n == 0, "%s: dropped but emitted", what);
		for (k = 0; k < VENUE_DROP_COUNT; k++)
			ck_assert_msg(p->drops[k] ==
				drops[k] + (k == (unsigned)w->drop),
			    "%s: drops[%s] %llu", what, venue_drop_key(k),
			    (unsigned long long)p->drops[k]);
		ck_assert_msg(strcmp(p->why, w->why) == 0,
		    "%s: why \"%s\", want \"%s\"", what, p->why, w->why);
		break;
	}
}

/* -- the recorded samples --------------------------------------------- */

static const struct {
	unsigned line;
	struct want w;
} sample_cases[] = {
	{ 1, IGNORED }, /* subscribe ack */
	/* ticker: top of book and funding in one update, stamped by data. */
	{ 2,
	    { .r = VENUE_OK,
		.base = "STORJ",
		.mask = QU_TOP | QU_EXCH_TS | FUNDING_ALL,
		.bid = PX(4705, 4),
		.bid_size = QTY(13673, 1),
		.ask = PX(4708, 4),
		.ask_size = QTY(25353, 1),
		.funding = RATE(1, 4),
		.funding_min = 480,
		.next_ms = 1730361600000,
		.exch_ts = MS(1730332823155) } },
	{ 3,
	    { .r = VENUE_OK,
		.base = "ADA",
		.mask = QU_TOP | QU_EXCH_TS,
		.bid = PX(3553, 4),
		.bid_size = QTY(112096, 0),
		.ask = PX(3555, 4),
		.ask_size = QTY(10230, 0),
		.exch_ts = MS(1730332859988) } },
	/* "bids":[]: an empty side. */
	{ 4,
	    { .r = VENUE_OK,
		.base = "AQT",
		.mask = QU_TOP | QU_EXCH_TS,
		.ask = PX(14138, 4),
		.ask_size = QTY(458, 2),
		.exch_ts = MS(1730860330169) } },
	/* v3 (UTA) frames: another stream's protocol. */
	{ 5, DROP(VENUE_DROP_SYMBOL, "instType usdt-futures is not traded") },
	{ 6, DROP(VENUE_DROP_SYMBOL, "instType usdt-futures is not traded") },
	{ 7, IGNORED }, /* login ack */
	{ 8, DROP(VENUE_DROP_ERROR, "error: code 30005: error") },
	{ 9, IGNORED }, /* order placed, code 0 */
	{ 10, IGNORED },
	{ 11,
	    DROP(VENUE_DROP_ERROR,
		"error: code 40774: The order type for unilateral position "
		"must also be the unilateral position type") },
	{ 12, IGNORED }, /* order cancelled */
	{ 13,
	    DROP(VENUE_DROP_ERROR,
		"error: code 41101: Param orderId=1234 error") },
};

/* Line n (1-based) of text, NUL-terminated in place. */
static char *
nth_line(char *text, unsigned n)
{
	char *s = text, *e;

	while (--n > 0) {
		s = strchr(s, '\n');
		ck_assert_ptr_nonnull(s);
		s++;
	}
	if ((e = strchr(s, '\n')) != NULL)
		*e = '\0';
	return (s);
}

/* The decode fixture's config, so the golden files and this agree. */
static void
setup_samples(void)
{
	struct config_errors errs = { NULL, 0 };
	char *path;

	cfg = config_new();
	sy = NULL;
	p = NULL;
	memset(&rec, 0, sizeof rec);
	path = tcheck_asprintf("%s/tests/data/decode/bitget.conf",
	    tcheck_srcdir());
	ck_assert_uint_eq(config_load(cfg, path, &errs), 0);
	config_errors_clear(&errs);
	build();
}

START_TEST(test_bitget_samples)
{
	char *text, *line;

	text = tcheck_keep(tcheck_read(tcheck_asprintf(
	    "%s/tests/data/decode/bitget.jsonl", tcheck_srcdir())));
	ck_assert_ptr_nonnull(text);
	line = nth_line(text, sample_cases[_i].line);
	expect(line, &sample_cases[_i].w,
	    tcheck_asprintf("bitget.jsonl:%u", sample_cases[_i].line));
}
END_TEST

/* The table covers the whole file, and nothing past it. */
START_TEST(test_bitget_samples_all_lines)
{
	char *text, *s;
	unsigned n = 0;

	text = tcheck_keep(tcheck_read(tcheck_asprintf(
	    "%s/tests/data/decode/bitget.jsonl", tcheck_srcdir())));
	ck_assert_ptr_nonnull(text);
	for (s = text; *s != '\0'; s++)
		n += *s == '\n';
	ck_assert_uint_eq(n, nitems(sample_cases));
	for (n = 0; n < nitems(sample_cases); n++)
		ck_assert_uint_eq(sample_cases[n].line, n + 1);
}
END_TEST

/* -- edge cases -------------------------------------------------------- */

#define PUSH(type, ch, inst, data)                                             \
	"{\"action\":\"snapshot\",\"arg\":{\"instType\":\"" type               \
	"\",\"channel\":\"" ch "\",\"instId\":\"" inst "\"},\"data\":[" data   \
	"],\"ts\":1730332859989}"
#define BOOK(inst, data) PUSH("USDT-FUTURES", "books1", inst, data)
#define TICK(inst, data) PUSH("USDT-FUTURES", "ticker", inst, data)

static const struct {
	const char *name;
	const char *msg;
	struct want w;
} edge_cases[] = {
	{ "empty asks: side 0/0",
	    BOOK("BTCUSDT",
		"{\"asks\":[],\"bids\":[[\"69000.1\",\"0.5\"]],\"checksum\":0,"
		"\"ts\":\"1730332859988\"}"),
	    { .r = VENUE_OK,
		.base = "BTC",
		.mask = QU_TOP | QU_EXCH_TS,
		.bid = PX(690001, 1),
		.bid_size = QTY(5, 1),
		.exch_ts = MS(1730332859988) } },
	{ "both sides empty",
	    BOOK("BTCUSDT", "{\"asks\":[],\"bids\":[],\"ts\":\"5\"}"),
	    { .r = VENUE_OK,
		.base = "BTC",
		.mask = QU_TOP | QU_EXCH_TS,
		.exch_ts = MS(5) } },
	{ "null side: empty",
	    BOOK("BTCUSDT",
		"{\"asks\":[[\"2\",\"3\"]],\"bids\":null,\"ts\":\"5\"}"),
	    { .r = VENUE_OK,
		.base = "BTC",
		.mask = QU_TOP | QU_EXCH_TS,
		.ask = PX(2, 0),
		.ask_size = QTY(3, 0),
		.exch_ts = MS(5) } },
	{ "unknown keys everywhere",
	    "{\"new\":{\"a\":[1]},\"action\":\"snapshot\",\"arg\":{\"x\":null,"
	    "\"instType\":\"USDT-FUTURES\",\"channel\":\"books1\",\"instId\":"
	    "\"ETHUSDT\"},\"data\":[{\"asks\":[[\"3000.5\",\"1.25\",\"9\"]],"
	    "\"bids\":[[\"3000.4\",\"2\"]],\"checksum\":0,\"seq\":77,\"ts\":"
	    "\"1730332859988\",\"z\":[]}],\"ts\":1730332859989}",
	    { .r = VENUE_OK,
		.base = "ETH",
		.mask = QU_TOP | QU_EXCH_TS,
		.bid = PX(30004, 1),
		.bid_size = QTY(2, 0),
		.ask = PX(30005, 1),
		.ask_size = QTY(125, 2),
		.exch_ts = MS(1730332859988) } },
	{ "JSON numbers instead of strings",
	    BOOK("ADAUSDT",
		"{\"asks\":[[0.3555,10230]],\"bids\":[[0.3553,112096.5]],"
		"\"ts\":1730332859988}"),
	    { .r = VENUE_OK,
		.base = "ADA",
		.mask = QU_TOP | QU_EXCH_TS,
		.bid = PX(3553, 4),
		.bid_size = QTY(1120965, 1),
		.ask = PX(3555, 4),
		.ask_size = QTY(10230, 0),
		.exch_ts = MS(1730332859988) } },
	{ "no data ts: the envelope's",
	    BOOK("BTCUSDT", "{\"asks\":[],\"bids\":[]}"),
	    { .r = VENUE_OK,
		.base = "BTC",
		.mask = QU_TOP | QU_EXCH_TS,
		.exch_ts = MS(1730332859989) } },
	{ "no ts at all: no exch_ts",
	    "{\"arg\":{\"instType\":\"USDT-FUTURES\",\"channel\":\"books1\","
	    "\"instId\":\"BTCUSDT\"},\"data\":[{\"asks\":[],\"bids\":[]}]}",
	    { .r = VENUE_OK, .base = "BTC", .mask = QU_TOP } },
	{ "19-digit ns from ms, exactly",
	    BOOK("BTCUSDT",
		"{\"asks\":[],\"bids\":[],\"ts\":\"9223372036854\"}"),
	    { .r = VENUE_OK,
		.base = "BTC",
		.mask = QU_TOP | QU_EXCH_TS,
		.exch_ts = INT64_C(9223372036854000000) } },
	{ "ts that would overflow ns",
	    BOOK("BTCUSDT",
		"{\"asks\":[],\"bids\":[],\"ts\":\"9223372036855\"}"),
	    DROP(VENUE_DROP_NUMBER, "bad ts") },
	{ "ts not a number",
	    BOOK("BTCUSDT", "{\"asks\":[],\"bids\":[],\"ts\":\"now\"}"),
	    DROP(VENUE_DROP_NUMBER, "bad ts") },
	{ "price units (config map): per coin, size in coins",
	    BOOK("1000PEPEUSDT",
		"{\"asks\":[[\"0.0124\",\"5\"]],\"bids\":[[\"0.0123\",\"2.5\"]],"
		"\"ts\":\"1\"}"),
	    { .r = VENUE_OK,
		.base = "PEPE",
		.mask = QU_TOP | QU_EXCH_TS,
		.bid = PX(123, 7),
		.bid_size = QTY(2500, 0),
		.ask = PX(124, 7),
		.ask_size = QTY(5000, 0),
		.exch_ts = MS(1) } },
	{ "action update on books1",
	    "{\"action\":\"update\",\"arg\":{\"instType\":\"USDT-FUTURES\","
	    "\"channel\":\"books1\",\"instId\":\"BTCUSDT\"},\"data\":[{"
	    "\"asks\":[],\"bids\":[]}]}",
	    DROP(VENUE_DROP_SHAPE, "action is not \"snapshot\"") },
	{ "no action: a snapshot",
	    "{\"arg\":{\"instType\":\"USDT-FUTURES\",\"channel\":\"books1\","
	    "\"instId\":\"BTCUSDT\"},\"data\":[{\"asks\":[],\"bids\":[],"
	    "\"ts\":\"1\"}]}",
	    { .r = VENUE_OK,
		.base = "BTC",
		.mask = QU_TOP | QU_EXCH_TS,
		.exch_ts = MS(1) } },
	{ "spot BTCUSDT is not the perpetual",
	    PUSH("SPOT", "books1", "BTCUSDT", "{\"asks\":[],\"bids\":[]}"),
	    DROP(VENUE_DROP_SYMBOL, "instType SPOT is not traded") },
	{ "coin-margined",
	    PUSH("COIN-FUTURES", "ticker", "BTCUSD", "{\"bidPr\":\"1\"}"),
	    DROP(VENUE_DROP_SYMBOL, "instType COIN-FUTURES is not traded") },
	{ "USDC-margined",
	    PUSH("USDC-FUTURES", "books1", "BTCPERP", "{\"asks\":[]}"),
	    DROP(VENUE_DROP_SYMBOL, "instType USDC-FUTURES is not traded") },
	{ "unknown symbol",
	    BOOK("DOGEUSDT", "{\"asks\":[],\"bids\":[],\"ts\":\"1\"}"),
	    DROP(VENUE_DROP_SYMBOL, "symbol DOGEUSDT is not traded") },
	{ "arg without instType",
	    "{\"arg\":{\"channel\":\"books1\",\"instId\":\"BTCUSDT\"},"
	    "\"data\":[{}]}",
	    DROP(VENUE_DROP_SHAPE, "arg without instType") },
	{ "arg without channel",
	    "{\"arg\":{\"instType\":\"USDT-FUTURES\",\"instId\":\"BTCUSDT\"},"
	    "\"data\":[{}]}",
	    DROP(VENUE_DROP_SHAPE, "arg without channel") },
	{ "no instId",
	    "{\"arg\":{\"instType\":\"USDT-FUTURES\",\"channel\":\"books1\"},"
	    "\"data\":[{}]}",
	    DROP(VENUE_DROP_SHAPE, "no symbol") },
	{ "a channel we did not ask for",
	    PUSH("USDT-FUTURES", "books5", "BTCUSDT", "{\"asks\":[]}"),
	    IGNORED },
	{ "bad price",
	    BOOK("BTCUSDT",
		"{\"asks\":[[\"\",\"1\"]],\"bids\":[],\"ts\":\"1\"}"),
	    DROP(VENUE_DROP_NUMBER, "bad price") },
	{ "negative size",
	    BOOK("BTCUSDT",
		"{\"asks\":[],\"bids\":[[\"1\",\"-2\"]],\"ts\":\"1\"}"),
	    DROP(VENUE_DROP_NUMBER, "bad size") },
	{ "size null",
	    BOOK("BTCUSDT",
		"{\"asks\":[],\"bids\":[[\"1\",null]],\"ts\":\"1\"}"),
	    DROP(VENUE_DROP_NUMBER, "bad size") },
	{ "level without a size",
	    BOOK("BTCUSDT", "{\"asks\":[],\"bids\":[[\"1\"]],\"ts\":\"1\"}"),
	    DROP(VENUE_DROP_SHAPE, "books1: bad bids level") },
	{ "side not a list",
	    BOOK("BTCUSDT", "{\"asks\":\"none\",\"bids\":[],\"ts\":\"1\"}"),
	    DROP(VENUE_DROP_SHAPE, "books1: asks is not a list") },
	{ "no bids at all", BOOK("BTCUSDT", "{\"asks\":[],\"ts\":\"1\"}"),
	    DROP(VENUE_DROP_SHAPE, "books1: bids is not a list") },
	{ "data empty", BOOK("BTCUSDT", ""),
	    DROP(VENUE_DROP_SHAPE, "empty data") },
	{ "data element a string", BOOK("BTCUSDT", "\"x\""),
	    DROP(VENUE_DROP_SHAPE, "data element is not an object") },
	{ "data an object",
	    "{\"arg\":{\"instType\":\"USDT-FUTURES\",\"channel\":\"books1\","
	    "\"instId\":\"BTCUSDT\"},\"data\":{}}",
	    DROP(VENUE_DROP_SHAPE, "no arg/data") },
	{ "not an object", "[{\"event\":\"error\"}]",
	    DROP(VENUE_DROP_SHAPE, "not an object") },
	{ "pong", "pong", IGNORED },
	{ "other text", "Websocket connection established.",
	    DROP(VENUE_DROP_JSON, "not JSON") },
	{ "empty frame", "", DROP(VENUE_DROP_JSON, "empty message") },
	{ "truncated JSON",
	    "{\"action\":\"snapshot\",\"arg\":{\"instType\":\"USDT-FUTURES\"",
	    DROP(VENUE_DROP_JSON, "truncated JSON") },
	/* events */
	{ "error with a string code and the arg",
	    "{\"event\":\"error\",\"arg\":{\"instType\":\"USDT-FUTURES\","
	    "\"channel\":\"books1\",\"instId\":\"XUSDT\"},\"code\":\"30001\","
	    "\"msg\":\"instType:USDT-FUTURES,channel:books1,instId:XUSDT "
	    "doesn't exist\",\"op\":\"subscribe\"}",
	    DROP(VENUE_DROP_ERROR,
		"error: code 30001: instType:USDT-FUTURES,channel:books1,"
		"instId:XUSDT doesn't exist") },
	{ "error without code or msg", "{\"event\":\"error\"}",
	    DROP(VENUE_DROP_ERROR, "error: code ?: ") },
	{ "an answer with a non-zero code",
	    "{\"event\":\"trade\",\"arg\":[],\"code\":40001,\"msg\":\"no\"}",
	    DROP(VENUE_DROP_ERROR, "trade: code 40001: no") },
	{ "login ack, code a string", "{\"event\":\"login\",\"code\":\"0\"}",
	    IGNORED },
	{ "unsubscribe ack",
	    "{\"event\":\"unsubscribe\",\"arg\":{\"instType\":\"USDT-FUTURES\","
	    "\"channel\":\"ticker\",\"instId\":\"BTCUSDT\"}}",
	    IGNORED },
	/* ticker, before any books1 */
	{ "ticker: negative funding, JSON numbers",
	    TICK("ETHUSDT",
		"{\"instId\":\"ETHUSDT\",\"bidPr\":3000.1,\"askPr\":3000.2,"
		"\"bidSz\":4,\"askSz\":0.5,\"fundingRate\":-0.000125,"
		"\"nextFundingTime\":1730361600000,\"ts\":1730332823155}"),
	    { .r = VENUE_OK,
		.base = "ETH",
		.mask = QU_TOP | QU_EXCH_TS | FUNDING_ALL,
		.bid = PX(30001, 1),
		.bid_size = QTY(4, 0),
		.ask = PX(30002, 1),
		.ask_size = QTY(5, 1),
		.funding = RATE(-125, 6),
		.funding_min = 480,
		.next_ms = 1730361600000,
		.exch_ts = MS(1730332823155) } },
	{ "ticker: empty bid, no next funding (\"0\")",
	    TICK("ETHUSDT",
		"{\"bidPr\":\"\",\"bidSz\":\"\",\"askPr\":\"3000.2\","
		"\"askSz\":\"1\",\"fundingRate\":\"0.0001\","
		"\"nextFundingTime\":\"0\",\"ts\":\"7\"}"),
	    { .r = VENUE_OK,
		.base = "ETH",
		.mask = QU_TOP | QU_EXCH_TS | QU_FUNDING | QU_FUNDING_MIN,
		.ask = PX(30002, 1),
		.ask_size = QTY(1, 0),
		.funding = RATE(1, 4),
		.funding_min = 480,
		.exch_ts = MS(7) } },
	{ "ticker: funding only",
	    TICK("ETHUSDT",
		"{\"fundingRate\":\"0.0001\",\"nextFundingTime\":"
		"\"1730361600000\",\"ts\":\"7\"}"),
	    { .r = VENUE_OK,
		.base = "ETH",
		.mask = FUNDING_ALL,
		.funding = RATE(1, 4),
		.funding_min = 480,
		.next_ms = 1730361600000 } },
	{ "ticker: nothing we use",
	    TICK("ETHUSDT", "{\"lastPr\":\"1\",\"fundingRate\":\"\"}"),
	    IGNORED },
	{ "ticker: bad fundingRate",
	    TICK("ETHUSDT", "{\"fundingRate\":\"0.01.\"}"),
	    DROP(VENUE_DROP_NUMBER, "bad fundingRate") },
	{ "ticker: bad nextFundingTime",
	    TICK("ETHUSDT", "{\"nextFundingTime\":\"-1\"}"),
	    DROP(VENUE_DROP_NUMBER, "bad nextFundingTime") },
	{ "ticker: price without size",
	    TICK("ETHUSDT", "{\"bidPr\":\"1\",\"ts\":\"1\"}"),
	    DROP(VENUE_DROP_NUMBER, "bad size") },
	{ "ticker: bad ts",
	    TICK("ETHUSDT", "{\"bidPr\":\"1\",\"bidSz\":\"1\",\"ts\":\"x\"}"),
	    DROP(VENUE_DROP_NUMBER, "bad ts") },
};

START_TEST(test_bitget_edge)
{
	expect(edge_cases[_i].msg, &edge_cases[_i].w, edge_cases[_i].name);
}
END_TEST

/* Several elements in data: one update each, in order. */
START_TEST(test_bitget_data_elements)
{
	ck_assert_int_eq(parse(BOOK("BTCUSDT",
			     "{\"asks\":[[\"2\",\"1\"]],\"bids\":[],\"ts\":"
			     "\"1\"},{\"asks\":[[\"3\",\"2\"]],\"bids\":[],"
			     "\"ts\":\"2\"}")),
	    VENUE_OK);
	ck_assert_uint_eq(rec.n, 2);
	ck_assert_int_eq(rec.up[0].u.ask, PX(2, 0));
	ck_assert_int_eq(rec.up[0].u.exch_ts, MS(1));
	ck_assert_int_eq(rec.up[1].u.ask, PX(3, 0));
	ck_assert_int_eq(rec.up[1].u.ask_size, QTY(2, 0));
	ck_assert_int_eq(rec.up[1].u.exch_ts, MS(2));
}
END_TEST

/*
 * Once books1 runs, the ticker (300-400 ms) gives funding only, and no
 * exch_ts: that dates the top of book.
 */
START_TEST(test_bitget_ticker_yields_to_books1)
{
	static const char tick[] = TICK("BTCUSDT",
	    "{\"bidPr\":\"9\",\"bidSz\":\"1\",\"askPr\":\"10\",\"askSz\":\"1\","
	    "\"fundingRate\":\"0.0002\",\"nextFundingTime\":\"1730361600000\","
	    "\"ts\":\"3\"}");
	static const char tick_book_only[] =
	    TICK("BTCUSDT", "{\"bidPr\":\"9\",\"bidSz\":\"1\",\"ts\":\"4\"}");

	ck_assert_int_eq(parse(tick), VENUE_OK);
	ck_assert_uint_eq(rec.up[0].u.mask, QU_TOP | QU_EXCH_TS | FUNDING_ALL);
	ck_assert_int_eq(parse(BOOK("BTCUSDT",
			     "{\"asks\":[],\"bids\":[],\"ts\":\"2\"}")),
	    VENUE_OK);
	ck_assert_int_eq(parse(tick), VENUE_OK);
	ck_assert_uint_eq(rec.n, 1);
	ck_assert_uint_eq(rec.up[0].u.mask, FUNDING_ALL);
	ck_assert_int_eq(rec.up[0].u.funding, RATE(2, 4));
	ck_assert_int_eq(rec.up[0].u.bid, 0);
	ck_assert_int_eq(rec.up[0].u.exch_ts, 0);
	ck_assert_int_eq(parse(tick_book_only), VENUE_IGNORED);
	/* A reconnect forgets that books1 ran. */
	venue_parser_reset(p);
	ck_assert_int_eq(parse(tick_book_only), VENUE_OK);
	ck_assert_uint_eq(rec.up[0].u.mask, QU_BID | QU_BID_SIZE | QU_EXCH_TS);
}
END_TEST

/* A drop in a later element keeps the earlier, good, ones. */
START_TEST(test_bitget_bad_element_after_good)
{
	ck_assert_int_eq(parse(BOOK("BTCUSDT",
			     "{\"asks\":[],\"bids\":[],\"ts\":\"1\"},"
			     "{\"asks\":[],\"bids\":[[\"1\",\"x\"]]}")),
	    VENUE_DROPPED);
	ck_assert_uint_eq(rec.n, 1);
	ck_assert_str_eq(p->why, "bad size");
}
END_TEST

START_TEST(test_bitget_counters)
{
	parse("pong");
	parse(BOOK("BTCUSDT", "{\"asks\":[],\"bids\":[],\"ts\":\"1\"}"));
	parse("{\"event\":\"error\",\"code\":1,\"msg\":\"x\"}");
	ck_assert_uint_eq(p->msgs, 3);
	ck_assert_uint_eq(p->updates, 1);
	ck_assert_uint_eq(p->ignored, 1);
	ck_assert_uint_eq(p->drops[VENUE_DROP_ERROR], 1);
}
END_TEST

/* -- subscribe and heartbeat -------------------------------------------- */

static struct {
	unsigned n;
	char *msg[64];
	int fail_at; /* 1-based send that fails; 0 never */
} sent;

static int
sent_cb(void *arg, const char *text, size_t len)
{
	(void)arg;
	ck_assert_uint_lt(sent.n, nitems(sent.msg));
	sent.msg[sent.n] = strndup(text, len);
	ck_assert_ptr_nonnull(sent.msg[sent.n]);
	sent.n++;
	return (sent.fail_at == (int)sent.n ? -1 : 0);
}

static const char *const *sym_list;

static const char *
sym_cb(void *arg, unsigned k)
{
	(void)arg;
	return (sym_list[k]);
}

static void
sub_setup(void)
{
	memset(&sent, 0, sizeof sent);
}

static void
sub_teardown(void)
{
	while (sent.n > 0)
		free(sent.msg[--sent.n]);
	tcheck_free_kept();
}

/* Test symbols: too many for tcheck_keep(), so static storage. */
static char sym_buf[1000][32];
static const char *sym_ptr[1000];

/* Symbols fmt % k for k < n, into sym_list. */
static void
make_syms(const char *fmt, unsigned n)
{
	unsigned k;

	ck_assert_uint_le(n, nitems(sym_buf));
	for (k = 0; k < n; k++) {
		snprintf(sym_buf[k], sizeof sym_buf[k], fmt, k);
		sym_ptr[k] = sym_buf[k];
	}
	sym_list = sym_ptr;
}

/* The request for syms first..first+n-1, as Bitget documents it. */
static const char *
want_req(unsigned first, unsigned n)
{
	static char want[BITGET_REQ_MAX * 2];
	size_t off;
	unsigned k;

	off = (size_t)snprintf(want, sizeof want,
	    "{\"op\":\"subscribe\",\"args\":[");
	for (k = first; k < first + n; k++)
		off += (size_t)snprintf(want + off, sizeof want - off,
		    "%s{\"instType\":\"USDT-FUTURES\",\"channel\":\"books1\","
		    "\"instId\":\"%s\"},{\"instType\":\"USDT-FUTURES\","
		    "\"channel\":\"ticker\",\"instId\":\"%s\"}",
		    k > first ? "," : "", sym_list[k], sym_list[k]);
	snprintf(want + off, sizeof want - off, "]}");
	return (want);
}

START_TEST(test_bitget_subscribe_one)
{
	static const char *const syms[] = { "BTCUSDT" };

	sym_list = syms;
	ck_assert_int_eq(venue_bitget_subscribe_all(1, sym_cb, sent_cb, NULL),
	    1);
	ck_assert_uint_eq(sent.n, 1);
	ck_assert_str_eq(sent.msg[0],
	    "{\"op\":\"subscribe\",\"args\":["
	    "{\"instType\":\"USDT-FUTURES\",\"channel\":\"books1\","
	    "\"instId\":\"BTCUSDT\"},"
	    "{\"instType\":\"USDT-FUTURES\",\"channel\":\"ticker\","
	    "\"instId\":\"BTCUSDT\"}]}");
}
END_TEST

START_TEST(test_bitget_subscribe_none)
{
	ck_assert_int_eq(venue_bitget_subscribe_all(0, sym_cb, sent_cb, NULL),
	    0);
	ck_assert_uint_eq(sent.n, 0);
}
END_TEST

/*
 * 7-letter symbols: 30 instruments make 3987 bytes, 31 would make 4119,
 * over Bitget's 4096.  So 31 instruments are two requests.
 */
START_TEST(test_bitget_subscribe_batches)
{
	make_syms("S%02uUSDT", 31);
	ck_assert_int_eq(venue_bitget_subscribe_all(31, sym_cb, sent_cb, NULL),
	    31);
	ck_assert_uint_eq(sent.n, 2);
	ck_assert_uint_eq(strlen(sent.msg[0]), 3987);
	ck_assert_str_eq(sent.msg[0], want_req(0, 30));
	ck_assert_str_eq(sent.msg[1],
	    "{\"op\":\"subscribe\",\"args\":["
	    "{\"instType\":\"USDT-FUTURES\",\"channel\":\"books1\","
	    "\"instId\":\"S30USDT\"},"
	    "{\"instType\":\"USDT-FUTURES\",\"channel\":\"ticker\","
	    "\"instId\":\"S30USDT\"}]}");
}
END_TEST

/* The longest symbols (28 characters): 23 instruments a request. */
START_TEST(test_bitget_subscribe_long_symbols)
{
	unsigned k;

	make_syms("ABCDEFGHIJKLMNOPQRST%04uUSDT", 50);
	ck_assert_uint_eq(strlen(sym_list[0]), 28);
	ck_assert_int_eq(venue_bitget_subscribe_all(50, sym_cb, sent_cb, NULL),
	    50);
	ck_assert_uint_eq(sent.n, 3);
	ck_assert_str_eq(sent.msg[0], want_req(0, 23));
	ck_assert_str_eq(sent.msg[1], want_req(23, 23));
	ck_assert_str_eq(sent.msg[2], want_req(46, 4));
	for (k = 0; k < sent.n; k++)
		ck_assert_uint_le(strlen(sent.msg[k]), BITGET_REQ_MAX);
}
END_TEST

/*
 * Everything goes out at open, and Bitget disconnects past 10 messages
 * a second: BITGET_REQS_AT_OPEN requests at most, the rest left out.
 */
START_TEST(test_bitget_subscribe_rate_cap)
{
	unsigned k;

	make_syms("S%03uUSDT", 400);
	ck_assert_int_eq(venue_bitget_subscribe_all(400, sym_cb, sent_cb, NULL),
	    (intmax_t)BITGET_REQS_AT_OPEN * 30);
	ck_assert_uint_eq(sent.n, BITGET_REQS_AT_OPEN);
	ck_assert_uint_lt(BITGET_REQS_AT_OPEN, 10);
	for (k = 0; k < sent.n; k++)
		ck_assert_str_eq(sent.msg[k], want_req(30 * k, 30));
}
END_TEST

/* A symbol that would break the JSON is never sent. */
START_TEST(test_bitget_subscribe_skips_bad_symbols)
{
	static const char *const syms[] = { "A\"USDT", NULL, "B\\USDT", "",
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ123", "ETHUSDT" };

	sym_list = syms;
	ck_assert_int_eq(venue_bitget_subscribe_all(nitems(syms), sym_cb,
			     sent_cb, NULL),
	    1);
	ck_assert_uint_eq(sent.n, 1);
	ck_assert_str_eq(sent.msg[0],
	    "{\"op\":\"subscribe\",\"args\":["
	    "{\"instType\":\"USDT-FUTURES\",\"channel\":\"books1\","
	    "\"instId\":\"ETHUSDT\"},"
	    "{\"instType\":\"USDT-FUTURES\",\"channel\":\"ticker\","
	    "\"instId\":\"ETHUSDT\"}]}");
}
END_TEST

START_TEST(test_bitget_subscribe_send_fails)
{
	make_syms("S%02uUSDT", 31);
	sent.fail_at = 1;
	ck_assert_int_eq(venue_bitget_subscribe_all(31, sym_cb, sent_cb, NULL),
	    -1);
	ck_assert_uint_eq(sent.n, 1); /* stops at the first failure */
	free(sent.msg[0]);
	memset(&sent, 0, sizeof sent);
	sent.fail_at = 2;
	ck_assert_int_eq(venue_bitget_subscribe_all(31, sym_cb, sent_cb, NULL),
	    -1);
	ck_assert_uint_eq(sent.n, 2);
}
END_TEST

START_TEST(test_bitget_ops)
{
	ck_assert_str_eq(venue_bitget_ping_text, "ping");
	ck_assert_str_eq(venue_bitget_ops.name, "bitget");
	ck_assert_int_eq(venue_bitget_ops.id, VENUE_BITGET);
	ck_assert_uint_eq(venue_bitget_ops.streams, 1);
	ck_assert_ptr_nonnull(venue_bitget_ops.parse);
	ck_assert_ptr_nonnull(venue_bitget_ops.subscribe);
	ck_assert_ptr_nonnull(venue_bitget_ops.ping);
	/* Bitget asks for a ping every 30 s and cuts at 2 min without. */
	ck_assert(venue_bitget_ops.ping_interval > 0);
	ck_assert(venue_bitget_ops.ping_interval < 30);
	ck_assert_int_eq(venue_bitget_ops.wait_welcome, 0);
	ck_assert_ptr_null(venue_bitget_ops.prepare_path);
	ck_assert_ptr_eq(venue_table[VENUE_BITGET], &venue_bitget_ops);
}
END_TEST

static Suite *
venue_bitget_suite(void)
{
	Suite *s = suite_create("venue_bitget");
	TCase *tc;

	tc = tcase_create("samples");
	tcase_add_checked_fixture(tc, setup_samples, teardown);
	tcase_add_loop_test(tc, test_bitget_samples, 0,
	    (int)nitems(sample_cases));
	tcase_add_test(tc, test_bitget_samples_all_lines);
	suite_add_tcase(s, tc);

	tc = tcase_create("edge");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_bitget_edge, 0, (int)nitems(edge_cases));
	tcase_add_test(tc, test_bitget_data_elements);
	tcase_add_test(tc, test_bitget_ticker_yields_to_books1);
	tcase_add_test(tc, test_bitget_bad_element_after_good);
	tcase_add_test(tc, test_bitget_counters);
	suite_add_tcase(s, tc);

	tc = tcase_create("subscribe");
	tcase_add_checked_fixture(tc, sub_setup, sub_teardown);
	tcase_add_test(tc, test_bitget_subscribe_one);
	tcase_add_test(tc, test_bitget_subscribe_none);
	tcase_add_test(tc, test_bitget_subscribe_batches);
	tcase_add_test(tc, test_bitget_subscribe_long_symbols);
	tcase_add_test(tc, test_bitget_subscribe_rate_cap);
	tcase_add_test(tc, test_bitget_subscribe_skips_bad_symbols);
	tcase_add_test(tc, test_bitget_subscribe_send_fails);
	tcase_add_test(tc, test_bitget_ops);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	return (tcheck_run(venue_bitget_suite()));
}
