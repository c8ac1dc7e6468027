/*
 * Bybit V5 public linear stream (USDT perpetuals): wss://stream.bybit.com
 * /v5/public/linear.  Protocol: ../shared/protocols/README.md section 1.
 *
 * We subscribe to orderbook.1.<SYM> (best level every 10 ms, snapshot
 * and, in older captures, deltas with size "0" deleting the level) and
 * tickers.<SYM> (100 ms: a snapshot, then deltas carrying only what
 * changed, with funding).  A delta before its topic's snapshot is
 * dropped; the quote store merges partial updates.  Once orderbook.1 has
 * a snapshot, tickers contribute funding only.  Heartbeat: our
 * {"op":"ping"} every 20 s.
 */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include "xarb.h"
#include "symbols.h"
#include "venue.h"

#define BYBIT_SNAP_BOOK 0x1   /* p->snap bits: orderbook.1 snapshot seen */
#define BYBIT_SNAP_TICKER 0x2 /* tickers snapshot seen */
#define BYBIT_TOPICS_PER_REQ 10

/* "op" messages: subscribe acks and pongs. */
static enum venue_result
bybit_op(struct venue_parser *p, int op)
{
	const struct json_doc *d = &p->doc;
	const char *msg = "";
	size_t len = 0;
	int ok;

	if (json_get_bool(d, json_find(d, 0, "success"), &ok) == 0 && !ok) {
		json_get_str(d, json_find(d, 0, "ret_msg"), &msg, &len);
		return (venue_drop(p, VENUE_DROP_ERROR, "%.*s refused: %.*s",
		    (int)(d->tok[op].end - d->tok[op].start),
		    d->js + d->tok[op].start, (int)len, msg));
	}
	return (VENUE_IGNORED);
}

/*
 * One side of orderbook.1: [[price, size], ...] or [] (empty side).  At
 * depth 1 a list holds deletions (size "0") and at most one live level,
 * so the side is its last level with a size, or empty.
 */
static int
bybit_side(struct venue_parser *p, inst_id i, int arr, int64_t *px, int64_t *sz)
{
	const struct json_doc *d = &p->doc;
	int64_t lp, ls;
	int k, n, lvl;

	if ((n = json_size(d, arr)) < 0 || !json_is_array(d, arr)) {
		venue_drop(p, VENUE_DROP_SHAPE, "orderbook side is not a list");
		return (-1);
	}
	*px = *sz = 0;
	for (k = 0, lvl = arr + 1; k < n; k++, lvl = json_skip(d, lvl)) {
		if (venue_price(p, i, json_index(d, lvl, 0), &lp) != 0 ||
		    venue_size(p, i, json_index(d, lvl, 1), &ls) != 0)
			return (-1);
		if (ls > 0) {
			*px = lp;
			*sz = ls;
		}
	}
	return (0);
}

static enum venue_result
bybit_book(struct venue_parser *p, int data, int snapshot, int64_t ts_ms)
{
	const struct json_doc *d = &p->doc;
	struct venue_update up;
	int i, b, a;

	if ((i = venue_symbol_tok(p, json_find(d, data, "s"))) < 0)
		return (VENUE_DROPPED);
	if (!snapshot && !(p->snap[i] & BYBIT_SNAP_BOOK))
		return (venue_drop(p, VENUE_DROP_SNAPSHOT,
		    "orderbook delta before its snapshot"));
	memset(&up, 0, sizeof up);
	up.inst = (inst_id)i;
	b = json_find(d, data, "b");
	a = json_find(d, data, "a");
	/* In a delta an empty list means "no change", not "no levels". */
	if (!snapshot && json_size(d, b) == 0)
		b = -1;
	if (!snapshot && json_size(d, a) == 0)
		a = -1;
	/* A snapshot sets both sides; a delta only the sides it names. */
	if (b != -1 || snapshot) {
		if (b == -1 ||
		    bybit_side(p, up.inst, b, &up.u.bid, &up.u.bid_size) != 0)
			return (b == -1 ? venue_drop(p, VENUE_DROP_SHAPE,
					      "snapshot without bids")
					: VENUE_DROPPED);
		up.u.mask |= QU_BID | QU_BID_SIZE;
	}
	if (a != -1 || snapshot) {
		if (a == -1 ||
		    bybit_side(p, up.inst, a, &up.u.ask, &up.u.ask_size) != 0)
			return (a == -1 ? venue_drop(p, VENUE_DROP_SHAPE,
					      "snapshot without asks")
					: VENUE_DROPPED);
		up.u.mask |= QU_ASK | QU_ASK_SIZE;
	}
	if (snapshot)
		p->snap[i] |= BYBIT_SNAP_BOOK;
	up.u.mask |= QU_EXCH_TS;
	up.u.exch_ts = ts_ms * NS_PER_MS;
	venue_emit(p, &up);
	return (VENUE_OK);
}

