/*
 * The dashboard's screen (tui_screen.h).  Everything curses happens on
 * the dashboard thread between tui_start() and tui_free(); the models
 * (tui_opps.c, tui_quotes.c) make the text, this file places it.
 */
#include "autoconf.h"

#include <curses.h>
#include <termios.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ev.h>

#include "xarb.h"
#include "book.h"
#include "config.h"
#include "engine.h"
#include "log.h"
#include "metrics.h"
#include "ring.h"
#include "snap.h"
#include "symbols.h"
#include "tui_opps.h"
#include "tui_quotes.h"
#include "tui_screen.h"
#include "venue.h"
#include "venues.h"
#include "xmalloc.h"

#define TUI_FRAME_S 0.1	  /* redraw period */
#define TUI_FILTER_MAX 31 /* characters of a filter */
#define TUI_LINE 512	  /* widest row we format */

enum tui_pane {
	TUI_PANE_OPPS = 1, /* the whole screen */
	TUI_PANE_CLOSED,
	TUI_PANE_VENUES,
	TUI_PANE_LATENCY,
	TUI_PANE_QUOTES,
	TUI_PANE_EXEC,
};

enum { TUI_C_BID = 1, TUI_C_ASK, TUI_C_STALE, TUI_C_TITLE };

struct tui {
	struct engine *e; /* borrowed */
	const struct symbols *sym;
	int64_t max_age_ns; /* [detector] max_quote_age_ms */
	struct ring_reader rd;
	int rd_ok;
	uint64_t lost_seen;
	struct tui_opps *opps; /* owned */
	unsigned *view;	       /* owned, TUI_OPPS_MAX */
	unsigned nview;
	enum tui_sort sort;
	char filter[TUI_FILTER_MAX + 1];
	int editing; /* typing a filter */
	char edit[TUI_FILTER_MAX + 1];
	unsigned sel; /* selected row of the view */
	enum tui_pane pane;
	int help, details, paused;
	char message[128]; /* one line, until the next key */
	struct snap snap, prev;
	int colours;

	struct ev_loop *loop; /* owned, the thread's */
	ev_timer frame;
	ev_io keys;
	ev_async stop;
	pthread_t thread;
	int running;
};

/*
 * Set while curses owns the terminal.  A fatal signal gives the terminal
 * back with async-signal-safe calls only: the tty modes saved before
 * curses took it (tcsetattr) and the terminal's own reset strings,
 * looked up in advance (write).
 */
static volatile sig_atomic_t tui_active;
static struct termios tui_tio;
static int tui_have_tio;
static char tui_reset[128];
static size_t tui_reset_len;

