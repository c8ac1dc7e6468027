/*
 * Tests of the dashboard's pane models without a terminal: the
 * opportunity model (tui/tui_opps.c: events in, the live set, the
 * recently closed ring, sort orders, the filter, the exact text of the
 * rows) and the quotes pane (tui/tui_quotes.c: a real quote store, the
 * best bid and ask across usable venues, the row text).
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "xarb.h"
#include "book.h"
#include "config.h"
#include "fixed.h"
#include "symbols.h"
#include "tcheck.h"
#include "tui/tui_opps.h"
#include "tui/tui_quotes.h"
#include "venues.h"

#define T0 (INT64_C(1800000000) * NS_PER_S)

static struct config *cfg;
static struct symbols *sym;
static struct tui_opps *o;

static void
setup(void)
{
	char *cause = NULL;

	cfg = config_new();
	sym = symbols_new(cfg, &cause);
	ck_assert_msg(sym != NULL, "%s", cause);
	o = calloc(1, sizeof *o);
	ck_assert_ptr_nonnull(o);
	tui_opps_init(o);
}

static void
teardown(void)
{
	free(o);
	symbols_free(sym);
	config_free(cfg);
}

/* An event of opportunity id on (inst, buy, sell) at T0 + ms. */
static struct opp_event
t_ev(uint64_t id, enum opp_type type, inst_id inst, enum venue_id buy,
    enum venue_id sell, double net, double conf, int64_t open_ms, int64_t ms)
{
	struct opp_event ev;

	memset(&ev, 0, sizeof ev);
	ev.id = id;
	ev.type = (uint8_t)type;
	ev.inst = inst;
	ev.buy_venue = (uint8_t)buy;
	ev.sell_venue = (uint8_t)sell;
	ev.gross_bps = net + 20;
	ev.fee_bps = 10;
	ev.slip_bps = 6;
	ev.funding_bps = 4;
	ev.net_bps = net;
	ev.confidence = conf;
	ev.buy_size = 2 * QTY_SCALE;
	ev.sell_size = QTY_SCALE + QTY_SCALE / 4;
	ev.open_ts = T0 + open_ms * NS_PER_MS;
	ev.detect_ts = T0 + ms * NS_PER_MS;
	return (ev);
}

static void
t_apply(struct opp_event ev)
{
	tui_opps_apply(o, &ev);
}

START_TEST(test_tui_opps_open_update_close)
{
	const struct tui_closed *c;

	t_apply(t_ev(1, OPP_OPEN, 0, VENUE_OKX, VENUE_BYBIT, 50, 80, 0, 0));
	t_apply(t_ev(2, OPP_OPEN, 1, VENUE_BINANCE, VENUE_BITGET, 30, 75, 10,
	    10));
	ck_assert_uint_eq(o->nlive, 2);
	t_apply(t_ev(1, OPP_UPDATE, 0, VENUE_OKX, VENUE_BYBIT, 55, 82, 0, 20));
	ck_assert_uint_eq(o->nlive, 2);
	ck_assert_double_eq(o->live[0].ev.net_bps, 55);
	ck_assert_int_eq(o->live[0].last_ts, T0 + 20 * NS_PER_MS);
	t_apply(t_ev(1, OPP_CLOSE, 0, VENUE_OKX, VENUE_BYBIT, -2, 70, 0, 1500));
	ck_assert_uint_eq(o->nlive, 1);
	ck_assert_uint_eq(o->live[0].ev.id, 2);
	c = tui_opps_closed(o, 0);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->ev.id, 1);
	ck_assert_int_eq(c->lifetime_ns, 1500 * NS_PER_MS);
	ck_assert_ptr_null(tui_opps_closed(o, 1));
	/* Events of ids never seen open: counted, nothing shown. */
	t_apply(t_ev(9, OPP_UPDATE, 0, VENUE_OKX, VENUE_BYBIT, 5, 5, 0, 0));
	t_apply(t_ev(9, OPP_CLOSE, 0, VENUE_OKX, VENUE_BYBIT, 5, 5, 0, 0));
	ck_assert_uint_eq(o->orphans, 2);
	ck_assert_uint_eq(o->nlive, 1);
	ck_assert_uint_eq(o->nclosed, 1);
	/* After lost events the live set is rebuilt from what follows. */
	tui_opps_forget_live(o);
	ck_assert_uint_eq(o->nlive, 0);
	ck_assert_uint_eq(o->nclosed, 1);
}
END_TEST

