/*
 * Tests of the status line shared by --headless and the dashboard: every
 * field of a filled struct engine_status, uptime as H:MM:SS, the dropped
 * total and its breakdown, and snprintf-like truncation.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "xarb.h"
#include "engine.h"
#include "tcheck.h"
#include "tui/tui.h"

static struct engine_status st;

static void
setup(void)
{
	memset(&st, 0, sizeof st);
	st.uptime_s = 3725.9; /* 1:02:05 */
	st.msgs = 1234567;
	st.msgs_per_s = 1400.4;
	st.venues_live = 7;
	st.venues_enabled = 7;
	st.opens = 12;
	st.updates = 345;
	st.closes = 10;
	st.open_now = 2;
	st.ring_lost = 3;
	st.log_dropped = 4;
	st.bad_msgs = 5;
	st.mode = "paper";
}

/* Formats st into a fresh string (caller frees). */
static char *
format(void)
{
	int n = tui_status_format(NULL, 0, &st);
	char *buf;

	ck_assert_int_gt(n, 0);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(tui_status_format(buf, (size_t)n + 1, &st), n);
	ck_assert_uint_eq(strlen(buf), (size_t)n);
	return (buf);
}

#define ck_assert_has(line, part)                                              \
	ck_assert_msg(strstr((line), (part)) != NULL,                          \
	    "\"%s\" does not contain \"%s\"", (line), (part))

START_TEST(test_tui_status_fields)
{
	char *line = format();

	ck_assert_msg(strncmp(line, "up 1:02:05 ", 11) == 0, "\"%s\"", line);
	ck_assert_has(line, "msgs 1234567 (1400/s)");
	ck_assert_has(line, "venues 7/7");
	ck_assert_has(line, "opps 2 open (+12 ~345 -10)");
	ck_assert_has(line, "dropped 12 (ring 3, log 4, bad 5)");
	ck_assert_has(line, "paper");
	ck_assert_ptr_null(strchr(line, '\n'));
	free(line);
}
END_TEST

START_TEST(test_tui_status_reflects_changes)
{
	char *line;

	st.venues_live = 5;
	st.mode = "live";
	st.msgs_per_s = 0;
	st.msgs = 0;
	st.open_now = 0;
	st.ring_lost = 0;
	st.log_dropped = 0;
	st.bad_msgs = 0;
	line = format();
	ck_assert_has(line, "venues 5/7");
	ck_assert_has(line, "msgs 0 (0/s)");
	ck_assert_has(line, "opps 0 open");
	ck_assert_has(line, "dropped 0 (ring 0, log 0, bad 0)");
	ck_assert_has(line, "live");
	ck_assert_ptr_null(strstr(line, "paper"));
	free(line);
}
END_TEST

/* The total is 64-bit: counters past 2^32 do not wrap. */
START_TEST(test_tui_status_dropped_total_64bit)
{
	char *line;

	st.ring_lost = UINT64_C(4294967296);
	st.log_dropped = UINT64_C(4294967296);
	st.bad_msgs = 1;
	st.msgs = UINT64_MAX;
	line = format();
	ck_assert_has(line,
	    "dropped 8589934593 (ring 4294967296, log 4294967296, bad 1)");
	ck_assert_has(line, "msgs 18446744073709551615 (");
	free(line);
}
END_TEST

static const struct {
	double uptime_s;
	const char *want;
} uptime_cases[] = {
	{ 0, "up 0:00:00 " },
	{ 0.999, "up 0:00:00 " },
	{ 59.999, "up 0:00:59 " },
	{ 60, "up 0:01:00 " },
	{ 61, "up 0:01:01 " },
	{ 3599, "up 0:59:59 " },
	{ 3600, "up 1:00:00 " },
	{ 86399, "up 23:59:59 " },
	{ 90061, "up 25:01:01 " },
	{ 360000, "up 100:00:00 " },
	{ 31536000, "up 8760:00:00 " },
};

START_TEST(test_tui_status_uptime_format)
{
	char *line;

	st.uptime_s = uptime_cases[_i].uptime_s;
	line = format();
	ck_assert_msg(strncmp(line, uptime_cases[_i].want,
			  strlen(uptime_cases[_i].want)) == 0,
	    "%.3f s: \"%s\", expected it to start \"%s\"",
	    uptime_cases[_i].uptime_s, line, uptime_cases[_i].want);
	free(line);
}
END_TEST

/* Every buffer size: the full length back, never a byte past len. */
START_TEST(test_tui_status_truncates_safely)
{
	char *full = format(), *buf;
	size_t n = strlen(full), len;

	ck_assert_int_eq(tui_status_format(NULL, 0, &st), (int)n);
	for (len = 0; len <= n + 2; len++) {
		buf = malloc(len + 1);
		ck_assert_ptr_nonnull(buf);
		memset(buf, '#', len + 1); /* buf[len] is the canary */
		ck_assert_int_eq(tui_status_format(buf, len, &st), (int)n);
		ck_assert_msg(buf[len] == '#', "canary overwritten at %zu",
		    len);
		if (len > 0) {
			ck_assert_uint_eq(strlen(buf),
			    len - 1 < n ? len - 1 : n);
			ck_assert_int_eq(memcmp(buf, full, strlen(buf)), 0);
		}
		free(buf);
	}
	free(full);
}
END_TEST

START_TEST(test_tui_status_small_stack_buffer)
{
	char buf[16];
	int n;

	memset(buf, 'x', sizeof buf);
	n = tui_status_format(buf, 12, &st);
	ck_assert_int_gt(n, 12);
	ck_assert_str_eq(buf, "up 1:02:05 ");
	ck_assert_int_eq(buf[12], 'x');
}
END_TEST

static Suite *
tui_suite(void)
{
	Suite *s = suite_create("tui");
	TCase *tc;

	tc = tcase_create("status");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_tui_status_fields);
	tcase_add_test(tc, test_tui_status_reflects_changes);
	tcase_add_test(tc, test_tui_status_dropped_total_64bit);
	tcase_add_loop_test(tc, test_tui_status_uptime_format, 0,
	    (int)nitems(uptime_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("truncation");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_tui_status_truncates_safely);
	tcase_add_test(tc, test_tui_status_small_stack_buffer);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	return (tcheck_run(tui_suite()));
}
