/*
 * Tests of `xarb --demo` as the engine runs it: the venue simulator in a
 * thread (demo.c), every venue through its real protocol, TLS, WebSocket
 * client and adapter, the detector and the ring.  The simulator's ground
 * truth (sim_dislocations, sim_mute) lets the tests check what the
 * engine found against what really happened:
 *
 *   - every enabled venue goes live, and start-up to all-live is timed;
 *   - each scheduled dislocation opens opportunities only for its
 *     instrument with the dislocated venue on the right side, one per
 *     other venue and each once (with two venues: exactly one OPEN,
 *     right buy and sell venue), and they close soon after it ends, for
 *     a price reason;
 *   - a venue whose feed stalls (connection open, heartbeats answered,
 *     no data) has its opportunities closed as stale within
 *     max_quote_age_ms, none reopened until the feed resumes; a venue
 *     that goes away closes them as venue down;
 *   - every venue whose connections the simulator drops reconnects,
 *     resubscribes and is live again only after fresh data;
 *   - start-up failures leave nothing behind.
 *
 * A timer on the engine's loop drains a ring reader every 10 ms and
 * drives each test's phases; --run-for bounds every run.  With
 * XARB_SLOW (valgrind) rates drop and windows widen.
 */
#include "autoconf.h"

#include <sys/stat.h>

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <ev.h>

#include "xarb.h"
#include "book.h"
#include "config.h"
#include "demo.h"
#include "engine.h"
#include "log.h"
#include "meta.h"
#include "opp.h"
#include "ring.h"
#include "sim/pricegen.h"
#include "sim/sim.h"
#include "symbols.h"
#include "tcheck.h"
#include "venue.h"
#include "venues.h"

#define T_EVENTS 20000
#define T_DIS 64

struct tev {
	struct opp_event ev;
	int64_t seen; /* when the test's reader took it, ns */
};

/* One run: the engine, its simulator and what the reader saw. */
struct trun {
	struct config *cfg;
	struct demo *demo;
	struct engine *e;
	struct ring_reader rd;
	int rd_ok;
	ev_timer tick;
	struct tev *evs; /* T_EVENTS */
	unsigned nev;
	uint64_t lost;
	int64_t t0; /* engine start, ns */
	void (*phase)(struct trun *);
	int step;
	int64_t t_step; /* when step began */
	enum venue_id muted;
	int64_t t_mute, t_unmute; /* when its feed stalled and resumed */
	unsigned mark;		  /* first event index of the current step */
	int64_t t_live;		  /* all venues live, ns after t0; 0: not yet */
};

static struct trun run;

static void
setup(void)
{
	log_set_level(getenv("T_DEBUG") ? LOG_LEVEL_INFO : LOG_LEVEL_ERROR);
	memset(&run, 0, sizeof run);
	run.evs = calloc(T_EVENTS, sizeof *run.evs);
	ck_assert_ptr_nonnull(run.evs);
	run.cfg = config_new();
	tcheck_config_set(run.cfg, "demo", "rate",
	    tcheck_slow() ? "60" : "300");
	tcheck_config_set(run.cfg, "demo", "volatility_bps", "2");
	tcheck_config_set(run.cfg, "demo", "dislocation_bps", "80");
}

static void
teardown(void)
{
	if (run.rd_ok)
		ring_reader_fini(&run.rd);
	engine_free(run.e);
	demo_free(run.demo);
	config_free(run.cfg);
	free(run.evs);
	memset(&run, 0, sizeof run);
	tcheck_free_kept();
}

static void
t_drain(struct trun *r)
{
	struct opp_event ev;

	while (ring_reader_next(&r->rd, &ev) == 1) {
		if (r->nev < T_EVENTS) {
			r->evs[r->nev].ev = ev;
			r->evs[r->nev].seen = engine_now();
			r->nev++;
		}
	}
	r->lost = r->rd.lost;
}

static void
t_tick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct trun *r = &run;
	struct engine_status st;

	(void)loop;
	(void)w;
	(void)revents;
	if (r->t0 == 0)
		r->t0 = engine_now();
	t_drain(r);
	if (r->t_live == 0) {
		engine_get_status(r->e, &st);
		if (st.venues_live == st.venues_enabled)
			r->t_live = engine_now() - r->t0;
	}
	if (r->phase != NULL)
		r->phase(r);
}

/* Starts the simulator and the engine on it; run_for bounds the run. */
static void
t_start(double run_for, void (*phase)(struct trun *))
{
	struct engine_opts o = { .venues = 1, .headless = 1 };
	char *cause = NULL;

	run.demo = demo_start(run.cfg, &cause);
	ck_assert_msg(run.demo != NULL, "demo_start: %s", cause);
	o.run_for = run_for;
	run.e = engine_new(run.cfg, &o, &cause);
	ck_assert_msg(run.e != NULL, "engine_new: %s", cause);
	ck_assert_int_eq(ring_reader_init(&run.rd, engine_ring(run.e),
			     RING_WAIT_SPIN),
	    0);
	run.rd_ok = 1;
	run.phase = phase;
	ev_timer_init(&run.tick, t_tick_cb, 0.01, 0.01);
	ev_timer_start(EV_DEFAULT, &run.tick);
	ck_assert_int_eq(engine_run(run.e), 0);
	ev_timer_stop(EV_DEFAULT, &run.tick);
	t_drain(&run);
	ck_assert_uint_eq(run.lost, 0);
}

