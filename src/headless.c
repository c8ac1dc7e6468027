/*
 * The headless opportunity reader (see headless.h).  The thread sleeps
 * on the ring's futex with a short timeout, so it also sees the stop
 * flag promptly without a wake-up channel of its own.
 */
#include "autoconf.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xarb.h"
#include "engine.h"
#include "fixed.h"
#include "headless.h"
#include "log.h"
#include "opp.h"
#include "ring.h"
#include "symbols.h"
#include "venues.h"
#include "xmalloc.h"

#define HEADLESS_WAIT_NS 100000000 /* 100 ms: the stop flag's latency */
#define HEADLESS_LINE_MAX 2048

struct headless {
	struct engine *e; /* borrowed */
	const struct symbols *sym;
	struct ring_reader rd;
	int rd_ok;
	FILE *json; /* borrowed; NULL: no JSON lines */
	pthread_t thread;
	int started;
	int stop;      /* atomic: set by headless_free */
	uint64_t lost; /* atomic copy of rd.lost, for the engine */
	char line[HEADLESS_LINE_MAX];
};

/* A JSON number, or null for what JSON cannot hold (NaN, inf). */
static const char *
headless_num(char *buf, size_t len, double v)
{
	if (!isfinite(v))
		return ("null");
	snprintf(buf, len, "%.10g", v);
	return (buf);
}

int
headless_format_json(char *buf, size_t len, const struct opp_event *ev,
    const struct symbols *sym)
{
	char bpx[32], spx[32], bsz[32], ssz[32];
	char n[9][32];

	fixed_format(ev->buy_px, 10, bpx, sizeof bpx);
	fixed_format(ev->sell_px, 10, spx, sizeof spx);
	fixed_format(ev->buy_size, 8, bsz, sizeof bsz);
	fixed_format(ev->sell_size, 8, ssz, sizeof ssz);
	return (snprintf(buf, len,
	    "{\"type\":\"%s\",\"id\":%llu,\"seq\":%llu,"
	    "\"instrument\":\"%s\",\"base\":\"%s\","
	    "\"buy_venue\":\"%s\",\"sell_venue\":\"%s\","
	    "\"buy_px\":%s,\"sell_px\":%s,\"buy_size\":%s,\"sell_size\":%s,"
	    "\"gross_bps\":%s,\"fee_bps\":%s,\"slip_bps\":%s,"
	    "\"funding_bps\":%s,\"net_bps\":%s,\"confidence\":%s,"
	    "\"notional\":%s,\"funding_delta\":%s,\"updates\":%u,"
	    "\"reason\":%s%s%s,\"open_ts_ms\":%lld,\"detect_ts_ms\":%lld,"
	    "\"read_ts_ns\":%lld,\"buy_ts_ms\":%lld,\"sell_ts_ms\":%lld}\n",
	    opp_type_name(ev->type), (unsigned long long)ev->id,
	    (unsigned long long)ev->seq,
	    symbols_canonical(sym, ev->inst, (enum venue_id)ev->buy_venue),
	    symbols_base(sym, ev->inst), venues_name(ev->buy_venue),
	    venues_name(ev->sell_venue), bpx, spx, bsz, ssz,
	    headless_num(n[0], sizeof n[0], ev->gross_bps),
	    headless_num(n[1], sizeof n[1], ev->fee_bps),
	    headless_num(n[2], sizeof n[2], ev->slip_bps),
	    headless_num(n[3], sizeof n[3], ev->funding_bps),
	    headless_num(n[4], sizeof n[4], ev->net_bps),
	    headless_num(n[5], sizeof n[5], ev->confidence),
	    headless_num(n[6], sizeof n[6], ev->notional),
	    headless_num(n[7], sizeof n[7], ev->funding_delta),
	    (unsigned)ev->updates, ev->type == OPP_CLOSE ? "\"" : "",
	    ev->type == OPP_CLOSE ? opp_reason_key(ev->reason) : "null",
	    ev->type == OPP_CLOSE ? "\"" : "",
	    (long long)(ev->open_ts / 1000000),
	    (long long)(ev->detect_ts / 1000000), (long long)ev->read_ts,
	    (long long)(ev->buy_ts / 1000000),
	    (long long)(ev->sell_ts / 1000000)));
}

