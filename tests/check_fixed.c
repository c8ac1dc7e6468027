/*
 * Tests of exact decimal <-> fixed-point conversion: a table of wire
 * strings (plain, signed, exponents, rounding, 19-digit timestamps,
 * overflow, garbage), length-bounded input, format round trips, the
 * rounding multiply and the power-of-ten table.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "xarb.h"
#include "fixed.h"
#include "tcheck.h"
#include "types.h"

/* What fixed_parse must leave in *out when it fails. */
#define UNTOUCHED INT64_C(0x5a5a5a5a5a5a5a5a)

static const struct {
	const char *in;
	unsigned decimals;
	int64_t want;
	int rv;
} parse_cases[] = {
	/* integers and signs */
	{ "0", 8, 0, FIXED_OK },
	{ "-0", 8, 0, FIXED_OK },
	{ "+0", 0, 0, FIXED_OK },
	{ "-0.000", 8, 0, FIXED_OK },
	{ "7", 0, 7, FIXED_OK },
	{ "+7", 0, 7, FIXED_OK },
	{ "+7", 8, INT64_C(700000000), FIXED_OK },
	{ "-42", 2, -4200, FIXED_OK },
	{ "00012.3400", 2, 1234, FIXED_OK },
	{ "123456", 8, INT64_C(12345600000000), FIXED_OK },
	/* decimals */
	{ "50001.5", 8, INT64_C(5000150000000), FIXED_OK },
	{ "50001.5", 10, INT64_C(500015000000000), FIXED_OK },
	{ "-50001.5", 0, -50002, FIXED_ROUNDED },
	{ "0.000000012345", 12, 12345, FIXED_OK },
	{ "0.000000012345", 14, 1234500, FIXED_OK },
	{ "0.000000012345", 10, 123, FIXED_ROUNDED }, /* 123.45 */
	{ "0.10", 1, 1, FIXED_OK },		      /* zeros beyond: exact */
	{ "1.50000000000000000000000", 1, 15, FIXED_OK },
	{ "5.", 0, 5, FIXED_OK },
	/* exponents (KuCoin funding "1.0E-4") */
	{ "1e-4", 8, 10000, FIXED_OK },
	{ "1.0E-4", 8, 10000, FIXED_OK },
	{ "1.0E-4", 9, 100000, FIXED_OK },
	{ "-5.0E-5", 9, -50000, FIXED_OK },
	{ "2.5e3", 0, 2500, FIXED_OK },
	{ "2.5e+3", 2, 250000, FIXED_OK },
	{ "2.5E03", 0, 2500, FIXED_OK },
	{ "12345e-2", 2, 12345, FIXED_OK },
	{ "0e9999", 8, 0, FIXED_OK },
	{ "1e-20", 8, 0, FIXED_ROUNDED },
	{ "1e-99999", 8, 0, FIXED_ROUNDED },
	{ "5e-9", 8, 1, FIXED_ROUNDED },
	/* rounding: half away from zero, on the first dropped digit */
	{ "0.125", 2, 13, FIXED_ROUNDED },
	{ "-0.125", 2, -13, FIXED_ROUNDED },
	{ "0.135", 2, 14, FIXED_ROUNDED },
	{ "-0.135", 2, -14, FIXED_ROUNDED },
	{ "0.124", 2, 12, FIXED_ROUNDED },
	{ "0.1249999", 2, 12, FIXED_ROUNDED },
	{ "0.1250001", 2, 13, FIXED_ROUNDED },
	{ "0.0051", 2, 1, FIXED_ROUNDED },
	{ "0.0049", 2, 0, FIXED_ROUNDED },
	{ "0.5", 0, 1, FIXED_ROUNDED },
	{ "-0.5", 0, -1, FIXED_ROUNDED },
	{ "0.4", 0, 0, FIXED_ROUNDED },
	{ "-0.4", 0, 0, FIXED_ROUNDED },
	{ "9.999", 2, 1000, FIXED_ROUNDED },
	{ "1.23456789012", 8, 123456789, FIXED_ROUNDED },
	{ "1.234567895", 8, 123456790, FIXED_ROUNDED },
	/* nanosecond timestamps: exact, which a double could not be */
	{ "1700000000123456789", 0, INT64_C(1700000000123456789), FIXED_OK },
	{ "1699999999999999999", 0, INT64_C(1699999999999999999), FIXED_OK },
	{ "-1700000000123456789", 0, -INT64_C(1700000000123456789), FIXED_OK },
	{ "1700000000123456789.0", 0, INT64_C(1700000000123456789), FIXED_OK },
	/* more than 19 significant digits still round on the first lost one */
	{ "1700000000123456789.5", 0, INT64_C(1700000000123456790),
	    FIXED_ROUNDED },
	{ "123456789.01234567895", 10, INT64_C(1234567890123456790),
	    FIXED_ROUNDED },
	/* digits dropped past the 19th never round up a value below scale */
	{ "1234567890123456789567e-40", 10, 0, FIXED_ROUNDED },
	{ "9999999999999999999999e-41", 18, 0, FIXED_ROUNDED },
	/* the int64 range */
	{ "9223372036854775807", 0, INT64_MAX, FIXED_OK },
	{ "-9223372036854775807", 0, -INT64_MAX, FIXED_OK },
	{ "92233720368.54775807", 8, INT64_MAX, FIXED_OK },
	{ "9.2", 18, INT64_C(9200000000000000000), FIXED_OK },
	{ "1e18", 0, INT64_C(1000000000000000000), FIXED_OK },
	{ "9223372036854775808", 0, 0, FIXED_ERR },
	{ "-9223372036854775809", 0, 0, FIXED_ERR },
	{ "92233720368547758070", 0, 0, FIXED_ERR },
	{ "92233720368.54775808", 8, 0, FIXED_ERR },
	{ "10", 18, 0, FIXED_ERR },
	{ "1e19", 0, 0, FIXED_ERR },
	{ "1e99999", 0, 0, FIXED_ERR },
	{ "1", 19, 0, FIXED_ERR }, /* scale out of range */
	/* not numbers */
	{ "", 8, 0, FIXED_ERR },
	{ "-", 8, 0, FIXED_ERR },
	{ "+", 8, 0, FIXED_ERR },
	{ ".", 8, 0, FIXED_ERR },
	{ "-.", 8, 0, FIXED_ERR },
	{ "1.2.3", 8, 0, FIXED_ERR },
	{ "1..2", 8, 0, FIXED_ERR },
	{ "abc", 8, 0, FIXED_ERR },
	{ "1e", 8, 0, FIXED_ERR },
	{ "1e+", 8, 0, FIXED_ERR },
	{ "1e-", 8, 0, FIXED_ERR },
	{ "1e+-1", 8, 0, FIXED_ERR },
	{ "1e5.5", 8, 0, FIXED_ERR },
	{ "1e 5", 8, 0, FIXED_ERR },
	{ "e5", 8, 0, FIXED_ERR },
	{ ".e1", 8, 0, FIXED_ERR },
	{ " 1", 8, 0, FIXED_ERR },
	{ "1 ", 8, 0, FIXED_ERR },
	{ "\t1", 8, 0, FIXED_ERR },
	{ "1\n", 8, 0, FIXED_ERR },
	{ "0x10", 8, 0, FIXED_ERR },
	{ "--1", 8, 0, FIXED_ERR },
	{ "+-1", 8, 0, FIXED_ERR },
	{ "1,5", 8, 0, FIXED_ERR },
	{ "1_000", 8, 0, FIXED_ERR },
	{ "inf", 8, 0, FIXED_ERR },
	{ "NaN", 8, 0, FIXED_ERR },
	{ "\"1\"", 8, 0, FIXED_ERR },
};

