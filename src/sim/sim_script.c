/*
 * Scenario parser for the venue simulator: one directive per line into
 * the tables of sim_script.h.  Every error is collected (haproxy's
 * accumulation) and reported as "NAME:LINE: expected ..., got ...", so a
 * scenario with three typos shows three lines.  Start-up code only.
 */
#include "autoconf.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xarb.h"
#include "meta.h"
#include "symbols.h"
#include "xmalloc.h"
#include "sim.h"
#include "sim_script.h"

#define SIM_MS_MAX 86400000.0 /* a day: longer is a typo */
#define SIM_NAME_MAX 64
#define SIM_QUOTE_MAX 40     /* bytes of a bad word shown in an error */
#define SIM_RATE_MAX 10000.0 /* pushes or replayed lines per second */
#define SIM_INST_MAX 256     /* prices instruments= */
#define SIM_BASE_MAX 15	     /* characters of a base ("BTC") */
#define SIM_TOKEN_MAX 256    /* venue kucoin token= */
#define SIM_PATH_MAX 512     /* venue path= */
#define SIM_BULLET_PATH "/api/v1/bullet-public"

static const char *const sim_venue_names[SIM_VENUE_COUNT] = {
	[SIM_VENUE_NONE] = "",
	[SIM_VENUE_BYBIT] = "bybit",
	[SIM_VENUE_OKX] = "okx",
	[SIM_VENUE_KUCOIN] = "kucoin",
	[SIM_VENUE_BITGET] = "bitget",
	[SIM_VENUE_HYPERLIQUID] = "hyperliquid",
	[SIM_VENUE_PARADEX] = "paradex",
	[SIM_VENUE_BINANCE] = "binance",
	[SIM_VENUE_BINANCE_MARKET] = "binance-market",
};

struct sim_parse {
	const char *name; /* borrowed: the scenario's name */
	unsigned line;
	char *errs; /* owned: "NAME:LINE: ...\n" lines */
	size_t errlen;
	unsigned nerrs;
	struct sim_script *sc; /* owned until returned */
	const char *def_cert;  /* borrowed, may be NULL */
	const char *def_key;   /* borrowed, may be NULL */
	int ep_bad; /* the last endpoint line was wrong: skip kind checks */
};

/* The unread part of the current line (no '\n', no trailing '\r'). */
struct sim_cursor {
	const char *p;
	const char *end;
};

static void sim_err(struct sim_parse *, const char *, ...) XARB_PRINTF(2, 3);

static void
sim_err(struct sim_parse *p, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	n = snprintf(NULL, 0, "%s:%u: %s\n", p->name, p->line, msg);
	p->errs = xreallocarray(p->errs, 1, p->errlen + (size_t)n + 1);
	snprintf(p->errs + p->errlen, (size_t)n + 1, "%s:%u: %s\n", p->name,
	    p->line, msg);
	p->errlen += (size_t)n;
	p->nerrs++;
}

/* A word for an error message: quoted, escaped, truncated. */
static const char *
sim_quote(char *buf, size_t size, const char *w, size_t len)
{
	size_t i, o = 0;

	if (w == NULL || len == 0) {
		snprintf(buf, size, "end of line");
		return (buf);
	}
	buf[o++] = '"';
	for (i = 0; i < len && i < SIM_QUOTE_MAX && o + 8 < size; i++) {
		unsigned char ch = (unsigned char)w[i];

		if (isprint(ch) && ch != '"' && ch != '\\')
			buf[o++] = (char)ch;
		else
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", ch);
	}
	if (i < len && o + 5 < size) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return (buf);
}

static void
sim_err_got(struct sim_parse *p, const char *expected, const char *w,
    size_t len)
{
	char q[SIM_QUOTE_MAX * 4 + 16];

	sim_err(p, "expected %s, got %s", expected,
	    sim_quote(q, sizeof q, w, len));
}

static int
sim_blank(char ch)
{
	return (ch == ' ' || ch == '\t');
}

/* The next blank-separated word; 0 at the end of the line. */
static int
sim_word(struct sim_cursor *c, const char **w, size_t *len)
{
	const char *s;

	while (c->p < c->end && sim_blank(*c->p))
		c->p++;
	s = c->p;
	while (c->p < c->end && !sim_blank(*c->p))
		c->p++;
	*w = s;
	*len = (size_t)(c->p - s);
	return (*len > 0);
}

/* The rest of the line after the blanks that follow the last word. */
static void
sim_rest(struct sim_cursor *c, const char **r, size_t *len)
{
	while (c->p < c->end && sim_blank(*c->p))
		c->p++;
	*r = c->p;
	*len = (size_t)(c->end - c->p);
	c->p = c->end;
}

static int
sim_is(const char *w, size_t len, const char *s)
{
	return (strlen(s) == len && memcmp(w, s, len) == 0);
}

/* Nothing may follow: an error (and -1) if something does. */
static int
sim_end(struct sim_parse *p, struct sim_cursor *c)
{
	const char *w;
	size_t len;

	if (!sim_word(c, &w, &len))
		return (0);
	sim_err_got(p, "end of line", w, len);
	return (-1);
}

/* Milliseconds (a fraction allowed) in [min, max], stored as seconds. */
static int
sim_ms(struct sim_parse *p, struct sim_cursor *c, double min, double *seconds)
{
	char buf[32], what[64];
	const char *w;
	size_t len, i;
	char *end;
	double v;

	if (min > 0)
		snprintf(what, sizeof what, "milliseconds > 0 and <= %.0f",
		    SIM_MS_MAX);
	else
		snprintf(what, sizeof what, "milliseconds 0-%.0f", SIM_MS_MAX);
	if (!sim_word(c, &w, &len) || len >= sizeof buf)
		goto fail;
	for (i = 0; i < len; i++)
		if (!isdigit((unsigned char)w[i]) && w[i] != '.')
			goto fail;
	memcpy(buf, w, len);
	buf[len] = '\0';
	v = strtod(buf, &end);
	if (*end != '\0' || !isfinite(v) || v < min || v > SIM_MS_MAX ||
	    (min > 0 && v == 0))
		goto fail;
	*seconds = v / 1000.0;
	return (0);

fail:
	sim_err_got(p, what, w, len);
	return (-1);
}

