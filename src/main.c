/*
 * xarb: command line, start-up order, run, and teardown in reverse.
 *
 *   xarb [-hVv] [-c file] [--headless] [--demo] [--paper | --live]
 *        [--metrics addr:port] [--json] [--run-for seconds]
 *        [--check-config] [--show-config]
 *   xarb decode venue [file]
 *
 * Exit status: 0 success, 1 runtime failure, 64 usage, 65 bad input
 * data, 66 input missing, 69 feature not in this build, 78 bad config
 * (see xarb(1)).
 */
#include "autoconf.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xarb.h"
#include "config.h"
#include "decode.h"
#include "demo.h"
#include "engine.h"
#include "fsutil.h"
#include "exporter.h"
#include "headless.h"
#include "log.h"
#include "metrics.h"
#include "notify.h"
#include "prom.h"
#include "snap.h"
#include "tui/tui.h"
#include "tui/tui_screen.h"
#include "venue.h"
#include "venues.h"
#include "xmalloc.h"

#ifndef XARB_CONF
#define XARB_CONF "/etc/xarb.conf"
#endif

struct main_opts {
	const char *config;
	int headless;
	int demo;
	int paper;
	int live;
	double run_for;
	const char *metrics; /* --metrics, over [metrics] listen */
	int json;
	int check_config;
	int show_config;
	int verbose;
};

enum {
	OPT_HEADLESS = 256,
	OPT_DEMO,
	OPT_PAPER,
	OPT_LIVE,
	OPT_RUN_FOR,
	OPT_METRICS,
	OPT_JSON,
	OPT_CHECK_CONFIG,
	OPT_SHOW_CONFIG,
};

static const struct option main_longopts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "headless", no_argument, NULL, OPT_HEADLESS },
	{ "demo", no_argument, NULL, OPT_DEMO },
	{ "paper", no_argument, NULL, OPT_PAPER },
	{ "live", no_argument, NULL, OPT_LIVE },
	{ "run-for", required_argument, NULL, OPT_RUN_FOR },
	{ "metrics", required_argument, NULL, OPT_METRICS },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "check-config", no_argument, NULL, OPT_CHECK_CONFIG },
	{ "show-config", no_argument, NULL, OPT_SHOW_CONFIG },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void
main_usage(FILE *fp)
{
	fprintf(fp,
	    "usage: xarb [-hVv] [-c file] [--headless] [--demo] [--paper | --live]\n"
	    "            [--metrics addr:port] [--json] [--run-for seconds]\n"
	    "            [--check-config] [--show-config]\n"
	    "       xarb decode [-c file] venue [file]\n");
}

static void
main_help(void)
{
	char venues[128];

	main_usage(stdout);
	printf(
	    "\n"
	    "Cross-exchange arbitrage detector for crypto perpetual futures.\n"
	    "\n"
	    "  -c, --config FILE   configuration file (default %s)\n"
	    "      --headless      no dashboard: status lines to the log\n"
	    "      --demo          offline: run against the built-in simulator\n"
	    "      --paper         simulated fills (the default)\n"
	    "      --live          real orders (needs API keys; see xarb(1))\n"
	    "      --metrics ADDR:PORT  Prometheus text on http://ADDR:PORT/metrics\n"
	    "                      (loopback only unless allow_remote; port 0: any)\n"
	    "      --json          opportunity events as JSON lines on stdout\n"
	    "      --run-for SECS  stop after SECS seconds, print a summary\n"
	    "      --check-config  validate the configuration and exit\n"
	    "      --show-config   print the effective configuration and exit\n"
	    "  -v, --verbose       more logging (repeat for more)\n"
	    "  -V, --version       print the version and exit\n"
	    "  -h, --help          print this help and exit\n"
	    "\n"
	    "  decode VENUE [FILE] print raw venue frames (one per line) as\n"
	    "                      normalised JSON events (decode -c FILE\n"
	    "                      VENUE: with that configuration)\n"
	    "\n"
	    "Venues: %s\n"
	    "Exit status: 0 ok, 1 runtime failure, 64 usage, 65 bad data,\n"
	    "66 no input, 69 not in this build, 78 configuration error.\n",
	    XARB_CONF, venues_list(venues, sizeof venues));
}

