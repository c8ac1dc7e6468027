/*
 * Tests of the Binance USD-M adapter: every line of the recorded samples
 * (tests/data/decode/binance.jsonl) with its exact result, the edge
 * cases of the protocol notes (the combined-stream wrapper and its
 * arrays, extra keys, numbers as strings or JSON numbers, lower-case
 * symbols, 1000PEPE price units, empty sides, error replies in both
 * shapes, malformed and truncated frames, unknown symbols), the funding
 * interval learnt from the next funding time, the SUBSCRIBE requests of
 * both streams byte for byte (batched by names, by bytes, capped per
 * connection), and the ops table.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "xarb.h"
#include "config.h"
#include "json.h"
#include "symbols.h"
#include "tcheck.h"
#include "venue.h"
#include "venue_binance_internal.h"

extern const struct venue_ops venue_binance_ops;

#define BTC 0
#define ETH 1
#define SUSHI 2
#define PEPE 3
#define REC_MAX 4
#define DROP_NONE (-1)

/* The expected updates of one message, as an array. */
#define UPS(...) ((const struct venue_update[]){ __VA_ARGS__ })

#define QU_BOOK (QU_TOP | QU_EXCH_TS)
#define QU_MARK (QU_FUNDING | QU_FUNDING_MIN | QU_NEXT_FUNDING | QU_EXCH_TS)

static struct config *cfg;
static struct symbols *sy;
static struct venue_parser *p;
static unsigned nrec;
static struct venue_update rec[REC_MAX];

static void
rec_emit(struct venue_parser *vp, const struct venue_update *up)
{
	(void)vp;
	ck_assert_uint_lt(nrec, REC_MAX);
	rec[nrec++] = *up;
}

static void
setup(void)
{
	char *cause = NULL;

	cfg = config_new();
	ck_assert_int_eq(config_set(cfg, "instruments", "symbols",
			     "BTC ETH SUSHI PEPE", &cause),
	    0);
	sy = symbols_new(cfg, &cause);
	ck_assert_msg(sy != NULL, "%s", cause != NULL ? cause : "?");
	p = malloc(sizeof *p);
	ck_assert_ptr_nonnull(p);
	venue_parser_init(p, VENUE_BINANCE, BINANCE_STREAM_BOOK, sy, rec_emit,
	    NULL);
	nrec = 0;
}

static void
teardown(void)
{
	venue_parser_fini(p);
	free(p);
	symbols_free(sy);
	config_free(cfg);
	tcheck_free_kept();
}

/* What one message must give: a result, a drop and why, the updates. */
struct want {
	const char *msg; /* NULL in the sample table: the file's line */
	enum venue_result r;
	int drop; /* VENUE_DROP_*, or DROP_NONE */
	const char *why;
	unsigned n;
	const struct venue_update *up; /* n of them */
};

static void
check_update(const struct venue_update *got, const struct venue_update *w,
    const char *label)
{
	ck_assert_msg(got->inst == w->inst, "%s: inst %u, want %u", label,
	    got->inst, w->inst);
	ck_assert_msg(got->u.mask == w->u.mask, "%s: mask %#x, want %#x", label,
	    got->u.mask, w->u.mask);
	ck_assert_msg(got->u.bid == w->u.bid, "%s: bid %lld", label,
	    (long long)got->u.bid);
	ck_assert_msg(got->u.ask == w->u.ask, "%s: ask %lld", label,
	    (long long)got->u.ask);
	ck_assert_msg(got->u.bid_size == w->u.bid_size, "%s: bid_size %lld",
	    label, (long long)got->u.bid_size);
	ck_assert_msg(got->u.ask_size == w->u.ask_size, "%s: ask_size %lld",
	    label, (long long)got->u.ask_size);
	ck_assert_msg(got->u.funding == w->u.funding, "%s: funding %lld", label,
	    (long long)got->u.funding);
	ck_assert_msg(got->u.funding_min == w->u.funding_min,
	    "%s: funding_min %u", label, got->u.funding_min);
	ck_assert_msg(got->u.next_funding_ms == w->u.next_funding_ms,
	    "%s: next_funding_ms %lld", label,
	    (long long)got->u.next_funding_ms);
	ck_assert_msg(got->u.exch_ts == w->u.exch_ts, "%s: exch_ts %lld", label,
	    (long long)got->u.exch_ts);
	ck_assert_msg(got->u.flags == w->u.flags, "%s: flags %#x", label,
	    got->u.flags);
	ck_assert_msg(got->u.state == w->u.state, "%s: state %u", label,
	    got->u.state);
}

