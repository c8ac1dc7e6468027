/*
 * OKX API v5 public stream, perpetual swaps (instType SWAP):
 * wss://ws.okx.com:8443/ws/v5/public.  Protocol:
 * ../shared/protocols/README.md section 2.
 *
 * We subscribe to bbo-tbt (the best level, a whole snapshot every 10 ms
 * when it changes) and funding-rate (every 30 to 90 s) for each
 * instrument.  Sizes are in contracts: venue_size() multiplies them by
 * ctVal (symbols.h), and drops the quote when ctVal is unknown.  tickers
 * pushes (also whole snapshots, 100 ms) are read as top of book too, for
 * recorded captures, until bbo-tbt runs for the instrument.  Every
 * funding-rate field is optional: old pushes lack most of them.
 * bbo-tbt's seqId is not contiguous (it numbers every change of the
 * book, most of them below the top), so there is no gap to detect.
 * Heartbeat: the text frame "ping" every 20 s, answered by "pong".
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "xarb.h"
#include "symbols.h"
#include "venue.h"
#include "venue_okx_internal.h"

#define OKX_SNAP_BBO 0x1    /* p->snap: bbo-tbt runs for this instrument */
#define OKX_FUNDING_MIN 480 /* default interval when the push says none */
#define OKX_SYMBOL_MAX 28   /* the config caps venue symbols at 28 chars */
#define OKX_MS_PER_MIN INT64_C(60000)
/* The longest funding interval we believe: OKX runs 1 to 8 h. */
#define OKX_SPAN_MAX (INT64_C(24) * 60 * OKX_MS_PER_MIN)

#define OKX_SUB_HEAD "{\"id\":\"sub%u\",\"op\":\"subscribe\",\"args\":["
#define OKX_SUB_ARGS                                                           \
	"%s{\"channel\":\"bbo-tbt\",\"instId\":\"%s\"},"                       \
	"{\"channel\":\"funding-rate\",\"instId\":\"%s\"}"
#define OKX_REQ_MAX 8192

/* Far below OKX's 64 KiB per request, and always within our buffer. */
_Static_assert(sizeof OKX_SUB_HEAD + 10 +
	    OKX_INST_PER_REQ *
		(sizeof OKX_SUB_ARGS + 1 + OKX_SYMBOL_MAX + OKX_SYMBOL_MAX) +
	    2 <
	OKX_REQ_MAX,
    "OKX subscribe batch does not fit its buffer");

const char venue_okx_ping_text[] = "ping";

/*
 * An error from the venue, said as OKX said it: "<what>: code <code>:
 * <msg>" (msg raw, escapes and all, cut to fit p->why).
 */
static enum venue_result
okx_error(struct venue_parser *p, int what)
{
	const struct json_doc *d = &p->doc;
	const char *w = "?", *code = "?", *msg = "";
	size_t wl = 1, cl = 1, ml = 0;

	json_get_str(d, what, &w, &wl);
	json_get_str(d, json_find(d, 0, "code"), &code, &cl);
	json_get_str(d, json_find(d, 0, "msg"), &msg, &ml);
	return (venue_drop(p, VENUE_DROP_ERROR, "%.*s: code %.*s: %.*s",
	    (int)(wl > 16 ? 16 : wl), w, (int)(cl > 16 ? 16 : cl), code,
	    (int)(ml > 120 ? 120 : ml), msg));
}

/*
 * {"event":...}: subscribe acks (one per arg), login, notice (a service
 * upgrade will close the connection; venue.c reconnects when it does),
 * channel-conn-count.  Only "error" means something went wrong.
 */
static enum venue_result
okx_event(struct venue_parser *p, int ev)
{
	if (json_eq(&p->doc, ev, "error"))
		return (okx_error(p, ev));
	return (VENUE_IGNORED);
}

/* {"op":"order",...,"code":"0"}: answers to requests; code 0 is success. */
static enum venue_result
okx_op(struct venue_parser *p, int op)
{
	const struct json_doc *d = &p->doc;
	int code = json_find(d, 0, "code");
	int64_t c;

	if (code == -1 || (json_get_i64(d, code, &c) == 0 && c == 0))
		return (VENUE_IGNORED);
	return (okx_error(p, op));
}

/* Optional "ts" (ms) of a push into exch_ts (ns); -1 if malformed. */
static int
okx_ts(struct venue_parser *p, int el, struct quote_update *u)
{
	const struct json_doc *d = &p->doc;
	int t = json_find(d, el, "ts");

	if (!venue_present(d, t))
		return (0);
	if (venue_ms(p, t, "ts", &u->exch_ts) != 0)
		return (-1);
	u->mask |= QU_EXCH_TS;
	return (0);
}

