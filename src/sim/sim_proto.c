/*
 * The venue protocols the simulator speaks, one table per venue (tmux's
 * cmd_entry shape): what each accepts as a subscribe request and its
 * acks and error acks, its application heartbeat and reply, and its
 * top-of-book and funding pushes, byte for byte in the venue's own
 * format.  Reference: ../shared/protocols/README.md (sections 1-7 and 9)
 * and the recorded frames in protocols/samples/.
 *
 * Decisions where the notes leave a gap (each marked UNVERIFIED there):
 *   - error acks: Bybit "error:handler not found,topic:T" and
 *     "error:already subscribed,topic:T"; OKX 60018 "doesn't exist";
 *     KuCoin {"type":"error","code":404,"data":"topic T is not found"};
 *     Bitget 30001 "... doesn't exist"; Hyperliquid {"channel":"error"};
 *     Paradex JSON-RPC -32602 (unknown channel) and 100 (subscribed
 *     twice); Binance {"error":{"code":2,...},"id":..};
 *   - a KuCoin or Binance request naming one unknown symbol is refused
 *     whole; OKX, Bitget and Bybit judge each arg (Bybit: one ack);
 *   - every channel pushes a snapshot right after its ack (OKX and
 *     Bitget do; KuCoin's funding.rate would wait for the minute);
 *   - Hyperliquid sends no greeting frame and counts only client pings
 *     (the real one also counts our pushes) so that clients must ping.
 *
 * Loop thread only.  Requests are untrusted: anything malformed gets the
 * venue's error, never a crash; echoed text is escaped and cut short.
 */
#include "autoconf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xarb.h"
#include "symbols.h"
#include "sim_proto.h"
#include "sim_venue.h"

#define SIM_ECHO_MAX 64 /* bytes of client text echoed in an error */

/* -- shared ---------------------------------------------------------- */

static struct sim_sb *
proto_sb(struct sim_vconn *vc)
{
	sim_sb_reset(&vc->m->sb);
	return (&vc->m->sb);
}

/* Parses the request into m->doc: 0 if it is a JSON object. */
static int
proto_req(struct sim_vconn *vc, const char *msg, size_t len)
{
	return (json_parse(vc->m->doc, msg, len) == JSON_OK &&
		    json_is_object(vc->m->doc, 0)
		? 0
		: -1);
}

/* Token tok's raw text, escaped for a JSON string and cut short. */
static void
proto_esc_tok(struct sim_sb *b, const struct json_doc *d, int tok)
{
	size_t len;

	if (tok < 0 || tok >= d->n)
		return;
	len = (size_t)(d->tok[tok].end - d->tok[tok].start);
	sim_sb_json(b, d->js + d->tok[tok].start,
	    len > SIM_ECHO_MAX ? SIM_ECHO_MAX : len);
}

static void
proto_esc(struct sim_sb *b, const char *s, size_t len)
{
	sim_sb_json(b, s, len > SIM_ECHO_MAX ? SIM_ECHO_MAX : len);
}

/* A string token's text; 0, or -1 (absent, not a string). */
static int
proto_str(const struct json_doc *d, int tok, const char **s, size_t *len)
{
	if (tok < 0 || tok >= d->n || d->tok[tok].type != JSMN_STRING)
		return (-1);
	return (json_get_str(d, tok, s, len));
}

static int
proto_is(const char *s, size_t len, const char *lit)
{
	return (strlen(lit) == len && memcmp(s, lit, len) == 0);
}

/* Does s start with prefix?  Then *rest is what follows. */
static int
proto_prefix(const char *s, size_t len, const char *pre, const char **rest,
    size_t *rlen)
{
	size_t n = strlen(pre);

	if (len <= n || memcmp(s, pre, n) != 0)
		return (0);
	*rest = s + n;
	*rlen = len - n;
	return (1);
}

/* The numbers every push is made of. */
struct proto_q {
	char bid[32], ask[32], bsz[32], asz[32], mid[32], mark[32];
	char index[32], rate[32];
	int64_t ms, next_ms;
	double midf;
};

static void
proto_fill(struct sim_vconn *vc, inst_id i, const struct pricegen_tick *t,
    struct proto_q *q)
{
	const struct sim_leg *l = sim_vc_leg(vc, i);
	int64_t mid = t->u.bid / 2 + t->u.ask / 2;

	sim_fmt_px(q->bid, l, t->u.bid, -1);
	sim_fmt_px(q->ask, l, t->u.ask, 1);
	sim_fmt_sz(q->bsz, l, t->u.bid_size);
	sim_fmt_sz(q->asz, l, t->u.ask_size);
	sim_fmt_px(q->mid, l, mid, 0);
	/* Mark a hair off mid, index a little more: as venues show them. */
	sim_fmt_px(q->mark, l,
	    mid + mid / 100000 * ((int64_t)sim_vc_rand(vc, 3) - 1), 0);
	sim_fmt_px(q->index, l, mid - mid / 20000, 0);
	sim_fmt_rate(q->rate, t->u.funding);
	q->ms = t->u.exch_ts / NS_PER_MS;
	q->next_ms = t->u.next_funding_ms;
	q->midf = (double)mid / (double)PX_SCALE * (double)l->units;
}

/* A plain decimal for fields that only need to look right ("%.*f"). */
static const char *
proto_dec(char *buf, double v, int prec)
{
	snprintf(buf, 32, "%.*f", prec, v);
	return (buf);
}

/* -- Bybit: /v5/public/linear (README section 1) --------------------- */

static void
bybit_reply(struct sim_vconn *vc, int ok, const char *msg, const char *bad,
    size_t blen, int rid, const char *op)
{
	struct sim_sb *b = proto_sb(vc);

	sim_sb_printf(b, "{\"success\":%s,\"ret_msg\":\"%s",
	    ok ? "true" : "false", msg);
	proto_esc(b, bad, blen);
	sim_sb_printf(b, "\",\"conn_id\":\"%s\",\"req_id\":", vc->id);
	sim_sb_tok(b, vc->m->doc, rid, 1, "\"\"");
	sim_sb_printf(b, ",\"op\":\"%s\"}", op);
	sim_vc_send(vc, 0);
	if (!ok)
		sim_vc_error(vc);
}

/* One topic of a (un)subscribe; NULL if fine, else why not. */
static const char *
bybit_topic(struct sim_vconn *vc, const char *s, size_t len, int on)
{
	const char *sym;
	size_t slen;
	uint8_t bit;
	int i;

	if (proto_prefix(s, len, "orderbook.1.", &sym, &slen))
		bit = SIM_SUB_BBO;
	else if (proto_prefix(s, len, "tickers.", &sym, &slen))
		bit = SIM_SUB_FUND;
	else
		return ("error:handler not found,topic:");
	if ((i = sim_vc_lookup(vc, sym, slen)) < 0)
		return ("error:handler not found,topic:");
	if (on && (vc->inst[i].sub & bit))
		return ("error:already subscribed,topic:");
	if (!on && bit == SIM_SUB_FUND)
		vc->inst[i].snap = 0; /* a new subscription starts over */
	sim_vc_sub(vc, (inst_id)i, bit, on);
	return (NULL);
}