/* Parses msg[0..len) and checks everything w says. */
static void
check_msg(const char *msg, size_t len, const struct want *w, const char *label)
{
	uint64_t before[VENUE_DROP_COUNT];
	enum venue_result r;
	unsigned d, k;

	memcpy(before, p->drops, sizeof before);
	nrec = 0;
	p->why[0] = '\0';
	r = venue_parse(p, msg, len, 1);
	ck_assert_msg(r == w->r, "%s: result %d, want %d (%s)", label, r, w->r,
	    p->why);
	for (d = 0; d < VENUE_DROP_COUNT; d++)
		ck_assert_msg(p->drops[d] - before[d] ==
			(w->drop == (int)d ? 1u : 0u),
		    "%s: drop %s counted %llu times", label, venue_drop_key(d),
		    (unsigned long long)(p->drops[d] - before[d]));
	if (w->why != NULL)
		ck_assert_msg(strcmp(p->why, w->why) == 0,
		    "%s: why \"%s\", want \"%s\"", label, p->why, w->why);
	ck_assert_msg(nrec == w->n, "%s: %u updates, want %u", label, nrec,
	    w->n);
	for (k = 0; k < nrec; k++)
		check_update(&rec[k], &w->up[k], label);
}

static void
check_str(const char *msg, const struct want *w, const char *label)
{
	check_msg(msg, strlen(msg), w, label);
}

/* -- the recorded samples ------------------------------------------- */

/* SUSHIUSDT's book in the samples, bare or wrapped. */
static const struct venue_update sushi_book[] = {
	{ SUSHI,
	    { .mask = QU_BOOK,
		.bid = INT64_C(76110000000),
		.ask = INT64_C(76120000000),
		.bid_size = INT64_C(200000000),
		.ask_size = INT64_C(29700000000),
		.exch_ts = INT64_C(1626992741012000000) } },
};

static const struct want sample_wants[] = {
	/* 1: SUBSCRIBE ack */
	{ NULL, VENUE_IGNORED, DROP_NONE, NULL, 0, NULL },
	/* 2: sushiusdt@bookTicker, combined wrapper; ts is T */
	{ NULL, VENUE_OK, DROP_NONE, NULL, 1, sushi_book },
	/* 3: the same event bare (/ws) */
	{ NULL, VENUE_OK, DROP_NONE, NULL, 1, sushi_book },
	/* 4: btcusdt@bookTicker */
	{ NULL, VENUE_OK, DROP_NONE, NULL, 1,
	    UPS({ BTC,
		{ .mask = QU_BOOK,
		    .bid = INT64_C(331344200000000),
		    .ask = INT64_C(331393900000000),
		    .bid_size = 17000000,
		    .ask_size = 38000000,
		    .exch_ts = INT64_C(1612137603568000000) } }) },
	/* 5: ethusdt@bookTicker */
	{ NULL, VENUE_OK, DROP_NONE, NULL, 1,
	    UPS({ ETH,
		{ .mask = QU_BOOK,
		    .bid = INT64_C(17785400000000),
		    .ask = INT64_C(17785500000000),
		    .bid_size = 1516400000,
		    .ask_size = 728900000,
		    .exch_ts = INT64_C(1653817855284000000) } }) },
	/* 6: btcusdt@markPrice@1s: r 0.00015640, T next funding, E */
	{ NULL, VENUE_OK, DROP_NONE, NULL, 1,
	    UPS({ BTC,
		{ .mask = QU_MARK,
		    .funding = 156400,
		    .funding_min = 480,
		    .next_funding_ms = INT64_C(1597564800000),
		    .exch_ts = INT64_C(1597536008000000000) } }) },
	/* 7: btcusdt@markPrice (3 s); T moved 228 days: not a step */
	{ NULL, VENUE_OK, DROP_NONE, NULL, 1,
	    UPS({ BTC,
		{ .mask = QU_MARK,
		    .funding = 584550,
		    .funding_min = 480,
		    .next_funding_ms = INT64_C(1617321600000),
		    .exch_ts = INT64_C(1617308820003000000) } }) },
	/* 8: !markPrice@arr, two elements */
	{ NULL, VENUE_OK, DROP_NONE, NULL, 2,
	    UPS({ BTC,
		    { .mask = QU_MARK,
			.funding = 589590,
			.funding_min = 480,
			.next_funding_ms = INT64_C(1617321600000),
			.exch_ts = INT64_C(1617309024002000000) } },
		{ ETH,
		    { .mask = QU_MARK,
			.funding = 591420,
			.funding_min = 480,
			.next_funding_ms = INT64_C(1617321600000),
			.exch_ts = INT64_C(1617309024002000000) } }) },
	/* 9: markPriceUpdate bare (doc example); T went back */
	{ NULL, VENUE_OK, DROP_NONE, NULL, 1,
	    UPS({ BTC,
		{ .mask = QU_MARK,
		    .funding = 381670,
		    .funding_min = 480,
		    .next_funding_ms = INT64_C(1562306400000),
		    .exch_ts = INT64_C(1562305380000000000) } }) },
	/* 10: a WebSocket API order.place answer: not market data */
	{ NULL, VENUE_IGNORED, DROP_NONE, NULL, 0, NULL },
	/* 11: its error answer */
	{ NULL, VENUE_DROPPED, VENUE_DROP_ERROR,
	    "Mandatory parameter 'quantity' was not sent, was empty/null, "
	    "or malformed. (code -1102)",
	    0, NULL },
};