static void
tui_fatal(int sig)
{
	if (tui_active) {
		if (tui_have_tio)
			(void)tcsetattr(STDIN_FILENO, TCSANOW, &tui_tio);
		if (tui_reset_len > 0)
			(void)write(STDOUT_FILENO, tui_reset, tui_reset_len);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Appends capability cap's string (if the terminal has one). */
static void
tui_reset_add(const char *cap)
{
	char *v = tigetstr(cap);
	size_t n;

	if (v == NULL || (intptr_t)v == -1) /* absent, or not a string */
		return;
	n = strlen(v);
	if (tui_reset_len + n < sizeof tui_reset) {
		memcpy(tui_reset + tui_reset_len, v, n);
		tui_reset_len += n;
	}
}

struct tui *
tui_new(struct engine *e, const struct config *cfg, char **cause)
{
	struct tui *t = xcalloc(1, sizeof *t);

	t->e = e;
	t->sym = engine_symbols(e);
	t->max_age_ns = cfg->max_quote_age_ms * NS_PER_MS;
	t->opps = xcalloc(1, sizeof *t->opps);
	tui_opps_init(t->opps);
	t->view = xcalloc(TUI_OPPS_MAX, sizeof *t->view);
	t->pane = TUI_PANE_VENUES;
	if (ring_reader_init(&t->rd, engine_ring(e), RING_WAIT_SPIN) != 0) {
		xasprintf(cause, "dashboard: no ring reader slot left");
		tui_free(t);
		return (NULL);
	}
	t->rd_ok = 1;
	return (t);
}

/* --- drawing --- */

static void
tui_line(int y, int attr, const char *s)
{
	if (y < 0 || y >= LINES)
		return;
	move(y, 0);
	clrtoeol();
	attron(attr);
	addnstr(s, COLS);
	attroff(attr);
}

static void
tui_hms(double s, char *buf, size_t len)
{
	long v = s > 0 ? (long)s : 0;

	snprintf(buf, len, "%ld:%02ld:%02ld", v / 3600, v / 60 % 60, v % 60);
}

static unsigned
tui_venues_live(const struct snap *s, unsigned *enabled)
{
	unsigned v, live = 0;

	*enabled = 0;
	for (v = 0; v < VENUE_COUNT; v++) {
		*enabled += s->venue[v].enabled != 0;
		live += s->venue[v].up != 0;
	}
	return (live);
}

static void
tui_draw_status(struct tui *t)
{
	char line[TUI_LINE], up[32];
	unsigned live, enabled;
	uint64_t lost = 0, k;

	live = tui_venues_live(&t->snap, &enabled);
	for (k = 0; k < t->snap.nreaders && k < SNAP_READERS_MAX; k++)
		lost += t->snap.ring_lost[k];
	tui_hms((double)(t->snap.taken_ts - t->snap.start_ts) / NS_PER_S, up,
	    sizeof up);
	snprintf(line, sizeof line,
	    " xarb  up %s  venues %u/%u live  msgs %llu  open %llu  "
	    "opens %llu closes %llu  ring lost %llu  bad %llu%s  executor: "
	    "not built  redis: %s ",
	    up, live, enabled, (unsigned long long)t->snap.msgs,
	    (unsigned long long)t->snap.open_now,
	    (unsigned long long)t->snap.opens,
	    (unsigned long long)t->snap.closes, (unsigned long long)lost,
	    (unsigned long long)t->snap.bad_msgs, t->paused ? "  [PAUSED]" : "",
	    engine_redis_stats(t->e) == NULL ? "off" : "on");
	tui_line(0, A_REVERSE, line);
}

static void
tui_draw_opps(struct tui *t, int y, int h)
{
	char line[TUI_LINE];
	int64_t now = engine_now();
	unsigned k;
	int attr;

	t->nview = tui_opps_view(t->opps, t->sym, t->sort, t->filter, t->view,
	    TUI_OPPS_MAX);
	if (t->sel >= t->nview)
		t->sel = t->nview > 0 ? t->nview - 1 : 0;
	snprintf(line, sizeof line,
	    "1 Opportunities: %u shown of %u open  sort: %s  filter: %s%s",
	    t->nview, t->opps->nlive, tui_sort_name(t->sort),
	    t->editing	     ? t->edit
		: *t->filter ? t->filter
			     : "(none)",
	    t->editing ? "_  (Enter apply, Esc cancel)" : "");
	tui_line(y, A_BOLD | COLOR_PAIR(t->colours ? TUI_C_TITLE : 0), line);
	tui_opps_format(NULL, t->sym, 0, (unsigned)COLS, line, sizeof line);
	tui_line(y + 1, A_UNDERLINE, line);
	for (k = 0; k + 2 < (unsigned)h; k++) {
		if (k >= t->nview) {
			tui_line(y + 2 + (int)k, 0, k == 0 ? "  (none)" : "");
			continue;
		}
		tui_opps_format(&t->opps->live[t->view[k]], t->sym, now,
		    (unsigned)COLS, line, sizeof line);
		attr = k == t->sel ? A_REVERSE : 0;
		if (t->colours &&
		    now - t->opps->live[t->view[k]].ev.open_ts > TUI_STALE_NS)
			attr |= COLOR_PAIR(TUI_C_STALE);
		tui_line(y + 2 + (int)k, attr, line);
	}
}

static void
tui_draw_closed(struct tui *t, int y, int h)
{
	char line[TUI_LINE];
	int k;

	tui_line(y, A_BOLD, "2 Recently closed");
	tui_opps_format_closed(NULL, t->sym, (unsigned)COLS, line, sizeof line);
	tui_line(y + 1, A_UNDERLINE, line);
	for (k = 0; k + 2 < h; k++) {
		const struct tui_closed *c =
		    tui_opps_closed(t->opps, (unsigned)k);

		if (c == NULL) {
			tui_line(y + 2 + k, 0, "");
			continue;
		}
		tui_opps_format_closed(c, t->sym, (unsigned)COLS, line,
		    sizeof line);
		tui_line(y + 2 + k, 0, line);
	}
}

static const char *
tui_venue_state(const struct snap_venue *v)
{
	if (!v->enabled)
		return ("off");
	if (!v->connected)
		return ("no adapter");
	if (v->connecting && v->state != QUOTE_LIVE)
		return ("connecting");
	return (book_state_name((unsigned)v->state));
}

static void
tui_draw_venues(struct tui *t, int y, int h)
{
	const struct snap_venue *v, *p;
	char line[TUI_LINE], age[24], skew[24];
	double dt = (double)(t->snap.taken_ts - t->prev.taken_ts) / NS_PER_S;
	uint64_t drops;
	unsigned k, d;

	tui_line(y, A_BOLD, "3 Venues");
	snprintf(line, sizeof line,
	    "%-12s %-10s %10s %8s %9s %7s %6s %9s %6s  %s", "VENUE", "STATE",
	    "MSGS", "MSG/S", "LAST MSG", "RECONN", "LOST", "SKEW", "DROPS",
	    "LAST ERROR");
	tui_line(y + 1, A_UNDERLINE, line);
	for (k = 0; k < VENUE_COUNT && (int)k + 2 < h; k++) {
		v = &t->snap.venue[k];
		p = &t->prev.venue[k];
		for (drops = 0, d = 0; d < SNAP_DROPS; d++)
			drops += v->drops[d];
		if (v->last_msg_ts > 0)
			snprintf(age, sizeof age, "%.1fs",
			    (double)(t->snap.taken_ts - v->last_msg_ts) /
				NS_PER_S);
		else
			snprintf(age, sizeof age, "-");
		if (v->skew_ns != SNAP_SKEW_UNKNOWN)
			snprintf(skew, sizeof skew, "%.1fms",
			    (double)v->skew_ns / NS_PER_MS);
		else
			snprintf(skew, sizeof skew, "-");
		snprintf(line, sizeof line,
		    "%-12s %-10s %10llu %8.0f %9s %7llu %6llu %9s %6llu  %s",
		    venues_name(k), tui_venue_state(v),
		    (unsigned long long)v->msgs,
		    dt > 0 && v->msgs >= p->msgs
			? (double)(v->msgs - p->msgs) / dt
			: 0.0,
		    age, (unsigned long long)v->reconnects,
		    (unsigned long long)v->losses, skew,
		    (unsigned long long)drops,
		    v->state == QUOTE_LIVE ? "" : v->last_error);
		tui_line(y + 2 + (int)k,
		    v->enabled && !v->up && t->colours ? COLOR_PAIR(TUI_C_STALE)
						       : 0,
		    line);
	}
}

static void
tui_draw_latency(struct tui *t, int y, int h)
{
	static const enum metrics_stage stages[] = { STAGE_FRAME, STAGE_PARSE,
		STAGE_BOOK, STAGE_DETECT, STAGE_PUBLISH, STAGE_TOTAL };
	const struct metrics_hist *hg;
	char line[TUI_LINE];
	unsigned k;

	tui_line(y, A_BOLD,
	    "4 Latency, ns (socket read -> frame -> parse -> book -> detect "
	    "-> publish)");
	snprintf(line, sizeof line, "%-10s %12s %10s %10s %10s %10s", "STAGE",
	    "COUNT", "P50", "P99", "P999", "MAX");
	tui_line(y + 1, A_UNDERLINE, line);
	for (k = 0; k < nitems(stages) && (int)k + 2 < h; k++) {
		hg = engine_stage_hist(t->e, stages[k]);
		snprintf(line, sizeof line,
		    "%-10s %12llu %10llu %10llu %10llu %10llu",
		    metrics_stage_name(stages[k]),
		    (unsigned long long)hg->count,
		    (unsigned long long)metrics_hist_quantile(hg, 0.5),
		    (unsigned long long)metrics_hist_quantile(hg, 0.99),
		    (unsigned long long)metrics_hist_quantile(hg, 0.999),
		    (unsigned long long)hg->max);
		tui_line(y + 2 + (int)k, 0, line);
	}
	if ((int)k + 2 < h)
		tui_line(y + 2 + (int)k, 0,
		    "executor (ring read -> order sent): not in this build");
}

static void
tui_draw_quotes(struct tui *t, int y, int h)
{
	struct tui_quote_row r;
	char line[TUI_LINE];
	int64_t now = engine_now();
	unsigned i, n = symbols_count(t->sym);
	int grid = (unsigned)COLS >= tui_quotes_column(VENUE_COUNT);

	tui_line(y, A_BOLD,
	    "5 Quotes (best usable bid '>' and ask '<' across venues)");
	tui_quotes_format(NULL, t->sym, (unsigned)COLS, line, sizeof line);
	tui_line(y + 1, A_UNDERLINE, line);
	for (i = 0; i < n && (int)i + 2 < h; i++) {
		tui_quotes_read(engine_book(t->e), (inst_id)i, now,
		    t->max_age_ns, &r);
		tui_quotes_format(&r, t->sym, (unsigned)COLS, line,
		    sizeof line);
		tui_line(y + 2 + (int)i, 0, line);
		if (!grid || !t->colours)
			continue;
		if (r.best_bid >= 0)
			mvchgat(y + 2 + (int)i,
			    (int)tui_quotes_column((enum venue_id)r.best_bid),
			    TUI_QUOTE_CELL, A_BOLD, TUI_C_BID, NULL);
		if (r.best_ask >= 0 && r.best_ask != r.best_bid)
			mvchgat(y + 2 + (int)i,
			    (int)tui_quotes_column((enum venue_id)r.best_ask),
			    TUI_QUOTE_CELL, A_BOLD, TUI_C_ASK, NULL);
	}
}

static void
tui_draw_exec(int y)
{
	tui_line(y, A_BOLD, "6 Executor");
	tui_line(y + 1, 0,
	    "  not in this build: opportunities are detected and published, "
	    "not traded.");
	tui_line(y + 2, 0,
	    "  mode: paper   positions: none   PnL: n/a   kill switch: n/a");
}

static void
tui_draw_lower(struct tui *t, int y, int h)
{
	switch (t->pane) {
	case TUI_PANE_CLOSED:
		tui_draw_closed(t, y, h);
		break;
	case TUI_PANE_LATENCY:
		tui_draw_latency(t, y, h);
		break;
	case TUI_PANE_QUOTES:
		tui_draw_quotes(t, y, h);
		break;
	case TUI_PANE_EXEC:
		tui_draw_exec(y);
		break;
	case TUI_PANE_VENUES:
	case TUI_PANE_OPPS:
	default:
		tui_draw_venues(t, y, h);
		break;
	}
}

/* A centred box of lines over the panes. */
static void
tui_draw_box(const char *const *lines, unsigned n)
{
	unsigned k, w = 0;
	int y0, x0;

	for (k = 0; k < n; k++)
		if (strlen(lines[k]) > w)
			w = (unsigned)strlen(lines[k]);
	y0 = (LINES - (int)n - 2) / 2;
	x0 = (COLS - (int)w - 4) / 2;
	if (y0 < 1)
		y0 = 1;
	if (x0 < 0)
		x0 = 0;
	for (k = 0; k < n + 2 && y0 + (int)k < LINES; k++) {
		move(y0 + (int)k, x0);
		attron(A_REVERSE);
		printw(" %-*.*s ", (int)w + 2, COLS > 4 ? COLS - 4 : 0,
		    k == 0 || k == n + 1 ? "" : lines[k - 1]);
		attroff(A_REVERSE);
	}
}

static void
tui_draw_help(void)
{
	static const char *const help[] = {
		"Keys",
		"  q        quit (as SIGTERM: opportunities close, summary)",
		"  ?        this help",
		"  j k      select (arrows too)",
		"  Enter    details of the selected opportunity",
		"  s        cycle sort: net, confidence, age, instrument",
		"  /        filter by instrument or venue (empty: all)",
		"  p        pause the display (the engine runs on)",
		"  K        kill switch (the executor is not in this build)",
		"  1        opportunities only",
		"  2 - 6    closed, venues, latency, quotes, executor",
	};

	tui_draw_box(help, nitems(help));
}

static void
tui_draw_details(struct tui *t)
{
	char l[12][96];
	const char *lines[12];
	const struct opp_event *ev;
	unsigned k;

	if (t->sel >= t->nview)
		return;
	ev = &t->opps->live[t->view[t->sel]].ev;
	snprintf(l[0], sizeof l[0], "Opportunity %llu: %s",
	    (unsigned long long)ev->id,
	    symbols_canonical(t->sym, ev->inst, ev->buy_venue));
	snprintf(l[1], sizeof l[1], "  buy  %-12s ask %.6f  size %.6f",
	    venues_name(ev->buy_venue), (double)ev->buy_px / PX_SCALE,
	    (double)ev->buy_size / QTY_SCALE);
	snprintf(l[2], sizeof l[2], "  sell %-12s bid %.6f  size %.6f",
	    venues_name(ev->sell_venue), (double)ev->sell_px / PX_SCALE,
	    (double)ev->sell_size / QTY_SCALE);
	snprintf(l[3], sizeof l[3],
	    "  gross %.2f  fees %.2f  slippage %.2f  funding %.2f bps",
	    ev->gross_bps, ev->fee_bps, ev->slip_bps, ev->funding_bps);
	snprintf(l[4], sizeof l[4], "  net %.2f bps  confidence %.0f",
	    ev->net_bps, ev->confidence);
	snprintf(l[5], sizeof l[5],
	    "  notional %.2f  funding delta %.6f per 8 h", ev->notional,
	    ev->funding_delta);
	snprintf(l[6], sizeof l[6], "  updates %u  open for %.1f s",
	    ev->updates, (double)(engine_now() - ev->open_ts) / NS_PER_S);
	snprintf(l[7], sizeof l[7], "  (Enter or Esc to close)");
	for (k = 0; k < 8; k++)
		lines[k] = l[k];
	tui_draw_box(lines, 8);
}

static void
tui_draw(struct tui *t)
{
	int lower, opps_h, y;

	erase();
	tui_draw_status(t);
	if (t->pane == TUI_PANE_OPPS)
		lower = 0;
	else if (t->pane == TUI_PANE_QUOTES)
		lower = 2 + (int)symbols_count(t->sym);
	else if (t->pane == TUI_PANE_EXEC)
		lower = 3;
	else
		lower = 2 + VENUE_COUNT;
	if (lower > (LINES - 2) / 2)
		lower = (LINES - 2) / 2;
	opps_h = LINES - 2 - lower - (lower > 0 ? 1 : 0);
	tui_draw_opps(t, 1, opps_h);
	y = 1 + opps_h + 1;
	if (lower > 0)
		tui_draw_lower(t, y, lower);
	tui_line(LINES - 1, A_DIM,
	    *t->message ? t->message
			: " q quit  ? help  s sort  / filter  p pause  "
			  "1-6 panes  Enter details");
	if (t->help)
		tui_draw_help();
	else if (t->details)
		tui_draw_details(t);
	wnoutrefresh(stdscr);
	doupdate();
}

/* --- input --- */

static void
tui_key_filter(struct tui *t, int ch)
{
	size_t n = strlen(t->edit);

	if (ch == '\r' || ch == '\n' || ch == KEY_ENTER) {
		memcpy(t->filter, t->edit, sizeof t->filter);
		t->editing = 0;
		t->sel = 0;
	} else if (ch == 27) {
		t->editing = 0;
	} else if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
		if (n > 0)
			t->edit[n - 1] = '\0';
	} else if (ch >= 32 && ch < 127 && n < TUI_FILTER_MAX) {
		t->edit[n] = (char)ch;
		t->edit[n + 1] = '\0';
	}
}

static void
tui_key(struct tui *t, int ch)
{
	*t->message = '\0';
	if (t->editing) {
		tui_key_filter(t, ch);
		return;
	}
	if (t->help || t->details) {
		/* Any key closes an overlay; q still quits. */
		t->help = t->details = 0;
		if (ch != 'q')
			return;
	}
	switch (ch) {
	case 'q':
		snprintf(t->message, sizeof t->message, " stopping...");
		kill(getpid(), SIGTERM); /* the engine's own clean stop */
		break;
	case '?':
		t->help = 1;
		break;
	case 'j':
	case KEY_DOWN:
		if (t->sel + 1 < t->nview)
			t->sel++;
		break;
	case 'k':
	case KEY_UP:
		if (t->sel > 0)
			t->sel--;
		break;
	case '\r': /* Enter, with nonl() */
	case '\n':
	case KEY_ENTER:
		t->details = t->nview > 0;
		break;
	case 's':
		t->sort = (enum tui_sort)((t->sort + 1) % TUI_SORT_COUNT);
		break;
	case '/':
		t->editing = 1;
		memcpy(t->edit, t->filter, sizeof t->edit);
		break;
	case 'p':
		t->paused = !t->paused;
		break;
	case 'K':
		snprintf(t->message, sizeof t->message,
		    " kill switch: the executor is not in this build; "
		    "nothing trades");
		break;
	case KEY_RESIZE:
		break;
	default:
		if (ch >= '1' && ch <= '6')
			t->pane = (enum tui_pane)(ch - '0');
		break;
	}
}

/* --- the thread --- */

static void
tui_read_ring(struct tui *t)
{
	struct opp_event ev;

	while (ring_reader_next(&t->rd, &ev) == 1)
		tui_opps_apply(t->opps, &ev);
	if (t->rd.lost != t->lost_seen) {
		/* CLOSEs may be among the lost: rebuild from what follows. */
		tui_opps_forget_live(t->opps);
		snprintf(t->message, sizeof t->message,
		    " dashboard fell %llu events behind; open set rebuilt",
		    (unsigned long long)(t->rd.lost - t->lost_seen));
		t->lost_seen = t->rd.lost;
	}
}

/* Keys waiting, and KEY_RESIZE after a SIGWINCH.  1 if any. */
static int
tui_read_keys(struct tui *t)
{
	int ch, any = 0;

	while ((ch = getch()) != ERR) {
		tui_key(t, ch);
		any = 1;
	}
	return (any);
}

static void
tui_frame_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct tui *t = container_of(w, struct tui, frame);

	(void)loop;
	(void)revents;
	/* A resize comes as a key, even with no key pressed. */
	tui_read_keys(t);
	tui_read_ring(t); /* even when paused: the model stays current */
	if (t->paused)
		return;
	t->prev = t->snap;
	engine_read_snap(t->e, &t->snap);
	tui_draw(t);
}

