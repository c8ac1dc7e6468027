/*
 * The config parser.  Lines are "[section]", "key = value" or comments
 * ("#" at the start of a line or after a blank; a value in double quotes
 * may contain "#").  Every problem is appended to a list as
 * "FILE:LINE: ..." and parsing goes on, so one run shows them all.
 * Values are stored through the offsets in config_table.c.
 */
#include "autoconf.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xarb.h"
#include "config.h"
#include "log.h"
#include "venues.h"
#include "xmalloc.h"

/* Where a value is being stored. */
struct config_target {
	struct config *cfg;
	const struct config_entry *e;
	int venue; /* -1 for global sections */
};

static void XARB_PRINTF(2, 3)
    config_error(struct config_errors *errs, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		fatal("vasprintf");
	va_end(ap);
	errs->msg = xreallocarray(errs->msg, errs->n + 1, sizeof *errs->msg);
	errs->msg[errs->n++] = msg;
}

void
config_errors_clear(struct config_errors *errs)
{
	unsigned i;

	for (i = 0; i < errs->n; i++)
		free(errs->msg[i]);
	free(errs->msg);
	errs->msg = NULL;
	errs->n = 0;
}

static void
config_list_clear(struct config_list *l)
{
	unsigned i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int
config_list_has(const struct config_list *l, const char *word)
{
	unsigned i;

	for (i = 0; i < l->n; i++) {
		if (strcmp(l->v[i], word) == 0)
			return (1);
	}
	return (0);
}

static void *
config_field(const struct config_target *t)
{
	char *base = (char *)t->cfg;

	if (t->venue >= 0)
		base = (char *)&t->cfg->venue[t->venue];
	return (base + t->e->offset);
}

const struct config_entry *
config_find(const char *section, const char *key)
{
	const struct config_entry *e;
	int venue = -1, is_venue;
	size_t i;

	is_venue = strncmp(section, "venue.", 6) == 0;
	if (is_venue && (venue = venues_lookup(section + 6)) == -1)
		return (NULL);
	for (i = 0; i < config_table_len; i++) {
		e = &config_table[i];
		if (strcmp(e->name, key) != 0)
			continue;
		if (is_venue && (e->flags & CONF_VENUE) &&
		    (e->only_venue == -1 || e->only_venue == venue))
			return (e);
		if (!is_venue && !(e->flags & CONF_VENUE) &&
		    strcmp(e->section, section) == 0)
			return (e);
	}
	return (NULL);
}

const char *
config_default(const struct config_entry *e, unsigned v)
{
	static char buf[32];
	const struct venue_info *vi;

	if (e->def != NULL)
		return (e->def);
	vi = venues_info((enum venue_id)v);
	if (e->offset == offsetof(struct config_venue, url))
		return (vi->url);
	if (e->offset == offsetof(struct config_venue, url_market))
		return (vi->url_market != NULL ? vi->url_market : "");
	if (e->offset == offsetof(struct config_venue, url_rest))
		return (vi->url_rest);
	if (e->offset == offsetof(struct config_venue, taker_fee_bps))
		snprintf(buf, sizeof buf, "%g", vi->taker_fee_bps);
	else if (e->offset == offsetof(struct config_venue, maker_fee_bps))
		snprintf(buf, sizeof buf, "%g", vi->maker_fee_bps);
	else
		return ("");
	return (buf);
}

/* Levenshtein distance, capped at 255 (keys are short). */
static unsigned
config_distance(const char *a, const char *b)
{
	unsigned row[64], i, j, prev, tmp, la = strlen(a), lb = strlen(b);

	if (la >= nitems(row) || lb >= nitems(row))
		return (255);
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			row[j] = prev + (a[i - 1] != b[j - 1]);
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			if (tmp + 1 < row[j])
				row[j] = tmp + 1;
			prev = tmp;
		}
	}
	return (row[lb]);
}

static int
config_in_section(const struct config_entry *e, const char *section)
{
	if (strncmp(section, "venue.", 6) == 0)
		return ((e->flags & CONF_VENUE) != 0);
	return (strcmp(e->section, section) == 0);
}