static int
main_usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "xarb: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	main_usage(stderr);
	return (XARB_EXIT_USAGE);
}

/* xarb decode [-c FILE] VENUE [FILE] */
static int
main_decode(int argc, char **argv)
{
	char venues[128];
	struct config_errors errs = { NULL, 0 };
	struct config *cfg;
	const char *conf = NULL, *name = "stdin";
	FILE *fp = stdin;
	unsigned i;
	int v, rv;

	if (argc >= 2 &&
	    (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		printf("usage: xarb decode [-c file] venue [file]\n"
		       "Reads raw frames of VENUE, one per line (stdin without "
		       "FILE), and prints one JSON object per normalised "
		       "event.\nVenues: %s\n",
		    venues_list(venues, sizeof venues));
		return (XARB_EXIT_OK);
	}
	if (argc >= 3 && strcmp(argv[1], "-c") == 0) {
		conf = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc < 2 || argc > 3)
		return (main_usage_error("decode: expected a venue and at "
					 "most one file%s",
		    ""));
	if ((v = venues_lookup(argv[1])) == -1) {
		fprintf(stderr,
		    "xarb: decode: unknown venue \"%s\"; expected one of: %s\n",
		    argv[1], venues_list(venues, sizeof venues));
		return (XARB_EXIT_USAGE);
	}
	if (venue_table[v] == NULL) {
		fprintf(stderr,
		    "xarb: decode: the %s frame parser is not in this build "
		    "yet\n",
		    venues_name((unsigned)v));
		return (XARB_EXIT_UNAVAILABLE);
	}
	cfg = config_new();
	if (conf == NULL && access(XARB_CONF, F_OK) == 0)
		conf = XARB_CONF;
	if (conf != NULL && config_load(cfg, conf, &errs) != 0) {
		for (i = 0; i < errs.n; i++)
			fprintf(stderr, "xarb: %s\n", errs.msg[i]);
		config_errors_clear(&errs);
		config_free(cfg);
		return (XARB_EXIT_CONFIG);
	}
	if (argc == 3 && strcmp(argv[2], "-") != 0) {
		if ((fp = fopen(argv[2], "r")) == NULL) {
			fprintf(stderr, "xarb: decode: %s: %s\n", argv[2],
			    strerror(errno));
			config_free(cfg);
			return (XARB_EXIT_NOINPUT);
		}
		name = argv[2];
	}
	rv = decode_run(cfg, (enum venue_id)v, fp, name, stdout, stderr);
	if (fp != stdin)
		fclose(fp);
	config_free(cfg);
	return (rv);
}

static int
main_parse_args(int argc, char **argv, struct main_opts *o)
{
	char *end;
	int ch;

	while ((ch = getopt_long(argc, argv, "c:hVv", main_longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'c':
			o->config = optarg;
			break;
		case OPT_HEADLESS:
			o->headless = 1;
			break;
		case OPT_DEMO:
			o->demo = 1;
			break;
		case OPT_PAPER:
			o->paper = 1;
			break;
		case OPT_LIVE:
			o->live = 1;
			break;
		case OPT_RUN_FOR:
			errno = 0;
			o->run_for = strtod(optarg, &end);
			if (end == optarg || *end != '\0' || errno != 0 ||
			    !(o->run_for > 0 && o->run_for <= 1e7))
				return (main_usage_error("--run-for: expected "
							 "seconds > 0, got "
							 "\"%s\"",
				    optarg));
			break;
		case OPT_METRICS:
			o->metrics = optarg;
			break;
		case OPT_JSON:
			o->json = 1;
			break;
		case OPT_CHECK_CONFIG:
			o->check_config = 1;
			break;
		case OPT_SHOW_CONFIG:
			o->show_config = 1;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'V':
			printf("xarb %s\n", PACKAGE_VERSION);
			exit(XARB_EXIT_OK);
		case 'h':
			main_help();
			exit(XARB_EXIT_OK);
		default:
			main_usage(stderr);
			return (XARB_EXIT_USAGE);
		}
	}
	if (optind < argc)
		return (main_usage_error("unexpected argument \"%s\"",
		    argv[optind]));
	if (o->paper && o->live)
		return (main_usage_error("--paper and --live exclude each "
					 "other%s",
		    ""));
	return (0);
}

/* Loads the config; prints every error.  NULL on failure. */
static struct config *
main_load_config(const struct main_opts *o)
{
	struct config_errors errs = { NULL, 0 };
	struct config *cfg = config_new();
	const char *path = o->config;
	unsigned i;

	if (path == NULL && access(XARB_CONF, F_OK) == 0)
		path = XARB_CONF;
	if (path == NULL)
		return (cfg); /* built-in defaults */
	if (config_load(cfg, path, &errs) == 0)
		return (cfg);
	for (i = 0; i < errs.n; i++)
		fprintf(stderr, "xarb: %s\n", errs.msg[i]);
	fprintf(stderr, "xarb: %s: %u error%s\n", path, errs.n,
	    errs.n == 1 ? "" : "s");
	config_errors_clear(&errs);
	config_free(cfg);
	return (NULL);
}

static void main_notify_status(const char *);

static void
main_status_cb(const struct engine_status *st, void *arg)
{
	char line[512];

	(void)arg;
	tui_status_format(line, sizeof line, st);
	log_info("status: %s", line);
	main_notify_status(line);
}

/* Under systemd, "systemctl status" shows the latest status line. */
static void
main_notify_status(const char *line)
{
	char msg[600];

	snprintf(msg, sizeof msg, "STATUS=%s", line);
	(void)notify_send(msg);
}

/* What the exporter's thread renders: the engine's snapshot and stages. */
struct main_metrics {
	struct engine *e;
	struct metrics_hist *hist; /* owned: STAGE_COUNT copies */
};

static size_t
main_metrics_render(void *arg, char *buf, size_t len, uint64_t scrapes)
{
	struct main_metrics *mm = arg;
	struct prom_input in;
	struct snap s;
	unsigned st;

	engine_read_snap(mm->e, &s);
	memset(&in, 0, sizeof in);
	in.snap = &s;
	in.reader_names = engine_reader_names(mm->e);
	for (st = 0; st < STAGE_COUNT; st++) {
		/* Nothing records these yet: leave them out, not zeros. */
		if (st == STAGE_READ || st == STAGE_EXEC)
			continue;
		/* Written relaxed by the reactor: a copy is safe (metrics.h).
		 */
		metrics_hist_snapshot(engine_stage_hist(mm->e,
					  (enum metrics_stage)st),
		    &mm->hist[st]);
		in.stage[st] = &mm->hist[st];
	}
	in.now_ts = engine_now();
	in.scrapes = scrapes;
	return (prom_render(&in, buf, len));
}

/* Starts the metrics endpoint if asked.  0, or an exit status. */
static int
main_start_metrics(const struct main_opts *o, const struct config *cfg,
    struct main_metrics *mm, struct exporter **xp)
{
	const char *addr =
	    o->metrics != NULL ? o->metrics : cfg->metrics_listen;
	char *cause = NULL;

	*xp = NULL;
	if (addr == NULL || *addr == '\0')
		return (0);
	mm->hist = xcalloc(STAGE_COUNT, sizeof *mm->hist);
	if ((*xp = exporter_new(addr, cfg->metrics_allow_remote,
		 main_metrics_render, mm, &cause)) == NULL) {
		log_error("start-up: %s", cause);
		free(cause);
		return (XARB_EXIT_FAILURE);
	}
	log_info("metrics: listening on %s, port %u, path /metrics", addr,
	    exporter_port(*xp));
	return (0);
}

/* The metrics address: numeric, and loopback unless allowed. */
static int
main_check_metrics(const struct main_opts *o, const struct config *cfg)
{
	const char *addr =
	    o->metrics != NULL ? o->metrics : cfg->metrics_listen;
	int lo;

	if (addr == NULL || *addr == '\0')
		return (0);
	if ((lo = exporter_is_loopback(addr)) == -1) {
		fprintf(stderr,
		    "xarb: metrics: expected IP:PORT or [IPv6]:PORT with a "
		    "numeric address (127.0.0.1:9108), got \"%s\"\n",
		    addr);
		return (o->metrics != NULL ? XARB_EXIT_USAGE
					   : XARB_EXIT_CONFIG);
	}
	if (lo == 0 && !cfg->metrics_allow_remote) {
		fprintf(stderr,
		    "xarb: metrics: %s is not a loopback address; refusing "
		    "to expose metrics beyond this host (set [metrics] "
		    "allow_remote = yes to do it anyway)\n",
		    addr);
		return (XARB_EXIT_CONFIG);
	}
	return (0);
}

/* Checks the mode flags against what this build can do. */
static int
main_check_mode(const struct main_opts *o, const struct config *cfg)
{
	int rv;

	if ((rv = main_check_metrics(o, cfg)) != 0)
		return (rv);
	if (cfg->exec_mode == EXEC_MODE_LIVE && !o->live && !o->paper) {
		fprintf(stderr,
		    "xarb: %s: executor mode = live also needs "
		    "--live on the command line\n",
		    cfg->path != NULL ? cfg->path : "config");
		return (XARB_EXIT_USAGE);
	}
	if (o->live) {
		fprintf(stderr,
		    "xarb: --live: live trading is not in this "
		    "build yet (the executor is not built); "
		    "nothing was sent\n");
		return (XARB_EXIT_UNAVAILABLE);
	}
	return (0);
}

/* Starts the log thread and, with --demo, the simulator.  0 or a status. */
static int
main_start_log(const struct main_opts *o, struct config *cfg,
    struct demo **demo)
{
	char *cause = NULL;
	int level = cfg->log_level + o->verbose;

	log_set_level(level > LOG_LEVEL_TRACE ? LOG_LEVEL_TRACE
					      : (enum log_level)level);
	if (log_open(cfg->log_file) != 0) {
		fprintf(stderr, "xarb: log file %s: %s\n", cfg->log_file,
		    strerror(errno));
		return (XARB_EXIT_CONFIG);
	}
	if (log_start((unsigned)cfg->log_flush_ms) != 0) {
		fprintf(stderr, "xarb: log thread: %s\n", strerror(errno));
		return (XARB_EXIT_FAILURE);
	}
	if (o->demo && (*demo = demo_start(cfg, &cause)) == NULL) {
		log_error("start-up: %s", cause);
		free(cause);
		log_stop();
		return (XARB_EXIT_FAILURE);
	}
	return (0);
}

/*
 * Where the dashboard's log goes when [log] file names none: the
 * terminal is the dashboard's.  $XDG_STATE_HOME/xarb/xarb.log, else
 * ~/.local/state/xarb/xarb.log, else /tmp/xarb-UID.log.
 */
static int
main_dash_log(struct config *cfg)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char dir[PATH_MAX], path[PATH_MAX + 16], *cause = NULL;
	int ok = 1;

	if (state != NULL && *state == '/')
		snprintf(dir, sizeof dir, "%s/xarb", state);
	else if (home != NULL && *home == '/')
		snprintf(dir, sizeof dir, "%s/.local/state/xarb", home);
	else
		ok = 0;
	if (ok)
		snprintf(path, sizeof path, "%s/xarb.log", dir);
	if (!ok || fs_mkdirs_for(path) != 0)
		snprintf(path, sizeof path, "/tmp/xarb-%u.log",
		    (unsigned)getuid());
	if (config_set(cfg, "log", "file", path, &cause) != 0) {
		fprintf(stderr, "xarb: %s\n", cause);
		free(cause);
		return (XARB_EXIT_CONFIG);
	}
	fprintf(stderr, "xarb: dashboard: the log goes to %s\n", path);
	return (0);
}

/*
 * The dashboard unless --headless, JSON on stdout, or no terminal (then
 * headless, said once).  Sets *dash.  0 or an exit status.
 */
static int
main_pick_screen(const struct main_opts *o, struct config *cfg, int *dash)
{
	const char *term = getenv("TERM");

	*dash = 0;
	if (o->headless)
		return (0);
	if (o->json || cfg->log_json) {
		fprintf(stderr,
		    "xarb: JSON lines on standard output: "
		    "running headless\n");
		return (0);
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO) || term == NULL ||
	    *term == '\0' || strcmp(term, "dumb") == 0) {
		fprintf(stderr, "xarb: not a terminal: running headless\n");
		return (0);
	}
	*dash = 1;
	return (*cfg->log_file == '\0' ? main_dash_log(cfg) : 0);
}

