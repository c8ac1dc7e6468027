/*
 * Tests of the Paradex adapter: every line of the recorded samples
 * (tests/data/decode/paradex.jsonl) with its exact result, the edge
 * cases of the protocol notes (trailing newlines, blank and null sides,
 * numbers as strings or JSON numbers, timestamps at the edge of range,
 * JSON-RPC errors, malformed and truncated frames, unknown markets), the
 * subscribe requests byte for byte, and the ops table.
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
#include "venue.h"
#include "venue_paradex_internal.h"

extern const struct venue_ops venue_paradex_ops;

#define BTC 0
#define ETH 1
#define REC_MAX 4
#define DROP_NONE (-1)

/* The expected updates of one message, as an array. */
#define UPS(...) ((const struct venue_update[]){ __VA_ARGS__ })

#define QU_FUND (QU_FUNDING | QU_FUNDING_MIN | QU_FLAGS | QU_EXCH_TS)

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
	ck_assert_int_eq(config_set(cfg, "instruments", "symbols", "BTC ETH",
			     &cause),
	    0);
	sy = symbols_new(cfg, &cause);
	ck_assert_msg(sy != NULL, "%s", cause != NULL ? cause : "?");
	p = malloc(sizeof *p);
	ck_assert_ptr_nonnull(p);
	venue_parser_init(p, VENUE_PARADEX, 0, sy, rec_emit, NULL);
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

/* -- the recorded samples ------------------------------------------- */

static const struct want sample_wants[] = {
	/* 1: subscribe ack (doc placeholder channel) */
	{ NULL, VENUE_IGNORED, DROP_NONE, NULL, 0, NULL },
	/* 2: auth ack */
	{ NULL, VENUE_IGNORED, DROP_NONE, NULL, 0, NULL },
	/* 3: bbo.BTC-USD-PERP */
	{ NULL, VENUE_OK, DROP_NONE, NULL, 1,
	    UPS({ BTC,
		{ .mask = QU_TOP | QU_EXCH_TS,
		    .bid = INT64_C(301122200000000),
		    .ask = INT64_C(301301500000000),
		    .bid_size = 4000000,
		    .ask_size = 5000000,
		    .exch_ts = INT64_C(1681493939981000000) } }) },
	/* 4: funding_data.BTC-USD-PERP: funding_rate_8h 0.00007172 */
	{ NULL, VENUE_OK, DROP_NONE, NULL, 1,
	    UPS({ BTC,
		{ .mask = QU_FUND,
		    .funding = 71720,
		    .funding_min = 480,
		    .flags = QUOTE_F_CONTINUOUS,
		    .exch_ts = INT64_C(1788487597060000000) } }) },
};

START_TEST(test_venue_paradex_samples)
{
	char *path, *text, *line, *nl, label[32];
	unsigned n = 0;

	path = tcheck_asprintf("%s/tests/data/decode/paradex.jsonl",
	    tcheck_srcdir());
	text = tcheck_keep(tcheck_read(path));
	ck_assert_msg(text != NULL, "cannot read %s", path);
	for (line = text; *line != '\0'; line = nl + 1) {
		nl = strchr(line, '\n');
		ck_assert_ptr_nonnull(nl);
		ck_assert_uint_lt(n, nitems(sample_wants));
		snprintf(label, sizeof label, "paradex.jsonl:%u", n + 1);
		check_msg(line, (size_t)(nl - line), &sample_wants[n], label);
		n++;
	}
	ck_assert_uint_eq(n, nitems(sample_wants));
	ck_assert_uint_eq(p->msgs, 4);
	ck_assert_uint_eq(p->ignored, 2);
	ck_assert_uint_eq(p->updates, 2);
}
END_TEST

/* -- edge cases ------------------------------------------------------ */

#define BBO_HEAD                                                               \
	"{\"jsonrpc\":\"2.0\",\"method\":\"subscription\",\"params\":"         \
	"{\"channel\":\"bbo.BTC-USD-PERP\",\"data\":"                          \
	"{\"market\":\"BTC-USD-PERP\",\"seq_no\":20784,"
#define BBO_TS ",\"last_updated_at\":1681493939981}}}"
#define BBO_SIDES                                                              \
	"\"ask\":\"30130.15\",\"ask_size\":\"0.05\",\"bid\":\"30112.22\","     \
	"\"bid_size\":\"0.04\""
