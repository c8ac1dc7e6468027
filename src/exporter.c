/*
 * The metrics endpoint (see exporter.h).  One thread, one libev loop,
 * a fixed table of connections.  Each connection reads its request head
 * into a fixed buffer, gets one answer built in memory, writes it with
 * write interest on only while bytes remain, and is closed.
 */
#include "autoconf.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ev.h>

#include "xarb.h"
#include "exporter.h"
#include "log.h"
#include "xmalloc.h"

#define EXPORTER_BODY_INITIAL 65536

struct exporter_conn {
	struct exporter *x;
	int fd; /* -1: slot free */
	ev_io io;
	ev_timer deadline;
	char req[EXPORTER_REQ_MAX];
	size_t reqlen;
	char *out; /* owned: the whole answer */
	size_t outlen, outoff;
};

struct exporter {
	int fd;
	unsigned port;
	struct ev_loop *loop; /* owned, the thread's */
	pthread_t thread;
	int started;
	ev_io accept_io;
	ev_async stop;
	exporter_render_fn render;
	void *arg;
	char *body; /* owned: the last rendering, reused */
	size_t body_cap;
	uint64_t scrapes;
	struct exporter_conn conn[EXPORTER_CONNS_MAX];
};

union exporter_addr {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
};

/* "IP:PORT" or "[IPv6]:PORT" into *a.  Returns its length, or 0. */
static socklen_t
exporter_parse_addr(const char *addr, union exporter_addr *a)
{
	char host[64];
	const char *colon, *h = addr;
	size_t hl;
	char *end;
	long port;

	if ((colon = strrchr(addr, ':')) == NULL)
		return (0);
	hl = (size_t)(colon - addr);
	if (*h == '[' && hl >= 2 && colon[-1] == ']') {
		h++;
		hl -= 2;
	}
	if (hl == 0 || hl >= sizeof host)
		return (0);
	memcpy(host, h, hl);
	host[hl] = '\0';
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end != '\0' || errno != 0 || port < 0 ||
	    port > 65535)
		return (0);
	memset(a, 0, sizeof *a);
	if (inet_pton(AF_INET, host, &a->in.sin_addr) == 1) {
		a->in.sin_family = AF_INET;
		a->in.sin_port = htons((uint16_t)port);
		return (sizeof a->in);
	}
	if (inet_pton(AF_INET6, host, &a->in6.sin6_addr) == 1) {
		a->in6.sin6_family = AF_INET6;
		a->in6.sin6_port = htons((uint16_t)port);
		return (sizeof a->in6);
	}
	return (0);
}

static int
exporter_addr_loopback(const union exporter_addr *a)
{
	const uint8_t *b;

	if (a->sa.sa_family == AF_INET)
		return ((ntohl(a->in.sin_addr.s_addr) >> 24) == 127);
	b = a->in6.sin6_addr.s6_addr;
	if (IN6_IS_ADDR_LOOPBACK(&a->in6.sin6_addr))
		return (1);
	/* ::ffff:127.x.y.z, the IPv4 loopback seen through IPv6. */
	return (IN6_IS_ADDR_V4MAPPED(&a->in6.sin6_addr) && b[12] == 127);
}

int
exporter_is_loopback(const char *addr)
{
	union exporter_addr a;

	if (exporter_parse_addr(addr, &a) == 0)
		return (-1);
	return (exporter_addr_loopback(&a));
}

static void
exporter_conn_close(struct exporter_conn *c)
{
	struct ev_loop *loop = c->x->loop;

	if (c->fd == -1)
		return;
	ev_io_stop(loop, &c->io);
	ev_timer_stop(loop, &c->deadline);
	close(c->fd);
	c->fd = -1;
	free(c->out);
	c->out = NULL;
}

/* Renders the body into x->body, growing it once if needed. */
static size_t
exporter_render(struct exporter *x)
{
	size_t need;

	x->scrapes++;
	need = x->render(x->arg, x->body, x->body_cap, x->scrapes);
	if (need >= x->body_cap) {
		x->body_cap = need + need / 4 + 1;
		x->body = xreallocarray(x->body, x->body_cap, 1);
		need = x->render(x->arg, x->body, x->body_cap, x->scrapes);
		if (need >= x->body_cap) /* grew again meanwhile: cut */
			need = x->body_cap - 1;
	}
	return (need);
}

