/*
 * The venue simulator, server side: TLS (or plain, loopback only)
 * WebSocket and HTTP endpoints on 127.0.0.1, driven by a scenario (what
 * to send, when, what to answer, which faults to inject).  It is what
 * the tests, the benchmarks and `xarb --demo` talk to through the real
 * client stack.  Runs on its own libev loop, in its own thread
 * (sim_start_thread) or as the xarb-sim program.  sim_new_venues()
 * builds every venue at once without a scenario; sim_cert.h makes a
 * test CA and certificate for it.
 *
 * Scenario language (one directive per line, '#' comments; every error
 * is reported as NAME:LINE: ...):
 *
 *   endpoint NAME ws|http tls|plain [cert=FILE key=FILE]
 *       Starts an endpoint (port chosen by the kernel; sim_port()).
 *       Directives below apply to the last endpoint declared.
 *   on open [after MS] [every MS [count N]] ACTION
 *       For each upgraded WebSocket connection: run ACTION once at open
 *       (or MS later), or repeatedly.
 *   on message SUBSTRING ACTION
 *       When a received text message contains SUBSTRING ("*" matches any).
 *   ACTION is one of:
 *       send TEXT              one text frame (rest of the line, verbatim)
 *       send-binary TEXT       one binary frame
 *       send-frag N TEXT       TEXT in N fragments, a ping between each
 *       ping [TEXT]            a ping frame
 *       close CODE [REASON]    a close frame, then await the peer's close
 *       fault drop             close the TCP connection at once
 *       fault stall            send half a frame header, then nothing
 *       fault garbage          send bytes that are not a WebSocket frame
 *       fault oversize BYTES   one text frame of BYTES bytes of 'x'
 *       fault badclose         a close frame with invalid code 1005
 *   upgrade 403|badkey|noupgrade|ok
 *       How this endpoint answers the HTTP Upgrade (default ok).
 *   route METHOD PATH STATUS length|chunked|close [delay MS] BODY
 *       http endpoints: the response to METHOD PATH (query ignored).
 *       BODY is the rest of the line; "@bytes=N" generates N bytes of
 *       JSON-safe filler; "@hang" never answers.  Unmatched: 404.
 *
 * Venue protocols (sim_venue.c, sim_proto.c): a ws endpoint can speak
 * one venue's real public market-data protocol, driven by one shared
 * price generator (pricegen.h):
 *
 *   venue NAME [path=PATH] [heartbeat=MS] [ping=MS] [rate=N]
 *              [funding=MS] [idle=1] [token=VALUE]
 *       NAME: bybit okx kucoin bitget hyperliquid paradex binance
 *       binance-market.  The endpoint answers the venue's subscribe
 *       requests (acks and error acks in its format), its application
 *       heartbeat, and pushes top of book with sizes (rate per second
 *       per subscribed instrument) and funding (every funding MS) in
 *       the venue's own messages.  path: the only URL path upgraded
 *       (others: 404).  heartbeat: close a client whose heartbeat is
 *       missing this long (0: never); for paradex and binance, the
 *       server pings every ping MS and drops a client whose pong is
 *       this late.  idle=1: acknowledge and answer heartbeats but never
 *       push.  token (kucoin): the ?token= the upgrade needs (else 401).
 *   replay FILE [rate=N]
 *       Under a venue: after a connection's first subscription, send
 *       FILE's lines (one frame each, blank lines skipped), N per second
 *       (default all at once), instead of generated pushes.
 *   prices [seed=N] [volatility_bps=X] [dislocation_every_ms=M]
 *          [dislocation_bps=B] [dislocation_ms=D] [instruments=A,B,..]
 *          [funding_every_ms=F] [funding_jump=R]
 *       The price paths all venue endpoints share (default: seed 1,
 *       5 bps, no dislocations, BTC,ETH,SOL, funding rates that drift
 *       and, every F ms or so, one venue's rate for one instrument
 *       jumping to +-R/2..R per 8 h; no jumps by default).
 *   bullet WSENDPOINT
 *       http endpoints: POST /api/v1/bullet-public answers as KuCoin
 *       does, handing out WSENDPOINT (a kucoin venue endpoint): its
 *       token, wss://localhost:PORT/PATH and ping interval.
 *
 * Venue defaults (as the venues): heartbeat Bybit 600 s, OKX 30 s,
 * KuCoin 60 s, Bitget 120 s, Hyperliquid 60 s, Paradex and Binance 5 s
 * after a ping (ping 55 s and 180 s); funding pushes Bybit 100 ms (its
 * tickers), OKX 30 s, KuCoin 60 s, Bitget 400 ms (its ticker), the
 * others 1 s (Binance's 3 s markPrice every third); rate 10.  Every
 * subscription gets a snapshot at once.  A client that lets 4 MiB of
 * pushes pile up unread is dropped (sim_stats.slow).
 *
 * Every received WebSocket text message is counted and kept (the last
 * SIM_KEEP of them, per endpoint) so tests can check what the client
 * sent.
 */
