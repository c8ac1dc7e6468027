/*
 * Prometheus text exposition (format 0.0.4) of an engine snapshot and
 * the stage latency histograms.  Pure formatting: no I/O, no threads, so
 * it is tested from a snapshot to the exact text (tests/check_prom.c).
 *
 * The stage histograms are log-linear in ns (metrics.h); Prometheus
 * wants cumulative buckets with fixed upper bounds in seconds.  A
 * log-linear bucket counts under a bound only when its whole range is
 * at or below it, so a bound's count never includes a slower value (it
 * may miss values within 0.8 % of the bound, the bucket resolution).
 */
#ifndef XARB_PROM_H
#define XARB_PROM_H

#include <stddef.h>
#include <stdint.h>

#include "metrics.h"
#include "snap.h"

/* The le bounds of xarb_stage_latency_seconds, +Inf excluded. */
#define PROM_LE_COUNT 22
extern const uint64_t prom_le_ns[PROM_LE_COUNT];

struct prom_input {
	const struct snap *snap;
	const char *const *reader_names; /* snap->nreaders names */
	/* Quiescent copies (metrics_hist_snapshot); NULL: stage not
	 * measured in this build, left out. */
	const struct metrics_hist *stage[STAGE_COUNT];
	int64_t now_ts;	  /* CLOCK_REALTIME ns, for uptime and ages */
	uint64_t scrapes; /* the exporter's, this one included */
};

/*
 * Cumulative counts of h at the bounds le_ns[0..n) (ascending):
 * out[k] = values in buckets wholly <= le_ns[k].  Returns the total
 * count (the +Inf bucket), the sum of h's buckets.
 */
uint64_t prom_hist_cumulative(const struct metrics_hist *h,
    const uint64_t *le_ns, unsigned n, uint64_t *out);

/*
 * Renders the exposition into buf.  Returns the length it needed (like
 * snprintf): a result >= len means it was truncated.
 */
size_t prom_render(const struct prom_input *in, char *buf, size_t len);

#endif /* XARB_PROM_H */
