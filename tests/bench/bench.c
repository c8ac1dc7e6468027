/*
 * Benchmark helpers.  Percentiles come from xarb's own histogram
 * (metrics_hist_record / metrics_hist_quantile), so every figure the
 * benches print also exercises the code the daemon reports with; its
 * buckets are within 0.4 % above 256, exact below.
 */
#include "autoconf.h"

#include <sys/utsname.h>

#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xarb.h"
#include "xmalloc.h"
#include "bench.h"

static double bench_scale_value = -1.0;
static double bench_clock_pair = 0.0;
static cpu_set_t bench_cpus;
static int bench_cpus_valid;

/* Liquid perpetuals listed on most of the seven venues. */
static const char *const bench_real_bases[] = { "BTC", "ETH", "SOL", "XRP",
	"DOGE", "BNB", "ADA", "AVAX", "LINK", "TON", "SUI", "TRX", "DOT", "LTC",
	"BCH", "NEAR", "APT", "ARB", "OP", "UNI", "ATOM", "FIL", "ETC", "INJ",
	"TIA", "SEI", "WLD", "PEPE", "WIF", "AAVE", "MKR", "LDO", "CRV", "ENA",
	"ONDO", "JUP", "HBAR", "XLM", "ICP", "1INCH" };

double
bench_scale(void)
{
	const char *s;
	char *end;
	double v;

	if (bench_scale_value > 0.0)
		return (bench_scale_value);
	bench_scale_value = 1.0;
	if ((s = getenv("BENCH_SCALE")) == NULL || *s == '\0')
		return (bench_scale_value);
	v = strtod(s, &end);
	if (*end != '\0' || !(v > 0.0) || v > 1000.0) {
		fprintf(stderr,
		    "BENCH_SCALE: expected a number in (0, 1000], "
		    "got \"%s\"; using 1\n",
		    s);
		return (bench_scale_value);
	}
	bench_scale_value = v;
	return (v);
}

int64_t
bench_budget_ns(double seconds)
{
	return ((int64_t)(seconds * bench_scale() * 1e9));
}

uint64_t
bench_scaled(uint64_t n, uint64_t min)
{
	double v = (double)n * bench_scale();

	return (v < (double)min ? min : (uint64_t)v);
}

/* First "key : value" line of path whose key starts with key. */
static int
bench_read_field(const char *path, const char *key, char *buf, size_t len)
{
	char line[512], *p, *nl;
	FILE *fp;
	int found = 0;

	if ((fp = fopen(path, "r")) == NULL)
		return (-1);
	while (fgets(line, sizeof line, fp) != NULL) {
		if (strncmp(line, key, strlen(key)) != 0 ||
		    (p = strchr(line, ':')) == NULL)
			continue;
		for (p++; *p == ' ' || *p == '\t'; p++)
			;
		if ((nl = strchr(p, '\n')) != NULL)
			*nl = '\0';
		snprintf(buf, len, "%s", p);
		found = 1;
		break;
	}
	fclose(fp);
	return (found ? 0 : -1);
}

long
bench_rss_kb(void)
{
	char buf[64];

	if (bench_read_field("/proc/self/status", "VmRSS", buf, sizeof buf) !=
	    0)
		return (-1);
	return (strtol(buf, NULL, 10));
}

static void
bench_clocksource(char *buf, size_t len)
{
	FILE *fp;

	snprintf(buf, len, "?");
	fp = fopen("/sys/devices/system/clocksource/clocksource0/"
		   "current_clocksource",
	    "r");
	if (fp == NULL)
		return;
	if (fgets(buf, (int)len, fp) == NULL)
		snprintf(buf, len, "?");
	buf[strcspn(buf, "\n")] = '\0';
	fclose(fp);
}

/*
 * Back-to-back clock reads: what every per-sample figure includes once.
 * On kvm-clock it is a vDSO read (tens of ns); on hpet or acpi_pm it is
 * a syscall (~1 us) and only batch figures mean anything.
 */
