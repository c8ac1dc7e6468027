/*
 * Tests of name resolution and connection set-up, on loopback only:
 * the resolver thread (localhost, cancellation), connects that succeed,
 * are refused, or time out in the TLS handshake, IPv6, and a plain-TCP
 * server where TLS was expected.
 */
#include "autoconf.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <ev.h>

#include "xarb.h"
#include "net.h"
#include "tcheck.h"
#include "tls.h"

static struct ev_loop *loop;
static struct net_resolver *res;

static void
setup(void)
{
	loop = ev_loop_new(EVFLAG_AUTO);
	ck_assert_ptr_nonnull(loop);
	res = net_resolver_new(loop);
	ck_assert_ptr_nonnull(res);
}

static void
teardown(void)
{
	net_resolver_free(res);
	ev_loop_destroy(loop);
}

/* Runs the loop until *flag is set or secs pass. */
static void
run_until(int *flag, double secs)
{
	ev_tstamp end = ev_time() + secs;

	while (!*flag && ev_time() < end)
		ev_run(loop, EVRUN_ONCE | EVRUN_NOWAIT), usleep(1000);
}

struct lookup_result {
	int done, gai, v4, v6, in_call;
};

static void
lookup_cb(struct addrinfo *ai, int gai, void *arg)
{
	struct lookup_result *lr = arg;
	struct addrinfo *p;

	ck_assert_int_eq(lr->in_call, 0); /* never from inside net_resolve */
	lr->done = 1;
	lr->gai = gai;
	for (p = ai; p != NULL; p = p->ai_next) {
		lr->v4 += p->ai_family == AF_INET;
		lr->v6 += p->ai_family == AF_INET6;
	}
	if (ai != NULL)
		freeaddrinfo(ai);
}

START_TEST(test_net_resolves_localhost_off_loop)
{
	struct lookup_result lr = { 0 };

	lr.in_call = 1;
	ck_assert_ptr_nonnull(net_resolve(res, "localhost", "443", lookup_cb,
	    &lr));
	lr.in_call = 0;
	ck_assert_int_eq(lr.done, 0);
	run_until(&lr.done, 5);
	ck_assert_int_eq(lr.done, 1);
	ck_assert_int_eq(lr.gai, 0);
	ck_assert_int_gt(lr.v4 + lr.v6, 0);
}
END_TEST

START_TEST(test_net_resolves_literals_and_brackets)
{
	struct lookup_result a = { 0 }, b = { 0 };

	net_resolve(res, "127.0.0.1", "80", lookup_cb, &a);
	net_resolve(res, "[::1]", "80", lookup_cb, &b);
	run_until(&b.done, 5);
	run_until(&a.done, 5);
	ck_assert_int_eq(a.gai, 0);
	ck_assert_int_eq(a.v4, 1);
	ck_assert_int_eq(b.gai, 0);
	ck_assert_int_eq(b.v6, 1);
}
END_TEST

START_TEST(test_net_cancelled_lookup_never_calls_back)
{
	struct lookup_result lr = { 0 }, after = { 0 };
	struct net_lookup *l;

	l = net_resolve(res, "localhost", "80", lookup_cb, &lr);
	net_lookup_cancel(l);
	/* A later lookup finishing proves the first one was processed. */
	net_resolve(res, "127.0.0.1", "80", lookup_cb, &after);
	run_until(&after.done, 5);
	ck_assert_int_eq(after.done, 1);
	ck_assert_int_eq(lr.done, 0);
}
END_TEST

/* A listening socket on loopback; returns its fd and port. */
static int
listener(int family, unsigned *port)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	int fd, one = 1;

	memset(&ss, 0, sizeof ss);
	if (family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_loopback;
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	}
	if ((fd = socket(family, SOCK_STREAM, 0)) == -1)
		return (-1);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&ss,
		family == AF_INET6 ? sizeof(struct sockaddr_in6)
				   : sizeof(struct sockaddr_in)) == -1 ||
	    listen(fd, 8) == -1 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) == -1) {
		close(fd);
		return (-1);
	}
	*port =
	    ntohs(family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
				     : ((struct sockaddr_in *)&ss)->sin_port);
	return (fd);
}

struct conn_result {
	struct net_stream s;
	int done, ok;
};

static void
conn_done_cb(struct net_stream *s, int ok)
{
	struct conn_result *cr = container_of(s, struct conn_result, s);

	cr->done = 1;
	cr->ok = ok;
}

static void
conn_io_cb(struct ev_loop *l, ev_io *w, int revents)
{
	(void)l;
	(void)w;
	(void)revents;
}

static void
connect_to(struct conn_result *cr, SSL_CTX *ctx, const char *host,
    unsigned port, double timeout)
{
	char p[8];

	memset(cr, 0, sizeof *cr);
	snprintf(p, sizeof p, "%u", port);
	net_stream_init(&cr->s, loop, res, ctx, conn_done_cb, conn_io_cb);
	net_stream_connect(&cr->s, host, p, timeout);
	run_until(&cr->done, timeout + 5);
	ck_assert_int_eq(cr->done, 1);
}