/* A decimal integer in [min, max]. */
static int
sim_uint(struct sim_parse *p, struct sim_cursor *c, const char *what,
    unsigned long min, unsigned long max, unsigned *out)
{
	char buf[32], exp[96];
	const char *w;
	size_t len, i;
	unsigned long v;

	snprintf(exp, sizeof exp, "%s %lu-%lu", what, min, max);
	if (!sim_word(c, &w, &len) || len >= sizeof buf)
		goto fail;
	for (i = 0; i < len; i++)
		if (!isdigit((unsigned char)w[i]))
			goto fail;
	memcpy(buf, w, len);
	buf[len] = '\0';
	v = strtoul(buf, NULL, 10);
	if (v < min || v > max)
		goto fail;
	*out = (unsigned)v;
	return (0);

fail:
	sim_err_got(p, exp, w, len);
	return (-1);
}

/*
 * The endpoint a directive applies to (the last one declared), if it is
 * of the kind the directive needs (http or ws).
 */
static struct sim_endpoint_spec *
sim_cur_ep(struct sim_parse *p, const char *directive, int http)
{
	struct sim_endpoint_spec *ep;

	if (p->sc->neps == 0) {
		sim_err(p, "expected an endpoint before \"%s\", got none yet",
		    directive);
		return (NULL);
	}
	ep = &p->sc->eps[p->sc->neps - 1];
	if (ep->http != http && !p->ep_bad) {
		sim_err(p,
		    "expected %s endpoint for \"%s\", got %s endpoint "
		    "\"%s\"",
		    http ? "an http" : "a ws", directive,
		    ep->http ? "http" : "ws", ep->name);
		return (NULL);
	}
	return (ep);
}

static int
sim_name_ok(const char *w, size_t len)
{
	size_t i;

	if (len == 0 || len > SIM_NAME_MAX)
		return (0);
	for (i = 0; i < len; i++) {
		if (!isalnum((unsigned char)w[i]) && w[i] != '_' &&
		    w[i] != '-' && w[i] != '.')
			return (0);
	}
	return (1);
}

/* [cert=FILE key=FILE], in either order, both or neither. */
static int
sim_parse_certs(struct sim_parse *p, struct sim_cursor *c,
    struct sim_endpoint_spec *ep)
{
	const char *w;
	size_t len;

	while (sim_word(c, &w, &len)) {
		if (len > 5 && memcmp(w, "cert=", 5) == 0 && ep->cert == NULL)
			ep->cert = xstrndup(w + 5, len - 5);
		else if (len > 4 && memcmp(w, "key=", 4) == 0 &&
		    ep->key == NULL)
			ep->key = xstrndup(w + 4, len - 4);
		else {
			sim_err_got(p, "cert=FILE key=FILE or end of line", w,
			    len);
			return (-1);
		}
	}
	if ((ep->cert == NULL) != (ep->key == NULL)) {
		sim_err_got(p, ep->cert == NULL ? "cert=FILE" : "key=FILE",
		    NULL, 0);
		return (-1);
	}
	if (ep->cert != NULL && !ep->tls) {
		sim_err_got(p, "no certificate for a plain endpoint", ep->cert,
		    strlen(ep->cert));
		return (-1);
	}
	if (ep->tls && ep->cert == NULL) {
		if (p->def_cert == NULL || p->def_key == NULL) {
			sim_err_got(p,
			    "cert=FILE key=FILE (no default certificate)", NULL,
			    0);
			return (-1);
		}
		ep->cert = xstrdup(p->def_cert);
		ep->key = xstrdup(p->def_key);
	}
	return (0);
}

static void
sim_endpoint_clear(struct sim_endpoint_spec *ep)
{
	unsigned i;

	for (i = 0; i < ep->nrules; i++) {
		free(ep->rules[i].match);
		free(ep->rules[i].act.text);
	}
	free(ep->rules);
	for (i = 0; i < ep->nroutes; i++) {
		free(ep->routes[i].method);
		free(ep->routes[i].path);
		free(ep->routes[i].body);
		free(ep->routes[i].bullet);
	}
	free(ep->routes);
	free(ep->venue.path);
	free(ep->venue.token);
	free(ep->venue.replay);
	free(ep->name);
	free(ep->cert);
	free(ep->key);
	memset(ep, 0, sizeof *ep);
}

/* endpoint NAME ws|http tls|plain [cert=FILE key=FILE] */
static void
sim_parse_endpoint(struct sim_parse *p, struct sim_cursor *c)
{
	struct sim_endpoint_spec ep;
	const char *w;
	size_t len;
	unsigned i;

	memset(&ep, 0, sizeof ep);
	ep.line = p->line;
	if (!sim_word(c, &w, &len) || !sim_name_ok(w, len)) {
		sim_err_got(p, "an endpoint name ([A-Za-z0-9_.-], 1-64)", w,
		    len);
		goto fail;
	}
	for (i = 0; i < p->sc->neps; i++) {
		if (sim_is(w, len, p->sc->eps[i].name)) {
			sim_err(p,
			    "expected a new endpoint name, got \"%s\" "
			    "(already on line %u)",
			    p->sc->eps[i].name, p->sc->eps[i].line);
			goto fail;
		}
	}
	ep.name = xstrndup(w, len);
	if (sim_word(c, &w, &len) && sim_is(w, len, "http"))
		ep.http = 1;
	else if (!sim_is(w, len, "ws")) {
		sim_err_got(p, "ws or http", w, len);
		goto fail;
	}
	if (sim_word(c, &w, &len) && sim_is(w, len, "tls"))
		ep.tls = 1;
	else if (!sim_is(w, len, "plain")) {
		sim_err_got(p, "tls or plain", w, len);
		goto fail;
	}
	if (sim_parse_certs(p, c, &ep) != 0)
		goto fail;
	p->sc->eps =
	    xreallocarray(p->sc->eps, p->sc->neps + 1, sizeof *p->sc->eps);
	p->sc->eps[p->sc->neps++] = ep;
	p->ep_bad = 0;
	return;

fail:
	/*
	 * Keep a placeholder, so that the directives below it are checked
	 * against something instead of each reporting a missing endpoint.
	 */
	free(ep.cert);
	free(ep.key);
	ep.cert = ep.key = NULL;
	if (ep.name == NULL)
		ep.name = xstrdup("");
	p->sc->eps =
	    xreallocarray(p->sc->eps, p->sc->neps + 1, sizeof *p->sc->eps);
	p->sc->eps[p->sc->neps++] = ep;
	p->ep_bad = 1;
}

