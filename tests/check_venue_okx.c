/*
 * Tests of the OKX adapter (venue_okx.c): every line of the recorded
 * samples (tests/data/decode/okx.jsonl with okx.conf) to its exact
 * update, IGNORED or drop; the protocol notes' edge cases (empty and
 * null sides, unknown keys, JSON numbers for strings, exact ns
 * timestamps, contracts times ctVal, unknown contract sizes, error acks,
 * non-JSON and truncated frames, wrong types, unknown symbols, funding
 * intervals); and the subscribe requests and heartbeat, byte for byte.
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
#include "venue_okx_internal.h"

extern const struct venue_ops venue_okx_ops;

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
	venue_parser_init(p, VENUE_OKX, 0, sy, rec_emit, NULL);
}

/*
 * BTC and ETH have built-in ctVal (0.01, 0.1); BCH's comes from the
 * config; SOS has none.  PEPE gets price units by config (OKX has no
 * 1000x symbols) to show the adapter goes through venue_price().
 */
static void
setup(void)
{
	cfg = config_new();
	sy = NULL;
	p = NULL;
	memset(&rec, 0, sizeof rec);
	set("instruments", "symbols", "BTC ETH BCH SOS PEPE");
	set("venue.okx", "contract_size", "BCH:0.1 PEPE:1");
	set("venue.okx", "map", "PEPE:1000PEPE-USDT-SWAP:1000");
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
	{ 2, DROP(VENUE_DROP_SYMBOL, "symbol UNI-USD-SWAP is not traded") },
	{ 3,
	    { .r = VENUE_OK,
		.base = "WNCG",
		.mask = QU_TOP | QU_EXCH_TS,
		.bid = PX(21737, 4),
		.bid_size = QTY(2, 0), /* 2 contracts x 1 WNCG */
		.ask = PX(21738, 4),
		.ask_size = QTY(168, 0),
		.exch_ts = MS(1640131263109) } },
	{ 4,
	    { .r = VENUE_OK,
		.base = "BTC",
		.mask = QU_TOP | QU_EXCH_TS,
		.bid = PX(386323, 1),
		.bid_size = QTY(99, 1), /* 990 contracts x 0.01 BTC */
		.ask = PX(386324, 1),
		.ask_size = QTY(727, 2), /* 727 x 0.01 */
		.exch_ts = MS(1651761120004) } },
	{ 5,
	    { .r = VENUE_OK,
		.base = "WNCG",
		.mask = FUNDING_ALL,
		.funding = RATE(48105, 8),
		.funding_min = 480,
		.next_ms = 1640131200000 } },
	/* No fundingRate at all: the next funding time only. */
	{ 6,
	    { .r = VENUE_OK,
		.base = "SOS",
		.mask = QU_FUNDING_MIN | QU_NEXT_FUNDING,
		.funding_min = 480,
		.next_ms = 1640851200000 } },
	/* 0.0001534702159002 rounds to 9 decimals. */
	{ 7,
	    { .r = VENUE_OK,
		.base = "BTC",
		.mask = FUNDING_ALL,
		.funding = RATE(153470, 9),
		.funding_min = 480,
		.next_ms = 1646323200000 } },
	{ 8, DROP(VENUE_DROP_SYMBOL, "symbol BTC-USD-SWAP is not traded") },
	{ 9,
	    { .r = VENUE_OK,
		.base = "BCH",
		.mask = QU_TOP | QU_EXCH_TS,
		.bid = PX(11105, 2),
		.bid_size = QTY(57745, 1), /* 57745 x 0.1 BCH */
		.ask = PX(11106, 2),
		.ask_size = QTY(55154, 1),
		.exch_ts = MS(1670324386802) } },
	{ 10, IGNORED }, /* subscribe ack with id and connId */
	{ 11,
	    DROP(VENUE_DROP_ERROR,
		"error: code 60012: Invalid request: {\\\"op\\\": "
		"\\\"subscribe\\\", \\\"argss\\\":[{ \\\"channel\\\" : "
		"\\\"funding-rate\\\", \\\"instId\\\" : "
		"\\\"BTC-USD-SWAP\\\"}]}") },
	{ 12, IGNORED }, /* login ack */
	{ 13, IGNORED }, /* order answer, code "0" */
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
	path =
	    tcheck_asprintf("%s/tests/data/decode/okx.conf", tcheck_srcdir());
	ck_assert_uint_eq(config_load(cfg, path, &errs), 0);
	config_errors_clear(&errs);
	build();
}

START_TEST(test_okx_samples)
{
	char *text, *line;

	text = tcheck_keep(tcheck_read(tcheck_asprintf(
	    "%s/tests/data/decode/okx.jsonl", tcheck_srcdir())));
	ck_assert_ptr_nonnull(text);
	line = nth_line(text, sample_cases[_i].line);
	expect(line, &sample_cases[_i].w,
	    tcheck_asprintf("okx.jsonl:%u", sample_cases[_i].line));
}
END_TEST