static double
t_ms(int64_t ns)
{
	return ((double)ns / 1e6);
}

/* --- every venue live --- */

static void
t_live_phase(struct trun *r)
{
	if (r->t_live != 0 && engine_get_stats(r->e)->msgs > 2000)
		engine_stop(r->e);
}

START_TEST(test_demo_all_venues_live)
{
	const struct meta_stats *ms;
	struct engine_status st;
	struct sim_stats ss;
	const char *dir;
	char path[PATH_MAX];

	tcheck_config_set(run.cfg, "demo", "dislocation_every_s", "0");
	t_start(tcheck_pick(10, 60), t_live_phase);
	ck_assert_msg(run.t_live > 0, "not every venue went live");
	engine_get_status(run.e, &st);
	ck_assert_uint_eq(st.venues_enabled, VENUE_COUNT);
	ck_assert_uint_eq(st.bad_msgs, 0);
	ck_assert_uint_gt(st.msgs, 2000);
	/* No dislocation, 2 bps noise: nothing to trade. */
	ck_assert_uint_eq(st.opens, 0);
	sim_get_stats(demo_sim(run.demo), NULL, &ss);
	ck_assert_uint_eq(ss.sub_errors, 0);
	ck_assert_uint_eq(ss.hb_timeouts, 0);
	ck_assert_uint_eq(ss.tls_failed, 0);
	/* One WebSocket per venue, two for Binance. */
	ck_assert_uint_eq(ss.upgrades, VENUE_COUNT + 1);
	/* Instrument metadata came from the simulator's REST endpoints,
	 * and its cache stays in the demo's private directory. */
	ms = engine_meta_stats(run.e);
	ck_assert_uint_eq(ms->fetched, VENUE_COUNT);
	ck_assert_uint_eq(ms->failures, 0);
	ck_assert_uint_eq(ms->unlisted, 0);
	dir = demo_dir(run.demo);
	snprintf(path, sizeof path, "%s/instruments", dir);
	ck_assert_int_eq(access(path, R_OK), 0);
	snprintf(path, sizeof path, "%s/server.key", dir);
	ck_assert_int_eq(access(path, R_OK), 0);
	fprintf(stderr, "check_demo: start to %u venues live: %.1f ms\n",
	    st.venues_enabled, t_ms(run.t_live));
}
END_TEST

/* --- dislocations: what opens and closes --- */

static int64_t t_slack_ns;

/*
 * Whether dislocation j stands alone: no other one moved the same
 * instrument within slack of it.  The generator may start the next
 * dislocation the moment one ends; on the same instrument a pair can
 * then rightly stay open (one venue rich, then the other cheap) or
 * close and reopen at once, and what the test checks of j (one open, a
 * close soon after its end) is not what should happen.
 */
static int
t_dis_alone(const struct pricegen_dislocation *d, unsigned n, unsigned j,
    int64_t slack)
{
	unsigned k;

	for (k = 0; k < n; k++)
		if (k != j && d[k].inst == d[j].inst &&
		    d[k].start < d[j].end + slack &&
		    d[j].start < d[k].end + slack)
			return (0);
	return (1);
}

static void
t_dis_phase(struct trun *r)
{
	struct pricegen_dislocation d[T_DIS];
	unsigned n = sim_dislocations(demo_sim(r->demo), d, T_DIS), k, done = 0;

	if (n > T_DIS)
		n = T_DIS;
	/*
	 * Enough dislocations have come, gone, and had time to close; and
	 * any neighbour that would make one not alone has had time to be
	 * seen (the simulator records a dislocation when it pushes it).
	 */
	for (k = 0; k < n; k++)
		done += d[k].end + 2 * t_slack_ns < engine_now() &&
		    t_dis_alone(d, n, k, t_slack_ns);
	if (done >= 4 || n == T_DIS)
		engine_stop(r->e);
}

static int
t_involves(const struct opp_event *ev, enum venue_id v)
{
	return (ev->buy_venue == v || ev->sell_venue == v);
}

/* Whether the opportunity's legs put d's venue on d's side. */
static int
t_dis_explains(const struct pricegen_dislocation *d, const struct opp_event *ev)
{
	if (ev->inst != d->inst)
		return (0);
	return (d->sign > 0 ? ev->sell_venue == d->venue
			    : ev->buy_venue == d->venue);
}

/*
 * Whether a dislocation whose window (plus slack: the last quotes in
 * flight) holds ev explains it.  Windows plus slack may overlap.
 */
