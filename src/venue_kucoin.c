/*
 * KuCoin Futures public stream (USDT-margined perpetuals).  Protocol:
 * ../shared/protocols/README.md section 3.
 *
 * A connection needs a token first: POST /api/v1/bullet-public answers
 * with an endpoint, a token and the ping interval, which prepared()
 * turns into "<endpoint>?token=<token>&connectId=<id>".  The server
 * greets with {"type":"welcome"}; only then do we subscribe
 * (wait_welcome).
 *
 * We subscribe to /contractMarket/tickerV2:<SYM> (each BBO change, each
 * push whole: prices as strings, sizes as integer lots, ts in ns) and to
 * /contract/instrument:<SYM>, of which we read subject funding.rate: the
 * predicted rate every minute (granularity 60000) and the settled rate
 * at each settlement (granularity = the funding interval).  Heartbeat:
 * {"id":"<ms>","type":"ping"} every pingInterval of the token's answer.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xarb.h"
#include "log.h"
#include "symbols.h"
#include "venue.h"
#include "venue_kucoin_internal.h"

#define KUCOIN_TICKER_TOPIC "/contractMarket/tickerV2:"
#define KUCOIN_INSTRUMENT_TOPIC "/contract/instrument:"
#define KUCOIN_MIN_MS INT64_C(60000)
#define KUCOIN_HOUR_MS INT64_C(3600000)
#define KUCOIN_WEEK_MS INT64_C(604800000) /* no interval is longer */
#define KUCOIN_TOPICS_PER_CONN 100	  /* KuCoin's cap, section 3.5 */
#define KUCOIN_SUB_BUF 4096		  /* 100 symbols of up to 28 bytes */

static const char *const kucoin_topics[] = {
	KUCOIN_TICKER_TOPIC,
	KUCOIN_INSTRUMENT_TOPIC,
};

/* {"id":..,"type":"error",...}: the venue refused something. */
static enum venue_result
kucoin_error(struct venue_parser *p)
{
	const struct json_doc *d = &p->doc;
	const char *code = "", *msg = "";
	size_t cl = 0, ml = 0;

	json_get_str(d, json_find(d, 0, "code"), &code, &cl);
	/* The exact payload is not documented: data, else msg. */
	if (json_get_str(d, json_find(d, 0, "data"), &msg, &ml) != 0)
		json_get_str(d, json_find(d, 0, "msg"), &msg, &ml);
	return (venue_drop(p, VENUE_DROP_ERROR, "error %.*s: %.*s",
	    (int)(cl > 16 ? 16 : cl), code, (int)(ml > 120 ? 120 : ml), msg));
}

/*
 * One side of a tickerV2 push.  A side without size is empty (price 0,
 * size 0), whatever its price says; sizes are lots, which venue_size()
 * turns into coins with the contract's multiplier.
 */
static int
kucoin_side(struct venue_parser *p, inst_id i, int data, const char *pkey,
    const char *skey, int64_t *px, int64_t *sz)
{
	const struct json_doc *d = &p->doc;
	int pt = json_find(d, data, pkey), st = json_find(d, data, skey);

	if (pt == -1 || st == -1) {
		venue_drop(p, VENUE_DROP_SHAPE, "tickerV2 without %s or %s",
		    pkey, skey);
		return (-1);
	}
	if (venue_size(p, i, st, sz) != 0)
		return (-1);
	if (*sz == 0) {
		*px = 0;
		return (0);
	}
	if (venue_price(p, i, pt, px) != 0)
		return (-1);
	if (*px == 0)
		*sz = 0; /* the book's "side empty" is price 0 */
	return (0);
}

static enum venue_result
kucoin_ticker(struct venue_parser *p, int data)
{
	const struct json_doc *d = &p->doc;
	struct venue_update up;
	int64_t ts;
	int i;

	if ((i = venue_symbol_tok(p, json_find(d, data, "symbol"))) < 0)
		return (VENUE_DROPPED);
	memset(&up, 0, sizeof up);
	up.inst = (inst_id)i;
	if (kucoin_side(p, up.inst, data, "bestBidPrice", "bestBidSize",
		&up.u.bid, &up.u.bid_size) != 0 ||
	    kucoin_side(p, up.inst, data, "bestAskPrice", "bestAskSize",
		&up.u.ask, &up.u.ask_size) != 0)
		return (VENUE_DROPPED);
	/* Nanoseconds, 19 digits: read as an integer, never a double. */
	if (json_get_i64(d, json_find(d, data, "ts"), &ts) != 0 || ts <= 0)
		return (venue_drop(p, VENUE_DROP_NUMBER, "bad ts"));
	up.u.mask = QU_TOP | QU_EXCH_TS;
	up.u.exch_ts = ts;
	venue_emit(p, &up);
	return (VENUE_OK);
}

