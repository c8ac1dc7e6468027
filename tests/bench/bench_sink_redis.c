/*
 * The Redis sink's sustained XADD rate: opportunity events published into
 * the ring as fast as the sink takes them (the writer stays at most half
 * a ring ahead of it, so nothing is lost to overrun and the figure is the
 * sink's, not the ring's), through the real sink thread (hiredis async,
 * pipelined, max_inflight from the defaults) into a local redis-server
 * started for the run on a free loopback port with no persistence.
 *
 * Prints events/s end to end (first publish -> last XADD acknowledged)
 * for a TCP and a unix-socket connection.  Exits 1 if the stream does
 * not hold exactly what was published, or nothing was measured; 0 (with
 * a note) when redis-server is not installed.
 */
#include "autoconf.h"

#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "bench.h"
#include "book.h"
#include "config.h"
#include "log.h"
#include "metrics.h"
#include "opp.h"
#include "ring.h"
#include "sink_redis.h"
#include "symbols.h"

#define BENCH_RING_SLOTS 65536
#define BENCH_BATCH 64

struct bench_redis {
	pid_t pid;
	int port;
	char dir[64];
	char sock[128];
};

static int
bench_free_port(void)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof sa;
	int fd, port = -1;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return (-1);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
		port = ntohs(sa.sin_port);
	close(fd);
	return (port);
}