const struct config_entry *
config_suggest(const char *section, const char *key)
{
	const struct config_entry *best = NULL;
	unsigned d, bestd = 255, limit;
	size_t i;
	int pass;

	limit = strlen(key) / 3 + 1;
	if (limit < 2)
		limit = 2;
	/* The same section first, so a typo is not matched elsewhere. */
	for (pass = 0; pass < 2 && best == NULL; pass++) {
		for (i = 0; i < config_table_len; i++) {
			if ((pass == 0) !=
			    config_in_section(&config_table[i], section))
				continue;
			d = config_distance(key, config_table[i].name);
			if (d < bestd && d <= limit) {
				bestd = d;
				best = &config_table[i];
			}
		}
	}
	return (best);
}

static int
config_parse_bool(const char *v, int *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t i;

	for (i = 0; i < nitems(yes); i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = 1;
			return (0);
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = 0;
			return (0);
		}
	}
	return (-1);
}

static int
config_parse_enum(const char *choices, const char *v, int *out)
{
	const char *p = choices;
	size_t n, vl = strlen(v);
	int i = 0;

	while (*p != '\0') {
		n = strcspn(p, " ");
		if (n == vl && strncasecmp(p, v, n) == 0) {
			*out = i;
			return (0);
		}
		p += n;
		p += strspn(p, " ");
		i++;
	}
	return (-1);
}

static void
config_parse_list(const char *v, struct config_list *l)
{
	char *copy, *w, *last;

	config_list_clear(l);
	copy = xstrdup(v);
	for (w = strtok_r(copy, " \t,", &last); w != NULL;
	     w = strtok_r(NULL, " \t,", &last)) {
		l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
		l->v[l->n++] = xstrdup(w);
	}
	free(copy);
}

/* "a number 0-10000 (bps)" */
static void
config_expected(const struct config_entry *e, char *buf, size_t len)
{
	const char *what;
	char unit[48] = "";

	if (e->unit != NULL)
		snprintf(unit, sizeof unit, " (%s)", e->unit);
	switch (e->type) {
	case CONF_BOOL:
		snprintf(buf, len, "yes or no");
		break;
	case CONF_INT:
	case CONF_DOUBLE:
		what = e->type == CONF_INT ? "an integer" : "a number";
		snprintf(buf, len, "%s %.10g-%.10g%s", what, e->min, e->max,
		    unit);
		break;
	case CONF_ENUM:
		snprintf(buf, len, "one of: %s", e->choices);
		break;
	case CONF_STRING:
	case CONF_LIST:
		snprintf(buf, len, "a value");
		break;
	}
}

static int
config_parse_number(const struct config_entry *e, const char *v, double *d)
{
	char *end;

	errno = 0;
	if (e->type == CONF_INT) {
		long long n = strtoll(v, &end, 10);
		*d = (double)n;
	} else
		*d = strtod(v, &end);
	if (end == v || *end != '\0' || errno != 0 || !isfinite(*d))
		return (-1);
	return (*d < e->min || *d > e->max ? -1 : 0);
}

/*
 * Parses v and stores it.  Returns 0, or -1 with *cause set to the text
 * after "key: ".
 */
static int
config_store(const struct config_target *t, const char *v, char **cause)
{
	const struct config_entry *e = t->e;
	void *field = config_field(t);
	char expected[160];
	double d = 0;
	int b;

	config_expected(e, expected, sizeof expected);
	switch (e->type) {
	case CONF_BOOL:
		if (config_parse_bool(v, &b) != 0)
			goto bad;
		*(int *)field = b;
		break;
	case CONF_INT:
	case CONF_DOUBLE:
		if (config_parse_number(e, v, &d) != 0)
			goto bad;
		break;
	case CONF_ENUM:
		if (config_parse_enum(e->choices, v, &b) != 0)
			goto bad;
		*(int *)field = b;
		break;
	case CONF_STRING:
	case CONF_LIST:
		break;
	}
	if (e->check != NULL && e->check(v, cause) != 0)
		return (-1);
	if (e->type == CONF_INT)
		*(int64_t *)field = strtoll(v, NULL, 10);
	else if (e->type == CONF_DOUBLE)
		*(double *)field = d;
	else if (e->type == CONF_STRING) {
		free(*(char **)field);
		*(char **)field = xstrdup(v);
	} else if (e->type == CONF_LIST)
		config_parse_list(v, field);
	return (0);
bad:
	xasprintf(cause, "expected %s, got \"%s\"", expected, v);
	return (-1);
}

