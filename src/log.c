/*
 * Buffered logging with a flusher thread.  Callers format a line into a
 * bounded buffer under a mutex (cheap, never waits on I/O); the flusher
 * swaps buffers and writes outside that mutex.  A second mutex orders the
 * writes themselves, so an explicit log_flush() and the flusher cannot
 * interleave.  Cold path only; see log.h.
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define LOG_LINE_MAX 1024

static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;  /* buffers */
static pthread_mutex_t log_wmu = PTHREAD_MUTEX_INITIALIZER; /* writes */
static pthread_cond_t log_cv = PTHREAD_COND_INITIALIZER;

static char log_bufs[2][LOG_BUFFER_BYTES];
static size_t log_len; /* bytes used in log_bufs[log_cur] */
static int log_cur;    /* buffer being filled, under log_mu */
static char log_hold[LOG_HOLD_BYTES];
static size_t log_hold_len; /* under log_wmu */

static int log_fd = STDERR_FILENO; /* under log_wmu */
static int log_fd_is_tty;
static int log_owned;	/* terminal owned by the dashboard */
static int log_running; /* flusher thread exists */
static int log_stopping;
static unsigned log_flush_ms = 100;
static pthread_t log_thread;
static int log_level = LOG_LEVEL_INFO; /* read without the lock */
static struct log_stats log_stats;     /* under log_mu */
static void (*log_fatal_hook)(void);

static const char *const log_names[] = {
	"error",
	"warn",
	"info",
	"debug",
	"trace",
};

static void log_write_all(int, const char *, size_t);

int
log_open(const char *path)
{
	int fd, old;

	if (path == NULL || *path == '\0')
		fd = STDERR_FILENO;
	else {
		fd =
		    open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
		if (fd == -1)
			return (-1);
	}
	log_flush();
	pthread_mutex_lock(&log_wmu);
	old = log_fd;
	log_fd = fd;
	log_fd_is_tty = isatty(fd);
	pthread_mutex_unlock(&log_wmu);
	if (old != STDERR_FILENO && old != fd)
		close(old);
	return (0);
}

void
log_set_level(enum log_level level)
{
	__atomic_store_n(&log_level, (int)level, __ATOMIC_RELAXED);
}

enum log_level
log_get_level(void)
{
	return ((enum log_level)__atomic_load_n(&log_level, __ATOMIC_RELAXED));
}

int
log_level_parse(const char *s)
{
	size_t i;

	for (i = 0; i < nitems(log_names); i++) {
		if (strcasecmp(s, log_names[i]) == 0)
			return ((int)i);
	}
	if (strcasecmp(s, "warning") == 0)
		return (LOG_LEVEL_WARN);
	return (-1);
}

const char *
log_level_name(enum log_level level)
{
	if ((unsigned)level >= nitems(log_names))
		return ("?");
	return (log_names[level]);
}

void
log_set_fatal_hook(void (*hook)(void))
{
	log_fatal_hook = hook;
}

void
log_get_stats(struct log_stats *st)
{
	pthread_mutex_lock(&log_mu);
	*st = log_stats;
	pthread_mutex_unlock(&log_mu);
}

