/*
 * The opportunity ring: one writer (the reactor thread, via the
 * detector), any number of readers (dashboard, executor, Redis sink),
 * each with its own cursor.  The writer never waits for anyone: a reader
 * that falls more than a lap behind skips to the oldest event still in
 * the ring and counts what it lost.  Slots carry a version word, so a
 * reader never returns an event that was overwritten while it copied.
 *
 * Readers choose how to wait: spin (lowest latency, burns a core), yield,
 * block on a futex, or an eventfd they can put in their own event loop.
 * The writer pays for a wake-up only while some reader is actually
 * asleep, and then once per batch (ring_flush), not per event.
 */
#ifndef XARB_RING_H
#define XARB_RING_H

#include <stdint.h>

#include "opp.h"

#define RING_SLOTS_DEFAULT 1024
#define RING_READERS_MAX 16

enum ring_wait {
	RING_WAIT_SPIN,
	RING_WAIT_YIELD,
	RING_WAIT_BLOCK,   /* futex */
	RING_WAIT_EVENTFD, /* ring_reader_fd() + ring_reader_arm() */
};

struct ring;

struct ring_stats {
	uint64_t published;
	uint64_t wakeups; /* futex or eventfd wake-ups the writer issued */
};

/*
 * A reader's cursor.  Caller-owned storage; used by one thread at a
 * time.  Fields are read-only to callers.
 */
struct ring_reader {
	struct ring *r; /* borrowed */
	uint64_t next;	/* sequence of the next event to return */
	uint64_t read;	/* events returned */
	uint64_t lost;	/* events overwritten before this reader saw them */
	enum ring_wait wait;
	int index; /* registration slot in the ring */
};

/*
 * Creates a ring of slots events (a power of two, >= 2).  Returns NULL
 * if slots is not a power of two or memory is short.
 */
struct ring *ring_new(uint64_t slots);

/* Frees the ring.  All readers must be finished.  NULL is a no-op. */
void ring_free(struct ring *r);

uint64_t ring_capacity(const struct ring *r);

/*
 * Copies ev into the next slot, sets its seq, and makes it visible to
 * readers that poll.  Writer thread only; never blocks, allocates
 * nothing, makes no system call.
 */
void ring_publish(struct ring *r, const struct opp_event *ev);

/*
 * Wakes readers sleeping in RING_WAIT_BLOCK or RING_WAIT_EVENTFD.  The
 * writer calls it after each batch of publishes (the reactor: before its
 * loop blocks); a sleeping reader waits until then.  One fence when no
 * reader sleeps.  Writer thread only.
 */
void ring_flush(struct ring *r);

/* The sequence of the last published event (0 before the first). */
uint64_t ring_head(const struct ring *r);

void ring_get_stats(const struct ring *r, struct ring_stats *st);

/*
 * Registers a reader that starts after the last published event.
 * Returns 0, or -1 when RING_READERS_MAX readers exist (or the eventfd
 * could not be made).
 */
int ring_reader_init(struct ring_reader *rd, struct ring *r,
    enum ring_wait wait);

/* Unregisters the reader.  Safe on a reader whose init failed. */
void ring_reader_fini(struct ring_reader *rd);

/*
 * Copies the next event into *out without waiting.  Returns 1, or 0 if
 * there is none yet.  Skips (and counts in rd->lost) events that were
 * overwritten.
 */
int ring_reader_next(struct ring_reader *rd, struct opp_event *out);

/*
 * Waits up to timeout_ns (< 0: forever) for the next event, the way
 * rd->wait says.  Returns 1 with *out filled, or 0 on timeout.
 */
int ring_reader_wait(struct ring_reader *rd, struct opp_event *out,
    int64_t timeout_ns);

/*
 * RING_WAIT_EVENTFD readers: the descriptor becomes readable after
 * ring_reader_arm() returned 0 and an event is published.  Arm before
 * going to sleep; after waking, ring_reader_drain() and read events
 * with ring_reader_next() until it returns 0, then arm again.
 */
int ring_reader_fd(const struct ring_reader *rd);

/* Returns 1 if events are already waiting (then it did not arm), else 0. */
int ring_reader_arm(struct ring_reader *rd);

/* Clears the eventfd's counter. */
void ring_reader_drain(struct ring_reader *rd);

#endif /* XARB_RING_H */
