/*
 * Engine wiring and the main loop.  Everything here runs on the main
 * thread's libev default loop: the data source, the staleness sweep, a
 * status reader of the ring, --run-for, and the signal watchers (SIGINT
 * and SIGTERM stop cleanly, SIGHUP reloads the reloadable settings,
 * SIGUSR1 dumps state to the log).  Nothing on this loop blocks.
 */
#include "autoconf.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ev.h>

#include "xarb.h"
#include "config.h"
#include "detect.h"
#include "engine.h"
#include "log.h"
#include "meta.h"
#include "metrics.h"
#include "notify.h"
#include "reactor.h"
#include "ring.h"
#include "sink_redis.h"
#include "sim/pricegen.h"
#include "snap.h"
#include "symbols.h"
#include "tls.h"
#include "venue.h"
#include "venues.h"
#include "ws.h"
#include "xmalloc.h"

#define ENGINE_DEMO_PERIOD 0.001    /* s between demo batches */
#define ENGINE_DEMO_BATCH_MAX 20000 /* ticks per batch, if we fell behind */
#define ENGINE_DRAIN_PERIOD 0.1	    /* s between status-reader drains */
#define ENGINE_REDIS_DRAIN 1.0	    /* s the sink may take to flush at exit */

struct engine {
	const struct config *cfg; /* borrowed */
	struct engine_opts opts;
	struct reactor *reactor; /* owned: loop, signals, resolver */
	struct ev_loop *loop;	 /* borrowed: the reactor's */
	struct symbols *symbols;
	struct book *book;
	struct ring *ring;
	struct detect *detect;
	struct metrics *metrics;
	struct pricegen *gen;	/* demo source, or NULL */
	SSL_CTX *tls;		/* owned: the client context of the venues */
	struct meta_stats meta; /* the start-up instrument metadata fetch */
	uint64_t meta_failures; /* meta.failures, as a metrics counter */
	struct venue *venue[VENUE_COUNT]; /* owned; NULL if not connected */
	const char **bases;		  /* owned array, borrowed strings */

	struct ring_reader status_rd;
	int status_rd_ok;
	struct sink_redis *redis; /* owned; NULL when [redis] url is empty */

	ev_timer demo_timer;
	ev_timer sweep_timer;
	ev_timer drain_timer;
	ev_timer run_for_timer;

	int64_t start_ns;
	int64_t demo_start_ns;
	uint64_t demo_done;
	unsigned demo_venues; /* number of enabled venues */
	uint32_t venue_live;  /* bit per venue with data (demo source) */
	int stopping; /* shutdown began: no updates, venues_live frozen */
	unsigned live_at_stop; /* venues live when it began */
	double status_interval;
	double status_last;   /* ev_now of the last status callback */
	uint64_t status_msgs; /* msgs at the last status callback */
	double status_rate;
	engine_status_cb status_cb;
	void *status_arg;
	int failed;

	struct engine_stats stats;
	struct metrics_hist stage[STAGE_COUNT];

	/* What other threads read (engine_read_snap), and from where. */
	struct snap_cell snap;
	const char *reader_name[SNAP_READERS_MAX];
	const uint64_t *reader_lost[SNAP_READERS_MAX];
	unsigned nreaders;
	double wd_interval; /* s between WATCHDOG=1; 0: no watchdog */
	double wd_last;
};

_Static_assert(SNAP_DROPS == VENUE_DROP_COUNT,
    "a snapshot holds every venue drop reason");

static void engine_reload(void *);
static void engine_dump(void *);
static void engine_stopping(void *);
static void engine_before_sleep(void *);

int64_t
engine_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec);
}

/* The sink's counters (written by its thread, read relaxed). */
static void
engine_register_redis_metrics(struct engine *e)
{
	const struct sink_redis_stats *rs = sink_redis_get_stats(e->redis);

	metrics_register(e->metrics, METRICS_COUNTER, "xarb_redis_sent_total",
	    "Commands sent to Redis.", "", &rs->sent);
	metrics_register(e->metrics, METRICS_COUNTER, "xarb_redis_acked_total",
	    "Redis replies that were not errors.", "", &rs->acked);
	metrics_register(e->metrics, METRICS_COUNTER, "xarb_redis_errors_total",
	    "Redis error replies (refused AUTH or SELECT included).", "",
	    &rs->errors);
	metrics_register(e->metrics, METRICS_COUNTER,
	    "xarb_redis_dropped_total",
	    "Opportunity events never written to Redis.", "", &rs->dropped);
	metrics_register(e->metrics, METRICS_COUNTER,
	    "xarb_redis_reconnects_total", "Redis connections after the first.",
	    "", &rs->reconnects);
	metrics_register(e->metrics, METRICS_GAUGE, "xarb_redis_up",
	    "1 while the Redis sink is connected and authenticated.", "",
	    &rs->up);
}

