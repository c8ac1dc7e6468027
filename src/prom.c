/*
 * Prometheus text exposition (see prom.h).  One writer function per
 * family, each printing its HELP and TYPE once and then its samples.
 */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include "xarb.h"
#include "outbuf.h"
#include "prom.h"
#include "venue.h"
#include "venues.h"

#define NS_PER_S_D 1e9

/* 1 us to 10 s in 1-2.5-5 steps: the reactor's range and its stalls. */
const uint64_t prom_le_ns[PROM_LE_COUNT] = {
	1000,
	2500,
	5000,
	10000,
	25000,
	50000,
	100000,
	250000,
	500000,
	1000000,
	2500000,
	5000000,
	10000000,
	25000000,
	50000000,
	100000000,
	250000000,
	500000000,
	1000000000,
	2500000000,
	5000000000,
	10000000000,
};

/* The same bounds as Prometheus writes them (le="..."). */
static const char *const prom_le_text[PROM_LE_COUNT] = {
	"1e-06",
	"2.5e-06",
	"5e-06",
	"1e-05",
	"2.5e-05",
	"5e-05",
	"0.0001",
	"0.00025",
	"0.0005",
	"0.001",
	"0.0025",
	"0.005",
	"0.01",
	"0.025",
	"0.05",
	"0.1",
	"0.25",
	"0.5",
	"1",
	"2.5",
	"5",
	"10",
};

static void
prom_family(struct outbuf *o, const char *name, const char *type,
    const char *help)
{
	outbuf_printf(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
	    type);
}

uint64_t
prom_hist_cumulative(const struct metrics_hist *h, const uint64_t *le_ns,
    unsigned n, uint64_t *out)
{
	uint64_t lo, hi, seen = 0;
	unsigned i, k = 0;

	/* Buckets ascend, so one pass closes each bound in turn. */
	for (i = 0; i < METRICS_HIST_BUCKETS; i++) {
		metrics_hist_bounds(i, &lo, &hi);
		while (k < n && hi > le_ns[k])
			out[k++] = seen;
		seen += h->b[i];
	}
	while (k < n)
		out[k++] = seen;
	return (seen);
}

static void
prom_render_stage(struct outbuf *o, const char *stage,
    const struct metrics_hist *h)
{
	uint64_t cum[PROM_LE_COUNT], total;
	unsigned k;

	total = prom_hist_cumulative(h, prom_le_ns, PROM_LE_COUNT, cum);
	for (k = 0; k < PROM_LE_COUNT; k++)
		outbuf_printf(o,
		    "xarb_stage_latency_seconds_bucket{stage=\"%s\",le=\"%s\"} "
		    "%llu\n",
		    stage, prom_le_text[k], (unsigned long long)cum[k]);
	outbuf_printf(o,
	    "xarb_stage_latency_seconds_bucket{stage=\"%s\",le=\"+Inf\"} "
	    "%llu\n",
	    stage, (unsigned long long)total);
	outbuf_printf(o, "xarb_stage_latency_seconds_sum{stage=\"%s\"} %.9f\n",
	    stage, (double)h->sum / NS_PER_S_D);
	/* The buckets' total, not h->count: a live copy may differ by a
	 * few, and +Inf must equal _count. */
	outbuf_printf(o,
	    "xarb_stage_latency_seconds_count{stage=\"%s\"} %llu\n", stage,
	    (unsigned long long)total);
}

static void
prom_render_stages(struct outbuf *o, const struct prom_input *in)
{
	unsigned s;

	prom_family(o, "xarb_stage_latency_seconds", "histogram",
	    "Latency of each stage of the market-data pipeline.");
	for (s = 0; s < STAGE_COUNT; s++) {
		if (in->stage[s] != NULL)
			prom_render_stage(o, metrics_stage_name(s),
			    in->stage[s]);
	}
}

/* A per-venue counter or gauge over the connected venues. */
static void
prom_render_venue_u64(struct outbuf *o, const struct snap *s, const char *name,
    const char *type, const char *help, size_t field)
{
	const struct snap_venue *sv;
	unsigned v;

	prom_family(o, name, type, help);
	for (v = 0; v < VENUE_COUNT; v++) {
		sv = &s->venue[v];
		if (!sv->connected)
			continue;
		outbuf_printf(o, "%s{venue=\"%s\"} %llu\n", name,
		    venues_name(v),
		    (unsigned long long)*(const uint64_t *)(const void
			    *)((const char *)sv + field));
	}
}

static void
prom_render_venue_drops(struct outbuf *o, const struct snap *s)
{
	unsigned v, d;

	prom_family(o, "xarb_venue_dropped_total", "counter",
	    "Venue messages dropped before the book, by reason.");
	for (v = 0; v < VENUE_COUNT; v++) {
		if (!s->venue[v].connected)
			continue;
		for (d = 0; d < SNAP_DROPS; d++)
			outbuf_printf(o,
			    "xarb_venue_dropped_total{venue=\"%s\","
			    "reason=\"%s\"} %llu\n",
			    venues_name(v), venue_drop_key(d),
			    (unsigned long long)s->venue[v].drops[d]);
	}
}

