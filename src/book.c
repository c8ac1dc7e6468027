/*
 * Quote store and its sequence lock.
 *
 * The writer makes seq odd, stores the fields, and makes seq even again;
 * a reader copies between two reads of seq and retries if they differ or
 * are odd.  Every field is stored and loaded with relaxed atomics (plain
 * moves on x86-64 and arm64) so that the overlapping accesses are not
 * data races in the C11 sense: the fences order them, and a reader that
 * overlapped a write throws its copy away.
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "book.h"
#include "xmalloc.h"

#define LOAD(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)

struct book *
book_new(unsigned ninst)
{
	struct book *b;

	b = xcalloc(1, sizeof *b);
	b->ninst = ninst;
	b->q = xaligned_calloc(XARB_CACHELINE,
	    (size_t)ninst * VENUE_COUNT * sizeof *b->q);
	return (b);
}

void
book_free(struct book *b)
{
	if (b == NULL)
		return;
	free(b->q);
	free(b);
}

/* Publishes nv into q.  The writer is alone, so it may read q plainly. */
static void
book_publish(struct quote *q, const struct quote *nv)
{
	uint32_t s = q->seq;

	STORE(&q->seq, s + 1);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	STORE(&q->funding, nv->funding);
	STORE(&q->bid, nv->bid);
	STORE(&q->ask, nv->ask);
	STORE(&q->bid_size, nv->bid_size);
	STORE(&q->ask_size, nv->ask_size);
	STORE(&q->exch_ts, nv->exch_ts);
	STORE(&q->recv_ts, nv->recv_ts);
	STORE(&q->next_funding, nv->next_funding);
	STORE(&q->funding_min, nv->funding_min);
	STORE(&q->state, nv->state);
	STORE(&q->flags, nv->flags);
	__atomic_store_n(&q->seq, s + 2, __ATOMIC_RELEASE);
}

static int32_t
book_clamp_rate(struct book *b, int64_t r)
{
	if (r > INT32_MAX || r < -INT32_MAX) {
		b->stats.clamped++;
		return (r > 0 ? INT32_MAX : -INT32_MAX);
	}
	return ((int32_t)r);
}

struct quote *
book_apply(struct book *b, inst_id i, enum venue_id v,
    const struct quote_update *u, int64_t recv_ts)
{
	struct quote *q = book_quote(b, i, v);
	struct quote nv = *q;
	uint32_t m = u->mask;
	int64_t nf;

	if (m & QU_BID)
		nv.bid = u->bid;
	if (m & QU_ASK)
		nv.ask = u->ask;
	if (m & QU_BID_SIZE)
		nv.bid_size = u->bid_size;
	if (m & QU_ASK_SIZE)
		nv.ask_size = u->ask_size;
	if (m & QU_FUNDING)
		nv.funding = book_clamp_rate(b, u->funding);
	if (m & QU_FUNDING_MIN)
		nv.funding_min =
		    (uint16_t)(u->funding_min > UINT16_MAX ? UINT16_MAX
							   : u->funding_min);
	if (m & QU_NEXT_FUNDING) {
		nf = u->next_funding_ms / 1000;
		if (u->next_funding_ms < 0 || nf > UINT32_MAX) {
			b->stats.clamped++;
			nf = 0;
		}
		nv.next_funding = (uint32_t)nf;
	}
	if (m & QU_EXCH_TS)
		nv.exch_ts = u->exch_ts;
	if (m & QU_STATE)
		nv.state = u->state;
	if (m & QU_FLAGS)
		nv.flags = u->flags;
	/*
	 * recv_ts is the age of the top of book: a funding-only update must
	 * not make an old book look fresh.
	 */
	if (m & QU_TOP)
		nv.recv_ts = recv_ts;
	book_publish(q, &nv);
	b->stats.updates++;
	return (q);
}

void
book_set_state(struct book *b, enum venue_id v, enum quote_state st)
{
	struct quote *q, nv;
	unsigned i;

	for (i = 0; i < b->ninst; i++) {
		q = book_quote(b, (inst_id)i, v);
		if (q->state == st)
			continue;
		nv = *q;
		nv.state = (uint8_t)st;
		book_publish(q, &nv);
	}
}

unsigned
book_read(const struct quote *q, struct quote *out)
{
	uint32_t s1, s2;
	unsigned retries = 0;

	for (;; retries++) {
		s1 = __atomic_load_n(&q->seq, __ATOMIC_ACQUIRE);
		if (s1 & 1) {
			xarb_cpu_relax();
			continue;
		}
		out->funding = LOAD(&q->funding);
		out->bid = LOAD(&q->bid);
		out->ask = LOAD(&q->ask);
		out->bid_size = LOAD(&q->bid_size);
		out->ask_size = LOAD(&q->ask_size);
		out->exch_ts = LOAD(&q->exch_ts);
		out->recv_ts = LOAD(&q->recv_ts);
		out->next_funding = LOAD(&q->next_funding);
		out->funding_min = LOAD(&q->funding_min);
		out->state = LOAD(&q->state);
		out->flags = LOAD(&q->flags);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		s2 = LOAD(&q->seq);
		if (s1 == s2) {
			out->seq = s1;
			return (retries);
		}
	}
}

const char *
book_state_name(unsigned st)
{
	static const char *const names[] = { "down", "live", "stale",
		"resyncing" };

	return (st < 4 ? names[st] : "?");
}
