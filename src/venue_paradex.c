/*
 * Paradex public WebSocket (perpetuals quoted in USD, settled in USDC):
 * wss://ws.api.prod.paradex.trade/v1.  Protocol:
 * ../shared/protocols/README.md section 6.
 *
 * JSON-RPC 2.0, one channel per subscribe request: bbo.<MKT> (every push
 * is the whole best bid and offer, with sizes in coins) and
 * funding_data.<MKT>.  Funding accrues continuously, with no settlement
 * and so no next funding time; the venue normalises the rate to 8 hours
 * (funding_rate_8h), which we pass on with a 480-minute interval and
 * QUOTE_F_CONTINUOUS.  The server pings at the WebSocket level every 55 s
 * and the WebSocket layer answers, so there is no application heartbeat.
 * Frames may end with a newline, which json_parse() skips.
 *
 * Paradex's own docs (paradex-docs binary-encoding-sbe.mdx) announce
 * that from 21 September 2026 public channel payloads are served only in
 * binary SBE (URL ?sbeSchemaId=1&sbeSchemaVersion=1), the JSON-RPC
 * control plane staying JSON.  This adapter speaks the JSON payloads of
 * the protocol notes; a binary frame is dropped as not JSON.
 */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include "xarb.h"
#include "symbols.h"
#include "venue.h"
#include "venue_paradex_internal.h"

#define PARADEX_BBO "bbo."
#define PARADEX_FUNDING "funding_data."
#define PARADEX_FUNDING_MIN 480 /* funding_rate_8h is per 8 hours */

/* Is token i a null or an empty string: no value? */
static int
paradex_blank(const struct json_doc *d, int i)
{
	return (json_is_null(d, i) || json_eq(d, i, ""));
}

/*
 * One side of the book.  The schema makes every field a required string;
 * how an empty side is sent is not documented, so a side whose price and
 * size are both null or "" is read as empty (price 0, size 0), and one
 * blank without the other is malformed.
 */
static int
paradex_side(struct venue_parser *p, inst_id i, int data, const char *pkey,
    const char *skey, int64_t *px, int64_t *sz)
{
	const struct json_doc *d = &p->doc;
	int pt = json_find(d, data, pkey), st = json_find(d, data, skey);

	if (pt == -1 || st == -1) {
		venue_drop(p, VENUE_DROP_SHAPE, "bbo without %s", pkey);
		return (-1);
	}
	if (paradex_blank(d, pt) && paradex_blank(d, st)) {
		*px = *sz = 0;
		return (0);
	}
	if (venue_price(p, i, pt, px) != 0 || venue_size(p, i, st, sz) != 0)
		return (-1);
	return (0);
}

static enum venue_result
paradex_bbo(struct venue_parser *p, int data)
{
	const struct json_doc *d = &p->doc;
	struct venue_update up;
	int i;

	if ((i = venue_symbol_tok(p, json_find(d, data, "market"))) < 0)
		return (VENUE_DROPPED);
	memset(&up, 0, sizeof up);
	up.inst = (inst_id)i;
	if (paradex_side(p, up.inst, data, "bid", "bid_size", &up.u.bid,
		&up.u.bid_size) != 0 ||
	    paradex_side(p, up.inst, data, "ask", "ask_size", &up.u.ask,
		&up.u.ask_size) != 0 ||
	    venue_ms(p, json_find(d, data, "last_updated_at"),
		"last_updated_at", &up.u.exch_ts) != 0)
		return (VENUE_DROPPED);
	/*
	 * seq_no is the order book's sequence: it moves on every book
	 * change, not every push, so its gaps are normal and there is
	 * nothing to resynchronise from.  Every push is the whole BBO.
	 */
	up.u.mask = QU_TOP | QU_EXCH_TS;
	venue_emit(p, &up);
	return (VENUE_OK);
}

static enum venue_result
paradex_funding(struct venue_parser *p, int data)
{
	const struct json_doc *d = &p->doc;
	struct venue_update up;
	int i;

	if ((i = venue_symbol_tok(p, json_find(d, data, "market"))) < 0)
		return (VENUE_DROPPED);
	memset(&up, 0, sizeof up);
	up.inst = (inst_id)i;
	/*
	 * funding_rate is per the market's own funding_period_hours;
	 * funding_rate_8h is the same rate normalised to 8 hours, which is
	 * what we quote (digits beyond RATE_DECIMALS round).
	 */
	if (json_get_fixed(d, json_find(d, data, "funding_rate_8h"),
		RATE_DECIMALS, &up.u.funding) < 0)
		return (venue_drop(p, VENUE_DROP_NUMBER,
		    "bad funding_rate_8h"));
	if (venue_ms(p, json_find(d, data, "created_at"), "created_at",
		&up.u.exch_ts) != 0)
		return (VENUE_DROPPED);
	/* Continuous: no settlement, so no next funding time. */
	up.u.funding_min = PARADEX_FUNDING_MIN;
	up.u.flags = QUOTE_F_CONTINUOUS;
	up.u.mask = QU_FUNDING | QU_FUNDING_MIN | QU_FLAGS | QU_EXCH_TS;
	venue_emit(p, &up);
	return (VENUE_OK);
}