/* Ages and skews: only for venues where they are known. */
static void
prom_render_venue_times(struct outbuf *o, const struct prom_input *in)
{
	const struct snap *s = in->snap;
	const struct snap_venue *sv;
	unsigned v;

	prom_family(o, "xarb_venue_last_message_age_seconds", "gauge",
	    "Seconds since the venue's last message (venues that sent one).");
	for (v = 0; v < VENUE_COUNT; v++) {
		sv = &s->venue[v];
		if (!sv->connected || sv->last_msg_ts == 0)
			continue;
		outbuf_printf(o,
		    "xarb_venue_last_message_age_seconds{venue=\"%s\"} %.6f\n",
		    venues_name(v),
		    in->now_ts > sv->last_msg_ts
			? (double)(in->now_ts - sv->last_msg_ts) / NS_PER_S_D
			: 0.0);
	}
	prom_family(o, "xarb_venue_clock_skew_seconds", "gauge",
	    "Local receive time minus the venue's timestamp of its newest "
	    "quote: clock offset plus one-way latency.");
	for (v = 0; v < VENUE_COUNT; v++) {
		sv = &s->venue[v];
		if (!sv->connected || sv->skew_ns == SNAP_SKEW_UNKNOWN)
			continue;
		outbuf_printf(o,
		    "xarb_venue_clock_skew_seconds{venue=\"%s\"} %.6f\n",
		    venues_name(v), (double)sv->skew_ns / NS_PER_S_D);
	}
}

static void
prom_render_venues(struct outbuf *o, const struct prom_input *in)
{
	const struct snap *s = in->snap;
	unsigned v;

	prom_family(o, "xarb_venue_up", "gauge",
	    "1 while the venue's quotes are live, else 0.");
	for (v = 0; v < VENUE_COUNT; v++) {
		if (s->venue[v].enabled)
			outbuf_printf(o, "xarb_venue_up{venue=\"%s\"} %llu\n",
			    venues_name(v), (unsigned long long)s->venue[v].up);
	}
	prom_render_venue_u64(o, s, "xarb_messages_total", "counter",
	    "Messages received from the venue, all streams.",
	    offsetof(struct snap_venue, msgs));
	prom_render_venue_drops(o, s);
	prom_render_venue_u64(o, s, "xarb_venue_reconnects_total", "counter",
	    "Connection attempts after a failure or a drop.",
	    offsetof(struct snap_venue, reconnects));
	prom_render_venue_u64(o, s, "xarb_venue_connection_losses_total",
	    "counter", "Connections lost other than by our shutdown.",
	    offsetof(struct snap_venue, losses));
	prom_render_venue_times(o, in);
}

static void
prom_render_engine(struct outbuf *o, const struct prom_input *in)
{
	const struct snap *s = in->snap;
	unsigned r;

	prom_family(o, "xarb_uptime_seconds", "gauge",
	    "Seconds since the engine started.");
	outbuf_printf(o, "xarb_uptime_seconds %.3f\n",
	    s->start_ts != 0 && in->now_ts > s->start_ts
		? (double)(in->now_ts - s->start_ts) / NS_PER_S_D
		: 0.0);
	prom_family(o, "xarb_book_updates_total", "counter",
	    "Normalised quote updates applied to the book.");
	outbuf_printf(o, "xarb_book_updates_total %llu\n",
	    (unsigned long long)s->msgs);
	prom_family(o, "xarb_opportunities_total", "counter",
	    "Opportunity events published, by event.");
	outbuf_printf(o,
	    "xarb_opportunities_total{event=\"open\"} %llu\n"
	    "xarb_opportunities_total{event=\"update\"} %llu\n"
	    "xarb_opportunities_total{event=\"close\"} %llu\n",
	    (unsigned long long)s->opens, (unsigned long long)s->updates,
	    (unsigned long long)s->closes);
	prom_family(o, "xarb_opportunities_open", "gauge",
	    "Opportunities open now.");
	outbuf_printf(o, "xarb_opportunities_open %llu\n",
	    (unsigned long long)s->open_now);
	prom_family(o, "xarb_ring_dropped_total", "counter",
	    "Opportunity events a ring reader lost to overrun.");
	for (r = 0; r < s->nreaders && r < SNAP_READERS_MAX; r++)
		outbuf_printf(o,
		    "xarb_ring_dropped_total{reader=\"%s\"} %llu\n",
		    in->reader_names[r], (unsigned long long)s->ring_lost[r]);
	prom_family(o, "xarb_log_dropped_total", "counter",
	    "Log lines dropped because the log buffer was full.");
	outbuf_printf(o, "xarb_log_dropped_total %llu\n",
	    (unsigned long long)s->log_dropped);
	prom_family(o, "xarb_metrics_scrapes_total", "counter",
	    "Scrapes of this endpoint served, this one included.");
	outbuf_printf(o, "xarb_metrics_scrapes_total %llu\n",
	    (unsigned long long)in->scrapes);
}

size_t
prom_render(const struct prom_input *in, char *buf, size_t len)
{
	struct outbuf o = { buf, len, 0 };

	if (len > 0)
		buf[0] = '\0';
	prom_render_engine(&o, in);
	prom_render_venues(&o, in);
	prom_render_stages(&o, in);
	return (o.off);
}
