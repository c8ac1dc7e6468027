/*
 * Resolver thread and non-blocking connection set-up.
 *
 * The resolver is a single thread fed from a queue: one lookup at a time
 * is plenty for seven venues, and it keeps getaddrinfo(), which can block
 * for seconds, off the reactor.  Finished lookups go on a second queue
 * and an ev_async wakes the loop, which runs the callbacks.
 */
#include "autoconf.h"

#include <sys/queue.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xarb.h"
#include "net.h"

const char net_err_resolve[] = "dns: lookup failed";
const char net_err_connect[] = "connect failed";
const char net_err_timeout[] = "timed out";

struct net_lookup {
	struct net_resolver *r; /* borrowed */
	char host[256];
	char port[8];
	net_resolve_cb cb;
	void *arg;
	int cancelled; /* under r->mu */
	int gai;
	struct addrinfo *ai; /* owned until handed to cb */
	TAILQ_ENTRY(net_lookup) entry;
};

TAILQ_HEAD(net_lookups, net_lookup);

struct net_resolver {
	struct ev_loop *loop; /* borrowed */
	ev_async async;	      /* "lookups are done" */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct net_lookups pending; /* under mu */
	struct net_lookups done;    /* under mu */
	int stopping;		    /* under mu */
};

static void *
net_resolver_main(void *arg)
{
	struct net_resolver *r = arg;
	struct net_lookup *l;
	struct addrinfo hints;

	pthread_mutex_lock(&r->mu);
	for (;;) {
		while (!r->stopping && TAILQ_EMPTY(&r->pending))
			pthread_cond_wait(&r->cv, &r->mu);
		if (r->stopping)
			break;
		l = TAILQ_FIRST(&r->pending);
		TAILQ_REMOVE(&r->pending, l, entry);
		pthread_mutex_unlock(&r->mu);

		memset(&hints, 0, sizeof hints);
		hints.ai_family = AF_UNSPEC;
		hints.ai_socktype = SOCK_STREAM;
		hints.ai_flags = AI_NUMERICSERV;
		l->gai = getaddrinfo(l->host, l->port, &hints, &l->ai);

		pthread_mutex_lock(&r->mu);
		TAILQ_INSERT_TAIL(&r->done, l, entry);
		ev_async_send(r->loop, &r->async);
	}
	pthread_mutex_unlock(&r->mu);
	return (NULL);
}

static void
net_lookup_free(struct net_lookup *l)
{
	if (l->ai != NULL)
		freeaddrinfo(l->ai);
	free(l);
}

/* On the loop: hand finished lookups to their callbacks. */
static void
net_resolver_async_cb(struct ev_loop *loop, ev_async *w, int revents)
{
	struct net_resolver *r = container_of(w, struct net_resolver, async);
	struct net_lookups ready;
	struct net_lookup *l;
	struct addrinfo *ai;

	(void)loop;
	(void)revents;
	TAILQ_INIT(&ready);
	pthread_mutex_lock(&r->mu);
	TAILQ_CONCAT(&ready, &r->done, entry);
	pthread_mutex_unlock(&r->mu);
	while ((l = TAILQ_FIRST(&ready)) != NULL) {
		TAILQ_REMOVE(&ready, l, entry);
		if (!l->cancelled) {
			ai = l->ai;
			l->ai = NULL;
			l->cb(ai, l->gai, l->arg);
		}
		net_lookup_free(l);
	}
}

struct net_resolver *
net_resolver_new(struct ev_loop *loop)
{
	struct net_resolver *r;
	int error;

	if ((r = calloc(1, sizeof *r)) == NULL)
		return (NULL);
	r->loop = loop;
	TAILQ_INIT(&r->pending);
	TAILQ_INIT(&r->done);
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	ev_async_init(&r->async, net_resolver_async_cb);
	ev_async_start(loop, &r->async);
	/* The loop should not stay alive for the resolver alone. */
	ev_unref(loop);
	if ((error = pthread_create(&r->thread, NULL, net_resolver_main, r)) !=
	    0) {
		ev_ref(loop);
		ev_async_stop(loop, &r->async);
		pthread_cond_destroy(&r->cv);
		pthread_mutex_destroy(&r->mu);
		free(r);
		errno = error;
		return (NULL);
	}
	return (r);
}

