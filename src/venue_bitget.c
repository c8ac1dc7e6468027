/*
 * Bitget v2 public stream, USDT-margined futures (instType USDT-FUTURES):
 * wss://ws.bitget.com/v2/ws/public.  Protocol:
 * ../shared/protocols/README.md section 4.
 *
 * We subscribe to books1 (the best level, a whole snapshot every 10 ms)
 * and ticker (300-400 ms, also a whole snapshot, with best bid and ask,
 * funding rate and next funding time) for each instrument.  Sizes are in
 * coins.  Once books1 runs for an instrument the ticker contributes
 * funding only, as it would drag the top of book back in time.  The
 * interval is not on the stream: the instruments endpoint's fundInterval
 * (symbols.h), else Bitget's standard 8 h.  books1 carries no sequence (its
 * checksum is always 0), so there is nothing to check.  The v3 (UTA) stream and
 * other instTypes (SPOT, COIN-FUTURES, USDC-FUTURES) use symbols that
 * collide with ours, so instType is checked before the symbol.
 * Heartbeat: the text frame "ping" every 25 s, answered by "pong".
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "xarb.h"
#include "log.h"
#include "symbols.h"
#include "venue.h"
#include "venue_bitget_internal.h"

#define BITGET_SNAP_BOOK 0x1 /* p->snap: books1 runs for this instrument */
#define BITGET_SYMBOL_MAX 28 /* the config caps venue symbols at 28 */
#define BITGET_INST_TYPE "USDT-FUTURES"

#define BITGET_SUB_HEAD "{\"op\":\"subscribe\",\"args\":["
#define BITGET_SUB_ARGS                                                        \
	"{\"instType\":\"" BITGET_INST_TYPE "\",\"channel\":\"books1\","       \
	"\"instId\":\"%s\"},{\"instType\":\"" BITGET_INST_TYPE "\","           \
	"\"channel\":\"ticker\",\"instId\":\"%s\"}"

/* One instrument with the longest symbol fits a request. */
_Static_assert(sizeof BITGET_SUB_HEAD + sizeof BITGET_SUB_ARGS +
	    BITGET_SYMBOL_MAX + BITGET_SYMBOL_MAX + 2 <=
	BITGET_REQ_MAX,
    "a Bitget subscribe request cannot hold one instrument");

const char venue_bitget_ping_text[] = "ping";

/*
 * {"event":...}: subscribe acks (one per arg), login, answers to
 * requests.  An "error" event, or a non-zero code (a number or a
 * string), is the venue refusing something: "<event>: code <code>:
 * <msg>" as Bitget said it.
 */
static enum venue_result
bitget_event(struct venue_parser *p, int ev)
{
	const struct json_doc *d = &p->doc;
	int code = json_find(d, 0, "code");
	const char *e, *c = "?", *msg = "";
	size_t el, cl = 1, ml = 0;
	int64_t v;

	if (!json_eq(d, ev, "error") &&
	    (code == -1 || json_get_i64(d, code, &v) != 0 || v == 0))
		return (VENUE_IGNORED);
	if (json_get_str(d, ev, &e, &el) != 0) {
		e = "?";
		el = 1;
	}
	json_get_str(d, code, &c, &cl);
	json_get_str(d, json_find(d, 0, "msg"), &msg, &ml);
	return (venue_drop(p, VENUE_DROP_ERROR, "%.*s: code %.*s: %.*s",
	    (int)(el > 16 ? 16 : el), e, (int)(cl > 16 ? 16 : cl), c,
	    (int)(ml > 120 ? 120 : ml), msg));
}

/*
 * The time of a push into exch_ts: data's ts (the match engine's, ms),
 * else the envelope's (the push's).  -1 if malformed.
 */
static int
bitget_ts(struct venue_parser *p, int el, struct quote_update *u)
{
	const struct json_doc *d = &p->doc;
	int t = json_find(d, el, "ts");

	if (!venue_present(d, t))
		t = json_find(d, 0, "ts");
	if (!venue_present(d, t))
		return (0);
	if (venue_ms(p, t, "ts", &u->exch_ts) != 0)
		return (-1);
	u->mask |= QU_EXCH_TS;
	return (0);
}

/*
 * books1: each side [[price, size]], or [] when empty (recorded for
 * AQTUSDT's bids).  Bitget sends "" for "no value" (venue_present()).
 */
static enum venue_result
bitget_book(struct venue_parser *p, inst_id i, int el)
{
	const struct json_doc *d = &p->doc;
	struct venue_update up;

	memset(&up, 0, sizeof up);
	up.inst = i;
	if (venue_book_side(p, i, json_find(d, el, "bids"), "books1", "bids",
		&up.u.bid, &up.u.bid_size) != 0 ||
	    venue_book_side(p, i, json_find(d, el, "asks"), "books1", "asks",
		&up.u.ask, &up.u.ask_size) != 0 ||
	    bitget_ts(p, el, &up.u) != 0)
		return (VENUE_DROPPED);
	up.u.mask |= QU_TOP;
	p->snap[i] |= BITGET_SNAP_BOOK;
	venue_emit(p, &up);
	return (VENUE_OK);
}