static int
t_dis_any(const struct pricegen_dislocation *d, unsigned n,
    const struct opp_event *ev, int64_t slack)
{
	unsigned k;

	for (k = 0; k < n; k++)
		if (ev->detect_ts >= d[k].start - NS_PER_MS &&
		    ev->detect_ts <= d[k].end + slack &&
		    t_dis_explains(&d[k], ev))
			return (1);
	return (0);
}

/* The CLOSE of opportunity id, or NULL. */
static const struct opp_event *
t_close_of(uint64_t id)
{
	unsigned k;

	for (k = 0; k < run.nev; k++)
		if (run.evs[k].ev.id == id && run.evs[k].ev.type == OPP_CLOSE)
			return (&run.evs[k].ev);
	return (NULL);
}

/* A pair's state during one dislocation. */
enum { T_NEW, T_CLOSED, T_EMPTY_SIDE };

/*
 * Checks the opportunities dislocation j of d opened: each pair opens
 * once and closes after the end, within slack, for a price reason.  The
 * one exception is Hyperliquid's bbo, whose side is sometimes null (an
 * empty book side, as the venue sends it; the simulator does it 1 time
 * in 50): that closes the pair at once (bad quote) and it may reopen.
 * Returns the number of pairs opened.
 */
static unsigned
t_check_dislocation(const struct pricegen_dislocation *d, unsigned j,
    int64_t slack)
{
	uint8_t pair[VENUE_COUNT][VENUE_COUNT];
	const struct opp_event *ev, *cl;
	unsigned k, pairs = 0;
	uint8_t *st;

	memset(pair, T_NEW, sizeof pair);
	for (k = 0; k < run.nev; k++) {
		ev = &run.evs[k].ev;
		if (ev->type != OPP_OPEN || ev->detect_ts < d[j].start ||
		    ev->detect_ts > d[j].end || !t_dis_explains(&d[j], ev))
			continue;
		st = &pair[ev->buy_venue][ev->sell_venue];
		ck_assert_msg(*st != T_CLOSED,
		    "dislocation %u: %s->%s opened "
		    "twice",
		    j, venues_name(ev->buy_venue), venues_name(ev->sell_venue));
		pairs += *st == T_NEW;
		cl = t_close_of(ev->id);
		ck_assert_msg(cl != NULL, "dislocation %u: no CLOSE", j);
		if (cl->reason == OPP_REASON_BAD_QUOTE &&
		    t_involves(cl, VENUE_HYPERLIQUID) &&
		    cl->detect_ts <= d[j].end + slack) {
			*st = T_EMPTY_SIDE;
			continue;
		}
		*st = T_CLOSED;
		ck_assert_msg(cl->detect_ts >= d[j].end &&
			cl->detect_ts <= d[j].end + slack &&
			(cl->reason == OPP_REASON_SPREAD ||
			    cl->reason == OPP_REASON_CONFIDENCE ||
			    cl->reason == OPP_REASON_EDGE),
		    "dislocation %u (%s on %s, %+d, %.1f-%.1f ms): %s->%s "
		    "opened at %.1f ms, closed (%s) %.1f ms after its end "
		    "(legs received %.1f and %.1f ms after it)",
		    j, symbols_base(engine_symbols(run.e), d[j].inst),
		    venues_name(d[j].venue), d[j].sign,
		    t_ms(d[j].start - run.t0), t_ms(d[j].end - run.t0),
		    venues_name(ev->buy_venue), venues_name(ev->sell_venue),
		    t_ms(ev->detect_ts - run.t0), opp_reason_key(cl->reason),
		    t_ms(cl->detect_ts - d[j].end),
		    t_ms(cl->buy_recv_ts - d[j].end),
		    t_ms(cl->sell_recv_ts - d[j].end));
	}
	return (pairs);
}

/*
 * Runs dislocations of 80 bps for 0.4 s every 0.6 s or so (slower under
 * valgrind) across the enabled venues, and checks the engine's events
 * against the simulator's record of them.
 */