int
headless_format_log(char *buf, size_t len, const struct opp_event *ev,
    const struct symbols *sym)
{
	const char *inst =
	    symbols_canonical(sym, ev->inst, (enum venue_id)ev->buy_venue);
	char bpx[32], spx[32];

	if (len > 0)
		buf[0] = '\0';
	if (ev->type == OPP_OPEN) {
		fixed_format(ev->buy_px, 10, bpx, sizeof bpx);
		fixed_format(ev->sell_px, 10, spx, sizeof spx);
		return (snprintf(buf, len,
		    "opp OPEN #%llu %s buy %s @ %s sell %s @ %s: gross "
		    "%.2f bps, net %.2f bps, confidence %.0f, notional %.0f",
		    (unsigned long long)ev->id, inst,
		    venues_name(ev->buy_venue), bpx,
		    venues_name(ev->sell_venue), spx, ev->gross_bps,
		    ev->net_bps, ev->confidence, ev->notional));
	}
	if (ev->type == OPP_CLOSE)
		return (snprintf(buf, len,
		    "opp CLOSE #%llu %s buy %s sell %s: %s after %.3f s "
		    "(%u updates), last gross %.2f bps, net %.2f bps",
		    (unsigned long long)ev->id, inst,
		    venues_name(ev->buy_venue), venues_name(ev->sell_venue),
		    opp_reason_name(ev->reason),
		    (double)(ev->detect_ts - ev->open_ts) / 1e9,
		    (unsigned)ev->updates, ev->gross_bps, ev->net_bps));
	return (0);
}

static void
headless_event(struct headless *h, const struct opp_event *ev)
{
	if (headless_format_log(h->line, sizeof h->line, ev, h->sym) > 0)
		log_info("%s", h->line);
	if (h->json == NULL)
		return;
	headless_format_json(h->line, sizeof h->line, ev, h->sym);
	/* One flushed line per event: a reader sees whole objects. */
	if (fputs(h->line, h->json) == EOF || fflush(h->json) == EOF) {
		log_warn("headless: JSON output: %s; no more JSON lines",
		    strerror(errno));
		h->json = NULL;
	}
}

static void *
headless_main(void *arg)
{
	struct headless *h = arg;
	struct opp_event ev;

	while (!__atomic_load_n(&h->stop, __ATOMIC_ACQUIRE)) {
		if (ring_reader_wait(&h->rd, &ev, HEADLESS_WAIT_NS))
			headless_event(h, &ev);
		__atomic_store_n(&h->lost, h->rd.lost, __ATOMIC_RELAXED);
	}
	/* The engine has stopped: the last events (shutdown CLOSEs). */
	while (ring_reader_next(&h->rd, &ev))
		headless_event(h, &ev);
	__atomic_store_n(&h->lost, h->rd.lost, __ATOMIC_RELAXED);
	return (NULL);
}

struct headless *
headless_new(struct engine *e, FILE *json, char **cause)
{
	struct headless *h;
	sigset_t all, old;
	int error;

	h = xcalloc(1, sizeof *h);
	h->e = e;
	h->sym = engine_symbols(e);
	h->json = json;
	if (ring_reader_init(&h->rd, engine_ring(e), RING_WAIT_BLOCK) != 0) {
		xasprintf(cause, "ring: no reader slot for headless output");
		goto fail;
	}
	h->rd_ok = 1;
	engine_add_reader(e, "headless", &h->lost);
	/* Signals stay with the reactor's thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	error = pthread_create(&h->thread, NULL, headless_main, h);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (error != 0) {
		xasprintf(cause, "headless: thread: %s", strerror(error));
		goto fail;
	}
	h->started = 1;
	return (h);

fail:
	headless_free(h);
	return (NULL);
}

void
headless_free(struct headless *h)
{
	if (h == NULL)
		return;
	if (h->started) {
		__atomic_store_n(&h->stop, 1, __ATOMIC_RELEASE);
		pthread_join(h->thread, NULL);
	}
	if (h->rd_ok)
		ring_reader_fini(&h->rd);
	free(h);
}