/*
 * bbo-tbt: each side [[price, contracts, "0", orders]], or [] when empty.
 * OKX sends "" for "no value" (venue_present()).
 */
static enum venue_result
okx_bbo(struct venue_parser *p, inst_id i, int el)
{
	const struct json_doc *d = &p->doc;
	struct venue_update up;

	memset(&up, 0, sizeof up);
	up.inst = i;
	if (venue_book_side(p, i, json_find(d, el, "bids"), "bbo-tbt", "bids",
		&up.u.bid, &up.u.bid_size) != 0 ||
	    venue_book_side(p, i, json_find(d, el, "asks"), "bbo-tbt", "asks",
		&up.u.ask, &up.u.ask_size) != 0 ||
	    okx_ts(p, el, &up.u) != 0)
		return (VENUE_DROPPED);
	up.u.mask |= QU_TOP;
	p->snap[i] |= OKX_SNAP_BBO;
	venue_emit(p, &up);
	return (VENUE_OK);
}

static enum venue_result
okx_ticker(struct venue_parser *p, inst_id i, int el)
{
	struct venue_update up;
	int rb, ra;

	/* bbo-tbt (10 ms) owns the top of book: tickers would lag it. */
	if (p->snap[i] & OKX_SNAP_BBO)
		return (VENUE_IGNORED);
	memset(&up, 0, sizeof up);
	up.inst = i;
	if ((rb = venue_ticker_side(p, i, el, "bidPx", "bidSz", &up.u.bid,
		 &up.u.bid_size)) < 0 ||
	    (ra = venue_ticker_side(p, i, el, "askPx", "askSz", &up.u.ask,
		 &up.u.ask_size)) < 0)
		return (VENUE_DROPPED);
	if (rb == 0)
		up.u.mask |= QU_BID | QU_BID_SIZE;
	if (ra == 0)
		up.u.mask |= QU_ASK | QU_ASK_SIZE;
	if (up.u.mask == 0)
		return (VENUE_IGNORED);
	if (okx_ts(p, el, &up.u) != 0)
		return (VENUE_DROPPED);
	venue_emit(p, &up);
	return (VENUE_OK);
}

/* An optional ms time field: 0 absent, 1 read (> 0), -1 dropped. */
static int
okx_time(struct venue_parser *p, int el, const char *key, int64_t *ms)
{
	const struct json_doc *d = &p->doc;
	int t = json_find(d, el, key);

	if (!venue_present(d, t))
		return (0);
	if (json_get_i64(d, t, ms) != 0 || *ms < 0) {
		venue_drop(p, VENUE_DROP_NUMBER, "bad %s", key);
		return (-1);
	}
	return (*ms > 0);
}

/*
 * funding-rate: fundingRate is the rate of the coming settlement, at
 * fundingTime; nextFundingTime is the one after, so their difference is
 * the symbol's interval (OKX: "focus on the difference between
 * fundingTime and nextFundingTime").  Without it, OKX's 8 h default.
 * The push's ts is not stamped on the quote: exch_ts dates the top of
 * book, and a funding push must not make a quote look fresher.
 */
static enum venue_result
okx_funding(struct venue_parser *p, inst_id i, int el)
{
	const struct json_doc *d = &p->doc;
	struct venue_update up;
	int64_t ft = 0, nt = 0, span;
	int t, hf, hn;

	memset(&up, 0, sizeof up);
	up.inst = i;
	t = json_find(d, el, "fundingRate");
	if (venue_present(d, t)) {
		if (json_get_fixed(d, t, RATE_DECIMALS, &up.u.funding) < 0)
			return (venue_drop(p, VENUE_DROP_NUMBER,
			    "bad fundingRate"));
		up.u.mask |= QU_FUNDING;
	}
	if ((hf = okx_time(p, el, "fundingTime", &ft)) < 0 ||
	    (hn = okx_time(p, el, "nextFundingTime", &nt)) < 0)
		return (VENUE_DROPPED);
	if (hf) {
		up.u.next_funding_ms = ft;
		up.u.mask |= QU_NEXT_FUNDING;
	}
	if (up.u.mask == 0)
		return (VENUE_IGNORED); /* nothing we use (a forecast only) */
	span = hf && hn ? nt - ft : 0;
	if (span > 0 && span <= OKX_SPAN_MAX && span % OKX_MS_PER_MIN == 0)
		up.u.funding_min = (uint32_t)(span / OKX_MS_PER_MIN);
	else
		up.u.funding_min = OKX_FUNDING_MIN;
	up.u.mask |= QU_FUNDING_MIN;
	venue_emit(p, &up);
	return (VENUE_OK);
}

