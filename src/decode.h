/*
 * xarb decode: raw venue frames in (one per line), normalised events out
 * (one JSON object per line), with the same parser and the same
 * per-stream state as the engine (Bybit snapshots and deltas merge in a
 * quote store exactly as they do live).
 */
#ifndef XARB_DECODE_H
#define XARB_DECODE_H

#include <stdio.h>

#include "types.h"

struct config;

/*
 * Decodes every line of in (named name in messages) for venue v.
 * Events go to out; dropped frames to err with their line number.
 * Returns an exit status: 0, XARB_EXIT_DATAERR if a frame was malformed
 * (not JSON, wrong shape, bad number), XARB_EXIT_CONFIG on a symbol
 * table conflict.
 */
int decode_run(const struct config *cfg, enum venue_id v, FILE *in,
    const char *name, FILE *out, FILE *err);

#endif /* XARB_DECODE_H */
