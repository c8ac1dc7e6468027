/*
 * xarb-sim: the venue simulator as a program, for shell tests and
 * benchmarks that want a real process to talk to.
 *
 *   xarb-sim -s scenario [-c cert -k key | --certs dir] [--ports file]
 *            [--run-for seconds] [-v]
 *
 * Prints one line per endpoint on stdout once every listener is bound
 * ("xarb-sim: NAME listening on 127.0.0.1:PORT (wss)", and for a venue
 * endpoint "xarb-sim: NAME url wss://localhost:PORT/PATH"), and with
 * --ports writes "NAME PORT" lines to a file, atomically, so a test can
 * wait for the file and read the ports.  --certs makes a test CA and a
 * localhost certificate in dir (sim_cert.h) and serves with them, for
 * machines without the openssl program.  SIGINT and SIGTERM stop it
 * cleanly; a summary line of the counters goes to stdout at exit.
 *
 * Exit status: 0 success, 1 runtime failure, 64 usage, 66 scenario file
 * unreadable, 78 scenario error (as xarb(1)).
 */
#include "autoconf.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ev.h>

#include "xarb.h"
#include "log.h"
#include "xmalloc.h"
#include "sim.h"
#include "sim_cert.h"

#define SIM_MAIN_FILE_MAX (16 << 20) /* a scenario is text, not data */

struct sim_main_opts {
	const char *scenario;
	const char *cert;
	const char *key;
	const char *ports;
	const char *certs;
	double run_for;
	int verbose;
};

enum {
	OPT_PORTS = 256,
	OPT_RUN_FOR,
	OPT_CERTS,
};

static const struct option sim_main_longopts[] = {
	{ "scenario", required_argument, NULL, 's' },
	{ "cert", required_argument, NULL, 'c' },
	{ "key", required_argument, NULL, 'k' },
	{ "ports", required_argument, NULL, OPT_PORTS },
	{ "certs", required_argument, NULL, OPT_CERTS },
	{ "run-for", required_argument, NULL, OPT_RUN_FOR },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void
sim_main_usage(FILE *fp)
{
	fprintf(fp,
	    "usage: xarb-sim [-hVv] -s scenario [-c cert -k key | --certs dir]\n"
	    "                [--ports file] [--run-for seconds]\n");
}

static void
sim_main_help(void)
{
	sim_main_usage(stdout);
	printf("\n"
	       "The xarb venue simulator: WebSocket and HTTP endpoints on "
	       "127.0.0.1,\n"
	       "driven by a scenario (the language is in xarb-sim(1)).\n"
	       "\n"
	       "  -s, --scenario FILE  the scenario\n"
	       "  -c, --cert FILE      default TLS certificate chain (PEM)\n"
	       "  -k, --key FILE       its private key (PEM)\n"
	       "      --certs DIR      make a test CA and certificate in DIR "
	       "and use them\n"
	       "      --ports FILE     write \"ENDPOINT PORT\" lines to FILE\n"
	       "      --run-for SECS   stop after SECS seconds\n"
	       "  -v, --verbose        log connections (debug level)\n"
	       "  -V, --version        print the version and exit\n"
	       "  -h, --help           print this help and exit\n"
	       "\n"
	       "Exit status: 0 ok, 1 runtime failure, 64 usage, 66 scenario "
	       "unreadable,\n78 scenario error.\n");
}

static int
sim_main_usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "xarb-sim: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	sim_main_usage(stderr);
	return (XARB_EXIT_USAGE);
}

static int
sim_main_args(int argc, char **argv, struct sim_main_opts *o)
{
	char *end;
	int ch;

	while ((ch = getopt_long(argc, argv, "c:hk:s:Vv", sim_main_longopts,
		    NULL)) != -1) {
		switch (ch) {
		case 's':
			o->scenario = optarg;
			break;
		case 'c':
			o->cert = optarg;
			break;
		case 'k':
			o->key = optarg;
			break;
		case OPT_PORTS:
			o->ports = optarg;
			break;
		case OPT_CERTS:
			o->certs = optarg;
			break;
		case OPT_RUN_FOR:
			errno = 0;
			o->run_for = strtod(optarg, &end);
			if (end == optarg || *end != '\0' || errno != 0 ||
			    !(o->run_for > 0 && o->run_for <= 1e7))
				return (sim_main_usage_error("--run-for: "
							     "expected seconds "
							     "> 0, got \"%s\"",
				    optarg));
			break;
		case 'v':
			o->verbose++;
			break;
		case 'V':
			printf("xarb-sim %s\n", PACKAGE_VERSION);
			exit(XARB_EXIT_OK);
		case 'h':
			sim_main_help();
			exit(XARB_EXIT_OK);
		default:
			sim_main_usage(stderr);
			return (XARB_EXIT_USAGE);
		}
	}
	if (optind < argc)
		return (sim_main_usage_error("unexpected argument \"%s\"",
		    argv[optind]));
	if (o->scenario == NULL)
		return (sim_main_usage_error("expected -s scenario%s", ""));
	if ((o->cert == NULL) != (o->key == NULL))
		return (sim_main_usage_error("-c and -k go together%s", ""));
	if (o->cert != NULL && o->certs != NULL)
		return (sim_main_usage_error("--certs replaces -c and -k%s",
		    ""));
	return (0);
}

