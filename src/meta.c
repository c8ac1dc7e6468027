/*
 * Instrument metadata: one REST request per venue at start-up, parsed
 * into per-instrument entries, applied to the symbols table, cached.
 *
 * The answers are large (Bybit and OKX list hundreds of instruments, up
 * to a megabyte), far beyond the hot path's token budget, so they are
 * parsed with json_parse_big() and bounded by META_MAX_BODY instead.
 *
 * Cache file (text, one venue/symbol a line, written to a temporary file
 * and renamed over the old one so a reader never sees half of it):
 *
 *   xarb-instruments 1 <written, unix ms>
 *   <venue> <symbol> <fetched, unix ms> listed=1 contract=0.01
 *       funding_min=480 next_funding_ms=1700000000000
 *
 * where "-" means not given and unknown keys are ignored.
 */
#include "autoconf.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>

#include "xarb.h"
#include "config.h"
#include "fixed.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "fsutil.h"
#include "meta.h"
#include "reactor.h"
#include "symbols.h"
#include "venues.h"
#include "xmalloc.h"

#define META_MIN_MS INT64_C(60000)
#define META_HOUR_MS INT64_C(3600000)

/* One venue's metadata: fetched now or read from the cache. */
struct meta_venue {
	int have;	      /* entries are valid */
	int64_t when_ms;      /* when they were fetched */
	struct meta_entry *e; /* symbols_count entries */
};

static size_t meta_max_body = META_MAX_BODY;

void
meta_set_max_body(size_t n)
{
	meta_max_body = n > 0 ? n : META_MAX_BODY;
}

struct meta_fetch {
	struct meta *m;
	enum venue_id v;
	struct http_req *req; /* owned while running */
	int running;
};

struct meta {
	struct ev_loop *loop;
	struct symbols *sym;
	unsigned n; /* instruments */
	unsigned running;
	ev_timer bound;
	struct meta_stats *st;
	struct meta_fetch f[VENUE_COUNT];
	struct meta_venue got[VENUE_COUNT];   /* fetched now */
	struct meta_venue cache[VENUE_COUNT]; /* read from the cache */
};

static int64_t
meta_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

void
meta_request(enum venue_id v, const char **method, const char **path,
    const char **body)
{
	static const struct {
		const char *method, *path, *body;
	} req[VENUE_COUNT] = {
		[VENUE_BYBIT] = { "GET",
		    "/v5/market/instruments-info?category=linear&limit=1000",
		    NULL },
		[VENUE_OKX] = { "GET",
		    "/api/v5/public/instruments?instType=SWAP", NULL },
		[VENUE_KUCOIN] = { "GET", "/api/v1/contracts/active", NULL },
		[VENUE_BITGET] = { "GET",
		    "/api/v2/mix/market/contracts?productType=USDT-FUTURES",
		    NULL },
		[VENUE_HYPERLIQUID] = { "POST", "/info",
		    "{\"type\":\"meta\"}" },
		[VENUE_PARADEX] = { "GET", "/v1/markets", NULL },
		[VENUE_BINANCE] = { "GET", "/fapi/v1/fundingInfo", NULL },
	};

	*method = req[v].method;
	*path = req[v].path;
	*body = req[v].body;
}

/* -- parsing --------------------------------------------------------- */

/* A venue's answer, as the parser walks it. */
struct meta_parse {
	const struct json_doc *d;
	enum venue_id v;
	int64_t now_ms;
	char *why;
	size_t why_len;
	const char *sym; /* the element's symbol, for messages */
	int sym_len;
};

static int
meta_fail(struct meta_parse *p, const char *what)
{
	if (p->sym != NULL)
		snprintf(p->why, p->why_len, "%.*s: %s", p->sym_len, p->sym,
		    what);
	else
		snprintf(p->why, p->why_len, "%s", what);
	return (-1);
}

/* Does string field key of el, if present, differ from want? */
static int
meta_field_not(const struct json_doc *d, int el, const char *key,
    const char *want)
{
	int t = json_find(d, el, key);

	return (t != -1 && !json_eq(d, t, want));
}