static void
t_run_dislocations(unsigned nvenues)
{
	struct pricegen_dislocation d[T_DIS];
	const struct opp_event *ev;
	int64_t slack = (int64_t)(tcheck_pick(0.3, 1.5) * NS_PER_S), stop;
	unsigned n, k, j, opens, pairs_total = 0, checked = 0;

	/*
	 * Under valgrind everything is ~20x slower: wider slack, and
	 * dislocations spaced so that most still stand alone (a neighbour
	 * on the same instrument within the slack makes one unusable).
	 */
	tcheck_config_set(run.cfg, "demo", "dislocation_every_s",
	    tcheck_slow() ? "3" : "0.6");
	tcheck_config_set(run.cfg, "demo", "dislocation_s",
	    tcheck_slow() ? "1" : "0.4");
	t_slack_ns = slack;
	t_start(tcheck_pick(15, 150), t_dis_phase);
	stop = engine_now();
	n = sim_dislocations(demo_sim(run.demo), d, T_DIS);
	ck_assert_uint_ge(n, 4);
	if (n > T_DIS)
		n = T_DIS;

	/* Every OPEN is explained by the dislocation active at the time. */
	for (k = 0; k < run.nev; k++) {
		ev = &run.evs[k].ev;
		if (ev->type != OPP_OPEN)
			continue;
		ck_assert_msg(t_dis_any(d, n, ev, slack),
		    "OPEN %llu (%s %s->%s, %.1f bps) at %.1f ms: no "
		    "dislocation explains it",
		    (unsigned long long)ev->id,
		    symbols_base(engine_symbols(run.e), ev->inst),
		    venues_name(ev->buy_venue), venues_name(ev->sell_venue),
		    ev->gross_bps, t_ms(ev->detect_ts - run.t0));
	}

	/*
	 * Each dislocation that ended well before the stop opened one
	 * opportunity with every other venue (80 bps clears every
	 * threshold and cost), each once, and each closed after the end,
	 * within the slack, for a price reason.
	 */
	for (j = 0; j < n; j++) {
		if (d[j].end + slack >= stop || !t_dis_alone(d, n, j, slack))
			continue;
		opens = t_check_dislocation(d, j, slack);
		ck_assert_msg(opens == nvenues - 1,
		    "dislocation %u (%s on %s, %+d) opened %u pairs", j,
		    symbols_base(engine_symbols(run.e), d[j].inst),
		    venues_name(d[j].venue), d[j].sign, opens);
		pairs_total += opens;
		checked++;
	}
	ck_assert_uint_ge(checked, 4);
	/* What was open at the end closed for the shutdown, before the
	 * venues' connections did. */
	for (k = 0; k < run.nev; k++)
		ck_assert(run.evs[k].ev.type != OPP_CLOSE ||
		    run.evs[k].ev.reason != OPP_REASON_VENUE_DOWN);
	fprintf(stderr,
	    "check_demo: %u venues: %u dislocations checked, %u pairs "
	    "opened and closed\n",
	    nvenues, checked, pairs_total);
}

START_TEST(test_demo_dislocations_open_and_close)
{
	t_run_dislocations(VENUE_COUNT);
}
END_TEST

/*
 * Two venues: each dislocation is exactly one OPEN, buying on the cheap
 * venue and selling on the rich one, and its CLOSE when it ends.
 */
START_TEST(test_demo_two_venues_one_open_each)
{
	unsigned v;
	char section[32];

	for (v = 0; v < VENUE_COUNT; v++) {
		if (v == VENUE_BYBIT || v == VENUE_BINANCE)
			continue;
		snprintf(section, sizeof section, "venue.%s", venues_name(v));
		tcheck_config_set(run.cfg, section, "enabled", "no");
	}
	t_run_dislocations(2);
}
END_TEST

/* --- a stalled feed, then a venue gone --- */

/* The simulator endpoints that carry venue v's market data. */
static void
t_mute(struct trun *r, enum venue_id v, int on)
{
	struct sim *s = demo_sim(r->demo);

	ck_assert_int_eq(sim_mute(s, venues_name(v), on), 0);
	if (v == VENUE_BINANCE)
		ck_assert_int_eq(sim_mute(s, "binance-market", on), 0);
}

/* An OPEN involving v at or after index from, or NULL. */
static const struct opp_event *
t_open_on(unsigned from, enum venue_id v)
{
	unsigned k;

	for (k = from; k < run.nev; k++)
		if (run.evs[k].ev.type == OPP_OPEN &&
		    t_involves(&run.evs[k].ev, v))
			return (&run.evs[k].ev);
	return (NULL);
}

/*
 * An opportunity still open with v on one side and, on the other, a
 * venue other than Hyperliquid (whose null sides close pairs on their
 * own: see t_check_dislocation), or NULL.
 */
static const struct opp_event *
t_open_pair(enum venue_id v)
{
	const struct opp_event *ev;
	unsigned k;

	for (k = 0; k < run.nev; k++) {
		ev = &run.evs[k].ev;
		if (ev->type == OPP_OPEN && t_involves(ev, v) &&
		    !t_involves(ev, VENUE_HYPERLIQUID) &&
		    t_close_of(ev->id) == NULL)
			return (ev);
	}
	return (NULL);
}

/* Whether every opportunity open on v (per the events) has closed. */
static int
t_all_closed_on(enum venue_id v)
{
	unsigned k;

	for (k = 0; k < run.nev; k++)
		if (run.evs[k].ev.type == OPP_OPEN &&
		    t_involves(&run.evs[k].ev, v) &&
		    t_close_of(run.evs[k].ev.id) == NULL)
			return (0);
	return (1);
}

static void
t_next(struct trun *r)
{
	r->step++;
	r->t_step = engine_now();
	r->mark = r->nev;
}

