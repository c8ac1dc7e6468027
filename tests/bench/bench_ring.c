/*
 * The opportunity ring (ring.h), from both ends:
 *
 *   (a) ring_publish() cost on the writer, nobody reading;
 *   (b) publish -> received by a SPINNING reader on the other CPU: the
 *       writer stamps CLOCK_MONOTONIC into detect_ts just before
 *       publishing and the reader subtracts it from its own clock read
 *       on receipt (target <= 0.5 us p99).  Like a back-to-back pair,
 *       that span holds one whole clock call, which "-clock" removes;
 *   (c) the same for a futex (RING_WAIT_BLOCK) and an eventfd reader,
 *       at a slower pace, where the wake-up dominates (report only);
 *   (d) three readers (executor: spin, Redis sink: block, dashboard:
 *       eventfd) behind a writer publishing flat out: events/s and what
 *       each reader lost, since the writer never waits.
 *
 * First, (0) measures how much CPU time a busy thread actually gets,
 * alone and with both CPUs busy: on a VM whose host shares its cores,
 * a spinning reader waits for the host, not for the ring.
 *
 * The writer runs on the first CPU of the affinity mask, a latency
 * reader on the second.  The writer is paced (one event per 2 us in
 * (b), 100 us in (c)) so a reader is never lapped and every event is
 * measured.  Each event carries a pattern the readers check: a torn or
 * reordered event, or read + lost not adding up to what was published,
 * fails the run.
 */
#include "autoconf.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opp.h"
#include "ring.h"
#include "types.h"
#include "bench.h"

#define BENCH_RING_SLOTS RING_SLOTS_DEFAULT
#define BENCH_RING_BATCH 64		  /* publishes per timed batch in (a) */
#define BENCH_RING_STOP UINT64_MAX	  /* id of the last event of a run */
#define BENCH_RING_POLL (100 * NS_PER_MS) /* readers re-check "done" */

struct bench_ring_reader {
	const char *name;
	struct ring *r; /* borrowed */
	enum ring_wait wait;
	int cpu;		  /* nth CPU of the mask to pin to, -1: any */
	struct metrics_hist *lat; /* owned by the caller; NULL: not timed */
	struct ring_reader rd;
	pthread_t thread;
	int ready; /* atomic: registered with the ring */
	int done;  /* atomic: the writer has finished */
	uint64_t read, lost, bad;
};

/* Only ENOMEM can fail it, and then there is nothing to measure. */
static struct ring *
bench_ring_new(void)
{
	struct ring *r;

	if ((r = ring_new(BENCH_RING_SLOTS)) == NULL) {
		fprintf(stderr, "bench_ring: ring_new failed\n");
		exit(1);
	}
	return (r);
}

/* The pattern each event carries, derived from its id. */
static void
bench_ring_fill(struct opp_event *ev, uint64_t id)
{
	memset(ev, 0, sizeof *ev);
	ev->id = id;
	ev->type = OPP_UPDATE;
	ev->buy_px = (int64_t)(id * 3 + 1);
	ev->sell_px = (int64_t)~id;
	ev->net_bps = (double)(id & 0xffff);
}

static int
bench_ring_is_intact(const struct opp_event *ev)
{
	return (ev->buy_px == (int64_t)(ev->id * 3 + 1) &&
	    ev->sell_px == (int64_t)~ev->id &&
	    ev->net_bps == (double)(ev->id & 0xffff));
}

