/*
 * Shared helpers for the benchmarks in tests/bench: a monotonic clock,
 * the cost of reading it, percentiles through xarb's own histogram
 * (metrics.h), the environment line, RSS, CPU pinning and BENCH_SCALE.
 *
 * Benchmarks print figures and never gate on time: they exit 1 only when
 * the code under test returns something wrong (tests/bench/README).
 */
#ifndef XARB_BENCH_H
#define XARB_BENCH_H

#include <stdint.h>
#include <time.h>

#include "metrics.h"

/* Nanoseconds from CLOCK_MONOTONIC (vDSO, no rdtsc of our own). */
static inline int64_t
bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
}

/*
 * Keeps the compiler from deleting a computation whose result the
 * benchmark does not otherwise use.
 */
static inline void
bench_keep(uint64_t v)
{
	__asm__ __volatile__("" : : "r"(v) : "memory");
}

/* BENCH_SCALE from the environment (default 1, bad values too). */
double bench_scale(void);

/* seconds * BENCH_SCALE, in ns. */
int64_t bench_budget_ns(double seconds);

/* n * BENCH_SCALE, at least min. */
uint64_t bench_scaled(uint64_t n, uint64_t min);

/*
 * Prints the environment line (CPU model, nproc, kernel, compiler,
 * clocksource, BENCH_SCALE) and the clock pair cost.  Call once, first.
 */
void bench_start(const char *name);

/* Prints VmRSS and the end line.  Returns status, for main(). */
int bench_finish(const char *name, int status);

/*
 * Median cost in ns of two back-to-back bench_now_ns() calls, measured
 * by bench_start().  Per-sample figures subtract it.
 */
double bench_clock_overhead(void);

/* VmRSS of this process in kB, or -1. */
long bench_rss_kb(void);

/*
 * Pins the calling thread to the nth CPU of the process's affinity mask
 * (so "taskset -c 1" still wins).  Returns the CPU number, or -1 if
 * there is no nth CPU or pinning failed.
 */
int bench_pin(unsigned nth);

/* Lets the calling thread run on every CPU of the process's mask. */
int bench_unpin(void);

/* CPUs in the process's affinity mask. */
unsigned bench_ncpu(void);

/* A zeroed histogram (about 35 kB, so never on a thread's stack). */
struct metrics_hist *bench_hist_new(void);
void bench_hist_free(struct metrics_hist *h);

/*
 * Prints "label n= p50= p99= p999= max=" in ns.  Every value recorded
 * in h is divided by div (ops per timed batch; 1 for per-sample) and
 * then sub is taken away (clock overhead, or 0), floored at 0.
 */
void bench_print(const char *label, const struct metrics_hist *h, double div,
    double sub);

/* Prints a per-sample histogram twice: raw, and minus the clock pair. */
void bench_print_sampled(const char *label, const struct metrics_hist *h);

/* A fast deterministic PRNG (xorshift64*), for inputs, not security. */
struct bench_rng {
	uint64_t s;
};

void bench_rng_init(struct bench_rng *r, uint64_t seed);

static inline uint64_t
bench_rng_next(struct bench_rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return (r->s * UINT64_C(2685821657736338717));
}

/* Uniform in [0, n). */
static inline uint32_t
bench_rng_below(struct bench_rng *r, uint32_t n)
{
	return ((uint32_t)(((bench_rng_next(r) >> 32) * n) >> 32));
}

/* Uniform in [0, 1). */
static inline double
bench_rng_unit(struct bench_rng *r)
{
	return ((double)(bench_rng_next(r) >> 11) * 0x1.0p-53);
}

/*
 * Space-separated list of n distinct base assets, upper case, for
 * [instruments] symbols: real ones first (BTC ETH SOL ... PEPE), then
 * synthetic 3-6 letter names.  Caller frees.
 */
char *bench_bases(unsigned n);

#endif /* XARB_BENCH_H */
