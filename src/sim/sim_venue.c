/*
 * The simulator's venue machinery: the market every venue endpoint
 * shares (symbols, the one price generator, the dislocation history,
 * replay files) and the per-connection session that runs a venue's
 * protocol (sim_proto.c) on timers: top of book every 1/rate s, funding
 * every funding s, the heartbeat deadline, server pings, replay.
 *
 * Loop thread only, except the dislocation history (under m->mu).
 * Nothing here waits; a session's memory is allocated once when its
 * connection upgrades and freed by sim_vconn_free(), which sim.c calls
 * from the one place it frees a connection.  Every timer callback ends
 * with sim_conn_after(), which may free the connection and the session,
 * so nothing touches either after it.  A client that stops reading is
 * dropped once SIM_VENUE_BACKLOG bytes wait for it, as venues drop slow
 * consumers, instead of the simulator buffering without end.
 */
#include "autoconf.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ev.h>

#include "xarb.h"
#include "config.h"
#include "fixed.h"
#include "symbols.h"
#include "venues.h"
#include "xmalloc.h"
#include "sim_proto.h"
#include "sim_venue.h"

#define SIM_VENUE_BACKLOG ((size_t)4 << 20) /* unsent bytes: a slow client */
#define SIM_VENUE_TICK 0.001	/* s: the shortest push period; more rounds */
#define SIM_VENUE_RATE 10.0	/* default pushes per second */
#define SIM_VENUE_DIS_MAX 65536 /* dislocations kept for sim_dislocations */
#define SIM_VENUE_REPLAY_MAX ((long)64 << 20) /* bytes of a replay file */
#define SIM_VENUE_TOKEN "2neAiuYvAU61ZDXANAGAsiL4-xarb-sim.gJEIAywPXFr"
#define SIM_VENUE_KC_PING 18000	   /* KuCoin's pingInterval, ms */
#define SIM_VENUE_KC_TIMEOUT 10000 /* and pingTimeout */

static void sim_vc_push_cb(struct ev_loop *, ev_timer *, int);
static void sim_vc_fund_cb(struct ev_loop *, ev_timer *, int);
static void sim_vc_hb_cb(struct ev_loop *, ev_timer *, int);
static void sim_vc_ping_cb(struct ev_loop *, ev_timer *, int);
static void sim_vc_replay_cb(struct ev_loop *, ev_timer *, int);

int64_t
sim_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec);
}

int64_t
sim_now_ms(void)
{
	return (sim_now_ns() / NS_PER_MS);
}

/* -- message buffer -------------------------------------------------- */

void
sim_sb_reset(struct sim_sb *b)
{
	b->len = 0;
	b->err = 0;
}

static int
sim_sb_reserve(struct sim_sb *b, size_t n)
{
	size_t cap;
	char *p;

	if (b->cap - b->len > n)
		return (0);
	cap = b->cap > 0 ? b->cap : 4096;
	while (cap - b->len <= n)
		cap *= 2;
	if ((p = realloc(b->p, cap)) == NULL) {
		b->err = 1;
		return (-1);
	}
	b->p = p;
	b->cap = cap;
	return (0);
}

void
sim_sb_printf(struct sim_sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->err)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || sim_sb_reserve(b, (size_t)n) != 0) {
		b->err = 1;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
sim_sb_json(struct sim_sb *b, const char *s, size_t len)
{
	unsigned char ch;
	size_t i;

	for (i = 0; i < len && !b->err; i++) {
		ch = (unsigned char)s[i];
		if (ch == '"' || ch == '\\')
			sim_sb_printf(b, "\\%c", ch);
		else if (ch < 0x20 || ch == 0x7f)
			sim_sb_printf(b, "\\u%04x", ch);
		else if (sim_sb_reserve(b, 1) == 0)
			b->p[b->len++] = (char)ch;
	}
}

void
sim_sb_tok(struct sim_sb *b, const struct json_doc *d, int tok, int quoted,
    const char *dflt)
{
	const jsmntok_t *t;
	size_t len;

	if (tok < 0 || tok >= d->n)
		goto dflt;
	t = &d->tok[tok];
	len = (size_t)(t->end - t->start);
	if (len > 128 || (t->type != JSMN_STRING && t->type != JSMN_PRIMITIVE))
		goto dflt;
	if (t->type == JSMN_STRING || quoted)
		sim_sb_printf(b, "\"%.*s\"", (int)len, d->js + t->start);
	else
		sim_sb_printf(b, "%.*s", (int)len, d->js + t->start);
	return;

dflt:
	sim_sb_printf(b, "%s", dflt);
}

int
sim_query(const char *q, size_t qlen, const char *key, const char **v,
    size_t *vlen)
{
	const char *end = q + qlen, *amp, *eq;
	size_t klen = strlen(key);

	while (q < end) {
		if ((amp = memchr(q, '&', (size_t)(end - q))) == NULL)
			amp = end;
		eq = memchr(q, '=', (size_t)(amp - q));
		if (eq != NULL && (size_t)(eq - q) == klen &&
		    memcmp(q, key, klen) == 0) {
			*v = eq + 1;
			*vlen = (size_t)(amp - eq - 1);
			return (0);
		}
		q = amp + 1;
	}
	return (-1);
}

/* -- wire numbers ---------------------------------------------------- */

static const int64_t sim_pow10[] = { 1, 10, 100, 1000, 10000, 100000, 1000000,
	10000000, 100000000, 1000000000, 10000000000 };

/* v at dec decimals: "123.45". */
static const char *
sim_fmt_fixed(char *buf, int64_t v, unsigned dec)
{
	const char *sign = v < 0 ? "-" : "";
	uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	uint64_t p = (uint64_t)sim_pow10[dec];

	if (dec == 0)
		snprintf(buf, 32, "%s%llu", sign, (unsigned long long)a);
	else
		snprintf(buf, 32, "%s%llu.%0*llu", sign,
		    (unsigned long long)(a / p), (int)dec,
		    (unsigned long long)(a % p));
	return (buf);
}

const char *
sim_fmt_px(char *buf, const struct sim_leg *l, int64_t px, int dir)
{
	int64_t wire, step, q, r;

	if (px <= 0 || __builtin_mul_overflow(px, l->units, &wire))
		return (sim_fmt_fixed(buf, 0, 0));
	step = sim_pow10[PX_DECIMALS - l->px_dec];
	q = wire / step;
	r = wire % step;
	if ((dir > 0 && r > 0) || (dir == 0 && 2 * r >= step))
		q++;
	return (sim_fmt_fixed(buf, q, l->px_dec));
}

const char *
sim_fmt_sz(char *buf, const struct sim_leg *l, int64_t qty)
{
	double wire =
	    (double)qty / (double)QTY_SCALE / l->coins / (double)l->units;
	long long n = llround(wire * (double)sim_pow10[l->sz_dec]);

	return (sim_fmt_fixed(buf, n < 1 ? 1 : n, l->sz_dec));
}

const char *
sim_fmt_rate(char *buf, int64_t rate)
{
	size_t n;

	sim_fmt_fixed(buf, rate, RATE_DECIMALS);
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '0' && buf[n - 2] != '.')
		buf[--n] = '\0';
	return (buf);
}