/*
 * funding.rate: the rate is per funding interval.  A settlement message
 * (granularity of an hour or more) names the interval, and its
 * timestamp is the settlement, so the next one is a granularity later.
 * The predicted rate (granularity 60000, every minute) names neither:
 * its interval is the one the last settlement named, remembered in
 * p->seq[] (tickerV2's sequence is not contiguous, so KuCoin has no
 * other use for it), else the one symbols.h has (the instruments
 * endpoint's fundingRateGranularity, else 8 h); its next funding time is
 * not on the WebSocket, so it is derived from the instruments
 * endpoint's nextFundingRateTime until a settlement names one.  No
 * exch_ts: the minute-aligned time says nothing about the age of the
 * top of book it would stamp.
 */
static enum venue_result
kucoin_funding(struct venue_parser *p, const char *sym, size_t len, int data)
{
	const struct json_doc *d = &p->doc;
	struct venue_update up;
	int64_t rate, gran, ts, next;
	int i;

	if (len == 0)
		return (venue_drop(p, VENUE_DROP_SHAPE,
		    "topic without symbol"));
	if ((i = venue_symbol(p, sym, len)) < 0)
		return (VENUE_DROPPED);
	if (json_get_fixed(d, json_find(d, data, "fundingRate"), RATE_DECIMALS,
		&rate) < 0)
		return (venue_drop(p, VENUE_DROP_NUMBER, "bad fundingRate"));
	if (json_get_i64(d, json_find(d, data, "granularity"), &gran) != 0 ||
	    gran <= 0)
		return (venue_drop(p, VENUE_DROP_NUMBER, "bad granularity"));
	/* Milliseconds; far below the bound, which keeps ts + gran exact. */
	if (json_get_i64(d, json_find(d, data, "timestamp"), &ts) != 0 ||
	    ts <= 0 || ts > INT64_MAX - KUCOIN_WEEK_MS)
		return (venue_drop(p, VENUE_DROP_NUMBER, "bad timestamp"));
	memset(&up, 0, sizeof up);
	up.inst = (inst_id)i;
	up.u.mask = QU_FUNDING | QU_FUNDING_MIN;
	up.u.funding = rate;
	if (gran >= KUCOIN_HOUR_MS && gran % KUCOIN_MIN_MS == 0 &&
	    gran <= KUCOIN_WEEK_MS) {
		p->seq[i] = gran / KUCOIN_MIN_MS;
		up.u.mask |= QU_NEXT_FUNDING;
		up.u.next_funding_ms = ts + gran;
	} else if ((next = symbols_next_funding_ms(p->sym, (inst_id)i, p->venue,
			ts)) > 0) {
		/* Derived from the instruments endpoint's nextFundingRateTime.
		 */
		up.u.mask |= QU_NEXT_FUNDING;
		up.u.next_funding_ms = next;
	}
	up.u.funding_min = p->seq[i] > 0
	    ? (uint32_t)p->seq[i]
	    : symbols_funding_min(p->sym, (inst_id)i, p->venue);
	venue_emit(p, &up);
	return (VENUE_OK);
}

/* {"type":"message","topic":..,"subject":..,"data":{..}} */
static enum venue_result
kucoin_message(struct venue_parser *p)
{
	const struct json_doc *d = &p->doc;
	const size_t tl1 = sizeof KUCOIN_TICKER_TOPIC - 1;
	const size_t tl2 = sizeof KUCOIN_INSTRUMENT_TOPIC - 1;
	const char *topic;
	size_t tl;
	int data, subject;

	if (json_get_str(d, json_find(d, 0, "topic"), &topic, &tl) != 0)
		return (venue_drop(p, VENUE_DROP_SHAPE, "no topic"));
	subject = json_find(d, 0, "subject");
	data = json_find(d, 0, "data");
	if (tl > tl1 && memcmp(topic, KUCOIN_TICKER_TOPIC, tl1) == 0 &&
	    json_eq(d, subject, "tickerV2")) {
		if (!json_is_object(d, data))
			return (venue_drop(p, VENUE_DROP_SHAPE,
			    "tickerV2 without data"));
		return (kucoin_ticker(p, data));
	}
	if (tl >= tl2 && memcmp(topic, KUCOIN_INSTRUMENT_TOPIC, tl2) == 0 &&
	    json_eq(d, subject, "funding.rate")) {
		if (!json_is_object(d, data))
			return (venue_drop(p, VENUE_DROP_SHAPE,
			    "funding.rate without data"));
		return (kucoin_funding(p, topic + tl2, tl - tl2, data));
	}
	/* mark.index.price, announcements: nothing we use. */
	return (VENUE_IGNORED);
}