START_TEST(test_venue_binance_samples)
{
	char *path, *text, *line, *nl, label[32];
	unsigned n = 0;

	path = tcheck_asprintf("%s/tests/data/decode/binance.jsonl",
	    tcheck_srcdir());
	text = tcheck_keep(tcheck_read(path));
	ck_assert_msg(text != NULL, "cannot read %s", path);
	for (line = text; *line != '\0'; line = nl + 1) {
		nl = strchr(line, '\n');
		ck_assert_ptr_nonnull(nl);
		ck_assert_uint_lt(n, nitems(sample_wants));
		snprintf(label, sizeof label, "binance.jsonl:%u", n + 1);
		check_msg(line, (size_t)(nl - line), &sample_wants[n], label);
		n++;
	}
	ck_assert_uint_eq(n, nitems(sample_wants));
	ck_assert_uint_eq(p->msgs, 11);
	ck_assert_uint_eq(p->ignored, 2);
	ck_assert_uint_eq(p->updates, 9);
}
END_TEST

/* -- edge cases ------------------------------------------------------ */

#define BOOK(s, rest)                                                          \
	"{\"e\":\"bookTicker\",\"u\":600859600576,\"s\":\"" s "\"," rest "}"
#define SIDES "\"b\":\"7.6110\",\"B\":\"2\",\"a\":\"7.6120\",\"A\":\"297\""
#define TIMES ",\"T\":1626992741012,\"E\":1626992741017"
#define MARK(s, rest)                                                          \
	"{\"e\":\"markPriceUpdate\",\"E\":1617308820003,\"s\":\"" s "\","      \
	"\"p\":\"58940.14924532\"," rest "}"