/* Decimals of the tick: about 5 significant digits, as venues quote. */
static unsigned
sim_px_decimals(double px)
{
	int d = 5 - (int)floor(log10(px > 1e-12 ? px : 1e-12));

	return (d < 0 ? 0 : (d > PX_DECIMALS ? PX_DECIMALS : (unsigned)d));
}

static unsigned
sim_sz_decimals(double px)
{
	if (px >= 10000)
		return (3);
	if (px >= 100)
		return (2);
	if (px >= 1)
		return (1);
	return (0);
}

/* -- the market ------------------------------------------------------ */

static void
sim_market_leg(struct sim_market *m, inst_id i, enum venue_id v)
{
	struct sim_leg *l = &m->legs[(size_t)i * VENUE_COUNT + v];
	int64_t contract = symbols_contract_size(m->sym, i, v);
	double px;
	size_t k;

	l->sym = symbols_venue_symbol(m->sym, i, v);
	l->units = symbols_price_units(m->sym, i, v);
	if (l->units < 1)
		l->units = 1;
	/* Unknown contract sizes (not in symbols.c): one coin each. */
	l->coins = contract > 0 ? (double)contract / (double)QTY_SCALE : 1.0;
	l->contracts = v == VENUE_OKX || v == VENUE_KUCOIN;
	px = pricegen_base_price(m->bases[i]) * (double)l->units;
	l->px_dec = sim_px_decimals(px);
	l->sz_dec = l->contracts ? 0 : sim_sz_decimals(px);
	for (k = 0;
	     l->sym != NULL && l->sym[k] != '\0' && k + 1 < sizeof l->lower;
	     k++)
		l->lower[k] = (char)(l->sym[k] >= 'A' && l->sym[k] <= 'Z'
			? l->sym[k] - 'A' + 'a'
			: l->sym[k]);
	l->lower[k] = '\0';
}

/* The symbols of the prices instruments (default BTC ETH SOL). */
static struct symbols *
sim_market_symbols(const struct sim_prices_spec *ps, char **cause)
{
	struct config *cfg = config_new();
	struct symbols *sym = NULL;
	char *list = NULL, *next, *why = NULL;
	unsigned i;

	if (ps->nbases == 0)
		list = xstrdup("BTC ETH SOL");
	for (i = 0; i < ps->nbases; i++) {
		xasprintf(&next, "%s%s%s", list != NULL ? list : "",
		    list != NULL ? " " : "", ps->bases[i]);
		free(list);
		list = next;
	}
	if (config_set(cfg, "instruments", "symbols", list, &why) == 0)
		sym = symbols_new(cfg, &why);
	if (sym == NULL) {
		xasprintf(cause, "prices: %s", why);
		free(why);
	}
	free(list);
	config_free(cfg);
	return (sym);
}

/* Reads `replay FILE` of endpoint ep: lines, blank ones skipped. */
static int
sim_market_replay(const char *name, const struct sim_endpoint_spec *ep,
    struct sim_replay *rp, char **cause)
{
	const struct sim_venue_spec *vs = &ep->venue;
	const char *why;
	FILE *fp;
	long size = 0;
	size_t len, s, e;