/*
 * Reads an optional ticker field: absent or "" (no value) leaves the
 * mask alone; present sets it.  Returns -1 on a malformed number.
 */
static int
bybit_field(struct venue_parser *p, int data, const char *key, int price,
    inst_id i, int64_t *out, uint32_t bit, uint32_t *mask)
{
	const struct json_doc *d = &p->doc;
	int t = json_find(d, data, key);
	const char *s;
	size_t len;

	if (t == -1 || (json_get_str(d, t, &s, &len) == 0 && len == 0))
		return (0);
	if ((price ? venue_price(p, i, t, out) : venue_size(p, i, t, out)) != 0)
		return (-1);
	*mask |= bit;
	return (0);
}

static enum venue_result
bybit_ticker(struct venue_parser *p, int data, int snapshot, int64_t ts_ms)
{
	const struct json_doc *d = &p->doc;
	struct venue_update up;
	int64_t v;
	int i, t;

	if ((i = venue_symbol_tok(p, json_find(d, data, "symbol"))) < 0)
		return (VENUE_DROPPED);
	if (!snapshot && !(p->snap[i] & BYBIT_SNAP_TICKER))
		return (venue_drop(p, VENUE_DROP_SNAPSHOT,
		    "tickers delta before its snapshot"));
	memset(&up, 0, sizeof up);
	up.inst = (inst_id)i;
	/*
	 * Once orderbook.1 (10 ms) runs for this symbol it owns the top of
	 * book: the ticker's (100 ms) would only drag it back in time.
	 */
	if (!(p->snap[i] & BYBIT_SNAP_BOOK) &&
	    (bybit_field(p, data, "bid1Price", 1, up.inst, &up.u.bid, QU_BID,
		 &up.u.mask) != 0 ||
		bybit_field(p, data, "bid1Size", 0, up.inst, &up.u.bid_size,
		    QU_BID_SIZE, &up.u.mask) != 0 ||
		bybit_field(p, data, "ask1Price", 1, up.inst, &up.u.ask, QU_ASK,
		    &up.u.mask) != 0 ||
		bybit_field(p, data, "ask1Size", 0, up.inst, &up.u.ask_size,
		    QU_ASK_SIZE, &up.u.mask) != 0))
		return (VENUE_DROPPED);
	t = json_find(d, data, "fundingRate");
	if (t != -1 && json_get_fixed(d, t, RATE_DECIMALS, &v) >= 0) {
		up.u.funding = v;
		up.u.mask |= QU_FUNDING;
	}
	t = json_find(d, data, "nextFundingTime");
	if (t != -1 && json_get_i64(d, t, &v) == 0 && v > 0) {
		up.u.next_funding_ms = v;
		up.u.mask |= QU_NEXT_FUNDING;
	}
	/* Per symbol: Bybit runs 1, 2, 4 and 8 h intervals. */
	t = json_find(d, data, "fundingIntervalHour");
	if (t != -1 && json_get_i64(d, t, &v) == 0 && v > 0 && v <= 24) {
		up.u.funding_min = (uint32_t)v * 60;
		up.u.mask |= QU_FUNDING_MIN;
	} else if (snapshot) {
		up.u.funding_min =
		    symbols_funding_min(p->sym, up.inst, p->venue);
		up.u.mask |= QU_FUNDING_MIN;
	}
	if (snapshot)
		p->snap[i] |= BYBIT_SNAP_TICKER;
	if ((up.u.mask & ~(uint32_t)QU_EXCH_TS) == 0)
		return (VENUE_IGNORED); /* a delta of fields we do not use */
	up.u.mask |= QU_EXCH_TS;
	up.u.exch_ts = ts_ms * NS_PER_MS;
	venue_emit(p, &up);
	return (VENUE_OK);
}

