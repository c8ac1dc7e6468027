/*
 * Tests of the opportunity ring: order, laps and losses, reader
 * registration, each wait strategy, and a multi-threaded stress run with
 * checksummed payloads.
 */
#include "autoconf.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "xarb.h"
#include "ring.h"
#include "tcheck.h"

static struct ring *r;

static void
setup(void)
{
	r = ring_new(8);
	ck_assert_ptr_nonnull(r);
}

static void
teardown(void)
{
	ring_free(r);
}

static void
publish_n(struct ring *ring, unsigned n, uint64_t tag)
{
	struct opp_event ev;
	unsigned i;

	memset(&ev, 0, sizeof ev);
	for (i = 0; i < n; i++) {
		ev.id = tag + i;
		ring_publish(ring, &ev);
	}
	ring_flush(ring);
}

START_TEST(test_ring_new_rejects_non_power_of_two)
{
	ck_assert_ptr_null(ring_new(0));
	ck_assert_ptr_null(ring_new(1));
	ck_assert_ptr_null(ring_new(1000));
	ring_free(NULL);
}
END_TEST

START_TEST(test_ring_reader_sees_events_in_order)
{
	struct ring_reader rd;
	struct opp_event out;
	unsigned i;

	ck_assert_int_eq(ring_reader_init(&rd, r, RING_WAIT_SPIN), 0);
	ck_assert_int_eq(ring_reader_next(&rd, &out), 0);
	publish_n(r, 5, 100);
	for (i = 0; i < 5; i++) {
		ck_assert_int_eq(ring_reader_next(&rd, &out), 1);
		ck_assert_uint_eq(out.seq, i + 1);
		ck_assert_uint_eq(out.id, 100 + i);
	}
	ck_assert_int_eq(ring_reader_next(&rd, &out), 0);
	ck_assert_uint_eq(rd.read, 5);
	ck_assert_uint_eq(rd.lost, 0);
	ck_assert_uint_eq(ring_head(r), 5);
	ring_reader_fini(&rd);
}
END_TEST

/* A reader a lap behind loses the oldest events and counts them. */
START_TEST(test_ring_slow_reader_counts_losses)
{
	struct ring_reader rd;
	struct opp_event out;
	unsigned n = 0;

	ck_assert_int_eq(ring_reader_init(&rd, r, RING_WAIT_SPIN), 0);
	publish_n(r, 20, 0);
	ck_assert_int_eq(ring_reader_next(&rd, &out), 1);
	ck_assert_uint_eq(out.seq, 13); /* the oldest of the last 8 */
	ck_assert_uint_eq(rd.lost, 12);
	n = 1;
	while (ring_reader_next(&rd, &out))
		n++;
	ck_assert_uint_eq(n, 8);
	ck_assert_uint_eq(out.seq, 20);
	ck_assert_uint_eq(rd.read + rd.lost, 20);
	ring_reader_fini(&rd);
}
END_TEST

/* A reader joins at the head: it sees only what comes after. */
START_TEST(test_ring_reader_starts_after_head)
{
	struct ring_reader rd;
	struct opp_event out;

	publish_n(r, 3, 0);
	ck_assert_int_eq(ring_reader_init(&rd, r, RING_WAIT_SPIN), 0);
	ck_assert_int_eq(ring_reader_next(&rd, &out), 0);
	publish_n(r, 1, 77);
	ck_assert_int_eq(ring_reader_next(&rd, &out), 1);
	ck_assert_uint_eq(out.seq, 4);
	ck_assert_uint_eq(out.id, 77);
	ck_assert_uint_eq(rd.lost, 0);
	ring_reader_fini(&rd);
}
END_TEST

START_TEST(test_ring_readers_are_independent)
{
	struct ring_reader a, b;
	struct opp_event out;

	ck_assert_int_eq(ring_reader_init(&a, r, RING_WAIT_SPIN), 0);
	ck_assert_int_eq(ring_reader_init(&b, r, RING_WAIT_YIELD), 0);
	publish_n(r, 3, 0);
	while (ring_reader_next(&a, &out))
		;
	ck_assert_uint_eq(a.read, 3);
	ck_assert_int_eq(ring_reader_next(&b, &out), 1);
	ck_assert_uint_eq(out.seq, 1);
	ring_reader_fini(&a);
	ring_reader_fini(&b);
}
END_TEST