/* {"jsonrpc":"2.0","error":{"code":-32602,"message":".."},"id":1} */
static enum venue_result
paradex_error(struct venue_parser *p, int err)
{
	const struct json_doc *d = &p->doc;
	const char *msg = "?";
	size_t len = 1;
	int64_t code = 0, id = -1;

	json_get_str(d, json_find(d, err, "message"), &msg, &len);
	json_get_i64(d, json_find(d, err, "code"), &code);
	json_get_i64(d, json_find(d, 0, "id"), &id);
	return (venue_drop(p, VENUE_DROP_ERROR,
	    "request %lld: %.*s (code %lld)", (long long)id,
	    (int)(len > 120 ? 120 : len), msg, (long long)code));
}

/* A "subscription" notification: params.channel and params.data. */
static enum venue_result
paradex_push(struct venue_parser *p)
{
	const struct json_doc *d = &p->doc;
	const char *ch;
	size_t cl;
	int params, data;

	params = json_find(d, 0, "params");
	data = json_find(d, params, "data");
	if (json_get_str(d, json_find(d, params, "channel"), &ch, &cl) != 0 ||
	    !json_is_object(d, data))
		return (venue_drop(p, VENUE_DROP_SHAPE,
		    "subscription without channel/data"));
	if (cl > strlen(PARADEX_BBO) &&
	    memcmp(ch, PARADEX_BBO, strlen(PARADEX_BBO)) == 0)
		return (paradex_bbo(p, data));
	if (cl > strlen(PARADEX_FUNDING) &&
	    memcmp(ch, PARADEX_FUNDING, strlen(PARADEX_FUNDING)) == 0)
		return (paradex_funding(p, data));
	return (VENUE_IGNORED); /* a channel we did not ask for */
}

static enum venue_result
paradex_parse(struct venue_parser *p, const char *msg, size_t len,
    int64_t recv_ts)
{
	struct json_doc *d = &p->doc;
	int rv, err, method;

	(void)recv_ts;
	if ((rv = json_parse(d, msg, len)) != JSON_OK)
		return (venue_drop(p, VENUE_DROP_JSON, "%s",
		    json_strerror(rv)));
	if (!json_is_object(d, 0))
		return (venue_drop(p, VENUE_DROP_SHAPE, "not an object"));
	if ((err = json_find(d, 0, "error")) != -1)
		return (paradex_error(p, err));
	if ((method = json_find(d, 0, "method")) == -1) {
		/* A response: subscribe and auth acks carry "result". */
		if (json_find(d, 0, "result") != -1)
			return (VENUE_IGNORED);
		return (venue_drop(p, VENUE_DROP_SHAPE,
		    "neither method nor result"));
	}
	if (!json_eq(d, method, "subscription"))
		return (VENUE_IGNORED); /* another notification */
	return (paradex_push(p));
}

/* Can s go inside a JSON string as is (no quote, backslash, control)? */
static int
paradex_sym_ok(const char *s)
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
paradex_sub_next(struct paradex_sub *s, char *buf, size_t len)
{
	const char *sym;
	unsigned k;
	int w;

	for (; s->next < 2 * s->n; s->next++) {
		k = s->next / 2;
		sym = s->sym(s->arg, k);
		if (!paradex_sym_ok(sym))
			continue; /* config gave no usable symbol: skip */
		w = snprintf(buf, len,
		    "{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\","
		    "\"params\":{\"channel\":\"%s%s\"},\"id\":%u}",
		    s->next % 2 == 0 ? PARADEX_BBO : PARADEX_FUNDING, sym,
		    s->next + 1);
		if (w < 0 || (size_t)w >= len)
			return (-1);
		s->next++;
		return (w);
	}
	return (0);
}

static const char *
paradex_conn_symbol(const void *arg, unsigned k)
{
	return (venue_conn_symbol(arg, k));
}

/*
 * One request per channel, all sent at open: the venue documents no
 * limit on subscribe requests, only on new connections (600 a minute per
 * IP), and no cap on channels per connection.
 */
static int
paradex_subscribe(struct venue_conn *vc)
{
	struct paradex_sub s;
	char buf[256];
	int w;

	memset(&s, 0, sizeof s);
	s.n = venue_conn_ninst(vc);
	s.sym = paradex_conn_symbol;
	s.arg = vc;
	while ((w = paradex_sub_next(&s, buf, sizeof buf)) > 0) {
		if (venue_send(vc, buf, (size_t)w) != 0)
			return (-1);
	}
	return (w);
}

const struct venue_ops venue_paradex_ops = {
	.name = "paradex",
	.id = VENUE_PARADEX,
	.streams = 1,
	.parse = paradex_parse,
	.subscribe = paradex_subscribe,
	.ping = NULL, /* the server pings; ws.c answers */
	.ping_interval = 0,
};
