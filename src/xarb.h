/*
 * Tiny helpers every module may include: attributes, nitems(),
 * container_of(), likely()/unlikely(), and the cache line size.
 * Nothing here allocates or depends on another module.
 */
#ifndef XARB_XARB_H
#define XARB_XARB_H

#include <stddef.h>

#define XARB_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define XARB_NORETURN __attribute__((noreturn))
#define XARB_UNUSED __attribute__((unused))

#ifndef nitems
#define nitems(a) (sizeof(a) / sizeof((a)[0]))
#endif

#define container_of(ptr, type, member)                                        \
	((type *)(void *)((char *)(ptr)-offsetof(type, member)))

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* x86-64 and arm64 both use 64-byte lines; shared state is padded to it. */
#define XARB_CACHELINE 64
#define XARB_ALIGNED __attribute__((aligned(XARB_CACHELINE)))

/* Exit codes (sysexits.h values, documented in xarb(1)). */
#define XARB_EXIT_OK 0
#define XARB_EXIT_FAILURE 1	 /* runtime failure */
#define XARB_EXIT_USAGE 64	 /* bad command line */
#define XARB_EXIT_DATAERR 65	 /* bad input data (decode) */
#define XARB_EXIT_NOINPUT 66	 /* input file missing or unreadable */
#define XARB_EXIT_UNAVAILABLE 69 /* feature not in this build yet */
#define XARB_EXIT_CONFIG 78	 /* bad configuration */

/* Spin-wait hint: tells the core a sibling may have the line. */
static inline void
xarb_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#else
	__asm__ __volatile__("" ::: "memory");
#endif
}

#endif /* XARB_XARB_H */
