/*
 * Metrics: counters and a log-linear latency histogram, plus a registry
 * that renders everything as Prometheus text.
 *
 * Every counter and histogram has exactly one writing thread, which
 * updates it with relaxed loads and stores (no locked instruction, a few
 * ns); other threads read it relaxed and may see a value a few updates
 * old, never a torn one.
 *
 * Histogram: values below 256 are exact; above, each power of two is
 * split into 128 linear buckets, so a bucket's midpoint is within 0.4 %
 * of any value in it.  Values below 2^40 (18 minutes in ns) are bucketed;
 * larger ones share one overflow bucket, and max stays exact.
 */
#ifndef XARB_METRICS_H
#define XARB_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "xarb.h"

#define METRICS_HIST_SUB 128 /* linear buckets per power of two */
#define METRICS_HIST_MAX_EXP 40
/* Exact below 256, 128 per power of two up to 2^40, then one overflow. */
#define METRICS_HIST_BUCKETS (METRICS_HIST_SUB * (METRICS_HIST_MAX_EXP - 6) + 1)

struct metrics_hist {
	uint64_t count;
	uint64_t sum;
	uint64_t max;
	uint64_t min; /* valid when count > 0; a zeroed histogram is empty */
	uint64_t b[METRICS_HIST_BUCKETS];
};

/* The hot pipeline's stages, each with its own histogram. */
enum metrics_stage {
	STAGE_READ,    /* socket read (and TLS decrypt) */
	STAGE_FRAME,   /* WebSocket frame decode */
	STAGE_PARSE,   /* JSON parse and normalise */
	STAGE_BOOK,    /* quote store update */
	STAGE_DETECT,  /* detection across venues */
	STAGE_PUBLISH, /* ring publish */
	STAGE_TOTAL,   /* socket read returned -> published */
	STAGE_EXEC,    /* executor: ring read -> order sent */
	STAGE_COUNT
};

const char *metrics_stage_name(unsigned stage);

static inline void
metrics_inc(uint64_t *c)
{
	__atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + 1,
	    __ATOMIC_RELAXED);
}

static inline void
metrics_add(uint64_t *c, uint64_t n)
{
	__atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + n,
	    __ATOMIC_RELAXED);
}

static inline uint64_t
metrics_get(const uint64_t *c)
{
	return (__atomic_load_n(c, __ATOMIC_RELAXED));
}

/* Bucket index of v. */
static inline unsigned
metrics_hist_index(uint64_t v)
{
	unsigned e, shift;

	if (v < (uint64_t)2 * METRICS_HIST_SUB)
		return ((unsigned)v);
	e = 63u - (unsigned)__builtin_clzll(v); /* >= 8 */
	if (e >= METRICS_HIST_MAX_EXP)
		return (METRICS_HIST_BUCKETS - 1);
	shift = e - 7;
	return ((unsigned)METRICS_HIST_SUB * (shift + 1) +
	    (unsigned)((v >> shift) - METRICS_HIST_SUB));
}

/* Records v.  Owning thread only. */
static inline void
metrics_hist_record(struct metrics_hist *h, uint64_t v)
{
	uint64_t *b = &h->b[metrics_hist_index(v)];
	uint64_t n = h->count;

	__atomic_store_n(b, __atomic_load_n(b, __ATOMIC_RELAXED) + 1,
	    __ATOMIC_RELAXED);
	__atomic_store_n(&h->count, n + 1, __ATOMIC_RELAXED);
	__atomic_store_n(&h->sum, h->sum + v, __ATOMIC_RELAXED);
	if (v > h->max)
		__atomic_store_n(&h->max, v, __ATOMIC_RELAXED);
	if (n == 0 || v < h->min)
		__atomic_store_n(&h->min, v, __ATOMIC_RELAXED);
}

/* Empties h (owning thread, or before it starts). */
void metrics_hist_reset(struct metrics_hist *h);

/* Copies h from another thread (relaxed; counts may lag slightly). */
void metrics_hist_snapshot(const struct metrics_hist *h,
    struct metrics_hist *out);

/* Adds src into dst (both quiescent, e.g. snapshots). */
void metrics_hist_merge(struct metrics_hist *dst,
    const struct metrics_hist *src);

/*
 * The value at quantile q (0-1): the midpoint of the bucket holding the
 * ceil(q * count)-th value, clamped to [min, max].  0 when empty.
 */
uint64_t metrics_hist_quantile(const struct metrics_hist *h, double q);

/* Lower and upper bound of bucket i (for tests and exporters). */
void metrics_hist_bounds(unsigned i, uint64_t *lo, uint64_t *hi);

/* The registry: names for counters and histograms owned elsewhere. */
struct metrics;

enum metrics_kind { METRICS_COUNTER, METRICS_GAUGE };

/* Start-up only; NULL-free constructor (xmalloc). */
struct metrics *metrics_new(void);
void metrics_free(struct metrics *m);

/*
 * Registers a value read at render time.  name is a Prometheus metric
 * name ("xarb_msgs_total"), labels is "" or 'venue="okx"'.  The strings
 * and the value must outlive m.  Start-up only.
 */
void metrics_register(struct metrics *m, enum metrics_kind kind,
    const char *name, const char *help, const char *labels,
    const uint64_t *value);

/* Registers a histogram, rendered as a summary (p50 p99 p999, max). */
void metrics_register_hist(struct metrics *m, const char *name,
    const char *help, const char *labels, const struct metrics_hist *h);

/*
 * Renders the Prometheus text exposition into buf.  Returns the length
 * it needed (like snprintf): a result >= len means it was truncated.
 */
size_t metrics_render(const struct metrics *m, char *buf, size_t len);

#endif /* XARB_METRICS_H */