	rp->rate = vs->replay_rate;
	if ((fp = fopen(vs->replay, "r")) == NULL ||
	    fseek(fp, 0, SEEK_END) != 0 || (size = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0) {
		why = strerror(errno);
		goto fail;
	}
	if (size > SIM_VENUE_REPLAY_MAX) {
		why = "larger than 64 MiB";
		goto fail;
	}
	rp->data = xmalloc((size_t)size + 1);
	if (fread(rp->data, 1, (size_t)size, fp) != (size_t)size) {
		why = "short read";
		goto fail;
	}
	fclose(fp);
	len = (size_t)size;
	rp->data[len] = '\0';
	for (s = 0; s < len; s = e + 1) {
		for (e = s; e < len && rp->data[e] != '\n'; e++)
			;
		if (e == s || (e == s + 1 && rp->data[s] == '\r'))
			continue;
		rp->off = xreallocarray(rp->off, rp->n + 1, sizeof *rp->off);
		rp->len = xreallocarray(rp->len, rp->n + 1, sizeof *rp->len);
		rp->off[rp->n] = s;
		rp->len[rp->n++] = e - s - (rp->data[e - 1] == '\r');
	}
	return (0);

fail:
	xasprintf(cause, "%s:%u: replay %s: %s", name, vs->replay_line,
	    vs->replay, why);
	if (fp != NULL)
		fclose(fp);
	return (-1);
}

/* The endpoints: protocol, effective settings, replay files. */
static int
sim_market_eps(struct sim_market *m, const char *name,
    const struct sim_script *sc, uint32_t *venues, char **cause)
{
	const struct sim_venue_spec *vs;
	struct sim_mep *e;
	unsigned i;

	m->eps = xcalloc(sc->neps, sizeof *m->eps);
	m->neps = sc->neps;
	for (i = 0; i < sc->neps; i++) {
		e = &m->eps[i];
		vs = e->spec = &sc->eps[i].venue;
		if (vs->kind == SIM_VENUE_NONE || sc->eps[i].http)
			continue;
		e->proto = sim_proto_table[vs->kind];
		*venues |= 1u << e->proto->venue;
		e->heartbeat =
		    vs->heartbeat >= 0 ? vs->heartbeat : e->proto->heartbeat;
		e->ping = vs->ping >= 0 ? vs->ping : e->proto->ping;
		e->rate = vs->rate > 0 ? vs->rate : SIM_VENUE_RATE;
		e->funding = vs->funding > 0 ? vs->funding : e->proto->funding;
		if (vs->replay != NULL &&
		    sim_market_replay(name, &sc->eps[i], &e->replay, cause) !=
			0)
			return (-1);
	}
	return (0);
}

struct sim_market *
sim_market_new(const char *name, const struct sim_script *sc,
    const struct symbols *sym, char **cause)
{
	const struct sim_prices_spec *ps = &sc->prices;
	struct pricegen_params gp;
	struct sim_market *m;
	unsigned i, v;

	m = xcalloc(1, sizeof *m);
	pthread_mutex_init(&m->mu, NULL);
	memset(&gp, 0, sizeof gp);
	if (sim_market_eps(m, name != NULL ? name : "scenario", sc, &gp.venues,
		cause) != 0)
		goto fail;
	if (sym == NULL &&
	    (sym = m->own_sym = sim_market_symbols(ps, cause)) == NULL)
		goto fail;
	m->sym = sym;
	m->ninst = symbols_count(sym);
	m->bases = xcalloc(m->ninst, sizeof *m->bases);
	for (i = 0; i < m->ninst; i++)
		m->bases[i] = symbols_base(sym, (inst_id)i);
	m->legs = xcalloc((size_t)m->ninst * VENUE_COUNT, sizeof *m->legs);
	m->leg_jump =
	    xcalloc((size_t)m->ninst * VENUE_COUNT, sizeof *m->leg_jump);
	for (i = 0; i < m->ninst; i++)
		for (v = 0; v < VENUE_COUNT; v++)
			sim_market_leg(m, (inst_id)i, (enum venue_id)v);
	gp.ninst = m->ninst;
	gp.bases = m->bases;
	gp.seed = ps->set ? ps->seed : 1;
	gp.volatility_bps = ps->set ? ps->volatility_bps : 5;
	gp.dislocation_every_s = ps->dislocation_every_s;
	gp.dislocation_bps = ps->dislocation_bps;
	gp.dislocation_s = ps->dislocation_s;
	gp.funding_every_s = ps->funding_every_s;
	gp.funding_jump_8h = ps->funding_jump_8h;
	if ((m->gen = pricegen_new(&gp, sim_now_ns())) == NULL) {
		xasprintf(cause, "%s: no venue endpoint",
		    name != NULL ? name : "scenario");
		goto fail;
	}
	m->doc = xmalloc(sizeof *m->doc);
	return (m);

fail:
	sim_market_free(m);
	return (NULL);
}

void
sim_market_free(struct sim_market *m)
{
	unsigned i;

	if (m == NULL)
		return;
	for (i = 0; i < m->neps; i++) {
		free(m->eps[i].replay.data);
		free(m->eps[i].replay.off);
		free(m->eps[i].replay.len);
	}
	free(m->eps);
	pricegen_free(m->gen);
	free(m->legs);
	free(m->leg_jump);
	free(m->bases);
	symbols_free(m->own_sym);
	free(m->doc);
	free(m->sb.p);
	free(m->dis);
	pthread_mutex_destroy(&m->mu);
	free(m);
}

/* After a quote: publish the latest funding jump to other threads. */
static void
sim_market_watch_jumps(struct sim_market *m)
{
	uint64_t n = pricegen_get_stats(m->gen)->funding_jumps;

	if (n == m->jumps_seen)
		return;
	m->jumps_seen = n;
	pthread_mutex_lock(&m->mu);
	m->jump = *pricegen_last_jump(m->gen);
	m->jumps = n;
	/* A quote makes at most one jump: none is missed here. */
	m->leg_jump[m->jump.inst * VENUE_COUNT + m->jump.venue] = m->jump;
	pthread_mutex_unlock(&m->mu);
}

/* After a quote: record a dislocation the generator has just started. */
static void
sim_market_watch(struct sim_market *m)
{
	const struct pricegen_dislocation *d;
	struct pricegen_dislocation *p;
	uint64_t n = pricegen_get_stats(m->gen)->dislocations;

	sim_market_watch_jumps(m);
	if (n == m->seen)
		return;
	m->seen = n;
	if ((d = pricegen_active(m->gen)) == NULL)
		return;
	pthread_mutex_lock(&m->mu);
	m->started++;
	if (m->ndis == m->cap && m->cap < SIM_VENUE_DIS_MAX) {
		/* Cold and rare: a failure only loses history. */
		p = reallocarray(m->dis, m->cap > 0 ? m->cap * 2 : 16,
		    sizeof *p);
		if (p != NULL) {
			m->dis = p;
			m->cap = m->cap > 0 ? m->cap * 2 : 16;
		}
	}
	if (m->ndis < m->cap)
		m->dis[m->ndis++] = *d;
	pthread_mutex_unlock(&m->mu);
}

int
sim_market_mute(struct sim_market *m, unsigned ep, int on)
{
	if (ep >= m->neps || m->eps[ep].proto == NULL)
		return (-1);
	__atomic_store_n(&m->eps[ep].muted, on != 0, __ATOMIC_RELAXED);
	return (0);
}

uint64_t
sim_market_funding_jumps(struct sim_market *m,
    struct pricegen_funding_jump *last)
{
	uint64_t n;