#define FUND_HEAD                                                              \
	"{\"jsonrpc\":\"2.0\",\"method\":\"subscription\",\"params\":"         \
	"{\"channel\":\"funding_data.ETH-USD-PERP\",\"data\":{\"market\":"     \
	"\"ETH-USD-PERP\","

/* The sample BBO, for the cases that only change its framing. */
static const struct venue_update bbo_sample[] = {
	{ BTC,
	    { .mask = QU_TOP | QU_EXCH_TS,
		.bid = INT64_C(301122200000000),
		.ask = INT64_C(301301500000000),
		.bid_size = 4000000,
		.ask_size = 5000000,
		.exch_ts = INT64_C(1681493939981000000) } },
};

static const struct want edge_wants[] = {
	/* Frames ending with a newline (reported by a collector). */
	{ BBO_HEAD BBO_SIDES BBO_TS "\n", VENUE_OK, DROP_NONE, NULL, 1,
	    bbo_sample },
	{ BBO_HEAD BBO_SIDES BBO_TS "\r\n", VENUE_OK, DROP_NONE, NULL, 1,
	    bbo_sample },
	/* Extra keys anywhere, and keys in another order. */
	{ "{\"usIn\":1682556415569005368,\"jsonrpc\":\"2.0\",\"params\":{"
	  "\"data\":{\"x\":[1,{\"y\":null}],\"bid_size\":\"0.04\",\"bid\":"
	  "\"30112.22\",\"ask_size\":\"0.05\",\"ask\":\"30130.15\","
	  "\"last_updated_at\":1681493939981,\"market\":\"BTC-USD-PERP\"},"
	  "\"channel\":\"bbo.BTC-USD-PERP\",\"extra\":true},"
	  "\"method\":\"subscription\"}",
	    VENUE_OK, DROP_NONE, NULL, 1, bbo_sample },
	/* Numbers as JSON numbers, and the time as a string. */
	{ BBO_HEAD "\"ask\":30130.15,\"ask_size\":0.05,\"bid\":30112.22,"
		   "\"bid_size\":4e-2,\"last_updated_at\":\"1681493939981\"}}}",
	    VENUE_OK, DROP_NONE, NULL, 1, bbo_sample },
	/* Empty bid side as "" / "", null ask side: price 0, size 0. */
	{ BBO_HEAD "\"ask\":null,\"ask_size\":null,\"bid\":\"\","
		   "\"bid_size\":\"\"" BBO_TS,
	    VENUE_OK, DROP_NONE, NULL, 1,
	    UPS({ BTC,
		{ .mask = QU_TOP | QU_EXCH_TS,
		    .exch_ts = INT64_C(1681493939981000000) } }) },
	/* "0" / "0" is an empty side too. */
	{ BBO_HEAD "\"ask\":\"0\",\"ask_size\":\"0\",\"bid\":\"30112.22\","
		   "\"bid_size\":\"0.04\"" BBO_TS,
	    VENUE_OK, DROP_NONE, NULL, 1,
	    UPS({ BTC,
		{ .mask = QU_TOP | QU_EXCH_TS,
		    .bid = INT64_C(301122200000000),
		    .bid_size = 4000000,
		    .exch_ts = INT64_C(1681493939981000000) } }) },
	/* A price without its size (or the reverse) is malformed. */
	{ BBO_HEAD "\"ask\":\"30130.15\",\"ask_size\":\"0.05\",\"bid\":\"\","
		   "\"bid_size\":\"0.04\"" BBO_TS,
	    VENUE_DROPPED, VENUE_DROP_NUMBER, "bad price", 0, NULL },
	{ BBO_HEAD "\"ask\":\"30130.15\",\"ask_size\":null,\"bid\":"
		   "\"30112.22\",\"bid_size\":\"0.04\"" BBO_TS,
	    VENUE_DROPPED, VENUE_DROP_NUMBER, "bad size", 0, NULL },
	/* Missing fields, wrong types, bad numbers. */
	{ BBO_HEAD "\"ask\":\"30130.15\",\"bid\":\"30112.22\","
		   "\"bid_size\":\"0.04\"" BBO_TS,
	    VENUE_DROPPED, VENUE_DROP_SHAPE, "bbo without ask", 0, NULL },
	{ BBO_HEAD "\"ask\":{\"px\":1},\"ask_size\":\"0.05\",\"bid\":"
		   "\"30112.22\",\"bid_size\":\"0.04\"" BBO_TS,
	    VENUE_DROPPED, VENUE_DROP_NUMBER, "bad price", 0, NULL },
	{ BBO_HEAD "\"ask\":\"30130.15\",\"ask_size\":\"0.05\",\"bid\":"
		   "\"-30112.22\",\"bid_size\":\"0.04\"" BBO_TS,
	    VENUE_DROPPED, VENUE_DROP_NUMBER, "bad price", 0, NULL },
	{ BBO_HEAD "\"ask\":\"30130.15\",\"ask_size\":\"0.05\",\"bid\":"
		   "\"30112.22\",\"bid_size\":\"lots\"" BBO_TS,
	    VENUE_DROPPED, VENUE_DROP_NUMBER, "bad size", 0, NULL },
	{ BBO_HEAD "\"ask\":\"30130.15\",\"ask_size\":\"0.05\",\"bid\":"
		   "true,\"bid_size\":\"0.04\"" BBO_TS,
	    VENUE_DROPPED, VENUE_DROP_NUMBER, "bad price", 0, NULL },
	{ BBO_HEAD BBO_SIDES "}}}", VENUE_DROPPED, VENUE_DROP_NUMBER,
	    "bad last_updated_at", 0, NULL },
	{ BBO_HEAD BBO_SIDES ",\"last_updated_at\":1681493939981.5}}}",
	    VENUE_DROPPED, VENUE_DROP_NUMBER, "bad last_updated_at", 0, NULL },
	{ BBO_HEAD BBO_SIDES ",\"last_updated_at\":-1}}}", VENUE_DROPPED,
	    VENUE_DROP_NUMBER, "bad last_updated_at", 0, NULL },
	/* ns where ms belong: would overflow, refused. */
	{ BBO_HEAD BBO_SIDES ",\"last_updated_at\":1681493939981005368}}}",
	    VENUE_DROPPED, VENUE_DROP_NUMBER, "bad last_updated_at", 0, NULL },
	/* The largest ms that fits in ns, exactly. */
	{ BBO_HEAD BBO_SIDES ",\"last_updated_at\":9223372036854}}}", VENUE_OK,
	    DROP_NONE, NULL, 1,
	    UPS({ BTC,
		{ .mask = QU_TOP | QU_EXCH_TS,
		    .bid = INT64_C(301122200000000),
		    .ask = INT64_C(301301500000000),
		    .bid_size = 4000000,
		    .ask_size = 5000000,
		    .exch_ts = INT64_C(9223372036854000000) } }) },
	/* Markets we do not trade, or none at all. */
	{ "{\"jsonrpc\":\"2.0\",\"method\":\"subscription\",\"params\":{"
	  "\"channel\":\"bbo.SOL-USD-PERP\",\"data\":{\"market\":"
	  "\"SOL-USD-PERP\"," BBO_SIDES BBO_TS,
	    VENUE_DROPPED, VENUE_DROP_SYMBOL,
	    "symbol SOL-USD-PERP is not traded", 0, NULL },
	{ "{\"jsonrpc\":\"2.0\",\"method\":\"subscription\",\"params\":{"
	  "\"channel\":\"bbo.BTC-USD-27DEC24-60000-C\",\"data\":{\"market\":"
	  "\"BTC-USD-27DEC24-60000-C\"," BBO_SIDES BBO_TS,
	    VENUE_DROPPED, VENUE_DROP_SYMBOL,
	    "symbol BTC-USD-27DEC24-60000-C is not traded", 0, NULL },
	{ "{\"jsonrpc\":\"2.0\",\"method\":\"subscription\",\"params\":{"
	  "\"channel\":\"bbo.BTC-USD-PERP\",\"data\":{" BBO_SIDES BBO_TS,
	    VENUE_DROPPED, VENUE_DROP_SHAPE, "no symbol", 0, NULL },
	{ "{\"jsonrpc\":\"2.0\",\"method\":\"subscription\",\"params\":{"
	  "\"channel\":\"bbo.BTC-USD-PERP\",\"data\":"
	  "{\"market\":[\"BTC\"]," BBO_SIDES BBO_TS,
	    VENUE_DROPPED, VENUE_DROP_SHAPE, "no symbol", 0, NULL },
	/* Sequence numbers are not contiguous: a jump back still counts. */
	{ "{\"jsonrpc\":\"2.0\",\"method\":\"subscription\",\"params\":{"
	  "\"channel\":\"bbo.BTC-USD-PERP\",\"data\":{\"market\":"
	  "\"BTC-USD-PERP\",\"seq_no\":3," BBO_SIDES BBO_TS,
	    VENUE_OK, DROP_NONE, NULL, 1, bbo_sample },
	/* Funding: the 8-hour rate, not the per-period one. */
	{ FUND_HEAD "\"funding_index\":\"1\",\"funding_premium\":\"0\","
		    "\"funding_rate\":\"0.00001\",\"funding_rate_8h\":"
		    "\"0.00008\",\"funding_period_hours\":1,\"created_at\":"
		    "1788487597060}}}",
	    VENUE_OK, DROP_NONE, NULL, 1,
	    UPS({ ETH,
		{ .mask = QU_FUND,
		    .funding = 80000,
		    .funding_min = 480,
		    .flags = QUOTE_F_CONTINUOUS,
		    .exch_ts = INT64_C(1788487597060000000) } }) },
	/* Negative, as a JSON number, and rounded beyond 9 decimals. */
	{ FUND_HEAD "\"funding_rate_8h\":-2.5e-5,\"created_at\":1}}}", VENUE_OK,
	    DROP_NONE, NULL, 1,
	    UPS({ ETH,
		{ .mask = QU_FUND,
		    .funding = -25000,
		    .funding_min = 480,
		    .flags = QUOTE_F_CONTINUOUS,
		    .exch_ts = 1000000 } }) },
	{ FUND_HEAD "\"funding_rate_8h\":\"0.00007172918481\","
		    "\"created_at\":\"1788487597060\"}}}",
	    VENUE_OK, DROP_NONE, NULL, 1,
	    UPS({ ETH,
		{ .mask = QU_FUND,
		    .funding = 71729,
		    .funding_min = 480,
		    .flags = QUOTE_F_CONTINUOUS,
		    .exch_ts = INT64_C(1788487597060000000) } }) },
	{ FUND_HEAD "\"funding_rate\":\"0.0001\",\"created_at\":1}}}",
	    VENUE_DROPPED, VENUE_DROP_NUMBER, "bad funding_rate_8h", 0, NULL },
	{ FUND_HEAD "\"funding_rate_8h\":\"\",\"created_at\":1}}}",
	    VENUE_DROPPED, VENUE_DROP_NUMBER, "bad funding_rate_8h", 0, NULL },
	{ FUND_HEAD "\"funding_rate_8h\":\"0.0001\"}}}", VENUE_DROPPED,
	    VENUE_DROP_NUMBER, "bad created_at", 0, NULL },
	/* JSON-RPC errors: the venue's own message. */
	{ "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32602,\"message\":"
	  "\"Invalid parameters\"},\"usIn\":1710522972729581,\"usOut\":"
	  "1710522972729618,\"usDiff\":37,\"id\":1}",
	    VENUE_DROPPED, VENUE_DROP_ERROR,
	    "request 1: Invalid parameters (code -32602)", 0, NULL },
	{ "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":100,\"message\":"
	  "\"already subscribed\",\"data\":\"bbo.BTC-USD-PERP\"},\"id\":3}\n",
	    VENUE_DROPPED, VENUE_DROP_ERROR,
	    "request 3: already subscribed (code 100)", 0, NULL },
	{ "{\"jsonrpc\":\"2.0\",\"error\":{},\"id\":null}", VENUE_DROPPED,
	    VENUE_DROP_ERROR, "request -1: ? (code 0)", 0, NULL },
	/* Acks, with 19-digit usIn, and other notifications. */
	{ "{\"jsonrpc\":\"2.0\",\"result\":{\"channel\":"
	  "\"funding_data.BTC-USD-PERP\"},\"usIn\":9223372036854775807,"
	  "\"usDiff\":1291796,\"id\":2}",
	    VENUE_IGNORED, DROP_NONE, NULL, 0, NULL },
	{ "{\"jsonrpc\":\"2.0\",\"method\":\"heartbeat\",\"params\":{}}",
	    VENUE_IGNORED, DROP_NONE, NULL, 0, NULL },
	{ "{\"jsonrpc\":\"2.0\",\"method\":\"subscription\",\"params\":{"
	  "\"channel\":\"trades.BTC-USD-PERP\",\"data\":{\"market\":"
	  "\"BTC-USD-PERP\"}}}",
	    VENUE_IGNORED, DROP_NONE, NULL, 0, NULL },
	/* Frames that are not what they should be. */
	{ "{\"jsonrpc\":\"2.0\",\"id\":4}", VENUE_DROPPED, VENUE_DROP_SHAPE,
	    "neither method nor result", 0, NULL },
	{ "{\"jsonrpc\":\"2.0\",\"method\":\"subscription\",\"params\":{"
	  "\"channel\":\"bbo.BTC-USD-PERP\"}}",
	    VENUE_DROPPED, VENUE_DROP_SHAPE,
	    "subscription without channel/data", 0, NULL },
	{ "{\"jsonrpc\":\"2.0\",\"method\":\"subscription\",\"params\":{"
	  "\"channel\":\"bbo.BTC-USD-PERP\",\"data\":[]}}",
	    VENUE_DROPPED, VENUE_DROP_SHAPE,
	    "subscription without channel/data", 0, NULL },
	{ "[\"subscription\"]", VENUE_DROPPED, VENUE_DROP_SHAPE,
	    "not an object", 0, NULL },
	{ "pong", VENUE_DROPPED, VENUE_DROP_JSON, "not JSON", 0, NULL },
	{ BBO_HEAD "\"ask\":\"30130.15\",\"ask_size\":\"0.0", VENUE_DROPPED,
	    VENUE_DROP_JSON, "truncated JSON", 0, NULL },
	{ "{\"a\":1}{\"b\":2}", VENUE_DROPPED, VENUE_DROP_JSON, "not JSON", 0,
	    NULL },
	{ " \n", VENUE_DROPPED, VENUE_DROP_JSON, "empty message", 0, NULL },
};