/* The TEXT of send/send-binary/send-frag: required, the rest of line. */
static int
sim_parse_text(struct sim_parse *p, struct sim_cursor *c, const char *what,
    struct sim_action *a)
{
	const char *r;
	size_t len;

	sim_rest(c, &r, &len);
	if (len == 0) {
		sim_err_got(p, what, NULL, 0);
		return (-1);
	}
	a->text = xstrndup(r, len);
	a->len = len;
	return (0);
}

static int
sim_parse_fault(struct sim_parse *p, struct sim_cursor *c, struct sim_action *a)
{
	const char *w;
	size_t len;

	if (!sim_word(c, &w, &len))
		w = NULL;
	if (w != NULL && sim_is(w, len, "drop"))
		a->kind = SIM_ACT_DROP;
	else if (w != NULL && sim_is(w, len, "stall"))
		a->kind = SIM_ACT_STALL;
	else if (w != NULL && sim_is(w, len, "garbage"))
		a->kind = SIM_ACT_GARBAGE;
	else if (w != NULL && sim_is(w, len, "badclose"))
		a->kind = SIM_ACT_BADCLOSE;
	else if (w != NULL && sim_is(w, len, "oversize")) {
		a->kind = SIM_ACT_OVERSIZE;
		if (sim_uint(p, c, "bytes", 1, SIM_OVERSIZE_MAX, &a->n) != 0)
			return (-1);
	} else {
		sim_err_got(p, "drop, stall, garbage, oversize or badclose", w,
		    len);
		return (-1);
	}
	return (sim_end(p, c));
}

/* The optional text of ping and close: at most max bytes. */
static int
sim_parse_opt_text(struct sim_parse *p, struct sim_cursor *c, size_t max,
    struct sim_action *a)
{
	const char *r;
	size_t len;
	char what[64];

	sim_rest(c, &r, &len);
	if (len > max) {
		snprintf(what, sizeof what, "at most %zu bytes of text", max);
		sim_err_got(p, what, r, len);
		return (-1);
	}
	if (len > 0) {
		a->text = xstrndup(r, len);
		a->len = len;
	}
	return (0);
}

static int
sim_parse_action(struct sim_parse *p, struct sim_cursor *c,
    struct sim_action *a)
{
	const char *w;
	size_t len;

	memset(a, 0, sizeof *a);
	if (!sim_word(c, &w, &len))
		w = NULL;
	if (w != NULL && sim_is(w, len, "send")) {
		a->kind = SIM_ACT_SEND;
		return (sim_parse_text(p, c, "text to send", a));
	}
	if (w != NULL && sim_is(w, len, "send-binary")) {
		a->kind = SIM_ACT_SEND_BINARY;
		return (sim_parse_text(p, c, "data to send", a));
	}
	if (w != NULL && sim_is(w, len, "send-frag")) {
		a->kind = SIM_ACT_SEND_FRAG;
		if (sim_uint(p, c, "fragments", 1, SIM_FRAG_MAX, &a->n) != 0)
			return (-1);
		return (sim_parse_text(p, c, "text to send", a));
	}
	if (w != NULL && sim_is(w, len, "ping")) {
		a->kind = SIM_ACT_PING;
		return (sim_parse_opt_text(p, c, 125, a));
	}
	if (w != NULL && sim_is(w, len, "close")) {
		a->kind = SIM_ACT_CLOSE;
		if (sim_uint(p, c, "a close code", 1000, 4999, &a->n) != 0)
			return (-1);
		return (sim_parse_opt_text(p, c, 123, a));
	}
	if (w != NULL && sim_is(w, len, "fault"))
		return (sim_parse_fault(p, c, a));
	sim_err_got(p, "send, send-binary, send-frag, ping, close or fault", w,
	    len);
	return (-1);
}

/* [after MS] [every MS [count N]] */
static int
sim_parse_timing(struct sim_parse *p, struct sim_cursor *c, struct sim_rule *r)
{
	struct sim_cursor look;
	const char *w;
	size_t len;

	for (;;) {
		look = *c;
		if (!sim_word(&look, &w, &len))
			return (0);
		if (sim_is(w, len, "after") && r->after == 0 && r->every == 0) {
			*c = look;
			if (sim_ms(p, c, 0, &r->after) != 0)
				return (-1);
		} else if (sim_is(w, len, "every") && r->every == 0) {
			*c = look;
			if (sim_ms(p, c, 0.01, &r->every) != 0)
				return (-1);
		} else if (sim_is(w, len, "count") && r->every > 0 &&
		    r->count == 0) {
			*c = look;
			if (sim_uint(p, c, "a count", 1, 4000000000u,
				&r->count) != 0)
				return (-1);
		} else
			return (0);
	}
}

/* on open [after MS] [every MS [count N]] ACTION | on message SUB ACTION */
static void
sim_parse_on(struct sim_parse *p, struct sim_cursor *c)
{
	struct sim_endpoint_spec *ep;
	struct sim_rule r;
	const char *w;
	size_t len;

	if ((ep = sim_cur_ep(p, "on", 0)) == NULL)
		return;
	memset(&r, 0, sizeof r);
	r.line = p->line;
	if (sim_word(c, &w, &len) && sim_is(w, len, "open")) {
		r.when = SIM_ON_OPEN;
		if (sim_parse_timing(p, c, &r) != 0)
			return;
	} else if (sim_is(w, len, "message")) {
		r.when = SIM_ON_MESSAGE;
		if (!sim_word(c, &w, &len)) {
			sim_err_got(p, "a substring to match (or *)", NULL, 0);
			return;
		}
		if (!sim_is(w, len, "*"))
			r.match = xstrndup(w, len);
	} else {
		sim_err_got(p, "open or message", w, len);
		return;
	}
	if (sim_parse_action(p, c, &r.act) != 0) {
		free(r.match);
		free(r.act.text);
		return;
	}
	ep->rules = xreallocarray(ep->rules, ep->nrules + 1, sizeof *ep->rules);
	ep->rules[ep->nrules++] = r;
}

