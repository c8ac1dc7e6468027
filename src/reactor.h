/*
 * The reactor: the libev default loop of the main thread and what every
 * component on it shares: the DNS resolver thread, the signal watchers
 * (SIGINT/SIGTERM: graceful shutdown, SIGHUP: reload, SIGUSR1: state
 * dump), the WebSocket connections to close on the way out, and a hook
 * run before the loop sleeps (the ring flush).  Nothing on this loop may
 * block.
 */
#ifndef XARB_REACTOR_H
#define XARB_REACTOR_H

#include <ev.h>

struct net_resolver;
struct reactor;
struct ws_conn;

struct reactor_hooks {
	void (*reload)(void *arg);	 /* SIGHUP */
	void (*dump)(void *arg);	 /* SIGUSR1 */
	void (*stopping)(void *arg);	 /* shutdown began (signal or call) */
	void (*before_sleep)(void *arg); /* every loop iteration */
	void *arg;
	double grace; /* seconds a signalled shutdown waits; 0: 2 s */
};

/*
 * Takes the default loop and starts the resolver thread.  Returns NULL
 * with *cause set.  One reactor per process (signals are per process).
 */
struct reactor *reactor_new(const struct reactor_hooks *hooks, char **cause);

/* Stops every watcher and the resolver.  NULL is a no-op. */
void reactor_free(struct reactor *r);

struct ev_loop *reactor_loop(struct reactor *r);
struct net_resolver *reactor_resolver(struct reactor *r);

/*
 * Registers a WebSocket connection (borrowed) to be closed with a close
 * frame at shutdown.  Remove it before freeing it.
 */
void reactor_add_ws(struct reactor *r, struct ws_conn *c);
void reactor_remove_ws(struct reactor *r, struct ws_conn *c);

/* Runs until shutdown completes.  Returns 0. */
int reactor_run(struct reactor *r);

/*
 * Graceful shutdown: every registered connection gets a close frame
 * (1001 "going away"); the loop ends when all are closed or after grace
 * seconds.  Safe to call more than once and from any callback.
 */
void reactor_shutdown(struct reactor *r, double grace);

/* True once shutdown has begun. */
int reactor_stopping(const struct reactor *r);

#endif /* XARB_REACTOR_H */