START_TEST(test_fixed_parse_table)
{
	const char *in = parse_cases[_i].in;
	int64_t out = UNTOUCHED;
	int rv;

	rv = fixed_parse(in, strlen(in), parse_cases[_i].decimals, &out);
	ck_assert_msg(rv == parse_cases[_i].rv,
	    "\"%s\" at %u decimals: returned %d, expected %d", in,
	    parse_cases[_i].decimals, rv, parse_cases[_i].rv);
	if (parse_cases[_i].rv == FIXED_ERR)
		ck_assert_msg(out == UNTOUCHED,
		    "\"%s\": *out changed to %lld on error", in,
		    (long long)out);
	else
		ck_assert_msg(out == parse_cases[_i].want,
		    "\"%s\" at %u decimals: got %lld, expected %lld", in,
		    parse_cases[_i].decimals, (long long)out,
		    (long long)parse_cases[_i].want);
}
END_TEST

/* Only s[0..len) is read: what follows is another field's text. */
START_TEST(test_fixed_parse_ignores_bytes_past_len)
{
	int64_t out = UNTOUCHED;

	ck_assert_int_eq(fixed_parse("12.5xyz", 4, 1, &out), FIXED_OK);
	ck_assert_int_eq(out, 125);
	ck_assert_int_eq(fixed_parse("1234", 2, 0, &out), FIXED_OK);
	ck_assert_int_eq(out, 12);
	ck_assert_int_eq(fixed_parse("1e-4\",\"b\":1", 4, 8, &out), FIXED_OK);
	ck_assert_int_eq(out, 10000);
	ck_assert_int_eq(fixed_parse("-0.5e", 4, 1, &out), FIXED_OK);
	ck_assert_int_eq(out, -5);
	/* A cut that leaves an incomplete number is an error. */
	out = UNTOUCHED;
	ck_assert_int_eq(fixed_parse("1e-4", 2, 8, &out), FIXED_ERR);
	ck_assert_int_eq(fixed_parse("-5", 1, 0, &out), FIXED_ERR);
	ck_assert_int_eq(fixed_parse("5", 0, 0, &out), FIXED_ERR);
	ck_assert_int_eq(out, UNTOUCHED);
}
END_TEST