static const struct want edge_wants[] = {
	/* Keys the official examples lack (st, ps), keys in any order. */
	{ "{\"st\":0,\"A\":\"297\",\"a\":\"7.6120\",\"ps\":\"SUSHIUSDT\","
	  "\"E\":1626992741017,\"B\":\"2\",\"T\":1626992741012,\"b\":"
	  "\"7.6110\",\"s\":\"SUSHIUSDT\",\"u\":600859600576,\"e\":"
	  "\"bookTicker\",\"x\":{\"e\":\"markPriceUpdate\"}}",
	    VENUE_OK, DROP_NONE, NULL, 1, sushi_book },
	/* Numbers as JSON numbers, T as a string; lower-case symbol. */
	{ BOOK("sushiusdt",
	      "\"b\":7.611,\"B\":2,\"a\":7.612e0,\"A\":297.000,"
	      "\"T\":\"1626992741012\""),
	    VENUE_OK, DROP_NONE, NULL, 1, sushi_book },
	/* Without T, E is the time; without either, no time. */
	{ BOOK("SUSHIUSDT", SIDES ",\"E\":1626992741012"), VENUE_OK, DROP_NONE,
	    NULL, 1, sushi_book },
	{ BOOK("SUSHIUSDT", SIDES), VENUE_OK, DROP_NONE, NULL, 1,
	    UPS({ SUSHI,
		{ .mask = QU_TOP,
		    .bid = INT64_C(76110000000),
		    .ask = INT64_C(76120000000),
		    .bid_size = INT64_C(200000000),
		    .ask_size = INT64_C(29700000000) } }) },
	/* An empty side is zeros. */
	{ BOOK("SUSHIUSDT",
	      "\"b\":\"0.0000\",\"B\":\"0\","
	      "\"a\":\"7.6120\",\"A\":\"297\"" TIMES),
	    VENUE_OK, DROP_NONE, NULL, 1,
	    UPS({ SUSHI,
		{ .mask = QU_BOOK,
		    .ask = INT64_C(76120000000),
		    .ask_size = INT64_C(29700000000),
		    .exch_ts = INT64_C(1626992741012000000) } }) },
	/* 1000PEPEUSDT: price per 1000 coins, size in 1000-coin units. */
	{ BOOK("1000PEPEUSDT",
	      "\"b\":\"0.0123450\",\"B\":\"1000\",\"a\":\"0.0123460\","
	      "\"A\":\"2.5\"" TIMES),
	    VENUE_OK, DROP_NONE, NULL, 1,
	    UPS({ PEPE,
		{ .mask = QU_BOOK,
		    .bid = 123450,
		    .ask = 123460,
		    .bid_size = INT64_C(100000000000000),
		    .ask_size = INT64_C(250000000000),
		    .exch_ts = INT64_C(1626992741012000000) } }) },
	/* The plain symbol is not Binance's for PEPE. */
	{ BOOK("PEPEUSDT", SIDES TIMES), VENUE_DROPPED, VENUE_DROP_SYMBOL,
	    "symbol PEPEUSDT is not traded", 0, NULL },
	/* Symbols we do not trade: another coin, coin-margined, dated. */
	{ BOOK("XRPUSDT", SIDES TIMES), VENUE_DROPPED, VENUE_DROP_SYMBOL,
	    "symbol XRPUSDT is not traded", 0, NULL },
	{ BOOK("BTCUSD_PERP", SIDES TIMES), VENUE_DROPPED, VENUE_DROP_SYMBOL,
	    "symbol BTCUSD_PERP is not traded", 0, NULL },
	{ MARK("BTCUSDT_250627", "\"r\":\"\",\"T\":0"), VENUE_DROPPED,
	    VENUE_DROP_SYMBOL, "symbol BTCUSDT_250627 is not traded", 0, NULL },
	/* Missing and mistyped fields. */
	{ "{\"e\":\"bookTicker\"," SIDES TIMES "}", VENUE_DROPPED,
	    VENUE_DROP_SHAPE, "no symbol", 0, NULL },
	{ BOOK("SUSHIUSDT",
	      "\"b\":\"7.6110\",\"B\":\"2\",\"a\":\"7.6120\"" TIMES),
	    VENUE_DROPPED, VENUE_DROP_NUMBER, "bad size", 0, NULL },
	{ BOOK("SUSHIUSDT",
	      "\"b\":null,\"B\":\"2\",\"a\":\"7.6120\",\"A\":\"297\"" TIMES),
	    VENUE_DROPPED, VENUE_DROP_NUMBER, "bad price", 0, NULL },
	{ BOOK("SUSHIUSDT",
	      "\"b\":[\"7.6110\"],\"B\":\"2\","
	      "\"a\":\"7.6120\",\"A\":\"297\"" TIMES),
	    VENUE_DROPPED, VENUE_DROP_NUMBER, "bad price", 0, NULL },
	{ BOOK("SUSHIUSDT",
	      "\"b\":\"7.6110\",\"B\":\"-2\","
	      "\"a\":\"7.6120\",\"A\":\"297\"" TIMES),
	    VENUE_DROPPED, VENUE_DROP_NUMBER, "bad size", 0, NULL },
	{ BOOK("SUSHIUSDT", SIDES ",\"T\":\"soon\""), VENUE_DROPPED,
	    VENUE_DROP_NUMBER, "bad book time", 0, NULL },
	{ BOOK("SUSHIUSDT", SIDES ",\"T\":1626992741012000000"), VENUE_DROPPED,
	    VENUE_DROP_NUMBER, "bad book time", 0, NULL },
	/* Funding: dated futures send r "" (no funding); T 0 is unknown. */
	{ MARK("BTCUSDT", "\"r\":\"\",\"T\":0"), VENUE_IGNORED, DROP_NONE, NULL,
	    0, NULL },
	{ MARK("BTCUSDT", "\"r\":\"-0.00010000\",\"T\":0"), VENUE_OK, DROP_NONE,
	    NULL, 1,
	    UPS({ BTC,
		{ .mask = QU_FUNDING | QU_FUNDING_MIN | QU_EXCH_TS,
		    .funding = -100000,
		    .funding_min = 480,
		    .exch_ts = INT64_C(1617308820003000000) } }) },
	{ MARK("btcusdt",
	      "\"r\":0.0003,\"T\":\"1617321600000\",\"st\":1,"
	      "\"ps\":\"BTCUSDT\""),
	    VENUE_OK, DROP_NONE, NULL, 1,
	    UPS({ BTC,
		{ .mask = QU_MARK,
		    .funding = 300000,
		    .funding_min = 480,
		    .next_funding_ms = INT64_C(1617321600000),
		    .exch_ts = INT64_C(1617308820003000000) } }) },
	{ MARK("BTCUSDT", "\"T\":1617321600000"), VENUE_DROPPED,
	    VENUE_DROP_SHAPE, "markPrice without r", 0, NULL },
	{ MARK("BTCUSDT", "\"r\":\"high\",\"T\":1617321600000"), VENUE_DROPPED,
	    VENUE_DROP_NUMBER, "bad funding rate", 0, NULL },
	{ MARK("BTCUSDT", "\"r\":\"0.0001\",\"T\":-5"), VENUE_DROPPED,
	    VENUE_DROP_NUMBER, "bad next funding time", 0, NULL },
	{ "{\"e\":\"markPriceUpdate\",\"s\":\"BTCUSDT\",\"r\":\"0.0001\","
	  "\"T\":1617321600000}",
	    VENUE_DROPPED, VENUE_DROP_NUMBER, "bad event time", 0, NULL },
	/* Arrays: untraded symbols skipped silently, bad elements not. */
	{ "{\"stream\":\"!markPrice@arr@1s\",\"data\":[" MARK("XRPUSDT",
	      "\"r\":\"0.0001\",\"T\":1617321600000") "," MARK("ETHUSDT",
	      "\"r\":\"0.0002\",\"T\":1617321600000") "]}",
	    VENUE_OK, DROP_NONE, NULL, 1,
	    UPS({ ETH,
		{ .mask = QU_MARK,
		    .funding = 200000,
		    .funding_min = 480,
		    .next_funding_ms = INT64_C(1617321600000),
		    .exch_ts = INT64_C(1617308820003000000) } }) },
	{ "{\"stream\":\"!markPrice@arr\",\"data\":[" MARK("XRPUSDT",
	      "\"r\":\"0.0001\",\"T\":1617321600000") "]}",
	    VENUE_DROPPED, VENUE_DROP_SYMBOL,
	    "no traded symbol in the markPrice array", 0, NULL },
	{ "{\"stream\":\"!markPrice@arr\",\"data\":[]}", VENUE_DROPPED,
	    VENUE_DROP_SYMBOL, "no traded symbol in the markPrice array", 0,
	    NULL },
	{ "{\"stream\":\"!markPrice@arr\",\"data\":[" MARK("XRPUSDT",
	      "\"r\":\"0.0001\",\"T\":1617321600000") ",42]}",
	    VENUE_DROPPED, VENUE_DROP_SHAPE,
	    "markPrice array element 1 is not an update", 0, NULL },
	{ "{\"stream\":\"!markPrice@arr\",\"data\":[" MARK("ETHUSDT",
	      "\"r\":\"x\",\"T\":1617321600000") "]}",
	    VENUE_DROPPED, VENUE_DROP_NUMBER, "bad funding rate", 0, NULL },
	/* Wrappers that are not. */
	{ "{\"stream\":\"btcusdt@bookTicker\",\"data\":\"x\"}", VENUE_DROPPED,
	    VENUE_DROP_SHAPE, "stream without data", 0, NULL },
	{ "{\"stream\":\"btcusdt@bookTicker\"}", VENUE_DROPPED,
	    VENUE_DROP_SHAPE, "stream without data", 0, NULL },
	{ "{\"stream\":\"btcusdt@bookTicker\",\"data\":{\"s\":\"BTCUSDT\"}}",
	    VENUE_DROPPED, VENUE_DROP_SHAPE, "no event type", 0, NULL },
	/* Events we did not ask for. */
	{ "{\"e\":\"aggTrade\",\"E\":1,\"s\":\"BTCUSDT\",\"p\":\"1\"}",
	    VENUE_IGNORED, DROP_NONE, NULL, 0, NULL },
	{ "{\"stream\":\"btcusdt@aggTrade\",\"data\":{\"e\":\"aggTrade\"}}",
	    VENUE_IGNORED, DROP_NONE, NULL, 0, NULL },
	/* Answers: acks and lists ignored, errors in both shapes. */
	{ "{\"result\":[\"btcusdt@bookTicker\"],\"id\":3}", VENUE_IGNORED,
	    DROP_NONE, NULL, 0, NULL },
	{ "{\"result\":null,\"id\":\"sub-1\"}", VENUE_IGNORED, DROP_NONE, NULL,
	    0, NULL },
	{ "{\"code\":2,\"msg\":\"Invalid request: too many parameters\"}",
	    VENUE_DROPPED, VENUE_DROP_ERROR,
	    "Invalid request: too many parameters (code 2)", 0, NULL },
	{ "{\"error\":{\"code\":4,\"msg\":\"Too many subscriptions\"},"
	  "\"id\":19}",
	    VENUE_DROPPED, VENUE_DROP_ERROR, "Too many subscriptions (code 4)",
	    0, NULL },
	{ "{\"error\":{},\"id\":1}", VENUE_DROPPED, VENUE_DROP_ERROR,
	    "? (code 0)", 0, NULL },
	{ "{\"id\":5}", VENUE_DROPPED, VENUE_DROP_SHAPE, "no event type", 0,
	    NULL },
	/* Not JSON, truncated, empty, not an object. */
	{ "ping", VENUE_DROPPED, VENUE_DROP_JSON, "not JSON", 0, NULL },
	{ BOOK("SUSHIUSDT", "\"b\":\"7.6"), VENUE_DROPPED, VENUE_DROP_JSON,
	    "truncated JSON", 0, NULL },
	{ "", VENUE_DROPPED, VENUE_DROP_JSON, "empty message", 0, NULL },
	{ "[{\"e\":\"bookTicker\"}]", VENUE_DROPPED, VENUE_DROP_SHAPE,
	    "not an object", 0, NULL },
};

