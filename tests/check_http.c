/*
 * Tests of the HTTP pieces that need no server: URLs, the WebSocket key
 * and Accept (RFC 6455's own example), the Upgrade request, the
 * response-head parser and the Upgrade checks.  The REST client against
 * the simulator is in check_ws (it shares its server).
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "xarb.h"
#include "http.h"
#include "tcheck.h"

static const struct {
	const char *in;
	int ok, tls, ws;
	const char *host, *port, *path;
} url_cases[] = {
	{ "wss://stream.bybit.com/v5/public/linear", 1, 1, 1,
	    "stream.bybit.com", "443", "/v5/public/linear" },
	{ "wss://ws.okx.com:8443/ws/v5/public", 1, 1, 1, "ws.okx.com", "8443",
	    "/ws/v5/public" },
	{ "ws://127.0.0.1:9000", 1, 0, 1, "127.0.0.1", "9000", "/" },
	{ "https://api-futures.kucoin.com/api/v1/bullet-public?x=1", 1, 1, 0,
	    "api-futures.kucoin.com", "443", "/api/v1/bullet-public?x=1" },
	{ "http://[::1]:8080/a", 1, 0, 0, "[::1]", "8080", "/a" },
	{ "wss://h?q=1", 1, 1, 1, "h", "443", "/?q=1" },
	{ "WSS://Upper.example/x", 1, 1, 1, "Upper.example", "443", "/x" },
	{ "ftp://x/", 0, 0, 0, NULL, NULL, NULL },
	{ "wss://", 0, 0, 0, NULL, NULL, NULL },
	{ "wss://h:0/", 0, 0, 0, NULL, NULL, NULL },
	{ "wss://h:65536/", 0, 0, 0, NULL, NULL, NULL },
	{ "wss://h:12x/", 0, 0, 0, NULL, NULL, NULL },
	{ "wss://[::1/", 0, 0, 0, NULL, NULL, NULL },
	{ "", 0, 0, 0, NULL, NULL, NULL },
};

START_TEST(test_http_url_table)
{
	struct http_url u;
	char *cause = NULL;
	int rv = http_url_parse(url_cases[_i].in, &u, &cause);

	if (!url_cases[_i].ok) {
		ck_assert_int_eq(rv, -1);
		ck_assert_ptr_nonnull(cause);
		ck_assert_ptr_nonnull(strstr(cause, "expected a URL"));
		free(cause);
		return;
	}
	ck_assert_msg(rv == 0, "%s: %s", url_cases[_i].in, cause);
	ck_assert_int_eq(u.tls, url_cases[_i].tls);
	ck_assert_int_eq(u.ws, url_cases[_i].ws);
	ck_assert_str_eq(u.host, url_cases[_i].host);
	ck_assert_str_eq(u.port, url_cases[_i].port);
	ck_assert_str_eq(u.path, url_cases[_i].path);
}
END_TEST

START_TEST(test_http_hostport_omits_default_port)
{
	struct http_url u;
	char buf[300], *cause = NULL;

	ck_assert_int_eq(http_url_parse("wss://a.b/x", &u, &cause), 0);
	http_url_hostport(&u, buf, sizeof buf);
	ck_assert_str_eq(buf, "a.b");
	ck_assert_int_eq(http_url_parse("ws://a.b:8080/x", &u, &cause), 0);
	http_url_hostport(&u, buf, sizeof buf);
	ck_assert_str_eq(buf, "a.b:8080");
}
END_TEST

/* RFC 6455 section 1.3's worked example. */
START_TEST(test_http_ws_accept_rfc_example)
{
	char out[29];

	http_ws_accept("dGhlIHNhbXBsZSBub25jZQ==", out);
	ck_assert_str_eq(out, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}
END_TEST

START_TEST(test_http_ws_key_is_random_base64)
{
	char a[25], b[25];
	size_t i;

	http_ws_key(a);
	http_ws_key(b);
	ck_assert_uint_eq(strlen(a), 24);
	ck_assert_str_ne(a, b);
	ck_assert_int_eq(a[22], '=');
	ck_assert_int_eq(a[23], '=');
	for (i = 0; i < 22; i++)
		ck_assert_ptr_nonnull(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					     "abcdefghijklmnopqrstuvwxyz"
					     "0123456789+/",
		    a[i]));
}
END_TEST