	pthread_mutex_lock(&m->mu);
	n = m->jumps;
	if (n > 0 && last != NULL)
		*last = m->jump;
	pthread_mutex_unlock(&m->mu);
	return (n);
}

int
sim_market_leg_jump(struct sim_market *m, inst_id i, enum venue_id v,
    struct pricegen_funding_jump *out)
{
	int rv = -1;

	if (i >= m->ninst || (unsigned)v >= VENUE_COUNT)
		return (-1);
	pthread_mutex_lock(&m->mu);
	if (m->leg_jump[i * VENUE_COUNT + v].at != 0) {
		*out = m->leg_jump[i * VENUE_COUNT + v];
		rv = 0;
	}
	pthread_mutex_unlock(&m->mu);
	return (rv);
}

unsigned
sim_market_dislocations(struct sim_market *m, struct pricegen_dislocation *out,
    unsigned max)
{
	unsigned n;

	pthread_mutex_lock(&m->mu);
	n = m->started;
	if (max > m->ndis)
		max = m->ndis;
	if (max > 0)
		memcpy(out, m->dis, max * sizeof *out);
	pthread_mutex_unlock(&m->mu);
	return (n);
}

/* -- admission and KuCoin's token ------------------------------------ */

static const struct sim_proto *
sim_venue_proto(const struct sim_venue_spec *vs)
{
	return (sim_proto_table[vs->kind]);
}

const char *
sim_venue_path(const struct sim_venue_spec *vs)
{
	return (vs->path != NULL ? vs->path : sim_venue_proto(vs)->path);
}

/*
 * Binance routes streams by path: BASE (SUBSCRIBE later), BASE/<s1>/<s2>
 * and, for combined streams, BASE with "/ws" replaced by "/stream".
 */
static int
sim_venue_binance_path(const char *want, const char *path, size_t plen)
{
	size_t wlen = strlen(want);

	if (plen > wlen && memcmp(path, want, wlen) == 0 && path[wlen] == '/')
		return (1);
	if (wlen >= 3 && strcmp(want + wlen - 3, "/ws") == 0 &&
	    plen == wlen + 4 && memcmp(path, want, wlen - 3) == 0 &&
	    memcmp(path + wlen - 3, "/stream", 7) == 0)
		return (1);
	return (0);
}

static int
sim_hex(char c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

/* Does the query's key, percent-decoded, equal want? */
static int
sim_query_is(const char *q, size_t qlen, const char *key, const char *want)
{
	const char *v;
	size_t vlen, i;
	int c;

	if (sim_query(q, qlen, key, &v, &vlen) != 0)
		return (0);
	for (i = 0; i < vlen; i++, want++) {
		c = (unsigned char)v[i];
		if (c == '%' && i + 2 < vlen && sim_hex(v[i + 1]) >= 0 &&
		    sim_hex(v[i + 2]) >= 0) {
			c = sim_hex(v[i + 1]) << 4 | sim_hex(v[i + 2]);
			i += 2;
		}
		if (*want == '\0' || (unsigned char)*want != c)
			return (0);
	}
	return (*want == '\0');
}

unsigned
sim_venue_admit(const struct sim_venue_spec *vs, const char *path, size_t plen,
    const char *query, size_t qlen, char *body, size_t blen)
{
	const char *want = sim_venue_path(vs);
	int binance = vs->kind == SIM_VENUE_BINANCE ||
	    vs->kind == SIM_VENUE_BINANCE_MARKET;

	if (!(strlen(want) == plen && memcmp(want, path, plen) == 0) &&
	    !(binance && sim_venue_binance_path(want, path, plen))) {
		snprintf(body, blen, "{\"error\":\"Not Found\"}\n");
		return (404);
	}
	if (vs->token != NULL &&
	    !sim_query_is(query, qlen, "token", vs->token)) {
		snprintf(body, blen,
		    "{\"code\":\"401\",\"msg\":\"token is invalid or "
		    "expired\"}\n");
		return (401);
	}
	return (0);
}

int
sim_venue_bullet(const struct sim_venue_spec *vs, int tls, unsigned port,
    char *buf, size_t len)
{
	double hb =
	    vs->heartbeat >= 0 ? vs->heartbeat : sim_venue_proto(vs)->heartbeat;
	long ping = SIM_VENUE_KC_PING, timeout = SIM_VENUE_KC_TIMEOUT, third;
	int n;

	/*
	 * A client pinging at pingInterval stays well inside heartbeat; not
	 * below a second, which clients refuse as absurd.
	 */
	third = (long)(hb * 1000.0 / 3.0);
	if (hb > 0 && third < ping)
		ping = third > 1000 ? third : 1000;
	if (timeout > ping)
		timeout = ping;
	n = snprintf(buf, len,
	    "{\"code\":\"200000\",\"data\":{\"token\":\"%s\","
	    "\"instanceServers\":[{\"endpoint\":\"%s://localhost:%u%s\","
	    "\"encrypt\":%s,\"protocol\":\"websocket\","
	    "\"pingInterval\":%ld,\"pingTimeout\":%ld}]}}",
	    vs->token != NULL ? vs->token : SIM_VENUE_TOKEN, tls ? "wss" : "ws",
	    port, sim_venue_path(vs), tls ? "true" : "false", ping, timeout);
	return (n < 0 || (size_t)n >= len ? -1 : n);
}

/* -- sessions -------------------------------------------------------- */

static uint64_t
sim_vc_next(struct sim_vconn *vc)
{
	vc->rng ^= vc->rng >> 12;
	vc->rng ^= vc->rng << 25;
	vc->rng ^= vc->rng >> 27;
	return (vc->rng * UINT64_C(2685821657736338717));
}

unsigned
sim_vc_rand(struct sim_vconn *vc, unsigned n)
{
	return (n > 0 ? (unsigned)(sim_vc_next(vc) % n) : 0);
}

const struct sim_leg *
sim_vc_leg(const struct sim_vconn *vc, inst_id i)
{
	return (&vc->m->legs[(size_t)i * VENUE_COUNT + vc->proto->venue]);
}

int
sim_vc_lookup(const struct sim_vconn *vc, const char *sym, size_t len)
{
	return (symbols_lookup(vc->m->sym, vc->proto->venue, sym, len));
}

int
sim_vc_quote(struct sim_vconn *vc, inst_id i, struct pricegen_tick *t)
{
	if (pricegen_quote(vc->m->gen, i, vc->proto->venue, sim_now_ns(), t) !=
	    0)
		return (-1);
	sim_market_watch(vc->m);
	return (0);
}

int
sim_vc_send(struct sim_vconn *vc, int push)
{
	struct sim_sb *b = &vc->m->sb;

	if (b->err || sim_conn_text(vc->c, b->p, b->len) != 0)
		return (-1);
	if (push)
		sim_conn_stat(vc->c, SIM_STAT_PUSHES);
	return (0);
}

void
sim_vc_error(struct sim_vconn *vc)
{
	sim_conn_stat(vc->c, SIM_STAT_SUB_ERRORS);
}

void
sim_vc_heartbeat(struct sim_vconn *vc)
{
	sim_conn_stat(vc->c, SIM_STAT_HEARTBEATS);
	if (vc->ep->ping == 0 && vc->ep->heartbeat > 0)
		ev_timer_again(sim_conn_loop(vc->c), &vc->hb_w);
}

/* A stalled feed (sim_mute): the session lives, nothing is pushed. */
static int
sim_vc_muted(const struct sim_vconn *vc)
{
	return (__atomic_load_n(&vc->ep->muted, __ATOMIC_RELAXED));
}

/* Generated pushes run unless the endpoint is idle or replays a file. */
static int
sim_vc_generates(const struct sim_vconn *vc)
{
	return (!vc->ep->spec->idle && vc->ep->replay.data == NULL);
}

/* Starts or stops w as count goes from 0 or to 0. */
static void
sim_vc_timer(struct sim_vconn *vc, ev_timer *w, unsigned before, unsigned after,
    double period)
{
	struct ev_loop *loop = sim_conn_loop(vc->c);

	if (before == 0 && after > 0 && sim_vc_generates(vc) && period > 0) {
		w->repeat = period;
		ev_timer_again(loop, w);
	} else if (before > 0 && after == 0)
		ev_timer_stop(loop, w);
}

void
sim_vc_sub(struct sim_vconn *vc, inst_id i, uint8_t bits, int on)
{
	unsigned nbbo = vc->nbbo, nfund = vc->nfund;
	uint8_t *sub, *fresh, old;

	if (i == INST_NONE) { /* Binance's all-market array */
		sub = &vc->allmark;
		fresh = &vc->allfresh;
	} else {
		sub = &vc->inst[i].sub;
		fresh = &vc->inst[i].fresh;
	}
	old = *sub;
	*sub = on ? old | bits : old & ~bits;
	if (on && (*sub & ~old) != 0) {
		*fresh |= *sub & ~old;
		sim_conn_stat(vc->c, SIM_STAT_SUBSCRIBED);
	}
	if ((old & SIM_SUB_BBO) == 0 && (*sub & SIM_SUB_BBO) != 0)
		vc->nbbo++;
	else if ((old & SIM_SUB_BBO) != 0 && (*sub & SIM_SUB_BBO) == 0)
		vc->nbbo--;
	if ((old & SIM_SUB_FUNDS) == 0 && (*sub & SIM_SUB_FUNDS) != 0)
		vc->nfund++;
	else if ((old & SIM_SUB_FUNDS) != 0 && (*sub & SIM_SUB_FUNDS) == 0)
		vc->nfund--;
	sim_vc_timer(vc, &vc->push_w, nbbo, vc->nbbo,
	    vc->rounds / vc->ep->rate);
	sim_vc_timer(vc, &vc->fund_w, nfund, vc->nfund, vc->ep->funding);
}

/* The first push of what was just subscribed (a snapshot), or replay. */
static void
sim_vc_fresh(struct sim_vconn *vc)
{
	struct pricegen_tick t;
	struct sim_vinst *in;
	unsigned i;
	uint8_t f;

	if (vc->ep->replay.data != NULL && !vc->replaying &&
	    vc->nbbo + vc->nfund > 0) {
		/* From the next loop iteration: after this request's acks. */
		vc->replaying = 1;
		ev_timer_set(&vc->replay_w, 0.,
		    vc->ep->replay.rate > 0 ? 1.0 / vc->ep->replay.rate : 0.);
		ev_timer_start(sim_conn_loop(vc->c), &vc->replay_w);
	}
	for (i = 0; i < vc->m->ninst; i++) {
		in = &vc->inst[i];
		if ((f = in->fresh) == 0)
			continue;
		in->fresh = 0;
		if (!sim_vc_generates(vc) ||
		    sim_vc_quote(vc, (inst_id)i, &t) != 0)
			continue;
		if ((f & SIM_SUB_BBO) && vc->proto->bbo != NULL)
			vc->proto->bbo(vc, (inst_id)i, &t);
		if ((f & SIM_SUB_FUNDS) && vc->proto->fund != NULL)
			vc->proto->fund(vc, (inst_id)i, &t, f & SIM_SUB_FUNDS);
	}
	if ((f = vc->allfresh) != 0 && sim_vc_generates(vc) &&
	    vc->proto->fund_all != NULL)
		vc->proto->fund_all(vc, f);
	vc->allfresh = 0;
}

/* Drops a client that lets SIM_VENUE_BACKLOG bytes pile up.  1 if so. */
static int
sim_vc_slow(struct sim_vconn *vc)
{
	if (sim_conn_backlog(vc->c) < SIM_VENUE_BACKLOG)
		return (0);
	sim_conn_stat(vc->c, SIM_STAT_SLOW);
	sim_conn_end(vc->c, 0, NULL);
	return (1);
}

static void
sim_vc_push_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct sim_vconn *vc = container_of(w, struct sim_vconn, push_w);
	struct sim_conn *c = vc->c;
	struct pricegen_tick t;
	unsigned i, k, rounds;

	(void)loop;
	(void)revents;
	/* Above 1/SIM_VENUE_TICK per second, several rounds per tick. */
	vc->carry += vc->rounds;
	rounds = (unsigned)(vc->carry + 1e-9);
	vc->carry -= rounds;
	if (sim_vc_muted(vc))
		rounds = 0;
	for (k = 0; k < rounds && !sim_vc_slow(vc); k++) {
		for (i = 0; i < vc->m->ninst; i++) {
			if ((vc->inst[i].sub & SIM_SUB_BBO) == 0 ||
			    sim_vc_quote(vc, (inst_id)i, &t) != 0)
				continue;
			vc->proto->bbo(vc, (inst_id)i, &t);
		}
	}
	sim_conn_after(c); /* may free vc */
}

static void
sim_vc_fund_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct sim_vconn *vc = container_of(w, struct sim_vconn, fund_w);
	struct sim_conn *c = vc->c;
	struct pricegen_tick t;
	unsigned i;
	uint8_t bits, due;

