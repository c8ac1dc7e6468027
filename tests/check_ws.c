/*
 * Tests of the WebSocket client (and the REST client) against the venue
 * simulator running in a thread of this process: real sockets on
 * loopback, real TLS with a CA made for the test, every failure mode of
 * issue #3: bad accept key, 403, certificate verify failure, wrong host,
 * plain TCP, fragmented and interleaved control frames, ping/pong under
 * load, server close, abrupt disconnects with measured back-off, the
 * idle watchdog, oversized and garbage frames, graceful shutdown, and
 * 100 connect/disconnect cycles.
 */
#include "autoconf.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <ev.h>

#include "xarb.h"
#include "config.h"
#include "http.h"
#include "net.h"
#include "reactor.h"
#include "sim/sim.h"
#include "tcheck.h"
#include "tls.h"
#include "ws.h"

static char *dir;
static struct ev_loop *loop;
static struct net_resolver *res;
static SSL_CTX *ctx;
static struct sim *sim;

/* What the callbacks saw. */
struct seen {
	unsigned opens, closes, msgs;
	unsigned binary_msgs;
	char last_binary[64];
	size_t last_len;
	char last[256];
	const char *reason;
	char detail[256];
	double t_close[16], t_open[16];
	int stop_on_msg;
	int close_on_open;
};

static struct seen seen;

static char *
cert_path(const char *name)
{
	return (tcheck_asprintf("%s/%s", dir, name));
}

static void
setup(void)
{
	char *cmd, *cause = NULL;

	memset(&seen, 0, sizeof seen);
	dir = tcheck_mkdtemp();
	cmd = tcheck_asprintf("sh '%s/tests/gen-certs.sh' '%s'",
	    tcheck_srcdir(), dir);
	ck_assert_msg(system(cmd) == 0, "%s failed", cmd);
	loop = ev_loop_new(EVFLAG_AUTO);
	res = net_resolver_new(loop);
	ctx = tls_ctx_client(cert_path("ca.pem"), &cause);
	ck_assert_msg(ctx != NULL, "%s", cause);
	sim = NULL;
}

static void
teardown(void)
{
	sim_free(sim);
	SSL_CTX_free(ctx);
	net_resolver_free(res);
	ev_loop_destroy(loop);
	tcheck_rmdir(dir);
	tcheck_free_kept();
}

static void
start_sim(const char *script)
{
	char *cause = NULL;

	sim = sim_new("test", script, cert_path("server.pem"),
	    cert_path("server.key"), &cause);
	ck_assert_msg(sim != NULL, "sim_new: %s", cause);
	ck_assert_msg(sim_start_thread(sim, &cause) == 0, "%s", cause);
}

static char *
url(const char *scheme, const char *host, const char *endpoint,
    const char *path)
{
	return (tcheck_asprintf("%s://%s:%u%s", scheme, host,
	    sim_port(sim, endpoint), path));
}

static void
on_open(struct ws_conn *c, void *arg)
{
	(void)arg;
	if (seen.opens < nitems(seen.t_open))
		seen.t_open[seen.opens] = ev_time();
	seen.opens++;
	if (seen.close_on_open)
		ws_close(c, 1000, "bye");
	else
		ws_send_text(c, "{\"op\":\"subscribe\"}", 18);
}

static void
on_message(struct ws_conn *c, const char *data, size_t len, int binary,
    int64_t ts, void *arg)
{
	(void)arg;
	if (binary) {
		seen.binary_msgs++;
		snprintf(seen.last_binary, sizeof seen.last_binary, "%.*s",
		    (int)len, data);
	}
	ck_assert_int_gt(ts, 0);
	ck_assert_int_eq(data[len], '\0');
	seen.msgs++;
	seen.last_len = len;
	snprintf(seen.last, sizeof seen.last, "%.*s", (int)len, data);
	if (seen.stop_on_msg)
		ws_stop(c); /* allowed from a callback */
}

static void
on_close(struct ws_conn *c, const char *reason, const char *detail, void *arg)
{
	(void)c;
	(void)arg;
	if (seen.closes < nitems(seen.t_close))
		seen.t_close[seen.closes] = ev_time();
	seen.closes++;
	seen.reason = reason;
	snprintf(seen.detail, sizeof seen.detail, "%s", detail);
}

