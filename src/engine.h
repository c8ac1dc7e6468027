/*
 * The engine: owns the instruments, the quote store, the detector and
 * the opportunity ring, and runs them on the libev default loop of the
 * main thread together with its timers and signal watchers.
 *
 * Market data reaches engine_on_update() (the hot path: book update,
 * inline detection, ring publish).  Today the only source is the
 * in-memory demo generator; the venue adapters feed the same function.
 */
#ifndef XARB_ENGINE_H
#define XARB_ENGINE_H

#include <stdint.h>
#include <stdio.h>

#include "book.h"
#include "metrics.h"
#include "types.h"

struct config;
struct engine;
struct meta_stats;
struct ring;
struct snap;
struct symbols;

struct engine_opts {
	int demo;   /* feed from the in-memory generator */
	int venues; /* connect the enabled venues (their URLs in cfg) */
	int headless;
	int live;	/* executor mode, after --paper / --live */
	int verbose;	/* -v count, added to [log] level (also on reload) */
	double run_for; /* seconds; 0 = until a signal */
};

/* A snapshot for status lines and the dashboard (any thread). */
struct engine_status {
	double uptime_s;
	uint64_t msgs;
	double msgs_per_s; /* over the last status interval */
	unsigned venues_live;
	unsigned venues_enabled;
	uint64_t opens;
	uint64_t updates;
	uint64_t closes;
	unsigned open_now;
	uint64_t ring_lost; /* summed over this engine's readers */
	uint64_t log_dropped;
	uint64_t bad_msgs; /* venue messages dropped, all reasons */
	const char *mode;  /* "paper" / "live" */
};

typedef void (*engine_status_cb)(const struct engine_status *, void *);

struct engine_stats {
	uint64_t msgs;	   /* updates applied */
	uint64_t bad_msgs; /* rejected before the book (unknown symbol...) */
	uint64_t events;   /* ring events published */
	uint64_t seen_open, seen_update, seen_close; /* by the status reader */
	uint64_t snaps; /* snapshots published for other threads */
};

/*
 * Builds everything from cfg (borrowed; must outlive the engine).
 * Returns NULL with *cause set.  Installs no watchers yet.
 */
struct engine *engine_new(const struct config *cfg,
    const struct engine_opts *opts, char **cause);

/* Stops and frees.  NULL is a no-op. */
void engine_free(struct engine *e);

/* Called every [metrics] status_interval_s with a fresh snapshot. */
void engine_set_status_cb(struct engine *e, engine_status_cb cb, void *arg);

/*
 * Runs the loop until --run-for elapses, SIGINT/SIGTERM arrives or
 * engine_stop() is called.  Open opportunities are closed (reason
 * shutdown) before it returns.  Returns 0, or -1 on a runtime failure.
 */
int engine_run(struct engine *e);

/* Asks the loop to finish (from the loop's thread). */
void engine_stop(struct engine *e);

/*
 * Hot path: applies a normalised update of (i, v) received at read_ts
 * (CLOCK_REALTIME ns), runs detection and publishes.  Reactor thread.
 */
void engine_on_update(struct engine *e, inst_id i, enum venue_id v,
    const struct quote_update *u, int64_t read_ts);

void engine_get_status(struct engine *e, struct engine_status *st);

struct venue_stats;

/*
 * Venue v's counters and state (reactor thread).  Returns 0, or -1 if
 * the engine does not connect v (disabled, or another source).
 */
int engine_venue_stats(const struct engine *e, enum venue_id v,
    struct venue_stats *vs);

/* Writes the one-line "xarb: summary: key=value ..." to fp. */
void engine_print_summary(struct engine *e, FILE *fp);

/* Accessors for readers in other modules (borrowed pointers). */
struct ring *engine_ring(struct engine *e);
struct book *engine_book(struct engine *e);
const struct symbols *engine_symbols(struct engine *e);
const struct engine_stats *engine_get_stats(const struct engine *e);
/* What the start-up instrument metadata fetch did (meta.h). */
const struct meta_stats *engine_meta_stats(const struct engine *e);
const struct metrics_hist *engine_stage_hist(const struct engine *e,
    enum metrics_stage s);

struct sink_redis_stats;

/* The Redis sink's counters, or NULL when [redis] url is empty. */
const struct sink_redis_stats *engine_redis_stats(const struct engine *e);
/*
 * Reports ring reader name's lost count in the metrics snapshot.  lost
 * is read with a relaxed atomic load on the reactor, so its owner must
 * store it atomically (or be the reactor).  Start-up only; name and
 * lost must outlive e.
 */
void engine_add_reader(struct engine *e, const char *name,
    const uint64_t *lost);

/* The readers' names, in snapshot order (snap.nreaders of them). */
const char *const *engine_reader_names(const struct engine *e);

/*
 * Any thread: the latest snapshot the reactor published (every 100 ms,
 * at start and at the end of engine_run).  gen is 0 before the first.
 */
void engine_read_snap(const struct engine *e, struct snap *out);

/* CLOCK_REALTIME in ns (vDSO; no syscall). */
int64_t engine_now(void);

#endif /* XARB_ENGINE_H */
