/*
 * Binance USD-M futures market streams, on two connections since the
 * 2026 split of fstream.binance.com: stream 0, /public/ws, carries
 * <sym>@bookTicker (the best bid and offer with sizes, real time);
 * stream 1, /market/ws, carries <sym>@markPrice@1s (funding rate and
 * next funding time, every second).  Protocol:
 * ../shared/protocols/README.md section 7.
 *
 * Both subscribe with {"method":"SUBSCRIBE","params":[...],"id":N},
 * acknowledged by {"result":null,"id":N}; stream names are lower case.
 * Every push is whole (no deltas).  Events arrive bare on /ws or wrapped
 * as {"stream":..,"data":..} on /stream (data may then be the array of
 * !markPrice@arr); both parse, and keys we do not know (st, ps) are
 * skipped.  The server pings every 3 minutes at the WebSocket level and
 * the WebSocket layer answers, so there is no application heartbeat.
 */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include "xarb.h"
#include "symbols.h"
#include "venue.h"
#include "venue_binance_internal.h"

/*
 * p->seq[i] on the stream carrying markPrice: the last next funding time
 * (ms) shifted left by BINANCE_IVL_BITS, with the interval in minutes
 * learnt from it in the low bits (0: not learnt yet).
 */
#define BINANCE_IVL_BITS 11
#define BINANCE_IVL_MASK ((INT64_C(1) << BINANCE_IVL_BITS) - 1)
#define BINANCE_MS_PER_H INT64_C(3600000)

/*
 * The funding interval of instrument i.  markPrice does not carry it and
 * Binance runs 8 h by default but 4 h or 1 h on some symbols (only REST
 * /fapi/v1/fundingInfo says which), so it is learnt from the stream: at
 * each settlement T moves to the next one, and the step is the interval.
 * Until a step is seen (after every reconnect, since the parser then
 * forgets), the interval symbols.h has: the instruments endpoint's
 * (fundingInfo) or the default 8 h.
 */
static uint32_t
binance_interval(struct venue_parser *p, inst_id i, int64_t next_ms)
{
	int64_t prev = p->seq[i] >> BINANCE_IVL_BITS, step;
	uint32_t ivl = (uint32_t)(p->seq[i] & BINANCE_IVL_MASK);

	step = next_ms - prev;
	if (prev != 0 && step > 0 && step <= 24 * BINANCE_MS_PER_H &&
	    step % BINANCE_MS_PER_H == 0)
		ivl = (uint32_t)(step / (BINANCE_MS_PER_H / 60));
	if (next_ms < (INT64_MAX >> BINANCE_IVL_BITS))
		p->seq[i] = (next_ms << BINANCE_IVL_BITS) | (int64_t)ivl;
	return (ivl != 0 ? ivl : symbols_funding_min(p->sym, i, p->venue));
}

/*
 * {"e":"bookTicker","u":..,"s":"BTCUSDT","b":"..","B":"..","a":"..",
 * "A":"..","T":ms,"E":ms}: the whole top of book.  The order book update
 * id u moves on every book change, not every push, so it has gaps by
 * design and gives nothing to check.
 */
static enum venue_result
binance_book(struct venue_parser *p, int ev)
{
	const struct json_doc *d = &p->doc;
	struct venue_update up;
	struct quote_update *u = &up.u;
	inst_id i;
	int t;

	if ((t = venue_symbol_tok(p, json_find(d, ev, "s"))) < 0)
		return (VENUE_DROPPED);
	i = (inst_id)t;
	memset(&up, 0, sizeof up);
	up.inst = i;
	if (venue_price(p, i, json_find(d, ev, "b"), &u->bid) != 0 ||
	    venue_size(p, i, json_find(d, ev, "B"), &u->bid_size) != 0 ||
	    venue_price(p, i, json_find(d, ev, "a"), &u->ask) != 0 ||
	    venue_size(p, i, json_find(d, ev, "A"), &u->ask_size) != 0)
		return (VENUE_DROPPED);
	u->mask = QU_TOP;
	/* T, the matching engine's time, is when the book got this top. */
	if ((t = json_find(d, ev, "T")) == -1)
		t = json_find(d, ev, "E");
	if (t != -1) {
		if (venue_ms(p, t, "book time", &u->exch_ts) != 0)
			return (VENUE_DROPPED);
		u->mask |= QU_EXCH_TS;
	}
	venue_emit(p, &up);
	return (VENUE_OK);
}

/*
 * {"e":"markPriceUpdate","E":ms,"s":"BTCUSDT","p":mark,"i":index,
 * "P":settle,"r":rate,"T":next funding ms} of instrument i.  Dated
 * futures send r and T empty; such a message has no funding.
 */
