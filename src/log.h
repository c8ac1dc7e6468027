/*
 * Logging: cold path only.  Lines are formatted into a bounded in-memory
 * buffer under a mutex and written by a flusher thread every flush
 * interval, so no caller, the reactor included, ever waits on a file or
 * a terminal.  When the buffer is full a line is dropped and counted,
 * never blocked on.  Never call from the hot path (socket read to ring
 * publish): count there, and let a timer log the deltas.
 *
 * While the dashboard owns the terminal, lines bound for a terminal are
 * held back (the newest LOG_HOLD_BYTES of them) and written when the
 * terminal is released, so nothing scribbles over the screen.
 *
 * Secrets are never formatted into a log line.
 */
#ifndef XARB_LOG_H
#define XARB_LOG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "xarb.h"

enum log_level {
	LOG_LEVEL_ERROR,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
	LOG_LEVEL_TRACE,
};

#define LOG_BUFFER_BYTES ((size_t)256 * 1024)
#define LOG_HOLD_BYTES ((size_t)64 * 1024)

struct log_stats {
	uint64_t lines;	  /* accepted into the buffer */
	uint64_t dropped; /* buffer full, or held lines pushed out */
	uint64_t write_errors;
};

/*
 * Sends output to path (appended, created 0640), or to stderr if path is
 * NULL or "".  Returns 0, or -1 with errno set (the previous destination
 * stays).  Safe to call again to reopen (log rotation on SIGHUP).
 */
int log_open(const char *path);

/* Sets the threshold; lines above it are discarded before formatting. */
void log_set_level(enum log_level);
enum log_level log_get_level(void);

/* Parses "error", "warn", "info", "debug" or "trace"; -1 if unknown. */
int log_level_parse(const char *);
const char *log_level_name(enum log_level);

/*
 * Starts the flusher thread (every flush_ms).  Until then, and after
 * log_stop(), lines are written synchronously: fine at start-up and exit.
 */
int log_start(unsigned flush_ms);

/* Flushes everything, stops the flusher, closes any log file. */
void log_stop(void);

/* Writes out the buffer now (from any thread). */
void log_flush(void);

/*
 * Marks the terminal as owned by the dashboard (1) or released (0).  On
 * release, held lines are written.
 */
void log_set_terminal_owned(int owned);

/* Copies the counters. */
void log_get_stats(struct log_stats *);

/*
 * A hook run once by fatal()/fatalx() before the message is written, so
 * the dashboard can restore the terminal first.
 */
void log_set_fatal_hook(void (*)(void));

void log_msg(enum log_level, const char *, ...) XARB_PRINTF(2, 3);
void log_vmsg(enum log_level, const char *, va_list) XARB_PRINTF(2, 0);
void log_error(const char *, ...) XARB_PRINTF(1, 2);
void log_warn(const char *, ...) XARB_PRINTF(1, 2);
void log_info(const char *, ...) XARB_PRINTF(1, 2);
void log_debug(const char *, ...) XARB_PRINTF(1, 2);

/* Start-up and broken invariants only: log, flush, exit(1). */
void fatal(const char *, ...) XARB_PRINTF(1, 2) XARB_NORETURN;
void fatalx(const char *, ...) XARB_PRINTF(1, 2) XARB_NORETURN;

#endif /* XARB_LOG_H */
