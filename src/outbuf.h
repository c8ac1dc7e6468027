/*
 * Text into a caller's buffer with snprintf's contract kept across many
 * calls: output past the end is dropped but still counted, so the final
 * off is the length a large enough buffer would have needed.  For the
 * Prometheus writers (metrics.c, prom.c); no allocation.
 */
#ifndef XARB_OUTBUF_H
#define XARB_OUTBUF_H

#include <stddef.h>

#include "xarb.h"

struct outbuf {
	char *buf;  /* borrowed; may be NULL when len is 0 */
	size_t len; /* its size */
	size_t off; /* bytes produced so far, written or not */
};

/* Appends like snprintf; the buffer stays NUL-terminated while it fits. */
void outbuf_printf(struct outbuf *o, const char *fmt, ...) XARB_PRINTF(2, 3);

#endif /* XARB_OUTBUF_H */
