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
#include "xmalloc.h"
#include "sim_script.h"

#define SIM_MS_MAX 86400000.0 /* a day: longer is a typo */
#define SIM_NAME_MAX 64
#define SIM_QUOTE_MAX 40 /* bytes of a bad word shown in an error */

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
	}
	free(ep->routes);
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
	else
		sim_err_got(p, "endpoint, on, upgrade, route or a # comment", w,
		    len);
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
	free(sc);
}
