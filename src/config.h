/*
 * Configuration: an INI file (etc/xarb.conf) parsed against one table of
 * settings (config_table.c).  Each setting has a section, a type, a range,
 * a default, a unit and a doc line; the parser, --show-config, the sample
 * config and the man page are all checked against that table.
 *
 * Errors read "FILE:LINE: key: expected ..., got ..." and are collected:
 * a load reports every bad line, not just the first.  Start-up only:
 * this module allocates with xmalloc.
 */
#ifndef XARB_CONFIG_H
#define XARB_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "types.h"

enum config_type {
	CONF_BOOL,   /* int: yes/no */
	CONF_INT,    /* int64_t within [min, max] */
	CONF_DOUBLE, /* double within [min, max] */
	CONF_STRING, /* char *, owned */
	CONF_ENUM,   /* int: index into the space-separated choices */
	CONF_LIST,   /* struct config_list: words split on blanks/commas */
};

#define CONF_VENUE 0x1	/* lives in each [venue.NAME] section */
#define CONF_RELOAD 0x2 /* takes effect on SIGHUP without a restart */

struct config_list {
	char **v; /* owned, each owned */
	unsigned n;
};

struct config_entry {
	const char *section; /* "detector", or "venue" with CONF_VENUE */
	const char *name;
	enum config_type type;
	double min, max; /* CONF_INT, CONF_DOUBLE */
	const char *def; /* as written in a file; NULL = per venue */
	const char *unit;
	const char *choices; /* CONF_ENUM */
	size_t offset;	     /* into struct config or struct config_venue */
	/* Extra validation of the raw value; sets *cause on failure. */
	int (*check)(const char *value, char **cause);
	int only_venue; /* CONF_VENUE key valid only for this venue, or -1 */
	unsigned flags;
	const char *doc;
};

extern const struct config_entry config_table[];
extern const size_t config_table_len;

/* Sections other than [venue.NAME], in the order of the table. */
extern const char *const config_sections[];

enum executor_mode { EXEC_MODE_PAPER, EXEC_MODE_LIVE };
enum executor_wait { EXEC_WAIT_SPIN, EXEC_WAIT_YIELD, EXEC_WAIT_BLOCK };

struct config_venue {
	int enabled;
	char *url;
	char *url_market;
	char *url_rest;
	struct config_list symbols;	  /* bases; empty = all instruments */
	struct config_list map;		  /* BASE:SYMBOL[:UNITS] */
	struct config_list contract_size; /* BASE:SIZE */
	double taker_fee_bps;
	double maker_fee_bps;
};

struct config {
	char *path; /* owned; NULL when only defaults */

	struct config_list symbols;
	int64_t meta_timeout_ms;
	char *meta_cache;

	double min_spread_bps;
	double min_confidence;
	int require_funding;
	double min_funding_delta;
	int64_t max_quote_age_ms;
	double min_notional;
	double trade_notional;
	double slippage_bps;
	double hold_hours;
	double update_step_bps;
	int quote_mix;
	double usd_basis_bps;
	int64_t sweep_ms;

	struct config_venue venue[VENUE_COUNT];

	int64_t net_connect_timeout_ms;
	int64_t net_backoff_base_ms;
	int64_t net_backoff_cap_ms;
	int64_t net_idle_timeout_ms;
	int64_t net_max_message_kb;
	int64_t net_close_timeout_ms;

	char *tls_ca_file;

	int exec_mode;
	int exec_wait;
	char *exec_secrets_file;
	int exec_kill_switch;

	char *redis_url;
	char *redis_stream;
	int64_t redis_stream_maxlen;
	int64_t redis_quote_interval_ms;
	int64_t redis_max_inflight;
	int64_t redis_timeout_ms;

	char *metrics_listen;
	int metrics_allow_remote;
	int64_t status_interval_s;

	int log_level;
	char *log_file;
	int64_t log_flush_ms;
	int log_json;

	int64_t ring_slots;

	int64_t demo_rate;
	int64_t demo_seed;
	double demo_volatility_bps;
	double demo_dislocation_every_s;
	double demo_dislocation_bps;
	double demo_dislocation_s;
	double demo_funding_every_s;
	double demo_funding_jump_bps; /* per 8 h */

	/* Line each setting was set on, 0 if defaulted: [entry][venue]. */
	unsigned (*lines)[VENUE_COUNT];
};

/* Collected error messages, each "FILE:LINE: ...". */
struct config_errors {
	char **msg; /* owned */
	unsigned n;
};

/* Returns a config holding every default.  Never fails (xmalloc). */
struct config *config_new(void);

/* Frees cfg and everything it owns.  NULL is a no-op. */
void config_free(struct config *cfg);

/*
 * Reads path into cfg, on top of what cfg holds.  Returns the number of
 * errors appended to errs (0 on success); cfg may be partly updated on
 * error and should then be discarded.  A missing or unreadable file is
 * one error.
 */
unsigned config_load(struct config *cfg, const char *path,
    struct config_errors *errs);

/* The same, from a string; name stands in for the file name. */
unsigned config_load_string(struct config *cfg, const char *name,
    const char *text, struct config_errors *errs);

/*
 * Sets one key as if read from a file (section is "detector",
 * "venue.okx", ...).  Returns 0, or -1 with *cause set (caller frees).
 */
int config_set(struct config *cfg, const char *section, const char *key,
    const char *value, char **cause);

/* Writes the effective configuration as a valid config file. */
void config_dump(const struct config *cfg, FILE *fp);

/* Frees the messages (not errs itself). */
void config_errors_clear(struct config_errors *errs);

/* Finds an entry; venue-only keys match only their venue.  NULL if none. */
const struct config_entry *config_find(const char *section, const char *key);

/* The default of entry e for venue v, as text (v ignored for others). */
const char *config_default(const struct config_entry *e, unsigned v);

/*
 * Returns the known key nearest to key (edit distance), searching section
 * first and then every section; *in gets that key's section.  NULL if
 * nothing is close.
 */
const struct config_entry *config_suggest(const char *section, const char *key);

/* Case-sensitive membership test for lists. */
int config_list_has(const struct config_list *l, const char *word);

#endif /* XARB_CONFIG_H */