static void
bybit_text(struct sim_vconn *vc, const char *msg, size_t len)
{
	const struct json_doc *d = vc->m->doc;
	const char *why = NULL, *w, *op = "", *bad = "";
	size_t wl, blen = 0;
	int rid = -1, opt, args, t, k, n, on;

	if (proto_req(vc, msg, len) != 0) {
		bybit_reply(vc, 0, "error:request not supported", "", 0, -1,
		    "");
		return;
	}
	rid = json_find(d, 0, "req_id");
	opt = json_find(d, 0, "op");
	if (json_eq(d, opt, "ping")) {
		sim_vc_heartbeat(vc);
		bybit_reply(vc, 1, "pong", "", 0, rid, "ping");
		return;
	}
	on = json_eq(d, opt, "subscribe");
	if (!on && !json_eq(d, opt, "unsubscribe")) {
		if (proto_str(d, opt, &w, &wl) != 0) {
			w = "";
			wl = 0;
		}
		bybit_reply(vc, 0, "error:handler not found,op:", w, wl, rid,
		    "");
		return;
	}
	op = on ? "subscribe" : "unsubscribe";
	args = json_find(d, 0, "args");
	if (!json_is_array(d, args) || (n = json_size(d, args)) == 0) {
		bybit_reply(vc, 0, "error:args invalid", "", 0, rid, op);
		return;
	}
	for (k = 0, t = args + 1; k < n; k++, t = json_skip(d, t)) {
		if (proto_str(d, t, &w, &wl) != 0) {
			why = why != NULL ? why : "error:args invalid";
			continue;
		}
		if ((w = bybit_topic(vc, w, wl, on)) != NULL && why == NULL) {
			why = w;
			proto_str(d, t, &bad, &blen);
		}
	}
	bybit_reply(vc, why == NULL, why != NULL ? why : "", bad, blen, rid,
	    op);
}

static void
bybit_bbo(struct sim_vconn *vc, inst_id i, const struct pricegen_tick *t)
{
	const struct sim_leg *l = sim_vc_leg(vc, i);
	struct sim_sb *b = proto_sb(vc);
	struct proto_q q;

	proto_fill(vc, i, t, &q);
	vc->cs += 1 + sim_vc_rand(vc, 5000);
	sim_sb_printf(b,
	    "{\"topic\":\"orderbook.1.%s\",\"ts\":%lld,\"type\":\"snapshot\","
	    "\"data\":{\"s\":\"%s\",\"b\":[[\"%s\",\"%s\"]],"
	    "\"a\":[[\"%s\",\"%s\"]],\"u\":%llu,\"seq\":%llu},\"cts\":%lld}",
	    l->sym, (long long)q.ms, l->sym, q.bid, q.bsz, q.ask, q.asz,
	    (unsigned long long)++vc->inst[i].seq, (unsigned long long)vc->cs,
	    (long long)(q.ms - 1 - sim_vc_rand(vc, 3)));
	sim_vc_send(vc, 1);
}

/* tickers: one snapshot, then deltas with only what changed. */
static void
bybit_fund(struct sim_vconn *vc, inst_id i, const struct pricegen_tick *t,
    uint8_t bits)
{
	const struct sim_leg *l = sim_vc_leg(vc, i);
	struct sim_vinst *in = &vc->inst[i];
	struct sim_sb *b = proto_sb(vc);
	double base = pricegen_base_price(vc->m->bases[i]) * (double)l->units;
	char p24[32], hi[32], lo[32], oi[32], oiv[32], to[32], vol[32];
	unsigned side;
	struct proto_q q;

	(void)bits;
	proto_fill(vc, i, t, &q);
	vc->cs += 1 + sim_vc_rand(vc, 5000);
	sim_sb_printf(b,
	    "{\"topic\":\"tickers.%s\",\"type\":\"%s\",\"data\":{"
	    "\"symbol\":\"%s\"",
	    l->sym, in->snap ? "delta" : "snapshot", l->sym);
	if (!in->snap) {
		sim_sb_printf(b,
		    ",\"tickDirection\":\"ZeroPlusTick\","
		    "\"price24hPcnt\":\"%s\",\"lastPrice\":\"%s\","
		    "\"prevPrice24h\":\"%.*f\",\"highPrice24h\":\"%s\","
		    "\"lowPrice24h\":\"%s\",\"prevPrice1h\":\"%s\","
		    "\"markPrice\":\"%s\",\"indexPrice\":\"%s\","
		    "\"openInterest\":\"%s\",\"openInterestValue\":\"%s\","
		    "\"turnover24h\":\"%s\",\"volume24h\":\"%s\","
		    "\"nextFundingTime\":\"%lld\",\"fundingRate\":\"%s\","
		    "\"bid1Price\":\"%s\",\"bid1Size\":\"%s\","
		    "\"ask1Price\":\"%s\",\"ask1Size\":\"%s\","
		    "\"deliveryTime\":\"\",\"basisRate\":\"\","
		    "\"deliveryFeeRate\":\"\",\"predictedDeliveryPrice\":\"\","
		    "\"preOpenPrice\":\"\",\"preQty\":\"\","
		    "\"curPreListingPhase\":\"\",\"fundingIntervalHour\":\"%u\","
		    "\"fundingCap\":\"0.005\",\"basisRateYear\":\"\"",
		    proto_dec(p24, (q.midf - base) / base, 6), q.bid,
		    (int)l->px_dec, base,
		    proto_dec(hi, fmax(q.midf, base) * 1.01, (int)l->px_dec),
		    proto_dec(lo, fmin(q.midf, base) * 0.99, (int)l->px_dec),
		    q.mid, q.mark, q.index,
		    proto_dec(oi, 50000.0 / (1 + base / 1e4), 3),
		    proto_dec(oiv, 5e8, 2), proto_dec(to, 4e9, 4),
		    proto_dec(vol, 4e9 / (base > 0 ? base : 1), 4),
		    (long long)q.next_ms, q.rate, q.bid, q.bsz, q.ask, q.asz,
		    t->u.funding_min / 60);
		in->snap = 1;
	} else {
		/* Sometimes one side only, as recorded deltas show. */
		side = sim_vc_rand(vc, 3);
		sim_sb_printf(b, ",\"markPrice\":\"%s\",\"indexPrice\":\"%s\"",
		    q.mark, q.index);
		if (side != 1)
			sim_sb_printf(b,
			    ",\"bid1Price\":\"%s\",\"bid1Size\":\"%s\"", q.bid,
			    q.bsz);
		if (side != 0)
			sim_sb_printf(b,
			    ",\"ask1Price\":\"%s\",\"ask1Size\":\"%s\"", q.ask,
			    q.asz);
		if (t->u.funding != in->funding)
			sim_sb_printf(b, ",\"fundingRate\":\"%s\"", q.rate);
		if (q.next_ms != in->next_ms)
			sim_sb_printf(b, ",\"nextFundingTime\":\"%lld\"",
			    (long long)q.next_ms);
	}
	in->funding = t->u.funding;
	in->next_ms = q.next_ms;
	sim_sb_printf(b, "},\"cs\":%llu,\"ts\":%lld}",
	    (unsigned long long)vc->cs, (long long)q.ms);
	sim_vc_send(vc, 1);
}

static const struct sim_proto sim_proto_bybit = {
	.name = "bybit",
	.venue = VENUE_BYBIT,
	.path = "/v5/public/linear",
	.heartbeat = 600, /* "cut off after 10 minutes" */
	.funding = 0.1,	  /* tickers: 100 ms */
	.text = bybit_text,
	.bbo = bybit_bbo,
	.fund = bybit_fund,
};

/* -- OKX and Bitget: text ping, per-arg acks (README 2, 4) ----------- */

/* The text heartbeat both use: "ping" -> "pong".  1 if it was one. */
static int
proto_text_ping(struct sim_vconn *vc, const char *msg, size_t len)
{
	struct sim_sb *b;

	if (!proto_is(msg, len, "ping"))
		return (0);
	sim_vc_heartbeat(vc);
	b = proto_sb(vc);
	sim_sb_printf(b, "pong");
	sim_vc_send(vc, 0);
	return (1);
}

