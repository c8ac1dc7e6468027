/*
 * Single-writer, multi-reader broadcast ring.
 *
 * Slot version protocol: event seq s lives in slot s & mask.  While the
 * writer fills it the version is 2s-1 (odd); when it is complete, 2s.  A
 * reader wanting s loads the version (acquire), copies the payload with
 * relaxed loads, fences (acquire) and loads the version again: if both
 * reads equal 2s the copy is whole.  A version above 2s means the writer
 * has lapped the reader; it jumps to the oldest event that is still
 * intact and adds the gap to rd->lost.  Payload words are copied with
 * relaxed atomics so that the overlaps the protocol detects are not C11
 * data races (plain moves on x86-64).
 *
 * Wake-ups (Dekker style) are batched: ring_publish() only stores, and
 * the writer calls ring_flush() once per batch (the reactor does it
 * before the loop sleeps).  A reader about to sleep increments
 * r->sleepers with a sequentially consistent RMW, then re-checks the head
 * with a sequentially consistent load; ring_flush() issues a
 * sequentially consistent fence after the head stores, then reads
 * r->sleepers.  So at least one side sees the other: either the reader
 * finds the event or the writer finds a sleeper and wakes it.  A
 * sleeping reader thus costs the writer one syscall per batch, never one
 * per event, and with no sleepers a flush is one fence.
 */
#include "autoconf.h"

#include <sys/eventfd.h>
#include <sys/syscall.h>

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "xarb.h"
#include "ring.h"

typedef uint64_t __attribute__((may_alias)) ring_word;

#define RING_WORDS (sizeof(struct opp_event) / sizeof(ring_word))

struct ring_slot {
	uint64_t ver; /* 2s complete, 2s-1 being written, 0 never used */
	struct opp_event ev;
} XARB_ALIGNED;

/* Per registered reader, owned by the ring so the writer never touches
 * freed memory; the eventfd lives as long as the ring. */
struct ring_waiter {
	uint32_t used;
	uint32_t armed; /* eventfd reader asleep: the writer must signal */
	int efd;	/* -1 until an eventfd reader registers here */
	int wait;	/* enum ring_wait; atomic: slots are reused */
};

struct ring {
	/* Writer's line. */
	uint64_t head XARB_ALIGNED; /* last published sequence */
	uint64_t mask;
	struct ring_slot *slots; /* owned */
	struct ring_stats stats;

	/* Readers' line: touched by the writer only when someone sleeps. */
	uint32_t sleepers XARB_ALIGNED;
	uint32_t futex;
	struct ring_waiter waiters[RING_READERS_MAX];
};

struct ring *
ring_new(uint64_t slots)
{
	struct ring *r;
	unsigned i;

	if (slots < 2 || (slots & (slots - 1)) != 0 || slots > (1u << 30))
		return (NULL);
	if (posix_memalign((void **)&r, XARB_CACHELINE, sizeof *r) != 0)
		return (NULL);
	memset(r, 0, sizeof *r);
	if (posix_memalign((void **)&r->slots, XARB_CACHELINE,
		slots * sizeof *r->slots) != 0) {
		free(r);
		return (NULL);
	}
	memset(r->slots, 0, slots * sizeof *r->slots);
	r->mask = slots - 1;
	for (i = 0; i < RING_READERS_MAX; i++)
		r->waiters[i].efd = -1;
	return (r);
}

void
ring_free(struct ring *r)
{
	unsigned i;

	if (r == NULL)
		return;
	for (i = 0; i < RING_READERS_MAX; i++) {
		if (r->waiters[i].efd != -1)
			close(r->waiters[i].efd);
	}
	free(r->slots);
	free(r);
}

uint64_t
ring_capacity(const struct ring *r)
{
	return (r->mask + 1);
}

uint64_t
ring_head(const struct ring *r)
{
	return (__atomic_load_n(&r->head, __ATOMIC_ACQUIRE));
}

void
ring_get_stats(const struct ring *r, struct ring_stats *st)
{
	st->published = __atomic_load_n(&r->stats.published, __ATOMIC_RELAXED);
	st->wakeups = __atomic_load_n(&r->stats.wakeups, __ATOMIC_RELAXED);
}

static long
ring_futex(uint32_t *addr, int op, uint32_t val, const struct timespec *ts)
{
	return (syscall(SYS_futex, addr, op, val, ts, NULL, 0));
}