START_TEST(test_http_upgrade_request_offers_no_extension)
{
	struct http_url u;
	char buf[1024], *cause = NULL;
	size_t n;

	ck_assert_int_eq(http_url_parse("wss://ws.okx.com:8443/ws/v5/public",
			     &u, &cause),
	    0);
	n = http_upgrade_request(buf, sizeof buf, &u, "KEY");
	ck_assert_uint_lt(n, sizeof buf);
	ck_assert_uint_eq(n, strlen(buf));
	ck_assert_ptr_nonnull(strstr(buf, "GET /ws/v5/public HTTP/1.1\r\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\r\nHost: ws.okx.com:8443\r\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\r\nUpgrade: websocket\r\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\r\nConnection: Upgrade\r\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\r\nSec-WebSocket-Key: KEY\r\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\r\nSec-WebSocket-Version: 13\r\n"));
	ck_assert_ptr_null(strstr(buf, "Extensions"));
	ck_assert_str_eq(buf + n - 4, "\r\n\r\n");
	/* Too small a buffer says so. */
	ck_assert_uint_ge(http_upgrade_request(buf, 20, &u, "KEY"), 20);
}
END_TEST

static const char resp_101[] =
    "HTTP/1.1 101 Switching Protocols\r\n"
    "Upgrade: WebSocket\r\n"
    "connection:  keep-alive, Upgrade \r\n"
    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
    "\r\n"
    "\x81\x02hi";

START_TEST(test_http_head_parse_and_lookup)
{
	struct http_head h;
	const char *v;
	size_t vl;
	int n;

	n = http_head_parse(resp_101, sizeof resp_101 - 1, &h);
	ck_assert_int_eq(n, (int)(sizeof resp_101 - 1 - 4));
	ck_assert_int_eq(h.status, 101);
	ck_assert_uint_eq(h.n, 3);
	v = http_head_get(&h, "CONNECTION", &vl);
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(strncmp(v, "keep-alive, Upgrade", vl), 0);
	ck_assert_uint_eq(vl, strlen("keep-alive, Upgrade"));
	ck_assert_int_eq(http_head_has_token(&h, "Connection", "upgrade"), 1);
	ck_assert_int_eq(http_head_has_token(&h, "Connection", "close"), 0);
	ck_assert_ptr_null(http_head_get(&h, "Content-Length", NULL));
	ck_assert_int_eq(http_upgrade_check(&h,
			     "dGhlIHNhbXBsZSBub25jZQ==", (char[128]){ 0 }, 128),
	    0);
}
END_TEST

/* Every proper prefix of a head is "need more", never an error. */
START_TEST(test_http_head_parse_incremental)
{
	struct http_head h;
	size_t len, head = sizeof resp_101 - 1 - 4;

	for (len = 0; len < head; len++)
		ck_assert_int_eq(http_head_parse(resp_101, len, &h), 0);
	ck_assert_int_eq(http_head_parse(resp_101, head, &h), (int)head);
}
END_TEST

static const struct {
	const char *in;
	int want;
} bad_heads[] = {
	{ "HTTP/2 101 X\r\n\r\n", -1 },
	{ "HTTP/1.1 1x1 X\r\n\r\n", -1 },
	{ "HTTP/1.1 101 X\r\nNoColon\r\n\r\n", -1 },
	{ "HTTP/1.1 101 X\r\n: empty name\r\n\r\n", -1 },
	{ "HTTP/1.1 101\r\n\r\n", 16 },
	{ "HTTP/1.0 200 OK\r\n\r\n", 19 },
	{ "garbage garbage garbage\r\n\r\n", -1 },
};

