/*
 * The quote store: one 64-byte record per instrument x venue holding the
 * venue's top of book and funding.  Written only by the reactor thread
 * (book_apply, book_set_state); other threads read with book_read(), a
 * sequence lock that retries until it has a copy no write overlapped, so
 * it never returns a torn quote.  The reactor itself may read records
 * directly (book_quote), since it is the only writer.
 *
 * Hot path: book_apply allocates nothing, locks nothing, logs nothing.
 */
#ifndef XARB_BOOK_H
#define XARB_BOOK_H

#include <stdint.h>

#include "xarb.h"
#include "types.h"

enum quote_state {
	QUOTE_DOWN,	 /* no data: venue not connected (the zero value) */
	QUOTE_LIVE,	 /* streaming */
	QUOTE_STALE,	 /* connected but the stream has gone quiet */
	QUOTE_RESYNCING, /* reconnected, waiting for a fresh snapshot */
};

#define QUOTE_F_CONTINUOUS 0x01 /* funding accrues continuously (Paradex) */

struct quote {
	uint32_t seq;	 /* seqlock: odd while being written */
	int32_t funding; /* rate per interval, RATE_SCALE */
	int64_t bid;	 /* per coin, PX_SCALE; 0 = side empty */
	int64_t ask;
	int64_t bid_size; /* coins, QTY_SCALE */
	int64_t ask_size;
	int64_t exch_ts;       /* ns, venue clock; 0 unknown */
	int64_t recv_ts;       /* ns, CLOCK_REALTIME at the socket read */
	uint32_t next_funding; /* unix seconds; 0 unknown */
	uint16_t funding_min;  /* interval, minutes; 0 unknown */
	uint8_t state;	       /* enum quote_state */
	uint8_t flags;	       /* QUOTE_F_* */
} XARB_ALIGNED;

_Static_assert(sizeof(struct quote) == XARB_CACHELINE,
    "a quote must fill exactly one cache line");

/* Which fields of a quote_update carry data (venues send partial deltas). */
#define QU_BID 0x001
#define QU_ASK 0x002
#define QU_BID_SIZE 0x004
#define QU_ASK_SIZE 0x008
#define QU_FUNDING 0x010
#define QU_FUNDING_MIN 0x020
#define QU_NEXT_FUNDING 0x040
#define QU_EXCH_TS 0x080
#define QU_STATE 0x100
#define QU_FLAGS 0x200
#define QU_TOP (QU_BID | QU_ASK | QU_BID_SIZE | QU_ASK_SIZE)

/* A parsed, normalised update: canonical units, fields named by mask. */
struct quote_update {
	uint32_t mask;
	uint8_t state;
	uint8_t flags;
	int64_t bid, ask, bid_size, ask_size; /* PX_SCALE / QTY_SCALE */
	int64_t funding;		      /* RATE_SCALE */
	uint32_t funding_min;
	int64_t next_funding_ms;
	int64_t exch_ts; /* ns */
};

struct book_stats {
	uint64_t updates;
	uint64_t clamped; /* out-of-range funding or timestamps, clipped */
};

struct book {
	unsigned ninst;
	struct quote *q; /* owned: ninst * VENUE_COUNT, cache aligned */
	struct book_stats stats;
};

/* Allocates an all-DOWN book for ninst instruments.  Start-up only. */
struct book *book_new(unsigned ninst);

/* NULL is a no-op. */
void book_free(struct book *b);

/* The record for (i, v).  Reactor thread only for writing. */
static inline struct quote *
book_quote(struct book *b, inst_id i, enum venue_id v)
{
	return (&b->q[(unsigned)i * VENUE_COUNT + (unsigned)v]);
}

/* The record for (i, v), for readers (book_read()).  Any thread. */
static inline const struct quote *
book_quote_ro(const struct book *b, inst_id i, enum venue_id v)
{
	return (&b->q[(unsigned)i * VENUE_COUNT + (unsigned)v]);
}

/*
 * Merges u into (i, v), stamps recv_ts if u moves the top of book, and
 * publishes the result to readers.  Reactor thread only.  Returns the
 * quote.
 */
struct quote *book_apply(struct book *b, inst_id i, enum venue_id v,
    const struct quote_update *u, int64_t recv_ts);

/*
 * Sets the trust state of every quote of venue v (connection events).
 * Reactor thread only.
 */
void book_set_state(struct book *b, enum venue_id v, enum quote_state st);

/*
 * Copies q into *out consistently.  Any thread.  Returns the number of
 * retries it needed (0 when no write overlapped).
 */
unsigned book_read(const struct quote *q, struct quote *out);

/* "down", "live", "stale", "resyncing" */
const char *book_state_name(unsigned st);

#endif /* XARB_BOOK_H */
