/*
 * WebSocket client connections (RFC 6455) over net_stream, with wslay
 * doing the framing: masked client frames, fragmented messages
 * reassembled into one receive buffer allocated at creation, pings
 * answered at once, the close handshake, and a maximum message size
 * (larger: a clean close with 1009 "message too big").
 *
 * A connection keeps itself up: on any failure it reconnects after an
 * exponential back-off with jitter, and an idle watchdog reconnects when
 * no frame arrives for idle_timeout seconds.  Counters say what it did.
 *
 * Callbacks run on the loop's thread.  They may call ws_send_text(),
 * ws_close() and ws_stop(), never ws_free().
 */
#ifndef XARB_WS_H
#define XARB_WS_H

#include <stddef.h>
#include <stdint.h>

#include <ev.h>
#include <openssl/ssl.h>

struct net_resolver;
struct ws_conn;

/* Why a connection ended, compared by pointer. */
extern const char ws_err_upgrade[]; /* bad HTTP response to the Upgrade */
extern const char ws_err_proto[];   /* WebSocket protocol violation */
extern const char ws_err_too_big[]; /* a message over max_msg */
extern const char ws_err_idle[];    /* no frame for idle_timeout */
extern const char ws_err_closed[];  /* the peer sent a close frame */
extern const char ws_err_local[];   /* we closed (ws_close, ws_stop) */
extern const char ws_err_send[];    /* could not queue a message */
/* ... and net_err_* (net.h), tls_err_* (tls.h). */

struct ws_callbacks {
	/* Upgraded: subscribe here. */
	void (*on_open)(struct ws_conn *c, void *arg);
	/*
	 * One whole message.  data is valid until the callback returns and
	 * is NUL-terminated (data[len] == '\0'); recv_ts is CLOCK_REALTIME
	 * ns at the socket read that completed it.
	 */
	void (*on_message)(struct ws_conn *c, const char *data, size_t len,
	    int binary, int64_t recv_ts, void *arg);
	/* A connection ended (it reconnects unless stopped). */
	void (*on_close)(struct ws_conn *c, const char *reason,
	    const char *detail, void *arg);
	/*
	 * An attempt failed before opening (DNS, connect, TLS, upgrade);
	 * retry_in is the back-off chosen (0 when stopped).  Optional.
	 */
	void (*on_fail)(struct ws_conn *c, const char *reason,
	    const char *detail, double retry_in, void *arg);
};

struct ws_config {
	const char *name;	/* for logs: "bybit" */
	const char *url;	/* ws:// or wss:// */
	SSL_CTX *tls;		/* borrowed; required for wss:// */
	size_t max_msg;		/* bytes; default 1 MiB */
	double connect_timeout; /* resolve + connect + TLS + upgrade */
	double idle_timeout;	/* no frame for this long: reconnect; 0 off */
	double backoff_base;	/* first retry delay, seconds */
	double backoff_cap;	/* longest retry delay */
	double close_timeout;	/* wait for the peer's close frame */
	const struct ws_callbacks *cb;
	void *arg;
};

/* Ends of connections, counted by reason (ws_stats.ended). */
enum ws_reason {
	WS_R_RESOLVE,
	WS_R_CONNECT,
	WS_R_TIMEOUT,
	WS_R_TLS_VERIFY,
	WS_R_TLS,
	WS_R_UPGRADE,
	WS_R_PROTO,
	WS_R_TOO_BIG,
	WS_R_IDLE,
	WS_R_CLOSED,
	WS_R_EOF,
	WS_R_IO,
	WS_R_LOCAL,
	WS_R_OTHER,
	WS_R_COUNT
};

/* "resolve", "connect", ... for metrics labels; NULL past the end. */
const char *ws_reason_key(unsigned r);

/* Counters; written by the loop's thread only. */
struct ws_stats {
	uint64_t bytes_in, bytes_out;
	uint64_t frames_in; /* including control frames */
	uint64_t msgs_in, msgs_out;
	uint64_t pings_in;
	uint64_t connects;   /* connections that reached open */
	uint64_t attempts;   /* connection attempts */
	uint64_t reconnects; /* attempts after a failure or a drop */
	uint64_t failures;   /* attempts or connections that ended badly */
	uint64_t too_big;    /* messages refused for size */
	uint64_t idle;	     /* idle watchdog expiries */
	int64_t last_msg_ts; /* CLOCK_REALTIME ns of the last message */
	int64_t opened_ts;   /* when the current connection opened */
	uint64_t ended[WS_R_COUNT]; /* by reason */
	const char *last_reason;    /* ws_err_*, net_err_*, tls_err_* */
	char last_detail[256];
	uint16_t last_close_code; /* sent by the peer, 0 if none */
	double next_retry;	  /* seconds, the last back-off chosen */
};

enum ws_state {
	WS_STOPPED,    /* not connected and not trying */
	WS_CONNECTING, /* resolving, connecting, TLS */
	WS_UPGRADING,  /* HTTP Upgrade sent, awaiting 101 */
	WS_OPEN,
	WS_CLOSING, /* close frame sent, awaiting the peer's */
	WS_WAITING, /* back-off before reconnecting */
};

/* Fills the timeouts, back-off and size limit from [net] (config.h). */
struct config;
void ws_config_from(struct ws_config *wc, const struct config *cfg);

/*
 * Creates a connection (nothing starts).  Defaults fill zero fields.
 * Returns NULL with *cause set on a bad URL or a missing TLS context.
 */
struct ws_conn *ws_new(struct ev_loop *loop, struct net_resolver *resolver,
    const struct ws_config *cfg, char **cause);

/* Stops and frees.  NULL is a no-op.  Never from a ws callback. */
void ws_free(struct ws_conn *c);

/* Connects, and keeps reconnecting until ws_stop() or ws_close(). */
void ws_start(struct ws_conn *c);

/* Drops the connection at once, no close frame, no reconnect. */
void ws_stop(struct ws_conn *c);

/*
 * Sends a close frame (code, reason) and waits up to close_timeout for
 * the peer's before dropping; no reconnect.  Not open: like ws_stop().
 */
void ws_close(struct ws_conn *c, uint16_t code, const char *reason);

/* Queues a text message.  Returns 0, or -1 when not open. */
int ws_send_text(struct ws_conn *c, const char *data, size_t len);

/* Queues a ping (e.g. a venue-level heartbeat that must be a WS ping). */
int ws_send_ping(struct ws_conn *c);

enum ws_state ws_get_state(const struct ws_conn *c);
const struct ws_stats *ws_get_stats(const struct ws_conn *c);
const char *ws_name(const struct ws_conn *c);
const char *ws_state_name(enum ws_state st);

/* Replaces the URL used from the next connection attempt (KuCoin). */
int ws_set_url(struct ws_conn *c, const char *url, char **cause);

#endif /* XARB_WS_H */
