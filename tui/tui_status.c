/*
 * The status line: used by --headless (logged every status interval)
 * and, once the dashboard lands, as its bottom bar.  Pure formatting of a
 * snapshot, so it is testable without a terminal.
 */
#include "autoconf.h"

#include <stdio.h>

#include "tui.h"

int
tui_status_format(char *buf, size_t len, const struct engine_status *st)
{
	unsigned long up = (unsigned long)st->uptime_s;

	return (snprintf(buf, len,
	    "up %lu:%02lu:%02lu  msgs %llu (%.0f/s)  venues %u/%u live  "
	    "opps %u open (+%llu ~%llu -%llu)  dropped %llu (ring %llu, "
	    "log %llu, bad %llu)  %s",
	    up / 3600, up / 60 % 60, up % 60, (unsigned long long)st->msgs,
	    st->msgs_per_s, st->venues_live, st->venues_enabled, st->open_now,
	    (unsigned long long)st->opens, (unsigned long long)st->updates,
	    (unsigned long long)st->closes,
	    (unsigned long long)st->ring_lost + st->log_dropped + st->bad_msgs,
	    (unsigned long long)st->ring_lost,
	    (unsigned long long)st->log_dropped,
	    (unsigned long long)st->bad_msgs, st->mode));
}
