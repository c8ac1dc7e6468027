/*
 * Headless output of opportunities: a ring reader on its own thread that
 * turns OPEN and CLOSE events into log lines and, optionally, every
 * event (OPEN, UPDATE, CLOSE) into one JSON object per line on a stream
 * (stdout), flushed per line.
 *
 * It is a cold-path reader like any other: if it falls behind (a slow
 * pipe on stdout) it loses the oldest events and counts them, reported
 * as xarb_ring_dropped_total{reader="headless"}; the engine never
 * waits for it.
 *
 * JSON fields, stable: type ("open", "update", "close"), id, seq,
 * instrument, base, buy_venue, sell_venue, buy_px, sell_px, buy_size,
 * sell_size (exact decimals, per coin and in coins), gross_bps,
 * fee_bps, slip_bps, funding_bps, net_bps, confidence, notional,
 * funding_delta, updates, reason (the CLOSE reason key, null
 * otherwise), open_ts_ms, detect_ts_ms, read_ts_ns, buy_ts_ms,
 * sell_ts_ms.
 */
#ifndef XARB_HEADLESS_H
#define XARB_HEADLESS_H

#include <stdio.h>

struct engine;
struct headless;

/*
 * Registers a reader of e's ring and starts the thread.  json: where
 * the JSON lines go, or NULL for none.  Start-up only (before
 * engine_run).  Returns NULL with *cause set.
 */
struct headless *headless_new(struct engine *e, FILE *json, char **cause);

/*
 * After engine_run returned: reads what is left (the shutdown CLOSEs),
 * stops the thread and unregisters the reader.  NULL is a no-op.
 */
void headless_free(struct headless *h);

/*
 * Formats ev as one JSON object and a newline into buf (like
 * snprintf).  For the thread and tests.
 */
struct opp_event;
struct symbols;
int headless_format_json(char *buf, size_t len, const struct opp_event *ev,
    const struct symbols *sym);

/* Formats the log line of an OPEN or CLOSE (0 for an UPDATE). */
int headless_format_log(char *buf, size_t len, const struct opp_event *ev,
    const struct symbols *sym);

#endif /* XARB_HEADLESS_H */
