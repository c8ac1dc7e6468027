/*
 * Tests of the Prometheus exposition (prom.c) and of the snapshot
 * seqlock it reads from (snap.c): the ns log-linear histogram turned
 * into cumulative le buckets (bounds, monotony, +Inf == _count), a
 * snapshot rendered to the exact text, every line a valid comment or
 * sample, truncation like snprintf, and snapshots that are never torn
 * while a writer publishes.
 */
#include "autoconf.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "xarb.h"
#include "metrics.h"
#include "prom.h"
#include "snap.h"
#include "tcheck.h"

static struct metrics_hist *
hist_new(void)
{
	struct metrics_hist *h = calloc(1, sizeof *h);

	ck_assert_ptr_nonnull(h);
	return (h);
}

START_TEST(test_prom_le_bounds_ascend)
{
	unsigned k;

	for (k = 1; k < PROM_LE_COUNT; k++)
		ck_assert_uint_lt(prom_le_ns[k - 1], prom_le_ns[k]);
	ck_assert_uint_eq(prom_le_ns[0], 1000);
	ck_assert_uint_eq(prom_le_ns[PROM_LE_COUNT - 1], UINT64_C(10000000000));
}
END_TEST

/* Known values against the bounds: a bucket counts only when wholly <= le. */
START_TEST(test_prom_hist_cumulative_known)
{
	struct metrics_hist *h = hist_new();
	uint64_t cum[PROM_LE_COUNT], total;

	metrics_hist_record(h, 500);	 /* exact bucket: <= 1 us */
	metrics_hist_record(h, 999);	 /* [996, 999]: <= 1 us */
	metrics_hist_record(h, 1000);	 /* [1000, 1003] straddles 1 us */
	metrics_hist_record(h, 2400);	 /* [2400, 2415]: <= 2.5 us */
	metrics_hist_record(h, 2600);	 /* <= 5 us */
	metrics_hist_record(h, 1000000); /* [999424, 1003519]: > 1 ms */
	metrics_hist_record(h, UINT64_C(20000000000)); /* 20 s: +Inf only */
	total = prom_hist_cumulative(h, prom_le_ns, PROM_LE_COUNT, cum);
	ck_assert_uint_eq(total, 7);
	ck_assert_uint_eq(cum[0], 2);		      /* 1e-06 */
	ck_assert_uint_eq(cum[1], 4);		      /* 2.5e-06 */
	ck_assert_uint_eq(cum[2], 5);		      /* 5e-06 */
	ck_assert_uint_eq(cum[9], 5);		      /* 0.001 */
	ck_assert_uint_eq(cum[10], 6);		      /* 0.0025 */
	ck_assert_uint_eq(cum[PROM_LE_COUNT - 1], 6); /* 10 */
	free(h);
}
END_TEST

/* Any distribution: counts never decrease and end at the total. */
START_TEST(test_prom_hist_cumulative_monotone)
{
	struct metrics_hist *h = hist_new();
	uint64_t cum[PROM_LE_COUNT], total, v = 1;
	unsigned i, k;

	for (i = 0; i < 100000; i++) {
		v = v * 6364136223846793005ULL + 1442695040888963407ULL;
		metrics_hist_record(h, (v >> 20) % UINT64_C(30000000000));
	}
	total = prom_hist_cumulative(h, prom_le_ns, PROM_LE_COUNT, cum);
	ck_assert_uint_eq(total, 100000);
	for (k = 1; k < PROM_LE_COUNT; k++)
		ck_assert_uint_le(cum[k - 1], cum[k]);
	ck_assert_uint_le(cum[PROM_LE_COUNT - 1], total);
	free(h);
}
END_TEST

START_TEST(test_prom_hist_cumulative_empty)
{
	struct metrics_hist *h = hist_new();
	uint64_t cum[PROM_LE_COUNT];
	unsigned k;

	ck_assert_uint_eq(prom_hist_cumulative(h, prom_le_ns, PROM_LE_COUNT,
			      cum),
	    0);
	for (k = 0; k < PROM_LE_COUNT; k++)
		ck_assert_uint_eq(cum[k], 0);
	free(h);
}
END_TEST