static void
engine_register_metrics(struct engine *e)
{
	static const char *const stage_labels[STAGE_COUNT] = {
		"stage=\"read\"",
		"stage=\"frame\"",
		"stage=\"parse\"",
		"stage=\"book\"",
		"stage=\"detect\"",
		"stage=\"publish\"",
		"stage=\"total\"",
		"stage=\"exec\"",
	};
	const struct detect_stats *ds = detect_get_stats(e->detect);
	unsigned s;

	e->metrics = metrics_new();
	metrics_register(e->metrics, METRICS_COUNTER, "xarb_msgs_total",
	    "Quote updates applied to the book.", "", &e->stats.msgs);
	metrics_register(e->metrics, METRICS_COUNTER, "xarb_bad_msgs_total",
	    "Messages dropped before the book.", "", &e->stats.bad_msgs);
	metrics_register(e->metrics, METRICS_COUNTER, "xarb_opps_total",
	    "Opportunity events published.", "type=\"open\"", &ds->opens);
	metrics_register(e->metrics, METRICS_COUNTER, "xarb_opps_total",
	    "Opportunity events published.", "type=\"update\"", &ds->updates);
	metrics_register(e->metrics, METRICS_COUNTER, "xarb_opps_total",
	    "Opportunity events published.", "type=\"close\"", &ds->closes);
	metrics_register(e->metrics, METRICS_COUNTER, "xarb_ring_lost_total",
	    "Ring events a reader lost to overrun.", "reader=\"status\"",
	    &e->status_rd.lost);
	metrics_register(e->metrics, METRICS_COUNTER,
	    "xarb_instrument_meta_failures_total",
	    "Venues whose instruments endpoint failed at start.", "",
	    &e->meta_failures);
	if (e->redis != NULL)
		engine_register_redis_metrics(e);
	for (s = 0; s < STAGE_COUNT; s++)
		metrics_register_hist(e->metrics, "xarb_stage_latency_ns",
		    "Per-stage latency of the market-data pipeline.",
		    stage_labels[s], &e->stage[s]);
}

static int
engine_new_source(struct engine *e, char **cause)
{
	struct pricegen_params gp;
	const struct config *cfg = e->cfg;
	unsigned v, i;

	memset(&gp, 0, sizeof gp);
	gp.ninst = symbols_count(e->symbols);
	e->bases = xcalloc(gp.ninst, sizeof *e->bases);
	for (i = 0; i < gp.ninst; i++)
		e->bases[i] = symbols_base(e->symbols, (inst_id)i);
	gp.bases = e->bases;
	for (v = 0; v < VENUE_COUNT; v++) {
		if (cfg->venue[v].enabled) {
			gp.venues |= 1u << v;
			e->demo_venues++;
		}
	}
	gp.seed = (uint64_t)cfg->demo_seed;
	gp.volatility_bps = cfg->demo_volatility_bps;
	gp.dislocation_every_s = cfg->demo_dislocation_every_s;
	gp.dislocation_bps = cfg->demo_dislocation_bps;
	gp.dislocation_s = cfg->demo_dislocation_s;
	gp.funding_every_s = cfg->demo_funding_every_s;
	gp.funding_jump_8h = cfg->demo_funding_jump_bps / 10000.0;
	if ((e->gen = pricegen_new(&gp, engine_now())) == NULL) {
		xasprintf(cause, "demo: no enabled venue to simulate");
		return (-1);
	}
	return (0);
}

