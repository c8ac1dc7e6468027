/*
 * The settings table: one entry per key, in the order the man page and
 * etc/xarb.conf document them.  Adding a setting means one line here, a
 * field in struct config, a paragraph in etc/xarb.conf and an item in
 * man/xarb.conf.5; check_config fails until all four agree.
 */
#include "autoconf.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xarb.h"
#include "config.h"
#include "fixed.h"
#include "secret.h"
#include "xmalloc.h"

const char *const config_sections[] = {
	"instruments",
	"detector",
	"net",
	"tls",
	"executor",
	"redis",
	"metrics",
	"log",
	"ring",
	"demo",
	NULL,
};

/* Calls fn on each blank- or comma-separated word; stops at the first error. */
static int
config_table_each_word(const char *value, char **cause,
    int (*fn)(const char *, char **))
{
	char *copy, *w, *last;
	int rv = 0;

	copy = xstrdup(value);
	for (w = strtok_r(copy, " \t,", &last); w != NULL;
	     w = strtok_r(NULL, " \t,", &last)) {
		if ((rv = fn(w, cause)) != 0)
			break;
	}
	free(copy);
	return (rv);
}

/* A base asset: 1-15 upper-case letters or digits ("BTC", "1INCH"). */
static int
config_table_base(const char *w, char **cause)
{
	size_t i, n = strlen(w);

	for (i = 0; i < n; i++) {
		if (!isupper((unsigned char)w[i]) &&
		    !isdigit((unsigned char)w[i]))
			break;
	}
	if (n == 0 || n > 15 || i != n) {
		xasprintf(cause,
		    "expected base assets in upper case (BTC ETH ...), got \"%s\"",
		    w);
		return (-1);
	}
	return (0);
}

static int
config_table_check_bases(const char *value, char **cause)
{
	return (config_table_each_word(value, cause, config_table_base));
}

/* A positive decimal with at most 10 decimals ("0.001", "1000"). */
static int
config_table_positive_decimal(const char *s)
{
	const char *dot = NULL, *p;
	int digits = 0, nonzero = 0;

	for (p = s; *p != '\0'; p++) {
		if (*p == '.' && dot == NULL)
			dot = p;
		else if (isdigit((unsigned char)*p)) {
			digits++;
			nonzero |= *p != '0';
		} else
			return (0);
	}
	if (digits == 0 || !nonzero || digits > 18)
		return (0);
	return (dot == NULL || strlen(dot + 1) <= PX_DECIMALS);
}

/* BASE:SYMBOL[:UNITS], e.g. PEPE:1000PEPEUSDT:1000 */
static int
config_table_map_word(const char *w, char **cause)
{
	char *copy, *base, *sym, *units, *last, *why = NULL;
	int rv = -1;

	copy = xstrdup(w);
	base = strtok_r(copy, ":", &last);
	sym = strtok_r(NULL, ":", &last);
	units = strtok_r(NULL, ":", &last);
	if (base == NULL || sym == NULL || strtok_r(NULL, ":", &last) != NULL)
		goto bad;
	if (config_table_base(base, &why) != 0) {
		free(why);
		goto bad;
	}
	/* It goes into subscribe messages: no quote, no backslash. */
	if (strlen(sym) > 28 ||
	    strspn(sym,
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		"abcdefghijklmnopqrstuvwxyz"
		"0123456789._-") != strlen(sym))
		goto bad;
	if (units != NULL &&
	    (!config_table_positive_decimal(units) ||
		strchr(units, '.') != NULL))
		goto bad;
	rv = 0;
	goto out;
bad:
	xasprintf(cause,
	    "expected BASE:SYMBOL or BASE:SYMBOL:UNITS (PEPE:1000PEPEUSDT:1000), got \"%s\"",
	    w);
out:
	free(copy);
	return (rv);
}

static int
config_table_check_map(const char *value, char **cause)
{
	return (config_table_each_word(value, cause, config_table_map_word));
}

/*
 * BASE:SIZE, the coins in one wire size unit: BTC:0.01.  Sizes are kept
 * with QTY_DECIMALS decimals, so a finer one would silently become 0.
 */