static void
okx_error(struct sim_vconn *vc, const char *code, const char *msg,
    const char *raw, size_t rlen)
{
	const struct json_doc *d = vc->m->doc;
	int id = raw == NULL ? json_find(d, 0, "id") : -1;
	struct sim_sb *b = proto_sb(vc);

	sim_sb_printf(b, "{");
	if (id != -1) {
		sim_sb_printf(b, "\"id\":");
		sim_sb_tok(b, d, id, 1, "\"\"");
		sim_sb_printf(b, ",");
	}
	sim_sb_printf(b, "\"event\":\"error\",\"code\":\"%s\",\"msg\":\"%s",
	    code, msg);
	if (raw != NULL)
		proto_esc(b, raw, rlen);
	sim_sb_printf(b, "\",\"connId\":\"%.8s\"}", vc->id);
	sim_vc_send(vc, 0);
	sim_vc_error(vc);
}

/* One {"channel":..,"instId":..} arg: its ack or its error. */
static void
okx_arg(struct sim_vconn *vc, int arg, int on)
{
	const struct json_doc *d = vc->m->doc;
	int ch = json_find(d, arg, "channel"),
	    inst = json_find(d, arg, "instId");
	int id = json_find(d, 0, "id"), i = -1;
	const char *s;
	struct sim_sb *b;
	size_t len;
	uint8_t bit = 0;

	if (json_eq(d, ch, "bbo-tbt"))
		bit = SIM_SUB_BBO;
	else if (json_eq(d, ch, "funding-rate"))
		bit = SIM_SUB_FUND;
	if (proto_str(d, inst, &s, &len) == 0)
		i = sim_vc_lookup(vc, s, len);
	b = proto_sb(vc);
	sim_sb_printf(b, "{");
	if (id != -1) {
		sim_sb_printf(b, "\"id\":");
		sim_sb_tok(b, d, id, 1, "\"\"");
		sim_sb_printf(b, ",");
	}
	if (bit == 0 || i < 0) {
		sim_sb_printf(b,
		    "\"event\":\"error\",\"code\":\"60018\","
		    "\"msg\":\"Wrong URL or channel:");
		proto_esc_tok(b, d, ch);
		sim_sb_printf(b, ",instId:");
		proto_esc_tok(b, d, inst);
		sim_sb_printf(b,
		    " doesn't exist. Please use the correct URL, channel and "
		    "parameters referring to API document.\",\"connId\":"
		    "\"%.8s\"}",
		    vc->id);
		sim_vc_send(vc, 0);
		sim_vc_error(vc);
		return;
	}
	sim_vc_sub(vc, (inst_id)i, bit, on);
	sim_sb_printf(b,
	    "\"event\":\"%s\",\"arg\":{\"channel\":\"%s\",\"instId\":\"%s\"},"
	    "\"connId\":\"%.8s\"}",
	    on ? "subscribe" : "unsubscribe",
	    bit == SIM_SUB_BBO ? "bbo-tbt" : "funding-rate",
	    sim_vc_leg(vc, (inst_id)i)->sym, vc->id);
	sim_vc_send(vc, 0);
}

static void
okx_text(struct sim_vconn *vc, const char *msg, size_t len)
{
	const struct json_doc *d = vc->m->doc;
	int op, args, t, k, n, on;

	if (proto_text_ping(vc, msg, len))
		return;
	if (proto_req(vc, msg, len) != 0) {
		okx_error(vc, "60012", "Invalid request: ", msg, len);
		return;
	}
	op = json_find(d, 0, "op");
	on = json_eq(d, op, "subscribe");
	args = json_find(d, 0, "args");
	if ((!on && !json_eq(d, op, "unsubscribe")) ||
	    !json_is_array(d, args) || (n = json_size(d, args)) == 0) {
		okx_error(vc, "60012", "Invalid request: ", msg, len);
		return;
	}
	for (k = 0, t = args + 1; k < n; k++, t = json_skip(d, t))
		okx_arg(vc, t, on);
}

static void
okx_bbo(struct sim_vconn *vc, inst_id i, const struct pricegen_tick *t)
{
	const struct sim_leg *l = sim_vc_leg(vc, i);
	struct sim_sb *b = proto_sb(vc);
	struct proto_q q;

	proto_fill(vc, i, t, &q);
	sim_sb_printf(b,
	    "{\"arg\":{\"channel\":\"bbo-tbt\",\"instId\":\"%s\"},\"data\":"
	    "[{\"asks\":[[\"%s\",\"%s\",\"0\",\"%u\"]],"
	    "\"bids\":[[\"%s\",\"%s\",\"0\",\"%u\"]],\"ts\":\"%lld\","
	    "\"seqId\":%llu}]}",
	    l->sym, q.ask, q.asz, 1 + sim_vc_rand(vc, 30), q.bid, q.bsz,
	    1 + sim_vc_rand(vc, 30), (long long)q.ms,
	    (unsigned long long)++vc->inst[i].seq);
	sim_vc_send(vc, 1);
}

static void
okx_fund(struct sim_vconn *vc, inst_id i, const struct pricegen_tick *t,
    uint8_t bits)
{
	const struct sim_leg *l = sim_vc_leg(vc, i);
	struct sim_sb *b = proto_sb(vc);
	char prem[32];
	struct proto_q q;

	(void)bits;
	proto_fill(vc, i, t, &q);
	sim_sb_printf(b,
	    "{\"arg\":{\"channel\":\"funding-rate\",\"instId\":\"%s\"},"
	    "\"data\":[{\"formulaType\":\"noRate\",\"fundingRate\":\"%s\","
	    "\"fundingTime\":\"%lld\",\"impactValue\":\"\",\"instId\":\"%s\","
	    "\"instType\":\"SWAP\",\"interestRate\":\"0.0001\","
	    "\"maxFundingRate\":\"0.00375\",\"method\":\"current_period\","
	    "\"minFundingRate\":\"-0.00375\",\"nextFundingRate\":\"\","
	    "\"nextFundingTime\":\"%lld\",\"premium\":\"%s\","
	    "\"settFundingRate\":\"%s\",\"settState\":\"settled\","
	    "\"ts\":\"%lld\"}]}",
	    l->sym, q.rate, (long long)q.next_ms, l->sym,
	    (long long)q.next_ms + (long long)t->u.funding_min * 60000,
	    proto_dec(prem, (double)t->u.funding / (double)RATE_SCALE * 0.8,
		10),
	    q.rate, (long long)q.ms);
	sim_vc_send(vc, 1);
}

static const struct sim_proto sim_proto_okx = {
	.name = "okx",
	.venue = VENUE_OKX,
	.path = "/ws/v5/public",
	.heartbeat = 30,
	.funding = 30, /* "pushed in 30s to 90s" */
	.text = okx_text,
	.bbo = okx_bbo,
	.fund = okx_fund,
};

/* -- KuCoin Futures: bullet token, welcome, JSON ping (README 3) ----- */

static void
kucoin_open(struct sim_vconn *vc, const char *path, size_t plen,
    const char *query, size_t qlen)
{
	struct sim_sb *b;
	const char *v;
	size_t vlen, k;

	(void)path;
	(void)plen;
	/* The welcome's id is the connectId the client chose, if sane. */
	if (sim_query(query, qlen, "connectId", &v, &vlen) == 0 && vlen > 0 &&
	    vlen < sizeof vc->id) {
		for (k = 0; k < vlen; k++)
			if (!((v[k] >= '0' && v[k] <= '9') ||
				(v[k] >= 'A' && v[k] <= 'Z') ||
				(v[k] >= 'a' && v[k] <= 'z') || v[k] == '-' ||
				v[k] == '_'))
				break;
		if (k == vlen)
			snprintf(vc->id, sizeof vc->id, "%.*s", (int)vlen, v);
	}
	b = proto_sb(vc);
	sim_sb_printf(b, "{\"id\":\"%s\",\"type\":\"welcome\"}", vc->id);
	sim_vc_send(vc, 0);
}