START_TEST(test_venue_paradex_edge_cases)
{
	const struct want *w = &edge_wants[_i];
	char label[32];

	snprintf(label, sizeof label, "edge case %d", _i);
	check_msg(w->msg, strlen(w->msg), w, label);
}
END_TEST

/* An SBE frame (Paradex's binary encoding) is not JSON: dropped. */
START_TEST(test_venue_paradex_binary_frame)
{
	static const char sbe[] = { 0x30, 0x00, 0x02, 0x00, 0x01, 0x00, 0x01,
		0x00, 0x0c, 'B', 'T', 'C', '-', 'U', 'S', 'D', '-', 'P', 'E',
		'R', 'P' };
	const struct want w = { NULL, VENUE_DROPPED, VENUE_DROP_JSON, NULL, 0,
		NULL };

	check_msg(sbe, sizeof sbe, &w, "sbe");
}
END_TEST

/* A message is not NUL-terminated: nothing past len is read. */
START_TEST(test_venue_paradex_reads_only_len)
{
	static const char msg[] = BBO_HEAD BBO_SIDES BBO_TS "garbage";
	const struct want w = { NULL, VENUE_OK, DROP_NONE, NULL, 1,
		bbo_sample };
	char *copy;
	size_t len = sizeof msg - sizeof "garbage";

	copy = tcheck_keep(malloc(len));
	memcpy(copy, msg, len);
	check_msg(copy, len, &w, "exact length");
}
END_TEST