static int
main_run(const struct main_opts *o, struct config *cfg)
{
	struct engine_opts eo;
	struct engine *e;
	struct demo *demo = NULL;
	struct headless *hl = NULL;
	struct tui *tui = NULL;
	int dash = 0;
	struct exporter *x = NULL;
	struct main_metrics mm = { NULL, NULL };
	char *cause = NULL;
	int rv;

	if ((rv = main_pick_screen(o, cfg, &dash)) != 0)
		return (rv);
	fprintf(stderr,
	    "xarb: the executor is not in this build yet: "
	    "opportunities are detected and published, not "
	    "traded\n");
	if ((rv = main_start_log(o, cfg, &demo)) != 0)
		return (rv);
	memset(&eo, 0, sizeof eo);
	eo.venues = 1; /* --demo: the simulator's, through the real stack */
	eo.headless = 1;
	eo.live = o->live; /* --paper overrides mode = live */
	eo.verbose = o->verbose;
	eo.run_for = o->run_for;
	if ((e = engine_new(cfg, &eo, &cause)) == NULL) {
		rv = XARB_EXIT_CONFIG;
		goto fail;
	}
	engine_set_status_cb(e, main_status_cb, NULL);
	/* Headless (the only mode until the dashboard lands): opportunities
	 * as log lines, and JSON lines on stdout if asked. */
	if ((hl = headless_new(e, o->json || cfg->log_json ? stdout : NULL,
		 &cause)) == NULL) {
		rv = XARB_EXIT_FAILURE;
		goto fail;
	}
	if (dash &&
	    ((tui = tui_new(e, cfg, &cause)) == NULL ||
		tui_start(tui, &cause) != 0)) {
		rv = XARB_EXIT_FAILURE;
		goto fail;
	}
	mm.e = e;
	if ((rv = main_start_metrics(o, cfg, &mm, &x)) != 0)
		goto out;
	log_info("xarb %s: %s, %u instruments", PACKAGE_VERSION,
	    o->demo ? "demo (venue simulator on loopback)" : "live venues",
	    (unsigned)cfg->symbols.n);
	rv = engine_run(e) == 0 ? XARB_EXIT_OK : XARB_EXIT_FAILURE;
	/* Readers first (they read the engine), then the log they write;
	 * the terminal is given back before the summary is printed. */
	tui_free(tui);
	headless_free(hl);
	exporter_free(x);
	free(mm.hist);
	log_stop();
	engine_print_summary(e, stderr);
	engine_free(e);
	demo_free(demo);
	return (rv);

fail:
	tui_free(tui); /* the terminal back before the error */
	tui = NULL;
	log_error("start-up: %s", cause);
	free(cause);
out:
	tui_free(tui);
	headless_free(hl);
	exporter_free(x);
	free(mm.hist);
	log_stop();
	engine_free(e);
	demo_free(demo);
	return (rv);
}