/* upgrade 403|badkey|noupgrade|ok */
static void
sim_parse_upgrade(struct sim_parse *p, struct sim_cursor *c)
{
	struct sim_endpoint_spec *ep;
	const char *w;
	size_t len;

	if ((ep = sim_cur_ep(p, "upgrade", 0)) == NULL)
		return;
	if (!sim_word(c, &w, &len))
		w = NULL;
	if (w != NULL && sim_is(w, len, "ok"))
		ep->upgrade = SIM_UPGRADE_OK;
	else if (w != NULL && sim_is(w, len, "403"))
		ep->upgrade = SIM_UPGRADE_403;
	else if (w != NULL && sim_is(w, len, "badkey"))
		ep->upgrade = SIM_UPGRADE_BADKEY;
	else if (w != NULL && sim_is(w, len, "noupgrade"))
		ep->upgrade = SIM_UPGRADE_NOUPGRADE;
	else {
		sim_err_got(p, "403, badkey, noupgrade or ok", w, len);
		return;
	}
	(void)sim_end(p, c);
}

static int
sim_method_ok(const char *w, size_t len)
{
	size_t i;

	if (len == 0 || len > 16)
		return (0);
	for (i = 0; i < len; i++)
		if (w[i] < 'A' || w[i] > 'Z')
			return (0);
	return (1);
}

/* BODY: text, @bytes=N or @hang. */
static int
sim_parse_body(struct sim_parse *p, struct sim_cursor *c, struct sim_route *rt)
{
	char buf[32], q[SIM_QUOTE_MAX * 4 + 16];
	const char *r;
	size_t len, i;
	unsigned long n;

	sim_rest(c, &r, &len);
	if (len == 0 || r[0] != '@') {
		rt->body_kind = SIM_BODY_TEXT;
		rt->body = xstrndup(r, len);
		rt->body_len = len;
		return (0);
	}
	if (sim_is(r, len, "@hang")) {
		rt->body_kind = SIM_BODY_HANG;
		return (0);
	}
	if (len > 7 && len - 7 < sizeof buf && memcmp(r, "@bytes=", 7) == 0) {
		for (i = 7; i < len; i++)
			if (!isdigit((unsigned char)r[i]))
				break;
		if (i == len) {
			memcpy(buf, r + 7, len - 7);
			buf[len - 7] = '\0';
			n = strtoul(buf, NULL, 10);
			if (n <= SIM_GEN_MAX) {
				rt->body_kind = SIM_BODY_BYTES;
				rt->body_len = n;
				return (0);
			}
		}
	}
	sim_err(p, "expected a body, @bytes=N (N 0-%u) or @hang, got %s",
	    SIM_GEN_MAX, sim_quote(q, sizeof q, r, len));
	return (-1);
}

/* route METHOD PATH STATUS length|chunked|close [delay MS] BODY */
static void
sim_parse_route(struct sim_parse *p, struct sim_cursor *c)
{
	struct sim_endpoint_spec *ep;
	struct sim_route rt;
	struct sim_cursor look;
	const char *w;
	size_t len;

	if ((ep = sim_cur_ep(p, "route", 1)) == NULL)
		return;
	memset(&rt, 0, sizeof rt);
	rt.line = p->line;
	if (!sim_word(c, &w, &len) || !sim_method_ok(w, len)) {
		sim_err_got(p, "a method (GET, POST...)", w, len);
		goto fail;
	}
	rt.method = xstrndup(w, len);
	if (!sim_word(c, &w, &len) || w[0] != '/' ||
	    memchr(w, '?', len) != NULL) {
		sim_err_got(p, "a path starting with / (no query)", w, len);
		goto fail;
	}
	rt.path = xstrndup(w, len);
	if (sim_uint(p, c, "a status", 100, 599, &rt.status) != 0)
		goto fail;
	if (sim_word(c, &w, &len) && sim_is(w, len, "length"))
		rt.framing = SIM_FRAMING_LENGTH;
	else if (sim_is(w, len, "chunked"))
		rt.framing = SIM_FRAMING_CHUNKED;
	else if (sim_is(w, len, "close"))
		rt.framing = SIM_FRAMING_CLOSE;
	else {
		sim_err_got(p, "length, chunked or close", w, len);
		goto fail;
	}
	look = *c;
	if (sim_word(&look, &w, &len) && sim_is(w, len, "delay")) {
		*c = look;
		if (sim_ms(p, c, 0, &rt.delay) != 0)
			goto fail;
	}
	if (sim_parse_body(p, c, &rt) != 0)
		goto fail;
	ep->routes =
	    xreallocarray(ep->routes, ep->nroutes + 1, sizeof *ep->routes);
	ep->routes[ep->nroutes++] = rt;
	return;

fail:
	free(rt.method);
	free(rt.path);
	free(rt.body);
}

const char *
sim_venue_kind_name(enum sim_venue_kind k)
{
	return ((unsigned)k < SIM_VENUE_COUNT ? sim_venue_names[k] : "");
}

/* One key=value word: 0 at the end of the line, -1 if not key=value. */
static int
sim_kv(struct sim_parse *p, struct sim_cursor *c, const char *what,
    const char **k, size_t *klen, const char **v, size_t *vlen)
{
	const char *w, *eq;
	size_t len;

	if (!sim_word(c, &w, &len))
		return (0);
	if ((eq = memchr(w, '=', len)) == NULL || eq == w) {
		sim_err_got(p, what, w, len);
		return (-1);
	}
	*k = w;
	*klen = (size_t)(eq - w);
	*v = eq + 1;
	*vlen = len - *klen - 1;
	return (1);
}