/* Reads a whole text file; NULL with errno set on failure. */
static char *
sim_main_read(const char *path)
{
	FILE *fp;
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	int saved;

	if ((fp = fopen(path, "r")) == NULL)
		return (NULL);
	do {
		if (cap - len < 4096) {
			cap = cap == 0 ? 8192 : cap * 2;
			buf = xreallocarray(buf, cap, 1);
		}
		n = fread(buf + len, 1, cap - len - 1, fp);
		len += n;
	} while (n > 0 && len < SIM_MAIN_FILE_MAX);
	if (ferror(fp) || len >= SIM_MAIN_FILE_MAX) {
		saved = ferror(fp) ? errno : EFBIG;
		fclose(fp);
		free(buf);
		errno = saved;
		return (NULL);
	}
	fclose(fp);
	buf[len] = '\0';
	return (buf);
}

/* "NAME PORT" lines, written to a temporary file and renamed over. */
static int
sim_main_write_ports(const char *path, struct sim *s)
{
	const char *name;
	char *tmp;
	FILE *fp;
	unsigned i;
	int rv = -1, saved;

	xasprintf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	if ((fp = fopen(tmp, "w")) == NULL)
		goto out;
	for (i = 0; (name = sim_endpoint(s, i, NULL)) != NULL; i++)
		fprintf(fp, "%s %u\n", name, sim_port(s, name));
	if (fclose(fp) != 0 || rename(tmp, path) != 0) {
		saved = errno;
		unlink(tmp);
		errno = saved;
		goto out;
	}
	rv = 0;
out:
	free(tmp);
	return (rv);
}

static void
sim_main_announce(struct sim *s)
{
	const char *name, *scheme;
	char url[512];
	unsigned i;

	for (i = 0; (name = sim_endpoint(s, i, &scheme)) != NULL; i++) {
		printf("xarb-sim: %s listening on 127.0.0.1:%u (%s)\n", name,
		    sim_port(s, name), scheme);
		if (sim_url(s, name, url, sizeof url) > 0)
			printf("xarb-sim: %s url %s\n", name, url);
	}
	fflush(stdout);
}

/* Every scenario error, one per line, as xarb prints config errors. */
static void
sim_main_errors(const char *cause)
{
	const char *nl;
	unsigned n = 0;

	for (; *cause != '\0'; cause = *nl == '\n' ? nl + 1 : nl, n++) {
		if ((nl = strchr(cause, '\n')) == NULL)
			nl = cause + strlen(cause);
		fprintf(stderr, "xarb-sim: %.*s\n", (int)(nl - cause), cause);
	}
	if (n > 1)
		fprintf(stderr, "xarb-sim: %u errors\n", n);
}

static void
sim_main_summary(struct sim *s)
{
	struct sim_stats st;

	sim_get_stats(s, NULL, &st);
	printf("xarb-sim: summary: accepted=%llu tls_failed=%llu "
	       "upgrades=%llu refused=%llu http_requests=%llu msgs_in=%llu "
	       "msgs_out=%llu pongs_in=%llu closes_in=%llu "
	       "disconnects=%llu subscribed=%llu sub_errors=%llu "
	       "heartbeats=%llu pushes=%llu pings_out=%llu "
	       "hb_timeouts=%llu slow=%llu dislocations=%u\n",
	    (unsigned long long)st.accepted, (unsigned long long)st.tls_failed,
	    (unsigned long long)st.upgrades, (unsigned long long)st.refused,
	    (unsigned long long)st.http_requests,
	    (unsigned long long)st.msgs_in, (unsigned long long)st.msgs_out,
	    (unsigned long long)st.pongs_in, (unsigned long long)st.closes_in,
	    (unsigned long long)st.disconnects,
	    (unsigned long long)st.subscribed,
	    (unsigned long long)st.sub_errors,
	    (unsigned long long)st.heartbeats, (unsigned long long)st.pushes,
	    (unsigned long long)st.pings_out,
	    (unsigned long long)st.hb_timeouts, (unsigned long long)st.slow,
	    sim_dislocations(s, NULL, 0));
	fflush(stdout);
}