/* An integer field in unit (minutes per unit) into *min; absent: 0. */
static int
meta_interval(struct meta_parse *p, int el, const char *key, int64_t per,
    int64_t div, uint32_t *min)
{
	int t = json_find(p->d, el, key);
	int64_t v;
	char what[64];

	if (t == -1 || json_is_null(p->d, t))
		return (0);
	if (json_get_i64(p->d, t, &v) != 0 || v <= 0 ||
	    v > (int64_t)SYMBOLS_FUNDING_MAX_MIN * div / per ||
	    (v * per) % div != 0) {
		snprintf(what, sizeof what, "bad %s", key);
		return (meta_fail(p, what));
	}
	*min = (uint32_t)(v * per / div);
	return (0);
}

/* A positive decimal field into *out (QTY_SCALE); absent: -1 if need. */
static int
meta_decimal(struct meta_parse *p, int el, const char *key, int need,
    int64_t *out)
{
	int t = json_find(p->d, el, key);
	char what[64];

	if (t == -1 && !need)
		return (0);
	if (json_get_fixed(p->d, t, QTY_DECIMALS, out) != FIXED_OK ||
	    *out <= 0) {
		snprintf(what, sizeof what, "%s %s", t == -1 ? "no" : "bad",
		    key);
		return (meta_fail(p, what));
	}
	return (0);
}

/* Bybit: fundingInterval in minutes; status Trading. */
static int
meta_bybit(struct meta_parse *p, int el, struct meta_entry *e)
{
	if (meta_field_not(p->d, el, "status", "Trading"))
		e->listed = 0;
	return (meta_interval(p, el, "fundingInterval", 1, 1, &e->funding_min));
}

/* OKX: ctVal x ctMult coins per contract; state live. */
static int
meta_okx(struct meta_parse *p, int el, struct meta_entry *e)
{
	int64_t val, mult = QTY_SCALE;

	if (meta_field_not(p->d, el, "state", "live"))
		e->listed = 0;
	if (meta_decimal(p, el, "ctVal", 1, &val) != 0)
		return (-1);
	if (json_find(p->d, el, "ctMult") != -1 &&
	    !json_eq(p->d, json_find(p->d, el, "ctMult"), "") &&
	    meta_decimal(p, el, "ctMult", 1, &mult) != 0)
		return (-1);
	if (fixed_mul(val, mult, QTY_DECIMALS, &e->contract) != FIXED_OK ||
	    e->contract <= 0)
		return (meta_fail(p, "ctVal x ctMult out of range"));
	return (0);
}

/*
 * KuCoin: multiplier coins per lot, fundingRateGranularity (ms) and
 * nextFundingRateTime, the milliseconds *remaining* until it.
 */
static int
meta_kucoin(struct meta_parse *p, int el, struct meta_entry *e)
{
	int64_t left;
	int t;

	if (meta_field_not(p->d, el, "status", "Open"))
		e->listed = 0;
	if (meta_decimal(p, el, "multiplier", 1, &e->contract) != 0 ||
	    meta_interval(p, el, "fundingRateGranularity", 1, META_MIN_MS,
		&e->funding_min) != 0)
		return (-1);
	t = json_find(p->d, el, "nextFundingRateTime");
	if (t == -1 || json_is_null(p->d, t))
		return (0);
	if (json_get_i64(p->d, t, &left) != 0 || left < 0 ||
	    left > META_HOUR_MS * 24 * 7)
		return (meta_fail(p, "bad nextFundingRateTime"));
	/*
	 * Settlements fall on whole seconds; what is left is measured on
	 * the venue's clock, so round off the transit.
	 */
	e->next_funding_ms = (p->now_ms + left + 500) / 1000 * 1000;
	return (0);
}

/* Bitget: fundInterval in hours (a string), when present. */
static int
meta_bitget(struct meta_parse *p, int el, struct meta_entry *e)
{
	if (meta_field_not(p->d, el, "symbolStatus", "normal"))
		e->listed = 0;
	return (meta_interval(p, el, "fundInterval", 60, 1, &e->funding_min));
}

/* Binance fundingInfo: only symbols with adjusted intervals or caps. */
static int
meta_binance(struct meta_parse *p, int el, struct meta_entry *e)
{
	return (meta_interval(p, el, "fundingIntervalHours", 60, 1,
	    &e->funding_min));
}