void
net_resolver_free(struct net_resolver *r)
{
	struct net_lookup *l;

	if (r == NULL)
		return;
	pthread_mutex_lock(&r->mu);
	r->stopping = 1;
	pthread_cond_signal(&r->cv);
	pthread_mutex_unlock(&r->mu);
	pthread_join(r->thread, NULL);
	ev_ref(r->loop);
	ev_async_stop(r->loop, &r->async);
	while ((l = TAILQ_FIRST(&r->pending)) != NULL) {
		TAILQ_REMOVE(&r->pending, l, entry);
		net_lookup_free(l);
	}
	while ((l = TAILQ_FIRST(&r->done)) != NULL) {
		TAILQ_REMOVE(&r->done, l, entry);
		net_lookup_free(l);
	}
	pthread_cond_destroy(&r->cv);
	pthread_mutex_destroy(&r->mu);
	free(r);
}

struct net_lookup *
net_resolve(struct net_resolver *r, const char *host, const char *port,
    net_resolve_cb cb, void *arg)
{
	struct net_lookup *l;

	if ((l = calloc(1, sizeof *l)) == NULL)
		return (NULL);
	l->r = r;
	/* "[::1]" in a URL is "::1" to getaddrinfo. */
	if (host[0] == '[' && host[strlen(host) - 1] == ']')
		snprintf(l->host, sizeof l->host, "%.*s", (int)strlen(host) - 2,
		    host + 1);
	else
		snprintf(l->host, sizeof l->host, "%s", host);
	snprintf(l->port, sizeof l->port, "%s", port);
	l->cb = cb;
	l->arg = arg;
	pthread_mutex_lock(&r->mu);
	TAILQ_INSERT_TAIL(&r->pending, l, entry);
	pthread_cond_signal(&r->cv);
	pthread_mutex_unlock(&r->mu);
	return (l);
}

void
net_lookup_cancel(struct net_lookup *l)
{
	struct net_resolver *r = l->r;

	pthread_mutex_lock(&r->mu);
	l->cancelled = 1;
	pthread_mutex_unlock(&r->mu);
}

/* -- streams -------------------------------------------------------- */

static void net_stream_io_cb(struct ev_loop *, ev_io *, int);
static void net_stream_next(struct net_stream *);

static void
net_stream_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct net_stream *s = container_of(w, struct net_stream, timer);
	static const char *const what[] = {
		[NET_IDLE] = "idle",
		[NET_RESOLVING] = "resolving",
		[NET_CONNECTING] = "connecting",
		[NET_HANDSHAKE] = "in the TLS handshake",
		[NET_READY] = "ready",
	};

	(void)loop;
	(void)revents;
	snprintf(s->detail, sizeof s->detail, "%s %s:%s", what[s->state],
	    s->host, s->port);
	s->reason = net_err_timeout;
	net_stream_close(s);
	s->done(s, 0);
}

void
net_stream_init(struct net_stream *s, struct ev_loop *loop,
    struct net_resolver *resolver, SSL_CTX *tls, net_stream_cb done,
    void (*io_cb)(struct ev_loop *, ev_io *, int))
{
	memset(s, 0, sizeof *s);
	s->loop = loop;
	s->resolver = resolver;
	s->tls = tls;
	s->done = done;
	s->io_cb = io_cb;
	s->io.fd = -1;
	ev_init(&s->w, net_stream_io_cb);
	ev_init(&s->timer, net_stream_timer_cb);
}

void
net_stream_want(struct net_stream *s, int events)
{
	if (ev_is_active(&s->w) &&
	    (s->w.events & (EV_READ | EV_WRITE)) == events)
		return;
	ev_io_stop(s->loop, &s->w);
	if (events == 0)
		return;
	ev_io_set(&s->w, s->io.fd, events);
	ev_io_start(s->loop, &s->w);
}

void
net_stream_close(struct net_stream *s)
{
	ev_io_stop(s->loop, &s->w);
	ev_timer_stop(s->loop, &s->timer);
	ev_set_cb(&s->w, net_stream_io_cb);
	if (s->lookup != NULL) {
		net_lookup_cancel(s->lookup);
		s->lookup = NULL;
	}
	if (s->ai_list != NULL) {
		freeaddrinfo(s->ai_list);
		s->ai_list = s->ai_cur = NULL;
	}
	tls_io_close(&s->io);
	s->state = NET_IDLE;
}

static void
net_stream_fail(struct net_stream *s, const char *reason, const char *detail)
{
	s->reason = reason;
	if (detail != s->detail)
		snprintf(s->detail, sizeof s->detail, "%s", detail);
	net_stream_close(s);
	s->done(s, 0);
}

static void
net_stream_peer(struct net_stream *s, const struct addrinfo *ai)
{
	char addr[INET6_ADDRSTRLEN] = "?";
	const void *p;

	if (ai->ai_family == AF_INET6)
		p = &((const struct sockaddr_in6 *)(const void *)ai->ai_addr)
			 ->sin6_addr;
	else
		p = &((const struct sockaddr_in *)(const void *)ai->ai_addr)
			 ->sin_addr;
	inet_ntop(ai->ai_family, p, addr, sizeof addr);
	snprintf(s->peer, sizeof s->peer,
	    ai->ai_family == AF_INET6 ? "[%s]:%s" : "%s:%s", addr, s->port);
}