static const struct ws_callbacks cbs = { on_open, on_message, on_close, NULL };

static struct ws_conn *
client(const char *u, double idle, size_t max_msg)
{
	struct ws_config wc = { 0 };
	struct ws_conn *c;
	char *cause = NULL;

	wc.name = "test";
	wc.url = u;
	wc.tls = ctx;
	wc.max_msg = max_msg;
	wc.connect_timeout = 3;
	wc.idle_timeout = idle;
	wc.backoff_base = 0.05;
	wc.backoff_cap = 0.4;
	wc.close_timeout = 1;
	wc.cb = &cbs;
	c = ws_new(loop, res, &wc, &cause);
	ck_assert_msg(c != NULL, "ws_new: %s", cause);
	return (c);
}

/* Runs the loop until cond() or secs pass; returns cond(). */
#define RUN_UNTIL(cond, secs)                                                  \
	do {                                                                   \
		ev_tstamp end_ = ev_time() + (secs);                           \
		while (!(cond) && ev_time() < end_)                            \
			ev_run(loop, EVRUN_ONCE);                              \
	} while (0)

/* A repeating timer keeps EVRUN_ONCE from blocking forever. */
static ev_timer tick;
static void
tick_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	(void)l;
	(void)w;
	(void)revents;
}

static void
ticking(void)
{
	ev_timer_init(&tick, tick_cb, 0.01, 0.01);
	ev_timer_start(loop, &tick);
}

START_TEST(test_ws_open_exchange_and_close)
{
	struct ws_conn *c;
	const struct ws_stats *st;
	struct sim_stats ss;
	char buf[128];

	start_sim("endpoint md ws tls\n"
		  "on open send {\"hello\":1}\n"
		  "on message subscribe send {\"ack\":true}\n");
	ticking();
	c = client(url("wss", "localhost", "md", "/ws"), 0, 0);
	ws_start(c);
	RUN_UNTIL(seen.msgs >= 2, 5);
	ck_assert_uint_eq(seen.opens, 1);
	ck_assert_uint_eq(seen.msgs, 2);
	ck_assert_str_eq(seen.last, "{\"ack\":true}");
	ck_assert_int_eq(sim_received(sim, "md", 0, buf, sizeof buf), 18);
	ck_assert_str_eq(buf, "{\"op\":\"subscribe\"}");
	st = ws_get_stats(c);
	ck_assert_uint_eq(st->connects, 1);
	ck_assert_uint_eq(st->msgs_in, 2);
	ck_assert_uint_eq(st->msgs_out, 1);
	ck_assert_uint_gt(st->bytes_in, 0);
	ck_assert_int_gt(st->last_msg_ts, 0);
	ck_assert_int_eq(ws_get_state(c), WS_OPEN);

	/* A graceful close: our close frame, the server's answer. */
	ws_close(c, 1000, "done");
	RUN_UNTIL(ws_get_state(c) == WS_STOPPED, 5);
	ck_assert_int_eq(ws_get_state(c), WS_STOPPED);
	ck_assert_ptr_eq(seen.reason, ws_err_local);
	ck_assert_str_eq(seen.detail, "close handshake done");
	sim_get_stats(sim, "md", &ss);
	ck_assert_uint_eq(ss.closes_in, 1);
	ws_free(c);
}
END_TEST

/* Binary frames arrive as binary; text as text. */
START_TEST(test_ws_binary_and_text)
{
	struct ws_conn *c;

	start_sim("endpoint md ws tls\n"
		  "on open send-binary binary-payload\n"
		  "on open after 20 send text-payload\n");
	ticking();
	c = client(url("wss", "localhost", "md", "/"), 0, 0);
	ws_start(c);
	RUN_UNTIL(seen.msgs >= 2, 5);
	ck_assert_uint_eq(seen.msgs, 2);
	ck_assert_uint_eq(seen.binary_msgs, 1);
	ck_assert_str_eq(seen.last_binary, "binary-payload");
	ck_assert_str_eq(seen.last, "text-payload");
	ws_free(c);
}
END_TEST

/* An IP literal is checked against the certificate's IP SAN. */
START_TEST(test_ws_ip_literal_host)
{
	struct ws_conn *c;

	start_sim("endpoint md ws tls\non open send x\n");
	ticking();
	c = client(url("wss", "127.0.0.1", "md", "/"), 0, 0);
	ws_start(c);
	RUN_UNTIL(seen.msgs >= 1, 5);
	ck_assert_uint_eq(seen.msgs, 1);
	ws_free(c);
}
END_TEST