START_TEST(test_net_connects_plain_ipv4_and_ipv6)
{
	struct conn_result cr;
	unsigned port;
	int lfd;

	ck_assert_int_ge(lfd = listener(AF_INET, &port), 0);
	connect_to(&cr, NULL, "127.0.0.1", port, 2);
	ck_assert_int_eq(cr.ok, 1);
	ck_assert_int_eq(cr.s.state, NET_READY);
	ck_assert_int_ge(cr.s.io.fd, 0);
	ck_assert_ptr_nonnull(strstr(cr.s.peer, "127.0.0.1:"));
	net_stream_close(&cr.s);
	ck_assert_int_eq(cr.s.io.fd, -1);
	close(lfd);

	if ((lfd = listener(AF_INET6, &port)) == -1)
		return; /* no IPv6 on this host: nothing to connect to */
	connect_to(&cr, NULL, "::1", port, 2);
	ck_assert_int_eq(cr.ok, 1);
	ck_assert_ptr_nonnull(strstr(cr.s.peer, "[::1]:"));
	net_stream_close(&cr.s);
	close(lfd);
}
END_TEST

START_TEST(test_net_refused_is_reported)
{
	struct conn_result cr;
	unsigned port;
	int lfd;

	ck_assert_int_ge(lfd = listener(AF_INET, &port), 0);
	close(lfd); /* nothing listens there now */
	connect_to(&cr, NULL, "127.0.0.1", port, 2);
	ck_assert_int_eq(cr.ok, 0);
	ck_assert_ptr_eq(cr.s.reason, net_err_connect);
	ck_assert_msg(strstr(cr.s.detail, "refused") != NULL, "%s",
	    cr.s.detail);
	ck_assert_int_eq(cr.s.io.fd, -1);
}
END_TEST

/* The kernel completes TCP, but nobody ever answers the ClientHello. */
START_TEST(test_net_tls_handshake_times_out)
{
	struct conn_result cr;
	char *cause = NULL;
	SSL_CTX *ctx = tls_ctx_client(NULL, &cause);
	unsigned port;
	int lfd;
	ev_tstamp t0;

	ck_assert_ptr_nonnull(ctx);
	ck_assert_int_ge(lfd = listener(AF_INET, &port), 0);
	t0 = ev_time();
	connect_to(&cr, ctx, "127.0.0.1", port, 0.3);
	ck_assert_int_eq(cr.ok, 0);
	ck_assert_ptr_eq(cr.s.reason, net_err_timeout);
	ck_assert_msg(strstr(cr.s.detail, "TLS handshake") != NULL, "%s",
	    cr.s.detail);
	ck_assert_double_ge(ev_time() - t0, 0.29);
	ck_assert_double_lt(ev_time() - t0, 3);
	close(lfd);
	SSL_CTX_free(ctx);
}
END_TEST

/* TLS expected, plain TCP answers: a clear handshake failure. */
START_TEST(test_net_plain_server_fails_tls)
{
	struct conn_result cr;
	char *cause = NULL;
	SSL_CTX *ctx = tls_ctx_client(NULL, &cause);
	static const char junk[] = "HTTP/1.1 400 Bad Request\r\n\r\n";
	unsigned port;
	int lfd, afd;
	pid_t pid;

	ck_assert_int_ge(lfd = listener(AF_INET, &port), 0);
	if ((pid = fork()) == 0) {
		afd = accept(lfd, NULL, NULL);
		(void)!write(afd, junk, sizeof junk - 1);
		sleep(2);
		_exit(0);
	}
	connect_to(&cr, ctx, "127.0.0.1", port, 3);
	kill(pid, SIGKILL);
	ck_assert_int_eq(cr.ok, 0);
	ck_assert_ptr_eq(cr.s.reason, tls_err_handshake);
	ck_assert_msg(cr.s.detail[0] != '\0', "no detail");
	close(lfd);
	SSL_CTX_free(ctx);
}
END_TEST

/* Closing a stream mid-connect cancels everything cleanly. */
START_TEST(test_net_close_while_connecting)
{
	struct conn_result cr;
	unsigned port;
	int lfd, i;

	ck_assert_int_ge(lfd = listener(AF_INET, &port), 0);
	for (i = 0; i < 100; i++) {
		char p[8];

		memset(&cr, 0, sizeof cr);
		snprintf(p, sizeof p, "%u", port);
		net_stream_init(&cr.s, loop, res, NULL, conn_done_cb,
		    conn_io_cb);
		net_stream_connect(&cr.s, "localhost", p, 2);
		if (i % 2)
			ev_run(loop, EVRUN_NOWAIT);
		net_stream_close(&cr.s);
	}
	ev_run(loop, EVRUN_NOWAIT);
	ck_assert_int_eq(cr.done, 0);
	close(lfd);
}
END_TEST

START_TEST(test_net_tls_ctx_bad_ca_file)
{
	char *cause = NULL;

	ck_assert_ptr_null(tls_ctx_client("/nonexistent/ca.pem", &cause));
	ck_assert_ptr_nonnull(strstr(cause, "/nonexistent/ca.pem"));
	free(cause);
}
END_TEST

static Suite *
net_suite(void)
{
	Suite *s = suite_create("net");
	TCase *tc;

	tc = tcase_create("resolve");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_net_resolves_localhost_off_loop);
	tcase_add_test(tc, test_net_resolves_literals_and_brackets);
	tcase_add_test(tc, test_net_cancelled_lookup_never_calls_back);
	suite_add_tcase(s, tc);

	tc = tcase_create("connect");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_net_connects_plain_ipv4_and_ipv6);
	tcase_add_test(tc, test_net_refused_is_reported);
	tcase_add_test(tc, test_net_tls_handshake_times_out);
	tcase_add_test(tc, test_net_plain_server_fails_tls);
	tcase_add_test(tc, test_net_close_while_connecting);
	tcase_add_test(tc, test_net_tls_ctx_bad_ca_file);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	return (tcheck_run(net_suite()));
}