/* An ack, a pong, or an error whose data is data + token tok + tail. */
static void
kucoin_reply(struct sim_vconn *vc, int id, const char *type, unsigned code,
    const char *data, int tok, const char *tail)
{
	struct sim_sb *b = proto_sb(vc);

	sim_sb_printf(b, "{\"id\":");
	sim_sb_tok(b, vc->m->doc, id, 1, "\"\"");
	sim_sb_printf(b, ",\"type\":\"%s\"", type);
	if (code != 0) {
		sim_sb_printf(b, ",\"code\":%u,\"data\":\"%s", code, data);
		proto_esc_tok(b, vc->m->doc, tok);
		sim_sb_printf(b, "%s\"", tail);
		sim_vc_error(vc);
	}
	sim_sb_printf(b, "}");
	sim_vc_send(vc, 0);
}

/*
 * "/contractMarket/tickerV2:A,B" or "/contract/instrument:A,B": every
 * symbol must exist, or nothing is (un)subscribed.  0 or -1.
 */
static int
kucoin_topic(struct sim_vconn *vc, const char *s, size_t len, int on)
{
	const char *syms, *p, *end, *comma;
	size_t slen;
	uint8_t bit;
	int pass, i;

	if (proto_prefix(s, len, "/contractMarket/tickerV2:", &syms, &slen))
		bit = SIM_SUB_BBO;
	else if (proto_prefix(s, len, "/contract/instrument:", &syms, &slen))
		bit = SIM_SUB_FUND;
	else
		return (-1);
	end = syms + slen;
	for (pass = 0; pass < 2; pass++) {
		for (p = syms; p <= end; p = comma + 1) {
			if ((comma = memchr(p, ',', (size_t)(end - p))) == NULL)
				comma = end;
			if ((i = sim_vc_lookup(vc, p, (size_t)(comma - p))) < 0)
				return (-1);
			if (pass == 1)
				sim_vc_sub(vc, (inst_id)i, bit, on);
		}
	}
	return (0);
}

static void
kucoin_text(struct sim_vconn *vc, const char *msg, size_t len)
{
	const struct json_doc *d = vc->m->doc;
	const char *s;
	size_t slen;
	int id, type, topic, resp, on, flag = 0;

	if (proto_req(vc, msg, len) != 0) {
		kucoin_reply(vc, -1, "error", 400, "request is invalid", -1,
		    "");
		return;
	}
	id = json_find(d, 0, "id");
	type = json_find(d, 0, "type");
	if (json_eq(d, type, "ping")) {
		sim_vc_heartbeat(vc);
		kucoin_reply(vc, id, "pong", 0, NULL, -1, "");
		return;
	}
	on = json_eq(d, type, "subscribe");
	if (!on && !json_eq(d, type, "unsubscribe")) {
		kucoin_reply(vc, id, "error", 400, "type is invalid", -1, "");
		return;
	}
	topic = json_find(d, 0, "topic");
	if (proto_str(d, topic, &s, &slen) != 0 ||
	    kucoin_topic(vc, s, slen, on) != 0) {
		kucoin_reply(vc, id, "error", 404, "topic ", topic,
		    " is not found");
		return;
	}
	resp = json_find(d, 0, "response");
	if (json_get_bool(d, resp, &flag) == 0 && flag)
		kucoin_reply(vc, id, "ack", 0, NULL, -1, "");
}

/* Sizes in lots, prices as strings, ts in nanoseconds. */
static void
kucoin_bbo(struct sim_vconn *vc, inst_id i, const struct pricegen_tick *t)
{
	const struct sim_leg *l = sim_vc_leg(vc, i);
	struct sim_sb *b = proto_sb(vc);
	unsigned long long seq = ++vc->inst[i].seq;
	struct proto_q q;

	proto_fill(vc, i, t, &q);
	sim_sb_printf(b,
	    "{\"topic\":\"/contractMarket/tickerV2:%s\",\"type\":\"message\","
	    "\"subject\":\"tickerV2\",\"sn\":%llu,\"data\":{\"symbol\":\"%s\","
	    "\"sequence\":%llu,\"bestBidSize\":%s,\"bestBidPrice\":\"%s\","
	    "\"bestAskPrice\":\"%s\",\"bestAskSize\":%s,\"ts\":%lld}}",
	    l->sym, seq, l->sym, seq, q.bsz, q.bid, q.ask, q.asz,
	    (long long)t->u.exch_ts);
	sim_vc_send(vc, 1);
}

/* funding.rate (a JSON number, the 1-minute prediction) and the mark. */
static void
kucoin_fund(struct sim_vconn *vc, inst_id i, const struct pricegen_tick *t,
    uint8_t bits)
{
	const struct sim_leg *l = sim_vc_leg(vc, i);
	struct sim_sb *b = proto_sb(vc);
	struct proto_q q;

	(void)bits;
	proto_fill(vc, i, t, &q);
	sim_sb_printf(b,
	    "{\"topic\":\"/contract/instrument:%s\",\"type\":\"message\","
	    "\"subject\":\"funding.rate\",\"data\":{\"granularity\":60000,"
	    "\"fundingRate\":%s,\"timestamp\":%lld}}",
	    l->sym, q.rate, (long long)q.ms / 60000 * 60000);
	if (sim_vc_send(vc, 1) != 0)
		return;
	b = proto_sb(vc);
	sim_sb_printf(b,
	    "{\"topic\":\"/contract/instrument:%s\",\"type\":\"message\","
	    "\"subject\":\"mark.index.price\",\"data\":{\"markPrice\":%s,"
	    "\"indexPrice\":%s,\"granularity\":1000,\"timestamp\":%lld}}",
	    l->sym, q.mark, q.index, (long long)q.ms / 1000 * 1000);
	sim_vc_send(vc, 1);
}

static const struct sim_proto sim_proto_kucoin = {
	.name = "kucoin",
	.venue = VENUE_KUCOIN,
	.path = "/",
	.heartbeat = 60,
	.funding = 60, /* funding.rate "1min" */
	.open = kucoin_open,
	.text = kucoin_text,
	.bbo = kucoin_bbo,
	.fund = kucoin_fund,
};

/* -- Bitget v2: books1 and ticker, always snapshots (README 4) ------- */

static void
bitget_arg(struct sim_vconn *vc, int arg, int on)
{
	const struct json_doc *d = vc->m->doc;
	int ch = json_find(d, arg, "channel"),
	    inst = json_find(d, arg, "instId");
	int it = json_find(d, arg, "instType"), i = -1;
	struct sim_sb *b;
	const char *s;
	size_t len;
	uint8_t bit = 0;

	if (json_eq(d, ch, "books1"))
		bit = SIM_SUB_BBO;
	else if (json_eq(d, ch, "ticker"))
		bit = SIM_SUB_FUND;
	if (json_eq(d, it, "USDT-FUTURES") && proto_str(d, inst, &s, &len) == 0)
		i = sim_vc_lookup(vc, s, len);
	b = proto_sb(vc);
	if (bit == 0 || i < 0) {
		sim_sb_printf(b,
		    "{\"event\":\"error\",\"arg\":{\"instType\":\"");
		proto_esc_tok(b, d, it);
		sim_sb_printf(b, "\",\"channel\":\"");
		proto_esc_tok(b, d, ch);
		sim_sb_printf(b, "\",\"instId\":\"");
		proto_esc_tok(b, d, inst);
		sim_sb_printf(b, "\"},\"code\":30001,\"msg\":\"instType:");
		proto_esc_tok(b, d, it);
		sim_sb_printf(b, ",channel:");
		proto_esc_tok(b, d, ch);
		sim_sb_printf(b, ",instId:");
		proto_esc_tok(b, d, inst);
		sim_sb_printf(b, " doesn't exist\",\"op\":\"%s\"}",
		    on ? "subscribe" : "unsubscribe");
		sim_vc_send(vc, 0);
		sim_vc_error(vc);
		return;
	}
	sim_vc_sub(vc, (inst_id)i, bit, on);
	sim_sb_printf(b,
	    "{\"event\":\"%s\",\"arg\":{\"instType\":\"USDT-FUTURES\","
	    "\"channel\":\"%s\",\"instId\":\"%s\"}}",
	    on ? "subscribe" : "unsubscribe",
	    bit == SIM_SUB_BBO ? "books1" : "ticker",
	    sim_vc_leg(vc, (inst_id)i)->sym);
	sim_vc_send(vc, 0);
}