/* Two venues: bybit connected, okx enabled but fed by the generator. */
static void
snap_fill(struct snap *s)
{
	memset(s, 0, sizeof *s);
	s->gen = 3;
	s->start_ts = INT64_C(1000000000000);
	s->msgs = 1234;
	s->opens = 5;
	s->updates = 7;
	s->closes = 4;
	s->open_now = 1;
	s->log_dropped = 2;
	s->nreaders = 2;
	s->ring_lost[0] = 0;
	s->ring_lost[1] = 9;
	s->venue[VENUE_BYBIT].enabled = 1;
	s->venue[VENUE_BYBIT].connected = 1;
	s->venue[VENUE_BYBIT].up = 1;
	s->venue[VENUE_BYBIT].msgs = 600;
	s->venue[VENUE_BYBIT].drops[1] = 3;
	s->venue[VENUE_BYBIT].reconnects = 2;
	s->venue[VENUE_BYBIT].losses = 1;
	s->venue[VENUE_BYBIT].last_msg_ts = INT64_C(1010000000000);
	s->venue[VENUE_BYBIT].skew_ns = 1500000;
	s->venue[VENUE_OKX].enabled = 1;
	s->venue[VENUE_OKX].up = 0;
	s->venue[VENUE_OKX].skew_ns = SNAP_SKEW_UNKNOWN;
}

static const char *const reader_names[] = { "status", "headless" };