START_TEST(test_tui_opps_full_sets)
{
	unsigned k;

	for (k = 0; k < TUI_OPPS_MAX + 3; k++)
		t_apply(t_ev(k + 1, OPP_OPEN, 0, VENUE_OKX, VENUE_BYBIT, 50, 80,
		    0, 0));
	ck_assert_uint_eq(o->nlive, TUI_OPPS_MAX);
	ck_assert_uint_eq(o->overflow, 3);
	for (k = 0; k < TUI_OPPS_MAX; k++)
		t_apply(t_ev(k + 1, OPP_CLOSE, 0, VENUE_OKX, VENUE_BYBIT, 1, 1,
		    0, (int64_t)k));
	ck_assert_uint_eq(o->nlive, 0);
	/* The closed ring keeps the newest TUI_CLOSED_MAX, newest first. */
	ck_assert_uint_eq(o->nclosed, TUI_CLOSED_MAX);
	ck_assert_uint_eq(tui_opps_closed(o, 0)->ev.id, TUI_OPPS_MAX);
	ck_assert_uint_eq(tui_opps_closed(o, TUI_CLOSED_MAX - 1)->ev.id,
	    TUI_OPPS_MAX - TUI_CLOSED_MAX + 1);
	ck_assert_ptr_null(tui_opps_closed(o, TUI_CLOSED_MAX));
}
END_TEST

/* The ids of the view, as "3 1 2". */
static const char *
t_view(enum tui_sort s, const char *filter, unsigned max)
{
	unsigned idx[TUI_OPPS_MAX], n, k;
	char *buf = tcheck_asprintf("%s", "");

	n = tui_opps_view(o, sym, s, filter, idx, max);
	for (k = 0; k < n; k++)
		buf = tcheck_asprintf("%s%s%llu", buf, k > 0 ? " " : "",
		    (unsigned long long)o->live[idx[k]].ev.id);
	return (buf);
}

START_TEST(test_tui_opps_sort_and_filter)
{
	/* id, instrument, legs, net, confidence, opened at. */
	t_apply(t_ev(1, OPP_OPEN, 2, VENUE_OKX, VENUE_BYBIT, 40, 90, 100, 0));
	t_apply(t_ev(2, OPP_OPEN, 0, VENUE_KUCOIN, VENUE_BINANCE, 60, 70, 300,
	    0));
	t_apply(t_ev(3, OPP_OPEN, 1, VENUE_HYPERLIQUID, VENUE_OKX, 50, 80, 200,
	    0));
	t_apply(t_ev(4, OPP_OPEN, 0, VENUE_BITGET, VENUE_PARADEX, 40, 75, 50,
	    0));
	ck_assert_str_eq(t_view(TUI_SORT_NET, NULL, 10), "2 3 1 4");
	ck_assert_str_eq(t_view(TUI_SORT_CONFIDENCE, "", 10), "1 3 4 2");
	ck_assert_str_eq(t_view(TUI_SORT_AGE, NULL, 10), "2 3 1 4");
	/* BTC-USDT-PERP (2, 4 by net), ETH-USD-PERP (3: HL buys), SOL. */
	ck_assert_str_eq(t_view(TUI_SORT_INSTRUMENT, NULL, 10), "2 4 3 1");
	/* Fewer slots than matches: the best ones. */
	ck_assert_str_eq(t_view(TUI_SORT_NET, NULL, 2), "2 3");
	ck_assert_str_eq(t_view(TUI_SORT_NET, NULL, 0), "");
	/* Filters: instrument or either venue, any case. */
	ck_assert_str_eq(t_view(TUI_SORT_NET, "btc", 10), "2 4");
	ck_assert_str_eq(t_view(TUI_SORT_NET, "OKX", 10), "3 1");
	ck_assert_str_eq(t_view(TUI_SORT_NET, "usd-perp", 10), "3");
	ck_assert_str_eq(t_view(TUI_SORT_NET, "kraken", 10), "");
	ck_assert_str_eq(tui_sort_name(TUI_SORT_AGE), "age");
	ck_assert_str_eq(tui_sort_name(TUI_SORT_COUNT), "?");
}
END_TEST