static enum venue_result
kucoin_parse(struct venue_parser *p, const char *msg, size_t len,
    int64_t recv_ts)
{
	struct json_doc *d = &p->doc;
	int rv, type;

	(void)recv_ts;
	if ((rv = json_parse(d, msg, len)) != JSON_OK)
		return (venue_drop(p, VENUE_DROP_JSON, "%s",
		    json_strerror(rv)));
	if (!json_is_object(d, 0))
		return (venue_drop(p, VENUE_DROP_SHAPE, "not an object"));
	type = json_find(d, 0, "type");
	/* Pushes say "message"; the announcement example has no type. */
	if (type == -1 || json_eq(d, type, "message"))
		return (kucoin_message(p));
	if (json_eq(d, type, "welcome")) {
		p->welcomed = 1; /* venue.c subscribes now */
		return (VENUE_IGNORED);
	}
	if (json_eq(d, type, "error"))
		return (kucoin_error(p));
	if (d->tok[type].type != JSMN_STRING)
		return (venue_drop(p, VENUE_DROP_SHAPE,
		    "type is not a string"));
	return (VENUE_IGNORED); /* ack, pong, notice */
}

/* -- subscriptions, heartbeat ----------------------------------------- */

/* Symbols go into a JSON string and a comma-separated topic. */
static int
kucoin_symbol_ok(const char *s)
{
	if (s == NULL || *s == '\0')
		return (0);
	for (; *s != '\0'; s++) {
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
			(*s >= '0' && *s <= '9') || *s == '-' || *s == '_' ||
			*s == '.'))
			return (0);
	}
	return (1);
}

/*
 * One subscribe message for symbols [first, first + n) of topic:
 * {"id":"sub1","type":"subscribe","topic":"<topic>A,B",
 * "privateChannel":false,"response":true}.  Its length, or -1.
 */
static int
kucoin_sub_build(char *buf, size_t len, unsigned id, const char *topic,
    unsigned first, unsigned n, kucoin_symbol_cb symbol, void *arg)
{
	const char *s;
	size_t off;
	unsigned k;
	int w;

	w = snprintf(buf, len,
	    "{\"id\":\"sub%u\",\"type\":\"subscribe\","
	    "\"topic\":\"%s",
	    id, topic);
	if (w < 0 || (size_t)w >= len)
		return (-1);
	off = (size_t)w;
	for (k = first; k < first + n; k++) {
		if (!kucoin_symbol_ok(s = symbol(arg, k)))
			return (-1);
		w = snprintf(buf + off, len - off, "%s%s", k > first ? "," : "",
		    s);
		if (w < 0 || (size_t)w >= len - off)
			return (-1);
		off += (size_t)w;
	}
	w = snprintf(buf + off, len - off,
	    "\",\"privateChannel\":false,\"response\":true}");
	if (w < 0 || (size_t)w >= len - off)
		return (-1);
	return ((int)(off + (size_t)w));
}

/*
 * Limits (2023 futures docs, section 3.5): 100 topics a message and 100
 * a connection, 100 uplink messages per 10 s.  Each symbol of a
 * comma-joined topic counts, so one connection carries at most 50
 * instruments (two topics each); beyond that the venue refuses the
 * excess (an error message, counted as a VENUE_DROP_ERROR) and the
 * framework would need a second connection.  Within 50 instruments
 * this sends 2 messages, far below the rate limit.
 */
int
kucoin_subscribe_each(unsigned n, kucoin_symbol_cb symbol, kucoin_send_cb send,
    void *arg)
{
	char buf[KUCOIN_SUB_BUF];
	unsigned t, k, m, id = 0;
	int w;

	for (t = 0; t < nitems(kucoin_topics); t++) {
		for (k = 0; k < n; k += m) {
			m = n - k < KUCOIN_SYMBOLS_PER_MSG
			    ? n - k
			    : KUCOIN_SYMBOLS_PER_MSG;
			w = kucoin_sub_build(buf, sizeof buf, ++id,
			    kucoin_topics[t], k, m, symbol, arg);
			if (w < 0 || send(arg, buf, (size_t)w) != 0)
				return (-1);
		}
	}
	return (0);
}