static void
bench_calibrate(void)
{
	struct metrics_hist *h = bench_hist_new();
	int64_t t0, t1;
	unsigned i, n = (unsigned)bench_scaled(200000, 10000);

	for (i = 0; i < n / 10; i++) /* warm the vDSO page and the hist */
		metrics_hist_record(h,
		    (uint64_t)(bench_now_ns() - bench_now_ns()));
	metrics_hist_reset(h);
	for (i = 0; i < n; i++) {
		t0 = bench_now_ns();
		t1 = bench_now_ns();
		metrics_hist_record(h, (uint64_t)(t1 - t0));
	}
	bench_clock_pair = (double)metrics_hist_quantile(h, 0.5);
	bench_print("clock: CLOCK_MONOTONIC back-to-back pair", h, 1.0, 0.0);
	bench_hist_free(h);
}

/*
 * The core's speed right now, from a dependent multiply-add chain (3 +
 * 1 cycles per step on current x86 cores): the host may lower the clock
 * or run a sibling hyperthread, and every figure here scales with it.
 * Best of 5, so one preemption does not count.
 */
static double
bench_chain_ghz(void)
{
	uint64_t x = 1, steps = 2000000, i;
	int64_t t0, t1, best = INT64_MAX;
	unsigned k;

	for (k = 0; k < 5; k++) {
		t0 = bench_now_ns();
		for (i = 0; i < steps; i++) {
			x = x * UINT64_C(6364136223846793005) + 1;
			__asm__ __volatile__("" : "+r"(x));
		}
		t1 = bench_now_ns();
		if (t1 - t0 < best)
			best = t1 - t0;
	}
	bench_keep(x);
	return (4.0 * (double)steps / (double)best);
}

double
bench_clock_overhead(void)
{
	return (bench_clock_pair);
}

void
bench_start(const char *name)
{
	char cpu[128], cs[64];
	struct utsname u;
	long online = sysconf(_SC_NPROCESSORS_ONLN);

	/* Threads inherit a pinned creator's mask: keep the original. */
	CPU_ZERO(&bench_cpus);
	if (sched_getaffinity(0, sizeof bench_cpus, &bench_cpus) == 0)
		bench_cpus_valid = 1;
	if (bench_read_field("/proc/cpuinfo", "model name", cpu, sizeof cpu) !=
	    0)
		snprintf(cpu, sizeof cpu, "?");
	if (uname(&u) == -1)
		snprintf(u.release, sizeof u.release, "?");
	bench_clocksource(cs, sizeof cs);
	printf("# %s: cpu=\"%s\" nproc=%ld affinity=%u kernel=%s "
	       "cc=\"%s%s\" opt=%s clocksource=%s BENCH_SCALE=%g\n",
	    name, cpu, online, bench_ncpu(), u.release,
#ifdef __clang__
	    "", __VERSION__,
#else
	    "gcc ", __VERSION__,
#endif
#ifdef __OPTIMIZE__
	    "yes",
#else
	    "NO (figures meaningless)",
#endif
	    cs, bench_scale());
	if (bench_pin(0) == -1)
		printf("# (not pinned: sched_setaffinity failed)\n");
	printf("# core speed now: ~%.2f GHz by a multiply-add chain "
	       "(compare runs with it)\n",
	    bench_chain_ghz());
	bench_calibrate();
	fflush(stdout);
}

int
bench_finish(const char *name, int status)
{
	printf("# %s: VmRSS %ld kB; %s\n", name, bench_rss_kb(),
	    status == 0 ? "ok" : "FAILED (wrong results above)");
	fflush(stdout);
	return (status);
}

unsigned
bench_ncpu(void)
{
	if (!bench_cpus_valid)
		return (1);
	return ((unsigned)CPU_COUNT(&bench_cpus));
}

