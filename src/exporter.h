/*
 * The metrics endpoint: a minimal HTTP/1.1 server for Prometheus
 * scrapes, on its own thread and libev loop, never the reactor's.
 *
 * GET (or HEAD) /metrics answers 200 with whatever the render callback
 * writes; any other path is 404, any other method 405, a request head
 * over 4 KiB 431, garbage 400.  Every answer closes the connection.
 * A client cannot hold the thread: sockets are non-blocking, each
 * connection has a deadline, and at most EXPORTER_CONNS_MAX are open
 * (more are closed at once).
 */
#ifndef XARB_EXPORTER_H
#define XARB_EXPORTER_H

#include <stddef.h>
#include <stdint.h>

#define EXPORTER_CONNS_MAX 16
#define EXPORTER_REQ_MAX 4096 /* bytes of request line and headers */
#define EXPORTER_DEADLINE 5.0 /* s a connection may live, in all */

struct exporter;

/*
 * Renders the body into buf (like snprintf: returns the length needed;
 * it is called again with a larger buf if that exceeds len).  Runs on
 * the exporter's thread.  scrapes counts this one.
 */
typedef size_t (*exporter_render_fn)(void *arg, char *buf, size_t len,
    uint64_t scrapes);

/*
 * Listens on listen ("IP:PORT", "[IPv6]:PORT"; port 0 picks one) and
 * starts the thread.  A non-loopback address is refused unless
 * allow_remote.  Returns NULL with *cause set.
 */
struct exporter *exporter_new(const char *listen, int allow_remote,
    exporter_render_fn render, void *arg, char **cause);

/* Stops the thread, closes every socket.  NULL is a no-op. */
void exporter_free(struct exporter *x);

/* The port it listens on (the chosen one after port 0). */
unsigned exporter_port(const struct exporter *x);

/* 1 if the numeric address in listen is loopback, 0 if not, -1 if bad. */
int exporter_is_loopback(const char *listen);

#endif /* XARB_EXPORTER_H */