static void *
bench_ring_reader_main(void *arg)
{
	struct bench_ring_reader *br = arg;
	struct opp_event ev;
	uint64_t last_seq = 0;
	int64_t now;

	if (br->cpu >= 0)
		bench_pin((unsigned)br->cpu);
	else
		bench_unpin();
	if (ring_reader_init(&br->rd, br->r, br->wait) != 0) {
		br->bad++;
		__atomic_store_n(&br->ready, -1, __ATOMIC_RELEASE);
		return (NULL);
	}
	__atomic_store_n(&br->ready, 1, __ATOMIC_RELEASE);
	for (;;) {
		if (!ring_reader_wait(&br->rd, &ev, BENCH_RING_POLL)) {
			if (__atomic_load_n(&br->done, __ATOMIC_ACQUIRE))
				break; /* the stop event was lost: counted */
			continue;
		}
		now = bench_now_ns();
		if (!bench_ring_is_intact(&ev) || ev.seq <= last_seq)
			br->bad++;
		last_seq = ev.seq;
		if (ev.id == BENCH_RING_STOP)
			break;
		if (br->lat != NULL)
			metrics_hist_record(br->lat,
			    (uint64_t)(now - ev.detect_ts));
	}
	br->read = br->rd.read;
	br->lost = br->rd.lost;
	ring_reader_fini(&br->rd);
	return (NULL);
}

static int
bench_ring_start(struct bench_ring_reader *br, const char *name, struct ring *r,
    enum ring_wait wait, int cpu, struct metrics_hist *lat)
{
	int ready;

	memset(br, 0, sizeof *br);
	br->name = name;
	br->r = r;
	br->wait = wait;
	br->cpu = cpu;
	br->lat = lat;
	if (pthread_create(&br->thread, NULL, bench_ring_reader_main, br) !=
	    0) {
		fprintf(stderr, "bench_ring: pthread_create failed\n");
		exit(1);
	}
	while ((ready = __atomic_load_n(&br->ready, __ATOMIC_ACQUIRE)) == 0)
		xarb_cpu_relax();
	return (ready == 1 ? 0 : -1);
}

/*
 * Joins the reader and checks it accounted for every event published
 * after it registered: read + lost == published.
 */
static int
bench_ring_join(struct bench_ring_reader *br, uint64_t published)
{
	__atomic_store_n(&br->done, 1, __ATOMIC_RELEASE);
	pthread_join(br->thread, NULL);
	if (br->bad == 0 && br->read + br->lost == published)
		return (0);
	printf("  WRONG: %s: %llu torn/out-of-order, read %llu + lost %llu "
	       "!= published %llu\n",
	    br->name, (unsigned long long)br->bad, (unsigned long long)br->read,
	    (unsigned long long)br->lost, (unsigned long long)published);
	return (1);
}

struct bench_ring_spin {
	pthread_t thread;
	int64_t end;
	double ran;
};

/*
 * Reads the clock in a tight loop until end.  Returns the fraction of
 * the time the thread ran: a gap over 5 us between two reads is time
 * the CPU was taken away (interrupt, host preemption).
 */
static double
bench_ring_spin_until(int64_t end)
{
	int64_t t, prev = bench_now_ns(), start = prev, lost = 0;

	while ((t = bench_now_ns()) < end) {
		if (t - prev > 5 * NS_PER_US)
			lost += t - prev;
		prev = t;
	}
	return (1.0 - (double)lost / (double)(t - start));
}

static void *
bench_ring_spin_main(void *arg)
{
	struct bench_ring_spin *sp = arg;

	bench_pin(1);
	sp->ran = bench_ring_spin_until(sp->end);
	return (NULL);
}

/*
 * (0): how much of the time does a busy thread get its CPU, alone and
 * with the other CPU busy too?  A spinning reader and a spinning writer
 * need both at once.  On a VM whose host shares the vCPUs' cores with
 * others, each is taken away for milliseconds, and (b) then waits for
 * the host, not for the ring.
 */
static void
bench_ring_capacity(void)
{
	struct bench_ring_spin sp;
	int64_t budget = bench_budget_ns(0.2);
	double one, two;

	one = bench_ring_spin_until(bench_now_ns() + budget);
	sp.end = bench_now_ns() + budget;
	if (pthread_create(&sp.thread, NULL, bench_ring_spin_main, &sp) != 0)
		return;
	two = bench_ring_spin_until(sp.end);
	pthread_join(sp.thread, NULL);
	printf("(0) CPU time a busy thread gets: alone %.0f %%; both CPUs "
	       "busy %.0f %% + %.0f %%%s\n",
	    100.0 * one, 100.0 * two, 100.0 * sp.ran,
	    two < 0.9 || sp.ran < 0.9 ? " (shared CPUs: expect ms stalls)"
				      : "");
}