typedef enum venue_result (*okx_data_cb)(struct venue_parser *, inst_id, int);

/*
 * {"arg":{"channel":..,"instId":..},"data":[{...}, ...]}: each element
 * of data is a whole snapshot of the channel for arg's instrument.
 */
static enum venue_result
okx_push(struct venue_parser *p, int arg, int data)
{
	const struct json_doc *d = &p->doc;
	int ch = json_find(d, arg, "channel"), el, k, n, i;
	enum venue_result r, res = VENUE_IGNORED;
	okx_data_cb fn;

	if (json_eq(d, ch, "bbo-tbt"))
		fn = okx_bbo;
	else if (json_eq(d, ch, "funding-rate"))
		fn = okx_funding;
	else if (json_eq(d, ch, "tickers"))
		fn = okx_ticker;
	else if (ch == -1)
		return (venue_drop(p, VENUE_DROP_SHAPE, "arg without channel"));
	else
		return (VENUE_IGNORED); /* a channel we did not ask for */
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
okx_parse(struct venue_parser *p, const char *msg, size_t len, int64_t recv_ts)
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
		return (okx_event(p, t));
	arg = json_find(d, 0, "arg");
	if (arg == -1 && (t = json_find(d, 0, "op")) != -1)
		return (okx_op(p, t));
	data = json_find(d, 0, "data");
	if (!json_is_object(d, arg) || !json_is_array(d, data))
		return (venue_drop(p, VENUE_DROP_SHAPE, "no arg/data"));
	return (okx_push(p, arg, data));
}

/* Ends the request in buf[0..off) and sends it.  0 or -1. */
static int
okx_flush(char *buf, size_t off, venue_okx_send_cb send, void *arg)
{
	memcpy(buf + off, "]}", sizeof "]}"); /* room: checked by the caller */
	return (send(arg, buf, off + 2));
}

/*
 * OKX allows 64 KiB of args per request and 480 requests an hour per
 * connection, with no per-second cap on public subscriptions; at 50
 * instruments (about 6 KiB) a request, the 4096 instruments we can hold
 * need 82, all sent at open.
 */
int
venue_okx_subscribe_all(unsigned n, venue_okx_sym_cb sym,
    venue_okx_send_cb send, void *arg)
{
	char buf[OKX_REQ_MAX];
	unsigned k, in_req = 0, req = 0, done = 0;
	const char *s;
	size_t off = 0;
	int w;

	for (k = 0; k < n; k++) {
		s = sym(arg, k);
		/* The config takes any word; one with " or \ is not sent. */
		if (s == NULL || *s == '\0' || strpbrk(s, "\"\\") != NULL ||
		    strlen(s) > OKX_SYMBOL_MAX)
			continue;
		if (in_req == 0)
			off = (size_t)snprintf(buf, sizeof buf, OKX_SUB_HEAD,
			    ++req);
		w = snprintf(buf + off, sizeof buf - off, OKX_SUB_ARGS,
		    in_req ? "," : "", s, s);
		if (w < 0 || (size_t)w >= sizeof buf - off - 2)
			return (-1); /* cannot happen: see the assertion */
		off += (size_t)w;
		done++;
		if (++in_req == OKX_INST_PER_REQ) {
			if (okx_flush(buf, off, send, arg) != 0)
				return (-1);
			in_req = 0;
		}
	}
	if (in_req > 0 && okx_flush(buf, off, send, arg) != 0)
		return (-1);
	return ((int)done);
}

static const char *
okx_conn_symbol(void *arg, unsigned k)
{
	return (venue_conn_symbol(arg, k));
}

static int
okx_conn_send(void *arg, const char *text, size_t len)
{
	return (venue_send(arg, text, len));
}

static int
okx_subscribe(struct venue_conn *vc)
{
	int n;

	n = venue_okx_subscribe_all(venue_conn_ninst(vc), okx_conn_symbol,
	    okx_conn_send, vc);
	return (n < 0 ? -1 : 0);
}

static int
okx_ping(struct venue_conn *vc)
{
	return (venue_send(vc, venue_okx_ping_text,
	    sizeof venue_okx_ping_text - 1));
}

const struct venue_ops venue_okx_ops = {
	.name = "okx",
	.id = VENUE_OKX,
	.streams = 1,
	.parse = okx_parse,
	.subscribe = okx_subscribe,
	.ping = okx_ping,
	.ping_interval = 20, /* OKX cuts a connection idle for 30 s */
};
