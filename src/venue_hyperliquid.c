/*
 * Hyperliquid perpetuals (USDC-quoted): wss://api.hyperliquid.xyz/ws.
 * Protocol: ../shared/protocols/README.md section 5.
 *
 * We subscribe, one subscription a message, to bbo (the best levels,
 * pushed whole when they change on a block; an empty side is null) and
 * activeAssetCtx (the asset's context, whose "funding" is the current
 * hourly rate).  Funding settles every hour on the hour and the next
 * time is not sent: it is the top of the next UTC hour after we
 * received the context.  Coins are the venue symbols (BTC; kPEPE is
 * 1000 PEPE, which symbols.h's units handle).  Heartbeat: our
 * {"method":"ping"} well inside the server's 60 s idle limit.
 */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include "xarb.h"
#include "symbols.h"
#include "venue.h"
#include "venue_hyperliquid_internal.h"

#define HYPERLIQUID_FUNDING_MIN 60 /* hourly, by the venue's rule */
#define HYPERLIQUID_HOUR_NS (3600 * NS_PER_S)
#define HYPERLIQUID_SUB_BUF 256

/* A text frame some servers send on connect (the SDK ignores it). */
static const char hyperliquid_greeting[] = "Websocket connection established.";

/* The channels we read; anything else is not ours to judge. */
static int
hyperliquid_ours(const char *ch, size_t len)
{
	return ((len == 3 && memcmp(ch, "bbo", 3) == 0) ||
	    (len == 14 && memcmp(ch, "activeAssetCtx", 14) == 0) ||
	    (len == 5 && memcmp(ch, "error", 5) == 0));
}

/*
 * The channel of a message from its first bytes, {"channel":"NAME",...
 * (the server's own key order).  Only for documents too big to parse:
 * allDexsAssetCtxs carries every asset's context at once.  0, or -1 if
 * the message does not start that way.
 */
static int
hyperliquid_peek_channel(const char *msg, size_t len, const char **ch,
    size_t *cl)
{
	static const char pre[] = "{\"channel\":\"";
	size_t i, j;

	if (len < sizeof pre - 1 || memcmp(msg, pre, sizeof pre - 1) != 0)
		return (-1);
	i = sizeof pre - 1;
	for (j = i; j < len && msg[j] != '"' && msg[j] != '\\'; j++)
		;
	if (j == len || msg[j] != '"')
		return (-1);
	*ch = msg + i;
	*cl = j - i;
	return (0);
}

/* One level of bbo: {"px":..,"sz":..,"n":..}, or null for an empty side. */
static int
hyperliquid_level(struct venue_parser *p, inst_id i, int lvl, int64_t *px,
    int64_t *sz)
{
	const struct json_doc *d = &p->doc;

	if (json_is_null(d, lvl)) {
		*px = *sz = 0;
		return (0);
	}
	if (!json_is_object(d, lvl)) {
		venue_drop(p, VENUE_DROP_SHAPE, "bbo level is not an object");
		return (-1);
	}
	if (venue_price(p, i, json_find(d, lvl, "px"), px) != 0 ||
	    venue_size(p, i, json_find(d, lvl, "sz"), sz) != 0)
		return (-1);
	if (*px == 0 || *sz == 0)
		*px = *sz = 0; /* the book's "side empty" */
	return (0);
}

/* {"coin":"BTC","time":<ms>,"bbo":[bid|null, ask|null]} */
static enum venue_result
hyperliquid_bbo(struct venue_parser *p, int data)
{
	const struct json_doc *d = &p->doc;
	struct venue_update up;
	int i, bbo;

	if ((i = venue_symbol_tok(p, json_find(d, data, "coin"))) < 0)
		return (VENUE_DROPPED);
	bbo = json_find(d, data, "bbo");
	/* A recorded one-element bbo exists: which side it is, is unknown. */
	if (!json_is_array(d, bbo) || json_size(d, bbo) != 2)
		return (venue_drop(p, VENUE_DROP_SHAPE,
		    "bbo is not [bid, ask]"));
	memset(&up, 0, sizeof up);
	up.inst = (inst_id)i;
	if (hyperliquid_level(p, up.inst, json_index(d, bbo, 0), &up.u.bid,
		&up.u.bid_size) != 0 ||
	    hyperliquid_level(p, up.inst, json_index(d, bbo, 1), &up.u.ask,
		&up.u.ask_size) != 0)
		return (VENUE_DROPPED);
	if (venue_ms(p, json_find(d, data, "time"), "time", &up.u.exch_ts) != 0)
		return (VENUE_DROPPED);
	up.u.mask = QU_TOP | QU_EXCH_TS;
	venue_emit(p, &up);
	return (VENUE_OK);
}

/*
 * {"coin":"BTC","ctx":{"funding":"0.0000125",...}}: the hourly rate.
 * The context carries no time, so the next funding is counted from our
 * receive time; without one (xarb decode) it stays unknown.
 */
static enum venue_result
hyperliquid_ctx(struct venue_parser *p, int data, int64_t recv_ts)
{
	const struct json_doc *d = &p->doc;
	struct venue_update up;
	int64_t rate;
	int i, ctx;

	if ((i = venue_symbol_tok(p, json_find(d, data, "coin"))) < 0)
		return (VENUE_DROPPED);
	if (!json_is_object(d, ctx = json_find(d, data, "ctx")))
		return (venue_drop(p, VENUE_DROP_SHAPE,
		    "activeAssetCtx without ctx"));
	if (json_get_fixed(d, json_find(d, ctx, "funding"), RATE_DECIMALS,
		&rate) < 0)
		return (venue_drop(p, VENUE_DROP_NUMBER, "bad funding"));
	memset(&up, 0, sizeof up);
	up.inst = (inst_id)i;
	up.u.mask = QU_FUNDING | QU_FUNDING_MIN;
	up.u.funding = rate;
	up.u.funding_min = HYPERLIQUID_FUNDING_MIN;
	if (recv_ts > 0) {
		up.u.mask |= QU_NEXT_FUNDING;
		up.u.next_funding_ms = (recv_ts / HYPERLIQUID_HOUR_NS + 1) *
		    (HYPERLIQUID_HOUR_NS / NS_PER_MS);
	}
	venue_emit(p, &up);
	return (VENUE_OK);
}