struct config *
config_new(void)
{
	struct config *cfg;
	struct config_target t;
	char *cause = NULL;
	size_t i;
	unsigned v;

	cfg = xcalloc(1, sizeof *cfg);
	cfg->lines = xcalloc(config_table_len, sizeof *cfg->lines);
	t.cfg = cfg;
	for (i = 0; i < config_table_len; i++) {
		t.e = &config_table[i];
		for (v = 0; v < VENUE_COUNT; v++) {
			t.venue = (t.e->flags & CONF_VENUE) ? (int)v : -1;
			/* A broken default is a bug in the table. */
			if (config_store(&t, config_default(t.e, v), &cause) !=
			    0)
				fatalx("config default %s.%s: %s", t.e->section,
				    t.e->name, cause);
			if (t.venue == -1)
				break;
		}
	}
	return (cfg);
}

void
config_free(struct config *cfg)
{
	struct config_target t;
	void *field;
	size_t i;
	unsigned v;

	if (cfg == NULL)
		return;
	t.cfg = cfg;
	for (i = 0; i < config_table_len; i++) {
		t.e = &config_table[i];
		for (v = 0; v < VENUE_COUNT; v++) {
			t.venue = (t.e->flags & CONF_VENUE) ? (int)v : -1;
			field = config_field(&t);
			if (t.e->type == CONF_STRING)
				free(*(char **)field);
			else if (t.e->type == CONF_LIST)
				config_list_clear(field);
			if (t.venue == -1)
				break;
		}
	}
	free(cfg->lines);
	free(cfg->path);
	free(cfg);
}

int
config_set(struct config *cfg, const char *section, const char *key,
    const char *value, char **cause)
{
	struct config_target t;

	if ((t.e = config_find(section, key)) == NULL) {
		xasprintf(cause, "unknown key [%s] %s", section, key);
		return (-1);
	}
	t.cfg = cfg;
	t.venue = (t.e->flags & CONF_VENUE) ? venues_lookup(section + 6) : -1;
	return (config_store(&t, value, cause));
}

/* Parse state for one file. */
struct config_parse {
	struct config *cfg;
	const char *name;
	unsigned line;
	struct config_errors *errs;
	char section[64];
	int have_section; /* a section line was seen */
	int section_ok;	  /* and it was a known one */
	int venue;	  /* -1 outside [venue.NAME] */
};

static char *
config_trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return (s);
}

/* Nearest known section to s, for "did you mean". */
static void
config_suggest_section(const char *s, char *buf, size_t len)
{
	char name[64];
	unsigned d, best = 3;
	size_t i;

	*buf = '\0';
	for (i = 0; config_sections[i] != NULL; i++) {
		if ((d = config_distance(s, config_sections[i])) < best) {
			best = d;
			snprintf(buf, len, "%s", config_sections[i]);
		}
	}
	for (i = 0; i < VENUE_COUNT; i++) {
		snprintf(name, sizeof name, "venue.%s", venues_name(i));
		if ((d = config_distance(s, name)) < best) {
			best = d;
			snprintf(buf, len, "%s", name);
		}
	}
}

static void
config_parse_section(struct config_parse *cp, char *p)
{
	char *end, *name, hint[64];
	size_t i;

	cp->have_section = 1;
	cp->section_ok = 0;
	cp->venue = -1;
	if ((end = strchr(p, ']')) == NULL) {
		config_error(cp->errs, "%s:%u: expected [section], got \"%s\"",
		    cp->name, cp->line, p);
		return;
	}
	*end = '\0';
	name = config_trim(p + 1);
	p = config_trim(end + 1);
	if (*p != '\0' && *p != '#') {
		config_error(cp->errs,
		    "%s:%u: expected nothing after [%s], got \"%s\"", cp->name,
		    cp->line, name, p);
	}
	snprintf(cp->section, sizeof cp->section, "%s", name);
	if (strncmp(name, "venue.", 6) == 0 &&
	    (cp->venue = venues_lookup(name + 6)) != -1) {
		cp->section_ok = 1;
		return;
	}
	for (i = 0; config_sections[i] != NULL; i++) {
		if (strcmp(name, config_sections[i]) == 0) {
			cp->section_ok = 1;
			return;
		}
	}
	config_suggest_section(name, hint, sizeof hint);
	if (*hint != '\0')
		config_error(cp->errs,
		    "%s:%u: unknown section [%s]; did you mean [%s]?", cp->name,
		    cp->line, name, hint);
	else
		config_error(cp->errs,
		    "%s:%u: unknown section [%s]; expected one of [instruments] "
		    "[detector] [venue.NAME] [net] [tls] [executor] [redis] "
		    "[metrics] [log] [ring] [demo]",
		    cp->name, cp->line, name);
}

