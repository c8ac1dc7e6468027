/*
 * bench_ws: how many messages per second one WebSocket connection can
 * receive over TLS on loopback, through the real client stack (net.c,
 * tls.c, wslay in ws.c), and the client's CPU time per message.
 *
 * The server is a flood source in a thread of this process on the other
 * CPU: it accepts one connection, answers the Upgrade, and writes
 * pre-built 300-byte text frames (unmasked, as a venue sends them) as
 * fast as TLS lets it.  The client counts messages on the main thread.
 * Certificates come from tests/gen-certs.sh in a temporary directory.
 */
#include "autoconf.h"

#include <sys/resource.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ev.h>

#include "xarb.h"
#include "bench.h"
#include "http.h"
#include "net.h"
#include "tls.h"
#include "ws.h"

#define PAYLOAD 300
#define BATCH 64 /* frames per TLS write */

struct flood {
	int lfd;
	unsigned port;
	SSL_CTX *ctx;
	volatile int stop;
	uint64_t sent;
};

static void
flood_frame(unsigned char *p, uint64_t seq)
{
	/* FIN + text, 16-bit length: 4 header bytes, then JSON-ish text. */
	int n;

	p[0] = 0x81;
	p[1] = 126;
	p[2] = PAYLOAD >> 8;
	p[3] = PAYLOAD & 0xff;
	n = snprintf((char *)p + 4, PAYLOAD + 1,
	    "{\"topic\":\"tickers.BTCUSDT\",\"type\":\"delta\",\"data\":"
	    "{\"symbol\":\"BTCUSDT\",\"bid1Price\":\"50000.10\",\"bid1Size\":"
	    "\"1.234\",\"ask1Price\":\"50000.20\",\"ask1Size\":\"0.987\"},"
	    "\"cs\":%llu,\"ts\":1700000000000,\"pad\":\"",
	    (unsigned long long)seq);
	memset(p + 4 + n, 'x', (size_t)(PAYLOAD - n - 2));
	memcpy(p + 4 + PAYLOAD - 2, "\"}", 2);
}

/* Blocking I/O is fine here: the server is not what we measure. */
static void *
flood_main(void *arg)
{
	struct flood *f = arg;
	static unsigned char buf[BATCH * (PAYLOAD + 4)];
	char req[4096], resp[256], acc[29], key[64];
	struct tls_io io;
	const char *k;
	size_t len = 0, off;
	ssize_t n;
	int fd, i, flags;

	bench_pin(1);
	if ((fd = accept(f->lfd, NULL, NULL)) == -1)
		return (NULL);
	if (tls_io_init(&io, f->ctx, fd, NULL, 1) != 0)
		return (NULL);
	flags = 0;
	while ((n = tls_io_handshake(&io)) != TLS_OK) {
		if (n == TLS_ERR || ++flags > 1000000)
			goto out;
	}
	while (strstr(req, "\r\n\r\n") == NULL || len == 0) {
		n = tls_io_read(&io, req + len, sizeof req - 1 - len);
		if (n > 0) {
			len += (size_t)n;
			req[len] = '\0';
		} else if (n != TLS_WANT_READ)
			goto out;
	}
	if ((k = strstr(req, "Sec-WebSocket-Key: ")) == NULL)
		goto out;
	snprintf(key, sizeof key, "%.24s", k + 19);
	http_ws_accept(key, acc);
	n = snprintf(resp, sizeof resp,
	    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
	    "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n",
	    acc);
	tls_io_write(&io, resp, (size_t)n);
	while (!f->stop) {
		for (i = 0; i < BATCH; i++)
			flood_frame(buf + (size_t)i * (PAYLOAD + 4),
			    f->sent + (uint64_t)i);
		for (off = 0; off < sizeof buf && !f->stop;) {
			n = tls_io_write(&io, buf + off, sizeof buf - off);
			if (n > 0)
				off += (size_t)n;
			else if (n != TLS_WANT_WRITE && n != TLS_WANT_READ)
				goto out;
		}
		f->sent += BATCH;
	}
out:
	tls_io_close(&io);
	return (NULL);
}

struct client {
	uint64_t msgs;
	uint64_t target;
	int64_t t_first, t_last;
	int bad;
	struct ev_loop *loop;
};

static void
client_msg(struct ws_conn *c, const char *data, size_t len, int binary,
    int64_t ts, void *arg)
{
	struct client *cl = arg;

	(void)c;
	(void)ts;
	if (len != PAYLOAD || binary || data[0] != '{')
		cl->bad = 1;
	if (cl->msgs++ == 0)
		cl->t_first = bench_now_ns();
	if (cl->msgs == cl->target) {
		cl->t_last = bench_now_ns();
		ev_break(cl->loop, EVBREAK_ALL);
	}
}