/* The table covers the whole file, and nothing past it. */
START_TEST(test_okx_samples_all_lines)
{
	char *text, *s;
	unsigned n = 0;

	text = tcheck_keep(tcheck_read(tcheck_asprintf(
	    "%s/tests/data/decode/okx.jsonl", tcheck_srcdir())));
	ck_assert_ptr_nonnull(text);
	for (s = text; *s != '\0'; s++)
		n += *s == '\n';
	ck_assert_uint_eq(n, nitems(sample_cases));
	for (n = 0; n < nitems(sample_cases); n++)
		ck_assert_uint_eq(sample_cases[n].line, n + 1);
}
END_TEST

/* -- edge cases -------------------------------------------------------- */

#define BBO(inst, data)                                                        \
	"{\"arg\":{\"channel\":\"bbo-tbt\",\"instId\":\"" inst                 \
	"\"},\"data\":[" data "]}"
#define FUND(inst, data)                                                       \
	"{\"arg\":{\"channel\":\"funding-rate\",\"instId\":\"" inst            \
	"\"},\"data\":[" data "]}"
#define TICK(inst, data)                                                       \
	"{\"arg\":{\"channel\":\"tickers\",\"instId\":\"" inst                 \
	"\"},\"data\":[" data "]}"

static const struct {
	const char *name;
	const char *msg;
	struct want w;
} edge_cases[] = {
	{ "empty bids: side 0/0",
	    BBO("BTC-USDT-SWAP",
		"{\"asks\":[[\"100.5\",\"3\",\"0\",\"1\"]],\"bids\":[],"
		"\"ts\":\"1700000000000\"}"),
	    { .r = VENUE_OK,
		.base = "BTC",
		.mask = QU_TOP | QU_EXCH_TS,
		.ask = PX(1005, 1),
		.ask_size = QTY(3, 2),
		.exch_ts = MS(1700000000000) } },
	{ "both sides empty",
	    BBO("BTC-USDT-SWAP", "{\"asks\":[],\"bids\":[],\"ts\":\"5\"}"),
	    { .r = VENUE_OK,
		.base = "BTC",
		.mask = QU_TOP | QU_EXCH_TS,
		.exch_ts = MS(5) } },
	{ "null side: empty",
	    BBO("BTC-USDT-SWAP",
		"{\"asks\":null,\"bids\":[[\"99\",\"1\",\"0\",\"1\"]],"
		"\"ts\":\"5\"}"),
	    { .r = VENUE_OK,
		.base = "BTC",
		.mask = QU_TOP | QU_EXCH_TS,
		.bid = PX(99, 0),
		.bid_size = QTY(1, 2),
		.exch_ts = MS(5) } },
	{ "unknown keys everywhere",
	    "{\"x\":[1,{\"y\":null}],\"arg\":{\"channel\":\"bbo-tbt\","
	    "\"z\":{},\"instId\":\"ETH-USDT-SWAP\"},\"data\":[{\"new\":[[]],"
	    "\"asks\":[[\"2000.01\",\"7\",\"0\",\"2\",\"extra\"]],\"bids\":"
	    "[[\"2000\",\"11\",\"0\",\"3\"]],\"ts\":\"1700000000001\","
	    "\"seqId\":123}],\"more\":true}",
	    { .r = VENUE_OK,
		.base = "ETH",
		.mask = QU_TOP | QU_EXCH_TS,
		.bid = PX(2000, 0),
		.bid_size = QTY(11, 1), /* 11 x 0.1 ETH */
		.ask = PX(200001, 2),
		.ask_size = QTY(7, 1),
		.exch_ts = MS(1700000000001) } },
	{ "JSON numbers instead of strings",
	    BBO("BTC-USDT-SWAP",
		"{\"asks\":[[100.5,3,0,1]],\"bids\":[[100.4,2.5,0,1]],"
		"\"ts\":1700000000000}"),
	    { .r = VENUE_OK,
		.base = "BTC",
		.mask = QU_TOP | QU_EXCH_TS,
		.bid = PX(1004, 1),
		.bid_size = QTY(25, 3), /* 2.5 contracts x 0.01 */
		.ask = PX(1005, 1),
		.ask_size = QTY(3, 2),
		.exch_ts = MS(1700000000000) } },
	{ "19-digit ns from ms, exactly",
	    BBO("BTC-USDT-SWAP",
		"{\"asks\":[],\"bids\":[],\"ts\":\"9223372036854\"}"),
	    { .r = VENUE_OK,
		.base = "BTC",
		.mask = QU_TOP | QU_EXCH_TS,
		.exch_ts = INT64_C(9223372036854000000) } },
	{ "ts that would overflow ns",
	    BBO("BTC-USDT-SWAP",
		"{\"asks\":[],\"bids\":[],\"ts\":\"9223372036855\"}"),
	    DROP(VENUE_DROP_NUMBER, "bad ts") },
	{ "no ts: no exch_ts",
	    BBO("BTC-USDT-SWAP", "{\"asks\":[],\"bids\":[]}"),
	    { .r = VENUE_OK, .base = "BTC", .mask = QU_TOP } },
	{ "fractional contracts",
	    BBO("BTC-USDT-SWAP",
		"{\"asks\":[[\"1\",\"0.5\",\"0\",\"1\"]],\"bids\":[[\"1\","
		"\"0.01\",\"0\",\"1\"]],\"ts\":\"1\"}"),
	    { .r = VENUE_OK,
		.base = "BTC",
		.mask = QU_TOP | QU_EXCH_TS,
		.bid = PX(1, 0),
		.bid_size = QTY(1, 4), /* 0.01 x 0.01 */
		.ask = PX(1, 0),
		.ask_size = QTY(5, 3),
		.exch_ts = MS(1) } },
	{ "contract size from the config",
	    BBO("BCH-USDT-SWAP",
		"{\"asks\":[[\"300\",\"3\",\"0\",\"1\"]],\"bids\":[[\"299\","
		"\"1\",\"0\",\"1\"]],\"ts\":\"1\"}"),
	    { .r = VENUE_OK,
		.base = "BCH",
		.mask = QU_TOP | QU_EXCH_TS,
		.bid = PX(299, 0),
		.bid_size = QTY(1, 1),
		.ask = PX(300, 0),
		.ask_size = QTY(3, 1),
		.exch_ts = MS(1) } },
	{ "contract size unknown",
	    BBO("SOS-USDT-SWAP",
		"{\"asks\":[[\"1\",\"3\",\"0\",\"1\"]],\"bids\":[],"
		"\"ts\":\"1\"}"),
	    DROP(VENUE_DROP_CONTRACT, "SOS-USDT-SWAP: contract size unknown") },
	{ "contract size unknown, empty book: nothing to convert",
	    BBO("SOS-USDT-SWAP", "{\"asks\":[],\"bids\":[],\"ts\":\"1\"}"),
	    { .r = VENUE_OK,
		.base = "SOS",
		.mask = QU_TOP | QU_EXCH_TS,
		.exch_ts = MS(1) } },
	{ "price units (config map): per coin, size in coins",
	    BBO("1000PEPE-USDT-SWAP",
		"{\"asks\":[[\"0.0124\",\"5\",\"0\",\"1\"]],\"bids\":[[\""
		"0.0123\",\"2\",\"0\",\"1\"]],\"ts\":\"1\"}"),
	    { .r = VENUE_OK,
		.base = "PEPE",
		.mask = QU_TOP | QU_EXCH_TS,
		.bid = PX(123, 7),
		.bid_size = QTY(2000, 0),
		.ask = PX(124, 7),
		.ask_size = QTY(5000, 0),
		.exch_ts = MS(1) } },
	{ "unknown symbol (coin-margined)",
	    BBO("ETH-USD-SWAP", "{\"asks\":[],\"bids\":[],\"ts\":\"1\"}"),
	    DROP(VENUE_DROP_SYMBOL, "symbol ETH-USD-SWAP is not traded") },
	{ "unknown symbol (spot)",
	    BBO("BTC-USDT", "{\"asks\":[],\"bids\":[],\"ts\":\"1\"}"),
	    DROP(VENUE_DROP_SYMBOL, "symbol BTC-USDT is not traded") },
	{ "instId not a string",
	    "{\"arg\":{\"channel\":\"bbo-tbt\",\"instId\":{}},\"data\":[{}]}",
	    DROP(VENUE_DROP_SHAPE, "no symbol") },
	{ "no instId", "{\"arg\":{\"channel\":\"bbo-tbt\"},\"data\":[{}]}",
	    DROP(VENUE_DROP_SHAPE, "no symbol") },
	{ "bad price",
	    BBO("BTC-USDT-SWAP",
		"{\"asks\":[[\"1.2.3\",\"1\",\"0\",\"1\"]],\"bids\":[],"
		"\"ts\":\"1\"}"),
	    DROP(VENUE_DROP_NUMBER, "bad price") },
	{ "negative size",
	    BBO("BTC-USDT-SWAP",
		"{\"asks\":[[\"1\",\"-1\",\"0\",\"1\"]],\"bids\":[],"
		"\"ts\":\"1\"}"),
	    DROP(VENUE_DROP_NUMBER, "bad size") },
	{ "price true",
	    BBO("BTC-USDT-SWAP",
		"{\"asks\":[[true,\"1\",\"0\",\"1\"]],\"bids\":[],"
		"\"ts\":\"1\"}"),
	    DROP(VENUE_DROP_NUMBER, "bad price") },
	{ "level without a size",
	    BBO("BTC-USDT-SWAP",
		"{\"asks\":[[\"1\"]],\"bids\":[],\"ts\":\"1\"}"),
	    DROP(VENUE_DROP_SHAPE, "bbo-tbt: bad asks level") },
	{ "level not a list",
	    BBO("BTC-USDT-SWAP",
		"{\"asks\":[],\"bids\":[\"1\",\"2\"],\"ts\":\"1\"}"),
	    DROP(VENUE_DROP_SHAPE, "bbo-tbt: bad bids level") },
	{ "side not a list",
	    BBO("BTC-USDT-SWAP", "{\"asks\":{},\"bids\":[],\"ts\":\"1\"}"),
	    DROP(VENUE_DROP_SHAPE, "bbo-tbt: asks is not a list") },
	{ "no asks at all", BBO("BTC-USDT-SWAP", "{\"bids\":[],\"ts\":\"1\"}"),
	    DROP(VENUE_DROP_SHAPE, "bbo-tbt: asks is not a list") },
	{ "ts not a number",
	    BBO("BTC-USDT-SWAP", "{\"asks\":[],\"bids\":[],\"ts\":\"soon\"}"),
	    DROP(VENUE_DROP_NUMBER, "bad ts") },
	{ "ts with a fraction",
	    BBO("BTC-USDT-SWAP", "{\"asks\":[],\"bids\":[],\"ts\":\"1.5\"}"),
	    DROP(VENUE_DROP_NUMBER, "bad ts") },
	{ "data an object",
	    "{\"arg\":{\"channel\":\"bbo-tbt\",\"instId\":\"BTC-USDT-SWAP\"},"
	    "\"data\":{}}",
	    DROP(VENUE_DROP_SHAPE, "no arg/data") },
	{ "data empty", BBO("BTC-USDT-SWAP", ""),
	    DROP(VENUE_DROP_SHAPE, "empty data") },
	{ "data element a list", BBO("BTC-USDT-SWAP", "[]"),
	    DROP(VENUE_DROP_SHAPE, "data element is not an object") },
	{ "arg a string",
	    "{\"arg\":\"bbo-tbt\",\"data\":[{\"asks\":[],\"bids\":[]}]}",
	    DROP(VENUE_DROP_SHAPE, "no arg/data") },
	{ "arg without channel",
	    "{\"arg\":{\"instId\":\"BTC-USDT-SWAP\"},\"data\":[{}]}",
	    DROP(VENUE_DROP_SHAPE, "arg without channel") },
	{ "a channel we did not ask for",
	    "{\"arg\":{\"channel\":\"books5\",\"instId\":\"BTC-USDT-SWAP\"},"
	    "\"data\":[{\"asks\":[],\"bids\":[]}]}",
	    IGNORED },
	{ "not an object", "[1,2,3]", DROP(VENUE_DROP_SHAPE, "not an object") },
	{ "pong", "pong", IGNORED },
	{ "other text", "ping", DROP(VENUE_DROP_JSON, "not JSON") },
	{ "pong with a newline", "pong\n", DROP(VENUE_DROP_JSON, "not JSON") },
	{ "empty frame", "", DROP(VENUE_DROP_JSON, "empty message") },
	{ "truncated JSON",
	    "{\"arg\":{\"channel\":\"bbo-tbt\",\"instId\":\"BTC-USDT-SWAP\"},"
	    "\"data\":[{\"asks\":[[\"1\",\"1\"",
	    DROP(VENUE_DROP_JSON, "truncated JSON") },
	{ "JSON syntax error", "{\"arg\" 1}",
	    DROP(VENUE_DROP_JSON, "not JSON") },
	{ "notice before a service upgrade",
	    "{\"event\":\"notice\",\"code\":\"64008\",\"msg\":\"The connection "
	    "will soon be closed for a service upgrade.\",\"connId\":\"a4\"}",
	    IGNORED },
	{ "channel-conn-count",
	    "{\"event\":\"channel-conn-count\",\"channel\":\"bbo-tbt\","
	    "\"connCount\":\"2\",\"connId\":\"a4\"}",
	    IGNORED },
	{ "error without msg", "{\"event\":\"error\",\"code\":60018}",
	    DROP(VENUE_DROP_ERROR, "error: code 60018: ") },
	{ "an order refused",
	    "{\"id\":\"1\",\"op\":\"order\",\"data\":[{\"sCode\":\"51008\"}],"
	    "\"code\":\"1\",\"msg\":\"Operation failed.\"}",
	    DROP(VENUE_DROP_ERROR, "order: code 1: Operation failed.") },
	/* funding-rate */
	{ "funding: current field set, 4 h interval",
	    FUND("BTC-USDT-SWAP",
		"{\"formulaType\":\"withRate\",\"fundingRate\":\"-0.00012\","
		"\"fundingTime\":\"1700726400000\",\"impactValue\":\"\","
		"\"instId\":\"BTC-USDT-SWAP\",\"instType\":\"SWAP\","
		"\"method\":\"current_period\",\"nextFundingRate\":\"\","
		"\"nextFundingTime\":\"1700740800000\",\"ts\":"
		"\"1700724675402\"}"),
	    { .r = VENUE_OK,
		.base = "BTC",
		.mask = FUNDING_ALL,
		.funding = RATE(-12, 5),
		.funding_min = 240,
		.next_ms = 1700726400000 } },
	{ "funding: JSON numbers, 1 h interval",
	    FUND("BTC-USDT-SWAP",
		"{\"fundingRate\":0.0003,\"fundingTime\":1700726400000,"
		"\"nextFundingTime\":1700730000000}"),
	    { .r = VENUE_OK,
		.base = "BTC",
		.mask = FUNDING_ALL,
		.funding = RATE(3, 4),
		.funding_min = 60,
		.next_ms = 1700726400000 } },
	{ "funding: an interval that is not whole minutes: 8 h",
	    FUND("BTC-USDT-SWAP",
		"{\"fundingRate\":\"0\",\"fundingTime\":\"1700726400000\","
		"\"nextFundingTime\":\"1700726400500\"}"),
	    { .r = VENUE_OK,
		.base = "BTC",
		.mask = FUNDING_ALL,
		.funding = 0,
		.funding_min = 480,
		.next_ms = 1700726400000 } },
	{ "funding: next before this: 8 h",
	    FUND("BTC-USDT-SWAP",
		"{\"fundingRate\":\"0.0001\",\"fundingTime\":\"1700726400000\","
		"\"nextFundingTime\":\"1700697600000\"}"),
	    { .r = VENUE_OK,
		.base = "BTC",
		.mask = FUNDING_ALL,
		.funding = RATE(1, 4),
		.funding_min = 480,
		.next_ms = 1700726400000 } },
	{ "funding: rate only",
	    FUND("BTC-USDT-SWAP", "{\"fundingRate\":\"0.0001\"}"),
	    { .r = VENUE_OK,
		.base = "BTC",
		.mask = QU_FUNDING | QU_FUNDING_MIN,
		.funding = RATE(1, 4),
		.funding_min = 480 } },
	{ "funding: no contract size needed",
	    FUND("SOS-USDT-SWAP", "{\"fundingRate\":\"0.0001\"}"),
	    { .r = VENUE_OK,
		.base = "SOS",
		.mask = QU_FUNDING | QU_FUNDING_MIN,
		.funding = RATE(1, 4),
		.funding_min = 480 } },
	{ "funding: empty strings and a forecast only",
	    FUND("BTC-USDT-SWAP",
		"{\"fundingRate\":\"\",\"fundingTime\":\"\","
		"\"nextFundingRate\":\"0.0003\"}"),
	    IGNORED },
	{ "funding: bad rate",
	    FUND("BTC-USDT-SWAP", "{\"fundingRate\":\"1%\"}"),
	    DROP(VENUE_DROP_NUMBER, "bad fundingRate") },
	{ "funding: rate an object",
	    FUND("BTC-USDT-SWAP", "{\"fundingRate\":{}}"),
	    DROP(VENUE_DROP_NUMBER, "bad fundingRate") },
	{ "funding: bad fundingTime",
	    FUND("BTC-USDT-SWAP",
		"{\"fundingRate\":\"0.0001\",\"fundingTime\":\"-5\"}"),
	    DROP(VENUE_DROP_NUMBER, "bad fundingTime") },
	{ "funding: bad nextFundingTime",
	    FUND("BTC-USDT-SWAP",
		"{\"fundingRate\":\"0.0001\",\"fundingTime\":\"1\","
		"\"nextFundingTime\":\"x\"}"),
	    DROP(VENUE_DROP_NUMBER, "bad nextFundingTime") },
	{ "funding: unknown symbol",
	    FUND("SOS-USD-SWAP", "{\"fundingRate\":\"0.0001\"}"),
	    DROP(VENUE_DROP_SYMBOL, "symbol SOS-USD-SWAP is not traded") },
	/* tickers, before any bbo-tbt */
	{ "tickers: top of book in contracts",
	    TICK("ETH-USDT-SWAP",
		"{\"instType\":\"SWAP\",\"instId\":\"ETH-USDT-SWAP\",\"last\":"
		"\"2000\",\"askPx\":\"2000.5\",\"askSz\":\"30\",\"bidPx\":"
		"\"2000.4\",\"bidSz\":\"12\",\"ts\":\"1652459223143\"}"),
	    { .r = VENUE_OK,
		.base = "ETH",
		.mask = QU_TOP | QU_EXCH_TS,
		.bid = PX(20004, 1),
		.bid_size = QTY(12, 1),
		.ask = PX(20005, 1),
		.ask_size = QTY(3, 0),
		.exch_ts = MS(1652459223143) } },
	{ "tickers: empty bid",
	    TICK("ETH-USDT-SWAP",
		"{\"askPx\":\"2000.5\",\"askSz\":\"30\",\"bidPx\":\"\","
		"\"bidSz\":\"\",\"ts\":\"1\"}"),
	    { .r = VENUE_OK,
		.base = "ETH",
		.mask = QU_TOP | QU_EXCH_TS,
		.ask = PX(20005, 1),
		.ask_size = QTY(3, 0),
		.exch_ts = MS(1) } },
	{ "tickers: one side only",
	    TICK("ETH-USDT-SWAP",
		"{\"askPx\":\"2000.5\",\"askSz\":\"30\",\"ts\":\"1\"}"),
	    { .r = VENUE_OK,
		.base = "ETH",
		.mask = QU_ASK | QU_ASK_SIZE | QU_EXCH_TS,
		.ask = PX(20005, 1),
		.ask_size = QTY(3, 0),
		.exch_ts = MS(1) } },
	{ "tickers: no book at all", TICK("ETH-USDT-SWAP", "{\"last\":\"1\"}"),
	    IGNORED },
	{ "tickers: price without size",
	    TICK("ETH-USDT-SWAP", "{\"askPx\":\"2000.5\",\"ts\":\"1\"}"),
	    DROP(VENUE_DROP_NUMBER, "bad size") },
};