/* Splits off the value: quoted, or up to a blank followed by "#". */
static int
config_split_value(char *v, char **out)
{
	char *q, *hash;

	v = config_trim(v);
	if (*v == '"') {
		if ((q = strchr(v + 1, '"')) == NULL)
			return (-1);
		*q = '\0';
		hash = config_trim(q + 1);
		if (*hash != '\0' && *hash != '#')
			return (-1);
		*out = v + 1;
		return (0);
	}
	for (hash = v; (hash = strchr(hash, '#')) != NULL; hash++) {
		if (hash == v || isspace((unsigned char)hash[-1])) {
			*hash = '\0';
			break;
		}
	}
	*out = config_trim(v);
	return (0);
}

static void
config_unknown_key(struct config_parse *cp, const char *key)
{
	const struct config_entry *s;
	char where[32];
	int here;

	if ((s = config_suggest(cp->section, key)) == NULL) {
		config_error(cp->errs, "%s:%u: %s: unknown key in [%s]",
		    cp->name, cp->line, key, cp->section);
		return;
	}
	if (!(s->flags & CONF_VENUE))
		snprintf(where, sizeof where, "[%s]", s->section);
	else if (s->only_venue != -1)
		snprintf(where, sizeof where, "[venue.%s]",
		    venues_name((unsigned)s->only_venue));
	else
		snprintf(where, sizeof where, "[venue.NAME]");
	here = config_in_section(s, cp->section);
	if (strcmp(s->name, key) == 0)
		config_error(cp->errs,
		    "%s:%u: %s: not valid in [%s]; it belongs in %s", cp->name,
		    cp->line, key, cp->section, where);
	else
		config_error(cp->errs,
		    "%s:%u: %s: unknown key in [%s]; did you mean %s%s%s?",
		    cp->name, cp->line, key, cp->section, s->name,
		    here ? "" : " in ", here ? "" : where);
}

static void
config_parse_line(struct config_parse *cp, char *p)
{
	struct config_target t;
	char *eq, *key, *value, *cause = NULL;
	unsigned *seen;
	size_t idx;

	p = config_trim(p);
	if (*p == '\0' || *p == '#' || *p == ';')
		return;
	if (*p == '[') {
		config_parse_section(cp, p);
		return;
	}
	if ((eq = strchr(p, '=')) == NULL) {
		config_error(cp->errs,
		    "%s:%u: expected \"key = value\" or \"[section]\", got \"%s\"",
		    cp->name, cp->line, p);
		return;
	}
	*eq = '\0';
	key = config_trim(p);
	if (config_split_value(eq + 1, &value) != 0) {
		config_error(cp->errs,
		    "%s:%u: %s: expected a value, or one in double quotes",
		    cp->name, cp->line, key);
		return;
	}
	if (!cp->have_section) {
		config_error(cp->errs,
		    "%s:%u: %s: expected a [section] line before the first key",
		    cp->name, cp->line, key);
		return;
	}
	if (!cp->section_ok)
		return; /* already reported at the section line */
	if ((t.e = config_find(cp->section, key)) == NULL) {
		config_unknown_key(cp, key);
		return;
	}
	t.cfg = cp->cfg;
	t.venue = cp->venue;
	idx = (size_t)(t.e - config_table);
	seen = &cp->cfg->lines[idx][cp->venue == -1 ? 0 : cp->venue];
	if (*seen != 0) {
		config_error(cp->errs,
		    "%s:%u: %s: set twice (first at line %u)", cp->name,
		    cp->line, key, *seen);
		return;
	}
	if (config_store(&t, value, &cause) != 0) {
		config_error(cp->errs, "%s:%u: %s: %s", cp->name, cp->line, key,
		    cause);
		free(cause);
		return;
	}
	*seen = cp->line;
}

