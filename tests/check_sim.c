/*
 * Tests of the venue simulator's server side, driven by clients written
 * here from raw sockets (and OpenSSL client calls for TLS), so that the
 * simulator is checked against the RFCs and not against our own client
 * stack: scenario errors, the WebSocket handshake and framing, scripted
 * sends and faults byte for byte, HTTP routes and their framings, TLS
 * with the test CA, bad clients, the xarb-sim program, and that stopping
 * a busy simulator leaves nothing behind (ASan, valgrind).
 */
#include "autoconf.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "xarb.h"
#include "log.h"
#include "sim/sim.h"
#include "tcheck.h"

extern char **environ;

#define T_KEY "dGhlIHNhbXBsZSBub25jZQ==" /* RFC 6455 section 1.3 */
#define T_ACCEPT "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
#define T_WAIT_MS 5000

static char *dir;	 /* scratch directory, per test */
static struct sim *sim;	 /* the simulator under test */
static char *certs;	 /* gen-certs.sh output, made by main() */
static SSL_CTX *tls_ctx; /* client context trusting ca.pem */

/* A client connection: a blocking socket, maybe TLS, with a buffer. */
struct tc {
	int fd;
	SSL *ssl;
	uint8_t buf[16384];
	size_t off, len;
};

static void
setup(void)
{
	log_set_level(LOG_LEVEL_WARN);
	dir = tcheck_mkdtemp();
	sim = NULL;
}

static void
teardown(void)
{
	sim_free(sim);
	sim = NULL;
	tcheck_free_kept();
	tcheck_rmdir(dir);
	dir = NULL;
}

static void
msleep(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Parses and starts a scenario in its own thread. */
static struct sim *
sim_up(const char *script)
{
	char *cause = NULL;
	const char *cert = NULL, *key = NULL;

	if (certs != NULL) {
		cert = tcheck_asprintf("%s/server.pem", certs);
		key = tcheck_asprintf("%s/server.key", certs);
	}
	sim = sim_new("t.scn", script, cert, key, &cause);
	ck_assert_msg(sim != NULL, "sim_new: %s", cause);
	ck_assert_msg(sim_start_thread(sim, &cause) == 0, "start: %s", cause);
	return (sim);
}

static uint64_t
stat_of(const char *ep, size_t off)
{
	struct sim_stats st;
	uint64_t v;

	sim_get_stats(sim, ep, &st);
	if (off == offsetof(struct sim_stats, open_now))
		return (st.open_now);
	memcpy(&v, (const char *)&st + off, sizeof v);
	return (v);
}

/* Polls a counter until it reaches want (the sim runs in its thread). */
static uint64_t
stat_wait(const char *ep, size_t off, uint64_t want)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < T_WAIT_MS / 5; i++) {
		if ((v = stat_of(ep, off)) == want)
			break;
		msleep(5);
	}
	return (v);
}

#define STAT_IS(ep, field, want)                                               \
	ck_assert_uint_eq(stat_wait(ep, offsetof(struct sim_stats, field),     \
			      want),                                           \
	    want)

/* --- a tiny client --- */

static void
tc_open(struct tc *t, unsigned port)
{
	struct sockaddr_in sin;
	struct timeval tv = { T_WAIT_MS / 1000, 0 };

	memset(t, 0, sizeof *t);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	t->fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ne(t->fd, -1);
	ck_assert_int_eq(setsockopt(t->fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
			     sizeof tv),
	    0);
	ck_assert_int_eq(connect(t->fd, (struct sockaddr *)&sin, sizeof sin),
	    0);
}