static void
bitget_error(struct sim_vconn *vc, unsigned code, const char *msg)
{
	struct sim_sb *b = proto_sb(vc);

	sim_sb_printf(b, "{\"event\":\"error\",\"code\":%u,\"msg\":\"%s\"}",
	    code, msg);
	sim_vc_send(vc, 0);
	sim_vc_error(vc);
}

static void
bitget_text(struct sim_vconn *vc, const char *msg, size_t len)
{
	const struct json_doc *d = vc->m->doc;
	int op, args, t, k, n, on;

	if (proto_text_ping(vc, msg, len))
		return;
	if (proto_req(vc, msg, len) != 0) {
		bitget_error(vc, 30016, "param error");
		return;
	}
	op = json_find(d, 0, "op");
	on = json_eq(d, op, "subscribe");
	if (!on && !json_eq(d, op, "unsubscribe")) {
		bitget_error(vc, 30003, "invalid op");
		return;
	}
	args = json_find(d, 0, "args");
	if (!json_is_array(d, args) || (n = json_size(d, args)) == 0) {
		bitget_error(vc, 30016, "param error");
		return;
	}
	for (k = 0, t = args + 1; k < n; k++, t = json_skip(d, t))
		bitget_arg(vc, t, on);
}

static void
bitget_bbo(struct sim_vconn *vc, inst_id i, const struct pricegen_tick *t)
{
	const struct sim_leg *l = sim_vc_leg(vc, i);
	struct sim_sb *b = proto_sb(vc);
	struct proto_q q;

	proto_fill(vc, i, t, &q);
	sim_sb_printf(b,
	    "{\"action\":\"snapshot\",\"arg\":{\"instType\":\"USDT-FUTURES\","
	    "\"channel\":\"books1\",\"instId\":\"%s\"},\"data\":[{"
	    "\"asks\":[[\"%s\",\"%s\"]],\"bids\":[[\"%s\",\"%s\"]],"
	    "\"checksum\":0,\"ts\":\"%lld\"}],\"ts\":%lld}",
	    l->sym, q.ask, q.asz, q.bid, q.bsz, (long long)q.ms,
	    (long long)q.ms + 1);
	sim_vc_send(vc, 1);
}

static void
bitget_fund(struct sim_vconn *vc, inst_id i, const struct pricegen_tick *t,
    uint8_t bits)
{
	const struct sim_leg *l = sim_vc_leg(vc, i);
	struct sim_sb *b = proto_sb(vc);
	double base = pricegen_base_price(vc->m->bases[i]) * (double)l->units;
	char chg[32], hi[32], lo[32], hold[32], bv[32], qv[32];
	struct proto_q q;

	(void)bits;
	proto_fill(vc, i, t, &q);
	sim_sb_printf(b,
	    "{\"action\":\"snapshot\",\"arg\":{\"instType\":\"USDT-FUTURES\","
	    "\"channel\":\"ticker\",\"instId\":\"%s\"},\"data\":[{"
	    "\"instId\":\"%s\",\"lastPr\":\"%s\",\"bidPr\":\"%s\","
	    "\"askPr\":\"%s\",\"bidSz\":\"%s\",\"askSz\":\"%s\","
	    "\"open24h\":\"%.*f\",\"high24h\":\"%s\",\"low24h\":\"%s\","
	    "\"change24h\":\"%s\",\"fundingRate\":\"%s\","
	    "\"nextFundingTime\":\"%lld\",\"markPrice\":\"%s\","
	    "\"indexPrice\":\"%s\",\"holdingAmount\":\"%s\","
	    "\"baseVolume\":\"%s\",\"quoteVolume\":\"%s\","
	    "\"openUtc\":\"%.*f\",\"symbolType\":\"1\",\"symbol\":\"%s\","
	    "\"deliveryPrice\":\"0\",\"ts\":\"%lld\"}],\"ts\":%lld}",
	    l->sym, l->sym, q.bid, q.bid, q.ask, q.bsz, q.asz, (int)l->px_dec,
	    base, proto_dec(hi, fmax(q.midf, base) * 1.01, (int)l->px_dec),
	    proto_dec(lo, fmin(q.midf, base) * 0.99, (int)l->px_dec),
	    proto_dec(chg, (q.midf - base) / base, 5), q.rate,
	    (long long)q.next_ms, q.mark, q.index,
	    proto_dec(hold, 1e6 / (base > 0 ? base : 1), 1),
	    proto_dec(bv, 3e9 / (base > 0 ? base : 1), 1),
	    proto_dec(qv, 3e9, 5), (int)l->px_dec, base, l->sym,
	    (long long)q.ms, (long long)q.ms + 2);
	sim_vc_send(vc, 1);
}

static const struct sim_proto sim_proto_bitget = {
	.name = "bitget",
	.venue = VENUE_BITGET,
	.path = "/v2/ws/public",
	.heartbeat = 120, /* "no ping for 2 min" */
	.funding = 0.4,	  /* ticker: 300-400 ms */
	.text = bitget_text,
	.bbo = bitget_bbo,
	.fund = bitget_fund,
};

/* -- Hyperliquid: bbo and activeAssetCtx (README 5) ------------------ */

static void
hyperliquid_error(struct sim_vconn *vc, const char *what, int tok)
{
	struct sim_sb *b = proto_sb(vc);

	sim_sb_printf(b, "{\"channel\":\"error\",\"data\":\"%s", what);
	proto_esc_tok(b, vc->m->doc, tok);
	sim_sb_printf(b, "\"}");
	sim_vc_send(vc, 0);
	sim_vc_error(vc);
}

static void
hyperliquid_text(struct sim_vconn *vc, const char *msg, size_t len)
{
	const struct json_doc *d = vc->m->doc;
	struct sim_sb *b;
	const char *s;
	size_t slen;
	int method, sub, type, coin, on, i = -1;
	uint8_t bit = 0;

	if (proto_req(vc, msg, len) != 0) {
		b = proto_sb(vc);
		sim_sb_printf(b,
		    "{\"channel\":\"error\",\"data\":\"Error "
		    "parsing JSON into valid websocket request: ");
		proto_esc(b, msg, len);
		sim_sb_printf(b, "\"}");
		sim_vc_send(vc, 0);
		sim_vc_error(vc);
		return;
	}
	method = json_find(d, 0, "method");
	if (json_eq(d, method, "ping")) {
		sim_vc_heartbeat(vc);
		b = proto_sb(vc);
		sim_sb_printf(b, "{\"channel\":\"pong\"}");
		sim_vc_send(vc, 0);
		return;
	}
	on = json_eq(d, method, "subscribe");
	sub = json_find(d, 0, "subscription");
	if (!on && !json_eq(d, method, "unsubscribe")) {
		hyperliquid_error(vc,
		    "Error parsing JSON into valid websocket request: ", 0);
		return;
	}
	type = json_find(d, sub, "type");
	coin = json_find(d, sub, "coin");
	if (json_eq(d, type, "bbo"))
		bit = SIM_SUB_BBO;
	else if (json_eq(d, type, "activeAssetCtx"))
		bit = SIM_SUB_FUND;
	if (proto_str(d, coin, &s, &slen) == 0)
		i = sim_vc_lookup(vc, s, slen);
	if (bit == 0 || i < 0) {
		hyperliquid_error(vc, "Invalid subscription ", sub);
		return;
	}
	if (on == ((vc->inst[i].sub & bit) != 0)) {
		hyperliquid_error(vc,
		    on ? "Already subscribed: " : "Already unsubscribed: ",
		    sub);
		return;
	}
	sim_vc_sub(vc, (inst_id)i, bit, on);
	b = proto_sb(vc);
	sim_sb_printf(b,
	    "{\"channel\":\"subscriptionResponse\",\"data\":{\"method\":\"%s\","
	    "\"subscription\":{\"type\":\"%s\",\"coin\":\"%s\"}}}",
	    on ? "subscribe" : "unsubscribe",
	    bit == SIM_SUB_BBO ? "bbo" : "activeAssetCtx",
	    sim_vc_leg(vc, (inst_id)i)->sym);
	sim_vc_send(vc, 0);
}