/* Hyperliquid: the universe; funding settles hourly. */
static int
meta_hyperliquid(struct meta_parse *p, int el, struct meta_entry *e)
{
	int dl;

	if (json_get_bool(p->d, json_find(p->d, el, "isDelisted"), &dl) == 0 &&
	    dl)
		e->listed = 0;
	e->funding_min = 60;
	return (0);
}

/* Paradex: perpetuals accrue continuously over funding_period_hours. */
static int
meta_paradex(struct meta_parse *p, int el, struct meta_entry *e)
{
	if (meta_field_not(p->d, el, "asset_kind", "PERP"))
		e->listed = 0;
	return (meta_interval(p, el, "funding_period_hours", 60, 1,
	    &e->funding_min));
}

typedef int (*meta_entry_fn)(struct meta_parse *, int, struct meta_entry *);

static const struct {
	const char *code_key; /* NULL: no status code */
	const char *code_ok;  /* as a string or number */
	const char *list[2];  /* path to the array; {NULL}: the root */
	const char *sym_key;
	int complete; /* the list names every instrument the venue trades */
	meta_entry_fn fn;
} meta_venues[VENUE_COUNT] = {
	[VENUE_BYBIT] = { "retCode", "0", { "result", "list" }, "symbol", 1,
	    meta_bybit },
	[VENUE_OKX] = { "code", "0", { "data", NULL }, "instId", 1, meta_okx },
	[VENUE_KUCOIN] = { "code", "200000", { "data", NULL }, "symbol", 1,
	    meta_kucoin },
	[VENUE_BITGET] = { "code", "00000", { "data", NULL }, "symbol", 1,
	    meta_bitget },
	[VENUE_HYPERLIQUID] = { NULL, NULL, { "universe", NULL }, "name", 1,
	    meta_hyperliquid },
	[VENUE_PARADEX] = { NULL, NULL, { "results", NULL }, "symbol", 1,
	    meta_paradex },
	[VENUE_BINANCE] = { NULL, NULL, { NULL, NULL }, "symbol", 0,
	    meta_binance },
};

/* The venue's status code, if it has one, must say success. */
static int
meta_parse_code(struct meta_parse *p)
{
	const char *key = meta_venues[p->v].code_key, *s;
	size_t len;
	int t;

	if (key == NULL)
		return (0);
	t = json_find(p->d, 0, key);
	if (json_get_str(p->d, t, &s, &len) != 0)
		return (meta_fail(p, "no status code"));
	if (len != strlen(meta_venues[p->v].code_ok) ||
	    memcmp(s, meta_venues[p->v].code_ok, len) != 0) {
		snprintf(p->why, p->why_len, "%s %.*s", key,
		    len > 32 ? 32 : (int)len, s);
		return (-1);
	}
	return (0);
}

int
meta_parse(enum venue_id v, const struct symbols *sym, const char *body,
    size_t len, int64_t now_ms, struct meta_entry *out, char *why,
    size_t why_len)
{
	struct json_doc *d = xmalloc(sizeof *d);
	struct meta_parse p;
	unsigned n = symbols_count(sym), k;
	int arr, el, t, i, rv = -1, complete = meta_venues[v].complete;
	const char *s;
	size_t sl;

	memset(&p, 0, sizeof p);
	p.d = d;
	p.v = v;
	p.now_ms = now_ms;
	p.why = why;
	p.why_len = why_len;
	for (k = 0; k < n; k++) {
		memset(&out[k], 0, sizeof out[k]);
		out[k].listed = -1;
	}
	/* Each value is at least 2 bytes with its separator: len/2 bounds. */
	if ((t = json_parse_big(d, body, len, (int)(len / 2 + 2))) != JSON_OK) {
		snprintf(why, why_len, "%s", json_strerror(t));
		free(d);
		return (-1);
	}
	if (meta_parse_code(&p) != 0)
		goto out;
	arr = 0;
	for (k = 0; k < 2 && meta_venues[v].list[k] != NULL; k++)
		arr = json_find(d, arr, meta_venues[v].list[k]);
	if (!json_is_array(d, arr)) {
		meta_fail(&p, "no instruments array");
		goto out;
	}
	/* Bybit pages: a cursor means more instruments than we saw. */
	if (v == VENUE_BYBIT &&
	    json_get_str(d,
		json_find(d, json_find(d, 0, "result"), "nextPageCursor"), &s,
		&sl) == 0 &&
	    sl > 0)
		complete = 0;
	for (el = arr + 1, k = 0; k < (unsigned)json_size(d, arr);
	     k++, el = json_skip(d, el)) {
		if (!json_is_object(d, el))
			continue;
		if (json_get_str(d, json_find(d, el, meta_venues[v].sym_key),
			&s, &sl) != 0)
			continue;
		if ((i = symbols_lookup(sym, v, s, sl)) < 0)
			continue;
		p.sym = s;
		p.sym_len = (int)sl;
		out[i].listed = 1;
		if (meta_venues[v].fn(&p, el, &out[i]) != 0)
			goto out;
		p.sym = NULL;
	}
	for (k = 0; k < n && complete; k++) {
		if (out[k].listed == -1 &&
		    symbols_venue_symbol(sym, (inst_id)k, v) != NULL)
			out[k].listed = 0;
	}
	rv = 0;
out:
	json_doc_fini(d);
	free(d);
	return (rv);
}