static void
sim_main_stop_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)revents;
	log_info("xarb-sim: signal %d, stopping", w->signum);
	ev_break(loop, EVBREAK_ALL);
}

static void
sim_main_run_for_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)w;
	(void)revents;
	ev_break(loop, EVBREAK_ALL);
}

/* Runs the loop until a signal or --run-for. */
static int
sim_main_run(const struct sim_main_opts *o, struct sim *s)
{
	struct ev_loop *loop = ev_default_loop(EVFLAG_AUTO);
	ev_signal sig_int, sig_term;
	ev_timer run_for;
	char *cause = NULL;
	int rv = XARB_EXIT_OK;

	if (loop == NULL) {
		fprintf(stderr, "xarb-sim: cannot create the event loop\n");
		return (XARB_EXIT_FAILURE);
	}
	/* Before the ports file: a test may signal as soon as it exists. */
	ev_signal_init(&sig_int, sim_main_stop_cb, SIGINT);
	ev_signal_init(&sig_term, sim_main_stop_cb, SIGTERM);
	ev_signal_start(loop, &sig_int);
	ev_signal_start(loop, &sig_term);
	if (sim_start(s, loop, &cause) != 0) {
		fprintf(stderr, "xarb-sim: %s\n", cause);
		free(cause);
		rv = XARB_EXIT_FAILURE;
		goto out;
	}
	sim_main_announce(s);
	if (o->ports != NULL && sim_main_write_ports(o->ports, s) != 0) {
		fprintf(stderr, "xarb-sim: %s: %s\n", o->ports,
		    strerror(errno));
		rv = XARB_EXIT_FAILURE;
		goto out;
	}
	ev_timer_init(&run_for, sim_main_run_for_cb, o->run_for, 0.);
	if (o->run_for > 0)
		ev_timer_start(loop, &run_for);
	ev_run(loop, 0);
	ev_timer_stop(loop, &run_for);
	sim_stop(s);
	sim_main_summary(s);
out:
	sim_stop(s);
	ev_signal_stop(loop, &sig_int);
	ev_signal_stop(loop, &sig_term);
	return (rv);
}

int
main(int argc, char **argv)
{
	struct sim_main_opts o;
	struct sim *s;
	char *script, *cause = NULL, *cert = NULL, *key = NULL;
	int rv;

	/* OpenSSL writes to sockets with write(2): a gone peer is EPIPE. */
	signal(SIGPIPE, SIG_IGN);
	memset(&o, 0, sizeof o);
	if ((rv = sim_main_args(argc, argv, &o)) != 0)
		return (rv);
	log_set_level(o.verbose > 0 ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO);
	if (log_start(100) != 0) {
		fprintf(stderr, "xarb-sim: log thread: %s\n", strerror(errno));
		return (XARB_EXIT_FAILURE);
	}
	if (o.certs != NULL) {
		if (sim_cert_make(o.certs, &cause) != 0) {
			fprintf(stderr, "xarb-sim: %s\n", cause);
			free(cause);
			log_stop();
			return (XARB_EXIT_FAILURE);
		}
		xasprintf(&cert, "%s/server.pem", o.certs);
		xasprintf(&key, "%s/server.key", o.certs);
		o.cert = cert;
		o.key = key;
	}
	if ((script = sim_main_read(o.scenario)) == NULL) {
		fprintf(stderr, "xarb-sim: %s: %s\n", o.scenario,
		    strerror(errno));
		free(cert);
		free(key);
		log_stop();
		return (XARB_EXIT_NOINPUT);
	}
	if ((s = sim_new(o.scenario, script, o.cert, o.key, &cause)) == NULL) {
		sim_main_errors(cause);
		free(cause);
		free(script);
		free(cert);
		free(key);
		log_stop();
		return (XARB_EXIT_CONFIG);
	}
	rv = sim_main_run(&o, s);
	sim_free(s);
	free(script);
	free(cert);
	free(key);
	log_stop();
	return (rv);
}