START_TEST(test_http_head_parse_rejects_malformed)
{
	struct http_head h;

	ck_assert_int_eq(http_head_parse(bad_heads[_i].in,
			     strlen(bad_heads[_i].in), &h),
	    bad_heads[_i].want);
}
END_TEST

START_TEST(test_http_head_parse_limits)
{
	struct http_head h;
	char *big = malloc(HTTP_HEAD_MAX + 10);
	size_t i, off;

	/* No end of head within HTTP_HEAD_MAX: an error, not "need more". */
	memset(big, 'a', HTTP_HEAD_MAX + 10);
	memcpy(big, "HTTP/1.1 200 OK\r\n", 17);
	ck_assert_int_eq(http_head_parse(big, HTTP_HEAD_MAX + 10, &h), -1);
	ck_assert_int_eq(http_head_parse(big, HTTP_HEAD_MAX - 1, &h), 0);
	/* More headers than HTTP_HEADERS_MAX: refused. */
	off = (size_t)sprintf(big, "HTTP/1.1 200 OK\r\n");
	for (i = 0; i <= HTTP_HEADERS_MAX; i++)
		off += (size_t)sprintf(big + off, "X-%zu: y\r\n", i);
	off += (size_t)sprintf(big + off, "\r\n");
	ck_assert_int_eq(http_head_parse(big, off, &h), -1);
	free(big);
}
END_TEST

static const struct {
	const char *head;
	const char *why;
} bad_upgrades[] = {
	{ "HTTP/1.1 403 Forbidden\r\n\r\n", "status 403" },
	{ "HTTP/1.1 101 X\r\nConnection: upgrade\r\n"
	  "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n",
	    "Upgrade: websocket" },
	{ "HTTP/1.1 101 X\r\nUpgrade: websocket\r\n"
	  "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n",
	    "Connection: upgrade" },
	{ "HTTP/1.1 101 X\r\nUpgrade: websocket\r\nConnection: upgrade\r\n"
	  "Sec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n",
	    "bad Sec-WebSocket-Accept" },
	{ "HTTP/1.1 101 X\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n",
	    "bad Sec-WebSocket-Accept" },
	{ "HTTP/1.1 101 X\r\nUpgrade: websocket\r\nConnection: upgrade\r\n"
	  "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
	  "Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n",
	    "extension" },
};

START_TEST(test_http_upgrade_check_failures)
{
	struct http_head h;
	char why[128];

	ck_assert_int_gt(http_head_parse(bad_upgrades[_i].head,
			     strlen(bad_upgrades[_i].head), &h),
	    0);
	ck_assert_int_eq(http_upgrade_check(&h, "dGhlIHNhbXBsZSBub25jZQ==", why,
			     sizeof why),
	    -1);
	ck_assert_msg(strstr(why, bad_upgrades[_i].why) != NULL, "%s", why);
}
END_TEST

static Suite *
http_suite(void)
{
	Suite *s = suite_create("http");
	TCase *tc;

	tc = tcase_create("url");
	tcase_add_loop_test(tc, test_http_url_table, 0, (int)nitems(url_cases));
	tcase_add_test(tc, test_http_hostport_omits_default_port);
	suite_add_tcase(s, tc);

	tc = tcase_create("upgrade");
	tcase_add_test(tc, test_http_ws_accept_rfc_example);
	tcase_add_test(tc, test_http_ws_key_is_random_base64);
	tcase_add_test(tc, test_http_upgrade_request_offers_no_extension);
	tcase_add_loop_test(tc, test_http_upgrade_check_failures, 0,
	    (int)nitems(bad_upgrades));
	suite_add_tcase(s, tc);

	tc = tcase_create("head");
	tcase_add_test(tc, test_http_head_parse_and_lookup);
	tcase_add_test(tc, test_http_head_parse_incremental);
	tcase_add_loop_test(tc, test_http_head_parse_rejects_malformed, 0,
	    (int)nitems(bad_heads));
	tcase_add_test(tc, test_http_head_parse_limits);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	return (tcheck_run(http_suite()));
}
