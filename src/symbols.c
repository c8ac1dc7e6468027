/*
 * Instrument table.  Venue symbols follow each venue's rule (Bybit
 * BTCUSDT, OKX BTC-USDT-SWAP, KuCoin XBTUSDTM, Bitget BTCUSDT, Hyperliquid
 * BTC, Paradex BTC-USD-PERP, Binance BTCUSDT) unless a built-in exception
 * or the config's map says otherwise.  Lookups go through one small
 * open-addressing table per venue with the key stored inline, so a probe
 * touches one cache line and never a pointer.
 */
#include "autoconf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xarb.h"
#include "config.h"
#include "fixed.h"
#include "symbols.h"
#include "venues.h"
#include "xmalloc.h"

#define SYMBOLS_KEY_MAX 29

struct symbols_leg {
	char sym[SYMBOLS_KEY_MAX]; /* "" if the venue does not list it */
	char canonical[32];	   /* 15-char base + "-USDT-PERP" */
	int64_t contract;   /* coins per wire size unit, QTY_SCALE; 0 unknown */
	int64_t units;	    /* coins per quoted price unit */
	int contract_fixed; /* set by config: metadata may not change it */
	uint32_t funding_min;	 /* funding interval, minutes */
	int unlisted;		 /* the venue's instruments list lacks it */
	int64_t next_funding_ms; /* a known settlement (anchor), 0 unknown */
};

struct symbols_inst {
	char base[16];
	struct symbols_leg leg[VENUE_COUNT];
};

/* One probe slot: 32 bytes, two per cache line. */
struct symbols_slot {
	uint8_t len; /* 0 = empty */
	char key[SYMBOLS_KEY_MAX];
	inst_id id;
};

struct symbols {
	unsigned n;
	struct symbols_inst *inst;		/* owned, n entries */
	struct symbols_slot *slot[VENUE_COUNT]; /* owned, mask+1 each */
	unsigned mask;
};

/* Venue exceptions to the naming rules, and known contract sizes. */
static const struct {
	enum venue_id v;
	const char *base;
	const char *sym; /* NULL: by rule */
	int64_t units;
	const char *contract; /* NULL: by rule */
} symbols_builtin[] = {
	{ VENUE_OKX, "BTC", NULL, 1, "0.01" },
	{ VENUE_OKX, "ETH", NULL, 1, "0.1" },
	{ VENUE_OKX, "SOL", NULL, 1, "1" },
	{ VENUE_KUCOIN, "BTC", NULL, 1, "0.001" },
	{ VENUE_KUCOIN, "ETH", NULL, 1, "0.01" },
	{ VENUE_KUCOIN, "SOL", NULL, 1, "0.1" },
	{ VENUE_BYBIT, "PEPE", "1000PEPEUSDT", 1000, NULL },
	{ VENUE_BINANCE, "PEPE", "1000PEPEUSDT", 1000, NULL },
	{ VENUE_HYPERLIQUID, "PEPE", "kPEPE", 1000, NULL },
};

/* FNV-1a: symbols are short, so a byte loop is as fast as anything. */
static inline uint32_t
symbols_hash(const char *p, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)p[i];
		h *= 16777619u;
	}
	return (h);
}

static void
symbols_rule(enum venue_id v, const char *base, char *buf, size_t len)
{
	switch (v) {
	case VENUE_OKX:
		snprintf(buf, len, "%s-USDT-SWAP", base);
		break;
	case VENUE_KUCOIN:
		/* KuCoin calls bitcoin XBT. */
		snprintf(buf, len, "%sUSDTM",
		    strcmp(base, "BTC") == 0 ? "XBT" : base);
		break;
	case VENUE_HYPERLIQUID:
		snprintf(buf, len, "%s", base);
		break;
	case VENUE_PARADEX:
		snprintf(buf, len, "%s-USD-PERP", base);
		break;
	case VENUE_BYBIT:
	case VENUE_BITGET:
	case VENUE_BINANCE:
	default:
		snprintf(buf, len, "%sUSDT", base);
		break;
	}
}

/* The size unit is the coin except where a venue trades contracts. */
static int64_t
symbols_rule_contract(enum venue_id v)
{
	return (v == VENUE_OKX || v == VENUE_KUCOIN ? 0 : QTY_SCALE);
}