START_TEST(test_okx_edge)
{
	expect(edge_cases[_i].msg, &edge_cases[_i].w, edge_cases[_i].name);
}
END_TEST

/* Several elements in data: one update each, in order. */
START_TEST(test_okx_data_elements)
{
	ck_assert_int_eq(parse(BBO("BTC-USDT-SWAP",
			     "{\"asks\":[[\"2\",\"1\",\"0\",\"1\"]],\"bids\":"
			     "[],\"ts\":\"1\"},{\"asks\":[[\"3\",\"2\",\"0\","
			     "\"1\"]],\"bids\":[],\"ts\":\"2\"}")),
	    VENUE_OK);
	ck_assert_uint_eq(rec.n, 2);
	ck_assert_int_eq(rec.up[0].u.ask, PX(2, 0));
	ck_assert_int_eq(rec.up[0].u.exch_ts, MS(1));
	ck_assert_int_eq(rec.up[1].u.ask, PX(3, 0));
	ck_assert_int_eq(rec.up[1].u.ask_size, QTY(2, 2));
	ck_assert_int_eq(rec.up[1].u.exch_ts, MS(2));
	ck_assert_uint_eq(p->updates, 2);
}
END_TEST

/* Once bbo-tbt runs, tickers (slower) no longer move the top of book. */
START_TEST(test_okx_tickers_yield_to_bbo)
{
	static const char tick[] = TICK("BTC-USDT-SWAP",
	    "{\"askPx\":\"10\",\"askSz\":\"1\",\"bidPx\":\"9\",\"bidSz\":\"1\","
	    "\"ts\":\"1\"}");

	ck_assert_int_eq(parse(tick), VENUE_OK);
	ck_assert_uint_eq(rec.n, 1);
	ck_assert_int_eq(parse(BBO("BTC-USDT-SWAP",
			     "{\"asks\":[],\"bids\":[],\"ts\":\"2\"}")),
	    VENUE_OK);
	ck_assert_int_eq(parse(tick), VENUE_IGNORED);
	ck_assert_uint_eq(rec.n, 0);
	/* Other instruments are not affected... */
	ck_assert_int_eq(
	    parse(TICK("ETH-USDT-SWAP",
		"{\"askPx\":\"10\",\"askSz\":\"1\",\"ts\":\"1\"}")),
	    VENUE_OK);
	/* ...and a reconnect forgets it. */
	venue_parser_reset(p);
	ck_assert_int_eq(parse(tick), VENUE_OK);
}
END_TEST

