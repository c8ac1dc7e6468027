/*
 * Histogram queries and the Prometheus registry.  Recording lives in
 * metrics.h (inline, hot); everything here is cold.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "outbuf.h"
#include "xmalloc.h"

static const char *const metrics_stages[STAGE_COUNT] = {
	[STAGE_READ] = "read",
	[STAGE_FRAME] = "frame",
	[STAGE_PARSE] = "parse",
	[STAGE_BOOK] = "book",
	[STAGE_DETECT] = "detect",
	[STAGE_PUBLISH] = "publish",
	[STAGE_TOTAL] = "total",
	[STAGE_EXEC] = "exec",
};

const char *
metrics_stage_name(unsigned stage)
{
	return (stage < STAGE_COUNT ? metrics_stages[stage] : "?");
}

void
metrics_hist_reset(struct metrics_hist *h)
{
	memset(h, 0, sizeof *h);
}

void
metrics_hist_snapshot(const struct metrics_hist *h, struct metrics_hist *out)
{
	unsigned i;

	out->count = __atomic_load_n(&h->count, __ATOMIC_RELAXED);
	out->sum = __atomic_load_n(&h->sum, __ATOMIC_RELAXED);
	out->max = __atomic_load_n(&h->max, __ATOMIC_RELAXED);
	out->min = __atomic_load_n(&h->min, __ATOMIC_RELAXED);
	for (i = 0; i < METRICS_HIST_BUCKETS; i++)
		out->b[i] = __atomic_load_n(&h->b[i], __ATOMIC_RELAXED);
}

void
metrics_hist_merge(struct metrics_hist *dst, const struct metrics_hist *src)
{
	unsigned i;

	if (src->count == 0)
		return;
	if (dst->count == 0 || src->min < dst->min)
		dst->min = src->min;
	dst->count += src->count;
	dst->sum += src->sum;
	if (src->max > dst->max)
		dst->max = src->max;
	for (i = 0; i < METRICS_HIST_BUCKETS; i++)
		dst->b[i] += src->b[i];
}

void
metrics_hist_bounds(unsigned i, uint64_t *lo, uint64_t *hi)
{
	unsigned shift;

	if (i < 2 * METRICS_HIST_SUB) {
		*lo = *hi = i;
		return;
	}
	if (i >= METRICS_HIST_BUCKETS - 1) {
		*lo = UINT64_C(1) << METRICS_HIST_MAX_EXP;
		*hi = UINT64_MAX;
		return;
	}
	shift = i / METRICS_HIST_SUB - 1;
	*lo = ((uint64_t)(i % METRICS_HIST_SUB) + METRICS_HIST_SUB) << shift;
	*hi = *lo + (UINT64_C(1) << shift) - 1;
}

uint64_t
metrics_hist_quantile(const struct metrics_hist *h, double q)
{
	uint64_t rank, seen = 0, lo, hi, mid, total = 0;
	unsigned i;

	/* Sum the buckets: a live snapshot's count may differ slightly. */
	for (i = 0; i < METRICS_HIST_BUCKETS; i++)
		total += h->b[i];
	if (total == 0)
		return (0);
	if (q <= 0)
		return (h->min);
	if (q >= 1)
		return (h->max);
	rank = (uint64_t)(q * (double)total);
	if ((double)rank < q * (double)total)
		rank++;
	if (rank == 0)
		rank = 1;
	for (i = 0; i < METRICS_HIST_BUCKETS; i++) {
		seen += h->b[i];
		if (seen >= rank)
			break;
	}
	metrics_hist_bounds(i, &lo, &hi);
	mid = lo + (hi - lo) / 2;
	if (mid > h->max)
		mid = h->max;
	if (mid < h->min)
		mid = h->min;
	return (mid);
}

struct metrics_entry {
	enum metrics_kind kind;
	const char *name;
	const char *help;
	const char *labels;
	const uint64_t *value;		 /* counters and gauges */
	const struct metrics_hist *hist; /* or a histogram */
};