/*
 * Until the instruments endpoint says otherwise: Hyperliquid settles
 * hourly; Paradex accrues continuously but quotes an 8 h rate; the
 * others' usual interval is 8 h.
 */
static uint32_t
symbols_rule_funding(enum venue_id v)
{
	return (v == VENUE_HYPERLIQUID ? 60 : 480);
}

static void
symbols_init_leg(struct symbols_inst *in, enum venue_id v)
{
	struct symbols_leg *leg = &in->leg[v];
	char base[sizeof in->base];
	size_t k;

	/* A copy: gcc cannot prove base and leg->sym do not overlap. */
	memcpy(base, in->base, sizeof base);
	symbols_rule(v, base, leg->sym, sizeof leg->sym);
	snprintf(leg->canonical, sizeof leg->canonical, "%s-%s-PERP", base,
	    venues_quote_name(venues_info(v)->quote));
	leg->units = 1;
	leg->contract = symbols_rule_contract(v);
	leg->funding_min = symbols_rule_funding(v);
	for (k = 0; k < nitems(symbols_builtin); k++) {
		if (symbols_builtin[k].v != v ||
		    strcmp(symbols_builtin[k].base, base) != 0)
			continue;
		if (symbols_builtin[k].sym != NULL)
			snprintf(leg->sym, sizeof leg->sym, "%s",
			    symbols_builtin[k].sym);
		leg->units = symbols_builtin[k].units;
		if (symbols_builtin[k].contract != NULL)
			fixed_parse(symbols_builtin[k].contract,
			    strlen(symbols_builtin[k].contract), QTY_DECIMALS,
			    &leg->contract);
	}
}

static struct symbols_inst *
symbols_find_base(struct symbols *s, const char *base, size_t len)
{
	unsigned i;

	for (i = 0; i < s->n; i++) {
		if (strlen(s->inst[i].base) == len &&
		    memcmp(s->inst[i].base, base, len) == 0)
			return (&s->inst[i]);
	}
	return (NULL);
}

/* Applies [venue.NAME] map and contract_size (already validated). */
static void
symbols_apply_config(struct symbols *s, const struct config_venue *cv,
    enum venue_id v)
{
	struct symbols_inst *in;
	const char *w, *c1, *c2;
	unsigned i, j;

	for (i = 0; i < cv->map.n; i++) {
		w = cv->map.v[i];
		c1 = strchr(w, ':');
		c2 = strchr(c1 + 1, ':');
		if ((in = symbols_find_base(s, w, (size_t)(c1 - w))) == NULL)
			continue;
		snprintf(in->leg[v].sym, sizeof in->leg[v].sym, "%.*s",
		    (int)(c2 != NULL ? c2 - c1 - 1 : (ptrdiff_t)strlen(c1 + 1)),
		    c1 + 1);
		in->leg[v].units = c2 != NULL ? strtoll(c2 + 1, NULL, 10) : 1;
	}
	for (i = 0; i < cv->contract_size.n; i++) {
		w = cv->contract_size.v[i];
		c1 = strchr(w, ':');
		if ((in = symbols_find_base(s, w, (size_t)(c1 - w))) == NULL)
			continue;
		/* Validated by the config: exact at QTY_DECIMALS, > 0. */
		if (fixed_parse(c1 + 1, strlen(c1 + 1), QTY_DECIMALS,
			&in->leg[v].contract) == FIXED_OK)
			in->leg[v].contract_fixed = 1;
	}
	/* A venue symbols list drops the bases it does not name. */
	if (cv->symbols.n == 0)
		return;
	for (j = 0; j < s->n; j++) {
		if (!config_list_has(&cv->symbols, s->inst[j].base))
			s->inst[j].leg[v].sym[0] = '\0';
	}
}

static int
symbols_insert(struct symbols *s, enum venue_id v, const char *key, inst_id id,
    char **cause)
{
	struct symbols_slot *slot;
	size_t len = strlen(key);
	uint32_t h;

	h = symbols_hash(key, len) & s->mask;
	for (;; h = (h + 1) & s->mask) {
		slot = &s->slot[v][h];
		if (slot->len == 0)
			break;
		if (slot->len == len && memcmp(slot->key, key, len) == 0) {
			if (slot->id == id)
				return (0);
			xasprintf(cause,
			    "venue %s: symbol %s maps to both %s "
			    "and %s",
			    venues_name(v), key, s->inst[slot->id].base,
			    s->inst[id].base);
			return (-1);
		}
	}
	slot->len = (uint8_t)len;
	memcpy(slot->key, key, len);
	slot->id = id;
	return (0);
}