/*
 * bbo-tbt's seqId is not contiguous and may go back after a
 * maintenance: it is not checked, every push is taken.
 */
START_TEST(test_okx_seqid_not_checked)
{
	ck_assert_int_eq(parse(BBO("BTC-USDT-SWAP",
			     "{\"asks\":[],\"bids\":[],\"ts\":\"2\","
			     "\"seqId\":100}")),
	    VENUE_OK);
	ck_assert_int_eq(parse(BBO("BTC-USDT-SWAP",
			     "{\"asks\":[],\"bids\":[],\"ts\":\"3\","
			     "\"seqId\":7}")),
	    VENUE_OK);
	ck_assert_int_eq(parse(BBO("BTC-USDT-SWAP",
			     "{\"asks\":[],\"bids\":[],\"ts\":\"4\","
			     "\"seqId\":9000}")),
	    VENUE_OK);
	ck_assert_uint_eq(p->drops[VENUE_DROP_SEQUENCE], 0);
}
END_TEST

/* A drop in a later element keeps the earlier, good, ones. */
START_TEST(test_okx_bad_element_after_good)
{
	ck_assert_int_eq(parse(BBO("BTC-USDT-SWAP",
			     "{\"asks\":[],\"bids\":[],\"ts\":\"1\"},"
			     "{\"asks\":[[\"x\",\"1\"]],\"bids\":[]}")),
	    VENUE_DROPPED);
	ck_assert_uint_eq(rec.n, 1);
	ck_assert_str_eq(p->why, "bad price");
}
END_TEST