static enum venue_result
binance_mark(struct venue_parser *p, int ev, inst_id i)
{
	const struct json_doc *d = &p->doc;
	struct venue_update up;
	int r = json_find(d, ev, "r"), t = json_find(d, ev, "T");

	memset(&up, 0, sizeof up);
	up.inst = i;
	if (r == -1)
		return (venue_drop(p, VENUE_DROP_SHAPE, "markPrice without r"));
	if (json_eq(d, r, ""))
		return (VENUE_IGNORED);
	if (json_get_fixed(d, r, RATE_DECIMALS, &up.u.funding) < 0)
		return (venue_drop(p, VENUE_DROP_NUMBER, "bad funding rate"));
	up.u.mask = QU_FUNDING | QU_FUNDING_MIN;
	if (t != -1 && !json_eq(d, t, "")) {
		if (json_get_i64(d, t, &up.u.next_funding_ms) != 0 ||
		    up.u.next_funding_ms < 0)
			return (venue_drop(p, VENUE_DROP_NUMBER,
			    "bad next funding time"));
		if (up.u.next_funding_ms > 0)
			up.u.mask |= QU_NEXT_FUNDING;
	}
	t = json_find(d, ev, "E");
	if (venue_ms(p, t, "event time", &up.u.exch_ts) != 0)
		return (VENUE_DROPPED);
	up.u.mask |= QU_EXCH_TS;
	up.u.funding_min = up.u.mask & QU_NEXT_FUNDING
	    ? binance_interval(p, i, up.u.next_funding_ms)
	    : symbols_funding_min(p->sym, i, p->venue);
	venue_emit(p, &up);
	return (VENUE_OK);
}

/*
 * !markPrice@arr: every perpetual in one array.  Symbols we do not trade
 * are the bulk of it and are skipped without counting a drop each; a
 * malformed element drops the rest of the message.
 */
static enum venue_result
binance_mark_array(struct venue_parser *p, int arr)
{
	const struct json_doc *d = &p->doc;
	const char *s;
	size_t sl;
	int k, n = json_size(d, arr), el, i, emitted = 0;
	enum venue_result r;

	for (k = 0, el = arr + 1; k < n; k++, el = json_skip(d, el)) {
		if (!json_is_object(d, el) ||
		    !json_eq(d, json_find(d, el, "e"), "markPriceUpdate") ||
		    json_get_str(d, json_find(d, el, "s"), &s, &sl) != 0)
			return (venue_drop(p, VENUE_DROP_SHAPE,
			    "markPrice array element %d is not an update", k));
		if ((i = symbols_lookup(p->sym, p->venue, s, sl)) < 0)
			continue;
		if ((r = binance_mark(p, el, (inst_id)i)) == VENUE_DROPPED)
			return (r);
		emitted += r == VENUE_OK;
	}
	if (emitted == 0)
		return (venue_drop(p, VENUE_DROP_SYMBOL,
		    "no traded symbol in the markPrice array"));
	return (VENUE_OK);
}

/*
 * Not an event: a request's answer.  {"result":null,"id":1} acknowledges
 * a SUBSCRIBE; errors come as {"error":{"code":..,"msg":..},"id":..} or
 * bare {"code":..,"msg":..}.
 */
static enum venue_result
binance_reply(struct venue_parser *p)
{
	const struct json_doc *d = &p->doc;
	const char *msg = "?";
	size_t len = 1;
	int64_t code = 0;
	int err = json_find(d, 0, "error");

	if (!json_is_object(d, err)) {
		if (json_find(d, 0, "msg") == -1) {
			if (json_find(d, 0, "result") != -1)
				return (VENUE_IGNORED);
			return (venue_drop(p, VENUE_DROP_SHAPE,
			    "no event type"));
		}
		err = 0;
	}
	json_get_str(d, json_find(d, err, "msg"), &msg, &len);
	json_get_i64(d, json_find(d, err, "code"), &code);
	return (venue_drop(p, VENUE_DROP_ERROR, "%.*s (code %lld)",
	    (int)(len > 120 ? 120 : len), msg, (long long)code));
}

static enum venue_result
binance_parse(struct venue_parser *p, const char *msg, size_t len,
    int64_t recv_ts)
{
	struct json_doc *d = &p->doc;
	int rv, ev = 0, e;

	(void)recv_ts;
	if ((rv = json_parse(d, msg, len)) != JSON_OK)
		return (venue_drop(p, VENUE_DROP_JSON, "%s",
		    json_strerror(rv)));
	if (!json_is_object(d, 0))
		return (venue_drop(p, VENUE_DROP_SHAPE, "not an object"));
	/* The combined-stream wrapper: {"stream":"..","data":{..}}. */
	if (json_find(d, 0, "stream") != -1) {
		ev = json_find(d, 0, "data");
		if (json_is_array(d, ev))
			return (binance_mark_array(p, ev));
		if (!json_is_object(d, ev))
			return (venue_drop(p, VENUE_DROP_SHAPE,
			    "stream without data"));
	}
	if ((e = json_find(d, ev, "e")) == -1) {
		if (ev != 0)
			return (venue_drop(p, VENUE_DROP_SHAPE,
			    "no event type"));
		return (binance_reply(p));
	}
	if (json_eq(d, e, "bookTicker"))
		return (binance_book(p, ev));
	if (json_eq(d, e, "markPriceUpdate")) {
		int i = venue_symbol_tok(p, json_find(d, ev, "s"));

		return (i < 0 ? VENUE_DROPPED
			      : binance_mark(p, ev, (inst_id)i));
	}
	return (VENUE_IGNORED); /* an event we did not ask for */
}