/* (a): the writer alone; slots cycle through the whole ring. */
static void
bench_ring_publish_cost(void)
{
	struct metrics_hist *h = bench_hist_new();
	struct ring *r = bench_ring_new();
	struct opp_event ev;
	int64_t t0, t1, end, spent = 0;
	uint64_t id = 0, ops = 0;
	unsigned j;
	char label[96];

	bench_ring_fill(&ev, 1);
	for (j = 0; j < 4 * BENCH_RING_SLOTS; j++) /* warm every slot */
		ring_publish(r, &ev);
	end = bench_now_ns() + bench_budget_ns(0.3);
	do {
		bench_ring_fill(&ev, ++id);
		t0 = bench_now_ns();
		for (j = 0; j < BENCH_RING_BATCH; j++)
			ring_publish(r, &ev);
		t1 = bench_now_ns();
		metrics_hist_record(h, (uint64_t)(t1 - t0));
		spent += t1 - t0;
		ops += BENCH_RING_BATCH;
	} while (t1 < end);
	printf("(a) writer alone, %d-slot ring, %zu-byte events\n",
	    BENCH_RING_SLOTS, sizeof ev);
	snprintf(label, sizeof label, "ring_publish, per op (batches of %d)",
	    BENCH_RING_BATCH);
	bench_print(label, h, BENCH_RING_BATCH, 0.0);
	printf("  %-46s %.1f M events/s\n", "ring_publish, throughput",
	    (double)ops / (double)spent * 1e3);
	ring_free(r);
	bench_hist_free(h);
}

/*
 * Publishes one event every pace ns for budget ns, then the stop event.
 * Times each ring_publish into pub.  Returns events published.
 */
static uint64_t
bench_ring_paced(struct ring *r, int64_t pace, int64_t budget,
    struct metrics_hist *pub)
{
	struct opp_event ev;
	int64_t now, t1, next, end;
	uint64_t id = 0;

	next = bench_now_ns();
	end = next + budget;
	do {
		bench_ring_fill(&ev, ++id);
		while ((now = bench_now_ns()) < next)
			xarb_cpu_relax();
		ev.detect_ts = now;
		ring_publish(r, &ev);
		ring_flush(r); /* a batch of one: the worst case for sleepers */
		t1 = bench_now_ns();
		metrics_hist_record(pub, (uint64_t)(t1 - now));
		/* Closed-loop pacing: a preempted writer must not burst. */
		next = t1 + pace;
	} while (t1 < end);
	bench_ring_fill(&ev, BENCH_RING_STOP);
	ev.detect_ts = bench_now_ns();
	ring_publish(r, &ev);
	ring_flush(r);
	return (id + 1);
}

/* (b) and (c): one reader of the given kind, paced writer. */
static int
bench_ring_latency(const char *title, const char *name, enum ring_wait wait,
    int64_t pace, double seconds)
{
	struct bench_ring_reader br;
	struct metrics_hist *lat = bench_hist_new(), *pub = bench_hist_new();
	struct ring *r = bench_ring_new();
	uint64_t published;
	char label[96];
	int bad, cpu = bench_ncpu() >= 2 ? 1 : -1;

	printf("%s: writer on the 1st CPU, reader on the %s, "
	       "1 event / %lld ns\n",
	    title, cpu == 1 ? "2nd" : "same", (long long)pace);
	if (bench_ring_start(&br, name, r, wait, cpu, lat) != 0) {
		printf("  WRONG: %s: ring_reader_init failed\n", name);
		bench_ring_join(&br, 0);
		bad = 1;
		goto out;
	}
	published = bench_ring_paced(r, pace, bench_budget_ns(seconds), pub);
	bad = bench_ring_join(&br, published);
	snprintf(label, sizeof label, "%s: publish -> received", name);
	bench_print_sampled(label, lat);
	snprintf(label, sizeof label, "writer: ring_publish, -clock %.0f",
	    bench_clock_overhead());
	bench_print(label, pub, 1.0, bench_clock_overhead());
	if (br.lost != 0)
		printf("  note: %s lost %llu events (preempted > %d events)\n",
		    name, (unsigned long long)br.lost, BENCH_RING_SLOTS);
out:
	ring_free(r);
	bench_hist_free(lat);
	bench_hist_free(pub);
	return (bad);
}