/* -- the cache ------------------------------------------------------- */

int
meta_cache_path(const struct config *cfg, char *buf, size_t len)
{
	const char *c = cfg->meta_cache, *home;
	int n;

	if (c != NULL && strcmp(c, "none") == 0)
		return (-1);
	if (c != NULL && *c != '\0')
		n = snprintf(buf, len, "%s", c);
	else if ((home = getenv("XDG_CACHE_HOME")) != NULL && *home == '/')
		n = snprintf(buf, len, "%s/xarb/instruments", home);
	else if ((home = getenv("HOME")) != NULL && *home != '\0')
		n = snprintf(buf, len, "%s/.cache/xarb/instruments", home);
	else
		return (-1);
	return (n < 0 || (size_t)n >= len ? -1 : 0);
}

/* "-" or a number into *out (decimals for contract sizes). */
static int
meta_cache_num(const char *s, unsigned decimals, int64_t *out)
{
	if (strcmp(s, "-") == 0) {
		*out = 0;
		return (0);
	}
	if (fixed_parse(s, strlen(s), decimals, out) != FIXED_OK || *out < 0)
		return (-1);
	return (0);
}

/* One "key=value" of a cache line into e. */
static int
meta_cache_field(char *w, struct meta_entry *e)
{
	char *val = strchr(w, '=');
	int64_t x;

	if (val == NULL)
		return (-1);
	*val++ = '\0';
	if (strcmp(w, "listed") == 0) {
		if (strcmp(val, "-") == 0)
			e->listed = -1;
		else if (strcmp(val, "0") == 0 || strcmp(val, "1") == 0)
			e->listed = *val - '0';
		else
			return (-1);
	} else if (strcmp(w, "contract") == 0)
		return (meta_cache_num(val, QTY_DECIMALS, &e->contract));
	else if (strcmp(w, "funding_min") == 0) {
		if (meta_cache_num(val, 0, &x) != 0 ||
		    x > SYMBOLS_FUNDING_MAX_MIN)
			return (-1);
		e->funding_min = (uint32_t)x;
	} else if (strcmp(w, "next_funding_ms") == 0)
		return (meta_cache_num(val, 0, &e->next_funding_ms));
	return (0); /* a key of a later version: ignored */
}

/* One entry line; -1 when malformed (why says which part). */
static int
meta_cache_line(struct meta *m, char *line, const char **why)
{
	char *w[8], *save = NULL, *t;
	struct meta_entry e;
	int64_t when;
	unsigned nw = 0, k;
	int v, i;

	for (t = strtok_r(line, " \t\r\n", &save); t != NULL && nw < nitems(w);
	     t = strtok_r(NULL, " \t\r\n", &save))
		w[nw++] = t;
	if (nw < 3 || t != NULL) {
		*why = "expected: venue symbol time key=value...";
		return (-1);
	}
	if ((v = venues_lookup(w[0])) < 0) {
		*why = "unknown venue";
		return (-1);
	}
	if (fixed_parse(w[2], strlen(w[2]), 0, &when) != FIXED_OK ||
	    when <= 0) {
		*why = "bad time";
		return (-1);
	}
	memset(&e, 0, sizeof e);
	e.listed = -1;
	for (k = 3; k < nw; k++) {
		if (meta_cache_field(w[k], &e) != 0) {
			*why = "bad key=value";
			return (-1);
		}
	}
	/* An instrument no longer configured: nothing to do. */
	if ((i = symbols_lookup(m->sym, (enum venue_id)v, w[1], strlen(w[1]))) <
	    0)
		return (0);
	if (m->cache[v].e == NULL)
		m->cache[v].e = xcalloc(m->n, sizeof *m->cache[v].e);
	if (!m->cache[v].have || when < m->cache[v].when_ms)
		m->cache[v].when_ms = when;
	m->cache[v].have = 1;
	m->cache[v].e[i] = e;
	return (0);
}