START_TEST(test_tui_opps_rows)
{
	char buf[256];
	struct tui_opp op;
	struct tui_closed c;

	ck_assert_int_eq(tui_opps_format(NULL, sym, 0, 200, buf, sizeof buf),
	    99);
	ck_assert_str_eq(buf,
	    "INSTRUMENT         BUY -> SELL               GROSS  FEES  SLIP "
	    "  FUND    NET CONF       SIZE    AGE");
	memset(&op, 0, sizeof op);
	op.ev = t_ev(1, OPP_UPDATE, 0, VENUE_OKX, VENUE_BYBIT, 52.25, 81, 0, 0);
	tui_opps_format(&op, sym, T0 + 1250 * NS_PER_MS, 200, buf, sizeof buf);
	ck_assert_str_eq(buf,
	    "BTC-USDT-PERP      okx -> bybit               72.2  10.0   6.0 "
	    "   4.0   52.2   81     1.2500   1.2s");
	/* Older than 5 s: marked; minutes. */
	tui_opps_format(&op, sym, T0 + 65 * NS_PER_S, 200, buf, sizeof buf);
	ck_assert_ptr_nonnull(strstr(buf, " 1m05s stale"));
	/* Cut to the terminal's width, and to the buffer. */
	ck_assert_int_eq(tui_opps_format(&op, sym, T0, 20, buf, sizeof buf),
	    20);
	ck_assert_str_eq(buf, "BTC-USDT-PERP      o");
	ck_assert_int_eq(tui_opps_format(&op, sym, T0, 200, buf, 8), 7);
	ck_assert_str_eq(buf, "BTC-USD");

	memset(&c, 0, sizeof c);
	c.ev =
	    t_ev(1, OPP_CLOSE, 1, VENUE_HYPERLIQUID, VENUE_OKX, -1.5, 60, 0, 0);
	c.ev.reason = OPP_REASON_STALE;
	c.lifetime_ns = 2 * 3600 * NS_PER_S + 61 * NS_PER_S;
	tui_opps_format_closed(NULL, sym, 200, buf, sizeof buf);
	ck_assert_str_eq(buf,
	    "INSTRUMENT         BUY -> SELL                 NET REASON      "
	    "     LIFETIME");
	tui_opps_format_closed(&c, sym, 200, buf, sizeof buf);
	ck_assert_str_eq(buf,
	    "ETH-USD-PERP       hyperliquid -> okx         -1.5 leg stale   "
	    "        2h01m");
	c.lifetime_ns = 950 * NS_PER_MS;
	tui_opps_format_closed(&c, sym, 200, buf, sizeof buf);
	ck_assert_ptr_nonnull(strstr(buf, "  950ms"));
}
END_TEST

/* A live quote of (i, v) received at T0. */
static void
t_quote(struct book *b, inst_id i, enum venue_id v, const char *bid,
    const char *ask)
{
	struct quote_update u;

	memset(&u, 0, sizeof u);
	u.mask = QU_TOP | QU_STATE;
	u.state = QUOTE_LIVE;
	ck_assert_int_eq(fixed_parse(bid, strlen(bid), PX_DECIMALS, &u.bid), 0);
	ck_assert_int_eq(fixed_parse(ask, strlen(ask), PX_DECIMALS, &u.ask), 0);
	u.bid_size = u.ask_size = QTY_SCALE;
	book_apply(b, i, v, &u, T0);
}