/* A non-negative decimal (a fraction allowed) of at most 31 bytes. */
static int
sim_num(const char *v, size_t len, double *out)
{
	char buf[32], *end;
	size_t i;

	if (len == 0 || len >= sizeof buf)
		return (-1);
	for (i = 0; i < len; i++)
		if (!isdigit((unsigned char)v[i]) && v[i] != '.')
			return (-1);
	memcpy(buf, v, len);
	buf[len] = '\0';
	*out = strtod(buf, &end);
	return (*end == '\0' && isfinite(*out) ? 0 : -1);
}

/* KEY=number in [min, max]; "what" names the unit in the error. */
static int
sim_kv_num(struct sim_parse *p, const char *k, size_t klen, const char *v,
    size_t vlen, const char *what, double min, double max, double *out)
{
	char exp[128];

	if (sim_num(v, vlen, out) == 0 && *out >= min && *out <= max)
		return (0);
	snprintf(exp, sizeof exp, "%.*s=%s %.10g-%.10g", (int)klen, k, what,
	    min, max);
	sim_err_got(p, exp, v, vlen);
	return (-1);
}

/* A word of [A-Za-z0-9] and the bytes of extra, 1-max bytes. */
static int
sim_word_ok(const char *w, size_t len, size_t max, const char *extra)
{
	size_t i;

	if (len == 0 || len > max)
		return (0);
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)w[i]) &&
		    strchr(extra, w[i]) == NULL)
			return (0);
	return (1);
}

/* Has key already been seen on this line?  Keys are few: a bit each. */
static int
sim_kv_once(struct sim_parse *p, unsigned *seen, unsigned bit, const char *k,
    size_t klen)
{
	if ((*seen & bit) == 0) {
		*seen |= bit;
		return (0);
	}
	sim_err(p, "expected each key once, got %.*s= twice", (int)klen, k);
	return (-1);
}

/* The venue's own keys: token only for kucoin, ping for server pingers. */
static int
sim_venue_key_ok(struct sim_parse *p, const struct sim_venue_spec *vs,
    const char *k, size_t klen)
{
	int pinger = vs->kind == SIM_VENUE_PARADEX ||
	    vs->kind == SIM_VENUE_BINANCE ||
	    vs->kind == SIM_VENUE_BINANCE_MARKET;

	if (sim_is(k, klen, "token") && vs->kind != SIM_VENUE_KUCOIN) {
		sim_err(p, "expected token= only for kucoin, got it for %s",
		    sim_venue_kind_name(vs->kind));
		return (-1);
	}
	if (sim_is(k, klen, "ping") && !pinger) {
		sim_err(p,
		    "expected ping= only for paradex, binance and "
		    "binance-market (the others' clients ping), got it for %s",
		    sim_venue_kind_name(vs->kind));
		return (-1);
	}
	return (0);
}

static int
sim_venue_kv(struct sim_parse *p, struct sim_venue_spec *vs, const char *k,
    size_t klen, const char *v, size_t vlen, unsigned *seen)
{
	static const char *const keys[] = { "path", "heartbeat", "ping", "rate",
		"funding", "idle", "token" };
	double d;
	unsigned i;

	for (i = 0; i < nitems(keys); i++)
		if (sim_is(k, klen, keys[i]))
			break;
	if (i == nitems(keys)) {
		sim_err_got(p,
		    "path=, heartbeat=, ping=, rate=, funding=, idle= or "
		    "token=",
		    k, klen + 1 + vlen);
		return (-1);
	}
	if (sim_kv_once(p, seen, 1u << i, k, klen) != 0 ||
	    sim_venue_key_ok(p, vs, k, klen) != 0)
		return (-1);
	switch (i) {
	case 0:
		if (vlen == 0 || v[0] != '/' || vlen > SIM_PATH_MAX ||
		    memchr(v, '?', vlen) != NULL) {
			sim_err_got(p, "path=/PATH (no query)", v, vlen);
			return (-1);
		}
		vs->path = xstrndup(v, vlen);
		return (0);
	case 1:
	case 2:
		if (sim_kv_num(p, k, klen, v, vlen, "milliseconds", 0,
			SIM_MS_MAX, &d) != 0)
			return (-1);
		*(i == 1 ? &vs->heartbeat : &vs->ping) = d / 1000.0;
		return (0);
	case 3:
		return (sim_kv_num(p, k, klen, v, vlen, "per second", 0.01,
		    SIM_RATE_MAX, &vs->rate));
	case 4:
		if (sim_kv_num(p, k, klen, v, vlen, "milliseconds", 1,
			SIM_MS_MAX, &d) != 0)
			return (-1);
		vs->funding = d / 1000.0;
		return (0);
	case 5:
		if (!sim_is(v, vlen, "0") && !sim_is(v, vlen, "1")) {
			sim_err_got(p, "idle=0 or idle=1", v, vlen);
			return (-1);
		}
		vs->idle = v[0] == '1';
		return (0);
	default:
		if (!sim_word_ok(v, vlen, SIM_TOKEN_MAX, "-_.=~")) {
			sim_err_got(p, "token=[A-Za-z0-9-_.=~] (1-256)", v,
			    vlen);
			return (-1);
		}
		vs->token = xstrndup(v, vlen);
		return (0);
	}
}

/* venue NAME [key=value ...] */
static void
sim_parse_venue(struct sim_parse *p, struct sim_cursor *c)
{
	struct sim_endpoint_spec *ep;
	struct sim_venue_spec vs;
	const char *w, *k, *v;
	size_t len, klen, vlen;
	unsigned i, seen = 0;
	int r;

	if ((ep = sim_cur_ep(p, "venue", 0)) == NULL)
		return;
	if (ep->venue.kind != SIM_VENUE_NONE) {
		sim_err(p,
		    "expected one venue per endpoint, got a second for "
		    "\"%s\" (first on line %u)",
		    ep->name, ep->venue.line);
		return;
	}
	memset(&vs, 0, sizeof vs);
	vs.heartbeat = vs.ping = vs.rate = vs.funding = -1;
	vs.line = p->line;
	if (!sim_word(c, &w, &len))
		w = NULL;
	for (i = 1; i < SIM_VENUE_COUNT; i++)
		if (w != NULL && sim_is(w, len, sim_venue_names[i]))
			break;
	if (i == SIM_VENUE_COUNT) {
		sim_err_got(p,
		    "bybit, okx, kucoin, bitget, hyperliquid, paradex, "
		    "binance or binance-market",
		    w, len);
		return;
	}
	vs.kind = (enum sim_venue_kind)i;
	while ((r = sim_kv(p, c, "key=value", &k, &klen, &v, &vlen)) == 1)
		if (sim_venue_kv(p, &vs, k, klen, v, vlen, &seen) != 0)
			break;
	if (r != 0) {
		free(vs.path);
		free(vs.token);
		return;
	}
	ep->venue = vs;
}