/* An unterminated heap buffer: ASan and valgrind flag any over-read. */
START_TEST(test_fixed_parse_unterminated_buffer)
{
	static const char text[] = "50001.25";
	char *buf = malloc(sizeof text - 1);
	int64_t out = UNTOUCHED;

	ck_assert_ptr_nonnull(buf);
	memcpy(buf, text, sizeof text - 1);
	ck_assert_int_eq(fixed_parse(buf, sizeof text - 1, 2, &out), FIXED_OK);
	ck_assert_int_eq(out, 5000125);
	ck_assert_int_eq(fixed_parse(buf, sizeof text - 1, 1, &out),
	    FIXED_ROUNDED);
	ck_assert_int_eq(out, 500013);
	memcpy(buf, "1.0E-4  ", 8);
	ck_assert_int_eq(fixed_parse(buf, 6, 9, &out), FIXED_OK);
	ck_assert_int_eq(out, 100000);
	memcpy(buf, "12345678", 8);
	ck_assert_int_eq(fixed_parse(buf, 8, 0, &out), FIXED_OK);
	ck_assert_int_eq(out, 12345678);
	free(buf);
}
END_TEST

/* Every 19-digit integer is exact; a double keeps only about 16 digits. */
START_TEST(test_fixed_parse_timestamps_exact)
{
	char buf[32];
	int64_t ts = INT64_C(1700000000000000001), out;

	for (unsigned i = 0; i < 2000; i++) {
		ts += INT64_C(123456789011) + i;
		ck_assert_int_lt(fixed_format(ts, 0, buf, sizeof buf),
		    (int)sizeof buf);
		ck_assert_int_eq(fixed_parse(buf, strlen(buf), 0, &out),
		    FIXED_OK);
		ck_assert_msg(out == ts, "%s parsed as %lld", buf,
		    (long long)out);
	}
}
END_TEST

/* The most negative int64 is in range, so it parses like any other. */
START_TEST(test_fixed_parse_int64_min)
{
	int64_t out = UNTOUCHED;

	ck_assert_int_eq(fixed_parse("-9223372036854775808", 20, 0, &out),
	    FIXED_OK);
	ck_assert_msg(out == INT64_MIN, "got %lld", (long long)out);
}
END_TEST