/* Cold: only runs while a reader sleeps. */
static void
ring_wake(struct ring *r)
{
	struct ring_waiter *w;
	uint64_t one = 1;
	unsigned i, n = 0;
	ssize_t rv;
	int wait;

	__atomic_fetch_add(&r->futex, 1, __ATOMIC_SEQ_CST);
	for (i = 0; i < RING_READERS_MAX; i++) {
		w = &r->waiters[i];
		if (__atomic_load_n(&w->used, __ATOMIC_ACQUIRE) != 1)
			continue;
		wait = __atomic_load_n(&w->wait, __ATOMIC_RELAXED);
		if (wait == RING_WAIT_BLOCK)
			n++;
		else if (wait == RING_WAIT_EVENTFD &&
		    __atomic_exchange_n(&w->armed, 0, __ATOMIC_ACQ_REL)) {
			__atomic_fetch_sub(&r->sleepers, 1, __ATOMIC_SEQ_CST);
			do
				rv = write(w->efd, &one, sizeof one);
			while (rv == -1 && errno == EINTR);
		}
	}
	if (n > 0)
		ring_futex(&r->futex, FUTEX_WAKE_PRIVATE, INT_MAX, NULL);
	__atomic_store_n(&r->stats.wakeups, r->stats.wakeups + 1,
	    __ATOMIC_RELAXED);
}

void
ring_publish(struct ring *r, const struct opp_event *ev)
{
	uint64_t seq = r->head + 1;
	struct ring_slot *slot = &r->slots[seq & r->mask];
	ring_word *dst = (ring_word *)&slot->ev;
	const ring_word *src = (const ring_word *)ev;
	unsigned i;

	__atomic_store_n(&slot->ver, 2 * seq - 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&dst[0], seq, __ATOMIC_RELAXED); /* ev->seq */
	for (i = 1; i < RING_WORDS; i++)
		__atomic_store_n(&dst[i], src[i], __ATOMIC_RELAXED);
	__atomic_store_n(&slot->ver, 2 * seq, __ATOMIC_RELEASE);
	__atomic_store_n(&r->head, seq, __ATOMIC_RELEASE);
	__atomic_store_n(&r->stats.published, r->stats.published + 1,
	    __ATOMIC_RELAXED);
}

void
ring_flush(struct ring *r)
{
	/* Orders every head store before the sleepers load (see top). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (unlikely(__atomic_load_n(&r->sleepers, __ATOMIC_RELAXED) != 0))
		ring_wake(r);
}

int
ring_reader_init(struct ring_reader *rd, struct ring *r, enum ring_wait wait)
{
	struct ring_waiter *w;
	uint32_t zero;
	int i;

	memset(rd, 0, sizeof *rd);
	rd->index = -1;
	rd->r = r;
	rd->wait = wait;
	for (i = 0; i < RING_READERS_MAX; i++) {
		w = &r->waiters[i];
		zero = 0;
		if (__atomic_compare_exchange_n(&w->used, &zero, 2, 0,
			__ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			break;
	}
	if (i == RING_READERS_MAX)
		return (-1);
	/* used == 2: claimed but not yet visible to the writer's scan. */
	if (wait == RING_WAIT_EVENTFD && w->efd == -1 &&
	    (w->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1) {
		__atomic_store_n(&w->used, 0, __ATOMIC_RELEASE);
		return (-1);
	}
	__atomic_store_n(&w->wait, (int)wait, __ATOMIC_RELAXED);
	w->armed = 0;
	rd->index = i;
	rd->next = ring_head(r) + 1;
	__atomic_store_n(&w->used, 1, __ATOMIC_RELEASE);
	return (0);
}

void
ring_reader_fini(struct ring_reader *rd)
{
	struct ring_waiter *w;

	if (rd->r == NULL || rd->index < 0)
		return;
	w = &rd->r->waiters[rd->index];
	if (__atomic_exchange_n(&w->armed, 0, __ATOMIC_ACQ_REL))
		__atomic_fetch_sub(&rd->r->sleepers, 1, __ATOMIC_SEQ_CST);
	__atomic_store_n(&w->used, 0, __ATOMIC_RELEASE);
	rd->index = -1;
}

int
ring_reader_next(struct ring_reader *rd, struct opp_event *out)
{
	struct ring *r = rd->r;
	struct ring_slot *slot;
	const ring_word *src;
	ring_word *dst = (ring_word *)out;
	uint64_t head, v1, v2, cap = r->mask + 1, oldest;
	unsigned i;

	/*
	 * Fast path: the slot's version alone says whether event next is
	 * complete, so a caught-up reader polls the line the writer writes
	 * anyway and never pulls the writer's head line across CPUs.
	 */
	slot = &r->slots[rd->next & r->mask];
	v1 = __atomic_load_n(&slot->ver, __ATOMIC_ACQUIRE);
	if (v1 == 2 * rd->next) {
		src = (const ring_word *)&slot->ev;
		for (i = 0; i < RING_WORDS; i++)
			dst[i] = __atomic_load_n(&src[i], __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&slot->ver, __ATOMIC_RELAXED) == v1) {
			rd->next++;
			rd->read++;
			return (1);
		}
	} else if (v1 < 2 * rd->next - 1)
		return (0); /* the slot still holds an older lap: not yet */
	for (;;) {
		head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
		if (rd->next > head)
			return (0);
		if (head - rd->next >= cap) {
			oldest = head - cap + 1;
			rd->lost += oldest - rd->next;
			rd->next = oldest;
		}
		slot = &r->slots[rd->next & r->mask];
		v1 = __atomic_load_n(&slot->ver, __ATOMIC_ACQUIRE);
		if (v1 != 2 * rd->next) {
			if (v1 < 2 * rd->next)
				return (0); /* cannot happen: head is later */
			/* Being overwritten by seq (v1+1)/2: skip past it. */
			oldest = (v1 + 1) / 2 - cap + 1;
			if (oldest > rd->next) {
				rd->lost += oldest - rd->next;
				rd->next = oldest;
			}
			continue;
		}
		src = (const ring_word *)&slot->ev;
		for (i = 0; i < RING_WORDS; i++)
			dst[i] = __atomic_load_n(&src[i], __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		v2 = __atomic_load_n(&slot->ver, __ATOMIC_RELAXED);
		if (v2 != v1)
			continue; /* overwritten while we copied */
		rd->next++;
		rd->read++;
		return (1);
	}
}

static int64_t
ring_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
}