/* A venue's normalised update: the hot path from the socket read. */
static void
engine_venue_update(void *arg, enum venue_id v, const struct venue_update *up,
    int64_t recv_ts, int64_t parse_ts)
{
	struct engine *e = arg;
	int64_t now = engine_now();

	/* Frames that arrive during the close handshakes change nothing:
	 * every opportunity was closed (shutdown) when stopping began. */
	if (e->stopping)
		return;
	/* From the parser's start to here (later updates of a message
	 * also count the earlier ones' book and detection). */
	metrics_hist_record(&e->stage[STAGE_PARSE],
	    (uint64_t)(now > parse_ts ? now - parse_ts : 0));
	engine_on_update(e, up->inst, v, &up->u, recv_ts);
}

/*
 * A venue's connection state.  RESYNCING and DOWN apply to all its
 * quotes at once and close their opportunities; LIVE comes per quote
 * with each snapshot-backed update, never wholesale, so an instrument
 * without a fresh snapshot stays out of detection.
 */
static void
engine_venue_state(void *arg, enum venue_id v, enum quote_state st)
{
	struct engine *e = arg;

	log_info("venue %s: %s", venues_name(v), book_state_name(st));
	if (st == QUOTE_LIVE)
		return;
	book_set_state(e->book, v, st);
	e->stats.events += detect_venue_down(e->detect, v, engine_now());
}

static int
engine_new_venues(struct engine *e, char **cause)
{
	const struct venue_sink sink = {
		.update = engine_venue_update,
		.state = engine_venue_state,
		.arg = e,
		.frame_hist = &e->stage[STAGE_FRAME],
	};
	unsigned v;

	if ((e->tls = tls_ctx_client(e->cfg->tls_ca_file, cause)) == NULL)
		return (-1);
	/*
	 * Contract sizes, funding intervals and listings first: the venues
	 * pick their instruments from the symbols table as they are made.
	 */
	meta_load(e->reactor, e->tls, e->cfg, e->symbols, &e->meta);
	e->meta_failures = e->meta.failures;
	log_info("instruments: metadata in %.0f ms (%zu bytes): %u fetched, "
		 "%u failed, %u from the cache, %u built-in",
	    e->meta.fetch_ms, e->meta.bytes, e->meta.fetched, e->meta.failures,
	    e->meta.cached, e->meta.builtin);
	for (v = 0; v < VENUE_COUNT; v++) {
		if (!e->cfg->venue[v].enabled)
			continue;
		if (venue_table[v] == NULL) {
			log_warn("venue %s: no adapter in this build yet; "
				 "not connected",
			    venues_name(v));
			continue;
		}
		if ((e->venue[v] = venue_new(e->reactor, e->tls, e->cfg,
			 e->symbols, (enum venue_id)v, &sink, cause)) == NULL)
			return (-1);
	}
	return (0);
}

struct engine *
engine_new(const struct config *cfg, const struct engine_opts *opts,
    char **cause)
{
	struct engine *e;
	struct detect_params dp;
	struct reactor_hooks hooks = {
		.reload = engine_reload,
		.dump = engine_dump,
		.stopping = engine_stopping,
		.before_sleep = engine_before_sleep,
	};

	e = xcalloc(1, sizeof *e);
	e->cfg = cfg;
	e->opts = *opts;
	hooks.arg = e;
	/* Our close frames' answers, plus a little for the rest. */
	hooks.grace = (double)cfg->net_close_timeout_ms / 1000.0 + 0.5;
	if ((e->reactor = reactor_new(&hooks, cause)) == NULL)
		goto fail;
	e->loop = reactor_loop(e->reactor);
	if ((e->symbols = symbols_new(cfg, cause)) == NULL)
		goto fail;
	e->book = book_new(symbols_count(e->symbols));
	if ((e->ring = ring_new((uint64_t)cfg->ring_slots)) == NULL) {
		xasprintf(cause, "ring: cannot allocate %lld slots",
		    (long long)cfg->ring_slots);
		goto fail;
	}
	detect_params_from_config(&dp, cfg);
	e->detect = detect_new(e->book, e->ring, &dp);
	detect_set_publish_hist(e->detect, &e->stage[STAGE_PUBLISH]);
	if (ring_reader_init(&e->status_rd, e->ring, RING_WAIT_SPIN) != 0) {
		xasprintf(cause, "ring: no reader slot for the status reader");
		goto fail;
	}
	e->status_rd_ok = 1;
	/* Its ring reader exists from here on: it sees every event. */
	if (*cfg->redis_url != '\0' &&
	    ((e->redis = sink_redis_new(cfg, e->ring, e->book, e->symbols,
		  cause)) == NULL ||
		sink_redis_start(e->redis, cause) != 0))
		goto fail;
	engine_add_reader(e, "status", &e->status_rd.lost);
	if (e->redis != NULL)
		engine_add_reader(e, "redis", sink_redis_ring_lost(e->redis));
	engine_register_metrics(e);
	if (opts->demo && engine_new_source(e, cause) != 0)
		goto fail;
	if (opts->venues && engine_new_venues(e, cause) != 0)
		goto fail;
	e->status_interval = (double)cfg->status_interval_s;
	return (e);

fail:
	engine_free(e);
	return (NULL);
}