static const char *
kucoin_conn_symbol(void *arg, unsigned k)
{
	return (venue_conn_symbol(arg, k));
}

static int
kucoin_conn_send(void *arg, const char *text, size_t len)
{
	return (venue_send(arg, text, len));
}

static int
kucoin_subscribe(struct venue_conn *vc)
{
	if (venue_conn_ninst(vc) > KUCOIN_TOPICS_PER_CONN / 2)
		log_warn("venue kucoin: %u instruments, but one connection "
			 "carries %u topics (two each): KuCoin will refuse "
			 "the instruments past the %uth",
		    venue_conn_ninst(vc), KUCOIN_TOPICS_PER_CONN,
		    KUCOIN_TOPICS_PER_CONN / 2);
	return (kucoin_subscribe_each(venue_conn_ninst(vc), kucoin_conn_symbol,
	    kucoin_conn_send, vc));
}

int
kucoin_ping_build(char *buf, size_t len, int64_t id)
{
	int w;

	w = snprintf(buf, len, "{\"id\":\"%lld\",\"type\":\"ping\"}",
	    (long long)id);
	return (w < 0 || (size_t)w >= len ? -1 : w);
}

/* The id is the time in ms, as in KuCoin's own example; pong echoes it. */
static int
kucoin_ping(struct venue_conn *vc)
{
	struct timespec ts;
	char buf[64];
	int w;

	clock_gettime(CLOCK_REALTIME, &ts);
	w = kucoin_ping_build(buf, sizeof buf,
	    (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
	return (w < 0 ? -1 : venue_send(vc, buf, (size_t)w));
}

/* -- the bullet-public token ------------------------------------------- */

/*
 * Appends the raw text of a JSON string to url.  "\/" is the only
 * escape a URL part may carry (others are refused).  With pct set,
 * bytes outside the unreserved set and '=' are percent-encoded, so a
 * base64 token's '+' and '/' survive the query string.
 */
static int
kucoin_url_put(char *url, size_t len, size_t *off, const char *s, size_t n,
    int pct)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char c;
	size_t i;

	if (*off >= len)
		return (-1);
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '\\') {
			if (i + 1 == n || s[i + 1] != '/')
				return (-1);
			c = (unsigned char)s[++i];
		}
		if (c <= ' ' || c >= 0x7f || c == '"')
			return (-1);
		if (pct &&
		    !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			(c >= '0' && c <= '9') || c == '-' || c == '.' ||
			c == '_' || c == '~' || c == '=')) {
			if (*off + 3 >= len)
				return (-1);
			url[(*off)++] = '%';
			url[(*off)++] = hex[c >> 4];
			url[(*off)++] = hex[c & 0xf];
			continue;
		}
		if (*off + 1 >= len)
			return (-1);
		url[(*off)++] = (char)c;
	}
	url[*off] = '\0';
	return (0);
}

/* Token i as a non-empty JSON string (not a number, not null). */
static int
kucoin_string(const struct json_doc *d, int i, const char **s, size_t *len)
{
	if (i < 0 || i >= d->n || d->tok[i].type != JSMN_STRING ||
	    json_get_str(d, i, s, len) != 0 || *len == 0)
		return (-1);
	return (0);
}

/* Does a raw JSON string start with wss:// ("wss:\/\/" escaped)? */
static int
kucoin_is_wss(const char *s, size_t len)
{
	static const char pre[] = "wss://";
	size_t i = 0, k;

	for (k = 0; k < sizeof pre - 1; k++, i++) {
		if (i + 1 < len && s[i] == '\\' && s[i + 1] == '/')
			i++;
		if (i >= len || s[i] != pre[k])
			return (0);
	}
	return (i < len);
}

/* The first instance server with a wss:// endpoint, or -1. */
static int
kucoin_server(const struct json_doc *d, int servers, const char **ep,
    size_t *el)
{
	int k, n = json_size(d, servers), srv, e;

	if (!json_is_array(d, servers))
		return (-1);
	for (k = 0; k < n; k++) {
		srv = json_index(d, servers, k);
		e = json_find(d, srv, "endpoint");
		if (kucoin_string(d, e, ep, el) == 0 && kucoin_is_wss(*ep, *el))
			return (srv);
	}
	return (-1);
}