/* Can s go inside a JSON string as is (no quote, backslash, control)? */
static int
binance_sym_ok(const char *s)
{
	if (s == NULL || *s == '\0')
		return (0);
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f ||
		    *s == '"' || *s == '\\')
			return (0);
	}
	return (1);
}

int
binance_sub_next(struct binance_sub *s, char *buf, size_t len)
{
	static const char head[] = "{\"method\":\"SUBSCRIBE\",\"params\":[";
	const char *suffix, *sym;
	size_t off, need, cap, tail = sizeof "],\"id\":4294967295}" - 1, k;
	unsigned in_req = 0;
	int w;

	suffix = s->stream == BINANCE_STREAM_MARKET ? "@markPrice@1s"
						    : "@bookTicker";
	/* Room for the request and its NUL, at most BINANCE_REQ_BYTES. */
	if (len == 0)
		return (-1);
	cap = len - 1 < BINANCE_REQ_BYTES ? len - 1 : BINANCE_REQ_BYTES;
	if (cap < sizeof head - 1 + tail)
		return (-1);
	memcpy(buf, head, sizeof head - 1);
	off = sizeof head - 1;
	for (; s->next < s->n && s->names < BINANCE_CONN_STREAMS &&
	     in_req < BINANCE_REQ_NAMES;
	     s->next++) {
		sym = s->sym(s->arg, s->next);
		if (!binance_sym_ok(sym))
			continue; /* config gave no usable symbol: skip */
		need = (in_req > 0) + strlen(sym) + strlen(suffix) + 2;
		if (off + need + tail > cap)
			break;
		if (in_req > 0)
			buf[off++] = ',';
		buf[off++] = '"';
		/* Stream names are lower case: btcusdt@bookTicker. */
		for (k = 0; sym[k] != '\0'; k++)
			buf[off++] = (char)(sym[k] >= 'A' && sym[k] <= 'Z'
				? sym[k] - 'A' + 'a'
				: sym[k]);
		/* Fits: need counted it, and cap < len. */
		off += (size_t)snprintf(buf + off, len - off, "%s\"", suffix);
		in_req++;
		s->names++;
	}
	if (in_req == 0) {
		/* Done, or a single name does not fit in buf. */
		return (s->next < s->n && s->names < BINANCE_CONN_STREAMS ? -1
									  : 0);
	}
	w = snprintf(buf + off, len - off, "],\"id\":%u}", ++s->id);
	if (w < 0 || (size_t)w >= len - off)
		return (-1);
	return ((int)(off + (size_t)w));
}

static const char *
binance_conn_symbol(const void *arg, unsigned k)
{
	return (venue_conn_symbol(arg, k));
}

/*
 * Each connection asks for its own kind of stream.  Binance takes 10
 * incoming messages a second per connection (more and it disconnects,
 * then bans) and 1024 streams per connection, and ignores a SUBSCRIBE
 * frame of more than about 4 KiB.  The framework sends all requests at
 * open, so they are few and full: at most 200 names and 4000 bytes each,
 * which covers every USD-M perpetual (about 500) in 4 requests.  Beyond
 * 1024 instruments the rest are not subscribed: the connection is full.
 */
static int
binance_subscribe(struct venue_conn *vc)
{
	struct binance_sub s;
	char buf[BINANCE_REQ_BYTES + 1];
	int w;

	memset(&s, 0, sizeof s);
	s.stream = venue_conn_stream(vc);
	s.n = venue_conn_ninst(vc);
	s.sym = binance_conn_symbol;
	s.arg = vc;
	while ((w = binance_sub_next(&s, buf, sizeof buf)) > 0) {
		if (venue_send(vc, buf, (size_t)w) != 0)
			return (-1);
	}
	return (w);
}

const struct venue_ops venue_binance_ops = {
	.name = "binance",
	.id = VENUE_BINANCE,
	.streams = 2,
	.parse = binance_parse,
	.subscribe = binance_subscribe,
	.ping = NULL, /* the server pings; ws.c answers */
	.ping_interval = 0,
};