START_TEST(test_ring_reader_slots_are_limited_and_reused)
{
	struct ring_reader rd[RING_READERS_MAX + 1];
	unsigned i;

	for (i = 0; i < RING_READERS_MAX; i++)
		ck_assert_int_eq(ring_reader_init(&rd[i], r, RING_WAIT_SPIN),
		    0);
	ck_assert_int_eq(ring_reader_init(&rd[RING_READERS_MAX], r,
			     RING_WAIT_SPIN),
	    -1);
	ring_reader_fini(&rd[RING_READERS_MAX]); /* failed init: harmless */
	ring_reader_fini(&rd[3]);
	ck_assert_int_eq(ring_reader_init(&rd[RING_READERS_MAX], r,
			     RING_WAIT_EVENTFD),
	    0);
	ck_assert_int_ge(ring_reader_fd(&rd[RING_READERS_MAX]), 0);
	for (i = 0; i <= RING_READERS_MAX; i++)
		ring_reader_fini(&rd[i]);
}
END_TEST

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
}

/* Every strategy times out with nothing published, and not early. */
START_TEST(test_ring_wait_times_out)
{
	struct ring_reader rd;
	struct opp_event out;
	int64_t t0, dt;

	ck_assert_int_eq(ring_reader_init(&rd, r, (enum ring_wait)_i), 0);
	t0 = now_ns();
	ck_assert_int_eq(ring_reader_wait(&rd, &out, 20000000), 0);
	dt = now_ns() - t0;
	ck_assert_int_ge(dt, 19000000);
	ck_assert_int_lt(dt, 2000000000);
	ck_assert_int_eq(ring_reader_wait(&rd, &out, 0), 0);
	ring_reader_fini(&rd);
}
END_TEST

/* Publishing alone never makes a system call: wake-ups wait for flush. */
START_TEST(test_ring_wakeups_wait_for_flush)
{
	struct ring_reader rd;
	struct ring_stats st;
	struct opp_event ev;
	uint64_t n;
	int fd;

	memset(&ev, 0, sizeof ev);
	ck_assert_int_eq(ring_reader_init(&rd, r, RING_WAIT_EVENTFD), 0);
	fd = ring_reader_fd(&rd);
	ck_assert_int_eq(ring_reader_arm(&rd), 0);
	ring_publish(r, &ev);
	ring_publish(r, &ev);
	ck_assert_int_eq(read(fd, &n, sizeof n), -1);
	ring_get_stats(r, &st);
	ck_assert_uint_eq(st.wakeups, 0);
	ring_flush(r);
	ck_assert_int_eq(read(fd, &n, sizeof n), (int)sizeof n);
	ring_get_stats(r, &st);
	ck_assert_uint_eq(st.wakeups, 1);
	ck_assert_uint_eq(st.published, 2);
	/* Nobody asleep: a flush wakes nobody. */
	ring_flush(r);
	ring_get_stats(r, &st);
	ck_assert_uint_eq(st.wakeups, 1);
	ring_reader_fini(&rd);
}
END_TEST