/* Starts redis-server; returns a connection once it answers, or NULL. */
static redisContext *
bench_redis_start(struct bench_redis *br)
{
	struct timeval tv = { 1, 0 };
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	char port[16];
	redisContext *c;
	int i, fd;

	snprintf(br->dir, sizeof br->dir, "/tmp/bench_sink_redis.XXXXXX");
	if (mkdtemp(br->dir) == NULL || (br->port = bench_free_port()) < 0)
		return (NULL);
	snprintf(br->sock, sizeof br->sock, "%s/redis.sock", br->dir);
	snprintf(port, sizeof port, "%d", br->port);
	if ((br->pid = fork()) == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if ((fd = open("/dev/null", O_WRONLY)) >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execlp("redis-server", "redis-server", "--port", port, "--bind",
		    "127.0.0.1", "--save", "", "--appendonly", "no", "--dir",
		    br->dir, "--unixsocket", br->sock, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 500 && br->pid > 0; i++) {
		c = redisConnectWithTimeout("127.0.0.1", br->port, tv);
		if (c != NULL && c->err == 0)
			return (c);
		redisFree(c);
		nanosleep(&pause, NULL);
	}
	return (NULL);
}

static void
bench_redis_stop(struct bench_redis *br)
{
	char path[160];

	if (br->pid > 0) {
		kill(br->pid, SIGKILL);
		waitpid(br->pid, NULL, 0);
	}
	snprintf(path, sizeof path, "%s/redis.sock", br->dir);
	unlink(path);
	rmdir(br->dir);
}

static void
bench_event(struct opp_event *ev, uint64_t n)
{
	memset(ev, 0, sizeof *ev);
	ev->id = n / 10 + 1;
	ev->type = n % 10 == 0 ? OPP_OPEN
	    : n % 10 == 9      ? OPP_CLOSE
			       : OPP_UPDATE;
	ev->reason = ev->type == OPP_CLOSE ? OPP_REASON_SPREAD : 0;
	ev->buy_venue = 0;
	ev->sell_venue = 1;
	ev->buy_px = (int64_t)(50000 + n % 100) * PX_SCALE;
	ev->sell_px = ev->buy_px + 250 * PX_SCALE;
	ev->buy_size = QTY_SCALE / 2;
	ev->sell_size = QTY_SCALE / 3;
	ev->gross_bps = 49.8 + (double)(n % 7) / 10;
	ev->fee_bps = 10;
	ev->slip_bps = 3;
	ev->funding_bps = 10;
	ev->net_bps = ev->gross_bps - 23;
	ev->confidence = 70.4;
	ev->notional = 25000;
	ev->funding_delta = 0.0003;
	ev->buy_ts = ev->sell_ts = ev->read_ts = ev->detect_ts = ev->open_ts =
	    1700000000000000000 + (int64_t)n;
}

/* Publishes n events, never more than half a ring ahead of the sink. */
static double
bench_run(const char *label, const char *url, uint64_t n)
{
	struct config *cfg = config_new();
	const struct sink_redis_stats *st;
	struct symbols *sy;
	struct book *book;
	struct ring *ring;
	struct sink_redis *s;
	struct opp_event ev;
	char *cause = NULL;
	int64_t t0, t1, deadline;
	uint64_t i = 0, k;
	double rate = 0;

	if (config_set(cfg, "redis", "url", url, &cause) != 0 ||
	    config_set(cfg, "redis", "quote_interval_ms", "0", &cause) != 0 ||
	    config_set(cfg, "redis", "stream_maxlen", "100000000", &cause) !=
		0 ||
	    (sy = symbols_new(cfg, &cause)) == NULL) {
		fprintf(stderr, "bench_sink_redis: %s\n", cause);
		free(cause);
		config_free(cfg);
		return (0);
	}
	book = book_new(symbols_count(sy));
	ring = ring_new(BENCH_RING_SLOTS);
	if ((s = sink_redis_new(cfg, ring, book, sy, &cause)) == NULL ||
	    sink_redis_start(s, &cause) != 0) {
		fprintf(stderr, "bench_sink_redis: %s\n", cause);
		free(cause);
		goto out;
	}
	st = sink_redis_get_stats(s);
	deadline = bench_now_ns() + 5 * (int64_t)1000000000;
	while (!metrics_get(&st->up) && bench_now_ns() < deadline)
		sched_yield();
	t0 = bench_now_ns();
	while (i < n) {
		if (i - metrics_get(&st->events) >= BENCH_RING_SLOTS / 2) {
			ring_flush(ring);
			sched_yield();
			continue;
		}
		for (k = 0; k < BENCH_BATCH && i < n; k++, i++) {
			bench_event(&ev, i);
			ring_publish(ring, &ev);
		}
		ring_flush(ring);
	}
	deadline = bench_now_ns() + 60 * (int64_t)1000000000;
	while (metrics_get(&st->xadd_acked) + metrics_get(&st->dropped) < n &&
	    bench_now_ns() < deadline)
		sched_yield();
	t1 = bench_now_ns();
	sink_redis_stop(s, 1.0);
	rate = (double)metrics_get(&st->xadd_acked) / ((double)(t1 - t0) / 1e9);
	printf("  %-28s %8.0f events/s  (%llu acked, %llu dropped, %llu "
	       "errors, at most %llu in flight)\n",
	    label, rate, (unsigned long long)st->xadd_acked,
	    (unsigned long long)st->dropped, (unsigned long long)st->errors,
	    (unsigned long long)st->inflight_max);
	if (st->xadd_acked != n)
		rate = 0;
out:
	sink_redis_free(s);
	ring_free(ring);
	book_free(book);
	symbols_free(sy);
	config_free(cfg);
	return (rate);
}

/* The stream must hold every event: XLEN, deleted after each run. */
static int
bench_check(redisContext *c, uint64_t want)
{
	redisReply *r = redisCommand(c, "XLEN xarb:opps");
	int ok = r != NULL && r->type == REDIS_REPLY_INTEGER &&
	    (uint64_t)r->integer == want;

	if (!ok)
		printf("  WRONG: XLEN %lld, want %llu\n",
		    r != NULL ? (long long)r->integer : -1LL,
		    (unsigned long long)want);
	freeReplyObject(r);
	freeReplyObject(redisCommand(c, "DEL xarb:opps"));
	return (ok ? 0 : 1);
}

int
main(void)
{
	struct bench_redis br;
	redisContext *c;
	char url[160];
	uint64_t n = bench_scaled(200000, 2000);
	int rc = 0;

	bench_start("bench_sink_redis");
	log_set_level(LOG_LEVEL_WARN);
	memset(&br, 0, sizeof br);
	signal(SIGPIPE, SIG_IGN);
	if ((c = bench_redis_start(&br)) == NULL) {
		printf("bench_sink_redis: no redis-server: skipped\n");
		bench_redis_stop(&br);
		return (bench_finish("bench_sink_redis", 0));
	}
	printf("ring -> sink thread -> XADD (26-27 fields each), "
	       "%llu events, writer at most %d events ahead\n",
	    (unsigned long long)n, BENCH_RING_SLOTS / 2);
	snprintf(url, sizeof url, "redis://127.0.0.1:%d/0", br.port);
	if (bench_run("TCP 127.0.0.1", url, n) <= 0)
		rc = 1;
	rc |= bench_check(c, n);
	snprintf(url, sizeof url, "unix:%s", br.sock);
	if (bench_run("unix socket", url, n) <= 0)
		rc = 1;
	rc |= bench_check(c, n);
	redisFree(c);
	bench_redis_stop(&br);
	return (bench_finish("bench_sink_redis", rc));
}