/* {"channel":"error","data":"Invalid subscription ..."} */
static enum venue_result
hyperliquid_error(struct venue_parser *p)
{
	const struct json_doc *d = &p->doc;
	const char *msg = "";
	size_t len = 0;

	json_get_str(d, json_find(d, 0, "data"), &msg, &len);
	return (venue_drop(p, VENUE_DROP_ERROR, "%.*s",
	    (int)(len > 160 ? 160 : len), msg));
}

static enum venue_result
hyperliquid_parse(struct venue_parser *p, const char *msg, size_t len,
    int64_t recv_ts)
{
	struct json_doc *d = &p->doc;
	const char *ch;
	size_t cl;
	int rv, c, data;

	if (len == sizeof hyperliquid_greeting - 1 &&
	    memcmp(msg, hyperliquid_greeting, len) == 0)
		return (VENUE_IGNORED);
	if ((rv = json_parse(d, msg, len)) != JSON_OK) {
		if (rv == JSON_ERR_TOO_BIG &&
		    hyperliquid_peek_channel(msg, len, &ch, &cl) == 0 &&
		    !hyperliquid_ours(ch, cl))
			return (VENUE_IGNORED);
		return (venue_drop(p, VENUE_DROP_JSON, "%s",
		    json_strerror(rv)));
	}
	if (!json_is_object(d, 0))
		return (venue_drop(p, VENUE_DROP_SHAPE, "not an object"));
	c = json_find(d, 0, "channel");
	if (c == -1 || d->tok[c].type != JSMN_STRING)
		return (venue_drop(p, VENUE_DROP_SHAPE, "no channel"));
	data = json_find(d, 0, "data");
	if (json_eq(d, c, "bbo") || json_eq(d, c, "activeAssetCtx")) {
		if (!json_is_object(d, data))
			return (venue_drop(p, VENUE_DROP_SHAPE, "no data"));
		return (json_eq(d, c, "bbo")
			? hyperliquid_bbo(p, data)
			: hyperliquid_ctx(p, data, recv_ts));
	}
	if (json_eq(d, c, "error"))
		return (hyperliquid_error(p));
	/* subscriptionResponse echoes, pong, post answers, other feeds. */
	return (VENUE_IGNORED);
}

/* -- subscriptions, heartbeat ----------------------------------------- */

/* A coin goes into a JSON string: no quote, backslash or control byte. */
static int
hyperliquid_coin_ok(const char *s)
{
	if (s == NULL || *s == '\0')
		return (0);
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < ' ' || *s == '"' || *s == '\\')
			return (0);
	}
	return (1);
}

/*
 * One subscription a message, two per coin.  Limits (section 5.5): 1000
 * subscriptions per IP (so at most 500 coins) and 2000 messages a
 * minute sent; 500 coins make 1000 messages at open, within it.
 */
int
hyperliquid_subscribe_each(unsigned n, hyperliquid_symbol_cb symbol,
    hyperliquid_send_cb send, void *arg)
{
	static const char *const types[] = { "bbo", "activeAssetCtx" };
	char buf[HYPERLIQUID_SUB_BUF];
	const char *coin;
	unsigned k, t;
	int w;

	for (k = 0; k < n; k++) {
		if (!hyperliquid_coin_ok(coin = symbol(arg, k)))
			return (-1);
		for (t = 0; t < nitems(types); t++) {
			w = snprintf(buf, sizeof buf,
			    "{\"method\":\"subscribe\",\"subscription\":"
			    "{\"type\":\"%s\",\"coin\":\"%s\"}}",
			    types[t], coin);
			if (w < 0 || (size_t)w >= sizeof buf ||
			    send(arg, buf, (size_t)w) != 0)
				return (-1);
		}
	}
	return (0);
}

static const char *
hyperliquid_conn_symbol(void *arg, unsigned k)
{
	return (venue_conn_symbol(arg, k));
}

static int
hyperliquid_conn_send(void *arg, const char *text, size_t len)
{
	return (venue_send(arg, text, len));
}

static int
hyperliquid_subscribe(struct venue_conn *vc)
{
	return (hyperliquid_subscribe_each(venue_conn_ninst(vc),
	    hyperliquid_conn_symbol, hyperliquid_conn_send, vc));
}

int
hyperliquid_ping_build(char *buf, size_t len)
{
	int w = snprintf(buf, len, "{\"method\":\"ping\"}");

	return (w < 0 || (size_t)w >= len ? -1 : w);
}

/* Answered by {"channel":"pong"}, which resets the server's idle clock. */
static int
hyperliquid_ping(struct venue_conn *vc)
{
	char buf[32];
	int w = hyperliquid_ping_build(buf, sizeof buf);

	return (w < 0 ? -1 : venue_send(vc, buf, (size_t)w));
}

const struct venue_ops venue_hyperliquid_ops = {
	.name = "hyperliquid",
	.id = VENUE_HYPERLIQUID,
	.streams = 1,
	.parse = hyperliquid_parse,
	.subscribe = hyperliquid_subscribe,
	.ping = hyperliquid_ping,
	.ping_interval = 50, /* the SDK's; the server closes after 60 s */
};