static void
tui_keys_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct tui *t = container_of(w, struct tui, keys);

	(void)loop;
	(void)revents;
	if (tui_read_keys(t))
		tui_draw(t);
}

static void
tui_stop_cb(struct ev_loop *loop, ev_async *w, int revents)
{
	(void)w;
	(void)revents;
	ev_break(loop, EVBREAK_ALL);
}

static void *
tui_main(void *arg)
{
	struct tui *t = arg;

	ev_run(t->loop, 0);
	return (NULL);
}

static void
tui_curses_start(struct tui *t)
{
	tui_have_tio = tcgetattr(STDIN_FILENO, &tui_tio) == 0;
	initscr();
	tui_reset_len = 0;
	tui_reset_add("sgr0");	/* plain attributes */
	tui_reset_add("cnorm"); /* the cursor back */
	tui_reset_add("rmcup"); /* leave the alternate screen */
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	if (has_colors()) {
		start_color();
		use_default_colors();
		init_pair(TUI_C_BID, COLOR_GREEN, -1);
		init_pair(TUI_C_ASK, COLOR_RED, -1);
		init_pair(TUI_C_STALE, COLOR_YELLOW, -1);
		init_pair(TUI_C_TITLE, COLOR_CYAN, -1);
		t->colours = 1;
	}
	tui_active = 1;
	signal(SIGSEGV, tui_fatal);
	signal(SIGBUS, tui_fatal);
	signal(SIGFPE, tui_fatal);
	signal(SIGABRT, tui_fatal);
}

