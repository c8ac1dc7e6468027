/*
 * Tests of the quote store: partial updates merge, states, and the
 * sequence lock never hands a reader a torn quote while a writer thread
 * hammers the same record.
 */
#include "autoconf.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "xarb.h"
#include "book.h"
#include "tcheck.h"

static struct book *b;

static void
setup(void)
{
	b = book_new(3);
}

static void
teardown(void)
{
	book_free(b);
}

START_TEST(test_book_starts_down_and_aligned)
{
	unsigned i, v;

	for (i = 0; i < 3; i++) {
		for (v = 0; v < VENUE_COUNT; v++) {
			const struct quote *q = book_quote(b, (inst_id)i, v);
			ck_assert_uint_eq(q->state, QUOTE_DOWN);
			ck_assert_uint_eq((uintptr_t)q % XARB_CACHELINE, 0);
		}
	}
	ck_assert_str_eq(book_state_name(QUOTE_LIVE), "live");
	ck_assert_str_eq(book_state_name(QUOTE_RESYNCING), "resyncing");
	ck_assert_str_eq(book_state_name(99), "?");
}
END_TEST

/* A delta carries only what changed; the rest keeps its value. */
START_TEST(test_book_partial_update_merges)
{
	struct quote_update u;
	const struct quote *q;

	memset(&u, 0, sizeof u);
	u.mask = QU_TOP | QU_FUNDING | QU_FUNDING_MIN | QU_NEXT_FUNDING |
	    QU_EXCH_TS | QU_STATE;
	u.bid = 100;
	u.ask = 101;
	u.bid_size = 5;
	u.ask_size = 6;
	u.funding = 12500;
	u.funding_min = 60;
	u.next_funding_ms = INT64_C(1764003600000);
	u.exch_ts = 777;
	u.state = QUOTE_LIVE;
	q = book_apply(b, 1, VENUE_BYBIT, &u, 1000);
	ck_assert_uint_eq(q->seq, 2);
	memset(&u, 0, sizeof u);
	u.mask = QU_ASK;
	u.ask = 102;
	q = book_apply(b, 1, VENUE_BYBIT, &u, 2000);
	ck_assert_int_eq(q->bid, 100);
	ck_assert_int_eq(q->ask, 102);
	ck_assert_int_eq(q->bid_size, 5);
	ck_assert_int_eq(q->ask_size, 6);
	ck_assert_int_eq(q->funding, 12500);
	ck_assert_uint_eq(q->funding_min, 60);
	ck_assert_uint_eq(q->next_funding, 1764003600u);
	ck_assert_int_eq(q->exch_ts, 777);
	ck_assert_int_eq(q->recv_ts, 2000);
	ck_assert_uint_eq(q->state, QUOTE_LIVE);
	ck_assert_uint_eq(q->seq, 4);
	ck_assert_uint_eq(b->stats.updates, 2);
	/* Other records are untouched. */
	ck_assert_int_eq(book_quote(b, 0, VENUE_BYBIT)->bid, 0);
	ck_assert_int_eq(book_quote(b, 1, VENUE_OKX)->bid, 0);
}
END_TEST

START_TEST(test_book_clamps_and_counts_out_of_range)
{
	struct quote_update u;
	const struct quote *q;

	memset(&u, 0, sizeof u);
	u.mask = QU_FUNDING | QU_NEXT_FUNDING;
	u.funding = INT64_C(5) * RATE_SCALE; /* 500 %: garbage */
	u.next_funding_ms = -5;
	q = book_apply(b, 0, VENUE_OKX, &u, 1);
	ck_assert_int_eq(q->recv_ts, 0); /* funding is not a fresh book */
	ck_assert_int_eq(q->funding, INT32_MAX);
	ck_assert_uint_eq(q->next_funding, 0);
	ck_assert_uint_eq(b->stats.clamped, 2);
}
END_TEST

START_TEST(test_book_set_state_covers_one_venue)
{
	struct quote_update u;
	unsigned i;

	memset(&u, 0, sizeof u);
	u.mask = QU_STATE;
	u.state = QUOTE_LIVE;
	for (i = 0; i < 3; i++) {
		book_apply(b, (inst_id)i, VENUE_KUCOIN, &u, 1);
		book_apply(b, (inst_id)i, VENUE_BITGET, &u, 1);
	}
	book_set_state(b, VENUE_KUCOIN, QUOTE_STALE);
	for (i = 0; i < 3; i++) {
		ck_assert_uint_eq(book_quote(b, (inst_id)i, VENUE_KUCOIN)
				      ->state,
		    QUOTE_STALE);
		ck_assert_uint_eq(book_quote(b, (inst_id)i, VENUE_BITGET)
				      ->state,
		    QUOTE_LIVE);
	}
}
END_TEST