/* The ticker's top of book, unless books1 owns it.  0 or -1. */
static int
bitget_ticker_top(struct venue_parser *p, inst_id i, int el,
    struct quote_update *u)
{
	int rb, ra;

	if (p->snap[i] & BITGET_SNAP_BOOK)
		return (0);
	if ((rb = venue_ticker_side(p, i, el, "bidPr", "bidSz", &u->bid,
		 &u->bid_size)) < 0 ||
	    (ra = venue_ticker_side(p, i, el, "askPr", "askSz", &u->ask,
		 &u->ask_size)) < 0)
		return (-1);
	if (rb == 0)
		u->mask |= QU_BID | QU_BID_SIZE;
	if (ra == 0)
		u->mask |= QU_ASK | QU_ASK_SIZE;
	/* exch_ts dates the top of book: a funding-only update has none. */
	if ((u->mask & QU_TOP) != 0 && bitget_ts(p, el, u) != 0)
		return (-1);
	return (0);
}

static enum venue_result
bitget_ticker(struct venue_parser *p, inst_id i, int el)
{
	const struct json_doc *d = &p->doc;
	struct venue_update up;
	int64_t ms;
	int t;

	memset(&up, 0, sizeof up);
	up.inst = i;
	if (bitget_ticker_top(p, i, el, &up.u) != 0)
		return (VENUE_DROPPED);
	t = json_find(d, el, "fundingRate");
	if (venue_present(d, t)) {
		if (json_get_fixed(d, t, RATE_DECIMALS, &up.u.funding) < 0)
			return (venue_drop(p, VENUE_DROP_NUMBER,
			    "bad fundingRate"));
		up.u.mask |= QU_FUNDING;
	}
	t = json_find(d, el, "nextFundingTime");
	if (venue_present(d, t)) {
		if (json_get_i64(d, t, &ms) != 0 || ms < 0)
			return (venue_drop(p, VENUE_DROP_NUMBER,
			    "bad nextFundingTime"));
		if (ms > 0) { /* "0": none (delivery contracts) */
			up.u.next_funding_ms = ms;
			up.u.mask |= QU_NEXT_FUNDING;
		}
	}
	if (up.u.mask & (QU_FUNDING | QU_NEXT_FUNDING)) {
		up.u.funding_min = symbols_funding_min(p->sym, i, p->venue);
		up.u.mask |= QU_FUNDING_MIN;
	}
	if (up.u.mask == 0)
		return (VENUE_IGNORED);
	venue_emit(p, &up);
	return (VENUE_OK);
}

typedef enum venue_result (*bitget_data_cb)(struct venue_parser *, inst_id,
    int);

/*
 * {"action":"snapshot","arg":{"instType":..,"channel":..,"instId":..},
 * "data":[{...}],"ts":...}: each element of data is a whole snapshot of
 * the channel for arg's instrument.
 */
static enum venue_result
bitget_push(struct venue_parser *p, int arg, int data)
{
	const struct json_doc *d = &p->doc;
	int it = json_find(d, arg, "instType"), ch, act, el, k, n, i;
	enum venue_result r, res = VENUE_IGNORED;
	const char *s;
	size_t len;
	bitget_data_cb fn;

	if (json_get_str(d, it, &s, &len) != 0)
		return (venue_drop(p, VENUE_DROP_SHAPE,
		    "arg without instType"));
	if (!json_eq(d, it, BITGET_INST_TYPE))
		return (venue_drop(p, VENUE_DROP_SYMBOL,
		    "instType %.*s is not traded", (int)(len > 20 ? 20 : len),
		    s));
	ch = json_find(d, arg, "channel");
	if (json_eq(d, ch, "books1"))
		fn = bitget_book;
	else if (json_eq(d, ch, "ticker"))
		fn = bitget_ticker;
	else if (ch == -1)
		return (venue_drop(p, VENUE_DROP_SHAPE, "arg without channel"));
	else
		return (VENUE_IGNORED); /* a channel we did not ask for */
	/* Both are snapshots only; an "update" would be a delta of depth. */
	act = json_find(d, 0, "action");
	if (act != -1 && !json_eq(d, act, "snapshot"))
		return (venue_drop(p, VENUE_DROP_SHAPE,
		    "action is not \"snapshot\""));
	if ((n = json_size(d, data)) <= 0)
		return (venue_drop(p, VENUE_DROP_SHAPE, "empty data"));
	if ((i = venue_symbol_tok(p, json_find(d, arg, "instId"))) < 0)
		return (VENUE_DROPPED);
	for (k = 0, el = data + 1; k < n; k++, el = json_skip(d, el)) {
		if (!json_is_object(d, el))
			return (venue_drop(p, VENUE_DROP_SHAPE,
			    "data element is not an object"));
		if ((r = fn(p, (inst_id)i, el)) == VENUE_DROPPED)
			return (r);
		if (r == VENUE_OK)
			res = VENUE_OK;
	}
	return (res);
}