static const struct ws_callbacks client_cbs = { .on_message = client_msg };

static double
thread_cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_THREAD, &ru);
	return ((double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
}

int
main(void)
{
	char dir[] = "/tmp/bench_ws.XXXXXX", path[512], url[128], *cause = NULL;
	struct sockaddr_in sin;
	socklen_t sl = sizeof sin;
	struct flood f;
	struct client cl;
	struct ws_config wc;
	struct net_resolver *res;
	struct ws_conn *c;
	SSL_CTX *cctx;
	pthread_t t;
	double cpu0, cpu1, secs;
	const char *src = getenv("XARB_SRCDIR");
	int status = 0;

	signal(SIGPIPE, SIG_IGN);
	bench_start("bench_ws");
	if (mkdtemp(dir) == NULL)
		return (1);
	snprintf(path, sizeof path, "sh '%s/tests/gen-certs.sh' %s",
	    src != NULL ? src : BENCH_SRCDIR, dir);
	if (system(path) != 0) {
		fprintf(stderr, "bench_ws: %s failed\n", path);
		return (1);
	}
	memset(&f, 0, sizeof f);
	snprintf(path, sizeof path, "%s/server.pem", dir);
	{
		char key[512];

		snprintf(key, sizeof key, "%s/server.key", dir);
		f.ctx = tls_ctx_server(path, key, &cause);
	}
	snprintf(path, sizeof path, "%s/ca.pem", dir);
	cctx = tls_ctx_client(path, &cause);
	if (f.ctx == NULL || cctx == NULL) {
		fprintf(stderr, "bench_ws: %s\n", cause);
		return (1);
	}
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	f.lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (bind(f.lfd, (struct sockaddr *)&sin, sizeof sin) == -1 ||
	    listen(f.lfd, 1) == -1 ||
	    getsockname(f.lfd, (struct sockaddr *)&sin, &sl) == -1)
		return (1);
	f.port = ntohs(sin.sin_port);
	pthread_create(&t, NULL, flood_main, &f);

	bench_pin(0);
	memset(&cl, 0, sizeof cl);
	cl.loop = ev_loop_new(EVFLAG_AUTO);
	cl.target = bench_scaled(1000000, 10000);
	res = net_resolver_new(cl.loop);
	snprintf(url, sizeof url, "wss://localhost:%u/", f.port);
	memset(&wc, 0, sizeof wc);
	wc.name = "bench";
	wc.url = url;
	wc.tls = cctx;
	wc.cb = &client_cbs;
	wc.arg = &cl;
	if ((c = ws_new(cl.loop, res, &wc, &cause)) == NULL) {
		fprintf(stderr, "bench_ws: %s\n", cause);
		return (1);
	}
	ws_start(c);
	cpu0 = thread_cpu_s();
	ev_run(cl.loop, 0);
	cpu1 = thread_cpu_s();
	f.stop = 1;
	shutdown(f.lfd, SHUT_RDWR);
	ws_free(c);
	pthread_join(t, NULL);

	secs = (double)(cl.t_last - cl.t_first) / 1e9;
	printf("one TLS WebSocket connection on loopback, %d-byte text "
	       "frames, server on the other CPU\n",
	    PAYLOAD);
	printf("  %-46s %llu\n", "messages received",
	    (unsigned long long)cl.msgs);
	printf("  %-46s %.0f k msgs/s (%.1f MB/s of payload)\n", "receive rate",
	    (double)cl.msgs / secs / 1e3,
	    (double)cl.msgs * PAYLOAD / secs / 1e6);
	printf("  %-46s %.2f us/msg (%.0f%% of a core)\n",
	    "client CPU time per message",
	    (cpu1 - cpu0) * 1e6 / (double)cl.msgs, (cpu1 - cpu0) / secs * 100);
	if (cl.bad || cl.msgs < cl.target) {
		fprintf(stderr, "bench_ws: bad or missing messages\n");
		status = 1;
	}
	net_resolver_free(res);
	ev_loop_destroy(cl.loop);
	SSL_CTX_free(cctx);
	SSL_CTX_free(f.ctx);
	close(f.lfd);
	snprintf(path, sizeof path, "rm -rf %s", dir);
	(void)!system(path);
	return (bench_finish("bench_ws", status));
}