	(void)loop;
	(void)revents;
	vc->fund_ticks++;
	if (sim_vc_muted(vc))
		return;
	due = SIM_SUB_FUND | (vc->fund_ticks % 3 == 0 ? SIM_SUB_FUND3 : 0);
	for (i = 0; i < vc->m->ninst && !sim_vc_slow(vc); i++) {
		if ((bits = vc->inst[i].sub & due) == 0 ||
		    sim_vc_quote(vc, (inst_id)i, &t) != 0)
			continue;
		vc->proto->fund(vc, (inst_id)i, &t, bits);
	}
	if ((bits = vc->allmark & due) != 0 && vc->proto->fund_all != NULL)
		vc->proto->fund_all(vc, bits);
	sim_conn_after(c);
}

/*
 * The heartbeat deadline: a client heartbeat missing (closed as the
 * venue does, with a close frame), or a pong missing after our ping
 * (dropped: the client is presumed dead).
 */
static void
sim_vc_hb_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct sim_vconn *vc = container_of(w, struct sim_vconn, hb_w);
	struct sim_conn *c = vc->c;

	(void)revents;
	ev_timer_stop(loop, w);
	sim_conn_stat(c, SIM_STAT_HB_TIMEOUTS);
	if (vc->ep->ping > 0)
		sim_conn_end(c, 0, NULL);
	else
		sim_conn_end(c, 1000, "heartbeat timeout");
	sim_conn_after(c);
}