/* Writes everything, retrying short writes and EINTR; counts failures. */
static void
log_write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0) {
			pthread_mutex_lock(&log_mu);
			log_stats.write_errors++;
			pthread_mutex_unlock(&log_mu);
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

/*
 * Keeps the newest lines in the hold buffer while the dashboard owns the
 * terminal; whole old lines are pushed out (and counted) to make room.
 * Called with log_wmu held.
 */
/* Newlines in p[0..n): the lines a cut throws away. */
static uint64_t
log_count_lines(const char *p, size_t n)
{
	uint64_t lines = 0;
	size_t i;

	for (i = 0; i < n; i++)
		lines += p[i] == '\n';
	return (lines);
}

/*
 * Keeps the newest whole lines in the hold buffer while the dashboard
 * owns the terminal; older lines are pushed out and counted as dropped.
 * Called with log_wmu held; chunks always end with a newline.
 */
static void
log_hold_append(const char *p, size_t n)
{
	uint64_t lines = 0;
	size_t need, cut;
	char *nl;

	if (n > LOG_HOLD_BYTES) {
		/* Nothing held survives; keep the chunk's newest lines. */
		lines += log_count_lines(log_hold, log_hold_len);
		log_hold_len = 0;
		cut = n - LOG_HOLD_BYTES;
		if (p[cut - 1] != '\n') {
			nl = memchr(p + cut, '\n', n - cut);
			cut = nl != NULL ? (size_t)(nl - p) + 1 : n;
		}
		lines += log_count_lines(p, cut);
		p += cut;
		n -= cut;
	} else if (log_hold_len + n > LOG_HOLD_BYTES) {
		/* Cut through the end of the line holding byte need-1. */
		need = log_hold_len + n - LOG_HOLD_BYTES;
		nl = memchr(log_hold + need - 1, '\n', log_hold_len - need + 1);
		cut = nl != NULL ? (size_t)(nl - log_hold) + 1 : log_hold_len;
		lines += log_count_lines(log_hold, cut);
		memmove(log_hold, log_hold + cut, log_hold_len - cut);
		log_hold_len -= cut;
	}
	if (lines > 0) {
		pthread_mutex_lock(&log_mu);
		log_stats.dropped += lines;
		pthread_mutex_unlock(&log_mu);
	}
	memcpy(log_hold + log_hold_len, p, n);
	log_hold_len += n;
}

void
log_flush(void)
{
	char *p;
	size_t n;

	pthread_mutex_lock(&log_wmu);
	pthread_mutex_lock(&log_mu);
	p = log_bufs[log_cur];
	n = log_len;
	log_cur ^= 1;
	log_len = 0;
	pthread_mutex_unlock(&log_mu);
	if (n > 0) {
		if (log_owned && log_fd_is_tty)
			log_hold_append(p, n);
		else
			log_write_all(log_fd, p, n);
	}
	pthread_mutex_unlock(&log_wmu);
}

void
log_set_terminal_owned(int owned)
{
	log_flush();
	pthread_mutex_lock(&log_wmu);
	log_owned = owned;
	if (!owned && log_hold_len > 0) {
		log_write_all(log_fd, log_hold, log_hold_len);
		log_hold_len = 0;
	}
	pthread_mutex_unlock(&log_wmu);
}

static void *
log_thread_main(void *arg)
{
	struct timespec ts;
	int stop;

	(void)arg;
	for (;;) {
		pthread_mutex_lock(&log_mu);
		if (!log_stopping) {
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += (long)(log_flush_ms % 1000) * 1000000L;
			ts.tv_sec +=
			    log_flush_ms / 1000 + ts.tv_nsec / 1000000000L;
			ts.tv_nsec %= 1000000000L;
			pthread_cond_timedwait(&log_cv, &log_mu, &ts);
		}
		stop = log_stopping;
		pthread_mutex_unlock(&log_mu);
		log_flush();
		if (stop)
			return (NULL);
	}
}

int
log_start(unsigned flush_ms)
{
	int error;

	if (log_running)
		return (0);
	log_flush_ms = flush_ms ? flush_ms : 100;
	log_stopping = 0;
	if ((error = pthread_create(&log_thread, NULL, log_thread_main,
		 NULL)) != 0) {
		errno = error;
		return (-1);
	}
	pthread_mutex_lock(&log_mu);
	log_running = 1;
	pthread_mutex_unlock(&log_mu);
	return (0);
}

void
log_stop(void)
{
	int running;

	pthread_mutex_lock(&log_mu);
	running = log_running;
	log_stopping = 1;
	pthread_cond_signal(&log_cv);
	pthread_mutex_unlock(&log_mu);
	if (running)
		pthread_join(log_thread, NULL);
	pthread_mutex_lock(&log_mu);
	log_running = 0;
	pthread_mutex_unlock(&log_mu);
	log_set_terminal_owned(0);
	log_flush();
	pthread_mutex_lock(&log_wmu);
	if (log_fd != STDERR_FILENO) {
		close(log_fd);
		log_fd = STDERR_FILENO;
		log_fd_is_tty = isatty(log_fd);
	}
	pthread_mutex_unlock(&log_wmu);
}

/* "2026-11-25T11:31:08.123Z warn: " */
static int
log_prefix(char *buf, size_t len, enum log_level level)
{
	struct timespec ts;
	struct tm tm;
	char date[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
	return (snprintf(buf, len, "%s.%03ldZ %s: ", date,
	    ts.tv_nsec / 1000000L, log_level_name(level)));
}

void
log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];
	int n, m;
	size_t len;

	if ((int)level > (int)log_get_level())
		return;
	n = log_prefix(line, sizeof line, level);
	if (n < 0 || (size_t)n >= sizeof line / 2)
		n = 0; /* cannot happen: the prefix is ~30 bytes */
	m = vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
	len = (size_t)n + (m < 0 ? 0 : (size_t)m);
	/* Room for 1023 characters and the newline; longer is cut. */
	if (len > sizeof line - 1) {
		len = sizeof line - 1;
		line[len - 3] = line[len - 2] = line[len - 1] = '.';
	}
	line[len++] = '\n';

	pthread_mutex_lock(&log_mu);
	if (log_len + len > LOG_BUFFER_BYTES) {
		log_stats.dropped++;
		pthread_cond_signal(&log_cv);
		pthread_mutex_unlock(&log_mu);
		return;
	}
	memcpy(log_bufs[log_cur] + log_len, line, len);
	log_len += len;
	log_stats.lines++;
	if (log_running && log_len > LOG_BUFFER_BYTES / 2)
		pthread_cond_signal(&log_cv);
	n = log_running;
	pthread_mutex_unlock(&log_mu);
	if (!n)
		log_flush(); /* start-up or exit: no thread, write now */
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}

#define LOG_DEFINE(fn, level)                                                  \
	void fn(const char *fmt, ...)                                          \
	{                                                                      \
		va_list ap;                                                    \
		va_start(ap, fmt);                                             \
		log_vmsg(level, fmt, ap);                                      \
		va_end(ap);                                                    \
	}

LOG_DEFINE(log_error, LOG_LEVEL_ERROR)
LOG_DEFINE(log_warn, LOG_LEVEL_WARN)
LOG_DEFINE(log_info, LOG_LEVEL_INFO)
LOG_DEFINE(log_debug, LOG_LEVEL_DEBUG)

static void XARB_NORETURN
log_vfatal(int with_errno, const char *fmt, va_list ap)
{
	char msg[LOG_LINE_MAX];
	int saved = errno;
	void (*hook)(void) = log_fatal_hook;

	log_fatal_hook = NULL;
	if (hook != NULL)
		hook();
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (with_errno)
		log_msg(LOG_LEVEL_ERROR, "fatal: %s: %s", msg, strerror(saved));
	else
		log_msg(LOG_LEVEL_ERROR, "fatal: %s", msg);
	log_set_terminal_owned(0);
	log_flush();
	if (log_fd != STDERR_FILENO) {
		if (with_errno)
			fprintf(stderr, "xarb: fatal: %s: %s\n", msg,
			    strerror(saved));
		else
			fprintf(stderr, "xarb: fatal: %s\n", msg);
	}
	exit(1);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vfatal(1, fmt, ap);
	va_end(ap); /* not reached */
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vfatal(0, fmt, ap);
	va_end(ap); /* not reached */
}