/*
 * Steps: 0 wait for the dislocation's pairs to open; 1 mute the other
 * leg of one of them, wait until all its opportunities closed; 2 hold the mute
 * a while; 3 unmute, wait for a reopen; 4 stop the simulator, wait for all to
 * close; 5 done.
 */
static void
t_stall_phase(struct trun *r)
{
	struct pricegen_dislocation d[T_DIS];
	const struct opp_event *ev;
	int64_t now = engine_now();
	unsigned n;

	switch (r->step) {
	case 0: /* the one long dislocation has opened its pairs */
		n = sim_dislocations(demo_sim(r->demo), d, T_DIS);
		if (n == 0 || (ev = t_open_pair(d[0].venue)) == NULL ||
		    now - ev->detect_ts < 200 * NS_PER_MS)
			return;
		r->muted = ev->buy_venue == d[0].venue ? ev->sell_venue
						       : ev->buy_venue;
		t_mute(r, r->muted, 1);
		r->t_mute = engine_now();
		t_next(r);
		break;
	case 1:
		if (t_all_closed_on(r->muted))
			t_next(r);
		break;
	case 2:
		if (now - r->t_step > (int64_t)(tcheck_pick(1, 4) * NS_PER_S)) {
			t_mute(r, r->muted, 0);
			r->t_unmute = engine_now();
			t_next(r);
		}
		break;
	case 3:
		if (t_open_on(r->mark, r->muted) != NULL) {
			sim_stop(demo_sim(r->demo));
			t_next(r);
		}
		break;
	case 4:
		for (n = 0; n < VENUE_COUNT; n++)
			if (!t_all_closed_on((enum venue_id)n))
				return;
		t_next(r);
		engine_stop(r->e);
		break;
	default:
		break;
	}
}

START_TEST(test_demo_stalled_and_lost_venues_close)
{
	const struct opp_event *ev;
	int64_t age = (int64_t)tcheck_pick(500, 2000), leg_ts;
	int64_t slack = (int64_t)(tcheck_pick(0.3, 3) * NS_PER_S);
	unsigned k, stale = 0, down = 0, reopened = 0;
	char buf[32];

	snprintf(buf, sizeof buf, "%lld", (long long)age);
	tcheck_config_set(run.cfg, "detector", "max_quote_age_ms", buf);
	/*
	 * One long dislocation from early on: opportunities stay open.
	 * Without Hyperliquid, whose null sides close pairs on their own.
	 */
	tcheck_config_set(run.cfg, "venue.hyperliquid", "enabled", "no");
	tcheck_config_set(run.cfg, "demo", "dislocation_every_s", "0.2");
	tcheck_config_set(run.cfg, "demo", "dislocation_s", "60");
	t_start(tcheck_pick(15, 120), t_stall_phase);
	ck_assert_msg(run.step == 5, "stopped at step %d", run.step);

	for (k = 0; k < run.nev; k++) {
		ev = &run.evs[k].ev;
		/* Nothing opens on a venue whose quotes are too old. */
		if (ev->type == OPP_OPEN && t_involves(ev, run.muted) &&
		    ev->detect_ts > run.t_mute + age * NS_PER_MS &&
		    ev->detect_ts < run.t_unmute)
			ck_abort_msg("OPEN on %s while its feed was stalled",
			    venues_name(run.muted));
		reopened += ev->type == OPP_OPEN && t_involves(ev, run.muted) &&
		    ev->detect_ts > run.t_unmute;
		if (ev->type == OPP_CLOSE && ev->reason == OPP_REASON_STALE) {
			/* Only the stalled venue's, once its last quote is
			 * older than max_quote_age_ms: caught by the next
			 * tick of the other leg or the 100 ms sweep. */
			ck_assert(t_involves(ev, run.muted));
			leg_ts = ev->buy_venue == run.muted ? ev->buy_recv_ts
							    : ev->sell_recv_ts;
			ck_assert_int_ge(ev->detect_ts - leg_ts,
			    age * NS_PER_MS);
			ck_assert_int_le(ev->detect_ts - run.t_mute,
			    age * NS_PER_MS + slack);
			stale++;
		}
		if (ev->type == OPP_CLOSE &&
		    ev->reason == OPP_REASON_VENUE_DOWN) {
			ck_assert_int_gt(ev->detect_ts, run.t_unmute);
			down++;
		}
	}
	ck_assert_uint_gt(stale, 0);
	ck_assert_uint_gt(reopened, 0);
	ck_assert_uint_gt(down, 0);
	fprintf(stderr,
	    "check_demo: stalled %s: %u opportunities closed stale; "
	    "%u closed as venue down when the simulator stopped\n",
	    venues_name(run.muted), stale, down);
}
END_TEST

/* --- every venue reconnects --- */

/* Per venue: counters before the kick, and what followed it. */
struct tkick {
	struct venue_stats before;
	struct sim_stats sim_before, rest_before;
	int64_t t_kick, t_back;
	int saw_down;
};