static void
sim_vc_ping_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct sim_vconn *vc = container_of(w, struct sim_vconn, ping_w);
	struct sim_conn *c = vc->c;

	(void)revents;
	if (sim_conn_ping(c) == 0) {
		sim_conn_stat(c, SIM_STAT_PINGS_OUT);
		vc->pong_due = 1;
		/* The deadline runs from the oldest unanswered ping. */
		if (vc->ep->heartbeat > 0 && !ev_is_active(&vc->hb_w)) {
			ev_timer_set(&vc->hb_w, vc->ep->heartbeat, 0.);
			ev_timer_start(loop, &vc->hb_w);
		}
	}
	sim_conn_after(c);
}

/* Replay: rate lines per second, or every line at once (rate 0). */
static void
sim_vc_replay_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct sim_vconn *vc = container_of(w, struct sim_vconn, replay_w);
	const struct sim_replay *rp = &vc->ep->replay;
	struct sim_conn *c = vc->c;

	(void)revents;
	do {
		if (vc->replay_next >= rp->n || sim_vc_slow(vc) ||
		    sim_conn_text(c, rp->data + rp->off[vc->replay_next],
			rp->len[vc->replay_next]) != 0) {
			ev_timer_stop(loop, w);
			break;
		}
		sim_conn_stat(c, SIM_STAT_PUSHES);
		vc->replay_next++;
	} while (rp->rate == 0);
	if (vc->replay_next >= rp->n)
		ev_timer_stop(loop, w);
	sim_conn_after(c);
}