static const struct {
	const char *script;
	const char *scheme;
	const char *reason_name;
	const char *detail;
} refusals[] = {
	{ "endpoint md ws tls\nupgrade 403\n", "wss", "upgrade", "status 403" },
	{ "endpoint md ws tls\nupgrade badkey\n", "wss", "upgrade",
	    "bad Sec-WebSocket-Accept" },
	{ "endpoint md ws tls\nupgrade noupgrade\n", "wss", "upgrade",
	    "status 200" },
	/* TLS expected, plain TCP there. */
	{ "endpoint md ws plain\n", "wss", "handshake", "" },
};

static const char *
reason_name(const char *r)
{
	if (r == ws_err_upgrade)
		return ("upgrade");
	if (r == tls_err_handshake)
		return ("handshake");
	if (r == tls_err_verify)
		return ("verify");
	return (r != NULL ? r : "(none)");
}

START_TEST(test_ws_refusals_are_reported_and_retried)
{
	struct ws_conn *c;
	const struct ws_stats *st;

	start_sim(refusals[_i].script);
	ticking();
	c = client(url(refusals[_i].scheme, "localhost", "md", "/"), 0, 0);
	ws_start(c);
	st = ws_get_stats(c);
	RUN_UNTIL(st->attempts >= 3, 5);
	ck_assert_uint_ge(st->attempts, 3);
	ck_assert_uint_eq(st->connects, 0);
	ck_assert_uint_eq(seen.opens, 0);
	ck_assert_str_eq(reason_name(st->last_reason),
	    refusals[_i].reason_name);
	ck_assert_msg(strstr(st->last_detail, refusals[_i].detail) != NULL,
	    "detail \"%s\"", st->last_detail);
	ws_free(c);
}
END_TEST

/* Certificates: wrong CA, wrong host, self-signed: all refused. */
START_TEST(test_ws_certificate_verification)
{
	struct ws_conn *c;
	char *script, *cause = NULL;
	SSL_CTX *system_ctx;

	script = tcheck_asprintf("endpoint good ws tls\n"
				 "endpoint wrong ws tls cert=%s key=%s\n"
				 "endpoint self ws tls cert=%s key=%s\n",
	    cert_path("wrong.pem"), cert_path("wrong.key"),
	    cert_path("self.pem"), cert_path("self.key"));
	start_sim(script);
	ticking();

	c = client(url("wss", "localhost", "wrong", "/"), 0, 0);
	ws_start(c);
	RUN_UNTIL(ws_get_stats(c)->attempts >= 2, 5);
	ck_assert_ptr_eq(ws_get_stats(c)->last_reason, tls_err_verify);
	ck_assert_msg(strstr(ws_get_stats(c)->last_detail, "hostname") != NULL,
	    "%s", ws_get_stats(c)->last_detail);
	ws_free(c);

	c = client(url("wss", "localhost", "self", "/"), 0, 0);
	ws_start(c);
	RUN_UNTIL(ws_get_stats(c)->attempts >= 2, 5);
	ck_assert_ptr_eq(ws_get_stats(c)->last_reason, tls_err_verify);
	ws_free(c);

	/* A good certificate from a CA we were not told to trust. */
	system_ctx = tls_ctx_client(NULL, &cause);
	ck_assert_ptr_nonnull(system_ctx);
	{
		struct ws_config wc = { 0 };

		wc.name = "sys";
		wc.url = url("wss", "localhost", "good", "/");
		wc.tls = system_ctx;
		wc.backoff_base = 0.05;
		wc.cb = &cbs;
		c = ws_new(loop, res, &wc, &cause);
	}
	ws_start(c);
	RUN_UNTIL(ws_get_stats(c)->attempts >= 2, 5);
	ck_assert_ptr_eq(ws_get_stats(c)->last_reason, tls_err_verify);
	ck_assert_uint_eq(ws_get_stats(c)->connects, 0);
	ws_free(c);
	SSL_CTX_free(system_ctx);
}
END_TEST