static struct tkick kicks[VENUE_COUNT];

static const char *
t_rest_endpoint(enum venue_id v)
{
	return (v == VENUE_KUCOIN ? "kucoin-rest" : NULL);
}

static void
t_kick(struct trun *r, enum venue_id v, enum sim_kick_how how)
{
	struct sim *s = demo_sim(r->demo);
	struct tkick *k = &kicks[v];

	ck_assert_int_eq(engine_venue_stats(r->e, v, &k->before), 0);
	sim_get_stats(s, venues_name(v), &k->sim_before);
	if (t_rest_endpoint(v) != NULL)
		sim_get_stats(s, t_rest_endpoint(v), &k->rest_before);
	k->t_kick = engine_now();
	ck_assert_int_eq(sim_kick(s, venues_name(v), how), 0);
	if (v == VENUE_BINANCE)
		ck_assert_int_eq(sim_kick(s, "binance-market", how), 0);
}

/*
 * Steps 2v and 2v+1 for venue v: wait for every venue live, kick v's
 * connections; wait for v to have lost them, reconnected and gone live
 * again (a snapshot after its resubscription).
 */
static void
t_kick_phase(struct trun *r)
{
	struct engine_status st;
	struct venue_stats vs;
	enum venue_id v = (enum venue_id)(r->step / 2);
	struct tkick *k = &kicks[v];

	if (v >= VENUE_COUNT) {
		engine_stop(r->e);
		return;
	}
	ck_assert_int_eq(engine_venue_stats(r->e, v, &vs), 0);
	if (r->step % 2 == 0) {
		engine_get_status(r->e, &st);
		if (st.venues_live == st.venues_enabled) {
			t_kick(r, v, SIM_KICK_DROP);
			r->step++;
		}
		return;
	}
	if (vs.state != QUOTE_LIVE)
		k->saw_down = 1;
	if (k->saw_down && vs.state == QUOTE_LIVE &&
	    vs.updates > k->before.updates + 10) {
		k->t_back = engine_now();
		r->step++;
	}
}

START_TEST(test_demo_every_venue_reconnects)
{
	struct venue_stats vs;
	struct sim_stats ss;
	struct tkick *k;
	unsigned v, streams;
	double ms;

	memset(kicks, 0, sizeof kicks);
	tcheck_config_set(run.cfg, "demo", "dislocation_every_s", "0");
	tcheck_config_set(run.cfg, "net", "backoff_base_ms", "100");
	t_start(tcheck_pick(20, 180), t_kick_phase);
	ck_assert_msg(run.step == 2 * VENUE_COUNT, "stopped at %s",
	    venues_name((unsigned)run.step / 2));
	for (v = 0; v < VENUE_COUNT; v++) {
		k = &kicks[v];
		streams = v == VENUE_BINANCE ? 2 : 1;
		ck_assert_int_eq(engine_venue_stats(run.e, (enum venue_id)v,
				     &vs),
		    0);
		/* The loss is seen as one (a warning), the state left live,
		 * each stream reconnected and resubscribed. */
		ck_assert_uint_eq(vs.losses, k->before.losses + streams);
		ck_assert_uint_eq(vs.opens, k->before.opens + streams);
		ck_assert(k->saw_down);
		sim_get_stats(demo_sim(run.demo), venues_name(v), &ss);
		ck_assert_uint_eq(ss.upgrades, k->sim_before.upgrades + 1);
		ck_assert_uint_gt(ss.subscribed, k->sim_before.subscribed);
		if (t_rest_endpoint((enum venue_id)v) != NULL) {
			/* KuCoin: a fresh token for the new connection. */
			sim_get_stats(demo_sim(run.demo),
			    t_rest_endpoint((enum venue_id)v), &ss);
			ck_assert_uint_eq(ss.http_requests,
			    k->rest_before.http_requests + 1);
		}
		for (unsigned d = 0; d < VENUE_DROP_COUNT; d++)
			ck_assert_uint_eq(vs.drops[d], 0);
		ms = t_ms(k->t_back - k->t_kick);
		/* Back-off 100 ms, doubled at most once, plus the handshake
		 * and a snapshot. */
		ck_assert_msg(ms < tcheck_pick(1000, 8000),
		    "%s: live again after "
		    "%.0f ms",
		    venues_name(v), ms);
		fprintf(stderr,
		    "check_demo: %s kicked: live again in %.0f ms\n",
		    venues_name(v), ms);
	}
}
END_TEST

/* --- every venue at once: stalls and garbage --- */

static enum sim_kick_how t_how;