static void
meta_cache_read(struct meta *m, const char *path)
{
	char line[512];
	const char *why;
	unsigned lineno = 0;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL) {
		if (errno != ENOENT)
			log_warn("instruments: %s: %s", path, strerror(errno));
		return;
	}
	while (fgets(line, sizeof line, fp) != NULL) {
		lineno++;
		if (lineno == 1) {
			if (strncmp(line, "xarb-instruments ", 17) != 0 ||
			    strtoul(line + 17, NULL, 10) !=
				META_CACHE_VERSION) {
				log_warn("instruments: %s:1: not a version %d "
					 "cache; ignored",
				    path, META_CACHE_VERSION);
				break;
			}
			continue;
		}
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (strchr(line, '\n') == NULL && !feof(fp)) {
			int c;

			while ((c = fgetc(fp)) != EOF && c != '\n')
				;
			why = "line too long";
		} else if (meta_cache_line(m, line, &why) == 0)
			continue;
		log_warn("instruments: %s:%u: %s; skipped", path, lineno, why);
		if (m->st != NULL)
			m->st->cache_bad_lines++;
	}
	fclose(fp);
}

static void
meta_cache_num_out(FILE *fp, const char *key, int64_t v, unsigned decimals)
{
	char buf[32];

	if (v <= 0) {
		fprintf(fp, " %s=-", key);
		return;
	}
	fixed_format(v, decimals, buf, sizeof buf);
	fprintf(fp, " %s=%s", key, buf);
}

static void
meta_cache_venue(struct meta *m, FILE *fp, unsigned v,
    const struct meta_venue *mv)
{
	const struct meta_entry *e;
	const char *s;
	unsigned i;

	for (i = 0; i < m->n; i++) {
		s = symbols_venue_symbol(m->sym, (inst_id)i, (enum venue_id)v);
		if (s == NULL)
			continue;
		e = &mv->e[i];
		fprintf(fp, "%s %s %lld listed=%s", venues_name(v), s,
		    (long long)mv->when_ms,
		    e->listed < 0 ? "-" : (e->listed ? "1" : "0"));
		meta_cache_num_out(fp, "contract", e->contract, QTY_DECIMALS);
		meta_cache_num_out(fp, "funding_min", e->funding_min, 0);
		meta_cache_num_out(fp, "next_funding_ms", e->next_funding_ms,
		    0);
		fputc('\n', fp);
	}
}

/* Fetched entries, and cached ones of venues that failed: atomically. */
static void
meta_cache_write(struct meta *m, const char *path)
{
	char tmp[PATH_MAX];
	unsigned v, any = 0;
	FILE *fp;
	int fd;

	for (v = 0; v < VENUE_COUNT; v++)
		any |= m->got[v].have;
	if (!any)
		return; /* nothing new: leave the old file alone */
	if (snprintf(tmp, sizeof tmp, "%s.XXXXXX", path) >= (int)sizeof tmp)
		return;
	if (fs_mkdirs_for(path) != 0 || (fd = mkstemp(tmp)) == -1) {
		log_warn("instruments: cannot write %s: %s", path,
		    strerror(errno));
		return;
	}
	if ((fp = fdopen(fd, "w")) == NULL) {
		close(fd);
		unlink(tmp);
		return;
	}
	fprintf(fp, "xarb-instruments %d %lld\n", META_CACHE_VERSION,
	    (long long)meta_now_ms());
	fprintf(fp,
	    "# venue symbol fetched_ms key=value... "
	    "(written by xarb; '-' = not given)\n");
	for (v = 0; v < VENUE_COUNT; v++) {
		if (m->got[v].have)
			meta_cache_venue(m, fp, v, &m->got[v]);
		else if (m->cache[v].have)
			meta_cache_venue(m, fp, v, &m->cache[v]);
	}
	if (fflush(fp) != 0 || fsync(fileno(fp)) != 0 || ferror(fp)) {
		log_warn("instruments: cannot write %s: %s", tmp,
		    strerror(errno));
		fclose(fp);
		unlink(tmp);
		return;
	}
	fclose(fp);
	if (rename(tmp, path) != 0) {
		log_warn("instruments: cannot rename %s: %s", tmp,
		    strerror(errno));
		unlink(tmp);
	}
}