static void
engine_stop_watchers(struct engine *e)
{
	if (e->loop == NULL)
		return;
	ev_timer_stop(e->loop, &e->demo_timer);
	ev_timer_stop(e->loop, &e->sweep_timer);
	ev_timer_stop(e->loop, &e->drain_timer);
	ev_timer_stop(e->loop, &e->run_for_timer);
}

void
engine_free(struct engine *e)
{
	unsigned v;

	if (e == NULL)
		return;
	engine_stop_watchers(e);
	if (e->status_rd_ok)
		ring_reader_fini(&e->status_rd);
	sink_redis_free(e->redis);
	for (v = 0; v < VENUE_COUNT; v++)
		venue_free(e->venue[v]);
	SSL_CTX_free(e->tls);
	pricegen_free(e->gen);
	free(e->bases);
	metrics_free(e->metrics);
	detect_free(e->detect);
	ring_free(e->ring);
	book_free(e->book);
	symbols_free(e->symbols);
	reactor_free(e->reactor);
	free(e);
}

void
engine_set_status_cb(struct engine *e, engine_status_cb cb, void *arg)
{
	e->status_cb = cb;
	e->status_arg = arg;
}

const struct sink_redis_stats *
engine_redis_stats(const struct engine *e)
{
	return (e->redis != NULL ? sink_redis_get_stats(e->redis) : NULL);
}

void
engine_add_reader(struct engine *e, const char *name, const uint64_t *lost)
{
	if (e->nreaders == SNAP_READERS_MAX) {
		log_warn("engine: ring reader %s not in the metrics (more "
			 "than %d readers)",
		    name, SNAP_READERS_MAX);
		return;
	}
	e->reader_name[e->nreaders] = name;
	e->reader_lost[e->nreaders++] = lost;
}

const char *const *
engine_reader_names(const struct engine *e)
{
	return (e->reader_name);
}

void
engine_read_snap(const struct engine *e, struct snap *out)
{
	snap_read(&e->snap, out);
}

struct ring *
engine_ring(struct engine *e)
{
	return (e->ring);
}

struct book *
engine_book(struct engine *e)
{
	return (e->book);
}

const struct symbols *
engine_symbols(struct engine *e)
{
	return (e->symbols);
}

const struct engine_stats *
engine_get_stats(const struct engine *e)
{
	return (&e->stats);
}

const struct meta_stats *
engine_meta_stats(const struct engine *e)
{
	return (&e->meta);
}

const struct metrics_hist *
engine_stage_hist(const struct engine *e, enum metrics_stage s)
{
	return (&e->stage[s]);
}

void
engine_on_update(struct engine *e, inst_id i, enum venue_id v,
    const struct quote_update *u, int64_t read_ts)
{
	int64_t t_in = engine_now(), t_book, t_done;

	book_apply(e->book, i, v, u, read_ts);
	t_book = engine_now();
	e->stats.events += detect_on_quote(e->detect, i, v, t_book, read_ts);
	t_done = engine_now();
	metrics_inc(&e->stats.msgs);
	metrics_hist_record(&e->stage[STAGE_BOOK],
	    (uint64_t)(t_book > t_in ? t_book - t_in : 0));
	metrics_hist_record(&e->stage[STAGE_DETECT],
	    (uint64_t)(t_done > t_book ? t_done - t_book : 0));
	metrics_hist_record(&e->stage[STAGE_TOTAL],
	    (uint64_t)(t_done > read_ts ? t_done - read_ts : 0));
}

/*
 * Demo source: produces the ticks due since the start at [demo] rate per
 * venue, in one batch per timer firing.
 */