/* replay FILE [rate=N] */
static void
sim_parse_replay(struct sim_parse *p, struct sim_cursor *c)
{
	struct sim_endpoint_spec *ep;
	const char *w, *k, *v;
	size_t len, klen, vlen;
	double rate = 0;
	int r;

	if ((ep = sim_cur_ep(p, "replay", 0)) == NULL)
		return;
	if (ep->venue.kind == SIM_VENUE_NONE) {
		sim_err(p,
		    "expected a venue line before \"replay\" for "
		    "endpoint \"%s\", got none",
		    ep->name);
		return;
	}
	if (ep->venue.replay != NULL) {
		sim_err(p,
		    "expected one replay per endpoint, got a second "
		    "(first on line %u)",
		    ep->venue.replay_line);
		return;
	}
	if (!sim_word(c, &w, &len)) {
		sim_err_got(p, "a file of frames, one per line", NULL, 0);
		return;
	}
	r = sim_kv(p, c, "rate=N or end of line", &k, &klen, &v, &vlen);
	if (r == 1 && !sim_is(k, klen, "rate")) {
		sim_err_got(p, "rate=N or end of line", k, klen + 1 + vlen);
		return;
	}
	if (r == -1 ||
	    (r == 1 &&
		(sim_kv_num(p, k, klen, v, vlen, "lines per second", 0.01,
		     SIM_RATE_MAX, &rate) != 0 ||
		    sim_end(p, c) != 0)))
		return;
	ep->venue.replay = xstrndup(w, len);
	ep->venue.replay_rate = rate;
	ep->venue.replay_line = p->line;
}

/* instruments=BTC,ETH,SOL */
static int
sim_prices_bases(struct sim_parse *p, struct sim_prices_spec *ps, const char *v,
    size_t vlen)
{
	const char *s = v, *end = v + vlen, *comma;
	unsigned i;

	for (;;) {
		if ((comma = memchr(s, ',', (size_t)(end - s))) == NULL)
			comma = end;
		if (!sim_word_ok(s, (size_t)(comma - s), SIM_BASE_MAX, "") ||
		    ps->nbases == SIM_INST_MAX) {
			sim_err_got(p,
			    "instruments=BASE,... (A-Za-z0-9, 1-15 "
			    "characters, at most 256)",
			    v, vlen);
			return (-1);
		}
		for (i = 0; i < ps->nbases; i++)
			if (sim_is(s, (size_t)(comma - s), ps->bases[i])) {
				sim_err(p,
				    "expected each instrument once, got %s "
				    "twice",
				    ps->bases[i]);
				return (-1);
			}
		ps->bases =
		    xreallocarray(ps->bases, ps->nbases + 1, sizeof *ps->bases);
		ps->bases[ps->nbases++] = xstrndup(s, (size_t)(comma - s));
		if (comma == end)
			return (0);
		s = comma + 1;
	}
}

static int
sim_prices_kv(struct sim_parse *p, struct sim_prices_spec *ps, const char *k,
    size_t klen, const char *v, size_t vlen, unsigned *seen)
{
	static const char *const keys[] = { "seed", "volatility_bps",
		"dislocation_every_ms", "dislocation_bps", "dislocation_ms",
		"instruments", "funding_every_ms", "funding_jump" };
	double d;
	unsigned i;

	for (i = 0; i < nitems(keys); i++)
		if (sim_is(k, klen, keys[i]))
			break;
	if (i == nitems(keys)) {
		sim_err_got(p,
		    "seed=, volatility_bps=, dislocation_every_ms=, "
		    "dislocation_bps=, dislocation_ms=, instruments=, "
		    "funding_every_ms= or funding_jump=",
		    k, klen + 1 + vlen);
		return (-1);
	}
	if (sim_kv_once(p, seen, 1u << i, k, klen) != 0)
		return (-1);
	switch (i) {
	case 0:
		if (sim_kv_num(p, k, klen, v, vlen, "an integer", 0,
			4294967295.0, &d) != 0)
			return (-1);
		if (memchr(v, '.', vlen) != NULL) {
			sim_err_got(p, "seed=an integer", v, vlen);
			return (-1);
		}
		ps->seed = (uint64_t)d;
		return (0);
	case 1:
		return (sim_kv_num(p, k, klen, v, vlen, "bps", 0, 1000,
		    &ps->volatility_bps));
	case 2:
	case 4:
		if (sim_kv_num(p, k, klen, v, vlen, "milliseconds", 0,
			SIM_MS_MAX, &d) != 0)
			return (-1);
		*(i == 2 ? &ps->dislocation_every_s : &ps->dislocation_s) =
		    d / 1000.0;
		return (0);
	case 3:
		return (sim_kv_num(p, k, klen, v, vlen, "bps", 0, 10000,
		    &ps->dislocation_bps));
	case 6:
		if (sim_kv_num(p, k, klen, v, vlen, "milliseconds", 0,
			SIM_MS_MAX, &d) != 0)
			return (-1);
		ps->funding_every_s = d / 1000.0;
		return (0);
	case 7:
		return (sim_kv_num(p, k, klen, v, vlen, "a rate per 8 h", 0,
		    0.1, &ps->funding_jump_8h));
	default:
		return (sim_prices_bases(p, ps, v, vlen));
	}
}

static void
sim_prices_clear(struct sim_prices_spec *ps)
{
	unsigned i;

	for (i = 0; i < ps->nbases; i++)
		free(ps->bases[i]);
	free(ps->bases);
	memset(ps, 0, sizeof *ps);
}