/* -- applying -------------------------------------------------------- */

static void
meta_apply_contract(struct meta *m, inst_id i, enum venue_id v, int64_t c)
{
	int64_t old = symbols_contract_size(m->sym, i, v);
	char a[32], b[32];

	if (c == old)
		return;
	fixed_format(c, QTY_DECIMALS, a, sizeof a);
	fixed_format(old, QTY_DECIMALS, b, sizeof b);
	if (symbols_set_contract_size(m->sym, i, v, c) == 1) {
		log_info("venue %s: %s: contract size %s from the venue, %s "
			 "from the config (the config wins)",
		    venues_name(v), symbols_venue_symbol(m->sym, i, v), a, b);
		return;
	}
	if (old > 0)
		log_info("venue %s: %s: contract size %s, not the built-in %s",
		    venues_name(v), symbols_venue_symbol(m->sym, i, v), a, b);
}

static void
meta_apply(struct meta *m, enum venue_id v, const struct meta_venue *mv)
{
	const struct meta_entry *e;
	unsigned i;

	for (i = 0; i < m->n; i++) {
		e = &mv->e[i];
		if (symbols_venue_symbol(m->sym, (inst_id)i, v) == NULL)
			continue;
		if (e->listed == 0) {
			log_warn("venue %s: does not list %s (%s); not "
				 "subscribed",
			    venues_name(v),
			    symbols_venue_symbol(m->sym, (inst_id)i, v),
			    symbols_canonical(m->sym, (inst_id)i, v));
			symbols_set_unlisted(m->sym, (inst_id)i, v);
			if (m->st != NULL)
				m->st->unlisted++;
			continue;
		}
		if (e->contract > 0)
			meta_apply_contract(m, (inst_id)i, v, e->contract);
		if (e->funding_min > 0)
			symbols_set_funding_min(m->sym, (inst_id)i, v,
			    e->funding_min);
		if (e->next_funding_ms > 0)
			symbols_set_next_funding_ms(m->sym, (inst_id)i, v,
			    e->next_funding_ms);
	}
}

/* -- fetching -------------------------------------------------------- */

static void
meta_fetch_end(struct meta_fetch *f)
{
	struct meta *m = f->m;

	f->running = 0;
	if (--m->running == 0)
		ev_break(m->loop, EVBREAK_ONE);
}

static void
meta_done_cb(struct http_req *req, int status, const char *body, size_t len,
    const char *err, void *arg)
{
	struct meta_fetch *f = arg;
	struct meta *m = f->m;
	struct meta_venue *mv = &m->got[f->v];
	char *why = m->st->why[f->v];
	size_t wl = sizeof m->st->why[f->v];

	f->req = NULL;
	if (status == 0)
		snprintf(why, wl, "%s", err);
	else if (status != 200)
		snprintf(why, wl, "HTTP status %d", status);
	else {
		m->st->bytes += len;
		mv->e = xcalloc(m->n, sizeof *mv->e);
		mv->when_ms = meta_now_ms();
		if (meta_parse(f->v, m->sym, body, len, mv->when_ms, mv->e, why,
			wl) == 0)
			mv->have = 1;
	}
	/* body and err live in req: free it only now. */
	http_req_free(req);
	meta_fetch_end(f);
}

static void
meta_bound_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)w;
	(void)revents;
	ev_break(loop, EVBREAK_ONE);
}

