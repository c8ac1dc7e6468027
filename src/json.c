/*
 * jsmn wrapper.  Lookups walk the tokens of one object using the parent
 * links (JSMN_PARENT_LINKS), so finding a key costs one pass over that
 * object's own subtree, and nothing is allocated.
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "fixed.h"
#include "json.h"

static int
json_blank(const char *js, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (js[i] != ' ' && js[i] != '\t' && js[i] != '\r' &&
		    js[i] != '\n')
			return (0);
	}
	return (1);
}

/* Parses into d->tok (cap tokens); d->js, d->len are set. */
static int
json_parse_into(struct json_doc *d, const char *js, size_t len, int cap)
{
	jsmn_parser p;
	int n;
	size_t i;

	if (json_blank(js, len))
		return (JSON_ERR_EMPTY);
	jsmn_init(&p);
	n = jsmn_parse(&p, js, len, d->tok, (unsigned)cap);
	if (n == JSMN_ERROR_NOMEM)
		return (JSON_ERR_TOO_BIG);
	if (n == JSMN_ERROR_PART)
		return (JSON_ERR_TRUNCATED);
	if (n < 0)
		return (JSON_ERR_SYNTAX);
	if (n == 0)
		return (JSON_ERR_EMPTY);
	/* jsmn stops after the first value; anything else must be blank. */
	for (i = (size_t)d->tok[0].end; i < len; i++) {
		if (js[i] != ' ' && js[i] != '\t' && js[i] != '\r' &&
		    js[i] != '\n')
			return (JSON_ERR_SYNTAX);
	}
	d->n = n;
	return (JSON_OK);
}

int
json_parse(struct json_doc *d, const char *js, size_t len)
{
	d->js = js;
	d->len = len;
	d->n = 0;
	d->tok = d->own;
	return (json_parse_into(d, js, len, JSON_TOKENS));
}

int
json_parse_big(struct json_doc *d, const char *js, size_t len, int max_tokens)
{
	jsmn_parser p;
	int n, rv;

	d->js = js;
	d->len = len;
	d->n = 0;
	d->tok = d->own;
	if (json_blank(js, len))
		return (JSON_ERR_EMPTY);
	/* A first pass without tokens only counts them. */
	jsmn_init(&p);
	n = jsmn_parse(&p, js, len, NULL, 0);
	if (n == JSMN_ERROR_PART)
		return (JSON_ERR_TRUNCATED);
	if (n < 0)
		return (JSON_ERR_SYNTAX);
	if (n > max_tokens)
		return (JSON_ERR_TOO_BIG);
	if (n <= JSON_TOKENS)
		return (json_parse_into(d, js, len, JSON_TOKENS));
	if ((d->tok = calloc((size_t)n, sizeof *d->tok)) == NULL) {
		d->tok = d->own;
		return (JSON_ERR_TOO_BIG);
	}
	if ((rv = json_parse_into(d, js, len, n)) != JSON_OK)
		json_doc_fini(d);
	return (rv);
}

void
json_doc_fini(struct json_doc *d)
{
	if (d->tok != d->own)
		free(d->tok);
	d->tok = d->own;
	d->n = 0;
}

const char *
json_strerror(int err)
{
	switch (err) {
	case JSON_OK:
		return ("ok");
	case JSON_ERR_SYNTAX:
		return ("not JSON");
	case JSON_ERR_TRUNCATED:
		return ("truncated JSON");
	case JSON_ERR_TOO_BIG:
		return ("JSON with too many tokens");
	case JSON_ERR_EMPTY:
		return ("empty message");
	}
	return ("?");
}

static int
json_valid(const struct json_doc *d, int i)
{
	return (i >= 0 && i < d->n);
}

int
json_skip(const struct json_doc *d, int i)
{
	int j, end;

	if (!json_valid(d, i))
		return (-1);
	end = d->tok[i].end;
	for (j = i + 1; j < d->n && d->tok[j].start < end; j++)
		;
	return (j);
}

