/*
 * Venues: one small ops table per exchange (venue_<name>.c), and the
 * machinery around it.
 *
 * The parse side is pure: a struct venue_parser turns one raw message of
 * a stream into normalised updates (canonical instrument ids, prices per
 * coin, sizes in coins, funding per interval) handed to an emit
 * callback.  The engine feeds the quote store with them; `xarb decode`
 * prints them.  Parsing allocates nothing and logs nothing; a message it
 * cannot use is dropped and counted by reason.
 *
 * The connection side (struct venue, venue.c) runs a venue's WebSocket
 * streams on the reactor: its prerequisites (KuCoin's bullet token),
 * subscriptions on open, application heartbeats, and the trust state of
 * its quotes (resyncing until a fresh snapshot, down while
 * disconnected).
 */
#ifndef XARB_VENUE_H
#define XARB_VENUE_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "book.h"
#include "json.h"
#include "types.h"
#include "ws.h"

struct config;
struct metrics_hist;
struct symbols;
struct venue;
struct venue_conn;

enum venue_result {
	VENUE_OK,      /* market data: at least one update emitted */
	VENUE_IGNORED, /* no market data: an ack, a pong, a notice */
	VENUE_DROPPED, /* unusable: counted in drops[], why in p->why */
};

/* Why a message was dropped, counted per venue. */
enum venue_drop {
	VENUE_DROP_JSON,     /* not JSON, truncated, too many tokens */
	VENUE_DROP_SHAPE,    /* missing or mistyped field */
	VENUE_DROP_NUMBER,   /* a price, size, rate or time that is not one */
	VENUE_DROP_SYMBOL,   /* an instrument we do not trade */
	VENUE_DROP_CONTRACT, /* size in contracts, contract size unknown */
	VENUE_DROP_ERROR,    /* the venue reported an error (bad subscribe) */
	VENUE_DROP_SNAPSHOT, /* a delta before its snapshot */
	VENUE_DROP_SEQUENCE, /* out of order or a gap: resyncing */
	VENUE_DROP_COUNT
};

/* "json", "shape", ...: for logs and metrics labels. */
const char *venue_drop_key(unsigned d);

/* One normalised update of one instrument (canonical units). */
struct venue_update {
	inst_id inst;
	struct quote_update u;
};

struct venue_parser;
typedef void (*venue_emit_fn)(struct venue_parser *p,
    const struct venue_update *up);

/*
 * Per-stream parse state.  Caller-owned storage (embedded in a venue
 * connection or in decode); the token array makes it about 80 KiB.
 */
struct venue_parser {
	const struct venue_ops *ops; /* borrowed */
	const struct symbols *sym;   /* borrowed */
	enum venue_id venue;
	unsigned stream; /* which of the venue's connections */
	venue_emit_fn emit;
	void *arg;
	uint8_t *snap; /* owned: per instrument, 1 once a
			  snapshot arrived on this stream */
	int64_t *seq;  /* owned: per instrument, last sequence */
	uint64_t msgs, updates, ignored;
	uint64_t drops[VENUE_DROP_COUNT];
	int welcomed;	     /* the venue said hello (KuCoin): subscribe now */
	char why[192];	     /* the last drop, for logs and decode */
	struct json_doc doc; /* embedded: tokens of this message */
};

/*
 * Prepares a parser for stream of venue v.  Start-up only (allocates the
 * per-instrument arrays with xcalloc).
 */
void venue_parser_init(struct venue_parser *p, enum venue_id v, unsigned stream,
    const struct symbols *sym, venue_emit_fn emit, void *arg);
void venue_parser_fini(struct venue_parser *p);

/* Forgets snapshots and sequences: after a reconnect. */
void venue_parser_reset(struct venue_parser *p);

/*
 * Parses one message received at recv_ts (CLOCK_REALTIME ns).  Emits
 * zero or more updates.  Hot path.
 */
enum venue_result venue_parse(struct venue_parser *p, const char *msg,
    size_t len, int64_t recv_ts);