/* Every push is whole: a BBO is used without any earlier snapshot. */
START_TEST(test_venue_paradex_no_snapshot_needed)
{
	const struct want w = { NULL, VENUE_OK, DROP_NONE, NULL, 1,
		bbo_sample };
	const char *msg = BBO_HEAD BBO_SIDES BBO_TS;

	venue_parser_reset(p);
	check_msg(msg, strlen(msg), &w, "first");
	check_msg(msg, strlen(msg), &w, "again");
	ck_assert_uint_eq(p->updates, 2);
}
END_TEST

/* -- subscribe ------------------------------------------------------- */

static const char *
sym_of(const void *arg, unsigned k)
{
	return (((const char *const *)arg)[k]);
}

/* Collects every request for syms[0..n) into one newline-joined string. */
static char *
sub_all(const char *const *syms, unsigned n)
{
	struct paradex_sub s;
	char buf[256], *out = tcheck_asprintf("%s", "");
	int w;

	memset(&s, 0, sizeof s);
	s.n = n;
	s.sym = sym_of;
	s.arg = syms;
	while ((w = paradex_sub_next(&s, buf, sizeof buf)) > 0) {
		ck_assert_uint_eq(strlen(buf), (size_t)w);
		out = tcheck_asprintf("%s%s\n", out, buf);
	}
	ck_assert_int_eq(w, 0);
	return (out);
}