/* Step 0: every venue live, break them all; 1: until all are back. */
static void
t_break_phase(struct trun *r)
{
	struct engine_status st;
	struct venue_stats vs;
	unsigned v, back = 0;

	if (r->step >= 2) /* stopping */
		return;
	if (r->step == 0) {
		engine_get_status(r->e, &st);
		if (st.venues_live != st.venues_enabled)
			return;
		for (v = 0; v < VENUE_COUNT; v++)
			t_kick(r, (enum venue_id)v, t_how);
		r->step++;
		return;
	}
	for (v = 0; v < VENUE_COUNT; v++) {
		ck_assert_int_eq(engine_venue_stats(r->e, (enum venue_id)v,
				     &vs),
		    0);
		if (vs.state != QUOTE_LIVE)
			kicks[v].saw_down = 1;
		if (kicks[v].t_back == 0 && kicks[v].saw_down &&
		    vs.state == QUOTE_LIVE &&
		    vs.updates > kicks[v].before.updates + 10)
			kicks[v].t_back = engine_now();
		back += kicks[v].t_back != 0;
	}
	if (back == VENUE_COUNT) {
		r->step++;
		engine_stop(r->e);
	}
}

/*
 * Breaks every venue's connections at once with how, and checks each
 * venue notices, reconnects and is live again within bound_ms.
 */
static void
t_break_all(enum sim_kick_how how, const char *what, double bound_ms)
{
	struct venue_stats vs;
	unsigned v, streams;
	double ms;

	memset(kicks, 0, sizeof kicks);
	t_how = how;
	tcheck_config_set(run.cfg, "demo", "dislocation_every_s", "0");
	tcheck_config_set(run.cfg, "net", "backoff_base_ms", "100");
	/* Under valgrind a fresh connection can be silent for a second. */
	tcheck_config_set(run.cfg, "net", "idle_timeout_ms",
	    tcheck_slow() ? "4000" : "1000");
	tcheck_config_set(run.cfg, "net", "close_timeout_ms", "200");
	t_start(tcheck_pick(20, 180), t_break_phase);
	ck_assert_msg(run.step == 2, "%s: not every venue came back", what);
	for (v = 0; v < VENUE_COUNT; v++) {
		streams = v == VENUE_BINANCE ? 2 : 1;
		ck_assert_int_eq(engine_venue_stats(run.e, (enum venue_id)v,
				     &vs),
		    0);
		ck_assert_uint_eq(vs.losses, kicks[v].before.losses + streams);
		ck_assert_uint_eq(vs.opens, kicks[v].before.opens + streams);
		ms = t_ms(kicks[v].t_back - kicks[v].t_kick);
		ck_assert_msg(ms < bound_ms, "%s: %s live again after %.0f ms",
		    what, venues_name(v), ms);
		fprintf(stderr, "check_demo: %s: %s live again in %.0f ms\n",
		    what, venues_name(v), ms);
	}
}

/*
 * A silent connection (TCP open, half a frame, then nothing): each
 * venue's heartbeats go unanswered and the 1 s idle timeout (4 s under
 * valgrind) drops it; then a 200 ms close wait and the 100 ms back-off.
 */
START_TEST(test_demo_every_venue_detects_a_stall)
{
	t_break_all(SIM_KICK_STALL, "stall", tcheck_pick(2500, 15000));
}
END_TEST

/* Bytes that are not WebSocket: a protocol error, at once. */
START_TEST(test_demo_every_venue_survives_garbage)
{
	t_break_all(SIM_KICK_GARBAGE, "garbage", tcheck_pick(1000, 8000));
}
END_TEST

/* --- funding jumps reach the book --- */

static struct pricegen_funding_jump t_jump; /* the one being followed */
static uint64_t t_jumps_seen, t_jumps_confirmed;
static double t_jump_worst_ms;

/* Quote (i, v)'s funding rate per 8 h, or NaN when it has none. */
static double
t_funding_8h(struct trun *r, inst_id i, enum venue_id v)
{
	struct quote q;

	book_read(book_quote(engine_book(r->e), i, v), &q);
	if (q.funding_min == 0)
		return (NAN);
	return ((double)q.funding / (double)RATE_SCALE * FUNDING_NORM_MINUTES /
	    q.funding_min);
}

/*
 * Follows one jump at a time: once the simulator reports it, waits for
 * the engine's book to show the new rate (normalised to 8 h) for that
 * instrument and venue.  OKX and KuCoin push funding every 30 and 60 s
 * (as the venues do), too slow for a bounded test: their jumps are
 * skipped.
 */