/* Every token budget overflow is a drop, not a crash. */
START_TEST(test_okx_too_many_tokens)
{
	size_t n = (size_t)3 * JSON_TOKENS, k;
	char *msg = tcheck_keep(malloc(n * 2 + 3));

	msg[0] = '[';
	for (k = 0; k < n; k++) {
		msg[1 + 2 * k] = '1';
		msg[2 + 2 * k] = ',';
	}
	msg[2 * n] = ']';
	msg[2 * n + 1] = '\0';
	ck_assert_int_eq(parse(msg), VENUE_DROPPED);
	ck_assert_uint_eq(p->drops[VENUE_DROP_JSON], 1);
}
END_TEST

/* Counters: messages, updates, ignored, drops. */
START_TEST(test_okx_counters)
{
	parse("pong");
	parse(BBO("BTC-USDT-SWAP", "{\"asks\":[],\"bids\":[],\"ts\":\"1\"}"));
	parse("{");
	ck_assert_uint_eq(p->msgs, 3);
	ck_assert_uint_eq(p->updates, 1);
	ck_assert_uint_eq(p->ignored, 1);
	ck_assert_uint_eq(p->drops[VENUE_DROP_JSON], 1);
}
END_TEST

/* -- subscribe and heartbeat -------------------------------------------- */