static int
config_table_contract_word(const char *w, char **cause)
{
	const char *colon = strchr(w, ':');
	char *base, *why = NULL;
	int64_t size;
	int ok = 0;

	if (colon != NULL) {
		base = xstrndup(w, (size_t)(colon - w));
		ok = config_table_base(base, &why) == 0 &&
		    fixed_parse(colon + 1, strlen(colon + 1), QTY_DECIMALS,
			&size) == FIXED_OK &&
		    size > 0 && strchr(colon + 1, 'e') == NULL &&
		    strchr(colon + 1, 'E') == NULL && colon[1] != '-' &&
		    colon[1] != '+';
		free(base);
		free(why);
	}
	if (!ok) {
		xasprintf(cause,
		    "expected BASE:SIZE with 0 < SIZE and at most %d decimals "
		    "(BTC:0.01), got \"%s\"",
		    QTY_DECIMALS, w);
		return (-1);
	}
	return (0);
}

static int
config_table_check_contracts(const char *value, char **cause)
{
	return (config_table_each_word(value, cause,
	    config_table_contract_word));
}

static int
config_table_is_loopback(const char *host, size_t len)
{
	size_t i;

	if ((len == 9 && strncmp(host, "localhost", 9) == 0) ||
	    (len == 5 && strncmp(host, "[::1]", 5) == 0))
		return (1);
	/* 127.x.y.z, numerically: "127.attacker.example" is not loopback. */
	if (len < 7 || strncmp(host, "127.", 4) != 0)
		return (0);
	for (i = 4; i < len; i++) {
		if (!isdigit((unsigned char)host[i]) && host[i] != '.')
			return (0);
	}
	return (1);
}

/*
 * scheme://host[:port][/path...]: a host is required, a port must be
 * 1-65535.  Plain ws:// or http:// only to loopback (the simulator in
 * tests); anything crossing a network is TLS.
 */
static int
config_table_url(const char *v, const char *tls, const char *plain,
    char **cause)
{
	const char *host, *end, *colon;
	size_t hl;
	long port;
	char *ep;
	int is_plain;

	is_plain = strncmp(v, plain, strlen(plain)) == 0;
	if (strncmp(v, tls, strlen(tls)) == 0)
		host = v + strlen(tls);
	else if (is_plain)
		host = v + strlen(plain);
	else
		goto bad;
	end = host + strcspn(host, "/?");
	colon = NULL;
	if (*host == '[') {
		const char *rb = memchr(host, ']', (size_t)(end - host));
		if (rb == NULL)
			goto bad;
		if (rb + 1 < end && rb[1] == ':')
			colon = rb + 1;
		else if (rb + 1 != end)
			goto bad;
	} else
		colon = memchr(host, ':', (size_t)(end - host));
	hl = (size_t)((colon != NULL ? colon : end) - host);
	if (hl == 0)
		goto bad;
	if (colon != NULL) {
		errno = 0;
		port = strtol(colon + 1, &ep, 10);
		if (ep != end || port < 1 || port > 65535 || errno != 0)
			goto bad;
	}
	if (is_plain && !config_table_is_loopback(host, hl)) {
		xasprintf(cause,
		    "expected %s... (plain %s only to loopback), got \"%s\"",
		    tls, plain, v);
		return (-1);
	}
	return (0);
bad:
	xasprintf(cause, "expected a URL %shost[:port][/path], got \"%s\"", tls,
	    v);
	return (-1);
}

static int
config_table_check_wss(const char *v, char **cause)
{
	if (*v == '\0')
		return (0);
	return (config_table_url(v, "wss://", "ws://", cause));
}

static int
config_table_check_https(const char *v, char **cause)
{
	if (*v == '\0')
		return (0);
	return (config_table_url(v, "https://", "http://", cause));
}

/* A numeric IPv4 address; hiredis 0.14 resolves names with blocking DNS. */
static int
config_table_numeric_host(const char *h, size_t len)
{
	size_t i;

	if (len >= 2 && h[0] == '[' && h[len - 1] == ']')
		return (len > 2); /* IPv6 literal */
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)h[i]) && h[i] != '.')
			return (0);
	}
	return (len > 0);
}

