/*
 * Start-up allocation: these die with a message on ENOMEM, so that
 * configuration and set-up code stays linear.  Never call them from the
 * hot path or from cold-path code that must survive memory pressure
 * (the Redis sink, the dashboard): those use malloc() and count failures.
 */
#ifndef XARB_XMALLOC_H
#define XARB_XMALLOC_H

#include <stddef.h>

#include "xarb.h"

void *xmalloc(size_t);
void *xcalloc(size_t, size_t);
void *xreallocarray(void *, size_t, size_t);
char *xstrdup(const char *);
char *xstrndup(const char *, size_t);
int xasprintf(char **, const char *, ...) XARB_PRINTF(2, 3);
/* Allocates size bytes aligned to align (a power of two), zeroed. */
void *xaligned_calloc(size_t align, size_t size);

#endif /* XARB_XMALLOC_H */