/* Fragments with pings between them: one message, every ping answered. */
START_TEST(test_ws_fragments_and_interleaved_pings)
{
	struct ws_conn *c;
	struct sim_stats ss;

	start_sim(
	    "endpoint md ws tls\n"
	    "on open send-frag 4 {\"fragmented\":\"0123456789abcdef\"}\n");
	ticking();
	c = client(url("wss", "localhost", "md", "/"), 0, 0);
	ws_start(c);
	RUN_UNTIL(seen.msgs >= 1, 5);
	ck_assert_uint_eq(seen.msgs, 1);
	ck_assert_str_eq(seen.last, "{\"fragmented\":\"0123456789abcdef\"}");
	RUN_UNTIL((sim_get_stats(sim, "md", &ss), ss.pongs_in >= 3), 5);
	ck_assert_uint_ge(ss.pongs_in, 3);
	ck_assert_uint_ge(ws_get_stats(c)->pings_in, 3);
	ws_free(c);
}
END_TEST

/* A stream of messages with pings every few ms: every ping answered. */
START_TEST(test_ws_ping_pong_under_load)
{
	struct ws_conn *c;
	struct sim_stats ss;

	start_sim(
	    "endpoint md ws tls\n"
	    "on open every 1 count 400 send {\"px\":\"50000.1\",\"sz\":\"0.5\"}\n"
	    "on open every 5 count 60 ping load\n");
	ticking();
	c = client(url("wss", "localhost", "md", "/"), 0, 0);
	ws_start(c);
	RUN_UNTIL(seen.msgs >= 400, 10);
	RUN_UNTIL((sim_get_stats(sim, "md", &ss), ss.pongs_in >= 60), 5);
	ck_assert_uint_eq(seen.msgs, 400);
	ck_assert_uint_eq(ss.pongs_in, 60);
	ck_assert_uint_eq(ws_get_stats(c)->pings_in, 60);
	ws_free(c);
}
END_TEST

START_TEST(test_ws_server_close_then_reconnect)
{
	struct ws_conn *c;

	start_sim(
	    "endpoint md ws tls\non open after 30 close 1000 maintenance\n");
	ticking();
	c = client(url("wss", "localhost", "md", "/"), 0, 0);
	ws_start(c);
	RUN_UNTIL(seen.opens >= 2, 5);
	ck_assert_uint_ge(seen.closes, 1);
	ck_assert_ptr_eq(ws_get_stats(c)->last_reason, ws_err_closed);
	ck_assert_uint_eq(ws_get_stats(c)->last_close_code, 1000);
	ck_assert_str_eq(seen.detail, "code 1000");
	ck_assert_uint_ge(ws_get_stats(c)->reconnects, 1);
	ws_free(c);
}
END_TEST

/*
 * Abrupt drops: the delays before each reconnect grow as base * 2^n
 * (jitter keeps each in [half, full]) up to the cap.
 */
START_TEST(test_ws_backoff_grows_and_caps)
{
	static const double want[] = { 0.05, 0.1, 0.2, 0.4, 0.4, 0.4 };
	struct ws_conn *c;
	double gap;
	unsigned i;

	start_sim("endpoint md ws tls\non open fault drop\n");
	ticking();
	c = client(url("wss", "localhost", "md", "/"), 0, 0);
	ws_start(c);
	RUN_UNTIL(seen.opens >= nitems(want) + 1, 10);
	ck_assert_uint_ge(seen.opens, nitems(want) + 1);
	for (i = 0; i < nitems(want); i++) {
		gap = seen.t_open[i + 1] - seen.t_close[i];
		/* The gap also holds a TLS handshake: slower under valgrind. */
		ck_assert_msg(gap >= want[i] * 0.5 - 0.005 &&
			gap <= want[i] + (tcheck_slow() ? 0.6 : 0.15),
		    "reconnect %u after %.3f s, want %.3f-%.3f", i, gap,
		    want[i] * 0.5, want[i]);
	}
	/* A FIN, or a reset if our subscription crossed it: both drops. */
	ck_assert(ws_get_stats(c)->last_reason == tls_err_eof ||
	    ws_get_stats(c)->last_reason == tls_err_io);
	ck_assert_uint_ge(ws_get_stats(c)->ended[WS_R_EOF] +
		ws_get_stats(c)->ended[WS_R_IO],
	    nitems(want));
	ck_assert_str_eq(ws_reason_key(WS_R_EOF), "eof");
	ws_free(c);
}
END_TEST