static enum venue_result
bitget_parse(struct venue_parser *p, const char *msg, size_t len,
    int64_t recv_ts)
{
	struct json_doc *d = &p->doc;
	int rv, t, arg, data;

	(void)recv_ts;
	/* The answer to our text "ping" is the text "pong", not JSON. */
	if (len == 4 && memcmp(msg, "pong", 4) == 0)
		return (VENUE_IGNORED);
	if ((rv = json_parse(d, msg, len)) != JSON_OK)
		return (venue_drop(p, VENUE_DROP_JSON, "%s",
		    json_strerror(rv)));
	if (!json_is_object(d, 0))
		return (venue_drop(p, VENUE_DROP_SHAPE, "not an object"));
	if ((t = json_find(d, 0, "event")) != -1)
		return (bitget_event(p, t));
	arg = json_find(d, 0, "arg");
	data = json_find(d, 0, "data");
	if (!json_is_object(d, arg) || !json_is_array(d, data))
		return (venue_drop(p, VENUE_DROP_SHAPE, "no arg/data"));
	return (bitget_push(p, arg, data));
}

/* Ends the request in buf[0..off) and sends it.  0 or -1. */
static int
bitget_flush(char *buf, size_t off, venue_bitget_send_cb send, void *arg)
{
	memcpy(buf + off, "]}", sizeof "]}"); /* off + 2 <= BITGET_REQ_MAX */
	return (send(arg, buf, off + 2));
}

/*
 * Bitget's limits: 4096 bytes per request, 1000 channels per connection,
 * 240 subscribe requests an hour and 10 messages a second.  venue.c
 * sends every request at open, in the same second, so we send at most
 * BITGET_REQS_AT_OPEN: about 270 instruments with 7-letter symbols.
 * Past that (and past 500 instruments, the channel cap) instruments are
 * left out; pacing the requests would need a send queue in venue.c.
 */
int
venue_bitget_subscribe_all(unsigned n, venue_bitget_sym_cb sym,
    venue_bitget_send_cb send, void *arg)
{
	char buf[BITGET_REQ_MAX + 1],
	    one[sizeof BITGET_SUB_ARGS + BITGET_SYMBOL_MAX + BITGET_SYMBOL_MAX];
	unsigned k, in_req = 0, reqs = 0, done = 0;
	const char *s;
	size_t off = 0;
	int w;

	for (k = 0; k < n && 2 * (done + 1) <= BITGET_CHANNELS_MAX; k++) {
		s = sym(arg, k);
		/* The config takes any word; one with " or \ is not sent. */
		if (s == NULL || *s == '\0' || strpbrk(s, "\"\\") != NULL ||
		    strlen(s) > BITGET_SYMBOL_MAX)
			continue;
		w = snprintf(one, sizeof one, BITGET_SUB_ARGS, s, s);
		if (w < 0 || (size_t)w >= sizeof one)
			continue; /* cannot happen: the length is checked */
		/* This one, a comma and "]}" must fit the request. */
		if (in_req > 0 && off + 1 + (size_t)w + 2 > BITGET_REQ_MAX) {
			if (bitget_flush(buf, off, send, arg) != 0)
				return (-1);
			in_req = 0;
			if (++reqs == BITGET_REQS_AT_OPEN)
				return ((int)done);
		}
		if (in_req == 0)
			off = (size_t)snprintf(buf, sizeof buf, "%s",
			    BITGET_SUB_HEAD);
		else
			buf[off++] = ',';
		memcpy(buf + off, one, (size_t)w);
		off += (size_t)w;
		in_req++;
		done++;
	}
	if (in_req > 0 && bitget_flush(buf, off, send, arg) != 0)
		return (-1);
	return ((int)done);
}

static const char *
bitget_conn_symbol(void *arg, unsigned k)
{
	return (venue_conn_symbol(arg, k));
}

static int
bitget_conn_send(void *arg, const char *text, size_t len)
{
	return (venue_send(arg, text, len));
}

static int
bitget_subscribe(struct venue_conn *vc)
{
	int n;

	n = venue_bitget_subscribe_all(venue_conn_ninst(vc), bitget_conn_symbol,
	    bitget_conn_send, vc);
	if (n >= 0 && (unsigned)n < venue_conn_ninst(vc))
		log_warn("venue bitget: subscribed %d of %u instruments: the "
			 "rest exceed what Bitget takes at once (10 requests "
			 "a second, 1000 channels) or have unusable symbols",
		    n, venue_conn_ninst(vc));
	return (n < 0 ? -1 : 0);
}

static int
bitget_ping(struct venue_conn *vc)
{
	return (venue_send(vc, venue_bitget_ping_text,
	    sizeof venue_bitget_ping_text - 1));
}

const struct venue_ops venue_bitget_ops = {
	.name = "bitget",
	.id = VENUE_BITGET,
	.streams = 1,
	.parse = bitget_parse,
	.subscribe = bitget_subscribe,
	.ping = bitget_ping,
	.ping_interval = 25, /* Bitget asks for one every 30 s */
};
