/*
 * The Redis sink: the cold path that copies what the engine sees into
 * Redis, on its own thread with its own libev loop and hiredis's async
 * API, so nothing it does can slow the reactor.
 *
 *   - every opportunity event (OPEN, UPDATE, CLOSE) read from the ring,
 *     as its own ring reader, becomes one XADD to a stream (default
 *     xarb:opps, MAXLEN ~ [redis] stream_maxlen) with all its fields;
 *   - the latest quote of each instrument x venue, read through the
 *     book's seqlock on a timer, goes to the hash xarb:quote:<canonical
 *     name>, one field per venue, each key written at most every
 *     [redis] quote_interval_ms.
 *
 * Writes are pipelined.  At most [redis] max_inflight commands wait for
 * a reply; past that, events wait in the ring (which drops the oldest
 * when it laps).  While Redis is down events are dropped.  Everything
 * not written is counted in dropped.  Connect and command timeouts are
 * our own timers (hiredis 0.14 has none); the connection is retried
 * with exponential back-off from [net] backoff_base_ms to backoff_cap_ms.
 *
 * The URL is redis://IP:PORT[/DB] with a numeric address (config.c
 * refuses names, which hiredis 0.14 would resolve with a blocking
 * getaddrinfo()) or unix:/PATH.  The password comes from
 * XARB_REDIS_PASSWORD, or the [executor] secrets_file.
 */
#ifndef XARB_SINK_REDIS_H
#define XARB_SINK_REDIS_H

#include <stdint.h>

struct book;
struct config;
struct ring;
struct symbols;
struct sink_redis;

/*
 * Counters, each written only by the sink's thread (read them with
 * metrics_get()).  Commands are XADDs, HSETs and the AUTH/SELECT of
 * each connection.  Once the sink is stopped,
 * events = xadd_acked + xadd_errors + dropped.
 */
struct sink_redis_stats {
	uint64_t events;       /* opportunity events read from the ring */
	uint64_t sent;	       /* commands queued on a connection */
	uint64_t acked;	       /* replies that were not errors */
	uint64_t errors;       /* error replies, failed AUTH/SELECT too */
	uint64_t dropped;      /* events never written (down, lost, cut) */
	uint64_t reconnects;   /* connections made after the first */
	uint64_t up;	       /* 1 while connected and authenticated */
	uint64_t xadd_acked;   /* stream entries Redis confirmed */
	uint64_t xadd_errors;  /* XADDs Redis refused */
	uint64_t quotes;       /* quote hash fields written */
	uint64_t inflight_max; /* most commands ever awaiting a reply */
	uint64_t stalls;       /* times max_inflight held events back */
};

/*
 * Builds a sink for cfg's [redis] url (which must not be empty),
 * reading ring, book and symbols (all borrowed, must outlive it), and
 * registers its ring reader now, so it sees every event published from
 * here on.  Returns NULL with *cause set (no ring reader slot, the
 * password file unsafe).  Start-up only.
 */
struct sink_redis *sink_redis_new(const struct config *cfg, struct ring *ring,
    struct book *book, const struct symbols *symbols, char **cause);

/* Starts the thread.  Returns 0, or -1 with *cause set. */
int sink_redis_start(struct sink_redis *s, char **cause);

/*
 * Writes what is left in the ring (the caller has flushed it) and the
 * quotes that changed since the last pass, waits for
 * the replies for at most drain_s seconds, then closes the connection
 * and joins the thread.  What could not be written counts as dropped.
 * Safe to call twice, or on a sink never started.
 */
void sink_redis_stop(struct sink_redis *s, double drain_s);

/* Stops (with no drain) and frees.  NULL is a no-op. */
void sink_redis_free(struct sink_redis *s);

/* The counters (live: any thread may read them with metrics_get). */
const struct sink_redis_stats *sink_redis_get_stats(const struct sink_redis *s);

/*
 * Events the ring overwrote before the sink read them, stored
 * atomically (engine_add_reader() reports it).
 */
const uint64_t *sink_redis_ring_lost(const struct sink_redis *s);

/*
 * The stream field value of a double: the shortest of %.15g and %.17g
 * that reads back as exactly d.  Returns buf.
 */
char *sink_redis_format_double(double d, char *buf, unsigned len);

#endif /* XARB_SINK_REDIS_H */