static void
tc_timeout(struct tc *t, unsigned ms)
{
	struct timeval tv = { ms / 1000, (long)(ms % 1000) * 1000 };

	setsockopt(t->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

/* TLS over t, verifying the server as host against ca.pem. */
static int
tc_tls(struct tc *t, const char *host)
{
	t->ssl = SSL_new(tls_ctx);
	ck_assert_ptr_nonnull(t->ssl);
	SSL_set_fd(t->ssl, t->fd);
	SSL_set_tlsext_host_name(t->ssl, host);
	SSL_set1_host(t->ssl, host);
	return (SSL_connect(t->ssl) == 1 ? 0 : -1);
}

static void
tc_close(struct tc *t)
{
	if (t->ssl != NULL)
		SSL_free(t->ssl);
	if (t->fd != -1)
		close(t->fd);
	t->ssl = NULL;
	t->fd = -1;
}

static void
tc_write(struct tc *t, const void *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if (t->ssl != NULL)
			n = SSL_write(t->ssl, p, (int)len);
		else
			n = send(t->fd, p, len, MSG_NOSIGNAL);
		ck_assert_int_gt(n, 0);
		p = (const char *)p + n;
		len -= (size_t)n;
	}
}

/* Fills the buffer: > 0 bytes, 0 at EOF, -1 on error or timeout. */
static ssize_t
tc_fill(struct tc *t)
{
	ssize_t n;

	if (t->off < t->len)
		return ((ssize_t)(t->len - t->off));
	t->off = t->len = 0;
	if (t->ssl != NULL) {
		n = SSL_read(t->ssl, t->buf, sizeof t->buf);
		if (n <= 0)
			n = SSL_get_error(t->ssl, (int)n) ==
				SSL_ERROR_ZERO_RETURN
			    ? 0
			    : -1;
		ERR_clear_error();
	} else
		n = recv(t->fd, t->buf, sizeof t->buf, 0);
	if (n > 0)
		t->len = (size_t)n;
	return (n);
}

static int
tc_read(struct tc *t, void *dst, size_t n)
{
	size_t k;

	while (n > 0) {
		if (tc_fill(t) <= 0)
			return (-1);
		k = t->len - t->off < n ? t->len - t->off : n;
		memcpy(dst, t->buf + t->off, k);
		t->off += k;
		dst = (char *)dst + k;
		n -= k;
	}
	return (0);
}

/* 1 if the peer closed (EOF or reset) within the timeout. */
static int
tc_eof(struct tc *t)
{
	ssize_t n;

	if (t->off < t->len)
		return (0); /* unread bytes first */
	errno = 0;
	n = tc_fill(t);
	return (n == 0 || (n == -1 && errno != EAGAIN && errno != 0));
}

/* Reads up to and with the empty line; returns it (kept), or NULL. */
static char *
tc_head(struct tc *t)
{
	char head[8192];
	size_t n = 0;

	while (n + 1 < sizeof head) {
		if (tc_read(t, head + n, 1) != 0)
			return (NULL);
		n++;
		if (n >= 4 && memcmp(head + n - 4, "\r\n\r\n", 4) == 0) {
			head[n] = '\0';
			return (tcheck_asprintf("%s", head));
		}
	}
	return (NULL);
}

/* Reads to EOF; returns everything (kept). */
static char *
tc_all(struct tc *t, size_t *lenp)
{
	size_t len = 0, cap = 65536;
	char *all = tcheck_keep(malloc(cap + 1));
	ssize_t n;

	while ((n = tc_fill(t)) > 0) {
		if (len + (size_t)n > cap) {
			ck_assert_msg(0, "response too large");
		}
		memcpy(all + len, t->buf + t->off, (size_t)n);
		len += (size_t)n;
		t->off = t->len;
	}
	all[len] = '\0';
	if (lenp != NULL)
		*lenp = len;
	return (all);
}

/* A masked client frame (RFC 6455 5.3) into f; the mask is fixed. */
static size_t
frame_build(uint8_t *f, int fin, unsigned op, const void *p, size_t len)
{
	static const uint8_t mask[4] = { 0x37, 0xfa, 0x21, 0x3d };
	size_t i, h = 2;

	ck_assert_uint_le(len, 256);
	f[0] = (uint8_t)((fin ? 0x80 : 0) | op);
	if (len < 126)
		f[1] = (uint8_t)(0x80 | len);
	else {
		f[1] = 0x80 | 126;
		f[2] = (uint8_t)(len >> 8);
		f[3] = (uint8_t)len;
		h = 4;
	}
	memcpy(f + h, mask, 4);
	for (i = 0; i < len; i++)
		f[h + 4 + i] = ((const uint8_t *)p)[i] ^ mask[i % 4];
	return (h + 4 + len);
}

static void
tc_frame(struct tc *t, int fin, unsigned op, const void *p, size_t len)
{
	uint8_t f[256 + 14];

	tc_write(t, f, frame_build(f, fin, op, p, len));
}

static void
tc_text(struct tc *t, const char *s)
{
	tc_frame(t, 1, 1, s, strlen(s));
}

struct tframe {
	int fin;
	unsigned op;
	int masked;
	size_t len;
	uint8_t *data; /* kept, NUL-terminated */
};

/* Reads one server frame; 0, or -1 at EOF or timeout. */
static int
tc_read_frame(struct tc *t, struct tframe *f)
{
	uint8_t h[8];
	uint64_t len;
	int i;

	if (tc_read(t, h, 2) != 0)
		return (-1);
	f->fin = (h[0] & 0x80) != 0;
	f->op = h[0] & 0x0f;
	f->masked = (h[1] & 0x80) != 0;
	len = h[1] & 0x7f;
	if (len == 126) {
		if (tc_read(t, h, 2) != 0)
			return (-1);
		len = (uint64_t)h[0] << 8 | h[1];
	} else if (len == 127) {
		if (tc_read(t, h, 8) != 0)
			return (-1);
		for (len = 0, i = 0; i < 8; i++)
			len = len << 8 | h[i];
	}
	ck_assert_uint_le(len, 1u << 24);
	f->len = (size_t)len;
	f->data = tcheck_keep(malloc(f->len + 1));
	if (tc_read(t, f->data, f->len) != 0)
		return (-1);
	f->data[f->len] = '\0';
	return (0);
}

/* Expects a final unmasked frame of op with exactly payload s. */
static void
tc_expect(struct tc *t, unsigned op, int fin, const char *s)
{
	struct tframe f;

	ck_assert_int_eq(tc_read_frame(t, &f), 0);
	ck_assert_uint_eq(f.op, op);
	ck_assert_int_eq(f.fin, fin);
	ck_assert_int_eq(f.masked, 0); /* servers never mask */
	ck_assert_uint_eq(f.len, strlen(s));
	ck_assert_str_eq((char *)f.data, s);
}

/* tc_write with a string. */
static void
tc_puts(struct tc *t, const char *s)
{
	tc_write(t, s, strlen(s));
}

/* Opens a WebSocket on endpoint and returns the 101 head. */
static char *
tc_upgrade(struct tc *t, const char *ep, const char *extra)
{
	tc_open(t, sim_port(sim, ep));
	if (certs != NULL && strncmp(ep, "tls", 3) == 0)
		ck_assert_int_eq(tc_tls(t, "localhost"), 0);
	tc_puts(t,
	    tcheck_asprintf("GET /ws?x=1 HTTP/1.1\r\nHost: localhost\r\n"
			    "Upgrade: websocket\r\nConnection: Upgrade\r\n"
			    "Sec-WebSocket-Key: " T_KEY "\r\n"
			    "Sec-WebSocket-Version: 13\r\n%s\r\n",
		extra));
	return (tc_head(t));
}

/* One plain HTTP exchange: the whole response, read to EOF (kept). */
static char *
http_do(const char *ep, const char *request)
{
	struct tc t;
	char *all;

	tc_open(&t, sim_port(sim, ep));
	tc_puts(&t, request);
	all = tc_all(&t, NULL);
	tc_close(&t);
	return (all);
}

/* --- scenario parsing --- */

START_TEST(test_sim_script_errors_all_reported)
{
	static const char script[] =
	    "# a comment, then a blank line\n"
	    "\n"
	    "endpoint a wss plain\n"		    /* 3 */
	    "endpoint b ws plain\n"		    /* 4: fine */
	    "on open sned hi\n"			    /* 5 */
	    "on open every 0 send x\n"		    /* 6 */
	    "route GET / 200 length x\n"	    /* 7 */
	    "upgrade 500\n"			    /* 8 */
	    "on message * close 999\n"		    /* 9 */
	    "endpoint b http plain\n"		    /* 10 */
	    "endpoint c http tls\n"		    /* 11: no cert */
	    "route get / 200 length x\n"	    /* 12 */
	    "route GET /x 200 sometimes x\n"	    /* 13 */
	    "route GET /x 200 length @bytes=lots\n" /* 14 */
	    "frobnicate\n"			    /* 15 */
	    "on open send fine # not a comment\n";  /* 16: ws? no: c */
	static const char *want[] = {
		"t.scn:3: expected ws or http, got \"wss\"",
		"t.scn:5: expected send, send-binary, send-frag, ping, close "
		"or fault, got \"sned\"",
		"t.scn:6: expected milliseconds > 0",
		"t.scn:7: expected an http endpoint for \"route\", got ws "
		"endpoint \"b\"",
		"t.scn:8: expected 403, badkey, noupgrade or ok, got \"500\"",
		"t.scn:9: expected a close code 1000-4999, got \"999\"",
		"t.scn:10: expected a new endpoint name, got \"b\" (already "
		"on line 4)",
		"t.scn:11: expected cert=FILE key=FILE (no default "
		"certificate), got end of line",
		"t.scn:12: expected a method (GET, POST...), got \"get\"",
		"t.scn:13: expected length, chunked or close, got "
		"\"sometimes\"",
		"t.scn:14: expected a body, @bytes=N",
		"t.scn:15: expected endpoint, on, upgrade, route, venue, "
		"replay, prices, bullet or a # comment, got \"frobnicate\"",
	};
	char *cause = NULL;
	const char *p;
	unsigned i, lines = 0;

	ck_assert_ptr_null(sim_new("t.scn", script, NULL, NULL, &cause));
	ck_assert_ptr_nonnull(cause);
	tcheck_keep(cause);
	for (i = 0; i < nitems(want); i++)
		ck_assert_msg(strstr(cause, want[i]) != NULL,
		    "missing \"%s\" in:\n%s", want[i], cause);
	/* Line 11 is a bad endpoint: line 16 is not blamed on a guess. */
	ck_assert_ptr_null(strstr(cause, "t.scn:16:"));
	for (p = cause; *p != '\0'; p++)
		lines += *p == '\n';
	ck_assert_uint_eq(lines + 1, nitems(want));
}
END_TEST

START_TEST(test_sim_script_edge_cases)
{
	char *cause = NULL;
	struct sim *s;
	const char *scheme = NULL;

	ck_assert_ptr_null(sim_new("e.scn", "# nothing\n", NULL, NULL, &cause));
	ck_assert_str_eq(tcheck_keep(cause),
	    "e.scn:1: expected an endpoint, got end of file");
	ck_assert_ptr_null(sim_new("e.scn", "on open send x\n", NULL, NULL,
	    &cause));
	ck_assert_str_eq(tcheck_keep(cause),
	    "e.scn:1: expected an endpoint before \"on\", got none yet");
	ck_assert_ptr_null(sim_new("e.scn",
	    "endpoint x ws tls cert=/nonexistent/c.pem key=/nonexistent/k\n",
	    NULL, NULL, &cause));
	ck_assert_msg(strncmp(tcheck_keep(cause),
			  "e.scn:1: endpoint x: tls: ", 26) == 0,
	    "%s", cause);

	/* CRLF lines, '#' inside text, tabs, comments after blanks. */
	s = sim_new("ok.scn",
	    "endpoint\tfeed ws plain\r\n"
	    "   # indented comment\r\n"
	    "on open after 1.5 every 0.5 count 2 send {\"a\":\"#1\"}\r\n"
	    "on message * ping\r\n"
	    "upgrade ok\r\n"
	    "endpoint rest http plain\n"
	    "route POST /v1/x 201 close delay 0 \n",
	    NULL, NULL, &cause);
	ck_assert_msg(s != NULL, "%s", cause);
	ck_assert_str_eq(sim_endpoint(s, 0, &scheme), "feed");
	ck_assert_str_eq(scheme, "ws");
	ck_assert_str_eq(sim_endpoint(s, 1, &scheme), "rest");
	ck_assert_str_eq(scheme, "http");
	ck_assert_ptr_null(sim_endpoint(s, 2, NULL));
	ck_assert_uint_eq(sim_port(s, "feed"), 0); /* not started */
	sim_free(s);
}
END_TEST

/* --- WebSocket --- */

START_TEST(test_sim_ws_handshake_and_echo)
{
	static const char req[] =
	    "GET /ws HTTP/1.1\r\nhost: x\r\nUser-Agent: check\r\n"
	    "UPGRADE: WebSocket\r\nconnection: keep-alive, Upgrade\r\n"
	    "sec-websocket-key: " T_KEY "\r\n"
	    "Sec-WebSocket-Version: 13\r\n"
	    "Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n";
	uint8_t wire[sizeof req + 64];
	size_t n = sizeof req - 1;
	struct tc t;
	char *head, buf[64];

	sim_up("endpoint feed ws plain\n"
	       "on open send {\"hello\":1}\n"
	       "on message ping send pong!\n"
	       "on message * send-binary any\n");
	/* Odd header case, extra headers, a frame in the same write. */
	memcpy(wire, req, n);
	n += frame_build(wire + n, 1, 1, "early", 5);
	tc_open(&t, sim_port(sim, "feed"));
	tc_write(&t, wire, n);
	head = tc_head(&t);
	ck_assert_ptr_nonnull(head);
	ck_assert_msg(strncmp(head, "HTTP/1.1 101 ", 13) == 0, "%s", head);
	ck_assert_ptr_nonnull(strstr(head,
	    "\r\nSec-WebSocket-Accept: " T_ACCEPT "\r\n"));
	ck_assert_ptr_nonnull(strstr(head, "\r\nUpgrade: websocket\r\n"));
	ck_assert_ptr_null(strstr(head, "Extensions")); /* none offered */

	tc_expect(&t, 1, 1, "{\"hello\":1}");
	tc_expect(&t, 2, 1, "any"); /* the early frame's answer */
	tc_text(&t, "ping me");
	tc_expect(&t, 1, 1, "pong!");
	tc_expect(&t, 2, 1, "any");
	STAT_IS("feed", msgs_in, 2);
	ck_assert_int_eq(sim_received(sim, "feed", 0, buf, sizeof buf), 7);
	ck_assert_str_eq(buf, "ping me");
	ck_assert_int_eq(sim_received(sim, "feed", 1, buf, sizeof buf), 5);
	ck_assert_str_eq(buf, "early");
	ck_assert_int_eq(sim_received(sim, "feed", 2, buf, sizeof buf), -1);
	ck_assert_int_eq(sim_received(sim, "feed", 0, buf, 4), 7); /* cut */
	ck_assert_str_eq(buf, "pin");
	ck_assert_int_eq(sim_received(sim, "nope", 0, buf, sizeof buf), -1);

	tc_frame(&t, 1, 9, "p1", 2); /* ping: wslay answers */
	tc_expect(&t, 10, 1, "p1");
	tc_frame(&t, 1, 10, "unsolicited", 11);
	STAT_IS("feed", pongs_in, 1);
	ck_assert_uint_eq(stat_of("feed", offsetof(struct sim_stats, upgrades)),
	    1);
	ck_assert_uint_eq(stat_of("feed", offsetof(struct sim_stats, open_now)),
	    1);
	ck_assert_uint_eq(stat_of("feed", offsetof(struct sim_stats, msgs_out)),
	    4);

	/* Our close (1000 "bye") comes back, then the server closes TCP. */
	tc_frame(&t, 1, 8,
	    "\x03\xe8"
	    "bye",
	    5);
	tc_expect(&t, 8, 1,
	    "\x03\xe8"
	    "bye");
	ck_assert(tc_eof(&t));
	STAT_IS("feed", closes_in, 1);
	STAT_IS("feed", open_now, 0);
	STAT_IS("feed", disconnects, 1);
	tc_close(&t);
}
END_TEST

START_TEST(test_sim_ws_every_and_after)
{
	struct tc t;
	struct tframe f;
	struct timespec a, b;
	double ms;

	sim_up("endpoint feed ws plain\n"
	       "on open after 30 send late\n"
	       "on open every 10 count 3 send tick\n");
	clock_gettime(CLOCK_MONOTONIC, &a);
	ck_assert_ptr_nonnull(tc_upgrade(&t, "feed", ""));
	tc_expect(&t, 1, 1, "tick"); /* count 3: at open, +10, +20 ms */
	tc_expect(&t, 1, 1, "tick");
	tc_expect(&t, 1, 1, "tick");
	tc_expect(&t, 1, 1, "late");
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = (double)(b.tv_sec - a.tv_sec) * 1e3 +
	    (double)(b.tv_nsec - a.tv_nsec) / 1e6;
	ck_assert_msg(ms >= 29, "late came after %.1f ms", ms);
	tc_timeout(&t, 100);
	ck_assert_int_eq(tc_read_frame(&t, &f), -1); /* no fourth tick */
	ck_assert_int_eq(errno, EAGAIN);
	ck_assert_uint_eq(stat_of("feed", offsetof(struct sim_stats, msgs_out)),
	    4);
	tc_close(&t);
	STAT_IS("feed", disconnects, 1);
}
END_TEST

START_TEST(test_sim_ws_refusals)
{
	static const char *const req[] = {
		/* ep, request, status line, substring */
		"e403",
		"GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: upgrade\r\n"
		"Sec-WebSocket-Key: " T_KEY
		"\r\nSec-WebSocket-Version: 13\r\n\r\n",
		"HTTP/1.1 403 Forbidden\r\n",
		"Content-Length: ",
		"enoup",
		"GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: upgrade\r\n"
		"Sec-WebSocket-Key: " T_KEY
		"\r\nSec-WebSocket-Version: 13\r\n\r\n",
		"HTTP/1.1 200 OK\r\n",
		"not a websocket",
		"eok",
		"GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: upgrade\r\n"
		"Sec-WebSocket-Key: " T_KEY
		"\r\nSec-WebSocket-Version: 8\r\n\r\n",
		"HTTP/1.1 400 Bad Request\r\n",
		"Sec-WebSocket-Version: 13\r\n",
		"eok",
		"GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: upgrade\r\n"
		"Sec-WebSocket-Version: 13\r\n\r\n",
		"HTTP/1.1 400 Bad Request\r\n",
		"",
		"eok",
		"GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: upgrade\r\n"
		"Sec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n\r\n",
		"HTTP/1.1 400 Bad Request\r\n",
		"",
		"eok",
		"POST / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: upgrade\r\n"
		"Sec-WebSocket-Key: " T_KEY
		"\r\nSec-WebSocket-Version: 13\r\n\r\n",
		"HTTP/1.1 400 Bad Request\r\n",
		"",
		"eok",
		"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
		"HTTP/1.1 426 Upgrade Required\r\n",
		"Upgrade: websocket\r\n",
		"eok",
		"GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: close\r\n"
		"Sec-WebSocket-Key: " T_KEY
		"\r\nSec-WebSocket-Version: 13\r\n\r\n",
		"HTTP/1.1 400 Bad Request\r\n",
		"",
	};
	struct tc t;
	char *all, *head;
	unsigned i;

	sim_up("endpoint e403 ws plain\nupgrade 403\n"
	       "endpoint enoup ws plain\nupgrade noupgrade\n"
	       "endpoint ebad ws plain\nupgrade badkey\non open send hi\n"
	       "endpoint eok ws plain\n");
	for (i = 0; i < nitems(req); i += 4) {
		all = http_do(req[i], req[i + 1]);
		ck_assert_msg(strncmp(all, req[i + 2], strlen(req[i + 2])) == 0,
		    "case %u: %s", i / 4, all);
		ck_assert_msg(strstr(all, req[i + 3]) != NULL, "case %u: %s",
		    i / 4, all);
	}
	STAT_IS("e403", refused, 1);
	STAT_IS("enoup", refused, 1);
	STAT_IS("eok", refused, 6);
	STAT_IS(NULL, upgrades, 0);

	/* badkey: a 101 whose accept is well formed and wrong. */
	head = tc_upgrade(&t, "ebad", "");
	ck_assert_ptr_nonnull(head);
	ck_assert_msg(strncmp(head, "HTTP/1.1 101 ", 13) == 0, "%s", head);
	ck_assert_ptr_nonnull(strstr(head, "Sec-WebSocket-Accept: "));
	ck_assert_ptr_null(strstr(head, T_ACCEPT));
	tc_close(&t);
	STAT_IS("ebad", upgrades, 1);
	STAT_IS(NULL, disconnects, 9);
}
END_TEST

/* Reads n raw bytes and compares them. */
static void
tc_expect_raw(struct tc *t, const void *want, size_t n)
{
	uint8_t got[64];

	ck_assert_uint_le(n, sizeof got);
	ck_assert_int_eq(tc_read(t, got, n), 0);
	ck_assert_mem_eq(got, want, n);
}

START_TEST(test_sim_ws_faults_byte_for_byte)
{
	static const uint8_t badclose[] = { 0x88, 0x02, 0x03, 0xed };
	static const char garbage[] = "\xff\xff\xff\xff garbage\r\n";
	static const uint8_t half = 0x81;
	struct tc t;
	struct tframe f;
	size_t i;

	sim_up("endpoint frag ws plain\non open send-frag 3 abcdefgh\n"
	       "endpoint stall ws plain\non open send before\n"
	       "on open fault stall\non open send never\n"
	       "endpoint garbage ws plain\non open fault garbage\n"
	       "endpoint big ws plain\non open fault oversize 70000\n"
	       "endpoint badclose ws plain\non open fault badclose\n"
	       "endpoint drop ws plain\non open send bye\non open fault drop\n"
	       "endpoint close ws plain\non open close 4000 going\n");

	/* TEXT fin=0, then continuations with a ping between each. */
	ck_assert_ptr_nonnull(tc_upgrade(&t, "frag", ""));
	tc_expect(&t, 1, 0, "abc");
	tc_expect(&t, 9, 1, "frag");
	tc_expect(&t, 0, 0, "def");
	tc_expect(&t, 9, 1, "frag");
	tc_expect(&t, 0, 1, "gh");
	tc_close(&t);

	/* One byte of a header, then nothing, not even the later send. */
	ck_assert_ptr_nonnull(tc_upgrade(&t, "stall", ""));
	tc_expect(&t, 1, 1, "before");
	tc_expect_raw(&t, &half, 1);
	tc_timeout(&t, 200);
	ck_assert_int_eq(tc_fill(&t), -1);
	ck_assert_int_eq(errno, EAGAIN);
	tc_close(&t);

	ck_assert_ptr_nonnull(tc_upgrade(&t, "garbage", ""));
	tc_expect_raw(&t, garbage, sizeof garbage - 1);
	tc_close(&t);

	ck_assert_ptr_nonnull(tc_upgrade(&t, "big", ""));
	ck_assert_int_eq(tc_read_frame(&t, &f), 0);
	ck_assert_uint_eq(f.op, 1);
	ck_assert_uint_eq(f.len, 70000);
	for (i = 0; i < f.len; i++)
		if (f.data[i] != 'x')
			break;
	ck_assert_uint_eq(i, 70000);
	tc_close(&t);

	/* Invalid close code 1005 on the wire; then our close ends it. */
	ck_assert_ptr_nonnull(tc_upgrade(&t, "badclose", ""));
	tc_expect_raw(&t, badclose, sizeof badclose);
	tc_frame(&t, 1, 8, "\x03\xea", 2); /* 1002 */
	ck_assert(tc_eof(&t));
	tc_close(&t);

	ck_assert_ptr_nonnull(tc_upgrade(&t, "drop", ""));
	tc_expect(&t, 1, 1, "bye");
	ck_assert(tc_eof(&t));
	tc_close(&t);

	/* close CODE REASON, then the server waits for ours. */
	ck_assert_ptr_nonnull(tc_upgrade(&t, "close", ""));
	tc_expect(&t, 8, 1, "\x0f\xa0going");
	tc_frame(&t, 1, 8, "\x0f\xa0", 2);
	ck_assert(tc_eof(&t));
	tc_close(&t);
	STAT_IS("close", closes_in, 1);

	STAT_IS(NULL, open_now, 0);
	STAT_IS(NULL, disconnects, 7);
	ck_assert_uint_eq(stat_of("big", offsetof(struct sim_stats, msgs_out)),
	    1);
	ck_assert_uint_eq(stat_of("frag", offsetof(struct sim_stats, msgs_out)),
	    1);
}
END_TEST

/* Clients that misbehave are counted and closed; the sim goes on. */
START_TEST(test_sim_ws_bad_clients)
{
	static const uint8_t unmasked[] = { 0x81, 0x02, 'h', 'i' };
	static const uint8_t partial[] = { 0x81, 0xfe, 0x01 };
	struct tc t;
	struct tframe f;

	sim_up("endpoint feed ws plain\non message * send ok\n");

	/* A client frame without a mask: close 1002, then TCP close. */
	ck_assert_ptr_nonnull(tc_upgrade(&t, "feed", ""));
	tc_write(&t, unmasked, sizeof unmasked);
	ck_assert_int_eq(tc_read_frame(&t, &f), 0);
	ck_assert_uint_eq(f.op, 8);
	ck_assert_uint_eq(f.len, 2);
	ck_assert_uint_eq(f.data[0] << 8 | f.data[1], 1002);
	ck_assert(tc_eof(&t));
	tc_close(&t);

	/* Gone mid-frame, gone mid-head, gone before a byte. */
	ck_assert_ptr_nonnull(tc_upgrade(&t, "feed", ""));
	tc_write(&t, partial, sizeof partial);
	tc_close(&t);
	tc_open(&t, sim_port(sim, "feed"));
	tc_puts(&t, "GET / HTTP/1.1\r\nUpgr");
	tc_close(&t);
	tc_open(&t, sim_port(sim, "feed"));
	tc_close(&t);
	STAT_IS("feed", disconnects, 4);
	STAT_IS("feed", open_now, 0);

	/* Still serving. */
	ck_assert_ptr_nonnull(tc_upgrade(&t, "feed", ""));
	tc_text(&t, "x");
	tc_expect(&t, 1, 1, "ok");
	tc_close(&t);
	STAT_IS("feed", upgrades, 3);
}
END_TEST

/* --- HTTP --- */

START_TEST(test_sim_http_length_and_404)
{
	char *r;

	sim_up("endpoint rest http plain\n"
	       "route GET /a 200 length {\"a\":1}\n"
	       "route POST /a 201 length {\"posted\":true}\n"
	       "route GET /empty 204 length\n");
	r = http_do("rest", "GET /a?x=1&y=2 HTTP/1.1\r\nHost: x\r\n\r\n");
	ck_assert_msg(strncmp(r, "HTTP/1.1 200 OK\r\n", 17) == 0, "%s", r);
	ck_assert_ptr_nonnull(strstr(r, "\r\nContent-Length: 7\r\n"));
	ck_assert_ptr_nonnull(strstr(r, "\r\nConnection: close\r\n"));
	ck_assert_str_eq(strstr(r, "\r\n\r\n") + 4, "{\"a\":1}");

	/* A body is read (and dropped) before the answer. */
	r = http_do("rest",
	    "POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello");
	ck_assert_msg(strncmp(r, "HTTP/1.1 201 Created\r\n", 22) == 0, "%s", r);
	ck_assert_str_eq(strstr(r, "\r\n\r\n") + 4, "{\"posted\":true}");

	r = http_do("rest", "GET /empty HTTP/1.0\r\n\r\n");
	ck_assert_ptr_nonnull(strstr(r, "\r\nContent-Length: 0\r\n"));
	ck_assert_str_eq(strstr(r, "\r\n\r\n") + 4, "");

	r = http_do("rest", "GET /b HTTP/1.1\r\n\r\n");
	ck_assert_msg(strncmp(r, "HTTP/1.1 404 Not Found\r\n", 24) == 0, "%s",
	    r);
	r = http_do("rest", "PUT /a HTTP/1.1\r\n\r\n"); /* method matters */
	ck_assert_msg(strncmp(r, "HTTP/1.1 404 ", 13) == 0, "%s", r);
	STAT_IS("rest", http_requests, 5);
}
END_TEST

/* Decodes a chunked body; returns the number of data chunks. */
static unsigned
dechunk(const char *p, char *out, size_t *outlen)
{
	unsigned long n;
	unsigned chunks = 0;
	char *end;

	*outlen = 0;
	for (;;) {
		n = strtoul(p, &end, 16);
		ck_assert_ptr_ne(end, p);
		ck_assert_msg(strncmp(end, "\r\n", 2) == 0, "%s", end);
		p = end + 2;
		if (n == 0) {
			ck_assert_str_eq(p, "\r\n");
			return (chunks);
		}
		memcpy(out + *outlen, p, n);
		*outlen += n;
		p += n;
		ck_assert(strncmp(p, "\r\n", 2) == 0);
		p += 2;
		chunks++;
	}
}

START_TEST(test_sim_http_chunked_and_close)
{
	char *r, body[256];
	size_t len;

	sim_up("endpoint rest http plain\n"
	       "route GET /c 200 chunked {\"chunked\":\"in three parts\"}\n"
	       "route GET /one 200 chunked x\n"
	       "route GET /z 503 close {\"busy\":true}\n");
	r = http_do("rest", "GET /c HTTP/1.1\r\n\r\n");
	ck_assert_ptr_nonnull(strstr(r, "\r\nTransfer-Encoding: chunked\r\n"));
	ck_assert_ptr_null(strstr(r, "Content-Length"));
	ck_assert_uint_eq(dechunk(strstr(r, "\r\n\r\n") + 4, body, &len), 3);
	body[len] = '\0';
	ck_assert_str_eq(body, "{\"chunked\":\"in three parts\"}");

	r = http_do("rest", "GET /one HTTP/1.1\r\n\r\n");
	ck_assert_uint_eq(dechunk(strstr(r, "\r\n\r\n") + 4, body, &len), 1);
	ck_assert_uint_eq(len, 1);

	/* No length at all: the body ends at the connection's end. */
	r = http_do("rest", "GET /z HTTP/1.1\r\n\r\n");
	ck_assert_msg(strncmp(r, "HTTP/1.1 503 Service Unavailable\r\n", 34) ==
		0,
	    "%s", r);
	ck_assert_ptr_null(strstr(r, "Content-Length"));
	ck_assert_ptr_null(strstr(r, "Transfer-Encoding"));
	ck_assert_str_eq(strstr(r, "\r\n\r\n") + 4, "{\"busy\":true}");
}
END_TEST

START_TEST(test_sim_http_generated_bytes)
{
	char *r, *body, *big;
	size_t len, i, clen = 0;
	struct tc t;

	sim_up("endpoint rest http plain\n"
	       "route GET /big 200 length @bytes=100000\n"
	       "route GET /none 200 length @bytes=0\n"
	       "route GET /ch 200 chunked @bytes=10\n");
	tc_open(&t, sim_port(sim, "rest"));
	tc_puts(&t, "GET /big HTTP/1.1\r\n\r\n");
	r = tc_head(&t);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(sscanf(strstr(r, "Content-Length: "),
			     "Content-Length: %zu", &clen),
	    1);
	ck_assert_uint_eq(clen, 100000);
	big = tcheck_keep(malloc(clen + 1));
	ck_assert_int_eq(tc_read(&t, big, clen), 0);
	for (i = 0; i < clen; i++) /* JSON-safe: no quote, no backslash */
		if (!((big[i] >= 'a' && big[i] <= 'z') ||
			(big[i] >= '0' && big[i] <= '9')))
			break;
	ck_assert_uint_eq(i, clen);
	ck_assert(tc_eof(&t));
	tc_close(&t);

	r = http_do("rest", "GET /none HTTP/1.1\r\n\r\n");
	ck_assert_ptr_nonnull(strstr(r, "\r\nContent-Length: 0\r\n"));
	ck_assert_str_eq(strstr(r, "\r\n\r\n") + 4, "");

	r = http_do("rest", "GET /ch HTTP/1.1\r\n\r\n");
	body = tcheck_keep(malloc(64));
	ck_assert_uint_eq(dechunk(strstr(r, "\r\n\r\n") + 4, body, &len), 3);
	ck_assert_uint_eq(len, 10);
	ck_assert_mem_eq(body, "abcdefghij", 10);
}
END_TEST

START_TEST(test_sim_http_delay_and_hang)
{
	struct timespec a, b;
	struct tc t;
	char *r;
	double ms;

	sim_up("endpoint rest http plain\n"
	       "route GET /slow 200 length delay 150 slow\n"
	       "route GET /hang 200 length @hang\n");
	clock_gettime(CLOCK_MONOTONIC, &a);
	r = http_do("rest", "GET /slow HTTP/1.1\r\n\r\n");
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = (double)(b.tv_sec - a.tv_sec) * 1e3 +
	    (double)(b.tv_nsec - a.tv_nsec) / 1e6;
	ck_assert_msg(ms >= 145, "answered after %.1f ms", ms);
	ck_assert_str_eq(strstr(r, "\r\n\r\n") + 4, "slow");

	tc_open(&t, sim_port(sim, "rest"));
	tc_puts(&t, "GET /hang HTTP/1.1\r\n\r\n");
	tc_timeout(&t, 300);
	ck_assert_int_eq(tc_fill(&t), -1);
	ck_assert_int_eq(errno, EAGAIN);
	STAT_IS("rest", http_requests, 2);
	tc_close(&t);
	STAT_IS("rest", disconnects, 2);
}
END_TEST

START_TEST(test_sim_http_malformed)
{
	struct tc t;
	char *r, *junk;
	const char *req;
	size_t i;
	static const char *const bad[] = {
		"garbage\r\n\r\n",
		"\x16\x03\x01\x02\x01\x01\xfc\x03\x03\r\n\r\n", /* TLS-ish */
		"GET /a HTTP/2.0\r\n\r\n",
		"GET  /a HTTP/1.1\r\n\r\n",
		"GET /a HTTP/1.1\r\nNo colon here\r\n\r\n",
		"GET /a HTTP/1.1\r\nX: a\r\n folded\r\n\r\n",
		"GET /a HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
		"GET /a HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
		"GET /a HTTP/1.1\r\nBad Name: x\r\n\r\n",
	};

	sim_up("endpoint rest http plain\nroute GET /a 200 length ok\n");
	for (i = 0; i < nitems(bad); i++) {
		r = http_do("rest", bad[i]);
		ck_assert_msg(strncmp(r, "HTTP/1.1 400 Bad Request\r\n", 26) ==
			0,
		    "case %zu: %s", i, r);
	}
	r = http_do("rest",
	    "POST /a HTTP/1.1\r\nTransfer-Encoding: "
	    "chunked\r\n\r\n0\r\n\r\n");
	ck_assert_msg(strncmp(r, "HTTP/1.1 501 ", 13) == 0, "%s", r);
	r = http_do("rest",
	    "POST /a HTTP/1.1\r\nContent-Length: "
	    "99999999\r\n\r\n");
	ck_assert_msg(strncmp(r, "HTTP/1.1 413 ", 13) == 0, "%s", r);

	/* 20 KiB without a newline: 400 at 16 KiB, even while sending. */
	junk = tcheck_keep(malloc(20 * 1024));
	memset(junk, 'A', 20 * 1024);
	tc_open(&t, sim_port(sim, "rest"));
	tc_write(&t, junk, 20 * 1024);
	r = tc_head(&t);
	ck_assert_ptr_nonnull(r);
	ck_assert_msg(strncmp(r, "HTTP/1.1 400 ", 13) == 0, "%s", r);
	tc_close(&t);

	/* A good request line and 20 KiB of headers: 431. */
	tc_open(&t, sim_port(sim, "rest"));
	tc_puts(&t, "GET /a HTTP/1.1\r\n");
	for (i = 0; i < 20 * 1024 / 16; i++)
		tc_puts(&t, "X-Filler: 12345\r\n");
	tc_puts(&t, "\r\n");
	r = tc_head(&t);
	ck_assert_ptr_nonnull(r);
	ck_assert_msg(strncmp(r, "HTTP/1.1 431 ", 13) == 0, "%s", r);
	tc_close(&t);

	/* Byte by byte is fine; and the sim still answers. */
	req = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n";
	tc_open(&t, sim_port(sim, "rest"));
	for (i = 0; req[i] != '\0'; i++)
		tc_write(&t, req + i, 1);
	r = tc_all(&t, NULL);
	ck_assert_str_eq(strstr(r, "\r\n\r\n") + 4, "ok");
	tc_close(&t);
	STAT_IS("rest", http_requests, nitems(bad) + 5);
	STAT_IS("rest", disconnects, nitems(bad) + 5);
}
END_TEST

/* --- TLS --- */

/*
 * Once, before the tests fork: the test CA and certificates from
 * gen-certs.sh, and a client context that trusts that CA only.
 */
static int
certs_make(void)
{
	char *cmd, ca[4096];

	certs = tcheck_mkdtemp();
	if (asprintf(&cmd, "sh '%s/tests/gen-certs.sh' '%s'", tcheck_srcdir(),
		certs) == -1)
		abort();
	if (system(cmd) != 0) {
		fprintf(stderr, "check_sim: %s failed\n", cmd);
		free(cmd);
		return (-1);
	}
	free(cmd);
	snprintf(ca, sizeof ca, "%s/ca.pem", certs);
	if ((tls_ctx = SSL_CTX_new(TLS_client_method())) == NULL ||
	    SSL_CTX_load_verify_locations(tls_ctx, ca, NULL) != 1) {
		fprintf(stderr, "check_sim: cannot load %s\n", ca);
		return (-1);
	}
	SSL_CTX_set_verify(tls_ctx, SSL_VERIFY_PEER, NULL);
	return (0);
}

START_TEST(test_sim_tls_endpoints)
{
	struct tc t;
	char *r, buf[32];
	const char *self;

	self =
	    tcheck_asprintf("cert=%s/self.pem key=%s/self.key", certs, certs);
	sim_up(tcheck_asprintf("endpoint tlsfeed ws tls\n"
			       "on open send secure\n"
			       "on message * send got it\n"
			       "endpoint rest http tls\n"
			       "route GET /v 200 close {\"tls\":1}\n"
			       "endpoint self ws tls %s\n",
	    self));

	/* Verified against the test CA, name checked, then WebSocket. */
	r = tc_upgrade(&t, "tlsfeed", "");
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(SSL_get_verify_result(t.ssl), X509_V_OK);
	ck_assert_msg(strncmp(r, "HTTP/1.1 101 ", 13) == 0, "%s", r);
	tc_expect(&t, 1, 1, "secure");
	tc_text(&t, "over tls");
	tc_expect(&t, 1, 1, "got it");
	ck_assert_int_eq(sim_received(sim, "tlsfeed", 0, buf, sizeof buf), 8);
	ck_assert_str_eq(buf, "over tls");
	tc_frame(&t, 1, 8, "\x03\xe8", 2);
	tc_expect(&t, 8, 1, "\x03\xe8");
	ck_assert(tc_eof(&t)); /* close_notify */
	tc_close(&t);

	/* HTTPS, body to the end of the connection (close_notify). */
	tc_open(&t, sim_port(sim, "rest"));
	ck_assert_int_eq(tc_tls(&t, "wrong.example"), -1); /* name check */
	ERR_clear_error();
	tc_close(&t);
	tc_open(&t, sim_port(sim, "rest"));
	ck_assert_int_eq(tc_tls(&t, "localhost"), 0);
	tc_puts(&t, "GET /v HTTP/1.1\r\nHost: localhost\r\n\r\n");
	r = tc_all(&t, NULL);
	ck_assert_str_eq(strstr(r, "\r\n\r\n") + 4, "{\"tls\":1}");
	tc_close(&t);

	/* The endpoint's own certificate is used (and not trusted). */
	tc_open(&t, sim_port(sim, "self"));
	ck_assert_int_eq(tc_tls(&t, "localhost"), -1);
	ck_assert_int_ne(SSL_get_verify_result(t.ssl), X509_V_OK);
	ERR_clear_error();
	tc_close(&t);

	/* Plain HTTP to a TLS port: a failed handshake, counted. */
	r = http_do("tlsfeed", "GET / HTTP/1.1\r\n\r\n");
	STAT_IS("tlsfeed", tls_failed, 1);
	STAT_IS("rest", tls_failed, 1);
	STAT_IS("self", tls_failed, 1);
	STAT_IS(NULL, open_now, 0);
}
END_TEST

/* --- lifetime --- */

/* Stops a busy simulator: every state at once, nothing may leak. */
START_TEST(test_sim_stop_while_busy)
{
	struct tc t[6];
	struct timespec a, b;
	unsigned i;

	sim_up("endpoint feed ws plain\non open every 1 send tick\n"
	       "on open after 100000 send never\n"
	       "endpoint tlsfeed ws tls\non open send-frag 4 fragments\n"
	       "endpoint rest http plain\nroute GET /h 200 length @hang\n"
	       "route GET /d 200 length delay 100000 x\n");
	ck_assert_ptr_nonnull(tc_upgrade(&t[0], "feed", ""));
	ck_assert_ptr_nonnull(tc_upgrade(&t[1], "tlsfeed", ""));
	tc_open(&t[2], sim_port(sim, "tlsfeed")); /* mid-handshake */
	tc_open(&t[3], sim_port(sim, "rest"));
	tc_puts(&t[3], "GET /h HTTP/1.1\r\n\r\n");
	tc_open(&t[4], sim_port(sim, "rest"));
	tc_puts(&t[4], "GET /d HTTP/1.1\r\n\r\n");
	tc_open(&t[5], sim_port(sim, "feed")); /* mid-request */
	tc_puts(&t[5], "GET / HTTP/1.1\r\nHo");
	STAT_IS(NULL, http_requests, 2);
	STAT_IS(NULL, open_now, 2);
	msleep(20); /* let ticks pile up unread */
	clock_gettime(CLOCK_MONOTONIC, &a);
	sim_stop(sim);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ck_assert_int_lt(b.tv_sec - a.tv_sec, 2);
	STAT_IS(NULL, open_now, 0);
	STAT_IS(NULL, disconnects, 6);
	sim_stop(sim); /* idempotent */
	for (i = 0; i < nitems(t); i++)
		tc_close(&t[i]);
}
END_TEST

/* --- the program --- */

/*
 * Runs the program with the NULL-terminated arguments after out; its
 * stdout goes to out, its stderr to out.err.  Returns its pid.
 */
static pid_t
prog_spawn(const char *out, ...)
{
	posix_spawn_file_actions_t fa;
	char *argv[16];
	const char *a;
	va_list ap;
	unsigned n = 0;
	pid_t pid;

	va_start(ap, out);
	while ((a = va_arg(ap, const char *)) != NULL && n + 1 < nitems(argv))
		argv[n++] = tcheck_asprintf("%s", a); /* exec wants char * */
	va_end(ap);
	argv[n] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, out,
	    O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_addopen(&fa, 2, tcheck_asprintf("%s.err", out),
	    O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_eq(posix_spawn(&pid, argv[0], &fa, NULL, argv, environ),
	    0);
	posix_spawn_file_actions_destroy(&fa);
	return (pid);
}

static int
prog_wait(pid_t pid)
{
	int status;

	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	return (WEXITSTATUS(status));
}

static const char *
prog_path(void)
{
	const char *p = getenv("XARB_SIM");

	return (p != NULL && *p != '\0'
		? p
		: tcheck_asprintf("%s/src/sim/xarb-sim", tcheck_builddir()));
}

START_TEST(test_sim_program)
{
	const char *prog = prog_path(), *scn, *ports, *out;
	char *text, name[32], *r;
	unsigned port = 0, i;
	struct tc t;
	pid_t pid;

	scn = tcheck_keep(tcheck_write(dir, "a.scn",
	    "endpoint feed ws plain\nendpoint rest http plain\n"
	    "route GET /p 200 length pong\n",
	    0644));
	ports = tcheck_asprintf("%s/ports", dir);
	out = tcheck_asprintf("%s/out", dir);
	pid = prog_spawn(out, prog, "-s", scn, "--ports", ports, "--run-for",
	    "30", (char *)NULL);
	for (i = 0; i < T_WAIT_MS / 10 && access(ports, F_OK) != 0; i++)
		msleep(10);
	text = tcheck_keep(tcheck_read(ports));
	ck_assert_ptr_nonnull(text);
	ck_assert_int_eq(sscanf(strstr(text, "rest "), "%31s %u", name, &port),
	    2);
	ck_assert_str_eq(name, "rest");
	ck_assert_ptr_nonnull(strstr(text, "feed "));
	tc_open(&t, port);
	tc_puts(&t, "GET /p HTTP/1.1\r\n\r\n");
	r = tc_all(&t, NULL);
	ck_assert_str_eq(strstr(r, "\r\n\r\n") + 4, "pong");
	tc_close(&t);
	kill(pid, SIGTERM);
	ck_assert_int_eq(prog_wait(pid), 0);
	text = tcheck_keep(tcheck_read(out));
	ck_assert_ptr_nonnull(strstr(text,
	    tcheck_asprintf("xarb-sim: rest listening on 127.0.0.1:%u (http)\n",
		port)));
	ck_assert_ptr_nonnull(strstr(text, "(ws)\n"));
	ck_assert_ptr_nonnull(strstr(text, "xarb-sim: summary: accepted=1 "));

	/* Scenario error: 78, with NAME:LINE. */
	scn = tcheck_keep(tcheck_write(dir, "b.scn",
	    "endpoint x ws plain\nbogus\n", 0644));
	pid = prog_spawn(out, prog, "-s", scn, (char *)NULL);
	ck_assert_int_eq(prog_wait(pid), 78);
	text = tcheck_keep(tcheck_read(tcheck_asprintf("%s.err", out)));
	ck_assert_ptr_nonnull(strstr(text,
	    tcheck_asprintf("xarb-sim: %s:2: expected endpoint", scn)));

	/* Usage: 64.  Missing scenario: 66. */
	pid = prog_spawn(out, prog, (char *)NULL);
	ck_assert_int_eq(prog_wait(pid), 64);
	pid = prog_spawn(out, prog, "-s", "/nonexistent.scn", (char *)NULL);
	ck_assert_int_eq(prog_wait(pid), 66);
}
END_TEST

static Suite *
sim_suite(void)
{
	Suite *s = suite_create("sim");
	TCase *tc;

	tc = tcase_create("script");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_sim_script_errors_all_reported);
	tcase_add_test(tc, test_sim_script_edge_cases);
	suite_add_tcase(s, tc);

	tc = tcase_create("ws");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_sim_ws_handshake_and_echo);
	tcase_add_test(tc, test_sim_ws_every_and_after);
	tcase_add_test(tc, test_sim_ws_refusals);
	tcase_add_test(tc, test_sim_ws_faults_byte_for_byte);
	tcase_add_test(tc, test_sim_ws_bad_clients);
	suite_add_tcase(s, tc);

	tc = tcase_create("http");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_sim_http_length_and_404);
	tcase_add_test(tc, test_sim_http_chunked_and_close);
	tcase_add_test(tc, test_sim_http_generated_bytes);
	tcase_add_test(tc, test_sim_http_delay_and_hang);
	tcase_add_test(tc, test_sim_http_malformed);
	suite_add_tcase(s, tc);

	tc = tcase_create("tls");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_sim_tls_endpoints);
	suite_add_tcase(s, tc);

	tc = tcase_create("lifetime");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_sim_stop_while_busy);
	tcase_add_test(tc, test_sim_program);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	int rv;

	if (certs_make() != 0)
		rv = EXIT_FAILURE;
	else
		rv = tcheck_run(sim_suite());
	SSL_CTX_free(tls_ctx);
	tcheck_rmdir(certs);
	return (rv);
}