static int
kucoin_bullet(struct json_doc *d, const char *body, size_t len,
    const char *connect_id, char *url, size_t url_len, double *ping_interval,
    char *why, size_t why_len)
{
	const char *code, *msg = "", *tok, *ep;
	size_t cl, ml = 0, tl, el, off = 0;
	int64_t ms;
	int rv, data, srv, t;

	if ((rv = json_parse(d, body, len)) != JSON_OK ||
	    !json_is_object(d, 0)) {
		snprintf(why, why_len, "%s",
		    rv != JSON_OK ? json_strerror(rv) : "not an object");
		return (-1);
	}
	/* "200000" is success; the code may come as a string or a number. */
	if (json_get_str(d, json_find(d, 0, "code"), &code, &cl) != 0) {
		code = "none";
		cl = 4;
	}
	if (cl != 6 || memcmp(code, "200000", 6) != 0) {
		json_get_str(d, json_find(d, 0, "msg"), &msg, &ml);
		snprintf(why, why_len, "code %.*s: %.*s",
		    (int)(cl > 16 ? 16 : cl), code, (int)(ml > 100 ? 100 : ml),
		    msg);
		return (-1);
	}
	data = json_find(d, 0, "data");
	if (kucoin_string(d, json_find(d, data, "token"), &tok, &tl) != 0) {
		snprintf(why, why_len, "no token");
		return (-1);
	}
	if ((srv = kucoin_server(d, json_find(d, data, "instanceServers"), &ep,
		 &el)) < 0) {
		snprintf(why, why_len, "no wss:// instance server");
		return (-1);
	}
	if (kucoin_url_put(url, url_len, &off, ep, el, 0) != 0 ||
	    kucoin_url_put(url, url_len, &off,
		memchr(ep, '?', el) != NULL ? "&token=" : "?token=", 7,
		0) != 0 ||
	    kucoin_url_put(url, url_len, &off, tok, tl, 1) != 0 ||
	    kucoin_url_put(url, url_len, &off, "&connectId=", 11, 0) != 0 ||
	    kucoin_url_put(url, url_len, &off, connect_id, strlen(connect_id),
		1) != 0) {
		snprintf(why, why_len, "endpoint or token unusable in a URL");
		return (-1);
	}
	/* Milliseconds; absent: keep the default (ops->ping_interval). */
	if ((t = json_find(d, srv, "pingInterval")) != -1) {
		if (json_get_i64(d, t, &ms) != 0 || ms < 1000 || ms > 600000) {
			snprintf(why, why_len, "bad pingInterval");
			return (-1);
		}
		*ping_interval = (double)ms / 1000.0;
	}
	return (0);
}

int
kucoin_prepared_url(const char *body, size_t len, const char *connect_id,
    char *url, size_t url_len, double *ping_interval, char *why, size_t why_len)
{
	struct json_doc *d;
	int rv;

	/* Cold path, once per connection: 80 KiB of tokens off the stack. */
	if ((d = malloc(sizeof *d)) == NULL) {
		snprintf(why, why_len, "out of memory");
		return (-1);
	}
	rv = kucoin_bullet(d, body, len, connect_id, url, url_len,
	    ping_interval, why, why_len);
	free(d);
	return (rv);
}

/* connectId: anything unique; the welcome message echoes it. */
static int
kucoin_prepared(const char *body, size_t len, char *url, size_t url_len,
    double *ping_interval, char *why, size_t why_len)
{
	struct timespec ts;
	char id[48];

	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(id, sizeof id, "xarb%lld%09ld", (long long)ts.tv_sec,
	    (long)ts.tv_nsec);
	return (kucoin_prepared_url(body, len, id, url, url_len, ping_interval,
	    why, why_len));
}

const struct venue_ops venue_kucoin_ops = {
	.name = "kucoin",
	.id = VENUE_KUCOIN,
	.streams = 1,
	.parse = kucoin_parse,
	.subscribe = kucoin_subscribe,
	.ping = kucoin_ping,
	.ping_interval = 18, /* until the token's pingInterval says */
	.wait_welcome = 1,
	.prepare_method = "POST",
	.prepare_path = "/api/v1/bullet-public",
	.prepared = kucoin_prepared,
};