/* (d): writer flat out, three readers of the three kinds. */
static int
bench_ring_throughput(double seconds)
{
	struct bench_ring_reader br[3];
	static const struct {
		const char *name;
		enum ring_wait wait;
		int cpu;
	} kinds[3] = {
		{ "executor (spin)", RING_WAIT_SPIN, 1 },
		{ "redis sink (block)", RING_WAIT_BLOCK, -1 },
		{ "dashboard (eventfd)", RING_WAIT_EVENTFD, -1 },
	};
	struct ring *r = bench_ring_new();
	struct ring_stats st;
	struct opp_event ev;
	int64_t t0, t1, end;
	uint64_t id = 0;
	unsigned k, j;
	int bad = 0;

	printf("(d) writer flat out on the 1st CPU, 3 readers%s, %d slots\n",
	    bench_ncpu() >= 2 ? " (the spinning one on the 2nd CPU)" : "",
	    BENCH_RING_SLOTS);
	for (k = 0; k < 3; k++)
		if (bench_ring_start(&br[k], kinds[k].name, r, kinds[k].wait,
			bench_ncpu() >= 2 ? kinds[k].cpu : -1, NULL) != 0)
			bad = 1;
	t0 = bench_now_ns();
	end = t0 + bench_budget_ns(seconds);
	do {
		for (j = 0; j < 256; j++) {
			bench_ring_fill(&ev, ++id);
			ring_publish(r, &ev);
		}
		ring_flush(r); /* one wake-up per batch, as the reactor does */
		t1 = bench_now_ns();
	} while (t1 < end);
	bench_ring_fill(&ev, BENCH_RING_STOP);
	ring_publish(r, &ev);
	ring_flush(r);
	for (k = 0; k < 3; k++)
		bad |= bench_ring_join(&br[k], id + 1);
	ring_get_stats(r, &st);
	printf("  %-46s %.1f M events/s (%llu events, %llu wake-ups)\n",
	    "published", (double)id / (double)(t1 - t0) * 1e3,
	    (unsigned long long)id, (unsigned long long)st.wakeups);
	for (k = 0; k < 3; k++)
		printf("  %-46s read %llu, lost %llu (%.1f %%)\n", br[k].name,
		    (unsigned long long)br[k].read,
		    (unsigned long long)br[k].lost,
		    100.0 * (double)br[k].lost / (double)(id + 1));
	ring_free(r);
	return (bad);
}

int
main(void)
{
	int rc = 0;

	bench_start("bench_ring");
	if (bench_ncpu() >= 2)
		bench_ring_capacity();
	bench_ring_publish_cost();
	if (bench_ncpu() >= 2)
		rc |= bench_ring_latency("(b) spinning reader", "spin",
		    RING_WAIT_SPIN, 2 * NS_PER_US, 1.0);
	else
		printf("(b) skipped: a spinning reader needs a second CPU\n");
	rc |= bench_ring_latency("(c) futex reader", "block", RING_WAIT_BLOCK,
	    100 * NS_PER_US, 1.0);
	rc |= bench_ring_latency("(c) eventfd reader", "eventfd",
	    RING_WAIT_EVENTFD, 100 * NS_PER_US, 1.0);
	rc |= bench_ring_throughput(1.0);
	return (bench_finish("bench_ring", rc));
}