START_TEST(test_venue_binance_edge_cases)
{
	char label[32];

	snprintf(label, sizeof label, "edge case %d", _i);
	check_str(edge_wants[_i].msg, &edge_wants[_i], label);
}
END_TEST

/* Frames wider than a line: nothing past len is read. */
START_TEST(test_venue_binance_reads_only_len)
{
	static const char msg[] = BOOK("SUSHIUSDT", SIDES TIMES) "trailing";
	const struct want w = { NULL, VENUE_OK, DROP_NONE, NULL, 1,
		sushi_book };
	size_t len = sizeof msg - sizeof "trailing";
	char *copy = tcheck_keep(malloc(len));

	memcpy(copy, msg, len);
	check_msg(copy, len, &w, "exact length");
}
END_TEST

/* -- the funding interval -------------------------------------------- */

/* One markPrice of BTC with next funding time t: its funding_min. */
static uint32_t
interval_after(int64_t t)
{
	char *msg =
	    tcheck_asprintf(MARK("BTCUSDT", "\"r\":\"0.0001\",\"T\":%lld"),
		(long long)t);

	nrec = 0;
	ck_assert_int_eq(venue_parse(p, msg, strlen(msg), 1), VENUE_OK);
	ck_assert_uint_eq(nrec, 1);
	ck_assert_uint_eq(rec[0].u.mask, QU_MARK);
	ck_assert_int_eq(rec[0].u.next_funding_ms, t);
	return (rec[0].u.funding_min);
}