/* [bid, ask] levels; now and then one side is null (an empty side). */
static void
hyperliquid_bbo(struct sim_vconn *vc, inst_id i, const struct pricegen_tick *t)
{
	const struct sim_leg *l = sim_vc_leg(vc, i);
	struct sim_sb *b = proto_sb(vc);
	unsigned empty = sim_vc_rand(vc, 100); /* 0: no bid, 1: no ask */
	struct proto_q q;

	proto_fill(vc, i, t, &q);
	sim_sb_printf(b,
	    "{\"channel\":\"bbo\",\"data\":{\"coin\":\"%s\","
	    "\"time\":%lld,\"bbo\":[",
	    l->sym, (long long)q.ms);
	if (empty == 0)
		sim_sb_printf(b, "null");
	else
		sim_sb_printf(b, "{\"px\":\"%s\",\"sz\":\"%s\",\"n\":%u}",
		    q.bid, q.bsz, 1 + sim_vc_rand(vc, 20));
	if (empty == 1)
		sim_sb_printf(b, ",null]}}");
	else
		sim_sb_printf(b, ",{\"px\":\"%s\",\"sz\":\"%s\",\"n\":%u}]}}",
		    q.ask, q.asz, 1 + sim_vc_rand(vc, 20));
	sim_vc_send(vc, 1);
}

/* activeAssetCtx: the hourly funding rate, and the rest of the context. */
static void
hyperliquid_fund(struct sim_vconn *vc, inst_id i, const struct pricegen_tick *t,
    uint8_t bits)
{
	const struct sim_leg *l = sim_vc_leg(vc, i);
	struct sim_sb *b = proto_sb(vc);
	double base = pricegen_base_price(vc->m->bases[i]) * (double)l->units;
	char oi[32], ntl[32], prem[32], bv[32];
	struct proto_q q;

	(void)bits;
	proto_fill(vc, i, t, &q);
	sim_sb_printf(b,
	    "{\"channel\":\"activeAssetCtx\",\"data\":{\"coin\":\"%s\","
	    "\"ctx\":{\"funding\":\"%s\",\"openInterest\":\"%s\","
	    "\"prevDayPx\":\"%.*f\",\"dayNtlVlm\":\"%s\",\"premium\":\"%s\","
	    "\"oraclePx\":\"%s\",\"markPx\":\"%s\",\"midPx\":\"%s\","
	    "\"impactPxs\":[\"%s\",\"%s\"],\"dayBaseVlm\":\"%s\"}}}",
	    l->sym, q.rate, proto_dec(oi, 2e7 / (base > 0 ? base : 1), 4),
	    (int)l->px_dec, base, proto_dec(ntl, 1.5e9, 4),
	    proto_dec(prem, (double)t->u.funding / (double)RATE_SCALE * 0.5,
		10),
	    q.index, q.mark, q.mid, q.bid, q.ask,
	    proto_dec(bv, 1.5e9 / (base > 0 ? base : 1), 5));
	sim_vc_send(vc, 1);
}

static const struct sim_proto sim_proto_hyperliquid = {
	.name = "hyperliquid",
	.venue = VENUE_HYPERLIQUID,
	.path = "/ws",
	.heartbeat = 60,
	.funding = 1,
	.text = hyperliquid_text,
	.bbo = hyperliquid_bbo,
	.fund = hyperliquid_fund,
};

/* -- Paradex: JSON-RPC 2.0, server pings (README 6) ------------------ */

static void
paradex_times(struct sim_sb *b, int64_t us_in)
{
	int64_t out = sim_now_ns() / NS_PER_US;

	sim_sb_printf(b, ",\"usIn\":%lld,\"usOut\":%lld,\"usDiff\":%lld",
	    (long long)us_in, (long long)out, (long long)(out - us_in));
}

static void
paradex_error(struct sim_vconn *vc, int64_t us_in, int id, int code,
    const char *message, const char *data, int tok)
{
	struct sim_sb *b = proto_sb(vc);

	sim_sb_printf(b,
	    "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":%d,"
	    "\"message\":\"%s\"",
	    code, message);
	if (data != NULL) {
		sim_sb_printf(b, ",\"data\":\"%s", data);
		proto_esc_tok(b, vc->m->doc, tok);
		sim_sb_printf(b, "\"");
	}
	sim_sb_printf(b, "}");
	paradex_times(b, us_in);
	sim_sb_printf(b, ",\"id\":");
	sim_sb_tok(b, vc->m->doc, id, 0, "null");
	sim_sb_printf(b, "}");
	sim_vc_send(vc, 0);
	sim_vc_error(vc);
}

static void
paradex_text(struct sim_vconn *vc, const char *msg, size_t len)
{
	const struct json_doc *d = vc->m->doc;
	int64_t us_in = sim_now_ns() / NS_PER_US;
	struct sim_sb *b;
	const char *s, *mkt;
	size_t slen, mlen;
	int method, ch, id, on, i = -1;
	uint8_t bit = 0;

	if (proto_req(vc, msg, len) != 0) {
		paradex_error(vc, us_in, -1, -32700, "Parse error", NULL, -1);
		return;
	}
	id = json_find(d, 0, "id");
	method = json_find(d, 0, "method");
	on = json_eq(d, method, "subscribe");
	if (!on && !json_eq(d, method, "unsubscribe")) {
		paradex_error(vc, us_in, id, -32601, "method does not exist",
		    NULL, -1);
		return;
	}
	ch = json_find(d, json_find(d, 0, "params"), "channel");
	if (proto_str(d, ch, &s, &slen) == 0) {
		if (proto_prefix(s, slen, "bbo.", &mkt, &mlen))
			bit = SIM_SUB_BBO;
		else if (proto_prefix(s, slen, "funding_data.", &mkt, &mlen))
			bit = SIM_SUB_FUND;
		if (bit != 0)
			i = sim_vc_lookup(vc, mkt, mlen);
	}
	if (bit == 0 || i < 0) {
		paradex_error(vc, us_in, id, -32602, "Invalid parameters",
		    "unknown channel ", ch);
		return;
	}
	if (on == ((vc->inst[i].sub & bit) != 0)) {
		paradex_error(vc, us_in, id, 100, "Method error",
		    on ? "already subscribed to " : "not subscribed to ", ch);
		return;
	}
	sim_vc_sub(vc, (inst_id)i, bit, on);
	b = proto_sb(vc);
	sim_sb_printf(b,
	    "{\"jsonrpc\":\"2.0\",\"result\":{\"channel\":\"%s.%s\"}",
	    bit == SIM_SUB_BBO ? "bbo" : "funding_data",
	    sim_vc_leg(vc, (inst_id)i)->sym);
	paradex_times(b, us_in);
	sim_sb_printf(b, ",\"id\":");
	sim_sb_tok(b, d, id, 0, "null");
	sim_sb_printf(b, "}");
	sim_vc_send(vc, 0);
}

