/*
 * The simulator's venue layer, as sim.c sees it, and the few calls it
 * makes back into sim.c.  Internal to src/sim: tests and the engine use
 * sim.h only.
 *
 * A market (one per simulator) holds what every venue endpoint shares:
 * the instruments and their venue symbols, the one price generator, the
 * dislocations it has started, and the frames of `replay` files.  A
 * session (one per upgraded connection of a venue endpoint) speaks that
 * venue's protocol: it answers subscribe requests and heartbeats, pushes
 * on its timers, and enforces the heartbeat deadline.
 *
 * Everything here runs on the simulator's loop thread, except
 * sim_market_dislocations(), which any thread may call.  A session never
 * frees its connection: it asks sim.c to end it, and sim.c frees the
 * session (sim_vconn_free) in the one place it frees a connection.
 */
#ifndef XARB_SIM_VENUE_H
#define XARB_SIM_VENUE_H

#include <stddef.h>

#include "types.h"

struct ev_loop;
struct pricegen_dislocation;
struct sim_conn;
struct sim_market;
struct sim_sb;
struct sim_script;
struct sim_venue_spec;
struct sim_vconn;
struct symbols;

/* -- the venue layer, for sim.c (sim_venue.c) ------------------------ */

/*
 * Builds the market of script sc (name prefixes errors): the symbols
 * (sym if not NULL, borrowed; else built from the prices instruments),
 * the price generator over the venues sc's endpoints speak, and every
 * replay file, read now.  Returns NULL with *cause set.  Start-up only.
 */
struct sim_market *sim_market_new(const char *name, const struct sim_script *sc,
    const struct symbols *sym, char **cause);

/* NULL is a no-op.  No session may be left. */
void sim_market_free(struct sim_market *m);

/* See sim_funding_jumps() in sim.h.  Any thread. */
uint64_t sim_market_funding_jumps(struct sim_market *m,
    struct pricegen_funding_jump *last);

/* See sim_funding_jump_of() in sim.h.  Any thread. */
int sim_market_leg_jump(struct sim_market *m, inst_id i, enum venue_id v,
    struct pricegen_funding_jump *out);

/* See sim_dislocations() in sim.h.  Any thread. */
unsigned sim_market_dislocations(struct sim_market *m,
    struct pricegen_dislocation *out, unsigned max);

/*
 * See sim_mute() in sim.h: endpoint ep (its index in the script) stops
 * or resumes pushing.  Returns -1 if ep is not a venue endpoint.  Any
 * thread.
 */
int sim_market_mute(struct sim_market *m, unsigned ep, int on);

/* The URL path a venue endpoint upgrades (its path= or the venue's). */
const char *sim_venue_path(const struct sim_venue_spec *vs);

/*
 * May a client upgrade path?query on this venue endpoint?  Returns 0, or
 * the HTTP status to refuse with (404: another path; 401: KuCoin's token
 * missing or wrong) with a JSON body in the venue's words in body.
 */
unsigned sim_venue_admit(const struct sim_venue_spec *vs, const char *path,
    size_t plen, const char *query, size_t qlen, char *body, size_t blen);

/*
 * KuCoin's POST /api/v1/bullet-public answer handing out the kucoin
 * endpoint vs, listening on port (tls: wss).  Returns the length, or -1
 * if it did not fit.
 */
int sim_venue_bullet(const struct sim_venue_spec *vs, int tls, unsigned port,
    char *buf, size_t len);

/*
 * Venue v's REST instruments answer (sim_script_meta_route() says which
 * request) into b: the market's instruments with the contract sizes its
 * pushes use and the venues' funding intervals, among 150 instruments
 * nobody trades, as the real lists are long.  0, or -1 if v has none or
 * memory ran out.
 */
int sim_market_meta(struct sim_market *m, enum venue_id v, struct sim_sb *b);

/*
 * A session for connection c of endpoint ep (its index in the script).
 * Nothing is sent until sim_vconn_open().  Returns NULL on ENOMEM (the
 * caller closes the connection).
 */
struct sim_vconn *sim_vconn_new(struct sim_market *m, unsigned ep,
    struct sim_conn *c);

/*
 * The upgrade of path?query is done: greet (KuCoin), take streams from
 * the URL (Binance), arm the heartbeat deadline and the server pings.
 */
void sim_vconn_open(struct sim_vconn *vc, const char *path, size_t plen,
    const char *query, size_t qlen);

/* A text message from the client (inside wslay's receive callback). */
void sim_vconn_text(struct sim_vconn *vc, const char *msg, size_t len);

/* A pong from the client. */
void sim_vconn_pong(struct sim_vconn *vc);

/* Stops the session's timers and frees it.  NULL is a no-op. */
void sim_vconn_free(struct sim_vconn *vc);

/* -- connections, for the venue layer (sim.c) ------------------------ */

enum sim_stat {
	SIM_STAT_SUBSCRIBED,
	SIM_STAT_SUB_ERRORS,
	SIM_STAT_HEARTBEATS,
	SIM_STAT_PUSHES,
	SIM_STAT_PINGS_OUT,
	SIM_STAT_HB_TIMEOUTS,
	SIM_STAT_SLOW,
};

struct ev_loop *sim_conn_loop(const struct sim_conn *c);

/*
 * Queues a text frame (copied) and counts it.  Returns 0, or -1 if the
 * connection is ending (nothing queued).
 */
int sim_conn_text(struct sim_conn *c, const char *text, size_t len);

/* Queues a WebSocket ping.  0, or -1 if the connection is ending. */
int sim_conn_ping(struct sim_conn *c);

/*
 * Ends the connection: with a close frame (code, reason) and the usual
 * wait for the peer's, or at once without one (code 0).
 */
void sim_conn_end(struct sim_conn *c, unsigned code, const char *reason);

/* Bytes queued for the client and not yet written. */
size_t sim_conn_backlog(const struct sim_conn *c);

/* Counts one event in the endpoint's sim_stats. */
void sim_conn_stat(struct sim_conn *c, enum sim_stat st);

/*
 * The end of every callback that acted on c outside sim.c's own
 * callbacks (the session's timers): writes, re-arms, or frees c (and its
 * session).  Neither may be touched afterwards.
 */
void sim_conn_after(struct sim_conn *c);

#endif /* XARB_SIM_VENUE_H */
