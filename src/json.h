/*
 * JSON access over jsmn: parse once into a token array embedded in the
 * document (no allocation), then look values up by key or index and read
 * numbers exactly.  Every accessor takes and returns token indexes and
 * accepts -1 (absent) as input, so callers chain them without checking
 * each step: json_get_fixed(d, json_find(d, data, "bidPx"), ...) simply
 * fails if "data" or "bidPx" is missing.
 *
 * Strings are returned raw (escapes are not decoded); venue symbols and
 * the keys we read never contain any.  Hot path: no allocation, no lock.
 */
#ifndef XARB_JSON_H
#define XARB_JSON_H

#include <stddef.h>
#include <stdint.h>

#define JSMN_HEADER
#include <jsmn.h>

#define JSON_TOKENS 4096 /* tokens per document: larger ones are refused */

#define JSON_OK 0
#define JSON_ERR_SYNTAX (-1)	/* not JSON */
#define JSON_ERR_TRUNCATED (-2) /* ends early */
#define JSON_ERR_TOO_BIG (-3)	/* more than JSON_TOKENS tokens */
#define JSON_ERR_EMPTY (-4)	/* nothing but blanks */

struct json_doc {
	const char *js; /* borrowed: the parsed text, must outlive the doc */
	size_t len;
	int n;		/* tokens used */
	jsmntok_t *tok; /* own[], or a heap array (json_parse_big) */
	jsmntok_t own[JSON_TOKENS];
};

/* Parses js[0..len).  Returns JSON_OK or a JSON_ERR_* code. */
int json_parse(struct json_doc *d, const char *js, size_t len);

/*
 * Cold path, for documents larger than JSON_TOKENS tokens (instrument
 * lists of hundreds of entries): counts the tokens, then parses into a
 * heap array of exactly that many, at most max_tokens (else
 * JSON_ERR_TOO_BIG).  json_doc_fini() frees it; a failed parse leaves
 * nothing to free.
 */
int json_parse_big(struct json_doc *d, const char *js, size_t len,
    int max_tokens);

/* Frees what json_parse_big() allocated.  Safe after json_parse(). */
void json_doc_fini(struct json_doc *d);

/* "syntax error", "truncated", ... */
const char *json_strerror(int err);

/* The value of key in object obj, or -1 (not an object, no such key). */
int json_find(const struct json_doc *d, int obj, const char *key);

/* The i-th element of array arr, or -1. */
int json_index(const struct json_doc *d, int arr, int i);

/* Number of elements (array) or keys (object) of token i; -1 if neither. */
int json_size(const struct json_doc *d, int i);

/* The token after the whole subtree of i (its next sibling's index). */
int json_skip(const struct json_doc *d, int i);

/* Is token i a string equal to s? */
int json_eq(const struct json_doc *d, int i, const char *s);

/* Is token i the literal null? */
int json_is_null(const struct json_doc *d, int i);

/* Is token i an object / an array? */
int json_is_object(const struct json_doc *d, int i);
int json_is_array(const struct json_doc *d, int i);

/*
 * Reads token i, a number as a string ("0.0001") or a primitive (1e-4),
 * into *out scaled by 10^decimals, exactly (fixed.h).  Returns 0, 1 if it
 * had to round, or -1 if i is absent, null, empty or not a number.
 */
int json_get_fixed(const struct json_doc *d, int i, unsigned decimals,
    int64_t *out);

/* An integer (string or primitive), exactly: 19-digit ns timestamps too. */
int json_get_i64(const struct json_doc *d, int i, int64_t *out);

/* true/false (also "true"/"false" strings).  0 or -1. */
int json_get_bool(const struct json_doc *d, int i, int *out);

/* The raw text of a string or primitive token.  0 or -1. */
int json_get_str(const struct json_doc *d, int i, const char **p, size_t *len);

#endif /* XARB_JSON_H */