/* The line a setting came from, for errors found after parsing. */
static unsigned
config_line_of(const struct config *cfg, size_t offset, int venue)
{
	size_t i;

	for (i = 0; i < config_table_len; i++) {
		if (config_table[i].offset != offset ||
		    ((config_table[i].flags & CONF_VENUE) != 0) != (venue >= 0))
			continue;
		return (cfg->lines[i][venue >= 0 ? venue : 0]);
	}
	return (0);
}

/* Each BASE (before any ':') in l must be one of the instruments. */
static void
config_validate_bases(struct config_parse *cp, int v, size_t offset,
    const char *key)
{
	const struct config *cfg = cp->cfg;
	const struct config_list *l;
	char base[32];
	unsigned i;

	l = (const struct config_list *)((const char *)&cfg->venue[v] + offset);
	for (i = 0; i < l->n; i++) {
		snprintf(base, sizeof base, "%.*s", (int)strcspn(l->v[i], ":"),
		    l->v[i]);
		if (config_list_has(&cfg->symbols, base))
			continue;
		config_error(cp->errs,
		    "%s:%u: %s: expected bases from [instruments] symbols, got "
		    "\"%s\" in [venue.%s]",
		    cp->name, config_line_of(cfg, offset, v), key, base,
		    venues_name((unsigned)v));
	}
}

/* Checks that need more than one key; reported at the key's line. */
static void
config_validate(struct config_parse *cp)
{
	const struct config *cfg = cp->cfg;
	unsigned i, j, enabled = 0;
	int v;

	for (i = 0; i < cfg->symbols.n; i++) {
		for (j = 0; j < i; j++) {
			if (strcmp(cfg->symbols.v[i], cfg->symbols.v[j]) != 0)
				continue;
			config_error(cp->errs,
			    "%s:%u: symbols: expected each base once, got \"%s\" twice",
			    cp->name,
			    config_line_of(cfg,
				offsetof(struct config, symbols), -1),
			    cfg->symbols.v[i]);
		}
	}
	if (cfg->symbols.n == 0 || cfg->symbols.n > INST_MAX)
		config_error(cp->errs,
		    "%s:%u: symbols: expected 1-%d bases, got %u", cp->name,
		    config_line_of(cfg, offsetof(struct config, symbols), -1),
		    INST_MAX, cfg->symbols.n);
	for (v = 0; v < VENUE_COUNT; v++) {
		enabled += cfg->venue[v].enabled != 0;
		config_validate_bases(cp, v,
		    offsetof(struct config_venue, symbols), "symbols");
		config_validate_bases(cp, v, offsetof(struct config_venue, map),
		    "map");
		config_validate_bases(cp, v,
		    offsetof(struct config_venue, contract_size),
		    "contract_size");
		if (v != VENUE_KUCOIN && cfg->venue[v].enabled &&
		    *cfg->venue[v].url == '\0')
			config_error(cp->errs,
			    "%s:%u: url: expected a wss:// URL for [venue.%s], got \"\"",
			    cp->name,
			    config_line_of(cfg,
				offsetof(struct config_venue, url), v),
			    venues_name((unsigned)v));
	}
	if (enabled == 0)
		config_error(cp->errs,
		    "%s: expected at least one venue with enabled = yes",
		    cp->name);
}

unsigned
config_load_string(struct config *cfg, const char *name, const char *text,
    struct config_errors *errs)
{
	struct config_parse cp;
	const char *p = text, *nl;
	char *line;
	unsigned before = errs->n;