START_TEST(test_tui_quotes_best_of_usable)
{
	struct book *b = book_new(symbols_count(sym));
	struct tui_quote_row r;
	char buf[256];

	t_quote(b, 0, VENUE_BYBIT, "50000.1", "50000.2");
	t_quote(b, 0, VENUE_OKX, "50001", "50002");
	t_quote(b, 0, VENUE_BINANCE, "49999.5", "49999.9");
	/* The best bid of all, but stale by the time we look. */
	t_quote(b, 0, VENUE_KUCOIN, "50100", "50101");
	book_quote(b, 0, VENUE_KUCOIN)->recv_ts = T0 - 3 * NS_PER_S;
	/* Down: its last prices are not shown as usable. */
	t_quote(b, 0, VENUE_BITGET, "49000", "49001");
	book_set_state(b, VENUE_BITGET, QUOTE_DOWN);

	tui_quotes_read(b, 0, T0 + NS_PER_MS, 2 * NS_PER_S, &r);
	ck_assert_int_eq(r.best_bid, VENUE_OKX);
	ck_assert_int_eq(r.best_ask, VENUE_BINANCE);
	ck_assert(!r.v[VENUE_KUCOIN].fresh);
	ck_assert(!r.v[VENUE_BITGET].fresh);
	ck_assert(!r.v[VENUE_PARADEX].fresh);

	tui_quotes_format(NULL, sym, 300, buf, sizeof buf);
	ck_assert_str_eq(buf,
	    "QUOTES                     bybit                    okx"
	    "                 kucoin                 bitget"
	    "            hyperliquid                paradex"
	    "                binance");
	tui_quotes_format(&r, sym, 300, buf, sizeof buf);
	ck_assert_str_eq(buf,
	    "BTC            50000.10/50000.20     >50001.00/50002.00"
	    "                  stale                   down"
	    "                      -                      -"
	    "     49999.50/49999.90<");
	/* Each cell starts where tui_quotes_column() says. */
	ck_assert_int_eq(buf[tui_quotes_column(VENUE_OKX) + TUI_QUOTE_CELL - 1],
	    '0');
	/* An 80-column terminal: the compact row. */
	tui_quotes_format(NULL, sym, 80, buf, sizeof buf);
	ck_assert_str_eq(buf,
	    "QUOTES   BEST BID              BEST ASK                  CROSS "
	    "VENUES");
	tui_quotes_format(&r, sym, 80, buf, sizeof buf);
	ck_assert_str_eq(buf,
	    "BTC      50001.00   okx        49999.90   binance     +0.2 bps "
	    "   3/7");
	ck_assert_int_eq(tui_quotes_format(&r, sym, 12, buf, sizeof buf), 12);
	ck_assert_str_eq(buf, "BTC      500");
	/* Small prices keep their digits. */
	t_quote(b, 1, VENUE_BYBIT, "0.000012345", "0.000012346");
	t_quote(b, 1, VENUE_OKX, "0.5", "0.50001");
	tui_quotes_read(b, 1, T0, 2 * NS_PER_S, &r);
	tui_quotes_format(&r, sym, 300, buf, sizeof buf);
	ck_assert_ptr_nonnull(strstr(buf, "  1.234e-05/1.235e-05<"));
	ck_assert_ptr_nonnull(strstr(buf, "  >0.500000/0.500010 "));
	book_free(b);
}
END_TEST

static Suite *
tui_opps_suite(void)
{
	Suite *s = suite_create("tui_opps");
	TCase *tc = tcase_create("model");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_tui_opps_open_update_close);
	tcase_add_test(tc, test_tui_opps_full_sets);
	tcase_add_test(tc, test_tui_opps_sort_and_filter);
	tcase_add_test(tc, test_tui_opps_rows);
	tcase_add_test(tc, test_tui_quotes_best_of_usable);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	return (tcheck_run(tui_opps_suite()));
}
