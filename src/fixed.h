/*
 * Exact decimal <-> fixed-point int64 conversion.  Venues send prices,
 * sizes and rates as decimal text (sometimes with an exponent: KuCoin's
 * funding "1.0E-4"); these turn them into scaled integers without a
 * double and without locale (strtod follows LC_NUMERIC).  Safe on the hot
 * path: no allocation, no locks.
 */
#ifndef XARB_FIXED_H
#define XARB_FIXED_H

#include <stddef.h>
#include <stdint.h>

#define FIXED_OK 0	/* exact */
#define FIXED_ROUNDED 1 /* digits beyond the scale were rounded */
#define FIXED_ERR (-1)	/* not a number, or out of range */

/*
 * Parses s[0..len) ("-12.345", "5e-3", "+7") into *out scaled by
 * 10^decimals (0-18).  Digits beyond the scale round half away from
 * zero.  Returns FIXED_OK, FIXED_ROUNDED or FIXED_ERR (then *out is
 * untouched).  Leading/trailing blanks are not accepted.
 */
int fixed_parse(const char *s, size_t len, unsigned decimals, int64_t *out);

/*
 * Formats v (scaled by 10^decimals) as the shortest exact decimal:
 * 500000000 with 8 decimals -> "5", 1234 with 4 -> "0.1234".  Returns the
 * length written (buf is always NUL-terminated; 32 bytes suffice).
 */
int fixed_format(int64_t v, unsigned decimals, char *buf, size_t len);

/* a * b / 10^decimals, rounded half away from zero; FIXED_ERR on overflow. */
int fixed_mul(int64_t a, int64_t b, unsigned decimals, int64_t *out);

/* 10^n for n <= 18. */
int64_t fixed_pow10(unsigned n);

#endif /* XARB_FIXED_H */