/* Builds the answer into c->out. */
static void
exporter_answer(struct exporter_conn *c, int status, const char *reason,
    const char *extra, const char *body, size_t blen, int head)
{
	char hdr[512];
	int n;

	n = snprintf(hdr, sizeof hdr,
	    "HTTP/1.1 %d %s\r\n"
	    "Content-Type: %s\r\n"
	    "Content-Length: %zu\r\n"
	    "%s"
	    "Connection: close\r\n\r\n",
	    status, reason,
	    status == 200 ? "text/plain; version=0.0.4; charset=utf-8"
			  : "text/plain; charset=utf-8",
	    blen, extra);
	if (n < 0 || (size_t)n >= sizeof hdr)
		n = 0;
	if (head)
		blen = 0;
	c->out = xmalloc((size_t)n + blen);
	memcpy(c->out, hdr, (size_t)n);
	if (blen > 0)
		memcpy(c->out + n, body, blen);
	c->outlen = (size_t)n + blen;
	c->outoff = 0;
}

static void
exporter_error(struct exporter_conn *c, int status, const char *reason,
    const char *extra)
{
	char body[128];
	int n;

	n = snprintf(body, sizeof body, "%d %s\n", status, reason);
	exporter_answer(c, status, reason, extra, body, n > 0 ? (size_t)n : 0,
	    0);
}

/* The request head is complete in c->req: decide the answer. */
static void
exporter_handle(struct exporter_conn *c)
{
	char *method, *target, *version, *last, *q;
	int head;
	size_t blen;

	c->req[c->reqlen] = '\0';
	method = strtok_r(c->req, " \r\n", &last);
	target = strtok_r(NULL, " \r\n", &last);
	version = strtok_r(NULL, " \r\n", &last);
	if (method == NULL || target == NULL || version == NULL ||
	    strncmp(version, "HTTP/1.", 7) != 0) {
		exporter_error(c, 400, "Bad Request", "");
		return;
	}
	head = strcmp(method, "HEAD") == 0;
	if (!head && strcmp(method, "GET") != 0) {
		exporter_error(c, 405, "Method Not Allowed",
		    "Allow: GET, HEAD\r\n");
		return;
	}
	if ((q = strchr(target, '?')) != NULL)
		*q = '\0';
	if (strcmp(target, "/metrics") != 0) {
		exporter_error(c, 404, "Not Found", "");
		return;
	}
	blen = exporter_render(c->x);
	exporter_answer(c, 200, "OK", "", c->x->body, blen, head);
}

static void
exporter_write(struct exporter_conn *c)
{
	ssize_t n;

	while (c->outoff < c->outlen) {
		n = send(c->fd, c->out + c->outoff, c->outlen - c->outoff,
		    MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return; /* write interest stays on */
		if (n <= 0)
			break;
		c->outoff += (size_t)n;
	}
	exporter_conn_close(c);
}

/* Reads what is there; answers once the head is complete or too big. */
static void
exporter_read(struct exporter_conn *c)
{
	ssize_t n;

	for (;;) {
		n = recv(c->fd, c->req + c->reqlen,
		    sizeof c->req - 1 - c->reqlen, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			exporter_conn_close(c);
			return;
		}
		c->reqlen += (size_t)n;
		c->req[c->reqlen] = '\0';
		if (strstr(c->req, "\r\n\r\n") != NULL ||
		    strstr(c->req, "\n\n") != NULL)
			exporter_handle(c);
		else if (c->reqlen == sizeof c->req - 1)
			exporter_error(c, 431,
			    "Request Header Fields Too Large", "");
		else
			continue;
		break;
	}
	/* An answer is ready: from now on only write. */
	ev_io_stop(c->x->loop, &c->io);
	ev_io_set(&c->io, c->fd, EV_WRITE);
	ev_io_start(c->x->loop, &c->io);
	exporter_write(c);
}

static void
exporter_io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct exporter_conn *c = container_of(w, struct exporter_conn, io);

	(void)loop;
	if (c->out != NULL && (revents & EV_WRITE))
		exporter_write(c);
	else if (revents & EV_READ)
		exporter_read(c);
}

/*
 * A fixed deadline from accept, not an idle timer (so no
 * ev_timer_again): a client trickling a byte a second must not keep a
 * slot for ever.
 */
static void
exporter_deadline_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct exporter_conn *c =
	    container_of(w, struct exporter_conn, deadline);

	(void)loop;
	(void)revents;
	exporter_conn_close(c);
}

static struct exporter_conn *
exporter_conn_slot(struct exporter *x)
{
	unsigned i;

	for (i = 0; i < EXPORTER_CONNS_MAX; i++) {
		if (x->conn[i].fd == -1)
			return (&x->conn[i]);
	}
	return (NULL);
}

static void
exporter_accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct exporter *x = container_of(w, struct exporter, accept_io);
	struct exporter_conn *c;
	int fd;

	(void)revents;
	while ((fd = accept4(x->fd, NULL, NULL,
		    SOCK_NONBLOCK | SOCK_CLOEXEC)) != -1) {
		if ((c = exporter_conn_slot(x)) == NULL) {
			close(fd); /* full: the scraper retries */
			continue;
		}
		c->fd = fd;
		c->reqlen = 0;
		ev_io_init(&c->io, exporter_io_cb, fd, EV_READ);
		ev_io_start(loop, &c->io);
		ev_timer_init(&c->deadline, exporter_deadline_cb,
		    EXPORTER_DEADLINE, 0.0);
		ev_timer_start(loop, &c->deadline);
	}
}

