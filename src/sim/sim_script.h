/*
 * The simulator's scenario language (see sim.h for the grammar), parsed
 * into plain tables that sim.c executes.  Parsing only: nothing here
 * opens a socket or a certificate file.  Start-up code: allocates with
 * xmalloc and friends.
 *
 * Clarifications of the grammar in sim.h:
 *   - a '#' starts a comment only as the first non-blank character of a
 *     line, so TEXT and BODY may contain '#';
 *   - TEXT and BODY are the rest of the line after the blanks that follow
 *     the previous word, verbatim (a trailing '\r' is dropped);
 *   - MS may have a fraction ("every 0.5"); `every` needs MS > 0;
 *   - `on open every MS` first fires at `after` (default 0, at open),
 *     then every MS, `count N` times in all (default: until closed);
 *   - every `on message` rule whose SUBSTRING occurs fires, in file
 *     order (binary messages match nothing);
 *   - a BODY starting with '@' must be "@bytes=N" or "@hang";
 *   - `venue` comes at most once per ws endpoint, `replay` after it;
 *     `prices` at most once, anywhere (it is global); `bullet` may name
 *     a ws endpoint declared further down;
 *   - a key=value word has no blanks; a key may not repeat.
 */
#ifndef XARB_SIM_SCRIPT_H
#define XARB_SIM_SCRIPT_H

#include <stddef.h>
#include <stdint.h>

#define SIM_OVERSIZE_MAX (64u << 20) /* fault oversize BYTES limit */
#define SIM_GEN_MAX (64u << 20)	     /* @bytes=N limit */
#define SIM_FRAG_MAX 1000u	     /* send-frag N limit */

enum sim_act_kind {
	SIM_ACT_SEND,
	SIM_ACT_SEND_BINARY,
	SIM_ACT_SEND_FRAG,
	SIM_ACT_PING,
	SIM_ACT_CLOSE,
	SIM_ACT_DROP,
	SIM_ACT_STALL,
	SIM_ACT_GARBAGE,
	SIM_ACT_OVERSIZE,
	SIM_ACT_BADCLOSE,
};

struct sim_action {
	enum sim_act_kind kind;
	char *text; /* owned: payload, ping data or close reason; or NULL */
	size_t len; /* bytes of text */
	unsigned n; /* fragments, close code or oversize bytes */
};

enum sim_rule_when {
	SIM_ON_OPEN,
	SIM_ON_MESSAGE,
};

struct sim_rule {
	enum sim_rule_when when;
	double after;	/* seconds after open (on open) */
	double every;	/* seconds between runs; 0: run once */
	unsigned count; /* runs in all with every; 0: unbounded */
	char *match;	/* owned (on message); NULL matches any */
	struct sim_action act;
	unsigned line;
};

enum sim_upgrade {
	SIM_UPGRADE_OK,
	SIM_UPGRADE_403,
	SIM_UPGRADE_BADKEY,
	SIM_UPGRADE_NOUPGRADE,
};

enum sim_framing {
	SIM_FRAMING_LENGTH,  /* Content-Length */
	SIM_FRAMING_CHUNKED, /* Transfer-Encoding: chunked */
	SIM_FRAMING_CLOSE,   /* the body ends when the connection closes */
};

enum sim_body_kind {
	SIM_BODY_TEXT,	 /* body/body_len */
	SIM_BODY_BYTES,	 /* body_len bytes of JSON-safe filler */
	SIM_BODY_HANG,	 /* never answer */
	SIM_BODY_BULLET, /* KuCoin's bullet-public answer for route->bullet */
	SIM_BODY_META,	 /* route->venue's instruments list (sim_market_meta) */
};

struct sim_route {
	char *method; /* owned */
	char *path;   /* owned, without query */
	unsigned status;
	enum sim_framing framing;
	double delay; /* seconds before answering */
	enum sim_body_kind body_kind;
	char *body; /* owned (SIM_BODY_TEXT), else NULL */
	size_t body_len;
	char *bullet; /* owned (SIM_BODY_BULLET): the kucoin ws endpoint */
	int venue;    /* SIM_BODY_META: enum venue_id */
	unsigned line;
};