static char *
render(const struct snap *s, const struct metrics_hist *total)
{
	struct prom_input in;
	size_t need;
	char *buf;

	memset(&in, 0, sizeof in);
	in.snap = s;
	in.reader_names = reader_names;
	in.stage[STAGE_TOTAL] = total;
	in.now_ts = INT64_C(1010250000000); /* 10.25 s after start */
	in.scrapes = 1;
	need = prom_render(&in, NULL, 0);
	buf = malloc(need + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(prom_render(&in, buf, need + 1), need);
	ck_assert_uint_eq(strlen(buf), need);
	return (buf);
}

static const char expected_head[] =
    "# HELP xarb_uptime_seconds Seconds since the engine started.\n"
    "# TYPE xarb_uptime_seconds gauge\n"
    "xarb_uptime_seconds 10.250\n"
    "# HELP xarb_book_updates_total Normalised quote updates applied to "
    "the book.\n"
    "# TYPE xarb_book_updates_total counter\n"
    "xarb_book_updates_total 1234\n"
    "# HELP xarb_opportunities_total Opportunity events published, by "
    "event.\n"
    "# TYPE xarb_opportunities_total counter\n"
    "xarb_opportunities_total{event=\"open\"} 5\n"
    "xarb_opportunities_total{event=\"update\"} 7\n"
    "xarb_opportunities_total{event=\"close\"} 4\n"
    "# HELP xarb_opportunities_open Opportunities open now.\n"
    "# TYPE xarb_opportunities_open gauge\n"
    "xarb_opportunities_open 1\n"
    "# HELP xarb_ring_dropped_total Opportunity events a ring reader lost "
    "to overrun.\n"
    "# TYPE xarb_ring_dropped_total counter\n"
    "xarb_ring_dropped_total{reader=\"status\"} 0\n"
    "xarb_ring_dropped_total{reader=\"headless\"} 9\n"
    "# HELP xarb_log_dropped_total Log lines dropped because the log "
    "buffer was full.\n"
    "# TYPE xarb_log_dropped_total counter\n"
    "xarb_log_dropped_total 2\n"
    "# HELP xarb_metrics_scrapes_total Scrapes of this endpoint served, "
    "this one included.\n"
    "# TYPE xarb_metrics_scrapes_total counter\n"
    "xarb_metrics_scrapes_total 1\n"
    "# HELP xarb_venue_up 1 while the venue's quotes are live, else 0.\n"
    "# TYPE xarb_venue_up gauge\n"
    "xarb_venue_up{venue=\"bybit\"} 1\n"
    "xarb_venue_up{venue=\"okx\"} 0\n"
    "# HELP xarb_messages_total Messages received from the venue, all "
    "streams.\n"
    "# TYPE xarb_messages_total counter\n"
    "xarb_messages_total{venue=\"bybit\"} 600\n"
    "# HELP xarb_venue_dropped_total Venue messages dropped before the "
    "book, by reason.\n"
    "# TYPE xarb_venue_dropped_total counter\n"
    "xarb_venue_dropped_total{venue=\"bybit\",reason=\"json\"} 0\n"
    "xarb_venue_dropped_total{venue=\"bybit\",reason=\"shape\"} 3\n";

static const char expected_venue_tail[] =
    "# HELP xarb_venue_reconnects_total Connection attempts after a "
    "failure or a drop.\n"
    "# TYPE xarb_venue_reconnects_total counter\n"
    "xarb_venue_reconnects_total{venue=\"bybit\"} 2\n"
    "# HELP xarb_venue_connection_losses_total Connections lost other "
    "than by our shutdown.\n"
    "# TYPE xarb_venue_connection_losses_total counter\n"
    "xarb_venue_connection_losses_total{venue=\"bybit\"} 1\n"
    "# HELP xarb_venue_last_message_age_seconds Seconds since the venue's "
    "last message (venues that sent one).\n"
    "# TYPE xarb_venue_last_message_age_seconds gauge\n"
    "xarb_venue_last_message_age_seconds{venue=\"bybit\"} 0.250000\n"
    "# HELP xarb_venue_clock_skew_seconds Local receive time minus the "
    "venue's timestamp of its newest quote: clock offset plus one-way "
    "latency.\n"
    "# TYPE xarb_venue_clock_skew_seconds gauge\n"
    "xarb_venue_clock_skew_seconds{venue=\"bybit\"} 0.001500\n"
    "# HELP xarb_stage_latency_seconds Latency of each stage of the "
    "market-data pipeline.\n"
    "# TYPE xarb_stage_latency_seconds histogram\n"
    "xarb_stage_latency_seconds_bucket{stage=\"total\",le=\"1e-06\"} 1\n"
    "xarb_stage_latency_seconds_bucket{stage=\"total\",le=\"2.5e-06\"} 1\n"
    "xarb_stage_latency_seconds_bucket{stage=\"total\",le=\"5e-06\"} 2\n";

static const char expected_end[] =
    "xarb_stage_latency_seconds_bucket{stage=\"total\",le=\"10\"} 2\n"
    "xarb_stage_latency_seconds_bucket{stage=\"total\",le=\"+Inf\"} 3\n"
    "xarb_stage_latency_seconds_sum{stage=\"total\"} 12.000003500\n"
    "xarb_stage_latency_seconds_count{stage=\"total\"} 3\n";

START_TEST(test_prom_render_snapshot_text)
{
	struct metrics_hist *h = hist_new();
	struct snap s;
	char *text, *p;

	snap_fill(&s);
	metrics_hist_record(h, 500);
	metrics_hist_record(h, 3000);
	metrics_hist_record(h, UINT64_C(12000000000));
	text = render(&s, h);
	ck_assert_msg(strncmp(text, expected_head, strlen(expected_head)) == 0,
	    "got:\n%s", text);
	p = strstr(text, "# HELP xarb_venue_reconnects_total");
	ck_assert_ptr_nonnull(p);
	ck_assert_msg(strncmp(p, expected_venue_tail,
			  strlen(expected_venue_tail)) == 0,
	    "got:\n%s", p);
	ck_assert_uint_ge(strlen(text), strlen(expected_end));
	ck_assert_str_eq(text + strlen(text) - strlen(expected_end),
	    expected_end);
	/* okx is not connected: no per-connection series for it. */
	ck_assert_ptr_null(strstr(text, "messages_total{venue=\"okx\"}"));
	ck_assert_ptr_null(strstr(text, "skew_seconds{venue=\"okx\"}"));
	/* Stages not given are left out, not rendered as zeros. */
	ck_assert_ptr_null(strstr(text, "stage=\"exec\""));
	free(text);
	free(h);
}
END_TEST

/* A metric or label name: [a-zA-Z_:][a-zA-Z0-9_:]* */
static const char *
name_end(const char *p)
{
	if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		*p == '_' || *p == ':'))
		return (NULL);
	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
	    (*p >= '0' && *p <= '9') || *p == '_' || *p == ':')
		p++;
	return (p);
}

/* One line of the 0.0.4 text format: a comment or a sample. */
static int
line_valid(const char *l)
{
	const char *p;
	char *end;

	if (strncmp(l, "# HELP ", 7) == 0 || strncmp(l, "# TYPE ", 7) == 0)
		return ((p = name_end(l + 7)) != NULL && *p == ' ');
	if ((p = name_end(l)) == NULL)
		return (0);
	if (*p == '{') {
		p++;
		while (*p != '}') {
			if ((p = name_end(p)) == NULL || strncmp(p, "=\"", 2))
				return (0);
			p += 2;
			while (*p != '"' && *p != '\0' && *p != '\\')
				p++;
			if (*p++ != '"')
				return (0);
			if (*p == ',')
				p++;
			else if (*p != '}')
				return (0);
		}
		p++;
	}
	if (*p++ != ' ')
		return (0);
	(void)strtod(p, &end);
	return (end != p && *end == '\0');
}