/* prices [key=value ...]: global, once. */
static void
sim_parse_prices(struct sim_parse *p, struct sim_cursor *c)
{
	struct sim_prices_spec ps;
	const char *k, *v;
	size_t klen, vlen;
	unsigned seen = 0;
	int r;

	if (p->sc->prices.set) {
		sim_err(p,
		    "expected one prices line, got a second (first on "
		    "line %u)",
		    p->sc->prices.line);
		return;
	}
	memset(&ps, 0, sizeof ps);
	ps.seed = 1;
	ps.volatility_bps = 5;
	ps.set = 1;
	ps.line = p->line;
	while ((r = sim_kv(p, c, "key=value", &k, &klen, &v, &vlen)) == 1)
		if (sim_prices_kv(p, &ps, k, klen, v, vlen, &seen) != 0)
			break;
	if (r != 0) {
		sim_prices_clear(&ps);
		return;
	}
	if (ps.dislocation_every_s > 0 && ps.dislocation_s <= 0) {
		sim_err(p,
		    "expected dislocation_ms= > 0 with "
		    "dislocation_every_ms=, got none");
		sim_prices_clear(&ps);
		return;
	}
	p->sc->prices = ps;
}

/* bullet WSENDPOINT: KuCoin's token route on an http endpoint. */
static void
sim_parse_bullet(struct sim_parse *p, struct sim_cursor *c)
{
	struct sim_endpoint_spec *ep;
	struct sim_route rt;
	const char *w;
	size_t len;

	if ((ep = sim_cur_ep(p, "bullet", 1)) == NULL)
		return;
	if (!sim_word(c, &w, &len) || !sim_name_ok(w, len)) {
		sim_err_got(p, "a ws endpoint name", w, len);
		return;
	}
	if (sim_end(p, c) != 0)
		return;
	memset(&rt, 0, sizeof rt);
	rt.method = xstrdup("POST");
	rt.path = xstrdup(SIM_BULLET_PATH);
	rt.status = 200;
	rt.framing = SIM_FRAMING_LENGTH;
	rt.body_kind = SIM_BODY_BULLET;
	rt.bullet = xstrndup(w, len);
	rt.line = p->line;
	ep->routes =
	    xreallocarray(ep->routes, ep->nroutes + 1, sizeof *ep->routes);
	ep->routes[ep->nroutes++] = rt;
}

/* After the last line: every bullet names a kucoin venue endpoint. */
static void
sim_check_bullets(struct sim_parse *p)
{
	const struct sim_endpoint_spec *ep, *ws;
	const struct sim_route *rt;
	unsigned i, j, k;

	for (i = 0; i < p->sc->neps; i++) {
		ep = &p->sc->eps[i];
		for (j = 0; j < ep->nroutes; j++) {
			rt = &ep->routes[j];
			if (rt->body_kind != SIM_BODY_BULLET)
				continue;
			for (k = 0, ws = NULL; k < p->sc->neps; k++)
				if (strcmp(p->sc->eps[k].name, rt->bullet) == 0)
					ws = &p->sc->eps[k];
			if (ws != NULL && !ws->http &&
			    ws->venue.kind == SIM_VENUE_KUCOIN)
				continue;
			p->line = rt->line;
			sim_err(p,
			    "expected a ws endpoint with \"venue kucoin\" "
			    "for bullet, got \"%s\"",
			    rt->bullet);
		}
	}
}

static void
sim_parse_line(struct sim_parse *p, const char *s, const char *end)
{
	struct sim_cursor c = { s, end };
	const char *w;
	size_t len;

	if (c.end > c.p && c.end[-1] == '\r')
		c.end--;
	if (!sim_word(&c, &w, &len) || w[0] == '#')
		return;
	if (sim_is(w, len, "endpoint"))
		sim_parse_endpoint(p, &c);
	else if (sim_is(w, len, "on"))
		sim_parse_on(p, &c);
	else if (sim_is(w, len, "upgrade"))
		sim_parse_upgrade(p, &c);
	else if (sim_is(w, len, "route"))
		sim_parse_route(p, &c);
	else if (sim_is(w, len, "venue"))
		sim_parse_venue(p, &c);
	else if (sim_is(w, len, "replay"))
		sim_parse_replay(p, &c);
	else if (sim_is(w, len, "prices"))
		sim_parse_prices(p, &c);
	else if (sim_is(w, len, "bullet"))
		sim_parse_bullet(p, &c);
	else
		sim_err_got(p,
		    "endpoint, on, upgrade, route, venue, replay, prices, "
		    "bullet or a # comment",
		    w, len);
}

struct sim_script *
sim_script_parse(const char *name, const char *text, const char *def_cert,
    const char *def_key, char **cause)
{
	struct sim_parse p;
	const char *s = text, *nl;

	memset(&p, 0, sizeof p);
	p.name = name != NULL ? name : "scenario";
	p.def_cert = def_cert;
	p.def_key = def_key;
	p.sc = xcalloc(1, sizeof *p.sc);
	while (*s != '\0') {
		p.line++;
		if ((nl = strchr(s, '\n')) == NULL)
			nl = s + strlen(s);
		sim_parse_line(&p, s, nl);
		s = *nl == '\n' ? nl + 1 : nl;
	}
	if (p.sc->neps == 0 && p.nerrs == 0) {
		p.line = p.line > 0 ? p.line : 1;
		sim_err(&p, "expected an endpoint, got end of file");
	}
	sim_check_bullets(&p);
	if (p.nerrs > 0) {
		p.errs[p.errlen - 1] = '\0'; /* the last newline */
		*cause = p.errs;
		sim_script_free(p.sc);
		return (NULL);
	}
	return (p.sc);
}

void
sim_script_free(struct sim_script *sc)
{
	unsigned i;

	if (sc == NULL)
		return;
	for (i = 0; i < sc->neps; i++)
		sim_endpoint_clear(&sc->eps[i]);
	free(sc->eps);
	sim_prices_clear(&sc->prices);
	free(sc);
}