static void
engine_demo_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct engine *e = container_of(w, struct engine, demo_timer);
	struct pricegen_tick t;
	int64_t now = engine_now(), due;
	unsigned n = 0;

	(void)loop;
	(void)revents;
	due = (int64_t)((double)(now - e->demo_start_ns) / (double)NS_PER_S *
	    (double)e->cfg->demo_rate * e->demo_venues);
	while ((int64_t)e->demo_done < due && n < ENGINE_DEMO_BATCH_MAX) {
		now = engine_now();
		pricegen_next(e->gen, now, &t);
		e->venue_live |= 1u << t.venue;
		engine_on_update(e, t.inst, t.venue, &t.u, now);
		e->demo_done++;
		n++;
	}
	if ((int64_t)e->demo_done < due) /* fell behind: do not spiral */
		e->demo_done = (uint64_t)due;
}

static void
engine_sweep_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct engine *e = container_of(w, struct engine, sweep_timer);

	(void)loop;
	(void)revents;
	e->stats.events += detect_sweep(e->detect, engine_now());
}

/* Reads the ring like any consumer would, counting what it sees. */
static void
engine_drain(struct engine *e)
{
	struct opp_event ev;

	while (ring_reader_next(&e->status_rd, &ev)) {
		if (ev.type == OPP_OPEN)
			e->stats.seen_open++;
		else if (ev.type == OPP_UPDATE)
			e->stats.seen_update++;
		else if (ev.type == OPP_CLOSE)
			e->stats.seen_close++;
	}
}

/* The newest quote of v with a venue timestamp: receive minus venue time. */
static int64_t
engine_venue_skew(struct engine *e, enum venue_id v)
{
	const struct quote *q;
	int64_t newest = 0, skew = SNAP_SKEW_UNKNOWN;
	unsigned i, n = symbols_count(e->symbols);

	/* The reactor writes the quotes, so it reads them plainly. */
	for (i = 0; i < n; i++) {
		q = book_quote(e->book, (inst_id)i, v);
		if (q->exch_ts != 0 && q->recv_ts > newest) {
			newest = q->recv_ts;
			skew = q->recv_ts - q->exch_ts;
		}
	}
	return (skew);
}

/* No stream open and one connecting, upgrading or backing off. */
static int
engine_venue_connecting(const struct venue *vn)
{
	enum ws_state st;
	unsigned k;
	int trying = 0;

	for (k = 0; venue_stream_stats(vn, k) != NULL; k++) {
		st = venue_stream_state(vn, k);
		if (st == WS_OPEN)
			return (0);
		trying |= st == WS_CONNECTING || st == WS_UPGRADING ||
		    st == WS_WAITING;
	}
	return (trying);
}

static void
engine_snap_venue(struct engine *e, enum venue_id v, struct snap_venue *sv)
{
	const struct ws_stats *ws;
	struct venue_stats vs;
	unsigned k, d;

	sv->enabled = e->cfg->venue[v].enabled != 0;
	sv->skew_ns = SNAP_SKEW_UNKNOWN;
	if (e->venue[v] == NULL) {
		/* The in-memory generator: live once it produced a tick. */
		sv->up = (e->venue_live >> v) & 1;
		return;
	}
	venue_get_stats(e->venue[v], &vs);
	sv->connected = 1;
	sv->up = vs.state == QUOTE_LIVE;
	sv->msgs = vs.msgs;
	for (d = 0; d < SNAP_DROPS; d++)
		sv->drops[d] = vs.drops[d];
	sv->losses = vs.losses;
	sv->state = vs.state;
	snprintf(sv->last_error, sizeof sv->last_error, "%.*s",
	    (int)sizeof sv->last_error - 1, vs.last_error);
	for (k = 0; (ws = venue_stream_stats(e->venue[v], k)) != NULL; k++) {
		sv->reconnects += ws->reconnects;
		if (ws->last_msg_ts > sv->last_msg_ts)
			sv->last_msg_ts = ws->last_msg_ts;
	}
	sv->connecting = engine_venue_connecting(e->venue[v]);
	sv->skew_ns = engine_venue_skew(e, v);
}

/*
 * Copies the state other threads may read into the seqlock cell: every
 * drain period (100 ms), so a scrape is at most that old.  About 1 KiB
 * and a pass over the quotes; no lock, no allocation.
 */