static void
exporter_stop_cb(struct ev_loop *loop, ev_async *w, int revents)
{
	(void)w;
	(void)revents;
	ev_break(loop, EVBREAK_ALL);
}

static void *
exporter_main(void *arg)
{
	struct exporter *x = arg;

	ev_run(x->loop, 0);
	return (NULL);
}

/* Socket, bind, addr; the chosen port into x->port. */
static int
exporter_listen(struct exporter *x, const union exporter_addr *a,
    socklen_t alen, const char *addr, char **cause)
{
	union exporter_addr got;
	socklen_t glen = sizeof got;
	int on = 1;

	memset(&got, 0, sizeof got);
	if ((x->fd = socket(a->sa.sa_family,
		 SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) == -1)
		goto fail;
	if (setsockopt(x->fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) == -1 ||
	    bind(x->fd, &a->sa, alen) == -1 || listen(x->fd, 64) == -1 ||
	    getsockname(x->fd, &got.sa, &glen) == -1)
		goto fail;
	x->port = ntohs(a->sa.sa_family == AF_INET ? got.in.sin_port
						   : got.in6.sin6_port);
	return (0);

fail:
	xasprintf(cause, "metrics: %s: %s", addr, strerror(errno));
	return (-1);
}

/* The thread, with every signal blocked: the reactor takes them. */
static int
exporter_start(struct exporter *x, char **cause)
{
	sigset_t all, old;
	int error;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	error = pthread_create(&x->thread, NULL, exporter_main, x);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (error != 0) {
		xasprintf(cause, "metrics: thread: %s", strerror(error));
		return (-1);
	}
	x->started = 1;
	return (0);
}

struct exporter *
exporter_new(const char *addr, int allow_remote, exporter_render_fn render,
    void *arg, char **cause)
{
	struct exporter *x;
	union exporter_addr a;
	socklen_t alen;
	unsigned i;

	if ((alen = exporter_parse_addr(addr, &a)) == 0) {
		xasprintf(cause,
		    "metrics: expected IP:PORT or [IPv6]:PORT, got \"%s\"",
		    addr);
		return (NULL);
	}
	if (!exporter_addr_loopback(&a) && !allow_remote) {
		xasprintf(cause,
		    "metrics: %s is not a loopback address; refusing to "
		    "expose metrics beyond this host (set [metrics] "
		    "allow_remote = yes to do it anyway)",
		    addr);
		return (NULL);
	}
	x = xcalloc(1, sizeof *x);
	x->fd = -1;
	x->render = render;
	x->arg = arg;
	for (i = 0; i < EXPORTER_CONNS_MAX; i++) {
		x->conn[i].fd = -1;
		x->conn[i].x = x;
	}
	x->body_cap = EXPORTER_BODY_INITIAL;
	x->body = xmalloc(x->body_cap);
	if (exporter_listen(x, &a, alen, addr, cause) != 0)
		goto fail;
	if ((x->loop = ev_loop_new(EVFLAG_AUTO | EVFLAG_NOSIGMASK)) == NULL) {
		xasprintf(cause, "metrics: cannot make an event loop");
		goto fail;
	}
	ev_io_init(&x->accept_io, exporter_accept_cb, x->fd, EV_READ);
	ev_io_start(x->loop, &x->accept_io);
	ev_async_init(&x->stop, exporter_stop_cb);
	ev_async_start(x->loop, &x->stop);
	if (exporter_start(x, cause) != 0)
		goto fail;
	if (!exporter_addr_loopback(&a))
		log_warn("metrics: LISTENING ON NON-LOOPBACK %s "
			 "(allow_remote = yes): anyone who can reach it "
			 "reads the engine's state; firewall it",
		    addr);
	return (x);

fail:
	exporter_free(x);
	return (NULL);
}

void
exporter_free(struct exporter *x)
{
	unsigned i;

	if (x == NULL)
		return;
	if (x->started) {
		ev_async_send(x->loop, &x->stop);
		pthread_join(x->thread, NULL);
	}
	if (x->loop != NULL) {
		for (i = 0; i < EXPORTER_CONNS_MAX; i++)
			exporter_conn_close(&x->conn[i]);
		ev_io_stop(x->loop, &x->accept_io);
		ev_async_stop(x->loop, &x->stop);
		ev_loop_destroy(x->loop);
	}
	if (x->fd != -1)
		close(x->fd);
	free(x->body);
	free(x);
}

unsigned
exporter_port(const struct exporter *x)
{
	return (x->port);
}