/* sim_new_venues(): the endpoints of each selected venue, in id order. */
static const struct {
	enum venue_id v;
	enum sim_venue_kind kind;
	const char *name;
} sim_script_streams[] = {
	{ VENUE_BYBIT, SIM_VENUE_BYBIT, "bybit" },
	{ VENUE_OKX, SIM_VENUE_OKX, "okx" },
	{ VENUE_KUCOIN, SIM_VENUE_KUCOIN, "kucoin" },
	{ VENUE_BITGET, SIM_VENUE_BITGET, "bitget" },
	{ VENUE_HYPERLIQUID, SIM_VENUE_HYPERLIQUID, "hyperliquid" },
	{ VENUE_PARADEX, SIM_VENUE_PARADEX, "paradex" },
	{ VENUE_BINANCE, SIM_VENUE_BINANCE, "binance" },
	{ VENUE_BINANCE, SIM_VENUE_BINANCE_MARKET, "binance-market" },
};

#define SIM_SCRIPT_TOKEN "2neAiuYvAU61ZDXANAGAsiL4-xarb-sim.gJEIAywPXFr"

static struct sim_endpoint_spec *
sim_script_add(struct sim_script *sc, const struct sim_venues_opts *o,
    const char *name, int http)
{
	struct sim_endpoint_spec *ep;

	sc->eps = xreallocarray(sc->eps, sc->neps + 1, sizeof *sc->eps);
	ep = &sc->eps[sc->neps++];
	memset(ep, 0, sizeof *ep);
	ep->name = xstrdup(name);
	ep->http = http;
	if (o->cert != NULL) {
		ep->tls = 1;
		ep->cert = xstrdup(o->cert);
		ep->key = xstrdup(o->key);
	}
	return (ep);
}

static int
sim_script_bases(struct sim_prices_spec *ps, const struct sim_venues_opts *o,
    char **cause)
{
	static const char *const def[] = { "BTC", "ETH", "SOL" };
	const char *b;
	unsigned i, n;

	n = o->sym != NULL ? symbols_count(o->sym)
			   : (o->ninst > 0 ? o->ninst : nitems(def));
	if (n > SIM_INST_MAX) {
		xasprintf(cause, "sim: expected at most %u instruments, got %u",
		    SIM_INST_MAX, n);
		return (-1);
	}
	ps->bases = xcalloc(n, sizeof *ps->bases);
	for (i = 0; i < n; i++) {
		if (o->sym != NULL)
			b = symbols_base(o->sym, (inst_id)i);
		else
			b = o->ninst > 0 ? o->bases[i] : def[i];
		if (!sim_word_ok(b, strlen(b), SIM_BASE_MAX, "")) {
			xasprintf(cause, "sim: bad instrument \"%.32s\"", b);
			return (-1);
		}
		ps->bases[ps->nbases++] = xstrdup(b);
	}
	return (0);
}

/*
 * The "<venue>-rest" http endpoint: the venue's instruments list (the
 * request meta.c makes), and KuCoin's bullet-public.
 */
static void
sim_script_rest(struct sim_script *sc, const struct sim_venues_opts *o,
    const char *venue, enum venue_id v)
{
	struct sim_endpoint_spec *ep;
	struct sim_route *rt;
	const char *method, *path, *body;
	char name[64];

	snprintf(name, sizeof name, "%s-rest", venue);
	ep = sim_script_add(sc, o, name, 1);
	ep->routes = xcalloc(2, sizeof *ep->routes);
	meta_request(v, &method, &path, &body);
	rt = &ep->routes[ep->nroutes++];
	rt->method = xstrdup(method);
	rt->path = xstrndup(path, strcspn(path, "?"));
	rt->status = 200;
	rt->framing = SIM_FRAMING_LENGTH;
	rt->body_kind = SIM_BODY_META;
	rt->venue = (int)v;
	if (v != VENUE_KUCOIN)
		return;
	rt = &ep->routes[ep->nroutes++];
	rt->method = xstrdup("POST");
	rt->path = xstrdup(SIM_BULLET_PATH);
	rt->status = 200;
	rt->framing = SIM_FRAMING_LENGTH;
	rt->body_kind = SIM_BODY_BULLET;
	rt->bullet = xstrdup("kucoin");
}

struct sim_script *
sim_script_venues(const struct sim_venues_opts *o, char **cause)
{
	struct sim_script *sc = xcalloc(1, sizeof *sc);
	struct sim_prices_spec *ps = &sc->prices;
	struct sim_endpoint_spec *ep;
	const char *token = o->kucoin_token;
	uint32_t venues = o->venues != 0 ? o->venues : (1u << VENUE_COUNT) - 1;
	size_t i;

	if ((o->cert == NULL) != (o->key == NULL)) {
		xasprintf(cause, "sim: a certificate needs its key");
		goto fail;
	}
	if (token == NULL)
		token = SIM_SCRIPT_TOKEN;
	if (!sim_word_ok(token, strlen(token), SIM_TOKEN_MAX, "-_.=~")) {
		xasprintf(cause, "sim: bad kucoin token");
		goto fail;
	}
	ps->set = 1;
	ps->seed = o->seed;
	ps->volatility_bps = o->volatility_bps;
	ps->dislocation_every_s = o->dislocation_every_s;
	ps->dislocation_bps = o->dislocation_bps;
	ps->dislocation_s = o->dislocation_s;
	ps->funding_every_s = o->funding_every_s;
	ps->funding_jump_8h = o->funding_jump_8h;
	if (sim_script_bases(ps, o, cause) != 0)
		goto fail;
	for (i = 0; i < nitems(sim_script_streams); i++) {
		if ((venues & (1u << sim_script_streams[i].v)) == 0)
			continue;
		ep = sim_script_add(sc, o, sim_script_streams[i].name, 0);
		ep->venue.kind = sim_script_streams[i].kind;
		ep->venue.heartbeat = ep->venue.ping = ep->venue.funding = -1;
		ep->venue.rate = o->rate > 0 ? o->rate : -1;
		if (ep->venue.kind == SIM_VENUE_BINANCE_MARKET)
			continue;
		if (ep->venue.kind == SIM_VENUE_KUCOIN)
			ep->venue.token = xstrdup(token);
		sim_script_rest(sc, o, sim_script_streams[i].name,
		    sim_script_streams[i].v);
	}
	if (sc->neps == 0) {
		xasprintf(cause, "sim: no venue selected");
		goto fail;
	}
	return (sc);

fail:
	sim_script_free(sc);
	return (NULL);
}