static enum venue_result
bybit_parse(struct venue_parser *p, const char *msg, size_t len,
    int64_t recv_ts)
{
	struct json_doc *d = &p->doc;
	const char *topic;
	size_t tl;
	int64_t ts;
	int rv, op, data, type, snapshot;

	(void)recv_ts;
	if ((rv = json_parse(d, msg, len)) != JSON_OK)
		return (venue_drop(p, VENUE_DROP_JSON, "%s",
		    json_strerror(rv)));
	if (!json_is_object(d, 0))
		return (venue_drop(p, VENUE_DROP_SHAPE, "not an object"));
	if ((op = json_find(d, 0, "op")) != -1)
		return (bybit_op(p, op));
	if (json_get_str(d, json_find(d, 0, "topic"), &topic, &tl) != 0)
		return (venue_drop(p, VENUE_DROP_SHAPE, "no topic"));
	data = json_find(d, 0, "data");
	type = json_find(d, 0, "type");
	if (!json_is_object(d, data) ||
	    (!json_eq(d, type, "snapshot") && !json_eq(d, type, "delta")))
		return (venue_drop(p, VENUE_DROP_SHAPE, "%.*s: no data/type",
		    (int)(tl > 60 ? 60 : tl), topic));
	/* Milliseconds; refused past what nanoseconds in int64 can hold. */
	if (json_get_i64(d, json_find(d, 0, "ts"), &ts) != 0 || ts <= 0 ||
	    ts > INT64_MAX / NS_PER_MS)
		return (venue_drop(p, VENUE_DROP_NUMBER, "bad ts"));
	snapshot = json_eq(d, type, "snapshot");
	if (tl > 12 && memcmp(topic, "orderbook.1.", 12) == 0) {
		int64_t u;

		/* u == 1: the service restarted; the message is whole. */
		if (json_get_i64(d, json_find(d, data, "u"), &u) == 0 && u == 1)
			snapshot = 1;
		return (bybit_book(p, data, snapshot, ts));
	}
	if (tl > 8 && memcmp(topic, "tickers.", 8) == 0)
		return (bybit_ticker(p, data, snapshot, ts));
	return (VENUE_IGNORED); /* a topic we did not ask for */
}

/* {"req_id":"sub1","op":"subscribe","args":["orderbook.1.BTCUSDT",...]} */
static int
bybit_subscribe(struct venue_conn *vc)
{
	char buf[2048];
	unsigned k, n = venue_conn_ninst(vc), in_req = 0, req = 0;
	size_t off = 0;
	int w;

	for (k = 0; k < n; k++) {
		if (in_req == 0)
			off = (size_t)snprintf(buf, sizeof buf,
			    "{\"req_id\":\"sub%u\",\"op\":\"subscribe\","
			    "\"args\":[",
			    ++req);
		w = snprintf(buf + off, sizeof buf - off,
		    "%s\"orderbook.1.%s\",\"tickers.%s\"", in_req ? "," : "",
		    venue_conn_symbol(vc, k), venue_conn_symbol(vc, k));
		if (w < 0 || (size_t)w >= sizeof buf - off - 3)
			return (-1);
		off += (size_t)w;
		in_req += 2;
		if (in_req >= BYBIT_TOPICS_PER_REQ || k + 1 == n) {
			off +=
			    (size_t)snprintf(buf + off, sizeof buf - off, "]}");
			if (venue_send(vc, buf, off) != 0)
				return (-1);
			in_req = 0;
		}
	}
	return (0);
}

static int
bybit_ping(struct venue_conn *vc)
{
	static const char ping[] = "{\"req_id\":\"ping\",\"op\":\"ping\"}";

	return (venue_send(vc, ping, sizeof ping - 1));
}

const struct venue_ops venue_bybit_ops = {
	.name = "bybit",
	.id = VENUE_BYBIT,
	.streams = 1,
	.parse = bybit_parse,
	.subscribe = bybit_subscribe,
	.ping = bybit_ping,
	.ping_interval = 20,
};