#define H INT64_C(3600000)
#define T0 INT64_C(1767225600000) /* 2026-01-01 00:00 UTC */

/* 8 h until a settlement shows the real step; kept until a reset. */
START_TEST(test_venue_binance_interval_learnt)
{
	ck_assert_uint_eq(interval_after(T0), 480);
	ck_assert_uint_eq(interval_after(T0), 480);
	ck_assert_uint_eq(interval_after(T0 + 4 * H), 240);
	ck_assert_uint_eq(interval_after(T0 + 4 * H), 240);
	ck_assert_uint_eq(interval_after(T0 + 5 * H), 60);
	ck_assert_uint_eq(interval_after(T0 + 5 * H), 60);
	/* A reconnect forgets it: back to the default. */
	venue_parser_reset(p);
	ck_assert_uint_eq(interval_after(T0 + 5 * H), 480);
	ck_assert_uint_eq(interval_after(T0 + 13 * H), 480);
}
END_TEST

/* Steps that are not an interval: kept as they were. */
START_TEST(test_venue_binance_interval_ignores_odd_steps)
{
	ck_assert_uint_eq(interval_after(T0), 480);
	ck_assert_uint_eq(interval_after(T0 + 2 * H), 120);
	ck_assert_uint_eq(interval_after(T0 + 2 * H + 1800000), 120);
	ck_assert_uint_eq(interval_after(T0 + 2 * H), 120);  /* back */
	ck_assert_uint_eq(interval_after(T0 + 50 * H), 120); /* 48 h */
	ck_assert_uint_eq(interval_after(T0 + 58 * H), 480);
}
END_TEST

/* Each instrument learns its own. */
START_TEST(test_venue_binance_interval_per_instrument)
{
	const char *eth =
	    MARK("ETHUSDT", "\"r\":\"0.0001\",\"T\":1767225600000");

	ck_assert_uint_eq(interval_after(T0), 480);
	ck_assert_uint_eq(interval_after(T0 + H), 60);
	nrec = 0;
	ck_assert_int_eq(venue_parse(p, eth, strlen(eth), 1), VENUE_OK);
	ck_assert_uint_eq(rec[0].inst, ETH);
	ck_assert_uint_eq(rec[0].u.funding_min, 480);
}
END_TEST

/* -- subscribe ------------------------------------------------------- */

#define REQ_MAX 8
#define SYMS_MAX 1100

typedef char req_buf[BINANCE_REQ_BYTES + 1];

static req_buf reqs[REQ_MAX];
static char symbuf[SYMS_MAX][16];
static const char *syms_made[SYMS_MAX];

static const char *
sym_of(const void *arg, unsigned k)
{
	return (((const char *const *)arg)[k]);
}

static void
sub_init(struct binance_sub *s, unsigned stream, const char *const *syms,
    unsigned n)
{
	memset(s, 0, sizeof *s);
	s->stream = stream;
	s->n = n;
	s->sym = sym_of;
	s->arg = syms;
}

/* n symbols from fmt (one %u), in static storage. */
static const char *const *
syms_make(const char *fmt, unsigned n)
{
	unsigned k;

	ck_assert_uint_le(n, SYMS_MAX);
	for (k = 0; k < n; k++) {
		snprintf(symbuf[k], sizeof symbuf[k], fmt, k);
		syms_made[k] = symbuf[k];
	}
	return (syms_made);
}

