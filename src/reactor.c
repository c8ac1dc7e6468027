/*
 * The main loop's shared services.  Signals arrive as libev watchers,
 * so their handlers run as ordinary callbacks on the loop, never in
 * signal context.  Shutdown closes WebSockets politely, then ends the
 * loop once they are all closed (polled every 10 ms) or the grace period
 * is over, whichever comes first.
 */
#include "autoconf.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "xarb.h"
#include "log.h"
#include "net.h"
#include "reactor.h"
#include "ws.h"
#include "xmalloc.h"

#define REACTOR_WS_MAX 64
#define REACTOR_POLL 0.01 /* s between checks that connections closed */

struct reactor {
	struct ev_loop *loop; /* the default loop, borrowed */
	struct net_resolver *resolver;
	struct reactor_hooks hooks;
	struct ws_conn *ws[REACTOR_WS_MAX]; /* borrowed */
	unsigned nws;
	int stopping;
	ev_signal sig_int, sig_term, sig_hup, sig_usr1;
	ev_prepare prepare;
	ev_timer grace; /* the most the shutdown may take */
	ev_timer poll;	/* are the connections closed yet? */
};

static void
reactor_sig_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct reactor *r = w->data;

	(void)loop;
	(void)revents;
	switch (w->signum) {
	case SIGHUP:
		if (r->hooks.reload != NULL)
			r->hooks.reload(r->hooks.arg);
		break;
	case SIGUSR1:
		if (r->hooks.dump != NULL)
			r->hooks.dump(r->hooks.arg);
		break;
	default:
		log_info("reactor: signal %d, stopping", w->signum);
		reactor_shutdown(r, r->hooks.grace > 0 ? r->hooks.grace : 2.0);
		break;
	}
}

static void
reactor_prepare_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct reactor *r = container_of(w, struct reactor, prepare);

	(void)loop;
	(void)revents;
	if (r->hooks.before_sleep != NULL)
		r->hooks.before_sleep(r->hooks.arg);
}

static void
reactor_grace_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct reactor *r = container_of(w, struct reactor, grace);
	unsigned i;

	(void)revents;
	for (i = 0; i < r->nws; i++) {
		if (ws_get_state(r->ws[i]) != WS_STOPPED) {
			log_warn("reactor: %s did not close in time",
			    ws_name(r->ws[i]));
			ws_stop(r->ws[i]);
		}
	}
	ev_timer_stop(loop, &r->poll);
	ev_break(loop, EVBREAK_ALL);
}

static void
reactor_poll_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct reactor *r = container_of(w, struct reactor, poll);
	unsigned i;

	(void)revents;
	for (i = 0; i < r->nws; i++) {
		if (ws_get_state(r->ws[i]) != WS_STOPPED)
			return;
	}
	ev_timer_stop(loop, &r->grace);
	ev_timer_stop(loop, w);
	ev_break(loop, EVBREAK_ALL);
}

static void
reactor_signal(struct reactor *r, ev_signal *w, int sig)
{
	ev_signal_init(w, reactor_sig_cb, sig);
	w->data = r;
	ev_signal_start(r->loop, w);
	/* Signal watchers alone must not keep the loop alive. */
	ev_unref(r->loop);
}

struct reactor *
reactor_new(const struct reactor_hooks *hooks, char **cause)
{
	struct reactor *r;

	r = xcalloc(1, sizeof *r);
	if ((r->loop = ev_default_loop(EVFLAG_AUTO)) == NULL) {
		xasprintf(cause, "reactor: libev has no usable backend");
		free(r);
		return (NULL);
	}
	if (hooks != NULL)
		r->hooks = *hooks;
	if ((r->resolver = net_resolver_new(r->loop)) == NULL) {
		xasprintf(cause, "reactor: resolver thread: %s",
		    strerror(errno));
		free(r);
		return (NULL);
	}
	reactor_signal(r, &r->sig_int, SIGINT);
	reactor_signal(r, &r->sig_term, SIGTERM);
	reactor_signal(r, &r->sig_hup, SIGHUP);
	reactor_signal(r, &r->sig_usr1, SIGUSR1);
	ev_prepare_init(&r->prepare, reactor_prepare_cb);
	ev_prepare_start(r->loop, &r->prepare);
	ev_unref(r->loop);
	ev_init(&r->grace, reactor_grace_cb);
	ev_init(&r->poll, reactor_poll_cb);
	return (r);
}

void
reactor_free(struct reactor *r)
{
	if (r == NULL)
		return;
	ev_ref(r->loop);
	ev_prepare_stop(r->loop, &r->prepare);
	ev_ref(r->loop);
	ev_signal_stop(r->loop, &r->sig_int);
	ev_ref(r->loop);
	ev_signal_stop(r->loop, &r->sig_term);
	ev_ref(r->loop);
	ev_signal_stop(r->loop, &r->sig_hup);
	ev_ref(r->loop);
	ev_signal_stop(r->loop, &r->sig_usr1);
	ev_timer_stop(r->loop, &r->grace);
	ev_timer_stop(r->loop, &r->poll);
	net_resolver_free(r->resolver);
	free(r);
}

struct ev_loop *
reactor_loop(struct reactor *r)
{
	return (r->loop);
}

struct net_resolver *
reactor_resolver(struct reactor *r)
{
	return (r->resolver);
}

void
reactor_add_ws(struct reactor *r, struct ws_conn *c)
{
	if (r->nws == REACTOR_WS_MAX)
		fatalx("reactor: more than %d WebSocket connections",
		    REACTOR_WS_MAX);
	r->ws[r->nws++] = c;
}

void
reactor_remove_ws(struct reactor *r, struct ws_conn *c)
{
	unsigned i;

	for (i = 0; i < r->nws; i++) {
		if (r->ws[i] == c) {
			r->ws[i] = r->ws[--r->nws];
			return;
		}
	}
}

int
reactor_run(struct reactor *r)
{
	ev_run(r->loop, 0);
	return (0);
}

int
reactor_stopping(const struct reactor *r)
{
	return (r->stopping);
}

void
reactor_shutdown(struct reactor *r, double grace)
{
	unsigned i;

	if (r->stopping)
		return;
	r->stopping = 1;
	if (r->hooks.stopping != NULL)
		r->hooks.stopping(r->hooks.arg);
	for (i = 0; i < r->nws; i++)
		ws_close(r->ws[i], 1001, "going away");
	ev_timer_set(&r->grace, grace, 0.0);
	ev_timer_start(r->loop, &r->grace);
	ev_timer_set(&r->poll, 0.0, REACTOR_POLL);
	ev_timer_start(r->loop, &r->poll);
}