static void
engine_publish_snap(struct engine *e)
{
	struct snap s;
	struct engine_status st;
	unsigned v, r;

	memset(&s, 0, sizeof s);
	engine_get_status(e, &st);
	s.gen = ++e->stats.snaps;
	s.start_ts = e->start_ns;
	s.taken_ts = engine_now();
	s.msgs = st.msgs;
	s.bad_msgs = st.bad_msgs;
	s.opens = st.opens;
	s.updates = st.updates;
	s.closes = st.closes;
	s.open_now = st.open_now;
	s.log_dropped = st.log_dropped;
	s.nreaders = e->nreaders;
	for (r = 0; r < e->nreaders; r++)
		s.ring_lost[r] =
		    __atomic_load_n(e->reader_lost[r], __ATOMIC_RELAXED);
	for (v = 0; v < VENUE_COUNT; v++)
		engine_snap_venue(e, (enum venue_id)v, &s.venue[v]);
	snap_publish(&e->snap, &s);
}

/* WATCHDOG=1 at half the interval systemd asked for. */
static void
engine_watchdog(struct engine *e, double now)
{
	if (e->wd_interval <= 0 || now - e->wd_last < e->wd_interval / 2)
		return;
	e->wd_last = now;
	if (notify_send("WATCHDOG=1") < 0)
		log_warn("systemd watchdog: %s", strerror(errno));
}

static void
engine_drain_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct engine *e = container_of(w, struct engine, drain_timer);
	struct engine_status st;
	double now = ev_now(loop);

	(void)revents;
	engine_drain(e);
	engine_publish_snap(e);
	engine_watchdog(e, now);
	if (e->status_cb == NULL || e->status_interval <= 0 ||
	    now - e->status_last < e->status_interval)
		return;
	e->status_rate =
	    (double)(e->stats.msgs - e->status_msgs) / (now - e->status_last);
	e->status_last = now;
	e->status_msgs = e->stats.msgs;
	engine_get_status(e, &st);
	e->status_cb(&st, e->status_arg);
}

/*
 * Before the loop sleeps: one ring_flush for everything published in
 * this iteration, so a sleeping reader costs a syscall per batch.
 */
static void
engine_before_sleep(void *arg)
{
	struct engine *e = arg;

	ring_flush(e->ring);
}

static void
engine_run_for_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct engine *e = container_of(w, struct engine, run_for_timer);

	(void)loop;
	(void)revents;
	log_info("engine: --run-for %.3g s elapsed, stopping", e->opts.run_for);
	engine_stop(e);
}

/* SIGHUP: re-read the file; apply the reloadable settings if it is good. */
static void
engine_reload(void *arg)
{
	struct engine *e = arg;
	struct config_errors errs = { NULL, 0 };
	struct config *nc;
	struct detect_params dp;
	unsigned i;

	if (e->cfg->path == NULL) {
		log_warn("reload: no config file to re-read");
		return;
	}
	nc = config_new();
	if (config_load(nc, e->cfg->path, &errs) != 0) {
		for (i = 0; i < errs.n; i++)
			log_error("reload: %s", errs.msg[i]);
		log_warn("reload: %s has %u error(s); keeping the running "
			 "settings",
		    e->cfg->path, errs.n);
		config_errors_clear(&errs);
		config_free(nc);
		return;
	}
	detect_params_from_config(&dp, nc);
	detect_set_params(e->detect, &dp);
	log_set_level(nc->log_level + e->opts.verbose > LOG_LEVEL_TRACE
		? LOG_LEVEL_TRACE
		: (enum log_level)(nc->log_level + e->opts.verbose));
	if (log_open(nc->log_file) != 0)
		log_warn("reload: log file %s: %s", nc->log_file,
		    strerror(errno));
	e->status_interval = (double)nc->status_interval_s;
	config_free(nc);
	log_info("reload: %s applied (detector thresholds, fees, log, "
		 "status interval)",
	    e->cfg->path);
}

static void
engine_dump(void *arg)
{
	struct engine *e = arg;
	char *buf, *line, *last;
	size_t need;

	need = metrics_render(e->metrics, NULL, 0) + 1;
	if ((buf = malloc(need)) == NULL) {
		log_warn("state dump: out of memory");
		return;
	}
	metrics_render(e->metrics, buf, need);
	log_info("state dump: %u open opportunities, ring head %llu",
	    detect_open_count(e->detect),
	    (unsigned long long)ring_head(e->ring));
	/* One log line per metric line: a log line is at most 1 KiB. */
	for (line = strtok_r(buf, "\n", &last); line != NULL;
	     line = strtok_r(NULL, "\n", &last)) {
		if (*line != '#')
			log_info("state: %s", line);
	}
	free(buf);
}