START_TEST(test_prom_render_every_line_valid)
{
	struct metrics_hist *h = hist_new();
	struct snap s;
	char *text, *l, *last;
	unsigned v, n = 0;

	snap_fill(&s);
	for (v = 0; v < VENUE_COUNT; v++) {
		s.venue[v].enabled = s.venue[v].connected = 1;
		s.venue[v].last_msg_ts = INT64_C(1005000000000);
	}
	metrics_hist_record(h, 12345);
	text = render(&s, h);
	ck_assert_int_eq(text[strlen(text) - 1], '\n');
	for (l = strtok_r(text, "\n", &last); l != NULL;
	     l = strtok_r(NULL, "\n", &last), n++)
		ck_assert_msg(line_valid(l), "bad line: %s", l);
	ck_assert_uint_gt(n, 100);
	free(text);
	free(h);
}
END_TEST

START_TEST(test_prom_render_truncates_safely)
{
	struct prom_input in;
	struct snap s;
	char small[64];
	size_t full;

	snap_fill(&s);
	memset(&in, 0, sizeof in);
	in.snap = &s;
	in.reader_names = reader_names;
	full = prom_render(&in, NULL, 0);
	memset(small, 'x', sizeof small);
	ck_assert_uint_eq(prom_render(&in, small, sizeof small), full);
	ck_assert_uint_eq(strlen(small), sizeof small - 1);
}
END_TEST

START_TEST(test_snap_round_trip)
{
	struct snap_cell *c = calloc(1, sizeof *c);
	struct snap s, out;

	ck_assert_ptr_nonnull(c);
	snap_fill(&s);
	snap_publish(c, &s);
	snap_read(c, &out);
	ck_assert_int_eq(memcmp(&s, &out, sizeof s), 0);
	ck_assert_uint_eq(c->seq, 2);
	free(c);
}
END_TEST

/* The writer stores one value in every word; a torn copy mixes two. */
struct torn {
	struct snap_cell cell;
	int done;
	unsigned publishes;
};

static void *
torn_writer(void *arg)
{
	struct torn *t = arg;
	uint64_t *w;
	struct snap s;
	unsigned i;
	size_t k;

	for (i = 1; i <= t->publishes; i++) {
		w = (uint64_t *)(void *)&s;
		for (k = 0; k < sizeof s / sizeof *w; k++)
			w[k] = i;
		snap_publish(&t->cell, &s);
	}
	__atomic_store_n(&t->done, 1, __ATOMIC_RELEASE);
	return (NULL);
}

START_TEST(test_snap_never_torn)
{
	struct torn *t = calloc(1, sizeof *t);
	pthread_t th;
	struct snap out;
	const uint64_t *w = (const uint64_t *)(const void *)&out;
	uint64_t prev = 0;
	unsigned reads = 0;
	size_t k;

	ck_assert_ptr_nonnull(t);
	t->publishes = tcheck_slow() ? 2000 : 100000;
	ck_assert_int_eq(pthread_create(&th, NULL, torn_writer, t), 0);
	while (!__atomic_load_n(&t->done, __ATOMIC_ACQUIRE) || reads == 0) {
		snap_read(&t->cell, &out);
		for (k = 1; k < sizeof out / sizeof *w; k++)
			ck_assert_uint_eq(w[k], w[0]);
		ck_assert_uint_ge(w[0], prev); /* never goes back */
		prev = w[0];
		reads++;
	}
	pthread_join(th, NULL);
	snap_read(&t->cell, &out);
	ck_assert_uint_eq(w[0], t->publishes);
	free(t);
}
END_TEST

static Suite *
prom_suite(void)
{
	Suite *s = suite_create("prom");
	TCase *tc;

	tc = tcase_create("histogram");
	tcase_add_test(tc, test_prom_le_bounds_ascend);
	tcase_add_test(tc, test_prom_hist_cumulative_known);
	tcase_add_test(tc, test_prom_hist_cumulative_monotone);
	tcase_add_test(tc, test_prom_hist_cumulative_empty);
	suite_add_tcase(s, tc);

	tc = tcase_create("render");
	tcase_add_test(tc, test_prom_render_snapshot_text);
	tcase_add_test(tc, test_prom_render_every_line_valid);
	tcase_add_test(tc, test_prom_render_truncates_safely);
	suite_add_tcase(s, tc);

	tc = tcase_create("snap");
	tcase_add_test(tc, test_snap_round_trip);
	tcase_add_test(tc, test_snap_never_torn);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	return (tcheck_run(prom_suite()));
}