START_TEST(test_ws_idle_watchdog_reconnects)
{
	struct ws_conn *c;
	double t0;

	start_sim("endpoint md ws tls\non open send only-this\n");
	ticking();
	c = client(url("wss", "localhost", "md", "/"), 0.2, 0);
	t0 = ev_time();
	ws_start(c);
	RUN_UNTIL(ws_get_stats(c)->idle >= 1, 5);
	ck_assert_uint_eq(ws_get_stats(c)->idle, 1);
	ck_assert_ptr_eq(seen.reason, ws_err_idle);
	ck_assert_double_ge(ev_time() - t0, 0.2);
	RUN_UNTIL(seen.opens >= 2, 5);
	ck_assert_uint_eq(seen.opens, 2);
	ws_free(c);
}
END_TEST

/* Stalled mid-frame: only the watchdog can notice. */
START_TEST(test_ws_stall_mid_frame)
{
	struct ws_conn *c;

	start_sim("endpoint md ws tls\non open fault stall\n");
	ticking();
	c = client(url("wss", "localhost", "md", "/"), 0.2, 0);
	ws_start(c);
	RUN_UNTIL(ws_get_stats(c)->idle >= 1, 5);
	ck_assert_ptr_eq(seen.reason, ws_err_idle);
	ws_free(c);
}
END_TEST

static const struct {
	const char *action;
	const char *reason;
} bad_frames[] = {
	{ "fault oversize 70000", ws_err_too_big },
	{ "fault garbage", ws_err_proto },
	{ "fault badclose", ws_err_proto },
};

START_TEST(test_ws_bad_frames_close_cleanly)
{
	struct ws_conn *c;
	struct sim_stats ss;
	char *script;

	script = tcheck_asprintf("endpoint md ws tls\non open %s\n",
	    bad_frames[_i].action);
	start_sim(script);
	ticking();
	c = client(url("wss", "localhost", "md", "/"), 0, 65536);
	ws_start(c);
	RUN_UNTIL(seen.closes >= 1, 5);
	ck_assert_uint_ge(seen.closes, 1);
	ck_assert_msg(seen.reason == bad_frames[_i].reason, "%s: %s (%s)",
	    bad_frames[_i].action, seen.reason, seen.detail);
	ck_assert_uint_eq(seen.msgs, 0);
	if (bad_frames[_i].reason == ws_err_too_big) {
		ck_assert_uint_eq(ws_get_stats(c)->too_big, 1);
		/* We said why: a close frame (1009) reached the server. */
		RUN_UNTIL((sim_get_stats(sim, "md", &ss), ss.closes_in >= 1),
		    3);
		ck_assert_uint_ge(ss.closes_in, 1);
	}
	ws_free(c);
}
END_TEST

/* Fragments adding up past max_msg are refused the same way. */
START_TEST(test_ws_fragments_over_max)
{
	struct ws_conn *c;

	start_sim(
	    "endpoint md ws tls\n"
	    "on open send-frag 4 0123456789012345678901234567890123456789\n");
	ticking();
	c = client(url("wss", "localhost", "md", "/"), 0, 30);
	ws_start(c);
	RUN_UNTIL(seen.closes >= 1, 5);
	ck_assert_ptr_eq(seen.reason, ws_err_too_big);
	ck_assert_uint_eq(ws_get_stats(c)->too_big, 1);
	ck_assert_uint_eq(seen.msgs, 0);
	ws_free(c);
}
END_TEST

/* ws_stop from inside on_message: no reconnect, no crash. */
START_TEST(test_ws_stop_from_callback)
{
	struct ws_conn *c;

	start_sim("endpoint md ws tls\non open every 1 send tick\n");
	ticking();
	seen.stop_on_msg = 1;
	c = client(url("wss", "localhost", "md", "/"), 0, 0);
	ws_start(c);
	RUN_UNTIL(ws_get_state(c) == WS_STOPPED && seen.msgs > 0, 5);
	ck_assert_int_eq(ws_get_state(c), WS_STOPPED);
	ck_assert_uint_eq(seen.msgs, 1);
	RUN_UNTIL(0, 0.2);
	ck_assert_uint_eq(seen.opens, 1);
	ws_free(c);
}
END_TEST