static void
paradex_bbo(struct sim_vconn *vc, inst_id i, const struct pricegen_tick *t)
{
	const struct sim_leg *l = sim_vc_leg(vc, i);
	struct sim_sb *b = proto_sb(vc);
	struct proto_q q;

	proto_fill(vc, i, t, &q);
	sim_sb_printf(b,
	    "{\"jsonrpc\":\"2.0\",\"method\":\"subscription\",\"params\":{"
	    "\"channel\":\"bbo.%s\",\"data\":{\"market\":\"%s\","
	    "\"seq_no\":%llu,\"ask\":\"%s\",\"ask_size\":\"%s\","
	    "\"bid\":\"%s\",\"bid_size\":\"%s\",\"last_updated_at\":%lld}}}",
	    l->sym, l->sym, (unsigned long long)++vc->inst[i].seq, q.ask, q.asz,
	    q.bid, q.bsz, (long long)q.ms);
	sim_vc_send(vc, 1);
}

/* Continuous funding: the index accrues, the rate is quoted per 8 h. */
static void
paradex_fund(struct sim_vconn *vc, inst_id i, const struct pricegen_tick *t,
    uint8_t bits)
{
	const struct sim_leg *l = sim_vc_leg(vc, i);
	struct sim_vinst *in = &vc->inst[i];
	struct sim_sb *b = proto_sb(vc);
	double rate = (double)t->u.funding / (double)RATE_SCALE;
	char idx[32], prem[32], r8[32], ipr[32];
	struct proto_q q;

	(void)bits;
	proto_fill(vc, i, t, &q);
	if (in->index == 0)
		in->index = q.midf * 0.4;
	in->index += q.midf * rate * vc->ep->funding / 28800.0;
	sim_sb_printf(b,
	    "{\"jsonrpc\":\"2.0\",\"method\":\"subscription\",\"params\":{"
	    "\"channel\":\"funding_data.%s\",\"data\":{\"market\":\"%s\","
	    "\"funding_index\":\"%s\",\"funding_premium\":\"%s\","
	    "\"funding_rate\":\"%s\",\"funding_rate_8h\":\"%s\","
	    "\"funding_period_hours\":%u,\"created_at\":%lld,"
	    "\"impact_premium_rate\":\"%s\"}}}",
	    l->sym, l->sym, proto_dec(idx, in->index, 10),
	    proto_dec(prem, q.midf * rate, 10), q.rate,
	    proto_dec(r8,
		rate * 480.0 / (t->u.funding_min > 0 ? t->u.funding_min : 480),
		8),
	    t->u.funding_min / 60, (long long)q.ms,
	    proto_dec(ipr, rate * 0.9, 10));
	sim_vc_send(vc, 1);
}

static const struct sim_proto sim_proto_paradex = {
	.name = "paradex",
	.venue = VENUE_PARADEX,
	.path = "/v1",
	.heartbeat = 5, /* the pong deadline */
	.ping = 55,
	.funding = 1,
	.text = paradex_text,
	.bbo = paradex_bbo,
	.fund = paradex_fund,
};

/* -- Binance USD-M: /public bookTicker, /market markPrice (README 7) - */

static const struct sim_proto sim_proto_binance_market;

static int
binance_market(const struct sim_vconn *vc)
{
	return (vc->proto == &sim_proto_binance_market);
}

/*
 * A stream name: "btcusdt@bookTicker" (public), "btcusdt@markPrice",
 * "btcusdt@markPrice@1s", "!markPrice@arr[@1s]" (market).  Sets *i
 * (INST_NONE for the array) and *bit; 0, or -1 if unknown here.
 */
static int
binance_stream(const struct sim_vconn *vc, const char *s, size_t len,
    inst_id *i, uint8_t *bit)
{
	const char *at = memchr(s, '@', len);
	int k;

	if (binance_market(vc) &&
	    (proto_is(s, len, "!markPrice@arr") ||
		proto_is(s, len, "!markPrice@arr@1s"))) {
		*i = INST_NONE;
		*bit = len == 14 ? SIM_SUB_FUND3 : SIM_SUB_FUND;
		return (0);
	}
	if (at == NULL || (k = sim_vc_lookup(vc, s, (size_t)(at - s))) < 0)
		return (-1);
	*i = (inst_id)k;
	len -= (size_t)(at - s);
	if (!binance_market(vc) && proto_is(at, len, "@bookTicker"))
		*bit = SIM_SUB_BBO;
	else if (binance_market(vc) && proto_is(at, len, "@markPrice"))
		*bit = SIM_SUB_FUND3;
	else if (binance_market(vc) && proto_is(at, len, "@markPrice@1s"))
		*bit = SIM_SUB_FUND;
	else
		return (-1);
	return (0);
}

/* Streams named in the URL: /ws/<s1>/<s2> or /stream?streams=<s1>/<s2>. */
static void
binance_open(struct sim_vconn *vc, const char *path, size_t plen,
    const char *query, size_t qlen)
{
	const char *base = sim_venue_path(vc->ep->spec), *s, *end, *slash;
	size_t blen = strlen(base), slen;
	uint8_t bit;
	inst_id i;

	if (plen > blen && memcmp(path, base, blen) == 0) {
		s = path + blen + 1;
		end = path + plen;
	} else if (plen >= 7 && memcmp(path + plen - 7, "/stream", 7) == 0 &&
	    sim_query(query, qlen, "streams", &s, &slen) == 0) {
		vc->combined = 1;
		end = s + slen;
	} else
		return;
	for (; s < end; s = slash + 1) {
		if ((slash = memchr(s, '/', (size_t)(end - s))) == NULL)
			slash = end;
		/* Unknown streams in a URL are ignored, as Binance does. */
		if (binance_stream(vc, s, (size_t)(slash - s), &i, &bit) == 0)
			sim_vc_sub(vc, i, bit, 1);
	}
}

/* {"error":{"code":..,"msg":"msg + what + tail"},"id":..} */
static void
binance_reply_error(struct sim_vconn *vc, int id, unsigned code,
    const char *msg, int what, const char *tail)
{
	struct sim_sb *b = proto_sb(vc);

	sim_sb_printf(b, "{\"error\":{\"code\":%u,\"msg\":\"%s", code, msg);
	proto_esc_tok(b, vc->m->doc, what);
	sim_sb_printf(b, "%s\"},\"id\":", tail);
	sim_sb_tok(b, vc->m->doc, id, 0, "null");
	sim_sb_printf(b, "}");
	sim_vc_send(vc, 0);
	sim_vc_error(vc);
}

/* The stream names a session pushes, for LIST_SUBSCRIPTIONS. */
static void
binance_list(struct sim_vconn *vc, struct sim_sb *b)
{
	static const struct {
		uint8_t bit;
		const char *suffix;
	} kinds[] = {
		{ SIM_SUB_BBO, "@bookTicker" },
		{ SIM_SUB_FUND, "@markPrice@1s" },
		{ SIM_SUB_FUND3, "@markPrice" },
	};
	const char *sep = "";
	unsigned i;
	size_t k;

	for (i = 0; i < vc->m->ninst; i++) {
		for (k = 0; k < nitems(kinds); k++) {
			if ((vc->inst[i].sub & kinds[k].bit) == 0)
				continue;
			sim_sb_printf(b, "%s\"%s%s\"", sep,
			    sim_vc_leg(vc, (inst_id)i)->lower, kinds[k].suffix);
			sep = ",";
		}
	}
	if (vc->allmark & SIM_SUB_FUND) {
		sim_sb_printf(b, "%s\"!markPrice@arr@1s\"", sep);
		sep = ",";
	}
	if (vc->allmark & SIM_SUB_FUND3)
		sim_sb_printf(b, "%s\"!markPrice@arr\"", sep);
}