	memset(&cp, 0, sizeof cp);
	cp.cfg = cfg;
	cp.name = name;
	cp.errs = errs;
	cp.venue = -1;
	while (*p != '\0') {
		nl = strchr(p, '\n');
		line = xstrndup(p, nl != NULL ? (size_t)(nl - p) : strlen(p));
		cp.line++;
		config_parse_line(&cp, line);
		free(line);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	config_validate(&cp);
	return (errs->n - before);
}

unsigned
config_load(struct config *cfg, const char *path, struct config_errors *errs)
{
	FILE *fp;
	char *text = NULL;
	size_t len = 0, n;
	char chunk[8192];
	unsigned nerr;

	if ((fp = fopen(path, "re")) == NULL) {
		config_error(errs, "%s: %s", path, strerror(errno));
		return (1);
	}
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
		if (len + n > (16u << 20)) {
			fclose(fp);
			free(text);
			config_error(errs,
			    "%s: expected a config file, got more "
			    "than 16 MB",
			    path);
			return (1);
		}
		text = xreallocarray(text, len + n + 1, 1);
		memcpy(text + len, chunk, n);
		len += n;
	}
	if (ferror(fp)) {
		config_error(errs, "%s: %s", path, strerror(errno));
		fclose(fp);
		free(text);
		return (1);
	}
	fclose(fp);
	if (text == NULL)
		text = xstrdup("");
	else
		text[len] = '\0';
	if (strlen(text) != len) {
		/* A NUL byte: find its line for the message. */
		unsigned line = 1;
		size_t i;
		for (i = 0; i < len && text[i] != '\0'; i++)
			line += text[i] == '\n';
		config_error(errs, "%s:%u: expected text, got a NUL byte", path,
		    line);
		free(text);
		return (1);
	}
	free(cfg->path);
	cfg->path = xstrdup(path);
	nerr = config_load_string(cfg, path, text, errs);
	free(text);
	return (nerr);
}

/* Shortest "%g" that reads back as the same double. */
static void
config_format_double(FILE *fp, double d)
{
	char buf[40];
	int prec;

	for (prec = 10; prec < 17; prec++) {
		snprintf(buf, sizeof buf, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	if (prec == 17)
		snprintf(buf, sizeof buf, "%.17g", d);
	fputs(buf, fp);
}

/* Writes the value of t as config text, so that it loads back equal. */
static void
config_format(const struct config_target *t, FILE *fp)
{
	const struct config_entry *e = t->e;
	const void *field = config_field(t);
	const struct config_list *l;
	const char *p;
	unsigned i;
	int k;

	switch (e->type) {
	case CONF_BOOL:
		fputs(*(const int *)field ? "yes" : "no", fp);
		break;
	case CONF_INT:
		fprintf(fp, "%lld", (long long)*(const int64_t *)field);
		break;
	case CONF_DOUBLE:
		config_format_double(fp, *(const double *)field);
		break;
	case CONF_STRING:
		p = *(char *const *)field;
		if (*p == '\0' || strchr(p, '#') != NULL)
			fprintf(fp, "\"%s\"", p);
		else
			fputs(p, fp);
		break;
	case CONF_ENUM:
		p = e->choices;
		for (k = *(const int *)field; k > 0; k--) {
			p += strcspn(p, " ");
			p += strspn(p, " ");
		}
		fprintf(fp, "%.*s", (int)strcspn(p, " "), p);
		break;
	case CONF_LIST:
		l = field;
		if (l->n == 0)
			fputs("\"\"", fp);
		for (i = 0; i < l->n; i++)
			fprintf(fp, "%s%s", i ? " " : "", l->v[i]);
		break;
	}
}

static void
config_dump_section(const struct config *cfg, FILE *fp, const char *section,
    int venue)
{
	struct config_target t;
	size_t i;
	unsigned line;

	t.cfg = (struct config *)cfg;
	t.venue = venue;
	for (i = 0; i < config_table_len; i++) {
		t.e = &config_table[i];
		if (venue >= 0 ? (t.e->flags & CONF_VENUE) == 0 ||
			    (t.e->only_venue != -1 && t.e->only_venue != venue)
			       : strcmp(t.e->section, section) != 0)
			continue;
		fprintf(fp, "%s = ", t.e->name);
		config_format(&t, fp);
		line = cfg->lines[i][venue >= 0 ? venue : 0];
		if (line != 0 && cfg->path != NULL)
			fprintf(fp, " # %s:%u\n", cfg->path, line);
		else
			fputs(" # default\n", fp);
	}
}

void
config_dump(const struct config *cfg, FILE *fp)
{
	size_t i;
	unsigned v;

	fprintf(fp, "# effective configuration (%s)\n",
	    cfg->path != NULL ? cfg->path : "built-in defaults");
	for (i = 0; config_sections[i] != NULL; i++) {
		fprintf(fp, "\n[%s]\n", config_sections[i]);
		config_dump_section(cfg, fp, config_sections[i], -1);
		if (strcmp(config_sections[i], "detector") != 0)
			continue;
		for (v = 0; v < VENUE_COUNT; v++) {
			fprintf(fp, "\n[venue.%s]\n", venues_name(v));
			config_dump_section(cfg, fp, NULL, (int)v);
		}
	}
}
