/*
 * The snapshot seqlock (see snap.h).
 */
#include "autoconf.h"

#include <sched.h>

#include "snap.h"

#define SNAP_WORDS (sizeof(struct snap) / sizeof(uint64_t))

void
snap_publish(struct snap_cell *c, const struct snap *s)
{
	const uint64_t *src = (const uint64_t *)(const void *)s;
	uint64_t *dst = (uint64_t *)(void *)&c->s;
	uint64_t seq = __atomic_load_n(&c->seq, __ATOMIC_RELAXED);
	size_t i;

	__atomic_store_n(&c->seq, seq + 1, __ATOMIC_RELAXED);
	/* The odd sequence must be visible before any new word. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	for (i = 0; i < SNAP_WORDS; i++)
		__atomic_store_n(&dst[i], src[i], __ATOMIC_RELAXED);
	__atomic_store_n(&c->seq, seq + 2, __ATOMIC_RELEASE);
}

void
snap_read(const struct snap_cell *c, struct snap *out)
{
	const uint64_t *src = (const uint64_t *)(const void *)&c->s;
	uint64_t *dst = (uint64_t *)(void *)out;
	uint64_t s1, s2;
	size_t i;

	for (;;) {
		s1 = __atomic_load_n(&c->seq, __ATOMIC_ACQUIRE);
		if ((s1 & 1) == 0) {
			for (i = 0; i < SNAP_WORDS; i++)
				dst[i] =
				    __atomic_load_n(&src[i], __ATOMIC_RELAXED);
			/* The words must be read before the re-check. */
			__atomic_thread_fence(__ATOMIC_ACQUIRE);
			s2 = __atomic_load_n(&c->seq, __ATOMIC_RELAXED);
			if (s1 == s2)
				return;
		}
		/* The writer is mid-copy (a microsecond): let it run. */
		sched_yield();
	}
}