/* For adapters: count a drop, remember why.  Returns VENUE_DROPPED. */
enum venue_result venue_drop(struct venue_parser *p, enum venue_drop why,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* For adapters: look up a venue symbol; counts a drop when unknown. */
int venue_symbol(struct venue_parser *p, const char *sym, size_t len);

/* For adapters: the symbol of token i (a string); -1 and a drop if not. */
int venue_symbol_tok(struct venue_parser *p, int i);

/*
 * For adapters: reads a wire price/size of instrument i at token tok
 * into canonical units (price per coin, size in coins, with the contract
 * size and units of symbols.h).  Return 0, or -1 (and a drop).
 */
int venue_price(struct venue_parser *p, inst_id i, int tok, int64_t *out);
int venue_size(struct venue_parser *p, inst_id i, int tok, int64_t *out);

/* For adapters: token t holds a value (not absent, null or ""). */
int venue_present(const struct json_doc *d, int t);

/*
 * For adapters: milliseconds since the epoch at token tok into ns.
 * Return 0, or -1 and a drop "bad <what>" if it is not a positive
 * millisecond count.
 */
int venue_ms(struct venue_parser *p, int tok, const char *what, int64_t *ns);

/*
 * For adapters: the best level of a book side arr, [[price, size, ...],
 * ...], into canonical price and size; [] or null is an empty side (0
 * and 0).  chan and name ("bids") word the drops.  0, or -1 and a drop.
 */
int venue_book_side(struct venue_parser *p, inst_id i, int arr,
    const char *chan, const char *name, int64_t *px, int64_t *sz);

/*
 * For adapters: a ticker's side as two keys of object el, price pk and
 * size sk: 1 if pk is absent (the side is left alone), 0 with both
 * values (0 and 0 when the price is null or "": an empty side), -1 and
 * a drop if they are not numbers.
 */
int venue_ticker_side(struct venue_parser *p, inst_id i, int el, const char *pk,
    const char *sk, int64_t *px, int64_t *sz);

/* For adapters: hand an update to the emit callback. */
void venue_emit(struct venue_parser *p, const struct venue_update *up);

/* -- the ops table --------------------------------------------------- */

/* A connection's way to send: text frames only. */
int venue_send(struct venue_conn *vc, const char *text, size_t len);

/* The instruments this venue trades (for subscriptions). */
unsigned venue_conn_ninst(const struct venue_conn *vc);
inst_id venue_conn_inst(const struct venue_conn *vc, unsigned k);
const char *venue_conn_symbol(const struct venue_conn *vc, unsigned k);
unsigned venue_conn_stream(const struct venue_conn *vc);

struct venue_ops {
	const char *name;
	enum venue_id id;
	unsigned streams; /* WebSocket connections (Binance: 2) */

	/* Parses one message of a stream (see venue_parse). */
	enum venue_result (*parse)(struct venue_parser *p, const char *msg,
	    size_t len, int64_t recv_ts);

	/*
	 * On open: sends the subscriptions for every instrument of the
	 * connection, within the venue's limits.  0, or -1 to reconnect.
	 */
	int (*subscribe)(struct venue_conn *vc);

	/*
	 * The application heartbeat, sent every ping_interval seconds
	 * (NULL: the venue pings us and the WebSocket layer answers).
	 */
	int (*ping)(struct venue_conn *vc);
	double ping_interval;

	/* Subscribe only once parse() has set p->welcomed (KuCoin). */
	int wait_welcome;

	/*
	 * A REST call before each connection attempt, relative to the
	 * venue's url_rest (KuCoin: POST /api/v1/bullet-public), or NULL.
	 * prepared() reads the answer into the WebSocket URL to use and the
	 * heartbeat interval; 0, or -1 with why filled in.
	 */
	const char *prepare_method;
	const char *prepare_path;
	int (*prepared)(const char *body, size_t len, char *url, size_t url_len,
	    double *ping_interval, char *why, size_t why_len);
};

/* Every venue, indexed by enum venue_id (NULL: not in this build). */
extern const struct venue_ops *const venue_table[VENUE_COUNT];

/* -- live venues (venue.c) ------------------------------------------- */

struct reactor;

/* Where a live venue's data and state changes go (the engine). */
struct venue_sink {
	/*
	 * One normalised update, read from the socket at recv_ts; its
	 * message's parse began at parse_ts (CLOCK_REALTIME ns both).
	 */
	void (*update)(void *arg, enum venue_id v,
	    const struct venue_update *up, int64_t recv_ts, int64_t parse_ts);
	/* The venue's quotes changed trust state (connection events). */
	void (*state)(void *arg, enum venue_id v, enum quote_state st);
	void *arg;
	/* Socket read to the start of parsing (TLS + frame), or NULL. */
	struct metrics_hist *frame_hist;
};

struct venue_stats {
	uint64_t msgs;	  /* messages received, all streams */
	uint64_t updates; /* normalised updates emitted */
	uint64_t ignored; /* acks, pongs, notices */
	uint64_t drops[VENUE_DROP_COUNT];
	uint64_t pings;	   /* application heartbeats sent */
	uint64_t prepares; /* REST prerequisite calls (KuCoin tokens) */
	uint64_t prepare_failures;
	uint64_t opens;	 /* WebSocket connections opened, all streams */
	uint64_t losses; /* ... lost other than by our shutdown */
	enum quote_state state;
	char last_error[192];
};

/*
 * Builds venue v from the config: its streams' URLs (config overrides),
 * its instruments, heartbeats and [net] limits.  tls is borrowed.
 * Returns NULL with *cause set.  Nothing connects until venue_start().
 */
struct venue *venue_new(struct reactor *r, SSL_CTX *tls,
    const struct config *cfg, const struct symbols *sym, enum venue_id v,
    const struct venue_sink *sink, char **cause);

/* Stops and frees (unregistering from the reactor).  NULL is a no-op. */
void venue_free(struct venue *v);

/* Connects every stream (after the prerequisite, if any). */
void venue_start(struct venue *v);

/* Counters summed over the streams. */
void venue_get_stats(const struct venue *v, struct venue_stats *st);

/* The connection state of stream k (ws.h), for status lines. */
enum ws_state venue_stream_state(const struct venue *v, unsigned k);
const struct ws_stats *venue_stream_stats(const struct venue *v, unsigned k);

#endif /* XARB_VENUE_H */