#ifndef XARB_SIM_H
#define XARB_SIM_H

#include <stddef.h>
#include <stdint.h>

struct ev_loop;
struct pricegen_dislocation;
struct pricegen_funding_jump;
struct sim;
struct symbols;

#define SIM_KEEP 64

struct sim_stats {
	uint64_t accepted;   /* TCP connections */
	uint64_t tls_failed; /* handshakes that failed */
	uint64_t upgrades;   /* WebSocket connections opened */
	uint64_t refused;    /* upgrades refused (error status, noupgrade) */
	uint64_t http_requests;
	uint64_t msgs_in;     /* text+binary messages received */
	uint64_t msgs_out;    /* messages sent */
	uint64_t pongs_in;    /* pongs received (answers to our pings) */
	uint64_t closes_in;   /* close frames received */
	uint64_t disconnects; /* connections ended, any way */
	unsigned open_now;    /* WebSocket connections currently open */
	/* Venue endpoints only. */
	uint64_t subscribed; /* topics/channels acknowledged */
	uint64_t sub_errors; /* error acks sent (unknown symbol, bad request) */
	uint64_t heartbeats; /* application heartbeats answered */
	uint64_t pushes;     /* market-data messages sent (BBO and funding) */
	uint64_t pings_out;  /* WebSocket pings sent (paradex, binance) */
	uint64_t hb_timeouts; /* clients closed for a missing heartbeat/pong */
	uint64_t slow;	      /* clients dropped for not reading */
};

/*
 * sim_new_venues(): every venue on loopback, as `xarb --demo` runs it.
 * Endpoints (sim_port, sim_url) are named after the venue streams:
 * "bybit" "okx" "kucoin" "bitget" "hyperliquid" "paradex" "binance"
 * (bookTicker) and "binance-market" (markPrice), each at the venue's own
 * URL path; and one http endpoint per venue, "<venue>-rest" ("bybit-rest"
 * ... "binance-rest"), whose sim_url() is the venue's REST base
 * (url_rest).  Each serves the venue's instruments endpoint as meta.c
 * asks for it (meta_request(): Bybit instruments-info, OKX instruments,
 * KuCoin contracts/active, Bitget contracts, Hyperliquid POST /info,
 * Paradex markets, Binance fundingInfo) in the venue's format, listing
 * the instruments with the contract sizes the pushes use (from sym: a
 * [venue.okx] contract_size = BTC:0.001 in the config sym is built from
 * makes OKX advertise and push BTC in contracts of 0.001) and the
 * venues' funding intervals, among 150 instruments nobody trades.
 * "kucoin-rest" also answers POST /api/v1/bullet-public (the token).
 */
struct sim_venues_opts {
	const char *cert; /* PEM chain for every endpoint; NULL: plain */
	const char *key;  /* its private key (PEM) */
	/*
	 * Instruments: sym (borrowed, must outlive the sim) gives the
	 * venue symbols and contract sizes the client uses; NULL: built
	 * from bases/ninst (borrowed; ninst 0: BTC ETH SOL).
	 */
	const struct symbols *sym;
	const char *const *bases;
	unsigned ninst;
	uint32_t venues; /* bit per enum venue_id; 0: all seven */
	uint64_t seed;
	double rate; /* BBO pushes/s per instrument per stream; 0: 10 */
	double volatility_bps;	    /* per sqrt(second) */
	double dislocation_every_s; /* mean gap between dislocations; 0: none */
	double dislocation_bps;	    /* how far the dislocated venue moves */
	double dislocation_s;	    /* how long it stays there */
	double funding_every_s; /* mean gap between funding jumps; 0: none */
	double funding_jump_8h; /* their size, rate per 8 h (0.001 = 10 bps) */
	const char *kucoin_token; /* NULL: a fixed test token */
};

/*
 * Parses a scenario.  cert/key are the default TLS certificate and key
 * (PEM) for tls endpoints without their own.  name is used in error
 * messages.  Returns NULL with *cause set (every error, one per line).
 */