static int
symbols_index(struct symbols *s, char **cause)
{
	char lower[SYMBOLS_KEY_MAX];
	const char *sym;
	unsigned i, v, cap = 16;
	size_t k;

	while (cap < s->n * 4) /* two keys for Binance, load <= 1/2 */
		cap <<= 1;
	s->mask = cap - 1;
	for (v = 0; v < VENUE_COUNT; v++) {
		s->slot[v] =
		    xaligned_calloc(XARB_CACHELINE, cap * sizeof *s->slot[v]);
		for (i = 0; i < s->n; i++) {
			sym = s->inst[i].leg[v].sym;
			if (*sym == '\0')
				continue;
			if (symbols_insert(s, v, sym, (inst_id)i, cause) != 0)
				return (-1);
			if (v != VENUE_BINANCE)
				continue;
			for (k = 0; sym[k] != '\0'; k++)
				lower[k] = (char)tolower((unsigned char)sym[k]);
			lower[k] = '\0';
			if (symbols_insert(s, v, lower, (inst_id)i, cause) != 0)
				return (-1);
		}
	}
	return (0);
}

struct symbols *
symbols_new(const struct config *cfg, char **cause)
{
	struct symbols *s;
	unsigned i, v;

	s = xcalloc(1, sizeof *s);
	s->n = cfg->symbols.n;
	if (s->n == 0 || s->n > INST_MAX) {
		xasprintf(cause, "expected 1-%d instruments, got %u", INST_MAX,
		    s->n);
		goto fail;
	}
	s->inst = xcalloc(s->n, sizeof *s->inst);
	for (i = 0; i < s->n; i++) {
		snprintf(s->inst[i].base, sizeof s->inst[i].base, "%s",
		    cfg->symbols.v[i]);
		for (v = 0; v < VENUE_COUNT; v++)
			symbols_init_leg(&s->inst[i], v);
	}
	for (v = 0; v < VENUE_COUNT; v++)
		symbols_apply_config(s, &cfg->venue[v], v);
	if (symbols_index(s, cause) != 0)
		goto fail;
	return (s);

fail:
	symbols_free(s);
	return (NULL);
}

void
symbols_free(struct symbols *s)
{
	unsigned v;

	if (s == NULL)
		return;
	for (v = 0; v < VENUE_COUNT; v++)
		free(s->slot[v]);
	free(s->inst);
	free(s);
}

unsigned
symbols_count(const struct symbols *s)
{
	return (s->n);
}

const char *
symbols_base(const struct symbols *s, inst_id i)
{
	return (i < s->n ? s->inst[i].base : "?");
}

const char *
symbols_canonical(const struct symbols *s, inst_id i, enum venue_id v)
{
	if (i >= s->n || v >= VENUE_COUNT)
		return ("?");
	return (s->inst[i].leg[v].canonical);
}

const char *
symbols_venue_symbol(const struct symbols *s, inst_id i, enum venue_id v)
{
	if (i >= s->n || v >= VENUE_COUNT || s->inst[i].leg[v].sym[0] == '\0')
		return (NULL);
	return (s->inst[i].leg[v].sym);
}

int
symbols_lookup(const struct symbols *s, enum venue_id v, const char *sym,
    size_t len)
{
	const struct symbols_slot *slot;
	uint32_t h;

	if (len == 0 || len >= SYMBOLS_KEY_MAX || (unsigned)v >= VENUE_COUNT)
		return (-1);
	h = symbols_hash(sym, len) & s->mask;
	for (;; h = (h + 1) & s->mask) {
		slot = &s->slot[v][h];
		if (slot->len == 0)
			return (-1);
		if (slot->len == len && memcmp(slot->key, sym, len) == 0)
			return (slot->id);
	}
}