static int
config_table_hostport(const char *hp, size_t len)
{
	const char *colon = NULL;
	size_t i;
	long port = 0;

	for (i = len; i > 0; i--) {
		if (hp[i - 1] == ':') {
			colon = hp + i - 1;
			break;
		}
	}
	if (colon == NULL || colon + 1 == hp + len)
		return (0);
	for (i = (size_t)(colon - hp) + 1; i < len; i++) {
		if (!isdigit((unsigned char)hp[i]) || port > 65535)
			return (0);
		port = port * 10 + (hp[i] - '0');
	}
	return (port >= 1 && port <= 65535 &&
	    config_table_numeric_host(hp, (size_t)(colon - hp)));
}

static int
config_table_check_redis(const char *v, char **cause)
{
	const char *hp, *slash, *p;

	if (*v == '\0')
		return (0);
	if (strncmp(v, "unix:", 5) == 0 && v[5] == '/')
		return (0);
	if (strncmp(v, "redis://", 8) != 0)
		goto bad;
	hp = v + 8;
	slash = strchr(hp, '/');
	if (!config_table_hostport(hp,
		slash ? (size_t)(slash - hp) : strlen(hp)))
		goto bad;
	if (slash != NULL) {
		for (p = slash + 1; *p != '\0'; p++) {
			if (!isdigit((unsigned char)*p))
				goto bad;
		}
		if (p - slash > 3)
			goto bad;
	}
	return (0);
bad:
	xasprintf(cause,
	    "expected redis://IP:PORT[/DB] with a numeric address, or unix:/PATH, got \"%s\"",
	    v);
	return (-1);
}

/* A Redis key: not empty, no blanks (it is also written to logs). */
static int
config_table_check_nonempty(const char *v, char **cause)
{
	const char *p;

	for (p = v; *p != '\0'; p++) {
		if (isspace((unsigned char)*p))
			break;
	}
	if (*v != '\0' && *p == '\0')
		return (0);
	xasprintf(cause, "expected a key with no blanks, got \"%s\"", v);
	return (-1);
}

static int
config_table_check_listen(const char *v, char **cause)
{
	if (*v == '\0' || config_table_hostport(v, strlen(v)))
		return (0);
	xasprintf(cause,
	    "expected IP:PORT with a numeric address (127.0.0.1:9108), got \"%s\"",
	    v);
	return (-1);
}

static int
config_table_check_pow2(const char *v, char **cause)
{
	unsigned long long n = strtoull(v, NULL, 10);

	if (n != 0 && (n & (n - 1)) == 0)
		return (0);
	xasprintf(cause, "expected a power of two, got \"%s\"", v);
	return (-1);
}

static int
config_table_check_readable(const char *v, char **cause)
{
	if (*v == '\0' || access(v, R_OK) == 0)
		return (0);
	xasprintf(cause, "expected a readable file, got \"%s\" (%s)", v,
	    strerror(errno));
	return (-1);
}

static int
config_table_check_secrets(const char *v, char **cause)
{
	if (*v == '\0')
		return (0);
	return (secret_check_file(v, cause));
}

#define GLOBAL(f) offsetof(struct config, f)
#define VENUE(f) offsetof(struct config_venue, f)