/* The venue protocols an endpoint can speak (`venue NAME`). */
enum sim_venue_kind {
	SIM_VENUE_NONE, /* not a venue endpoint: rules only */
	SIM_VENUE_BYBIT,
	SIM_VENUE_OKX,
	SIM_VENUE_KUCOIN,
	SIM_VENUE_BITGET,
	SIM_VENUE_HYPERLIQUID,
	SIM_VENUE_PARADEX,
	SIM_VENUE_BINANCE,	  /* bookTicker, the /public streams */
	SIM_VENUE_BINANCE_MARKET, /* markPrice, the /market streams */
	SIM_VENUE_COUNT
};

/* "bybit", ... "binance-market"; "" for SIM_VENUE_NONE. */
const char *sim_venue_kind_name(enum sim_venue_kind k);

/*
 * `venue NAME [key=value ...]` of a ws endpoint.  Times in seconds;
 * a negative value (or NULL) means "the venue's default" (sim_venue.c).
 */
struct sim_venue_spec {
	enum sim_venue_kind kind;
	char *path;	  /* owned, or NULL */
	double heartbeat; /* client heartbeat / pong deadline; 0: never */
	double ping;	  /* server ping interval (Paradex, Binance); 0: none */
	double rate;	  /* BBO pushes per second per instrument */
	double funding;	  /* seconds between funding pushes */
	int idle;	  /* acknowledge, answer heartbeats, push nothing */
	char *token;	  /* owned (KuCoin): required ?token=, or NULL */
	char *replay;	  /* owned: `replay FILE`, or NULL */
	double replay_rate; /* lines per second; 0: all at once */
	unsigned line;	    /* of the venue directive */
	unsigned replay_line;
};

/* `prices ...`: the one price generator every venue endpoint quotes. */
struct sim_prices_spec {
	int set; /* the directive was given */
	uint64_t seed;
	double volatility_bps;	    /* per sqrt(second) */
	double dislocation_every_s; /* mean gap; 0 disables */
	double dislocation_bps;
	double dislocation_s;
	double funding_every_s; /* mean gap between funding jumps; 0: none */
	double funding_jump_8h; /* their size, rate per 8 h */
	char **bases; /* owned (each owned), nbases; none: BTC ETH SOL */
	unsigned nbases;
	unsigned line;
};

struct sim_endpoint_spec {
	char *name; /* owned */
	int http;   /* 0: ws */
	int tls;    /* 0: plain */
	char *cert; /* owned: PEM chain (tls), the default if not given */
	char *key;  /* owned */
	enum sim_upgrade upgrade;
	struct sim_rule *rules; /* owned array */
	unsigned nrules;
	struct sim_route *routes; /* owned array */
	unsigned nroutes;
	struct sim_venue_spec venue; /* kind SIM_VENUE_NONE: plain rules */
	unsigned line;
};

struct sim_script {
	struct sim_endpoint_spec *eps; /* owned array, in file order */
	unsigned neps;
	struct sim_prices_spec prices;
};

/*
 * Parses text.  name prefixes error messages ("NAME:LINE: expected ...,
 * got ...").  def_cert/def_key (may be NULL) serve tls endpoints without
 * their own.  Returns NULL with *cause set to every error, one per line
 * (the caller frees it).
 */
struct sim_script *sim_script_parse(const char *name, const char *text,
    const char *def_cert, const char *def_key, char **cause);

/*
 * The script sim_new_venues() runs: one endpoint per venue stream (see
 * sim.h), built without text.  Returns NULL with *cause set if opts
 * select nothing or name a bad instrument.
 */
struct sim_venues_opts;
struct sim_script *sim_script_venues(const struct sim_venues_opts *o,
    char **cause);

/* NULL is a no-op. */
void sim_script_free(struct sim_script *);

#endif /* XARB_SIM_SCRIPT_H */