struct sim *sim_new(const char *name, const char *script, const char *cert,
    const char *key, char **cause);

/*
 * Builds, without scenario text, one endpoint per venue stream (see
 * struct sim_venues_opts) sharing one price generator.  Nothing is bound
 * until sim_start_thread()/sim_start().  Returns NULL with *cause set.
 */
struct sim *sim_new_venues(const struct sim_venues_opts *o, char **cause);

/* Binds every endpoint on 127.0.0.1 and runs the loop in a new thread. */
int sim_start_thread(struct sim *s, char **cause);

/* Binds every endpoint and starts watchers on loop (xarb-sim's main). */
int sim_start(struct sim *s, struct ev_loop *loop, char **cause);

/* The port an endpoint listens on, or 0 if there is no such endpoint. */
unsigned sim_port(const struct sim *s, const char *endpoint);

/*
 * The name of the i-th endpoint, in scenario order, or NULL past the
 * last; *scheme (if not NULL) is set to "wss", "ws", "https" or "http".
 */
const char *sim_endpoint(const struct sim *s, unsigned i, const char **scheme);

/*
 * The URL a client uses for endpoint once started: "wss://localhost:PORT"
 * plus the venue's path for a venue endpoint ("/" otherwise), or
 * "https://localhost:PORT" for an http endpoint (the REST base).
 * Returns the length (>= len: truncated), or -1 if there is no such
 * endpoint or it is not listening.
 */
int sim_url(const struct sim *s, const char *endpoint, char *buf, size_t len);

/*
 * Ground truth for tests: copies up to max of the dislocations the price
 * generator has started so far (oldest first; instrument ids index the
 * `prices` instruments, venue ids are enum venue_id; times are
 * CLOCK_REALTIME ns) and returns how many have started in all (out may
 * be NULL when max is 0).  The schedule advances as venue endpoints
 * push.  Any thread.
 */
unsigned sim_dislocations(struct sim *s, struct pricegen_dislocation *out,
    unsigned max);

/* What sim_kick() does to every open WebSocket connection. */
enum sim_kick_how {
	SIM_KICK_DROP = 1, /* TCP closed, no close frame: a gateway restart */
	SIM_KICK_STALL,	   /* half a frame header, then silence (TCP open) */
	SIM_KICK_GARBAGE,  /* bytes that are not a WebSocket frame */
};

/*
 * Breaks every WebSocket connection endpoint has open now, the way how
 * says (the scenario's fault drop, stall and garbage); later
 * connections are served normally.  For a sim running in its own
 * thread (sim_start_thread).  Returns 0, or -1 if there is no such
 * endpoint or no thread.  Any thread.
 */
int sim_kick(struct sim *s, const char *endpoint, enum sim_kick_how how);

/*
 * Stalls (on != 0) or resumes a venue endpoint's feed: its sessions stay
 * open, answer subscriptions and heartbeats, and push nothing (market
 * data nor funding) until resumed, like a venue whose matching engine
 * or gateway has stopped publishing.  Returns 0, or -1 if endpoint is
 * not a venue endpoint.  Any thread.
 */
int sim_mute(struct sim *s, const char *endpoint, int on);

/*
 * Ground truth for tests: how many funding jumps the price generator has
 * made, and (if last is not NULL and there was one) the latest.  Any
 * thread.
 */
uint64_t sim_funding_jumps(struct sim *s, struct pricegen_funding_jump *last);

/*
 * The latest funding jump of instrument i (an index of the `prices`
 * instruments) on venue v.  Returns 0, or -1 if that leg has not
 * jumped.  Any thread.
 */
int sim_funding_jump_of(struct sim *s, unsigned i, unsigned v,
    struct pricegen_funding_jump *out);

/* A consistent copy of the counters of endpoint (NULL: all). Any thread. */
void sim_get_stats(struct sim *s, const char *endpoint, struct sim_stats *st);

/*
 * Copies the n-th newest text message endpoint received (0 = newest)
 * into buf.  Returns its length, or -1 if there is none.  Any thread.
 */
int sim_received(struct sim *s, const char *endpoint, unsigned n, char *buf,
    size_t len);

/* Stops the thread (if any), closes every connection and listener. */
void sim_stop(struct sim *s);

/* Stops and frees.  NULL is a no-op. */
void sim_free(struct sim *s);

#endif /* XARB_SIM_H */