void
engine_stop(struct engine *e)
{
	reactor_shutdown(e->reactor,
	    (double)e->cfg->net_close_timeout_ms / 1000.0 + 0.5);
}

/* Shutdown began: no new data. */
static void
engine_stopping(void *arg)
{
	struct engine *e = arg;
	struct engine_status st;

	/* The summary reports the venues live until now, not the closes. */
	engine_get_status(e, &st);
	e->live_at_stop = st.venues_live;
	e->stopping = 1;
	if (e->gen != NULL)
		ev_timer_stop(e->loop, &e->demo_timer);
	/* Before the venues close, or their going down would be the
	 * reason given. */
	e->stats.events +=
	    detect_close_all(e->detect, OPP_REASON_SHUTDOWN, engine_now());
	ring_flush(e->ring);
	if (notify_send("STOPPING=1") < 0)
		log_warn("systemd notify: %s", strerror(errno));
}

/* Under systemd (Type=notify): ready, and the watchdog if asked. */
static void
engine_notify_ready(struct engine *e)
{
	uint64_t us = notify_watchdog_usec();
	int rv;

	if ((rv = notify_send("READY=1")) < 0)
		log_warn("systemd notify: %s", strerror(errno));
	else if (rv > 0)
		log_info("systemd: READY=1 sent%s",
		    us != 0 ? ", watchdog on" : "");
	e->wd_interval = (double)us / 1e6;
	e->wd_last = ev_now(e->loop);
}

static void
engine_start(struct engine *e)
{
	unsigned v;

	/* Timers count from now, not from the loop's cached time. */
	ev_now_update(e->loop);
	e->start_ns = engine_now();
	e->status_last = ev_now(e->loop);
	if (e->gen != NULL) {
		e->demo_start_ns = e->start_ns;
		ev_timer_init(&e->demo_timer, engine_demo_cb, 0.0,
		    ENGINE_DEMO_PERIOD);
		ev_timer_start(e->loop, &e->demo_timer);
	}
	ev_timer_init(&e->sweep_timer, engine_sweep_cb,
	    (double)e->cfg->sweep_ms / 1000.0,
	    (double)e->cfg->sweep_ms / 1000.0);
	ev_timer_start(e->loop, &e->sweep_timer);
	ev_timer_init(&e->drain_timer, engine_drain_cb, ENGINE_DRAIN_PERIOD,
	    ENGINE_DRAIN_PERIOD);
	ev_timer_start(e->loop, &e->drain_timer);
	if (e->opts.run_for > 0) {
		ev_timer_init(&e->run_for_timer, engine_run_for_cb,
		    e->opts.run_for, 0.0);
		ev_timer_start(e->loop, &e->run_for_timer);
	}
	for (v = 0; v < VENUE_COUNT; v++) {
		if (e->venue[v] != NULL)
			venue_start(e->venue[v]);
	}
	engine_publish_snap(e);
	/* Signals are handled from here on (tests wait for this line). */
	log_info("engine: running: %u instruments, %s source",
	    symbols_count(e->symbols),
	    e->gen != NULL	 ? "demo"
		: e->opts.venues ? "venues"
				 : "no");
	engine_notify_ready(e);
}

int
engine_run(struct engine *e)
{
	engine_start(e);
	reactor_run(e->reactor);
	engine_stop_watchers(e);
	e->stats.events +=
	    detect_close_all(e->detect, OPP_REASON_SHUTDOWN, engine_now());
	ring_flush(e->ring);
	engine_drain(e);
	/* Shutdown's CLOSEs included, bounded: Redis may be gone. */
	sink_redis_stop(e->redis, ENGINE_REDIS_DRAIN);
	engine_publish_snap(e);
	return (e->failed ? -1 : 0);
}