static void
net_resolved_cb(struct addrinfo *ai, int gai, void *arg)
{
	struct net_stream *s = arg;

	s->lookup = NULL;
	if (gai != 0) {
		snprintf(s->detail, sizeof s->detail, "%s: %s", s->host,
		    gai_strerror(gai));
		s->reason = net_err_resolve;
		net_stream_close(s);
		s->done(s, 0);
		return;
	}
	s->ai_list = s->ai_cur = ai;
	s->state = NET_CONNECTING;
	net_stream_next(s);
}

void
net_stream_connect(struct net_stream *s, const char *host, const char *port,
    double timeout)
{
	net_stream_close(s);
	snprintf(s->host, sizeof s->host, "%s", host);
	snprintf(s->port, sizeof s->port, "%s", port);
	s->reason = NULL;
	s->detail[0] = s->peer[0] = '\0';
	s->state = NET_RESOLVING;
	ev_now_update(s->loop); /* the timeout counts from now */
	ev_timer_set(&s->timer, timeout, 0.0);
	ev_timer_start(s->loop, &s->timer);
	if ((s->lookup = net_resolve(s->resolver, host, port, net_resolved_cb,
		 s)) == NULL) {
		/* Report from the loop, not from inside this call. */
		s->reason = net_err_resolve;
		snprintf(s->detail, sizeof s->detail, "out of memory");
		ev_timer_set(&s->timer, 0.0, 0.0);
		ev_timer_start(s->loop, &s->timer);
	}
}

/* Starts a connect to s->ai_cur; moves on through the list on failure. */
static void
net_stream_next(struct net_stream *s)
{
	struct addrinfo *ai;
	int fd, one = 1;

	for (; (ai = s->ai_cur) != NULL; s->ai_cur = ai->ai_next) {
		net_stream_peer(s, ai);
		fd = socket(ai->ai_family,
		    ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd == -1) {
			snprintf(s->detail, sizeof s->detail, "%s: %s", s->peer,
			    strerror(errno));
			continue;
		}
		/* Small messages must not wait for Nagle. */
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof one);
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 ||
		    errno == EINPROGRESS) {
			s->io.fd = fd;
			ev_io_set(&s->w, fd, EV_WRITE);
			ev_io_start(s->loop, &s->w);
			return;
		}
		snprintf(s->detail, sizeof s->detail, "%s: %s", s->peer,
		    strerror(errno));
		close(fd);
	}
	net_stream_fail(s, net_err_connect, s->detail);
}

static void
net_stream_handshake(struct net_stream *s)
{
	switch (tls_io_handshake(&s->io)) {
	case TLS_OK:
		s->state = NET_READY;
		ev_timer_stop(s->loop, &s->timer);
		ev_io_stop(s->loop, &s->w);
		ev_set_cb(&s->w, s->io_cb);
		freeaddrinfo(s->ai_list);
		s->ai_list = s->ai_cur = NULL;
		s->done(s, 1);
		return;
	case TLS_WANT_READ:
		net_stream_want(s, EV_READ);
		return;
	case TLS_WANT_WRITE:
		net_stream_want(s, EV_WRITE);
		return;
	default:
		net_stream_fail(s, s->io.reason, s->io.detail);
		return;
	}
}

static void
net_stream_io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct net_stream *s = container_of(w, struct net_stream, w);
	socklen_t len = sizeof(int);
	int error = 0, fd;

	(void)loop;
	(void)revents;
	if (s->state == NET_HANDSHAKE) {
		net_stream_handshake(s);
		return;
	}
	/* NET_CONNECTING: writable means the connect finished. */
	if (getsockopt(s->io.fd, SOL_SOCKET, SO_ERROR, &error, &len) == -1)
		error = errno;
	if (error != 0) {
		snprintf(s->detail, sizeof s->detail, "%s: %s", s->peer,
		    strerror(error));
		ev_io_stop(s->loop, &s->w);
		close(s->io.fd);
		s->io.fd = -1;
		s->ai_cur = s->ai_cur->ai_next;
		net_stream_next(s);
		return;
	}
	ev_io_stop(s->loop, &s->w);
	fd = s->io.fd;
	if (tls_io_init(&s->io, s->tls, fd, s->host, 0) != 0) {
		net_stream_fail(s, s->io.reason, s->io.detail);
		return;
	}
	s->state = NET_HANDSHAKE;
	net_stream_handshake(s);
}