START_TEST(test_ring_eventfd_arm_and_drain)
{
	struct ring_reader rd;
	struct opp_event out;
	uint64_t n;
	int fd;

	ck_assert_int_eq(ring_reader_init(&rd, r, RING_WAIT_EVENTFD), 0);
	fd = ring_reader_fd(&rd);
	ck_assert_int_eq(ring_reader_arm(&rd), 0);
	ck_assert_int_eq(read(fd, &n, sizeof n), -1); /* nothing yet */
	publish_n(r, 2, 0);
	ck_assert_int_eq(read(fd, &n, sizeof n), (int)sizeof n);
	ck_assert_uint_eq(n, 1); /* one wake-up for two events */
	ck_assert_int_eq(ring_reader_next(&rd, &out), 1);
	ck_assert_int_eq(ring_reader_next(&rd, &out), 1);
	ck_assert_int_eq(ring_reader_next(&rd, &out), 0);
	/* Disarmed by the wake-up: a new event does not signal again. */
	publish_n(r, 1, 0);
	ck_assert_int_eq(read(fd, &n, sizeof n), -1);
	/* Arming with an event already waiting reports it instead. */
	ck_assert_int_eq(ring_reader_arm(&rd), 1);
	ring_reader_drain(&rd);
	ring_reader_fini(&rd);
}
END_TEST

struct waker {
	struct ring *r;
	int64_t delay_ns;
};

static void *
waker_main(void *arg)
{
	struct waker *w = arg;
	struct timespec ts = { 0, (long)w->delay_ns };

	nanosleep(&ts, NULL);
	publish_n(w->r, 1, 42);
	return (NULL);
}

/* Sleeping readers are woken by the writer, long before their timeout. */
START_TEST(test_ring_sleeping_reader_is_woken)
{
	struct ring_reader rd;
	struct opp_event out;
	struct waker w = { r, 50000000 };
	pthread_t t;
	int64_t t0, dt;

	ck_assert_int_eq(ring_reader_init(&rd, r, (enum ring_wait)_i), 0);
	t0 = now_ns();
	ck_assert_int_eq(pthread_create(&t, NULL, waker_main, &w), 0);
	ck_assert_int_eq(ring_reader_wait(&rd, &out, 10000000000LL), 1);
	dt = now_ns() - t0;
	pthread_join(t, NULL);
	ck_assert_uint_eq(out.id, 42);
	ck_assert_int_lt(dt, 5000000000LL);
	ring_reader_fini(&rd);
}
END_TEST

/*
 * Stress: one writer, three readers at different speeds.  Every payload
 * word derives from the sequence, so a torn or misplaced copy fails the
 * checksum; every reader must see strictly increasing sequences and
 * account for every event as read or lost.
 */
#define STRESS_READERS 3

struct stress {
	struct ring *r;
	uint64_t total;
	int done;
};

struct stress_reader {
	struct stress *s;
	struct ring_reader rd;
	unsigned pause_every; /* sleep after this many events; 0 never */
	uint64_t bad_order, bad_sum, last;
};

static uint64_t
stress_mix(uint64_t x)
{
	x ^= x >> 33;
	x *= UINT64_C(0xff51afd7ed558ccd);
	x ^= x >> 33;
	return (x);
}

static void
stress_fill(struct opp_event *ev, uint64_t seq)
{
	uint64_t h = stress_mix(seq);

	ev->id = h;
	ev->type = (uint8_t)h;
	ev->reason = (uint8_t)(h >> 8);
	ev->buy_venue = (uint8_t)(h >> 16);
	ev->sell_venue = (uint8_t)(h >> 24);
	ev->inst = (inst_id)(h >> 32);
	ev->updates = (uint16_t)(h >> 48);
	ev->buy_px = (int64_t)(h ^ 1);
	ev->sell_px = (int64_t)(h ^ 2);
	ev->buy_size = (int64_t)(h ^ 3);
	ev->sell_size = (int64_t)(h ^ 4);
	ev->gross_bps = (double)(h & 0xffff);
	ev->net_bps = (double)(h >> 48);
	ev->buy_ts = (int64_t)(h ^ 5);
	ev->open_ts = (int64_t)(h ^ 6);
}

static int
stress_check(const struct opp_event *ev)
{
	struct opp_event want;

	memset(&want, 0, sizeof want);
	stress_fill(&want, ev->seq);
	want.seq = ev->seq;
	return (memcmp(&want, ev, sizeof want) == 0);
}