/* 100 connect/disconnect cycles; ASan and valgrind check the leaks. */
START_TEST(test_ws_hundred_cycles)
{
	struct ws_conn *c;
	struct sim_stats ss;
	unsigned want = 100;

	start_sim(
	    "endpoint md ws tls\non open send hi\non open after 2 fault drop\n");
	ticking();
	c = client(url("wss", "localhost", "md", "/"), 0, 0);
	ws_start(c);
	RUN_UNTIL(seen.opens >= want, 60);
	ck_assert_uint_ge(seen.opens, want);
	ck_assert_uint_ge(ws_get_stats(c)->reconnects, want - 1);
	ws_stop(c);
	ws_free(c);
	RUN_UNTIL((sim_get_stats(sim, "md", &ss), ss.open_now == 0), 3);
	ck_assert_uint_eq(ss.open_now, 0);
}
END_TEST

/* SIGTERM through the reactor: every socket gets a close frame. */
START_TEST(test_ws_reactor_sigterm_closes_politely)
{
	struct reactor *r;
	struct ws_conn *c[3];
	struct ws_config wc = { 0 };
	struct sim_stats ss;
	char *cause = NULL;
	unsigned i;

	start_sim("endpoint md ws tls\non open send hi\n");
	r = reactor_new(NULL, &cause);
	ck_assert_ptr_nonnull(r);
	wc.url = url("wss", "localhost", "md", "/");
	wc.tls = ctx;
	wc.cb = &cbs;
	for (i = 0; i < 3; i++) {
		wc.name = "r";
		c[i] =
		    ws_new(reactor_loop(r), reactor_resolver(r), &wc, &cause);
		ws_start(c[i]);
		reactor_add_ws(r, c[i]);
	}
	while (seen.msgs < 3)
		ev_run(reactor_loop(r), EVRUN_ONCE);
	raise(SIGTERM);
	reactor_run(r); /* returns once all three closed */
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(ws_get_state(c[i]), WS_STOPPED);
		ck_assert_ptr_eq(ws_get_stats(c[i])->last_reason, ws_err_local);
	}
	sim_get_stats(sim, "md", &ss);
	ck_assert_uint_eq(ss.closes_in, 3);
	for (i = 0; i < 3; i++) {
		reactor_remove_ws(r, c[i]);
		ws_free(c[i]);
	}
	reactor_free(r);
}
END_TEST

/* -- REST ------------------------------------------------------------ */

struct rest_result {
	int done, status;
	char body[256];
	size_t len;
	char err[256];
};

static void
rest_cb(struct http_req *req, int status, const char *body, size_t len,
    const char *err, void *arg)
{
	struct rest_result *rr = arg;

	rr->done = 1;
	rr->status = status;
	rr->len = len;
	snprintf(rr->body, sizeof rr->body, "%s", body != NULL ? body : "");
	snprintf(rr->err, sizeof rr->err, "%s", err != NULL ? err : "");
	http_req_free(req); /* allowed inside the callback */
}

static void
rest(const char *method, const char *path, size_t max, double timeout,
    struct rest_result *rr)
{
	struct http_req_opts o = { 0 };
	char *cause = NULL;

	memset(rr, 0, sizeof *rr);
	o.method = method;
	o.url = url("https", "localhost", "api", path);
	o.body = strcmp(method, "POST") == 0 ? "{}" : NULL;
	o.max_body = max;
	o.timeout = timeout;
	o.tls = ctx;
	ck_assert_ptr_nonnull(http_req_start(loop, res, &o, rest_cb, rr,
	    &cause));
	RUN_UNTIL(rr->done, timeout + 5);
	ck_assert_int_eq(rr->done, 1);
}