int
json_find(const struct json_doc *d, int obj, const char *key)
{
	size_t kl = strlen(key);
	const jsmntok_t *t;
	int j;

	if (!json_valid(d, obj) || d->tok[obj].type != JSMN_OBJECT)
		return (-1);
	/* Keys are the direct children; values follow each key. */
	for (j = obj + 1; j < d->n && d->tok[j].start < d->tok[obj].end;
	     j = json_skip(d, j + 1)) {
		t = &d->tok[j];
		if (t->parent != obj || j + 1 >= d->n)
			return (-1);
		if (t->type == JSMN_STRING &&
		    (size_t)(t->end - t->start) == kl &&
		    memcmp(d->js + t->start, key, kl) == 0)
			return (j + 1);
	}
	return (-1);
}

int
json_index(const struct json_doc *d, int arr, int i)
{
	int j, k;

	if (!json_valid(d, arr) || d->tok[arr].type != JSMN_ARRAY || i < 0 ||
	    i >= d->tok[arr].size)
		return (-1);
	for (j = arr + 1, k = 0; k < i; k++)
		j = json_skip(d, j);
	return (j < d->n ? j : -1);
}

int
json_size(const struct json_doc *d, int i)
{
	if (!json_valid(d, i) ||
	    (d->tok[i].type != JSMN_ARRAY && d->tok[i].type != JSMN_OBJECT))
		return (-1);
	return (d->tok[i].size);
}

int
json_eq(const struct json_doc *d, int i, const char *s)
{
	size_t l = strlen(s);

	return (json_valid(d, i) && d->tok[i].type == JSMN_STRING &&
	    (size_t)(d->tok[i].end - d->tok[i].start) == l &&
	    memcmp(d->js + d->tok[i].start, s, l) == 0);
}

int
json_is_null(const struct json_doc *d, int i)
{
	return (json_valid(d, i) && d->tok[i].type == JSMN_PRIMITIVE &&
	    d->js[d->tok[i].start] == 'n');
}

int
json_is_object(const struct json_doc *d, int i)
{
	return (json_valid(d, i) && d->tok[i].type == JSMN_OBJECT);
}

int
json_is_array(const struct json_doc *d, int i)
{
	return (json_valid(d, i) && d->tok[i].type == JSMN_ARRAY);
}

int
json_get_str(const struct json_doc *d, int i, const char **p, size_t *len)
{
	if (!json_valid(d, i) ||
	    (d->tok[i].type != JSMN_STRING && d->tok[i].type != JSMN_PRIMITIVE))
		return (-1);
	*p = d->js + d->tok[i].start;
	*len = (size_t)(d->tok[i].end - d->tok[i].start);
	return (0);
}

int
json_get_fixed(const struct json_doc *d, int i, unsigned decimals, int64_t *out)
{
	const char *p;
	size_t len;
	int rv;

	if (json_get_str(d, i, &p, &len) != 0 || len == 0 ||
	    json_is_null(d, i) || p[0] == 't' || p[0] == 'f')
		return (-1);
	rv = fixed_parse(p, len, decimals, out);
	return (rv == FIXED_ERR ? -1 : rv);
}

int
json_get_i64(const struct json_doc *d, int i, int64_t *out)
{
	int64_t v;

	if (json_get_fixed(d, i, 0, &v) != 0)
		return (-1); /* not an integer, or it had a fraction */
	*out = v;
	return (0);
}

int
json_get_bool(const struct json_doc *d, int i, int *out)
{
	const char *p;
	size_t len;

	if (json_get_str(d, i, &p, &len) != 0)
		return (-1);
	if (len == 4 && memcmp(p, "true", 4) == 0)
		*out = 1;
	else if (len == 5 && memcmp(p, "false", 5) == 0)
		*out = 0;
	else
		return (-1);
	return (0);
}
