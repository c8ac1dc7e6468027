/* Counted appends into a fixed buffer (outbuf.h). */
#include "autoconf.h"

#include <stdarg.h>
#include <stdio.h>

#include "outbuf.h"

void
outbuf_printf(struct outbuf *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->off < o->len ? o->buf + o->off : NULL,
	    o->off < o->len ? o->len - o->off : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->off += (size_t)n;
}