static struct {
	unsigned n;
	char *msg[256];
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
static char sym_buf[INST_MAX][32];

START_TEST(test_okx_subscribe_one)
{
	static const char *const syms[] = { "BTC-USDT-SWAP" };

	sym_list = syms;
	ck_assert_int_eq(venue_okx_subscribe_all(1, sym_cb, sent_cb, NULL), 1);
	ck_assert_uint_eq(sent.n, 1);
	ck_assert_str_eq(sent.msg[0],
	    "{\"id\":\"sub1\",\"op\":\"subscribe\",\"args\":["
	    "{\"channel\":\"bbo-tbt\",\"instId\":\"BTC-USDT-SWAP\"},"
	    "{\"channel\":\"funding-rate\",\"instId\":\"BTC-USDT-SWAP\"}]}");
}
END_TEST

START_TEST(test_okx_subscribe_none)
{
	ck_assert_int_eq(venue_okx_subscribe_all(0, sym_cb, sent_cb, NULL), 0);
	ck_assert_uint_eq(sent.n, 0);
}
END_TEST

/* OKX_INST_PER_REQ + 1 instruments: a full request, then one more. */
START_TEST(test_okx_subscribe_batches)
{
	const char *syms[OKX_INST_PER_REQ + 1];
	static char want[8192];
	size_t off;
	unsigned k;

	for (k = 0; k < nitems(syms); k++) {
		snprintf(sym_buf[k], sizeof sym_buf[k], "C%u-USDT-SWAP", k);
		syms[k] = sym_buf[k];
	}
	sym_list = syms;
	ck_assert_int_eq(venue_okx_subscribe_all(nitems(syms), sym_cb, sent_cb,
			     NULL),
	    OKX_INST_PER_REQ + 1);
	ck_assert_uint_eq(sent.n, 2);
	off = (size_t)snprintf(want, sizeof want,
	    "{\"id\":\"sub1\",\"op\":\"subscribe\",\"args\":[");
	for (k = 0; k < OKX_INST_PER_REQ; k++)
		off += (size_t)snprintf(want + off, sizeof want - off,
		    "%s{\"channel\":\"bbo-tbt\",\"instId\":\"C%u-USDT-SWAP\"},"
		    "{\"channel\":\"funding-rate\",\"instId\":\"C%u-USDT-SWAP\"}",
		    k > 0 ? "," : "", k, k);
	snprintf(want + off, sizeof want - off, "]}");
	ck_assert_str_eq(sent.msg[0], want);
	ck_assert_str_eq(sent.msg[1],
	    "{\"id\":\"sub2\",\"op\":\"subscribe\",\"args\":["
	    "{\"channel\":\"bbo-tbt\",\"instId\":\"C50-USDT-SWAP\"},"
	    "{\"channel\":\"funding-rate\",\"instId\":\"C50-USDT-SWAP\"}]}");
}
END_TEST

/* The largest connection: every request within OKX's 64 KiB of args. */
START_TEST(test_okx_subscribe_max)
{
	const char **syms;
	unsigned k, req = (INST_MAX + OKX_INST_PER_REQ - 1) / OKX_INST_PER_REQ;

	syms = tcheck_keep(calloc(INST_MAX, sizeof *syms));
	for (k = 0; k < INST_MAX; k++) {
		/* 28 characters, the longest symbol the config takes. */
		snprintf(sym_buf[k], sizeof sym_buf[k],
		    "ABCDEFGHIJKLMN%04u-USDT-SWAP", k);
		syms[k] = sym_buf[k];
	}
	sym_list = syms;
	ck_assert_uint_ge(req, 1);
	ck_assert_int_eq(venue_okx_subscribe_all(INST_MAX, sym_cb, sent_cb,
			     NULL),
	    INST_MAX);
	ck_assert_uint_eq(sent.n, req);
	ck_assert_uint_le(req, 480); /* requests an hour per connection */
	for (k = 0; k < sent.n; k++)
		ck_assert_uint_lt(strlen(sent.msg[k]), (size_t)64 * 1024);
}
END_TEST

/* A symbol that would break the JSON is never sent. */
START_TEST(test_okx_subscribe_skips_bad_symbols)
{
	static const char *const syms[] = { "A\"B", NULL, "C\\D", "",
		"ETH-USDT-SWAP" };

	sym_list = syms;
	ck_assert_int_eq(venue_okx_subscribe_all(nitems(syms), sym_cb, sent_cb,
			     NULL),
	    1);
	ck_assert_uint_eq(sent.n, 1);
	ck_assert_str_eq(sent.msg[0],
	    "{\"id\":\"sub1\",\"op\":\"subscribe\",\"args\":["
	    "{\"channel\":\"bbo-tbt\",\"instId\":\"ETH-USDT-SWAP\"},"
	    "{\"channel\":\"funding-rate\",\"instId\":\"ETH-USDT-SWAP\"}]}");
}
END_TEST

START_TEST(test_okx_subscribe_send_fails)
{
	const char *syms[OKX_INST_PER_REQ + 1];
	unsigned k;

	for (k = 0; k < nitems(syms); k++)
		syms[k] = "BTC-USDT-SWAP";
	sym_list = syms;
	sent.fail_at = 1;
	ck_assert_int_eq(venue_okx_subscribe_all(nitems(syms), sym_cb, sent_cb,
			     NULL),
	    -1);
	ck_assert_uint_eq(sent.n, 1); /* stops at the first failure */
	free(sent.msg[0]);
	memset(&sent, 0, sizeof sent);
	sent.fail_at = 2;
	ck_assert_int_eq(venue_okx_subscribe_all(nitems(syms), sym_cb, sent_cb,
			     NULL),
	    -1);
	ck_assert_uint_eq(sent.n, 2);
}
END_TEST

START_TEST(test_okx_ops)
{
	ck_assert_str_eq(venue_okx_ping_text, "ping");
	ck_assert_str_eq(venue_okx_ops.name, "okx");
	ck_assert_int_eq(venue_okx_ops.id, VENUE_OKX);
	ck_assert_uint_eq(venue_okx_ops.streams, 1);
	ck_assert_ptr_nonnull(venue_okx_ops.parse);
	ck_assert_ptr_nonnull(venue_okx_ops.subscribe);
	ck_assert_ptr_nonnull(venue_okx_ops.ping);
	/* OKX closes a connection with no traffic for 30 s. */
	ck_assert(venue_okx_ops.ping_interval > 0);
	ck_assert(venue_okx_ops.ping_interval < 30);
	ck_assert_int_eq(venue_okx_ops.wait_welcome, 0);
	ck_assert_ptr_null(venue_okx_ops.prepare_path);
	ck_assert_ptr_eq(venue_table[VENUE_OKX], &venue_okx_ops);
}
END_TEST

static Suite *
venue_okx_suite(void)
{
	Suite *s = suite_create("venue_okx");
	TCase *tc;

	tc = tcase_create("samples");
	tcase_add_checked_fixture(tc, setup_samples, teardown);
	tcase_add_loop_test(tc, test_okx_samples, 0, (int)nitems(sample_cases));
	tcase_add_test(tc, test_okx_samples_all_lines);
	suite_add_tcase(s, tc);

	tc = tcase_create("edge");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_okx_edge, 0, (int)nitems(edge_cases));
	tcase_add_test(tc, test_okx_data_elements);
	tcase_add_test(tc, test_okx_tickers_yield_to_bbo);
	tcase_add_test(tc, test_okx_seqid_not_checked);
	tcase_add_test(tc, test_okx_bad_element_after_good);
	tcase_add_test(tc, test_okx_too_many_tokens);
	tcase_add_test(tc, test_okx_counters);
	suite_add_tcase(s, tc);

	tc = tcase_create("subscribe");
	tcase_add_checked_fixture(tc, sub_setup, sub_teardown);
	tcase_add_test(tc, test_okx_subscribe_one);
	tcase_add_test(tc, test_okx_subscribe_none);
	tcase_add_test(tc, test_okx_subscribe_batches);
	tcase_add_test(tc, test_okx_subscribe_max);
	tcase_add_test(tc, test_okx_subscribe_skips_bad_symbols);
	tcase_add_test(tc, test_okx_subscribe_send_fails);
	tcase_add_test(tc, test_okx_ops);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	return (tcheck_run(venue_okx_suite()));
}
