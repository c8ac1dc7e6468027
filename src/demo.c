/*
 * `xarb --demo`: the venue simulator in a thread of this process, and
 * the configuration rewritten to reach it (see demo.h).
 *
 * The simulator serves each venue at the venue's own URL path, so only
 * the scheme, host and port of the venue URLs change; everything the
 * client does (bullet token, subscribe limits, heartbeats, pongs) is the
 * production code path.  Nothing listens beyond 127.0.0.1.
 */
#include "autoconf.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xarb.h"
#include "config.h"
#include "demo.h"
#include "log.h"
#include "sim/sim.h"
#include "sim/sim_cert.h"
#include "symbols.h"
#include "venues.h"
#include "xmalloc.h"

struct demo {
	char dir[PATH_MAX];  /* owned: certificates, removed at the end */
	struct symbols *sym; /* the simulator's copy (it borrows it) */
	struct sim *sim;
	char *cert, *key;
};

/* Which configuration key each simulator endpoint's URL goes to. */
static const struct {
	enum venue_id v;
	const char *endpoint;
	const char *key;
} demo_urls[] = {
	{ VENUE_BYBIT, "bybit", "url" },
	{ VENUE_BYBIT, "bybit-rest", "url_rest" },
	{ VENUE_OKX, "okx", "url" },
	{ VENUE_OKX, "okx-rest", "url_rest" },
	{ VENUE_KUCOIN, "kucoin-rest", "url_rest" }, /* the token gives url */
	{ VENUE_BITGET, "bitget", "url" },
	{ VENUE_BITGET, "bitget-rest", "url_rest" },
	{ VENUE_HYPERLIQUID, "hyperliquid", "url" },
	{ VENUE_HYPERLIQUID, "hyperliquid-rest", "url_rest" },
	{ VENUE_PARADEX, "paradex", "url" },
	{ VENUE_PARADEX, "paradex-rest", "url_rest" },
	{ VENUE_BINANCE, "binance", "url" },
	{ VENUE_BINANCE, "binance-market", "url_market" },
	{ VENUE_BINANCE, "binance-rest", "url_rest" },
};

/* Removes dir and the plain files in it (all demo_start() writes). */
static void
demo_rmdir(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *dp;

	if ((dp = opendir(dir)) == NULL)
		return;
	while ((de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (snprintf(path, sizeof path, "%s/%s", dir, de->d_name) <
		    (int)sizeof path)
			(void)unlink(path);
	}
	closedir(dp);
	if (rmdir(dir) != 0)
		log_warn("demo: cannot remove %s: %s", dir, strerror(errno));
}

static int
demo_make_dir(struct demo *d, char **cause)
{
	const char *tmp = getenv("TMPDIR");

	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	if (snprintf(d->dir, sizeof d->dir, "%s/xarb-demo.XXXXXX", tmp) >=
	    (int)sizeof d->dir) {
		xasprintf(cause, "demo: TMPDIR is too long");
		return (-1);
	}
	if (mkdtemp(d->dir) == NULL) { /* mode 0700 */
		xasprintf(cause, "demo: cannot make a directory in %s: %s", tmp,
		    strerror(errno));
		d->dir[0] = '\0';
		return (-1);
	}
	return (0);
}

/* Enabled venues, as the simulator's bit set. */
static uint32_t
demo_venue_bits(const struct config *cfg)
{
	uint32_t bits = 0;
	unsigned v;

	for (v = 0; v < VENUE_COUNT; v++)
		if (cfg->venue[v].enabled)
			bits |= 1u << v;
	return (bits);
}

static int
demo_new_sim(struct demo *d, const struct config *cfg, char **cause)
{
	struct sim_venues_opts o;
	unsigned n = symbols_count(d->sym);

	memset(&o, 0, sizeof o);
	o.cert = d->cert;
	o.key = d->key;
	o.sym = d->sym;
	o.venues = demo_venue_bits(cfg);
	o.seed = (uint64_t)cfg->demo_seed;
	/* [demo] rate is per venue; the simulator's, per instrument. */
	o.rate = (double)cfg->demo_rate / (n > 0 ? n : 1);
	o.volatility_bps = cfg->demo_volatility_bps;
	o.dislocation_every_s = cfg->demo_dislocation_every_s;
	o.dislocation_bps = cfg->demo_dislocation_bps;
	o.dislocation_s = cfg->demo_dislocation_s;
	o.funding_every_s = cfg->demo_funding_every_s;
	o.funding_jump_8h = cfg->demo_funding_jump_bps / 10000.0;
	if ((d->sim = sim_new_venues(&o, cause)) == NULL)
		return (-1);
	return (sim_start_thread(d->sim, cause));
}

/* Points the enabled venues and the CA at the running simulator. */
static int
demo_rewrite_config(struct demo *d, struct config *cfg, char **cause)
{
	char section[32], url[PATH_MAX + 16];
	unsigned k;

	for (k = 0; k < nitems(demo_urls); k++) {
		if (!cfg->venue[demo_urls[k].v].enabled)
			continue;
		if (sim_url(d->sim, demo_urls[k].endpoint, url, sizeof url) <
		    0) {
			xasprintf(cause, "demo: simulator has no %s endpoint",
			    demo_urls[k].endpoint);
			return (-1);
		}
		snprintf(section, sizeof section, "venue.%s",
		    venues_name(demo_urls[k].v));
		if (config_set(cfg, section, demo_urls[k].key, url, cause) != 0)
			return (-1);
	}
	/* The demo's instruments are not the venues': keep them apart. */
	snprintf(url, sizeof url, "%s/instruments", d->dir);
	if (config_set(cfg, "instruments", "meta_cache", url, cause) != 0)
		return (-1);
	snprintf(url, sizeof url, "%s/ca.pem", d->dir);
	return (config_set(cfg, "tls", "ca_file", url, cause));
}

struct demo *
demo_start(struct config *cfg, char **cause)
{
	struct demo *d = xcalloc(1, sizeof *d);

	if (demo_venue_bits(cfg) == 0) {
		xasprintf(cause, "demo: no enabled venue to simulate");
		goto fail;
	}
	if (demo_make_dir(d, cause) != 0)
		goto fail;
	if (sim_cert_make(d->dir, cause) != 0)
		goto fail;
	xasprintf(&d->cert, "%s/server.pem", d->dir);
	xasprintf(&d->key, "%s/server.key", d->dir);
	if ((d->sym = symbols_new(cfg, cause)) == NULL)
		goto fail;
	if (demo_new_sim(d, cfg, cause) != 0)
		goto fail;
	if (demo_rewrite_config(d, cfg, cause) != 0)
		goto fail;
	log_info("demo: venue simulator on 127.0.0.1, certificates in %s",
	    d->dir);
	return (d);

fail:
	demo_free(d);
	return (NULL);
}

struct sim *
demo_sim(struct demo *d)
{
	return (d->sim);
}

const char *
demo_dir(const struct demo *d)
{
	return (d->dir);
}

void
demo_free(struct demo *d)
{
	if (d == NULL)
		return;
	sim_free(d->sim); /* stops its thread first */
	symbols_free(d->sym);
	if (d->dir[0] != '\0')
		demo_rmdir(d->dir);
	free(d->cert);
	free(d->key);
	free(d);
}