int
tui_start(struct tui *t, char **cause)
{
	sigset_t all, old;
	int err;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		xasprintf(cause,
		    "dashboard: standard input and output must "
		    "be a terminal");
		return (-1);
	}
	if ((t->loop = ev_loop_new(EVFLAG_AUTO)) == NULL) {
		xasprintf(cause, "dashboard: cannot create an event loop");
		return (-1);
	}
	tui_curses_start(t);
	ev_timer_init(&t->frame, tui_frame_cb, 0.0, TUI_FRAME_S);
	ev_timer_start(t->loop, &t->frame);
	ev_io_init(&t->keys, tui_keys_cb, STDIN_FILENO, EV_READ);
	ev_io_start(t->loop, &t->keys);
	ev_async_init(&t->stop, tui_stop_cb);
	ev_async_start(t->loop, &t->stop);
	/* Signals stay with the main thread (the reactor handles them). */
	sigfillset(&all);
	sigdelset(&all, SIGWINCH); /* curses resizes here */
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&t->thread, NULL, tui_main, t);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err != 0) {
		endwin();
		tui_active = 0;
		xasprintf(cause, "dashboard: thread: %s", strerror(err));
		return (-1);
	}
	t->running = 1;
	return (0);
}

void
tui_free(struct tui *t)
{
	if (t == NULL)
		return;
	if (t->running) {
		ev_async_send(t->loop, &t->stop);
		pthread_join(t->thread, NULL);
		t->running = 0;
	}
	if (tui_active) {
		endwin();
		tui_active = 0;
	}
	if (t->loop != NULL)
		ev_loop_destroy(t->loop);
	if (t->rd_ok)
		ring_reader_fini(&t->rd);
	free(t->view);
	free(t->opps);
	free(t);
}
