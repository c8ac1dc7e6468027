/*
 * `xarb --demo`: the whole engine, offline.  demo_start() makes a test
 * CA and certificate in a fresh private directory, starts the venue
 * simulator (sim_new_venues) on loopback in its own thread, and points
 * every enabled venue's URLs and [tls] ca_file at it.  The engine then
 * runs exactly as in production (TLS, WebSocket, each venue's protocol
 * and adapter, detection) against prices the simulator makes: a shared
 * random walk with scheduled dislocations, from [demo].
 */
#ifndef XARB_DEMO_H
#define XARB_DEMO_H

struct config;
struct demo;
struct sim;

/*
 * Starts the simulator for cfg's instruments and enabled venues and
 * rewrites cfg to use it: every venue URL (the REST bases too, so the
 * instrument metadata comes from it), [tls] ca_file, and [instruments]
 * meta_cache (a file in the private directory).  Returns NULL with *cause set
 * (the caller frees it).
 */
struct demo *demo_start(struct config *cfg, char **cause);

/* The running simulator (tests read its ground truth). */
struct sim *demo_sim(struct demo *d);

/* The private directory holding the certificates. */
const char *demo_dir(const struct demo *d);

/* Stops the simulator and removes the directory.  NULL is a no-op. */
void demo_free(struct demo *d);

#endif /* XARB_DEMO_H */