START_TEST(test_book_read_copies_whole_quote)
{
	struct quote_update u;
	struct quote out;

	memset(&u, 0, sizeof u);
	u.mask = QU_TOP | QU_STATE;
	u.bid = 1;
	u.ask = 2;
	u.bid_size = 3;
	u.ask_size = 4;
	u.state = QUOTE_LIVE;
	book_apply(b, 2, VENUE_BINANCE, &u, 99);
	ck_assert_uint_eq(book_read(book_quote(b, 2, VENUE_BINANCE), &out), 0);
	ck_assert_int_eq(out.bid, 1);
	ck_assert_int_eq(out.ask, 2);
	ck_assert_int_eq(out.bid_size, 3);
	ck_assert_int_eq(out.ask_size, 4);
	ck_assert_int_eq(out.recv_ts, 99);
	ck_assert_uint_eq(out.seq, 2);
	ck_assert_uint_eq(out.state, QUOTE_LIVE);
}
END_TEST

/*
 * Torn-read stress: the writer stores quotes whose every field derives
 * from one counter k; readers check each copy is consistent.
 */
struct torn {
	struct book *b;
	uint64_t n;
	int done;
	uint64_t reads, torn, retries;
};

static void *
torn_writer(void *arg)
{
	struct torn *t = arg;
	struct quote_update u;
	uint64_t k;

	memset(&u, 0, sizeof u);
	u.mask =
	    QU_TOP | QU_FUNDING | QU_FUNDING_MIN | QU_EXCH_TS | QU_NEXT_FUNDING;
	for (k = 1; k <= t->n; k++) {
		u.bid = (int64_t)k;
		u.ask = (int64_t)k + 1;
		u.bid_size = (int64_t)k * 3;
		u.ask_size = (int64_t)k * 5;
		u.funding = (int64_t)(k % 1000000);
		u.funding_min = (uint32_t)(k % 60000);
		u.exch_ts = (int64_t)k * 7;
		u.next_funding_ms = (int64_t)(k % 4000000) * 1000;
		book_apply(t->b, 0, VENUE_PARADEX, &u, (int64_t)k * 11);
	}
	__atomic_store_n(&t->done, 1, __ATOMIC_RELEASE);
	return (NULL);
}

static void *
torn_reader(void *arg)
{
	struct torn *t = arg;
	const struct quote *q = book_quote(t->b, 0, VENUE_PARADEX);
	struct quote o;
	int64_t k;

	while (!__atomic_load_n(&t->done, __ATOMIC_ACQUIRE)) {
		t->retries += book_read(q, &o);
		t->reads++;
		k = o.bid;
		if (k == 0)
			continue; /* before the first write */
		if (o.ask != k + 1 || o.bid_size != k * 3 ||
		    o.ask_size != k * 5 || o.funding != k % 1000000 ||
		    o.funding_min != k % 60000 || o.exch_ts != k * 7 ||
		    o.recv_ts != k * 11 || o.next_funding != k % 4000000 ||
		    (o.seq & 1) != 0)
			t->torn++;
	}
	return (NULL);
}

START_TEST(test_book_seqlock_never_tears)
{
	struct torn t;
	pthread_t w, r;

	memset(&t, 0, sizeof t);
	t.b = b;
	t.n = tcheck_slow() ? 200000 : 3000000;
	ck_assert_int_eq(pthread_create(&r, NULL, torn_reader, &t), 0);
	ck_assert_int_eq(pthread_create(&w, NULL, torn_writer, &t), 0);
	pthread_join(w, NULL);
	pthread_join(r, NULL);
	ck_assert_uint_gt(t.reads, 0);
	ck_assert_uint_eq(t.torn, 0);
}
END_TEST

static Suite *
book_suite(void)
{
	Suite *s = suite_create("book");
	TCase *tc;

	tc = tcase_create("update");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_book_starts_down_and_aligned);
	tcase_add_test(tc, test_book_partial_update_merges);
	tcase_add_test(tc, test_book_clamps_and_counts_out_of_range);
	tcase_add_test(tc, test_book_set_state_covers_one_venue);
	tcase_add_test(tc, test_book_read_copies_whole_quote);
	suite_add_tcase(s, tc);

	tc = tcase_create("seqlock");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_book_seqlock_never_tears);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	return (tcheck_run(book_suite()));
}