struct sim_vconn *
sim_vconn_new(struct sim_market *m, unsigned ep, struct sim_conn *c)
{
	struct sim_vconn *vc;
	unsigned i;

	if (ep >= m->neps || m->eps[ep].proto == NULL ||
	    (vc = calloc(1, sizeof *vc)) == NULL)
		return (NULL);
	if ((vc->inst = calloc(m->ninst, sizeof *vc->inst)) == NULL) {
		free(vc);
		return (NULL);
	}
	vc->c = c;
	vc->m = m;
	vc->ep = &m->eps[ep];
	vc->proto = vc->ep->proto;
	vc->rounds = vc->ep->rate * SIM_VENUE_TICK > 1
	    ? vc->ep->rate * SIM_VENUE_TICK
	    : 1;
	vc->rng = (m->sessions++ + 1) * UINT64_C(0x9E3779B97F4A7C15) ^
	    (uint64_t)sim_now_ns();
	if (vc->rng == 0)
		vc->rng = 1;
	for (i = 0; i < m->ninst; i++)
		vc->inst[i].seq = 1000000 + sim_vc_next(vc) % 1000000000;
	vc->cs = 1000000000 + sim_vc_next(vc) % 1000000000;
	snprintf(vc->id, sizeof vc->id, "%08x-%04x-4%03x-%04x-%012llx",
	    (unsigned)sim_vc_next(vc), (unsigned)(sim_vc_next(vc) & 0xffff),
	    (unsigned)(sim_vc_next(vc) & 0xfff),
	    (unsigned)(0x8000 | (sim_vc_next(vc) & 0x3fff)),
	    (unsigned long long)(sim_vc_next(vc) & 0xffffffffffffULL));
	ev_init(&vc->push_w, sim_vc_push_cb);
	ev_init(&vc->fund_w, sim_vc_fund_cb);
	ev_init(&vc->hb_w, sim_vc_hb_cb);
	ev_init(&vc->ping_w, sim_vc_ping_cb);
	ev_init(&vc->replay_w, sim_vc_replay_cb);
	return (vc);
}

void
sim_vconn_open(struct sim_vconn *vc, const char *path, size_t plen,
    const char *query, size_t qlen)
{
	struct ev_loop *loop = sim_conn_loop(vc->c);

	if (vc->ep->ping == 0 && vc->ep->heartbeat > 0) {
		vc->hb_w.repeat = vc->ep->heartbeat;
		ev_timer_again(loop, &vc->hb_w);
	}
	if (vc->ep->ping > 0) {
		vc->ping_w.repeat = vc->ep->ping;
		ev_timer_again(loop, &vc->ping_w);
	}
	if (vc->proto->open != NULL)
		vc->proto->open(vc, path, plen, query, qlen);
	sim_vc_fresh(vc);
}

void
sim_vconn_text(struct sim_vconn *vc, const char *msg, size_t len)
{
	vc->proto->text(vc, msg, len);
	sim_vc_fresh(vc);
}

void
sim_vconn_pong(struct sim_vconn *vc)
{
	if (!vc->pong_due)
		return; /* unsolicited: allowed, and meaningless */
	vc->pong_due = 0;
	ev_timer_stop(sim_conn_loop(vc->c), &vc->hb_w);
}

void
sim_vconn_free(struct sim_vconn *vc)
{
	struct ev_loop *loop;

	if (vc == NULL)
		return;
	loop = sim_conn_loop(vc->c);
	ev_timer_stop(loop, &vc->push_w);
	ev_timer_stop(loop, &vc->fund_w);
	ev_timer_stop(loop, &vc->hb_w);
	ev_timer_stop(loop, &vc->ping_w);
	ev_timer_stop(loop, &vc->replay_w);
	free(vc->inst);
	free(vc);
}

/* -- instrument metadata (REST) -------------------------------------- */

#define SIM_META_FILLER 150 /* unrelated instruments: a realistic size */

/* Coins per wire size unit of leg (i, v) as a decimal string. */
static const char *
sim_meta_contract(const struct sim_market *m, unsigned i, enum venue_id v,
    char *buf, size_t len)
{
	int64_t c = symbols_contract_size(m->sym, (inst_id)i, v);

	fixed_format(c > 0 ? c : QTY_SCALE, QTY_DECIMALS, buf, len);
	return (buf);
}