START_TEST(test_venue_paradex_subscribe_one)
{
	static const char *const syms[] = { "BTC-USD-PERP" };

	ck_assert_str_eq(sub_all(syms, 1),
	    "{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":"
	    "{\"channel\":\"bbo.BTC-USD-PERP\"},\"id\":1}\n"
	    "{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":"
	    "{\"channel\":\"funding_data.BTC-USD-PERP\"},\"id\":2}\n");
}
END_TEST

/* One channel per request: three markets are six requests, ids 1-6. */
START_TEST(test_venue_paradex_subscribe_many)
{
	static const char *const syms[] = { "BTC-USD-PERP", "ETH-USD-PERP",
		"SOL-USD-PERP" };

	ck_assert_str_eq(sub_all(syms, 3),
	    "{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":"
	    "{\"channel\":\"bbo.BTC-USD-PERP\"},\"id\":1}\n"
	    "{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":"
	    "{\"channel\":\"funding_data.BTC-USD-PERP\"},\"id\":2}\n"
	    "{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":"
	    "{\"channel\":\"bbo.ETH-USD-PERP\"},\"id\":3}\n"
	    "{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":"
	    "{\"channel\":\"funding_data.ETH-USD-PERP\"},\"id\":4}\n"
	    "{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":"
	    "{\"channel\":\"bbo.SOL-USD-PERP\"},\"id\":5}\n"
	    "{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":"
	    "{\"channel\":\"funding_data.SOL-USD-PERP\"},\"id\":6}\n");
}
END_TEST