int
symbols_lookup_canonical(const struct symbols *s, const char *name)
{
	unsigned i, v;

	for (i = 0; i < s->n; i++) {
		if (strcmp(s->inst[i].base, name) == 0)
			return ((int)i);
		for (v = 0; v < VENUE_COUNT; v++) {
			if (strcmp(s->inst[i].leg[v].canonical, name) == 0)
				return ((int)i);
		}
	}
	return (-1);
}

int64_t
symbols_contract_size(const struct symbols *s, inst_id i, enum venue_id v)
{
	return (s->inst[i].leg[v].contract);
}

int
symbols_set_contract_size(struct symbols *s, inst_id i, enum venue_id v,
    int64_t size)
{
	if (i >= s->n || v >= VENUE_COUNT || size <= 0)
		return (-1);
	if (s->inst[i].leg[v].contract_fixed)
		return (1);
	s->inst[i].leg[v].contract = size;
	return (0);
}

uint32_t
symbols_funding_min(const struct symbols *s, inst_id i, enum venue_id v)
{
	return (s->inst[i].leg[v].funding_min);
}

int
symbols_set_funding_min(struct symbols *s, inst_id i, enum venue_id v,
    uint32_t minutes)
{
	if (i >= s->n || v >= VENUE_COUNT || minutes == 0 ||
	    minutes > SYMBOLS_FUNDING_MAX_MIN)
		return (-1);
	s->inst[i].leg[v].funding_min = minutes;
	return (0);
}

int64_t
symbols_next_funding_ms(const struct symbols *s, inst_id i, enum venue_id v,
    int64_t now_ms)
{
	const struct symbols_leg *leg = &s->inst[i].leg[v];
	int64_t ivl = (int64_t)leg->funding_min * 60000, k;

	if (leg->next_funding_ms <= 0 || ivl <= 0)
		return (0);
	if (now_ms < leg->next_funding_ms)
		return (leg->next_funding_ms);
	/* Settlements recur every interval after the one we were told. */
	k = (now_ms - leg->next_funding_ms) / ivl + 1;
	return (leg->next_funding_ms + k * ivl);
}

int
symbols_set_next_funding_ms(struct symbols *s, inst_id i, enum venue_id v,
    int64_t ms)
{
	if (i >= s->n || v >= VENUE_COUNT || ms <= 0)
		return (-1);
	s->inst[i].leg[v].next_funding_ms = ms;
	return (0);
}

int
symbols_listed(const struct symbols *s, inst_id i, enum venue_id v)
{
	const struct symbols_leg *leg = &s->inst[i].leg[v];

	return (leg->sym[0] != '\0' && !leg->unlisted);
}

void
symbols_set_unlisted(struct symbols *s, inst_id i, enum venue_id v)
{
	if (i < s->n && v < VENUE_COUNT)
		s->inst[i].leg[v].unlisted = 1;
}

int
symbols_contract_fixed(const struct symbols *s, inst_id i, enum venue_id v)
{
	return (s->inst[i].leg[v].contract_fixed);
}

int64_t
symbols_price_units(const struct symbols *s, inst_id i, enum venue_id v)
{
	return (s->inst[i].leg[v].units);
}

int
symbols_to_price(const struct symbols *s, inst_id i, enum venue_id v,
    int64_t wire_px, int64_t *px)
{
	int64_t units = s->inst[i].leg[v].units, q, r;

	if (units <= 1) {
		*px = wire_px;
		return (0);
	}
	/*
	 * Round half away from zero from quotient and remainder (adding
	 * units/2 first could overflow); PX_SCALE keeps 10 decimals, plenty
	 * for /1000.
	 */
	q = wire_px / units;
	r = wire_px % units;
	if (r >= 0 ? 2 * r >= units : -2 * r >= units)
		q += wire_px >= 0 ? 1 : -1;
	*px = q;
	return (0);
}

int
symbols_to_qty(const struct symbols *s, inst_id i, enum venue_id v,
    int64_t wire_qty, int64_t *qty)
{
	const struct symbols_leg *leg = &s->inst[i].leg[v];
	int64_t q;

	if (leg->contract <= 0)
		return (-1);
	if (fixed_mul(wire_qty, leg->contract, QTY_DECIMALS, &q) != FIXED_OK)
		return (-1);
	if (leg->units > 1 && __builtin_mul_overflow(q, leg->units, &q))
		return (-1);
	*qty = q;
	return (0);
}
