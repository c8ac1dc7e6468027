/*
 * The engine's state as other threads see it: a plain-data snapshot the
 * reactor copies out every few milliseconds (engine.c), and a seqlock
 * cell to hand it over without a lock.
 *
 * The reactor is the only writer and never waits: it bumps the sequence
 * to odd, stores the words, and bumps it to even.  A reader copies the
 * words and retries if the sequence moved.  Every word is accessed with
 * a relaxed atomic, so there is no data race, only a retry; the copy is
 * about 1 KiB, so a retry is rare and short.
 */
#ifndef XARB_SNAP_H
#define XARB_SNAP_H

#include <stdint.h>

#include "types.h"

#define SNAP_READERS_MAX 4 /* ring readers the engine reports on */
#define SNAP_DROPS 8	   /* = VENUE_DROP_COUNT (checked in engine.c) */
#define SNAP_SKEW_UNKNOWN INT64_MIN

/* Every field is 64 bits: the cell copies the snapshot word by word. */
struct snap_venue {
	uint64_t enabled;	    /* configured */
	uint64_t connected;	    /* the engine runs a connection for it */
	uint64_t up;		    /* 1 while its quotes are live */
	uint64_t msgs;		    /* messages received */
	uint64_t drops[SNAP_DROPS]; /* by enum venue_drop */
	uint64_t reconnects;	    /* connection attempts after a failure */
	uint64_t losses;	    /* connections lost (not by shutdown) */
	int64_t last_msg_ts;	    /* CLOCK_REALTIME ns; 0 never */
	int64_t skew_ns;     /* receive minus venue time of its newest quote */
	uint64_t state;	     /* enum quote_state of the venue */
	uint64_t connecting; /* no stream open, one (re)connecting */
	char last_error[96]; /* NUL-terminated, whole 64-bit words */
};

struct snap {
	uint64_t gen;	  /* publications so far; 0: nothing yet */
	int64_t start_ts; /* CLOCK_REALTIME ns the engine started */
	int64_t taken_ts; /* when this snapshot was taken */
	uint64_t msgs;	  /* updates applied to the book */
	uint64_t bad_msgs;
	uint64_t opens, updates, closes; /* opportunity events published */
	uint64_t open_now;
	uint64_t log_dropped;
	uint64_t nreaders;
	uint64_t ring_lost[SNAP_READERS_MAX];
	struct snap_venue venue[VENUE_COUNT];
};

_Static_assert(sizeof(struct snap) % sizeof(uint64_t) == 0,
    "the cell copies a snapshot in 64-bit words");

struct snap_cell {
	uint64_t seq; /* odd while the writer is copying */
	struct snap s;
};

/* Writer (one thread): stores s into the cell.  Never waits. */
void snap_publish(struct snap_cell *c, const struct snap *s);

/* Any thread: copies a consistent snapshot out of the cell. */
void snap_read(const struct snap_cell *c, struct snap *out);

#endif /* XARB_SNAP_H */
