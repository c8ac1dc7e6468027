/*
 * The venue simulator, server side: TLS (or plain, loopback only)
 * WebSocket and HTTP endpoints on 127.0.0.1, driven by a scenario (what
 * to send, when, what to answer, which faults to inject).  It is what
 * the tests, the benchmarks and `xarb --demo` talk to through the real
 * client stack.  Runs on its own libev loop, in its own thread
 * (sim_start_thread) or as the xarb-sim program.
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
 * Every received WebSocket text message is counted and kept (the last
 * SIM_KEEP of them, per endpoint) so tests can check what the client
 * sent.
 */
#ifndef XARB_SIM_H
#define XARB_SIM_H

#include <stddef.h>
#include <stdint.h>

struct ev_loop;
struct sim;

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
};

/*
 * Parses a scenario.  cert/key are the default TLS certificate and key
 * (PEM) for tls endpoints without their own.  name is used in error
 * messages.  Returns NULL with *cause set (every error, one per line).
 */
struct sim *sim_new(const char *name, const char *script, const char *cert,
    const char *key, char **cause);

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