static const struct {
	int64_t v;
	unsigned decimals;
	const char *want;
} format_cases[] = {
	{ INT64_C(500000000), 8, "5" },
	{ 1234, 4, "0.1234" },
	{ -5000, 4, "-0.5" },
	{ 0, 8, "0" },
	{ 0, 0, "0" },
	{ 7, 0, "7" },
	{ -120, 1, "-12" },
	{ 100, 2, "1" },
	{ 101, 2, "1.01" },
	{ -1, 8, "-0.00000001" },
	{ INT64_C(5000150000000), 8, "50001.5" },
	{ INT64_C(123000), PX_DECIMALS, "0.0000123" },
	{ INT64_C(123456789012345678), 18, "0.123456789012345678" },
	{ INT64_MAX, 0, "9223372036854775807" },
	{ INT64_MIN, 0, "-9223372036854775808" },
	{ INT64_MIN, 18, "-9.223372036854775808" },
	{ INT64_MAX, 8, "92233720368.54775807" },
};

START_TEST(test_fixed_format_exact)
{
	char buf[32];
	int n;

	memset(buf, 'x', sizeof buf);
	n = fixed_format(format_cases[_i].v, format_cases[_i].decimals, buf,
	    sizeof buf);
	ck_assert_str_eq(buf, format_cases[_i].want);
	ck_assert_int_eq(n, (int)strlen(format_cases[_i].want));
}
END_TEST

/* Format then parse gives the value back, exactly, at every scale. */
START_TEST(test_fixed_format_round_trips)
{
	static const unsigned scales[] = { 0, 1, 2, 4, 8, 9, 10, 12, 18 };
	static const int64_t edges[] = { 0, 1, -1, 9, -9, 10, -10, 99, 100,
		INT64_C(999999999), INT64_C(1000000000), INT64_MAX,
		INT64_MAX - 1, -INT64_MAX };
	uint64_t x = UINT64_C(0x9e3779b97f4a7c15);
	char buf[32];
	int64_t v, out;
	unsigned k;

	for (unsigned d = 0; d < nitems(scales); d++) {
		for (k = 0; k < nitems(edges) + 3000; k++) {
			if (k < nitems(edges)) {
				v = edges[k];
			} else {
				/* xorshift, then a random magnitude */
				x ^= x << 13;
				x ^= x >> 7;
				x ^= x << 17;
				v = (int64_t)((x >> 1) >> (x % 63));
				if (x & 1)
					v = -v;
			}
			fixed_format(v, scales[d], buf, sizeof buf);
			out = UNTOUCHED;
			ck_assert_msg(fixed_parse(buf, strlen(buf), scales[d],
					  &out) == FIXED_OK,
			    "\"%s\" did not parse at %u", buf, scales[d]);
			ck_assert_msg(out == v, "%lld at %u -> \"%s\" -> %lld",
			    (long long)v, scales[d], buf, (long long)out);
		}
	}
}
END_TEST

/* Like snprintf: a short buffer is NUL-terminated, never overrun. */
START_TEST(test_fixed_format_truncates_safely)
{
	char buf[8];

	memset(buf, '#', sizeof buf);
	ck_assert_int_eq(fixed_format(INT64_C(5000150000000), 8, buf, 5), 7);
	ck_assert_str_eq(buf, "5000");
	ck_assert_int_eq(buf[5], '#');
	ck_assert_int_eq(fixed_format(-5000, 4, NULL, 0), 4);
}
END_TEST