/* Every request for syms[0..n), into reqs[]; returns their number. */
static unsigned
sub_all(unsigned stream, const char *const *syms, unsigned n)
{
	struct binance_sub s;
	unsigned nreq = 0;
	int w;

	sub_init(&s, stream, syms, n);
	for (;;) {
		ck_assert_uint_lt(nreq, REQ_MAX);
		if ((w = binance_sub_next(&s, reqs[nreq], sizeof reqs[0])) <= 0)
			break;
		ck_assert_uint_eq(strlen(reqs[nreq]), (size_t)w);
		ck_assert_uint_le((size_t)w, BINANCE_REQ_BYTES);
		nreq++;
	}
	ck_assert_int_eq(w, 0);
	return (nreq);
}

START_TEST(test_venue_binance_subscribe_one)
{
	static const char *const syms[] = { "BTCUSDT" };

	ck_assert_uint_eq(sub_all(BINANCE_STREAM_BOOK, syms, 1), 1);
	ck_assert_str_eq(reqs[0],
	    "{\"method\":\"SUBSCRIBE\",\"params\":[\"btcusdt@bookTicker\"],"
	    "\"id\":1}");
	ck_assert_uint_eq(sub_all(BINANCE_STREAM_MARKET, syms, 1), 1);
	ck_assert_str_eq(reqs[0],
	    "{\"method\":\"SUBSCRIBE\",\"params\":[\"btcusdt@markPrice@1s\"],"
	    "\"id\":1}");
}
END_TEST

START_TEST(test_venue_binance_subscribe_few)
{
	static const char *const syms[] = { "BTCUSDT", "ETHUSDT",
		"1000PEPEUSDT" };

	ck_assert_uint_eq(sub_all(BINANCE_STREAM_BOOK, syms, 3), 1);
	ck_assert_str_eq(reqs[0],
	    "{\"method\":\"SUBSCRIBE\",\"params\":[\"btcusdt@bookTicker\","
	    "\"ethusdt@bookTicker\",\"1000pepeusdt@bookTicker\"],\"id\":1}");
	ck_assert_uint_eq(sub_all(BINANCE_STREAM_MARKET, syms, 3), 1);
	ck_assert_str_eq(reqs[0],
	    "{\"method\":\"SUBSCRIBE\",\"params\":[\"btcusdt@markPrice@1s\","
	    "\"ethusdt@markPrice@1s\",\"1000pepeusdt@markPrice@1s\"],"
	    "\"id\":1}");
	ck_assert_uint_eq(sub_all(BINANCE_STREAM_BOOK, syms, 0), 0);
}
END_TEST

/* 201 short names: 200 in the first request, one in the second. */
START_TEST(test_venue_binance_subscribe_batches_by_names)
{
	static req_buf want;
	unsigned k;
	size_t off;

	ck_assert_uint_eq(sub_all(BINANCE_STREAM_BOOK, syms_make("X%u", 201),
			      201),
	    2);
	off = (size_t)snprintf(want, sizeof want, "%s",
	    "{\"method\":\"SUBSCRIBE\",\"params\":[");
	for (k = 0; k < 200; k++)
		off += (size_t)snprintf(want + off, sizeof want - off,
		    "%s\"x%u@bookTicker\"", k > 0 ? "," : "", k);
	snprintf(want + off, sizeof want - off, "],\"id\":1}");
	ck_assert_str_eq(reqs[0], want);
	ck_assert_str_eq(reqs[1],
	    "{\"method\":\"SUBSCRIBE\",\"params\":[\"x200@bookTicker\"],"
	    "\"id\":2}");
}
END_TEST

/*
 * Long names fill 4000 bytes before 200 names: 9-character symbols make
 * 20-character names, 23 bytes each with quotes and comma, so a request
 * holds 32 + 22 + 170 * 23 + 9 = 3973 bytes, 171 names; one more would
 * pass 4000 (with room kept for a 10-digit id).
 */
START_TEST(test_venue_binance_subscribe_batches_by_bytes)
{
	struct json_doc *d = tcheck_keep(malloc(sizeof *d));
	char name[32], tail[32];
	unsigned n, k, total = 0, r;
	int params;

	n = sub_all(BINANCE_STREAM_BOOK, syms_make("S%03uXUSDT", 400), 400);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(strlen(reqs[0]), 3973);
	for (r = 0; r < n; r++) {
		ck_assert_int_eq(json_parse(d, reqs[r], strlen(reqs[r])),
		    JSON_OK);
		ck_assert(json_eq(d, json_find(d, 0, "method"), "SUBSCRIBE"));
		params = json_find(d, 0, "params");
		ck_assert_int_eq(json_size(d, params), r < 2 ? 171 : 58);
		for (k = 0; k < (unsigned)json_size(d, params); k++, total++) {
			snprintf(name, sizeof name, "s%03uxusdt@bookTicker",
			    total);
			ck_assert(json_eq(d, json_index(d, params, (int)k),
			    name));
		}
		snprintf(tail, sizeof tail, "],\"id\":%u}", r + 1);
		ck_assert_str_eq(strstr(reqs[r], "],\"id\":"), tail);
	}
	ck_assert_uint_eq(total, 400);
}
END_TEST