static void
t_funding_phase(struct trun *r)
{
	struct pricegen_funding_jump j;
	uint64_t n = sim_funding_jumps(demo_sim(r->demo), &j);
	double got;

	if (r->step == 0) {
		if (n == t_jumps_seen)
			return;
		t_jumps_seen = n;
		if (j.venue == VENUE_OKX || j.venue == VENUE_KUCOIN)
			return;
		t_jump = j;
		r->step = 1;
		return;
	}
	if (r->step != 1)
		return;
	/* The same leg may have jumped again since: follow its latest. */
	ck_assert_int_eq(sim_funding_jump_of(demo_sim(r->demo), t_jump.inst,
			     t_jump.venue, &j),
	    0);
	t_jump.to_8h = j.to_8h;
	got = t_funding_8h(r, t_jump.inst, t_jump.venue);
	/* Drift after the jump is ~1e-6 a tick: far below the jump. */
	if (!isnan(got) && fabs(got - t_jump.to_8h) < 1e-4) {
		if (t_ms(engine_now() - t_jump.at) > t_jump_worst_ms)
			t_jump_worst_ms = t_ms(engine_now() - t_jump.at);
		r->step = ++t_jumps_confirmed >= 3 ? 2 : 0;
		if (r->step == 2)
			engine_stop(r->e);
		return;
	}
	ck_assert_msg(engine_now() - t_jump.at <
		(int64_t)tcheck_pick(5, 30) * NS_PER_S,
	    "%s %s: funding %.6f per 8 h, the simulator jumped to %.6f",
	    symbols_base(engine_symbols(r->e), t_jump.inst),
	    venues_name(t_jump.venue), got, t_jump.to_8h);
}

START_TEST(test_demo_funding_jumps_reach_the_book)
{
	t_jumps_seen = t_jumps_confirmed = 0;
	t_jump_worst_ms = 0;
	tcheck_config_set(run.cfg, "demo", "dislocation_every_s", "0");
	tcheck_config_set(run.cfg, "demo", "funding_every_s", "0.3");
	tcheck_config_set(run.cfg, "demo", "funding_jump_bps", "50");
	t_start(tcheck_pick(20, 120), t_funding_phase);
	ck_assert_uint_eq(t_jumps_confirmed, 3);
	/* A jump is half to all of 50 bps, either sign. */
	ck_assert_double_ge(fabs(t_jump.to_8h), 0.0025);
	ck_assert_double_le(fabs(t_jump.to_8h), 0.005);
	fprintf(stderr,
	    "check_demo: 3 funding jumps in the book within %.0f ms\n",
	    t_jump_worst_ms);
}
END_TEST

/* --- start-up failures --- */

START_TEST(test_demo_start_failures)
{
	char *cause = NULL, *old, *tmp;
	unsigned v;
	char section[32];

	/* No venue enabled. */
	for (v = 0; v < VENUE_COUNT; v++) {
		snprintf(section, sizeof section, "venue.%s", venues_name(v));
		tcheck_config_set(run.cfg, section, "enabled", "no");
	}
	ck_assert_ptr_null(demo_start(run.cfg, &cause));
	ck_assert_ptr_nonnull(strstr(cause, "no enabled venue"));
	free(cause);
	cause = NULL;
	tcheck_config_set(run.cfg, "venue.okx", "enabled", "yes");

	/* A temporary directory that cannot be made. */
	old = getenv("TMPDIR") != NULL ? strdup(getenv("TMPDIR")) : NULL;
	tmp = tcheck_mkdtemp();
	setenv("TMPDIR", tcheck_asprintf("%s/missing/deeper", tmp), 1);
	run.demo = demo_start(run.cfg, &cause);
	if (old != NULL)
		setenv("TMPDIR", old, 1);
	else
		unsetenv("TMPDIR");
	free(old);
	ck_assert_ptr_null(run.demo);
	ck_assert_msg(strstr(cause, "cannot make a directory") != NULL, "%s",
	    cause);
	free(cause);
	cause = NULL;

	/* One venue: only its URLs change; the directory goes at the end. */
	run.demo = demo_start(run.cfg, &cause);
	ck_assert_msg(run.demo != NULL, "%s", cause);
	ck_assert_ptr_nonnull(strstr(run.cfg->venue[VENUE_OKX].url,
	    "wss://localhost:"));
	ck_assert_ptr_nonnull(strstr(run.cfg->venue[VENUE_OKX].url,
	    "/ws/v5/public"));
	ck_assert_ptr_nonnull(strstr(run.cfg->tls_ca_file, "/ca.pem"));
	ck_assert_int_eq(sim_port(demo_sim(run.demo), "bybit"), 0);
	old = tcheck_asprintf("%s", demo_dir(run.demo));
	demo_free(run.demo);
	run.demo = NULL;
	ck_assert_int_ne(access(old, F_OK), 0);
	tcheck_rmdir(tmp);
}
END_TEST

static Suite *
demo_suite(void)
{
	Suite *s = suite_create("demo");
	TCase *tc = tcase_create("demo");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_demo_all_venues_live);
	tcase_add_test(tc, test_demo_dislocations_open_and_close);
	tcase_add_test(tc, test_demo_two_venues_one_open_each);
	tcase_add_test(tc, test_demo_stalled_and_lost_venues_close);
	tcase_add_test(tc, test_demo_every_venue_reconnects);
	tcase_add_test(tc, test_demo_every_venue_detects_a_stall);
	tcase_add_test(tc, test_demo_every_venue_survives_garbage);
	tcase_add_test(tc, test_demo_funding_jumps_reach_the_book);
	tcase_add_test(tc, test_demo_start_failures);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	return (tcheck_run(demo_suite()));
}