static const struct {
	int64_t a, b;
	unsigned decimals;
	int64_t want;
	int rv;
} mul_cases[] = {
	/* 150.0 * 0.25 at 8 decimals */
	{ INT64_C(15000000000), 25000000, 8, INT64_C(3750000000), FIXED_OK },
	/* OKX: 3 contracts * 0.01 BTC */
	{ INT64_C(300000000), 1000000, 8, 3000000, FIXED_OK },
	{ 3, 3, 0, 9, FIXED_OK },
	{ -3, 3, 0, -9, FIXED_OK },
	{ 0, INT64_MAX, 8, 0, FIXED_OK },
	/* 0.1 * 0.5 = 0.05 -> 0.1 at one decimal; half away from zero */
	{ 1, 5, 1, 1, FIXED_OK },
	{ -1, 5, 1, -1, FIXED_OK },
	{ 1, -5, 1, -1, FIXED_OK },
	{ -1, -5, 1, 1, FIXED_OK },
	{ 1, 4, 1, 0, FIXED_OK },
	{ -1, 4, 1, 0, FIXED_OK },
	{ 3, 5, 1, 2, FIXED_OK },   /* 1.5 -> 2 */
	{ -3, 5, 1, -2, FIXED_OK }, /* -1.5 -> -2 */
	{ 1, 1, 8, 0, FIXED_OK },   /* 1e-16 -> 0 */
	/* the product needs 128 bits, the result does not */
	{ INT64_MAX, INT64_C(100000000), 8, INT64_MAX, FIXED_OK },
	{ INT64_MIN, INT64_C(100000000), 8, INT64_MIN, FIXED_OK },
	{ INT64_C(4611686018427387904), 2, 0, 0, FIXED_ERR },
	{ INT64_MAX, 2, 0, 0, FIXED_ERR },
	{ INT64_MIN, -1, 0, 0, FIXED_ERR },
	{ INT64_MAX, INT64_MAX, 18, 0, FIXED_ERR },
	{ INT64_C(100000000000), INT64_C(100000000000), 1, 0, FIXED_ERR },
	{ 1, 1, 19, 0, FIXED_ERR },
};

START_TEST(test_fixed_mul_table)
{
	int64_t out = UNTOUCHED;
	int rv;

	rv = fixed_mul(mul_cases[_i].a, mul_cases[_i].b, mul_cases[_i].decimals,
	    &out);
	ck_assert_msg(rv == mul_cases[_i].rv, "%lld * %lld /1e%u: rv %d",
	    (long long)mul_cases[_i].a, (long long)mul_cases[_i].b,
	    mul_cases[_i].decimals, rv);
	if (mul_cases[_i].rv == FIXED_ERR)
		ck_assert_int_eq(out, UNTOUCHED);
	else
		ck_assert_msg(out == mul_cases[_i].want,
		    "%lld * %lld /1e%u: got %lld, expected %lld",
		    (long long)mul_cases[_i].a, (long long)mul_cases[_i].b,
		    mul_cases[_i].decimals, (long long)out,
		    (long long)mul_cases[_i].want);
}
END_TEST

START_TEST(test_fixed_pow10_table)
{
	int64_t p = 1;

	for (unsigned n = 0; n <= 18; n++) {
		ck_assert_int_eq(fixed_pow10(n), p);
		if (n < 18)
			p *= 10;
	}
	ck_assert_int_eq(fixed_pow10(18), INT64_C(1000000000000000000));
	ck_assert_int_eq(fixed_pow10(19), 0);
	ck_assert_int_eq(fixed_pow10(1000), 0);
}
END_TEST

static Suite *
fixed_suite(void)
{
	Suite *s = suite_create("fixed");
	TCase *tc;

	tc = tcase_create("parse");
	tcase_add_loop_test(tc, test_fixed_parse_table, 0,
	    (int)nitems(parse_cases));
	tcase_add_test(tc, test_fixed_parse_ignores_bytes_past_len);
	tcase_add_test(tc, test_fixed_parse_unterminated_buffer);
	tcase_add_test(tc, test_fixed_parse_timestamps_exact);
	tcase_add_test(tc, test_fixed_parse_int64_min);
	suite_add_tcase(s, tc);

	tc = tcase_create("format");
	tcase_add_loop_test(tc, test_fixed_format_exact, 0,
	    (int)nitems(format_cases));
	tcase_add_test(tc, test_fixed_format_round_trips);
	tcase_add_test(tc, test_fixed_format_truncates_safely);
	suite_add_tcase(s, tc);

	tc = tcase_create("mul");
	tcase_add_loop_test(tc, test_fixed_mul_table, 0,
	    (int)nitems(mul_cases));
	tcase_add_test(tc, test_fixed_pow10_table);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	return (tcheck_run(fixed_suite()));
}