static void *
stress_reader_main(void *arg)
{
	struct stress_reader *sr = arg;
	struct opp_event ev;
	uint64_t n = 0;

	for (;;) {
		if (!ring_reader_wait(&sr->rd, &ev, 1000000)) {
			if (__atomic_load_n(&sr->s->done, __ATOMIC_ACQUIRE) &&
			    sr->rd.next > sr->s->total)
				break;
			continue;
		}
		if (ev.seq <= sr->last)
			sr->bad_order++;
		sr->last = ev.seq;
		if (!stress_check(&ev))
			sr->bad_sum++;
		if (sr->pause_every && ++n % sr->pause_every == 0)
			usleep(200);
	}
	return (NULL);
}

START_TEST(test_ring_stress_three_readers)
{
	static const enum ring_wait waits[STRESS_READERS] = {
		RING_WAIT_YIELD,
		RING_WAIT_BLOCK,
		RING_WAIT_EVENTFD,
	};
	static const unsigned pauses[STRESS_READERS] = { 0, 5000, 500 };
	struct stress_reader sr[STRESS_READERS];
	struct stress s;
	struct opp_event ev;
	pthread_t t[STRESS_READERS];
	uint64_t i, lost = 0;
	unsigned k;

	s.r = ring_new(1024);
	ck_assert_ptr_nonnull(s.r);
	s.total = tcheck_slow() ? 200000 : 2000000;
	s.done = 0;
	for (k = 0; k < STRESS_READERS; k++) {
		memset(&sr[k], 0, sizeof sr[k]);
		sr[k].s = &s;
		sr[k].pause_every = pauses[k];
		ck_assert_int_eq(ring_reader_init(&sr[k].rd, s.r, waits[k]), 0);
		ck_assert_int_eq(pthread_create(&t[k], NULL, stress_reader_main,
				     &sr[k]),
		    0);
	}
	memset(&ev, 0, sizeof ev);
	for (i = 1; i <= s.total; i++) {
		stress_fill(&ev, i);
		ring_publish(s.r, &ev);
		if ((i & 63) == 0)
			ring_flush(s.r); /* batches of 64, like the reactor */
		if ((i & 1023) == 0)
			sched_yield(); /* let readers run on 2 cores */
	}
	ring_flush(s.r);
	__atomic_store_n(&s.done, 1, __ATOMIC_RELEASE);
	for (k = 0; k < STRESS_READERS; k++) {
		pthread_join(t[k], NULL);
		ck_assert_uint_eq(sr[k].bad_order, 0);
		ck_assert_uint_eq(sr[k].bad_sum, 0);
		ck_assert_uint_eq(sr[k].last, s.total);
		ck_assert_uint_eq(sr[k].rd.read + sr[k].rd.lost, s.total);
		lost += sr[k].rd.lost;
		ring_reader_fini(&sr[k].rd);
	}
	/* The pausing readers must have been lapped at least once. */
	ck_assert_uint_gt(lost, 0);
	ring_free(s.r);
}
END_TEST

static Suite *
ring_suite(void)
{
	Suite *s = suite_create("ring");
	TCase *tc;

	tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_ring_new_rejects_non_power_of_two);
	tcase_add_test(tc, test_ring_reader_sees_events_in_order);
	tcase_add_test(tc, test_ring_slow_reader_counts_losses);
	tcase_add_test(tc, test_ring_reader_starts_after_head);
	tcase_add_test(tc, test_ring_readers_are_independent);
	tcase_add_test(tc, test_ring_reader_slots_are_limited_and_reused);
	suite_add_tcase(s, tc);

	tc = tcase_create("wait");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_ring_wait_times_out, RING_WAIT_SPIN,
	    RING_WAIT_EVENTFD + 1);
	tcase_add_test(tc, test_ring_eventfd_arm_and_drain);
	tcase_add_test(tc, test_ring_wakeups_wait_for_flush);
	tcase_add_loop_test(tc, test_ring_sleeping_reader_is_woken,
	    RING_WAIT_SPIN, RING_WAIT_EVENTFD + 1);
	suite_add_tcase(s, tc);

	tc = tcase_create("stress");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_ring_stress_three_readers);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	return (tcheck_run(ring_suite()));
}