static void
meta_start(struct meta *m, const struct config *cfg, struct reactor *r,
    SSL_CTX *tls, enum venue_id v, double timeout)
{
	struct meta_fetch *f = &m->f[v];
	struct http_req_opts o;
	const char *path, *body;
	char url[1024], *cause = NULL;

	f->m = m;
	f->v = v;
	memset(&o, 0, sizeof o);
	meta_request(v, &o.method, &path, &body);
	snprintf(url, sizeof url, "%s%s", cfg->venue[v].url_rest, path);
	o.url = url;
	o.body = body;
	o.max_body = meta_max_body;
	o.timeout = timeout;
	o.tls = tls;
	f->req = http_req_start(m->loop, reactor_resolver(r), &o, meta_done_cb,
	    f, &cause);
	if (f->req == NULL) {
		snprintf(m->st->why[v], sizeof m->st->why[v], "%s", cause);
		free(cause);
		return;
	}
	f->running = 1;
	m->running++;
}

/* Which venue's entries to use, and logs it. */
static void
meta_settle(struct meta *m, enum venue_id v, int fetching)
{
	struct meta_stats *st = m->st;
	char date[64];
	time_t t;
	struct tm tm;

	if (m->got[v].have) {
		st->source[v] = META_FETCHED;
		st->fetched++;
		log_info("venue %s: instrument metadata fetched",
		    venues_name(v));
		meta_apply(m, v, &m->got[v]);
		return;
	}
	if (fetching) {
		st->failures++;
		log_warn("venue %s: instruments endpoint: %s", venues_name(v),
		    st->why[v][0] != '\0' ? st->why[v] : "no answer");
	}
	if (m->cache[v].have) {
		st->source[v] = META_CACHED;
		st->cached++;
		t = (time_t)(m->cache[v].when_ms / 1000);
		gmtime_r(&t, &tm);
		strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S UTC", &tm);
		log_info("venue %s: using cached metadata from %s",
		    venues_name(v), date);
		meta_apply(m, v, &m->cache[v]);
		return;
	}
	st->source[v] = META_BUILTIN;
	st->builtin++;
	log_info("venue %s: using built-in instrument metadata",
	    venues_name(v));
}

void
meta_load(struct reactor *r, SSL_CTX *tls, const struct config *cfg,
    struct symbols *sym, struct meta_stats *stp)
{
	struct meta_stats st0;
	struct meta *m = xcalloc(1, sizeof *m);
	char path[PATH_MAX];
	double timeout = (double)cfg->meta_timeout_ms / 1000.0, t0;
	int have_path = meta_cache_path(cfg, path, sizeof path) == 0;
	unsigned v;

	memset(&st0, 0, sizeof st0);
	m->st = stp != NULL ? stp : &st0;
	memset(m->st, 0, sizeof *m->st);
	m->loop = reactor_loop(r);
	m->sym = sym;
	m->n = symbols_count(sym);
	if (have_path)
		meta_cache_read(m, path);
	ev_now_update(m->loop);
	t0 = ev_time();
	for (v = 0; v < VENUE_COUNT && timeout > 0; v++) {
		if (cfg->venue[v].enabled && cfg->venue[v].url_rest != NULL &&
		    *cfg->venue[v].url_rest != '\0')
			meta_start(m, cfg, r, tls, (enum venue_id)v, timeout);
	}
	if (m->running > 0) {
		/* The requests' own timeouts bound it too; this is a net. */
		ev_timer_init(&m->bound, meta_bound_cb, timeout + 0.25, 0.0);
		ev_timer_start(m->loop, &m->bound);
		while (m->running > 0 && ev_time() - t0 < timeout + 0.25)
			ev_run(m->loop, EVRUN_ONCE);
		ev_timer_stop(m->loop, &m->bound);
	}
	m->st->fetch_ms = (ev_time() - t0) * 1000.0;
	for (v = 0; v < VENUE_COUNT; v++) {
		if (m->f[v].running) {
			http_req_free(m->f[v].req);
			m->f[v].running = 0;
			snprintf(m->st->why[v], sizeof m->st->why[v],
			    "no answer in %lld ms",
			    (long long)cfg->meta_timeout_ms);
		}
		if (cfg->venue[v].enabled)
			meta_settle(m, (enum venue_id)v, timeout > 0);
	}
	if (have_path)
		meta_cache_write(m, path);
	for (v = 0; v < VENUE_COUNT; v++) {
		free(m->got[v].e);
		free(m->cache[v].e);
	}
	free(m);
}
