/*
 * Instrument metadata: what each venue's REST instruments endpoint says
 * about the instruments we trade there (contract size, funding interval,
 * KuCoin's next funding time, whether it lists them at all), fetched
 * once at start-up, before any venue subscribes.
 *
 * Every enabled venue is asked at once, on the engine's loop, over the
 * same TLS client context the venues use; the whole fetch is bounded by
 * [instruments] meta_timeout_ms.  What arrives is applied to the symbols
 * table (a [venue.X] contract_size override always wins) and written to
 * the cache file; a venue whose fetch fails uses its cached entries,
 * else the built-in values symbols.c starts with.
 *
 * Cold path: allocates freely, logs what it does per venue.
 */
#ifndef XARB_META_H
#define XARB_META_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "types.h"

struct config;
struct reactor;
struct symbols;

#define META_MAX_BODY (8u << 20) /* larger answers fail: Bybit's is ~1 MB */
#define META_CACHE_VERSION 1

/* What one venue says about one instrument. */
struct meta_entry {
	int listed;	      /* 1 listed, 0 not, -1 unknown */
	int64_t contract;     /* coins per wire size unit, QTY_SCALE; 0 none */
	uint32_t funding_min; /* funding interval, minutes; 0 none */
	int64_t next_funding_ms; /* a settlement time, unix ms; 0 none */
};

/* Where a venue's metadata came from. */
enum meta_source {
	META_NONE,    /* not asked (disabled venue, fetching off) */
	META_FETCHED, /* from its instruments endpoint just now */
	META_CACHED,  /* its fetch failed: from the cache file */
	META_BUILTIN, /* its fetch failed and no cache: built-in values */
};

struct meta_stats {
	unsigned fetched;  /* venues fetched */
	unsigned failures; /* fetches that failed (any reason) */
	unsigned cached;   /* venues that fell back to the cache */
	unsigned builtin;  /* venues that fell back to built-in values */
	unsigned unlisted; /* configured instruments a venue does not list */
	unsigned cache_bad_lines;
	size_t bytes;	 /* response bytes, all venues */
	double fetch_ms; /* wall time of the whole fetch */
	enum meta_source source[VENUE_COUNT];
	char why[VENUE_COUNT][160]; /* why a fetch failed */
};

/*
 * Fetches, applies and caches the metadata of every enabled venue (see
 * above).  Runs r's loop until every fetch ended or the bound passed.
 * Never fails: what it could not learn stays as it was.  st may be NULL.
 */
void meta_load(struct reactor *r, SSL_CTX *tls, const struct config *cfg,
    struct symbols *sym, struct meta_stats *st);

/* The request for venue v: method, path relative to url_rest, body. */
void meta_request(enum venue_id v, const char **method, const char **path,
    const char **body);

/*
 * Parses venue v's instruments answer (received at now_ms) into out[],
 * one entry per instrument of sym (symbols_count() of them).  Returns 0,
 * or -1 with why filled in (not JSON, an error code, a missing or
 * mistyped field of an instrument we trade).
 */
int meta_parse(enum venue_id v, const struct symbols *sym, const char *body,
    size_t len, int64_t now_ms, struct meta_entry *out, char *why,
    size_t why_len);

/* Tests: a smaller response bound (0: META_MAX_BODY again). */
void meta_set_max_body(size_t n);

/*
 * The cache path of cfg into buf: meta_cache, or the XDG default.
 * Returns 0, or -1 when there is none ("none", or no $HOME).
 */
int meta_cache_path(const struct config *cfg, char *buf, size_t len);

#endif /* XARB_META_H */