struct metrics {
	struct metrics_entry *e; /* owned */
	unsigned n;
};

struct metrics *
metrics_new(void)
{
	return (xcalloc(1, sizeof(struct metrics)));
}

void
metrics_free(struct metrics *m)
{
	if (m == NULL)
		return;
	free(m->e);
	free(m);
}

static struct metrics_entry *
metrics_append(struct metrics *m)
{
	m->e = xreallocarray(m->e, m->n + 1, sizeof *m->e);
	memset(&m->e[m->n], 0, sizeof *m->e);
	return (&m->e[m->n++]);
}

void
metrics_register(struct metrics *m, enum metrics_kind kind, const char *name,
    const char *help, const char *labels, const uint64_t *value)
{
	struct metrics_entry *e = metrics_append(m);

	e->kind = kind;
	e->name = name;
	e->help = help;
	e->labels = labels != NULL ? labels : "";
	e->value = value;
}

void
metrics_register_hist(struct metrics *m, const char *name, const char *help,
    const char *labels, const struct metrics_hist *h)
{
	struct metrics_entry *e = metrics_append(m);

	e->kind = METRICS_GAUGE;
	e->name = name;
	e->help = help;
	e->labels = labels != NULL ? labels : "";
	e->hist = h;
}

/* HELP and TYPE once per metric name (entries with labels repeat it). */
static int
metrics_first(const struct metrics *m, unsigned i)
{
	unsigned j;

	for (j = 0; j < i; j++) {
		if (strcmp(m->e[j].name, m->e[i].name) == 0)
			return (0);
	}
	return (1);
}

static void
metrics_render_hist(struct outbuf *o, const struct metrics_entry *e)
{
	static const double qs[] = { 0.5, 0.99, 0.999 };
	static const char *const qn[] = { "0.5", "0.99", "0.999" };
	struct metrics_hist *s;
	const char *sep = *e->labels != '\0' ? "," : "";
	unsigned i;

	if ((s = malloc(sizeof *s)) == NULL)
		return; /* cold path: skip rather than die */
	metrics_hist_snapshot(e->hist, s);
	for (i = 0; i < nitems(qs); i++)
		outbuf_printf(o, "%s{%s%squantile=\"%s\"} %llu\n", e->name,
		    e->labels, sep, qn[i],
		    (unsigned long long)metrics_hist_quantile(s, qs[i]));
	outbuf_printf(o, "%s_max{%s} %llu\n", e->name, e->labels,
	    (unsigned long long)(s->count ? s->max : 0));
	outbuf_printf(o, "%s_sum{%s} %llu\n", e->name, e->labels,
	    (unsigned long long)s->sum);
	outbuf_printf(o, "%s_count{%s} %llu\n", e->name, e->labels,
	    (unsigned long long)s->count);
	free(s);
}

size_t
metrics_render(const struct metrics *m, char *buf, size_t len)
{
	struct outbuf o = { buf, len, 0 };
	const struct metrics_entry *e;
	unsigned i;

	if (len > 0)
		buf[0] = '\0';
	for (i = 0; i < m->n; i++) {
		e = &m->e[i];
		if (metrics_first(m, i)) {
			outbuf_printf(&o, "# HELP %s %s\n", e->name, e->help);
			outbuf_printf(&o, "# TYPE %s %s\n", e->name,
			    e->hist != NULL		     ? "summary"
				: e->kind == METRICS_COUNTER ? "counter"
							     : "gauge");
		}
		if (e->hist != NULL)
			metrics_render_hist(&o, e);
		else if (*e->labels != '\0')
			outbuf_printf(&o, "%s{%s} %llu\n", e->name, e->labels,
			    (unsigned long long)metrics_get(e->value));
		else
			outbuf_printf(&o, "%s %llu\n", e->name,
			    (unsigned long long)metrics_get(e->value));
	}
	return (o.off);
}
