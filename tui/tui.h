/*
 * The operator interface.  Reads only what the engine publishes (the
 * ring, quotes through the seqlock, metrics and status snapshots) and
 * never computes opportunities.  Today: the one-line status shared by
 * headless mode and the dashboard's status bar.
 */
#ifndef XARB_TUI_H
#define XARB_TUI_H

#include <stddef.h>

#include "engine.h"

/*
 * Formats st as one line ("up 0:01:05  msgs 12345 (1400/s)  venues 7/7
 * ...").  Returns the length snprintf would have written.
 */
int tui_status_format(char *buf, size_t len, const struct engine_status *st);

#endif /* XARB_TUI_H */
