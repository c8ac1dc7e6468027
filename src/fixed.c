/*
 * Decimal text to scaled integers.  The mantissa is accumulated as an
 * unsigned 64-bit integer of at most 19 significant digits; the exponent
 * (explicit, plus the position of the point, plus the scale) then shifts
 * it, rounding once at the end.  Leading zeros are free, so
 * "0.000000012345" keeps all its digits.
 */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include "fixed.h"

static const int64_t fixed_p10[19] = {
	INT64_C(1),
	INT64_C(10),
	INT64_C(100),
	INT64_C(1000),
	INT64_C(10000),
	INT64_C(100000),
	INT64_C(1000000),
	INT64_C(10000000),
	INT64_C(100000000),
	INT64_C(1000000000),
	INT64_C(10000000000),
	INT64_C(100000000000),
	INT64_C(1000000000000),
	INT64_C(10000000000000),
	INT64_C(100000000000000),
	INT64_C(1000000000000000),
	INT64_C(10000000000000000),
	INT64_C(100000000000000000),
	INT64_C(1000000000000000000),
};

int64_t
fixed_pow10(unsigned n)
{
	return (n < 19 ? fixed_p10[n] : 0);
}

/* Reads "[+-]digits" at s; returns chars used or 0. */
static size_t
fixed_exponent(const char *s, size_t len, int *exp)
{
	size_t i = 0;
	int neg = 0, e = 0;

	if (i < len && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	if (i == len)
		return (0);
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		if (e < 10000)
			e = e * 10 + (s[i] - '0');
	}
	if (i == 0 || (i == 1 && (s[0] == '+' || s[0] == '-')))
		return (0);
	*exp = neg ? -e : e;
	return (i);
}

int
fixed_parse(const char *s, size_t len, unsigned decimals, int64_t *out)
{
	uint64_t mant = 0, v;
	size_t i = 0, n;
	int neg = 0, digits = 0, seen = 0, dot = 0, rounded = 0;
	int scale10 = 0;      /* value = mant * 10^scale10 */
	int round_digit = -1; /* most significant digit not kept */
	int exp = 0, shift;

	if (decimals > 18 || len == 0)
		return (FIXED_ERR);
	if (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-';
		i++;
	}
	for (; i < len; i++) {
		char c = s[i];
		if (c == '.' && !dot) {
			dot = 1;
			continue;
		}
		if (c < '0' || c > '9')
			break;
		seen = 1;
		if (mant == 0 && c == '0') {
			if (dot)
				scale10--;
			continue;
		}
		if (digits < 19) {
			mant = mant * 10 + (uint64_t)(c - '0');
			digits++;
			if (dot)
				scale10--;
			continue;
		}
		/* Past 19 significant digits: remember, then drop. */
		if (round_digit < 0)
			round_digit = c - '0';
		rounded |= c != '0';
		if (!dot)
			scale10++;
	}
	if (!seen)
		return (FIXED_ERR);
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		if ((n = fixed_exponent(s + i + 1, len - i - 1, &exp)) == 0)
			return (FIXED_ERR);
		i += n + 1;
	}
	if (i != len)
		return (FIXED_ERR);
	if (mant == 0) {
		*out = 0;
		return (FIXED_OK);
	}
	shift = scale10 + exp + (int)decimals;
	v = mant;
	if (shift > 0) {
		/* 19 kept digits times 10 overflows: no dropped digit here. */
		for (; shift > 0; shift--) {
			if (v > (uint64_t)INT64_MAX / 10 + 1)
				return (FIXED_ERR);
			v *= 10;
		}
	} else if (shift < -19) {
		v = 0; /* below the scale: rounds to zero (mant < 10^19) */
		rounded = 1;
		round_digit = -1;
	} else {
		for (; shift < 0; shift++) {
			round_digit =
			    (int)(v % 10); /* the last is the highest */
			rounded |= round_digit != 0;
			v /= 10;
		}
	}
	if (round_digit >= 5)
		v++; /* half away from zero: we work on the magnitude */
	if (v > (uint64_t)INT64_MAX + (uint64_t)neg)
		return (FIXED_ERR);
	*out = neg ? -(int64_t)(v - 1) - 1 : (int64_t)v;
	return (rounded ? FIXED_ROUNDED : FIXED_OK);
}

int
fixed_format(int64_t v, unsigned decimals, char *buf, size_t len)
{
	uint64_t u, ip, fp, p;
	char frac[24];
	int n;

	if (decimals > 18)
		decimals = 18;
	u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	p = (uint64_t)fixed_p10[decimals];
	ip = u / p;
	fp = u % p;
	if (fp == 0)
		return (snprintf(buf, len, "%s%llu", v < 0 ? "-" : "",
		    (unsigned long long)ip));
	snprintf(frac, sizeof frac, "%0*llu", (int)decimals,
	    (unsigned long long)fp);
	n = (int)strlen(frac);
	while (n > 0 && frac[n - 1] == '0')
		frac[--n] = '\0';
	return (snprintf(buf, len, "%s%llu.%s", v < 0 ? "-" : "",
	    (unsigned long long)ip, frac));
}

int
fixed_mul(int64_t a, int64_t b, unsigned decimals, int64_t *out)
{
	__int128 r, p;

	if (decimals > 18)
		return (FIXED_ERR);
	p = fixed_p10[decimals];
	r = (__int128)a * b;
	r = r >= 0 ? (r + p / 2) / p : (r - p / 2) / p;
	if (r > INT64_MAX || r < INT64_MIN)
		return (FIXED_ERR);
	*out = (int64_t)r;
	return (FIXED_OK);
}