int
bench_pin(unsigned nth)
{
	cpu_set_t one;
	unsigned seen = 0;
	int cpu;

	if (!bench_cpus_valid)
		return (-1);
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &bench_cpus))
			continue;
		if (seen++ == nth)
			break;
	}
	if (cpu == CPU_SETSIZE)
		return (-1);
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (pthread_setaffinity_np(pthread_self(), sizeof one, &one) != 0)
		return (-1);
	return (cpu);
}

int
bench_unpin(void)
{
	if (!bench_cpus_valid ||
	    pthread_setaffinity_np(pthread_self(), sizeof bench_cpus,
		&bench_cpus) != 0)
		return (-1);
	return (0);
}

struct metrics_hist *
bench_hist_new(void)
{
	return (xcalloc(1, sizeof(struct metrics_hist)));
}

void
bench_hist_free(struct metrics_hist *h)
{
	free(h);
}

static double
bench_scaled_q(const struct metrics_hist *h, double q, double div, double sub)
{
	double v = (double)metrics_hist_quantile(h, q) / div - sub;

	return (v < 0.0 ? 0.0 : v);
}

void
bench_print(const char *label, const struct metrics_hist *h, double div,
    double sub)
{
	printf("  %-46s n=%-9llu p50 %8.1f  p99 %8.1f  p999 %8.1f  "
	       "max %9.1f ns\n",
	    label, (unsigned long long)h->count,
	    bench_scaled_q(h, 0.5, div, sub), bench_scaled_q(h, 0.99, div, sub),
	    bench_scaled_q(h, 0.999, div, sub),
	    bench_scaled_q(h, 1.0, div, sub));
}

void
bench_print_sampled(const char *label, const struct metrics_hist *h)
{
	char buf[128];

	snprintf(buf, sizeof buf, "%s, raw", label);
	bench_print(buf, h, 1.0, 0.0);
	snprintf(buf, sizeof buf, "%s, -clock %.0f", label, bench_clock_pair);
	bench_print(buf, h, 1.0, bench_clock_pair);
}

void
bench_rng_init(struct bench_rng *r, uint64_t seed)
{
	/* xorshift must not start at 0; splitmix the seed once. */
	seed += UINT64_C(0x9e3779b97f4a7c15);
	seed = (seed ^ (seed >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	seed = (seed ^ (seed >> 27)) * UINT64_C(0x94d049bb133111eb);
	r->s = (seed ^ (seed >> 31)) | 1;
}

/* Is w (len bytes) already a word of list[0, used)? */
static int
bench_bases_has(const char *list, size_t used, const char *w, size_t len)
{
	const char *p = list, *end = list + used;
	size_t n;

	while (p < end) {
		n = strcspn(p, " ");
		if (n == len && memcmp(p, w, len) == 0)
			return (1);
		p += n + 1;
	}
	return (0);
}

char *
bench_bases(unsigned n)
{
	struct bench_rng r;
	char *list, w[8];
	size_t used = 0, len, cap = (size_t)n * 8 + 1;
	unsigned i, k;

	list = xcalloc(1, cap);
	bench_rng_init(&r, 42);
	for (i = 0; i < n; i++) {
		if (i < nitems(bench_real_bases)) {
			len = strlen(bench_real_bases[i]);
			memcpy(w, bench_real_bases[i], len);
		} else {
			/* XBT is KuCoin's BTC: it would clash with XBTUSDTM. */
			do {
				len = 3 + bench_rng_below(&r, 4);
				for (k = 0; k < len; k++)
					w[k] = (char)('A' +
					    bench_rng_below(&r, 26));
			} while ((len == 3 && memcmp(w, "XBT", 3) == 0) ||
			    bench_bases_has(list, used, w, len));
		}
		if (used > 0)
			list[used++] = ' ';
		memcpy(list + used, w, len);
		used += len;
	}
	list[used] = '\0';
	return (list);
}
