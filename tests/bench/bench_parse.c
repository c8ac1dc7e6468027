/*
 * bench_parse: venue_parse() per message for each venue, on its recorded
 * samples (tests/data/decode/VENUE.jsonl, with VENUE.conf for the
 * instruments), hot: ns per message p50/p99/p999 over batches, and the
 * per-venue mix of emitted / ignored / dropped messages.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xarb.h"
#include "bench.h"
#include "config.h"
#include "symbols.h"
#include "venue.h"
#include "venues.h"

#define BATCH 16

static uint64_t emitted;

static void
bench_emit(struct venue_parser *p, const struct venue_update *up)
{
	(void)p;
	emitted += up->u.mask;
}

struct line {
	char *s;
	size_t len;
};

static unsigned
bench_read(const char *path, struct line **out)
{
	FILE *fp = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned k = 0;

	*out = NULL;
	if (fp == NULL)
		return (0);
	while ((n = getline(&buf, &cap, fp)) > 0) {
		while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
			n--;
		if (n == 0)
			continue;
		*out = realloc(*out, (k + 1) * sizeof **out);
		(*out)[k].s = strndup(buf, (size_t)n);
		(*out)[k].len = (size_t)n;
		k++;
	}
	free(buf);
	fclose(fp);
	return (k);
}

static int
bench_venue(const char *dir, unsigned v)
{
	struct config_errors errs = { NULL, 0 };
	struct metrics_hist *h = bench_hist_new();
	struct venue_parser *p = malloc(sizeof *p);
	struct config *cfg = config_new();
	struct symbols *sym;
	struct line *lines;
	char path[1100], *cause = NULL, label[96];
	uint64_t rounds, r, ok = 0, ign = 0, drop = 0;
	unsigned n, i, b;
	int64_t t0, t1;

	snprintf(path, sizeof path, "%s/%s.conf", dir, venues_name(v));
	if (config_load(cfg, path, &errs) != 0 ||
	    (sym = symbols_new(cfg, &cause)) == NULL) {
		fprintf(stderr, "bench_parse: %s: bad config\n", path);
		return (1);
	}
	snprintf(path, sizeof path, "%s/%s.jsonl", dir, venues_name(v));
	if ((n = bench_read(path, &lines)) == 0) {
		fprintf(stderr, "bench_parse: %s: no frames\n", path);
		return (1);
	}
	venue_parser_init(p, v, 0, sym, bench_emit, NULL);
	for (i = 0; i < n; i++) {
		switch (venue_parse(p, lines[i].s, lines[i].len, 1)) {
		case VENUE_OK:
			ok++;
			break;
		case VENUE_IGNORED:
			ign++;
			break;
		case VENUE_DROPPED:
			drop++;
			break;
		}
	}
	rounds = bench_scaled(20000, 100);
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < n; i += BATCH) {
			t0 = bench_now_ns();
			for (b = i; b < i + BATCH && b < n; b++)
				venue_parse(p, lines[b].s, lines[b].len, 1);
			t1 = bench_now_ns();
			metrics_hist_record(h,
			    (uint64_t)((t1 - t0) / (int64_t)(b - i)));
		}
	}
	snprintf(label, sizeof label,
	    "%s (%u frames: %llu ok, %llu ign, %llu drop)", venues_name(v), n,
	    (unsigned long long)ok, (unsigned long long)ign,
	    (unsigned long long)drop);
	printf("  %-52s p50 %6llu  p99 %6llu  p999 %6llu ns/msg\n", label,
	    (unsigned long long)metrics_hist_quantile(h, 0.5),
	    (unsigned long long)metrics_hist_quantile(h, 0.99),
	    (unsigned long long)metrics_hist_quantile(h, 0.999));
	for (i = 0; i < n; i++)
		free(lines[i].s);
	free(lines);
	venue_parser_fini(p);
	free(p);
	symbols_free(sym);
	config_free(cfg);
	bench_hist_free(h);
	return (0);
}

int
main(void)
{
	const char *src = getenv("XARB_SRCDIR");
	char dir[512];
	unsigned v;
	int status = 0;

	bench_start("bench_parse");
	snprintf(dir, sizeof dir, "%s/tests/data/decode",
	    src != NULL ? src : BENCH_SRCDIR);
	bench_pin(0);
	printf("venue_parse() on each venue's recorded samples, hot, batches "
	       "of %d\n",
	    BATCH);
	for (v = 0; v < VENUE_COUNT; v++)
		status |= bench_venue(dir, v);
	bench_keep(emitted);
	return (bench_finish("bench_parse", status));
}