START_TEST(test_ws_rest_client)
{
	struct rest_result rr;

	start_sim(
	    "endpoint api http tls\n"
	    "route POST /api/v1/bullet-public 200 length {\"code\":\"200000\",\"data\":{\"token\":\"t\"}}\n"
	    "route GET /chunked 200 chunked {\"a\":\"chunked body here\"}\n"
	    "route GET /close 200 close until-close\n"
	    "route GET /hang 200 length @hang\n"
	    "route GET /big 200 length @bytes=300000\n"
	    "route GET /bigchunks 200 chunked @bytes=300000\n"
	    "route GET /slow 200 length delay 100 slow\n");
	ticking();
	rest("POST", "/api/v1/bullet-public", 65536, 3, &rr);
	ck_assert_int_eq(rr.status, 200);
	ck_assert_str_eq(rr.body,
	    "{\"code\":\"200000\",\"data\":{\"token\":\"t\"}}");
	rest("GET", "/chunked?x=1", 65536, 3, &rr);
	ck_assert_int_eq(rr.status, 200);
	ck_assert_str_eq(rr.body, "{\"a\":\"chunked body here\"}");
	rest("GET", "/close", 65536, 3, &rr);
	ck_assert_int_eq(rr.status, 200);
	ck_assert_str_eq(rr.body, "until-close");
	rest("GET", "/nothing", 65536, 3, &rr);
	ck_assert_int_eq(rr.status, 404);
	rest("GET", "/slow", 65536, 3, &rr);
	ck_assert_int_eq(rr.status, 200);
	ck_assert_str_eq(rr.body, "slow");
	rest("GET", "/big", 1000000, 5, &rr);
	ck_assert_int_eq(rr.status, 200);
	ck_assert_uint_eq(rr.len, 300000);
	rest("GET", "/big", 100000, 5, &rr);
	ck_assert_int_eq(rr.status, 0);
	ck_assert_msg(strstr(rr.err, "too large") != NULL, "%s", rr.err);
	rest("GET", "/bigchunks", 100000, 5, &rr);
	ck_assert_int_eq(rr.status, 0);
	ck_assert_msg(strstr(rr.err, "too large") != NULL, "%s", rr.err);
	rest("GET", "/hang", 65536, 0.3, &rr);
	ck_assert_int_eq(rr.status, 0);
	ck_assert_msg(strstr(rr.err, "timed out") != NULL, "%s", rr.err);
}
END_TEST

START_TEST(test_ws_config_from_net_section)
{
	struct config *cfg = config_new();
	struct ws_config wc;
	char *cause = NULL;

	ck_assert_int_eq(config_set(cfg, "net", "backoff_base_ms", "250",
			     &cause),
	    0);
	ck_assert_int_eq(config_set(cfg, "net", "max_message_kb", "64", &cause),
	    0);
	memset(&wc, 0, sizeof wc);
	ws_config_from(&wc, cfg);
	ck_assert_double_eq(wc.connect_timeout, 10);
	ck_assert_double_eq(wc.backoff_base, 0.25);
	ck_assert_double_eq(wc.backoff_cap, 30);
	ck_assert_double_eq(wc.idle_timeout, 30);
	ck_assert_double_eq(wc.close_timeout, 2);
	ck_assert_uint_eq(wc.max_msg, 65536);
	config_free(cfg);
}
END_TEST

static Suite *
ws_suite(void)
{
	Suite *s = suite_create("ws");
	TCase *tc;

	tc = tcase_create("open");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_ws_open_exchange_and_close);
	tcase_add_test(tc, test_ws_ip_literal_host);
	tcase_add_test(tc, test_ws_binary_and_text);
	tcase_add_test(tc, test_ws_config_from_net_section);
	tcase_add_loop_test(tc, test_ws_refusals_are_reported_and_retried, 0,
	    (int)nitems(refusals));
	tcase_add_test(tc, test_ws_certificate_verification);
	suite_add_tcase(s, tc);

	tc = tcase_create("frames");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_ws_fragments_and_interleaved_pings);
	tcase_add_test(tc, test_ws_ping_pong_under_load);
	tcase_add_loop_test(tc, test_ws_bad_frames_close_cleanly, 0,
	    (int)nitems(bad_frames));
	tcase_add_test(tc, test_ws_fragments_over_max);
	suite_add_tcase(s, tc);

	tc = tcase_create("lifecycle");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_ws_server_close_then_reconnect);
	tcase_add_test(tc, test_ws_backoff_grows_and_caps);
	tcase_add_test(tc, test_ws_idle_watchdog_reconnects);
	tcase_add_test(tc, test_ws_stall_mid_frame);
	tcase_add_test(tc, test_ws_stop_from_callback);
	tcase_add_test(tc, test_ws_hundred_cycles);
	tcase_add_test(tc, test_ws_reactor_sigterm_closes_politely);
	suite_add_tcase(s, tc);

	tc = tcase_create("rest");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_ws_rest_client);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	return (tcheck_run(ws_suite()));
}