/* One instrument of venue v's list, in its words (filler: sym only). */
static void
sim_meta_one(const struct sim_market *m, struct sim_sb *b, enum venue_id v,
    int i, const char *sym, const char *base, int64_t now_ms)
{
	unsigned ivl = venues_info(v)->funding_minutes;
	int64_t ivl_ms = (int64_t)ivl * 60000;
	char c[32];

	if (i < 0)
		snprintf(c, sizeof c, "1");
	else
		sim_meta_contract(m, (unsigned)i, v, c, sizeof c);
	switch (v) {
	case VENUE_BYBIT:
		sim_sb_printf(b,
		    "{\"symbol\":\"%s\",\"contractType\":\"LinearPerpetual\","
		    "\"status\":\"Trading\",\"baseCoin\":\"%s\","
		    "\"quoteCoin\":\"USDT\",\"settleCoin\":\"USDT\","
		    "\"fundingInterval\":%u,\"lotSizeFilter\":{\"qtyStep\":"
		    "\"0.001\",\"minOrderQty\":\"0.001\"},\"priceFilter\":{"
		    "\"tickSize\":\"0.1\"}}",
		    sym, base, ivl);
		break;
	case VENUE_OKX:
		sim_sb_printf(b,
		    "{\"instType\":\"SWAP\",\"instId\":\"%s\",\"uly\":"
		    "\"%s-USDT\",\"ctVal\":\"%s\",\"ctMult\":\"1\","
		    "\"ctValCcy\":\"%s\",\"settleCcy\":\"USDT\",\"ctType\":"
		    "\"linear\",\"state\":\"live\",\"lotSz\":\"0.01\","
		    "\"tickSz\":\"0.1\"}",
		    sym, base, c, base);
		break;
	case VENUE_KUCOIN:
		sim_sb_printf(b,
		    "{\"symbol\":\"%s\",\"rootSymbol\":\"USDT\",\"type\":"
		    "\"FFWCSX\",\"baseCurrency\":\"%s\",\"quoteCurrency\":"
		    "\"USDT\",\"settleCurrency\":\"USDT\",\"multiplier\":%s,"
		    "\"lotSize\":1,\"isInverse\":false,\"status\":\"Open\","
		    "\"fundingRateGranularity\":%lld,"
		    "\"nextFundingRateTime\":%lld}",
		    sym, base, c, (long long)ivl_ms,
		    (long long)(ivl_ms - now_ms % ivl_ms));
		break;
	case VENUE_BITGET:
		sim_sb_printf(b,
		    "{\"symbol\":\"%s\",\"baseCoin\":\"%s\",\"quoteCoin\":"
		    "\"USDT\",\"symbolType\":\"perpetual\",\"symbolStatus\":"
		    "\"normal\",\"sizeMultiplier\":\"0.001\",\"fundInterval\":"
		    "\"%u\"}",
		    sym, base, ivl / 60);
		break;
	case VENUE_HYPERLIQUID:
		sim_sb_printf(b,
		    "{\"szDecimals\":3,\"name\":\"%s\",\"maxLeverage\":20,"
		    "\"marginTableId\":20}",
		    sym);
		break;
	case VENUE_PARADEX:
		sim_sb_printf(b,
		    "{\"symbol\":\"%s\",\"base_currency\":\"%s\","
		    "\"quote_currency\":\"USD\",\"settlement_currency\":"
		    "\"USDC\",\"asset_kind\":\"PERP\",\"funding_period_hours\":"
		    "%u}",
		    sym, base, ivl / 60);
		break;
	case VENUE_BINANCE:
		/* fundingInfo: only adjusted symbols; ours if not 8 h. */
		sim_sb_printf(b,
		    "{\"symbol\":\"%s\",\"adjustedFundingRateCap\":"
		    "\"0.02000000\",\"adjustedFundingRateFloor\":"
		    "\"-0.02000000\",\"fundingIntervalHours\":%u,"
		    "\"disclaimer\":false}",
		    sym, i < 0 ? 4 : ivl / 60);
		break;
	default:
		break;
	}
}

/* A filler instrument's venue symbol: not one any test trades. */
static void
sim_meta_filler(enum venue_id v, unsigned k, char *sym, size_t len, char *base,
    size_t blen)
{
	snprintf(base, blen, "ZZ%u", k);
	switch (v) {
	case VENUE_OKX:
		snprintf(sym, len, "%s-USDT-SWAP", base);
		break;
	case VENUE_KUCOIN:
		snprintf(sym, len, "%sUSDTM", base);
		break;
	case VENUE_HYPERLIQUID:
		snprintf(sym, len, "%s", base);
		break;
	case VENUE_PARADEX:
		snprintf(sym, len, "%s-USD-PERP", base);
		break;
	default:
		snprintf(sym, len, "%sUSDT", base);
		break;
	}
}

/* The text around venue v's list of instruments. */
static void
sim_meta_frame(enum venue_id v, const char **head, const char **tail)
{
	*head = *tail = NULL;
	switch (v) {
	case VENUE_BYBIT:
		*head = "{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{"
			"\"category\":\"linear\",\"list\":[";
		*tail = "],\"nextPageCursor\":\"\"},\"retExtInfo\":{},"
			"\"time\":1}";
		break;
	case VENUE_OKX:
		*head = "{\"code\":\"0\",\"msg\":\"\",\"data\":[";
		*tail = "]}";
		break;
	case VENUE_KUCOIN:
		*head = "{\"code\":\"200000\",\"data\":[";
		*tail = "]}";
		break;
	case VENUE_BITGET:
		*head = "{\"code\":\"00000\",\"msg\":\"success\",\"data\":[";
		*tail = "]}";
		break;
	case VENUE_HYPERLIQUID:
		*head = "{\"universe\":[";
		*tail = "],\"marginTables\":[]}";
		break;
	case VENUE_PARADEX:
		*head = "{\"results\":[";
		*tail = "]}";
		break;
	case VENUE_BINANCE:
		*head = "[";
		*tail = "]";
		break;
	default:
		break;
	}
}

int
sim_market_meta(struct sim_market *m, enum venue_id v, struct sim_sb *b)
{
	const char *head, *tail;
	struct timespec ts;
	char sym[48], base[24];
	int64_t now_ms;
	unsigned i, n = 0;

	sim_meta_frame(v, &head, &tail);
	if (head == NULL)
		return (-1);
	clock_gettime(CLOCK_REALTIME, &ts);
	now_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	sim_sb_reset(b);
	sim_sb_printf(b, "%s", head);
	for (i = 0; i < m->ninst; i++) {
		const struct sim_leg *l = &m->legs[(size_t)i * VENUE_COUNT + v];

		if (l->sym == NULL ||
		    (v == VENUE_BINANCE &&
			venues_info(v)->funding_minutes == 480))
			continue;
		sim_sb_printf(b, "%s", n++ > 0 ? "," : "");
		sim_meta_one(m, b, v, (int)i, l->sym, m->bases[i], now_ms);
	}
	for (i = 0; i < SIM_META_FILLER; i++) {
		sim_meta_filler(v, i, sym, sizeof sym, base, sizeof base);
		sim_sb_printf(b, "%s", n++ > 0 ? "," : "");
		sim_meta_one(m, b, v, -1, sym, base, now_ms);
	}
	sim_sb_printf(b, "%s", tail);
	return (b->err ? -1 : 0);
}