const struct config_entry config_table[] = {
	/* [instruments] */
	{ "instruments", "symbols", CONF_LIST, 0, 0, "BTC ETH SOL", NULL, NULL,
	    GLOBAL(symbols), config_table_check_bases, -1, 0,
	    "Base assets to watch. Each venue maps a base to its own perpetual "
	    "(BTC is BTCUSDT on Bybit, BTC-USDT-SWAP on OKX, XBTUSDTM on "
	    "KuCoin, BTC on Hyperliquid, BTC-USD-PERP on Paradex)." },
	{ "instruments", "meta_timeout_ms", CONF_INT, 0, 60000, "5000", "ms",
	    NULL, GLOBAL(meta_timeout_ms), NULL, -1, 0,
	    "At start, every enabled venue's REST instruments endpoint is "
	    "fetched (contract sizes, funding intervals, which symbols it "
	    "lists), all in parallel, for at most this long; venues that do "
	    "not answer in time use the cache, else built-in values. 0: do "
	    "not fetch." },
	{ "instruments", "meta_cache", CONF_STRING, 0, 0, "", NULL, NULL,
	    GLOBAL(meta_cache), NULL, -1, 0,
	    "File caching the fetched instrument metadata, used when a "
	    "venue's fetch fails. Empty: $XDG_CACHE_HOME/xarb/instruments, "
	    "else $HOME/.cache/xarb/instruments; none: no cache." },

	/* [detector] */
	{ "detector", "min_spread_bps", CONF_DOUBLE, 0, 10000, "10", "bps",
	    NULL, GLOBAL(min_spread_bps), NULL, -1, CONF_RELOAD,
	    "Gross spread below which a venue pair is not considered: "
	    "(bid_B - ask_A) / ask_A * 10000." },
	{ "detector", "min_confidence", CONF_DOUBLE, 0, 100, "70", "0-100",
	    NULL, GLOBAL(min_confidence), NULL, -1, CONF_RELOAD,
	    "Confidence below which an opportunity is rejected. Confidence is "
	    "50*min(spread/50bps,1) + 30*min(|funding delta|/0.01,1) + 20." },
	{ "detector", "require_funding", CONF_BOOL, 0, 0, "no", NULL, NULL,
	    GLOBAL(require_funding), NULL, -1, CONF_RELOAD,
	    "Only accept pairs whose funding delta (short leg minus long leg, "
	    "per 8 h) is at least min_funding_delta." },
	{ "detector", "min_funding_delta", CONF_DOUBLE, 0, 1, "0.0001",
	    "rate per 8 h", NULL, GLOBAL(min_funding_delta), NULL, -1,
	    CONF_RELOAD,
	    "Smallest funding delta accepted when require_funding is on." },
	{ "detector", "max_quote_age_ms", CONF_INT, 1, 600000, "2000", "ms",
	    NULL, GLOBAL(max_quote_age_ms), NULL, -1, CONF_RELOAD,
	    "Both legs must have been received within this long; older "
	    "quotes close their opportunities with reason \"leg stale\"." },
	{ "detector", "min_notional", CONF_DOUBLE, 0, 1e9, "100", "quote ccy",
	    NULL, GLOBAL(min_notional), NULL, -1, CONF_RELOAD,
	    "Top-of-book size times price needed on both legs; less closes "
	    "with reason \"depth gone\"." },
	{ "detector", "trade_notional", CONF_DOUBLE, 1, 1e9, "1000",
	    "quote ccy", NULL, GLOBAL(trade_notional), NULL, -1, CONF_RELOAD,
	    "Notional the detector prices slippage for; the tradable notional "
	    "is this capped by the smaller top-of-book side." },
	{ "detector", "slippage_bps", CONF_DOUBLE, 0, 1000, "5", "bps", NULL,
	    GLOBAL(slippage_bps), NULL, -1, CONF_RELOAD,
	    "Slippage per leg when a trade takes the whole top-of-book size; "
	    "it scales with the fraction of the quoted size taken." },
	{ "detector", "hold_hours", CONF_DOUBLE, 0, 720, "8", "h", NULL,
	    GLOBAL(hold_hours), NULL, -1, CONF_RELOAD,
	    "Expected holding time, over which funding is charged (long leg "
	    "pays its rate, short leg receives its rate)." },
	{ "detector", "update_step_bps", CONF_DOUBLE, 0, 1000, "1", "bps", NULL,
	    GLOBAL(update_step_bps), NULL, -1, CONF_RELOAD,
	    "An open opportunity is re-published (UPDATE) when its net edge "
	    "moves by more than this since it was last published." },
	{ "detector", "quote_mix", CONF_BOOL, 0, 0, "yes", NULL, NULL,
	    GLOBAL(quote_mix), NULL, -1, CONF_RELOAD,
	    "Pair USD(C)-quoted venues (Hyperliquid, Paradex) with "
	    "USDT-quoted ones, converting with usd_basis_bps." },
	{ "detector", "usd_basis_bps", CONF_DOUBLE, -500, 500, "0", "bps", NULL,
	    GLOBAL(usd_basis_bps), NULL, -1, CONF_RELOAD,
	    "Value of 1 USD(C) in USDT, minus one, in bps: applied to "
	    "USD-quoted prices when they meet USDT-quoted ones." },
	{ "detector", "sweep_ms", CONF_INT, 10, 10000, "100", "ms", NULL,
	    GLOBAL(sweep_ms), NULL, -1, 0,
	    "How often open opportunities are re-checked for stale legs "
	    "when no tick arrives." },

	/* [venue.NAME] */
	{ "venue", "enabled", CONF_BOOL, 0, 0, "yes", NULL, NULL,
	    VENUE(enabled), NULL, -1, CONF_VENUE, "Connect to this venue." },
	{ "venue", "url", CONF_STRING, 0, 0, NULL, NULL, NULL, VENUE(url),
	    config_table_check_wss, -1, CONF_VENUE,
	    "Market-data WebSocket URL (wss://; ws:// only to loopback). "
	    "Empty for KuCoin means the one its bullet-public token names." },
	{ "venue", "url_market", CONF_STRING, 0, 0, NULL, NULL, NULL,
	    VENUE(url_market), config_table_check_wss, VENUE_BINANCE,
	    CONF_VENUE,
	    "Binance only: the /market stream that carries funding "
	    "(markPrice), separate from the /public book stream." },
	{ "venue", "url_rest", CONF_STRING, 0, 0, NULL, NULL, NULL,
	    VENUE(url_rest), config_table_check_https, -1, CONF_VENUE,
	    "REST base URL for instrument metadata (and KuCoin's "
	    "bullet-public token)." },
	{ "venue", "symbols", CONF_LIST, 0, 0, "", NULL, NULL, VENUE(symbols),
	    config_table_check_bases, -1, CONF_VENUE,
	    "Subset of [instruments] symbols to trade here; empty means all." },
	{ "venue", "map", CONF_LIST, 0, 0, "", NULL, NULL, VENUE(map),
	    config_table_check_map, -1, CONF_VENUE,
	    "Symbol overrides, BASE:SYMBOL[:UNITS]; UNITS is base coins per "
	    "quoted unit (PEPE:1000PEPEUSDT:1000 divides price by 1000)." },
	{ "venue", "contract_size", CONF_LIST, 0, 0, "", NULL, NULL,
	    VENUE(contract_size), config_table_check_contracts, -1, CONF_VENUE,
	    "Base coins per wire size unit, BASE:SIZE (OKX ctVal, KuCoin "
	    "multiplier); overrides built-in and fetched values." },
	{ "venue", "taker_fee_bps", CONF_DOUBLE, -10, 100, NULL, "bps", NULL,
	    VENUE(taker_fee_bps), NULL, -1, CONF_VENUE | CONF_RELOAD,
	    "Taker fee charged per leg on this venue." },
	{ "venue", "maker_fee_bps", CONF_DOUBLE, -10, 100, NULL, "bps", NULL,
	    VENUE(maker_fee_bps), NULL, -1, CONF_VENUE | CONF_RELOAD,
	    "Maker fee on this venue (negative for a rebate)." },

	/* [net] */
	{ "net", "connect_timeout_ms", CONF_INT, 100, 120000, "10000", "ms",
	    NULL, GLOBAL(net_connect_timeout_ms), NULL, -1, 0,
	    "Resolving, connecting, the TLS handshake and the WebSocket "
	    "upgrade must all finish within this, or the attempt fails." },
	{ "net", "backoff_base_ms", CONF_INT, 10, 60000, "500", "ms", NULL,
	    GLOBAL(net_backoff_base_ms), NULL, -1, 0,
	    "First reconnect delay; it doubles with each failure in a row "
	    "(with jitter) and starts over once a message arrives." },
	{ "net", "backoff_cap_ms", CONF_INT, 10, 600000, "30000", "ms", NULL,
	    GLOBAL(net_backoff_cap_ms), NULL, -1, 0,
	    "Longest reconnect delay." },
	{ "net", "idle_timeout_ms", CONF_INT, 0, 600000, "30000", "ms", NULL,
	    GLOBAL(net_idle_timeout_ms), NULL, -1, 0,
	    "No frame at all (data, ping or pong) for this long: the "
	    "connection is dropped and reconnected; 0 turns it off." },
	{ "net", "max_message_kb", CONF_INT, 16, 65536, "1024", "KiB", NULL,
	    GLOBAL(net_max_message_kb), NULL, -1, 0,
	    "Largest WebSocket message accepted; a larger one closes the "
	    "connection with 1009 and it reconnects." },
	{ "net", "close_timeout_ms", CONF_INT, 100, 30000, "2000", "ms", NULL,
	    GLOBAL(net_close_timeout_ms), NULL, -1, 0,
	    "How long a close (and the shutdown on SIGTERM) waits for the "
	    "venue's close frame." },

	/* [tls] */
	{ "tls", "ca_file", CONF_STRING, 0, 0, "", NULL, NULL,
	    GLOBAL(tls_ca_file), config_table_check_readable, -1, 0,
	    "PEM file of CA certificates to trust instead of the system "
	    "store (how tests trust the simulator's CA). Certificates are "
	    "always verified." },

	/* [executor] */
	{ "executor", "mode", CONF_ENUM, 0, 0, "paper", NULL, "paper live",
	    GLOBAL(exec_mode), NULL, -1, 0,
	    "paper simulates fills against the live book; live sends real "
	    "orders and also needs --live on the command line." },
	{ "executor", "wait", CONF_ENUM, 0, 0, "block", NULL,
	    "spin yield block", GLOBAL(exec_wait), NULL, -1, 0,
	    "How the executor waits for opportunities: spin (a whole core, "
	    "~0.1 us), yield, or block (~25 us to wake)." },
	{ "executor", "secrets_file", CONF_STRING, 0, 0, "", NULL, NULL,
	    GLOBAL(exec_secrets_file), config_table_check_secrets, -1, 0,
	    "File of XARB_<VENUE>_API_KEY=... lines, mode 0600 (refused if "
	    "group or world can read it); the environment wins over it." },
	{ "executor", "kill_switch", CONF_BOOL, 0, 0, "no", NULL, NULL,
	    GLOBAL(exec_kill_switch), NULL, -1, CONF_RELOAD,
	    "Start (or, on reload, switch) with new entries stopped." },

	/* [redis] */
	{ "redis", "url", CONF_STRING, 0, 0, "", NULL, NULL, GLOBAL(redis_url),
	    config_table_check_redis, -1, 0,
	    "redis://IP:PORT/DB or unix:/path; empty disables the Redis cold "
	    "path.  Numeric addresses only: hiredis 0.14 would resolve a name "
	    "with blocking DNS.  The password, if any, comes from "
	    "XARB_REDIS_PASSWORD in the environment or the [executor] "
	    "secrets_file." },
	{ "redis", "stream", CONF_STRING, 0, 0, "xarb:opps", NULL, NULL,
	    GLOBAL(redis_stream), config_table_check_nonempty, -1, 0,
	    "Stream that every opportunity event is added to (XADD)." },
	{ "redis", "stream_maxlen", CONF_INT, 1000, 1000000000, "100000",
	    "entries", NULL, GLOBAL(redis_stream_maxlen), NULL, -1, 0,
	    "Approximate cap (MAXLEN ~) of each stream." },
	{ "redis", "quote_interval_ms", CONF_INT, 0, 60000, "250", "ms", NULL,
	    GLOBAL(redis_quote_interval_ms), NULL, -1, 0,
	    "Latest-quote hashes are written at most this often per key (at "
	    "least every 10 ms); 0 writes no quote hashes." },
	{ "redis", "max_inflight", CONF_INT, 16, 1000000, "10000", "commands",
	    NULL, GLOBAL(redis_max_inflight), NULL, -1, 0,
	    "Commands sent and not yet answered, at most; past that, events "
	    "wait in the ring, which drops the oldest when it laps." },
	{ "redis", "timeout_ms", CONF_INT, 50, 600000, "2000", "ms", NULL,
	    GLOBAL(redis_timeout_ms), NULL, -1, 0,
	    "Connect (with AUTH and SELECT) and reply timeout; past it the "
	    "connection is dropped, what it carried counted as lost, and "
	    "retried with the [net] back-off." },

	/* [metrics] */
	{ "metrics", "listen", CONF_STRING, 0, 0, "", NULL, NULL,
	    GLOBAL(metrics_listen), config_table_check_listen, -1, 0,
	    "IP:PORT for Prometheus text on /metrics; empty disables it." },
	{ "metrics", "allow_remote", CONF_BOOL, 0, 0, "no", NULL, NULL,
	    GLOBAL(metrics_allow_remote), NULL, -1, 0,
	    "Allow listen on a non-loopback address (logged as a warning)." },
	{ "metrics", "status_interval_s", CONF_INT, 0, 3600, "10", "s", NULL,
	    GLOBAL(status_interval_s), NULL, -1, CONF_RELOAD,
	    "Period of the one-line status logged in headless mode; 0 "
	    "turns it off." },

	/* [log] */
	{ "log", "level", CONF_ENUM, 0, 0, "info", NULL,
	    "error warn info debug trace", GLOBAL(log_level), NULL, -1,
	    CONF_RELOAD,
	    "Least severe level written; each -v raises it one step." },
	{ "log", "file", CONF_STRING, 0, 0, "", NULL, NULL, GLOBAL(log_file),
	    NULL, -1, CONF_RELOAD,
	    "Append the log here (reopened on SIGHUP); empty means stderr, "
	    "held back while the dashboard owns the terminal." },
	{ "log", "flush_ms", CONF_INT, 10, 10000, "100", "ms", NULL,
	    GLOBAL(log_flush_ms), NULL, -1, 0,
	    "How often the log thread writes buffered lines." },
	{ "log", "json", CONF_BOOL, 0, 0, "no", NULL, NULL, GLOBAL(log_json),
	    NULL, -1, 0,
	    "Also write every opportunity event as one JSON object per line "
	    "on standard output (headless; as --json)." },

	/* [ring] */
	{ "ring", "slots", CONF_INT, 64, 1048576, "1024", "events", NULL,
	    GLOBAL(ring_slots), config_table_check_pow2, -1, 0,
	    "Opportunity ring capacity, a power of two. A reader more than "
	    "this many events behind loses the oldest and counts them." },

	/* [demo] */
	{ "demo", "rate", CONF_INT, 1, 1000000, "200", "updates/s", NULL,
	    GLOBAL(demo_rate), NULL, -1, 0,
	    "Quote updates per second per venue in --demo." },
	{ "demo", "seed", CONF_INT, 0, 2147483647, "1", NULL, NULL,
	    GLOBAL(demo_seed), NULL, -1, 0,
	    "Seed of the demo price paths; the same seed gives the same run." },
	{ "demo", "volatility_bps", CONF_DOUBLE, 0, 1000, "5", "bps/s", NULL,
	    GLOBAL(demo_volatility_bps), NULL, -1, 0,
	    "Typical move of the demo mid price per second." },
	{ "demo", "dislocation_every_s", CONF_DOUBLE, 0, 3600, "5", "s", NULL,
	    GLOBAL(demo_dislocation_every_s), NULL, -1, 0,
	    "Mean time between scheduled dislocations; 0 turns them off." },
	{ "demo", "dislocation_bps", CONF_DOUBLE, 0, 10000, "60", "bps", NULL,
	    GLOBAL(demo_dislocation_bps), NULL, -1, 0,
	    "Size of a dislocation: one venue's price jumps this far." },
	{ "demo", "dislocation_s", CONF_DOUBLE, 0, 3600, "1.5", "s", NULL,
	    GLOBAL(demo_dislocation_s), NULL, -1, 0,
	    "How long a dislocation lasts before the venue reverts." },
	{ "demo", "funding_every_s", CONF_DOUBLE, 0, 3600, "20", "s", NULL,
	    GLOBAL(demo_funding_every_s), NULL, -1, 0,
	    "Mean time between funding jumps; 0 turns them off." },
	{ "demo", "funding_jump_bps", CONF_DOUBLE, 0, 1000, "10", "bps", NULL,
	    GLOBAL(demo_funding_jump_bps), NULL, -1, 0,
	    "Size of a funding jump: one venue's rate for one instrument "
	    "moves to half to all of this, per 8 h, either sign." },
};

const size_t config_table_len = nitems(config_table);