void
engine_get_status(struct engine *e, struct engine_status *st)
{
	const struct detect_stats *ds = detect_get_stats(e->detect);
	struct venue_stats vs;
	struct log_stats ls;
	unsigned v, d;

	memset(st, 0, sizeof *st);
	st->uptime_s = (double)(engine_now() - e->start_ns) / (double)NS_PER_S;
	st->msgs = e->stats.msgs;
	st->msgs_per_s = e->status_rate;
	for (v = 0; v < VENUE_COUNT; v++) {
		if (!e->cfg->venue[v].enabled)
			continue;
		st->venues_enabled++;
		if (e->venue[v] != NULL) {
			venue_get_stats(e->venue[v], &vs);
			st->venues_live += vs.state == QUOTE_LIVE;
			for (d = 0; d < VENUE_DROP_COUNT; d++)
				st->bad_msgs += vs.drops[d];
		} else
			st->venues_live += (e->venue_live >> v) & 1;
	}
	st->opens = ds->opens;
	st->updates = ds->updates;
	st->closes = ds->closes;
	if (e->stopping)
		st->venues_live = e->live_at_stop;
	st->open_now = detect_open_count(e->detect);
	st->ring_lost = e->status_rd.lost;
	log_get_stats(&ls);
	st->log_dropped = ls.dropped;
	st->bad_msgs += e->stats.bad_msgs;
	st->mode = e->opts.live ? "live" : "paper";
}

int
engine_venue_stats(const struct engine *e, enum venue_id v,
    struct venue_stats *vs)
{
	if ((unsigned)v >= VENUE_COUNT || e->venue[v] == NULL)
		return (-1);
	venue_get_stats(e->venue[v], vs);
	return (0);
}

static void engine_venue_msgs(struct engine *, char *, size_t);
static void engine_redis_summary(struct engine *, char *, size_t);

void
engine_print_summary(struct engine *e, FILE *fp)
{
	struct engine_status st;
	char per[256], redis[192];

	engine_get_status(e, &st);
	engine_venue_msgs(e, per, sizeof per);
	engine_redis_summary(e, redis, sizeof redis);
	fprintf(fp,
	    "xarb: summary: seconds=%.1f venues_live=%u/%u msgs=%llu "
	    "opps_open=%llu opps_update=%llu opps_close=%llu fills=0 "
	    "dropped=%llu ring_lost=%llu bad_msgs=%llu detect_p99_ns=%llu "
	    "total_p99_ns=%llu%s%s%s\n",
	    st.uptime_s, st.venues_live, st.venues_enabled,
	    (unsigned long long)st.msgs, (unsigned long long)st.opens,
	    (unsigned long long)st.updates, (unsigned long long)st.closes,
	    (unsigned long long)st.ring_lost + st.log_dropped + st.bad_msgs,
	    (unsigned long long)st.ring_lost, (unsigned long long)st.bad_msgs,
	    (unsigned long long)metrics_hist_quantile(&e->stage[STAGE_DETECT],
		0.99),
	    (unsigned long long)metrics_hist_quantile(&e->stage[STAGE_TOTAL],
		0.99),
	    *per ? " venue_msgs=" : "", per, redis);
}

/* " redis_sent=... redis_dropped=...", or "" without a sink. */
static void
engine_redis_summary(struct engine *e, char *buf, size_t len)
{
	const struct sink_redis_stats *rs;

	buf[0] = '\0';
	if (e->redis == NULL)
		return;
	rs = sink_redis_get_stats(e->redis);
	snprintf(buf, len,
	    " redis_sent=%llu redis_acked=%llu redis_errors=%llu "
	    "redis_dropped=%llu redis_reconnects=%llu",
	    (unsigned long long)metrics_get(&rs->sent),
	    (unsigned long long)metrics_get(&rs->acked),
	    (unsigned long long)metrics_get(&rs->errors),
	    (unsigned long long)metrics_get(&rs->dropped),
	    (unsigned long long)metrics_get(&rs->reconnects));
}

/* "bybit:1234,okx:987": messages per connected venue, for the summary. */
static void
engine_venue_msgs(struct engine *e, char *buf, size_t len)
{
	struct venue_stats vs;
	size_t off = 0;
	unsigned v;
	int n;

	buf[0] = '\0';
	for (v = 0; v < VENUE_COUNT && off < len; v++) {
		if (e->venue[v] == NULL)
			continue;
		venue_get_stats(e->venue[v], &vs);
		n = snprintf(buf + off, len - off, "%s%s:%llu", off ? "," : "",
		    venues_name(v), (unsigned long long)vs.msgs);
		if (n < 0)
			break;
		off += (size_t)n;
	}
}