int
main(int argc, char **argv)
{
	struct main_opts o;
	struct config *cfg;
	int rv;

	setlocale(LC_CTYPE, ""); /* never LC_NUMERIC: see STYLE.md 5.5 */
	/* A peer that goes away must be an error return, not a signal. */
	signal(SIGPIPE, SIG_IGN);
	if (argc >= 2 && strcmp(argv[1], "decode") == 0)
		return (main_decode(argc - 1, argv + 1));
	memset(&o, 0, sizeof o);
	if ((rv = main_parse_args(argc, argv, &o)) != 0)
		return (rv);
	if ((cfg = main_load_config(&o)) == NULL)
		return (XARB_EXIT_CONFIG);
	if (o.check_config && (rv = main_check_metrics(&o, cfg)) != 0) {
		config_free(cfg);
		return (rv);
	}
	if (o.check_config) {
		printf("xarb: %s: configuration OK\n",
		    cfg->path != NULL ? cfg->path : "built-in defaults");
		config_free(cfg);
		return (XARB_EXIT_OK);
	}
	if (o.show_config) {
		config_dump(cfg, stdout);
		config_free(cfg);
		return (XARB_EXIT_OK);
	}
	if ((rv = main_check_mode(&o, cfg)) == 0)
		rv = main_run(&o, cfg);
	config_free(cfg);
	return (rv);
}