/* 1024 streams fill a connection: the rest are not requested. */
START_TEST(test_venue_binance_subscribe_connection_cap)
{
	unsigned n, k, names = 0;
	const char *c;

	n = sub_all(BINANCE_STREAM_MARKET, syms_make("C%u", 1100), 1100);
	ck_assert_uint_eq(n, 6);
	for (k = 0; k < n; k++)
		for (c = reqs[k]; (c = strstr(c, "@markPrice@1s")) != NULL; c++)
			names++;
	ck_assert_uint_eq(names, BINANCE_CONN_STREAMS);
	ck_assert_ptr_nonnull(strstr(reqs[5], "\"c1023@markPrice@1s\"]"));
	ck_assert_ptr_null(strstr(reqs[5], "c1024@"));
}
END_TEST

/* A symbol that would break the JSON is skipped. */
START_TEST(test_venue_binance_subscribe_skips_bad_symbol)
{
	static const char *const syms[] = { "BAD\"USDT", NULL, "", "TAB\tUSDT",
		"ETHUSDT" };

	ck_assert_uint_eq(sub_all(BINANCE_STREAM_BOOK, syms, 5), 1);
	ck_assert_str_eq(reqs[0],
	    "{\"method\":\"SUBSCRIBE\",\"params\":[\"ethusdt@bookTicker\"],"
	    "\"id\":1}");
	ck_assert_uint_eq(sub_all(BINANCE_STREAM_BOOK, syms, 4), 0);
}
END_TEST

START_TEST(test_venue_binance_subscribe_small_buffer)
{
	static const char *const syms[] = { "BTCUSDT" };
	struct binance_sub s;
	char buf[80];

	sub_init(&s, BINANCE_STREAM_BOOK, syms, 1);
	ck_assert_int_eq(binance_sub_next(&s, buf, 40), -1);
	ck_assert_int_eq(binance_sub_next(&s, buf, 0), -1);
	/* 61 bytes, but room is kept for a 10-digit id and the NUL. */
	ck_assert_int_eq(binance_sub_next(&s, buf, 70), -1);
	ck_assert_int_eq(binance_sub_next(&s, buf, 71), 61);
	ck_assert_str_eq(buf,
	    "{\"method\":\"SUBSCRIBE\",\"params\":[\"btcusdt@bookTicker\"],"
	    "\"id\":1}");
	ck_assert_int_eq(binance_sub_next(&s, buf, sizeof buf), 0);
}
END_TEST

/* Two streams, the server pings, no token. */
START_TEST(test_venue_binance_ops)
{
	const struct venue_ops *o = &venue_binance_ops;

	ck_assert_ptr_eq(venue_table[VENUE_BINANCE], o);
	ck_assert_str_eq(o->name, "binance");
	ck_assert_int_eq(o->id, VENUE_BINANCE);
	ck_assert_uint_eq(o->streams, 2);
	ck_assert_ptr_nonnull(o->parse);
	ck_assert_ptr_nonnull(o->subscribe);
	ck_assert_ptr_null(o->ping);
	ck_assert(o->ping_interval == 0);
	ck_assert_int_eq(o->wait_welcome, 0);
	ck_assert_ptr_null(o->prepare_path);
	ck_assert_ptr_null(o->prepared);
}
END_TEST

static Suite *
venue_binance_suite(void)
{
	Suite *s = suite_create("venue_binance");
	TCase *tc;

	tc = tcase_create("recorded");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_venue_binance_samples);
	suite_add_tcase(s, tc);

	tc = tcase_create("parse");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_venue_binance_edge_cases, 0,
	    (int)nitems(edge_wants));
	tcase_add_test(tc, test_venue_binance_reads_only_len);
	suite_add_tcase(s, tc);

	tc = tcase_create("funding");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_venue_binance_interval_learnt);
	tcase_add_test(tc, test_venue_binance_interval_ignores_odd_steps);
	tcase_add_test(tc, test_venue_binance_interval_per_instrument);
	suite_add_tcase(s, tc);

	tc = tcase_create("subscribe");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_venue_binance_subscribe_one);
	tcase_add_test(tc, test_venue_binance_subscribe_few);
	tcase_add_test(tc, test_venue_binance_subscribe_batches_by_names);
	tcase_add_test(tc, test_venue_binance_subscribe_batches_by_bytes);
	tcase_add_test(tc, test_venue_binance_subscribe_connection_cap);
	tcase_add_test(tc, test_venue_binance_subscribe_skips_bad_symbol);
	tcase_add_test(tc, test_venue_binance_subscribe_small_buffer);
	tcase_add_test(tc, test_venue_binance_ops);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	return (tcheck_run(venue_binance_suite()));
}
