/*
 * Name resolution and connection set-up, never blocking the loop.
 *
 * net_resolver: getaddrinfo() runs on its own thread; results come back
 * to the loop through an ev_async, so DNS never stalls the reactor.
 *
 * net_stream: one outgoing connection from a host name to a ready
 * transport: resolve, connect to each address in turn (non-blocking,
 * TCP_NODELAY), then the TLS handshake (or none for plain TCP), all under
 * one timeout.  When ready, the owner reads and writes through s->io and
 * receives readiness on s->w with its own callback.
 */
#ifndef XARB_NET_H
#define XARB_NET_H

#include <netdb.h>

#include <ev.h>

#include "tls.h"

struct net_resolver;
struct net_lookup;

/* gai is 0 on success (ai then owned by the callee), else an EAI_ code. */
typedef void (*net_resolve_cb)(struct addrinfo *ai, int gai, void *arg);

/* Starts the resolver thread.  NULL (errno set) if it cannot. */
struct net_resolver *net_resolver_new(struct ev_loop *loop);

/* Stops the thread and drops unfinished lookups.  NULL is a no-op. */
void net_resolver_free(struct net_resolver *r);

/*
 * Resolves host:port (a numeric port) in the background; cb runs later on
 * the loop's thread, never from inside this call.  Returns a handle for
 * net_lookup_cancel(), or NULL on ENOMEM.
 */
struct net_lookup *net_resolve(struct net_resolver *r, const char *host,
    const char *port, net_resolve_cb cb, void *arg);

/* The callback will not run; the lookup is freed when it finishes. */
void net_lookup_cancel(struct net_lookup *l);

/* Failure reasons, compared by pointer; the details are in s->detail. */
extern const char net_err_resolve[];
extern const char net_err_connect[];
extern const char net_err_timeout[];

enum net_state {
	NET_IDLE,
	NET_RESOLVING,
	NET_CONNECTING,
	NET_HANDSHAKE,
	NET_READY,
};

struct net_stream;

/* ok: the transport is ready; else s->reason and s->detail say why. */
typedef void (*net_stream_cb)(struct net_stream *s, int ok);

struct net_stream {
	struct ev_loop *loop;	       /* borrowed */
	struct net_resolver *resolver; /* borrowed */
	SSL_CTX *tls;		       /* borrowed; NULL: plain TCP */
	net_stream_cb done;
	void (*io_cb)(struct ev_loop *, ev_io *, int); /* owner's, once ready */
	enum net_state state;
	char host[256];
	char port[8];
	struct tls_io io;	  /* the transport; io.fd -1 when closed */
	ev_io w;		  /* readiness of io.fd */
	ev_timer timer;		  /* the set-up timeout */
	struct addrinfo *ai_list; /* owned while connecting */
	struct addrinfo *ai_cur;
	struct net_lookup *lookup; /* pending resolution, or NULL */
	const char *reason;	   /* net_err_* or tls_err_*, on failure */
	char detail[384];
	char peer[64]; /* "127.0.0.1:443" once connected */
};

/*
 * Prepares s (caller-owned storage).  done reports the end of set-up;
 * io_cb becomes the callback of s->w once ready.
 */
void net_stream_init(struct net_stream *s, struct ev_loop *loop,
    struct net_resolver *resolver, SSL_CTX *tls, net_stream_cb done,
    void (*io_cb)(struct ev_loop *, ev_io *, int));

/*
 * Starts resolving and connecting host:port within timeout seconds.
 * done runs later (never from inside this call).  s must be closed.
 */
void net_stream_connect(struct net_stream *s, const char *host,
    const char *port, double timeout);

/*
 * Watches exactly events (EV_READ | EV_WRITE) on a ready stream,
 * restarting the watcher only when they change.
 */
void net_stream_want(struct net_stream *s, int events);

/* Stops everything, closes the transport; s can connect again. */
void net_stream_close(struct net_stream *s);

#endif /* XARB_NET_H */