/* A symbol that would break the JSON is skipped; ids stay per market. */
START_TEST(test_venue_paradex_subscribe_skips_bad_symbol)
{
	static const char *const syms[] = { "BAD\"-USD-PERP", NULL, "",
		"ETH-USD-PERP" };

	ck_assert_str_eq(sub_all(syms, 4),
	    "{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":"
	    "{\"channel\":\"bbo.ETH-USD-PERP\"},\"id\":7}\n"
	    "{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":"
	    "{\"channel\":\"funding_data.ETH-USD-PERP\"},\"id\":8}\n");
	ck_assert_str_eq(sub_all(syms, 0), "");
}
END_TEST

START_TEST(test_venue_paradex_subscribe_small_buffer)
{
	static const char *const syms[] = { "BTC-USD-PERP" };
	struct paradex_sub s;
	char buf[64];

	memset(&s, 0, sizeof s);
	s.n = 1;
	s.sym = sym_of;
	s.arg = syms;
	ck_assert_int_eq(paradex_sub_next(&s, buf, sizeof buf), -1);
}
END_TEST

/* The server pings: no application heartbeat, one stream, no token. */
START_TEST(test_venue_paradex_ops)
{
	const struct venue_ops *o = &venue_paradex_ops;

	ck_assert_ptr_eq(venue_table[VENUE_PARADEX], o);
	ck_assert_str_eq(o->name, "paradex");
	ck_assert_int_eq(o->id, VENUE_PARADEX);
	ck_assert_uint_eq(o->streams, 1);
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
venue_paradex_suite(void)
{
	Suite *s = suite_create("venue_paradex");
	TCase *tc;

	tc = tcase_create("recorded");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_venue_paradex_samples);
	suite_add_tcase(s, tc);

	tc = tcase_create("parse");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_venue_paradex_edge_cases, 0,
	    (int)nitems(edge_wants));
	tcase_add_test(tc, test_venue_paradex_binary_frame);
	tcase_add_test(tc, test_venue_paradex_reads_only_len);
	tcase_add_test(tc, test_venue_paradex_no_snapshot_needed);
	suite_add_tcase(s, tc);

	tc = tcase_create("subscribe");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_venue_paradex_subscribe_one);
	tcase_add_test(tc, test_venue_paradex_subscribe_many);
	tcase_add_test(tc, test_venue_paradex_subscribe_skips_bad_symbol);
	tcase_add_test(tc, test_venue_paradex_subscribe_small_buffer);
	tcase_add_test(tc, test_venue_paradex_ops);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	return (tcheck_run(venue_paradex_suite()));
}