int
ring_reader_fd(const struct ring_reader *rd)
{
	if (rd->index < 0)
		return (-1);
	return (rd->r->waiters[rd->index].efd);
}

int
ring_reader_arm(struct ring_reader *rd)
{
	struct ring *r = rd->r;
	struct ring_waiter *w = &r->waiters[rd->index];

	__atomic_store_n(&w->armed, 1, __ATOMIC_SEQ_CST);
	__atomic_fetch_add(&r->sleepers, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&r->head, __ATOMIC_SEQ_CST) < rd->next)
		return (0);
	if (__atomic_exchange_n(&w->armed, 0, __ATOMIC_ACQ_REL))
		__atomic_fetch_sub(&r->sleepers, 1, __ATOMIC_SEQ_CST);
	return (1);
}

void
ring_reader_drain(struct ring_reader *rd)
{
	uint64_t n;
	int fd = ring_reader_fd(rd);

	if (fd != -1)
		while (read(fd, &n, sizeof n) == -1 && errno == EINTR)
			;
}

/* Sleeps on the futex until the writer bumps it or the deadline passes. */
static void
ring_reader_block(struct ring_reader *rd, int64_t deadline)
{
	struct ring *r = rd->r;
	struct timespec ts, *tsp = NULL;
	int64_t left;
	uint32_t f;

	f = __atomic_load_n(&r->futex, __ATOMIC_SEQ_CST);
	__atomic_fetch_add(&r->sleepers, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&r->head, __ATOMIC_SEQ_CST) < rd->next) {
		if (deadline >= 0) {
			left = deadline - ring_now_ns();
			if (left < 0)
				left = 0;
			ts.tv_sec = left / 1000000000;
			ts.tv_nsec = left % 1000000000;
			tsp = &ts;
		}
		ring_futex(&r->futex, FUTEX_WAIT_PRIVATE, f, tsp);
	}
	__atomic_fetch_sub(&r->sleepers, 1, __ATOMIC_SEQ_CST);
}

static void
ring_reader_poll(struct ring_reader *rd, int64_t deadline)
{
	struct pollfd pfd;
	int64_t left;
	int ms = -1;

	if (ring_reader_arm(rd))
		return;
	if (deadline >= 0) {
		left = deadline - ring_now_ns();
		ms = left <= 0 ? 0 : (int)((left + 999999) / 1000000);
	}
	pfd.fd = ring_reader_fd(rd);
	pfd.events = POLLIN;
	poll(&pfd, 1, ms);
	ring_reader_drain(rd);
	/* Disarm if the writer did not: we are awake either way. */
	if (__atomic_exchange_n(&rd->r->waiters[rd->index].armed, 0,
		__ATOMIC_ACQ_REL))
		__atomic_fetch_sub(&rd->r->sleepers, 1, __ATOMIC_SEQ_CST);
}

int
ring_reader_wait(struct ring_reader *rd, struct opp_event *out,
    int64_t timeout_ns)
{
	int64_t deadline = -1;
	unsigned spins = 0;
	int sleeps;

	if (ring_reader_next(rd, out))
		return (1);
	if (timeout_ns == 0)
		return (0);
	if (timeout_ns > 0)
		deadline = ring_now_ns() + timeout_ns;
	sleeps = rd->wait == RING_WAIT_BLOCK || rd->wait == RING_WAIT_EVENTFD;
	for (;; spins++) {
		if (ring_reader_next(rd, out))
			return (1);
		/* Sleepers check the clock each time, spinners now and then. */
		if (deadline >= 0 && (sleeps || (spins & 63) == 0) &&
		    ring_now_ns() >= deadline)
			return (ring_reader_next(rd, out));
		switch (rd->wait) {
		case RING_WAIT_SPIN:
			xarb_cpu_relax();
			break;
		case RING_WAIT_YIELD:
			sched_yield();
			break;
		case RING_WAIT_BLOCK:
			/* A short spin first: the next event is often close. */
			if (spins < 64)
				xarb_cpu_relax();
			else
				ring_reader_block(rd, deadline);
			break;
		case RING_WAIT_EVENTFD:
			ring_reader_poll(rd, deadline);
			break;
		}
	}
}