static void
binance_text(struct sim_vconn *vc, const char *msg, size_t len)
{
	const struct json_doc *d = vc->m->doc;
	const char *s;
	struct sim_sb *b;
	size_t slen;
	int method, params, id, k, n, t, pass, on;
	uint8_t bit;
	inst_id i;

	if (proto_req(vc, msg, len) != 0) {
		binance_reply_error(vc, -1, 3,
		    "Invalid JSON: expected value at line 1 column 1", -1, "");
		return;
	}
	id = json_find(d, 0, "id");
	method = json_find(d, 0, "method");
	if (json_eq(d, method, "LIST_SUBSCRIPTIONS")) {
		b = proto_sb(vc);
		sim_sb_printf(b, "{\"result\":[");
		binance_list(vc, b);
		sim_sb_printf(b, "],\"id\":");
		sim_sb_tok(b, d, id, 0, "null");
		sim_sb_printf(b, "}");
		sim_vc_send(vc, 0);
		return;
	}
	on = json_eq(d, method, "SUBSCRIBE");
	if (!on && !json_eq(d, method, "UNSUBSCRIBE")) {
		binance_reply_error(vc, id, 2,
		    "Invalid request: unknown variant `", method,
		    "`, expected one of `SUBSCRIBE`, `UNSUBSCRIBE`, "
		    "`LIST_SUBSCRIPTIONS`, `SET_PROPERTY`, `GET_PROPERTY`");
		return;
	}
	params = json_find(d, 0, "params");
	if (!json_is_array(d, params) || (n = json_size(d, params)) == 0) {
		binance_reply_error(vc, id, 2,
		    "Invalid request: missing field `params`", -1, "");
		return;
	}
	/* All or nothing: check every stream, then apply. */
	for (pass = 0; pass < 2; pass++) {
		for (k = 0, t = params + 1; k < n; k++, t = json_skip(d, t)) {
			if (proto_str(d, t, &s, &slen) != 0 ||
			    binance_stream(vc, s, slen, &i, &bit) != 0) {
				binance_reply_error(vc, id, 2,
				    "Invalid request: unknown stream ", t, "");
				return;
			}
			if (pass == 1)
				sim_vc_sub(vc, i, bit, on);
		}
	}
	b = proto_sb(vc);
	sim_sb_printf(b, "{\"result\":null,\"id\":");
	sim_sb_tok(b, d, id, 0, "null");
	sim_sb_printf(b, "}");
	sim_vc_send(vc, 0);
}

static void
binance_bbo(struct sim_vconn *vc, inst_id i, const struct pricegen_tick *t)
{
	const struct sim_leg *l = sim_vc_leg(vc, i);
	struct sim_sb *b = proto_sb(vc);
	struct proto_q q;

	proto_fill(vc, i, t, &q);
	if (vc->combined)
		sim_sb_printf(b,
		    "{\"stream\":\"%s@bookTicker\",\"data\":", l->lower);
	sim_sb_printf(b,
	    "{\"e\":\"bookTicker\",\"u\":%llu,\"s\":\"%s\",\"b\":\"%s\","
	    "\"B\":\"%s\",\"a\":\"%s\",\"A\":\"%s\",\"T\":%lld,\"E\":%lld}",
	    (unsigned long long)++vc->inst[i].seq, l->sym, q.bid, q.bsz, q.ask,
	    q.asz, (long long)q.ms, (long long)q.ms + 1 + sim_vc_rand(vc, 4));
	if (vc->combined)
		sim_sb_printf(b, "}");
	sim_vc_send(vc, 1);
}

static void
binance_mark(struct sim_vconn *vc, inst_id i, const struct pricegen_tick *t)
{
	const struct sim_leg *l = sim_vc_leg(vc, i);
	struct sim_sb *b = &vc->m->sb;
	struct proto_q q;

	proto_fill(vc, i, t, &q);
	sim_sb_printf(b,
	    "{\"e\":\"markPriceUpdate\",\"E\":%lld,\"s\":\"%s\",\"p\":\"%s\","
	    "\"P\":\"%s\",\"i\":\"%s\",\"r\":\"%s\",\"T\":%lld}",
	    (long long)q.ms, l->sym, q.mark, q.mid, q.index, q.rate,
	    (long long)q.next_ms);
}

static void
binance_fund(struct sim_vconn *vc, inst_id i, const struct pricegen_tick *t,
    uint8_t bits)
{
	static const struct {
		uint8_t bit;
		const char *suffix;
	} streams[] = {
		{ SIM_SUB_FUND, "@markPrice@1s" },
		{ SIM_SUB_FUND3, "@markPrice" },
	};
	struct sim_sb *b;
	size_t k;

	for (k = 0; k < nitems(streams); k++) {
		if ((bits & streams[k].bit) == 0)
			continue;
		b = proto_sb(vc);
		if (vc->combined)
			sim_sb_printf(b, "{\"stream\":\"%s%s\",\"data\":",
			    sim_vc_leg(vc, i)->lower, streams[k].suffix);
		binance_mark(vc, i, t);
		if (vc->combined)
			sim_sb_printf(b, "}");
		if (sim_vc_send(vc, 1) != 0)
			return;
	}
}

/* !markPrice@arr: one array of every instruments' mark price. */
static void
binance_fund_all(struct sim_vconn *vc, uint8_t bits)
{
	struct pricegen_tick t;
	struct sim_sb *b;
	const char *sep = "";
	unsigned i, k;

	for (k = 0; k < 2; k++) {
		if ((bits & (k == 0 ? SIM_SUB_FUND : SIM_SUB_FUND3)) == 0)
			continue;
		b = proto_sb(vc);
		if (vc->combined)
			sim_sb_printf(b,
			    "{\"stream\":\"!markPrice@arr%s\",\"data\":",
			    k == 0 ? "@1s" : "");
		sim_sb_printf(b, "[");
		for (i = 0, sep = ""; i < vc->m->ninst; i++) {
			if (sim_vc_leg(vc, (inst_id)i)->sym == NULL ||
			    sim_vc_quote(vc, (inst_id)i, &t) != 0)
				continue;
			sim_sb_printf(b, "%s", sep);
			binance_mark(vc, (inst_id)i, &t);
			sep = ",";
		}
		sim_sb_printf(b, "]%s", vc->combined ? "}" : "");
		if (sim_vc_send(vc, 1) != 0)
			return;
	}
}

static const struct sim_proto sim_proto_binance = {
	.name = "binance",
	.venue = VENUE_BINANCE,
	.path = "/public/ws",
	.heartbeat = 5, /* the pong deadline */
	.ping = 180,	/* "a ping frame every 3 minutes" */
	.funding = 1,
	.open = binance_open,
	.text = binance_text,
	.bbo = binance_bbo,
};

static const struct sim_proto sim_proto_binance_market = {
	.name = "binance-market",
	.venue = VENUE_BINANCE,
	.path = "/market/ws",
	.heartbeat = 5,
	.ping = 180,
	.funding = 1, /* markPrice@1s; markPrice every third */
	.open = binance_open,
	.text = binance_text,
	.fund = binance_fund,
	.fund_all = binance_fund_all,
};

const struct sim_proto *const sim_proto_table[SIM_VENUE_COUNT] = {
	[SIM_VENUE_BYBIT] = &sim_proto_bybit,
	[SIM_VENUE_OKX] = &sim_proto_okx,
	[SIM_VENUE_KUCOIN] = &sim_proto_kucoin,
	[SIM_VENUE_BITGET] = &sim_proto_bitget,
	[SIM_VENUE_HYPERLIQUID] = &sim_proto_hyperliquid,
	[SIM_VENUE_PARADEX] = &sim_proto_paradex,
	[SIM_VENUE_BINANCE] = &sim_proto_binance,
	[SIM_VENUE_BINANCE_MARKET] = &sim_proto_binance_market,
};
