/*
 * Tests of the log: level names and filtering, the line format and its
 * length limit, synchronous writes before log_start() and buffered ones
 * after, reopening, the terminal hold (on a pseudo-terminal), and the
 * counters for dropped lines and write errors.
 *
 * The log is global state: every test leaves it stopped, on stderr, at
 * level info, so the program also passes with CK_FORK=no.
 */
#include "autoconf.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <regex.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "xarb.h"
#include "log.h"
#include "tcheck.h"

/* "2026-11-25T11:31:08.123Z info: " is 31 bytes; lines are < 1024. */
#define PREFIX_INFO 31
#define LINE_TEXT_MAX 1023
#define WAIT_MS 2000

static char *dir;
static char *path;	/* dir/xarb.log */
static regex_t line_rx; /* the start of a well-formed line */

/* A pseudo-terminal whose master side a thread drains into memory. */
struct pty {
	int master, slave;
	char name[128];
	pthread_t reader;
	pthread_mutex_t mu;
	char *buf;
	size_t len, cap;
	int stop;
	int running; /* reader thread started; teardown closes it */
};
static struct pty tp;

static void pty_close(struct pty *);

static void
setup(void)
{
	dir = tcheck_mkdtemp();
	path = tcheck_asprintf("%s/xarb.log", dir);
	if (regcomp(&line_rx,
		"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
		"\\.[0-9]{3}Z (error|warn|info|debug|trace): ",
		REG_EXTENDED | REG_NOSUB) != 0)
		abort();
	log_set_level(LOG_LEVEL_INFO);
}

static void
teardown(void)
{
	log_stop(); /* releases held lines while the pty still reads */
	log_open(NULL);
	if (tp.running)
		pty_close(&tp);
	log_set_level(LOG_LEVEL_INFO);
	tcheck_free_kept();
	path = NULL;
	regfree(&line_rx);
	tcheck_rmdir(dir);
	dir = NULL;
}

static void
sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* Reads p, "" if it does not exist; caller frees. */
static char *
read_all(const char *p)
{
	char *s = tcheck_read(p);

	return (s != NULL ? s : strdup(""));
}

/* The same, freed by teardown. */
static char *
slurp(const char *p)
{
	return (tcheck_keep(read_all(p)));
}

/*
 * Polls p every 10 ms until it contains needle, for up to WAIT_MS.
 * Returns the contents (freed by teardown) or NULL on timeout.
 */
static char *
wait_for_text(const char *p, const char *needle)
{
	char *s;
	unsigned waited;

	for (waited = 0;; waited += 10) {
		s = read_all(p);
		if (strstr(s, needle) != NULL)
			return (tcheck_keep(s));
		free(s);
		if (waited >= WAIT_MS)
			return (NULL);
		sleep_ms(10);
	}
}

static unsigned
count_lines(const char *s)
{
	unsigned n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return (n);
}

/* Both a and b occur in s, a first. */
#define assert_before(s, a, b)                                                 \
	do {                                                                   \
		const char *pa_ = strstr((s), (a)), *pb_ = strstr((s), (b));   \
		ck_assert_msg(pa_ != NULL && pb_ != NULL && pa_ < pb_,         \
		    "\"%s\" not before \"%s\"", (a), (b));                     \
	} while (0)

/* True if line (without its '\n') is "<ISO time>Z <level>: <msg>". */
static int
line_is_well_formed(const char *line, size_t len)
{
	char *copy;
	int ok;

	if (memchr(line, '\0', len) != NULL)
		return (0);
	copy = strndup(line, len);
	ok = regexec(&line_rx, copy, 0, NULL, 0) == 0;
	free(copy);
	return (ok);
}

/* --- levels --- */

static const struct {
	const char *name;
	int level;
} parse_cases[] = {
	{ "error", LOG_LEVEL_ERROR },
	{ "warn", LOG_LEVEL_WARN },
	{ "warning", LOG_LEVEL_WARN },
	{ "info", LOG_LEVEL_INFO },
	{ "debug", LOG_LEVEL_DEBUG },
	{ "trace", LOG_LEVEL_TRACE },
	{ "INFO", LOG_LEVEL_INFO },
	{ "Debug", LOG_LEVEL_DEBUG },
	{ "", -1 },
	{ "verbose", -1 },
	{ "infoo", -1 },
	{ "inf", -1 },
	{ " info", -1 },
};

START_TEST(test_log_level_parse_table)
{
	ck_assert_int_eq(log_level_parse(parse_cases[_i].name),
	    parse_cases[_i].level);
}
END_TEST

START_TEST(test_log_level_names_round_trip)
{
	static const char *const want[] = { "error", "warn", "info", "debug",
		"trace" };
	int l;

	for (l = LOG_LEVEL_ERROR; l <= LOG_LEVEL_TRACE; l++) {
		ck_assert_str_eq(log_level_name((enum log_level)l), want[l]);
		ck_assert_int_eq(log_level_parse(log_level_name((enum log_level)
					 l)),
		    l);
	}
	ck_assert_str_eq(log_level_name((enum log_level)(LOG_LEVEL_TRACE + 1)),
	    "?");
	ck_assert_str_eq(log_level_name((enum log_level) - 1), "?");
}
END_TEST

START_TEST(test_log_set_level_is_read_back)
{
	log_set_level(LOG_LEVEL_TRACE);
	ck_assert_int_eq(log_get_level(), LOG_LEVEL_TRACE);
	log_set_level(LOG_LEVEL_ERROR);
	ck_assert_int_eq(log_get_level(), LOG_LEVEL_ERROR);
}
END_TEST

/* At threshold _i, one line per level: exactly levels <= _i are kept. */
START_TEST(test_log_level_filter_table)
{
	struct log_stats before, after;
	char *s, want[64];
	int l, kept = 0;

	ck_assert_int_eq(log_open(path), 0);
	log_set_level((enum log_level)_i);
	log_get_stats(&before);
	for (l = LOG_LEVEL_ERROR; l <= LOG_LEVEL_TRACE; l++)
		log_msg((enum log_level)l, "filter %d", l);
	log_get_stats(&after);
	s = slurp(path);
	for (l = LOG_LEVEL_ERROR; l <= LOG_LEVEL_TRACE; l++) {
		snprintf(want, sizeof want, "Z %s: filter %d\n",
		    log_level_name((enum log_level)l), l);
		if (l <= _i) {
			ck_assert_msg(strstr(s, want) != NULL,
			    "level %d missing at threshold %d", l, _i);
			kept++;
		} else
			ck_assert_msg(strstr(s, want) == NULL,
			    "level %d written at threshold %d", l, _i);
	}
	ck_assert_uint_eq(count_lines(s), (unsigned)kept);
	ck_assert_uint_eq(after.lines - before.lines, (uint64_t)kept);
}
END_TEST

/* The named helpers log at their own level. */
START_TEST(test_log_helpers_use_their_level)
{
	char *s;

	ck_assert_int_eq(log_open(path), 0);
	log_set_level(LOG_LEVEL_DEBUG);
	log_error("e%d", 1);
	log_warn("w%d", 2);
	log_info("i%d", 3);
	log_debug("d%d", 4);
	s = slurp(path);
	ck_assert_ptr_nonnull(strstr(s, "Z error: e1\n"));
	ck_assert_ptr_nonnull(strstr(s, "Z warn: w2\n"));
	ck_assert_ptr_nonnull(strstr(s, "Z info: i3\n"));
	ck_assert_ptr_nonnull(strstr(s, "Z debug: d4\n"));
	/* In call order. */
	assert_before(s, "e1", "w2");
	assert_before(s, "i3", "d4");
}
END_TEST

/* --- format --- */

START_TEST(test_log_line_format_is_utc_iso)
{
	regex_t rx;
	regmatch_t m[2];
	struct tm tm;
	char *s, stamp[32];
	time_t t0, t1, t;
	int matched;

	ck_assert_int_eq(log_open(path), 0);
	t0 = time(NULL);
	log_warn("ws %s: closed: %s", "bybit", "tls: bad");
	t1 = time(NULL);
	s = slurp(path);
	if (regcomp(&rx,
		"^([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2})"
		"\\.[0-9]{3}Z warn: ws bybit: closed: tls: bad\n$",
		REG_EXTENDED) != 0)
		abort();
	matched = regexec(&rx, s, 2, m, 0) == 0;
	regfree(&rx);
	ck_assert_msg(matched, "bad line \"%s\"", s);

	/* The stamp is now, in UTC. */
	snprintf(stamp, sizeof stamp, "%.*s", (int)(m[1].rm_eo - m[1].rm_so),
	    s + m[1].rm_so);
	memset(&tm, 0, sizeof tm);
	ck_assert_ptr_nonnull(strptime(stamp, "%Y-%m-%dT%H:%M:%S", &tm));
	t = timegm(&tm);
	ck_assert_int_ge((long long)t, (long long)t0 - 1);
	ck_assert_int_le((long long)t, (long long)t1 + 1);
}
END_TEST

START_TEST(test_log_long_message_truncated_on_one_line)
{
	char *msg, *s, *nl;
	size_t len;

	msg = tcheck_keep(malloc(5001));
	memset(msg, 'a', 5000);
	memcpy(msg + 4996, "TAIL", 5);
	ck_assert_int_eq(log_open(path), 0);
	log_info("%s", msg);
	log_info("next");
	s = slurp(path);
	ck_assert_uint_eq(count_lines(s), 2);
	nl = strchr(s, '\n');
	len = (size_t)(nl - s);
	ck_assert_uint_eq(len, LINE_TEXT_MAX);
	ck_assert_int_eq(memcmp(nl - 3, "...", 3), 0);
	ck_assert_int_eq(nl[-4], 'a');
	ck_assert_ptr_null(strstr(s, "TAIL"));
	ck_assert(line_is_well_formed(s, len));
	ck_assert_ptr_nonnull(strstr(nl + 1, "Z info: next\n"));
}
END_TEST

/*
 * Around the limit: a line of up to LINE_TEXT_MAX characters fits whole
 * (the truncated form is that long too); one more is cut with "...".
 */
static const int boundary_extra[] = { -2, -1, 0, 1, 2, 100 };

START_TEST(test_log_line_limit_boundary)
{
	size_t room = LINE_TEXT_MAX - PREFIX_INFO;
	size_t mlen = room + (size_t)(long)boundary_extra[_i];
	size_t i, len;
	char *msg, *s, *nl;

	msg = tcheck_keep(malloc(mlen + 1));
	for (i = 0; i < mlen; i++)
		msg[i] = (char)('a' + i % 26);
	msg[mlen] = '\0';
	ck_assert_int_eq(log_open(path), 0);
	log_info("%s", msg);
	s = slurp(path);
	ck_assert_uint_eq(count_lines(s), 1);
	nl = strchr(s, '\n');
	len = (size_t)(nl - s);
	ck_assert(line_is_well_formed(s, len));
	if (mlen <= room) {
		/* Fits: written exactly, no marker. */
		ck_assert_uint_eq(len, PREFIX_INFO + mlen);
		ck_assert_msg(memcmp(s + PREFIX_INFO, msg, mlen) == 0,
		    "a %zu-byte message (line of %zu) was altered: ends \"%s\"",
		    mlen, PREFIX_INFO + mlen, nl - 6);
	} else {
		ck_assert_uint_eq(len, LINE_TEXT_MAX);
		ck_assert_int_eq(memcmp(nl - 3, "...", 3), 0);
		ck_assert_int_eq(memcmp(s + PREFIX_INFO, msg,
				     LINE_TEXT_MAX - PREFIX_INFO - 3),
		    0);
	}
}
END_TEST

/* --- destinations --- */

START_TEST(test_log_writes_synchronously_before_start)
{
	struct log_stats before, after;
	char *s;

	ck_assert_int_eq(log_open(path), 0);
	log_get_stats(&before);
	log_info("hello %d", 42);
	/* No flusher: already on disk, no log_flush() needed. */
	s = slurp(path);
	ck_assert_ptr_nonnull(strstr(s, "Z info: hello 42\n"));
	ck_assert_uint_eq(count_lines(s), 1);
	log_get_stats(&after);
	ck_assert_uint_eq(after.lines - before.lines, 1);
	ck_assert_uint_eq(after.dropped, before.dropped);
	ck_assert_uint_eq(after.write_errors, before.write_errors);
}
END_TEST

START_TEST(test_log_flusher_writes_lines)
{
	char *s;

	ck_assert_int_eq(log_open(path), 0);
	ck_assert_int_eq(log_start(10), 0);
	ck_assert_int_eq(log_start(10), 0); /* already running: no-op */
	log_info("async one");
	log_info("async two");
	s = wait_for_text(path, "async two\n");
	ck_assert_msg(s != NULL, "flusher did not write within %d ms", WAIT_MS);
	assert_before(s, "async one\n", "async two\n");
	ck_assert_uint_eq(count_lines(s), 2);
}
END_TEST

/* With a long period lines wait in memory until log_flush(). */
START_TEST(test_log_flush_writes_buffered_lines_now)
{
	char *s;

	ck_assert_int_eq(log_open(path), 0);
	ck_assert_int_eq(log_start(10000), 0);
	log_info("buffered");
	sleep_ms(50);
	s = slurp(path);
	ck_assert_msg(strstr(s, "buffered") == NULL,
	    "written before the flush period: callers must not do I/O");
	log_flush();
	s = slurp(path);
	ck_assert_ptr_nonnull(strstr(s, "Z info: buffered\n"));
}
END_TEST

/* log_stop() flushes, closes the file and goes back to stderr. */
START_TEST(test_log_stop_flushes_and_closes)
{
	char *s, *errpath;
	int saved, fd;

	ck_assert_int_eq(log_open(path), 0);
	ck_assert_int_eq(log_start(10000), 0);
	log_info("last words");
	log_stop();
	s = slurp(path);
	ck_assert_ptr_nonnull(strstr(s, "Z info: last words\n"));

	/* Now stderr: catch it in a file. */
	errpath = tcheck_asprintf("%s/stderr", dir);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd != -1) {
		dup2(fd, STDERR_FILENO);
		close(fd);
		log_info("after stop");
		dup2(saved, STDERR_FILENO);
	}
	close(saved);
	ck_assert_int_ge(fd, 0);

	s = slurp(path);
	ck_assert_ptr_null(strstr(s, "after stop"));
	s = slurp(errpath);
	ck_assert_ptr_nonnull(strstr(s, "Z info: after stop\n"));
}
END_TEST

START_TEST(test_log_open_appends_and_creates_0640)
{
	struct stat st;
	char *s, *fresh;
	mode_t old;

	free(tcheck_write(dir, "xarb.log", "earlier line\n", 0600));
	ck_assert_int_eq(log_open(path), 0);
	log_info("appended");
	s = slurp(path);
	ck_assert_int_eq(strncmp(s, "earlier line\n", 13), 0);
	ck_assert_ptr_nonnull(strstr(s + 13, "Z info: appended\n"));

	fresh = tcheck_asprintf("%s/fresh.log", dir);
	old = umask(0);
	ck_assert_int_eq(log_open(fresh), 0);
	umask(old);
	ck_assert_int_eq(stat(fresh, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0640);
}
END_TEST

/* A failed open keeps the previous destination. */
START_TEST(test_log_open_failure_keeps_destination)
{
	char *bad, *s;

	bad = tcheck_asprintf("%s/no-such-dir/x.log", dir);
	ck_assert_int_eq(log_open(path), 0);
	errno = 0;
	ck_assert_int_eq(log_open(bad), -1);
	ck_assert_int_eq(errno, ENOENT);
	log_info("still here");
	s = slurp(path);
	ck_assert_ptr_nonnull(strstr(s, "Z info: still here\n"));
}
END_TEST

/* Rotation: rename the file, reopen, and new lines go to the new one. */
START_TEST(test_log_reopen_after_rename)
{
	char *old, *s;

	old = tcheck_asprintf("%s.1", path);
	ck_assert_int_eq(log_open(path), 0);
	ck_assert_int_eq(log_start(10), 0);
	log_info("before rotation");
	log_flush();
	ck_assert_int_eq(rename(path, old), 0);
	log_info("pending at rotation");
	ck_assert_int_eq(log_open(path), 0); /* flushes to the old file */
	log_info("after rotation");
	log_flush();

	s = slurp(old);
	ck_assert_ptr_nonnull(strstr(s, "before rotation\n"));
	ck_assert_ptr_nonnull(strstr(s, "pending at rotation\n"));
	ck_assert_ptr_null(strstr(s, "after rotation"));
	s = slurp(path);
	ck_assert_ptr_nonnull(strstr(s, "Z info: after rotation\n"));
	ck_assert_uint_eq(count_lines(s), 1);
}
END_TEST

START_TEST(test_log_write_errors_counted)
{
	struct log_stats before, after;

	ck_assert_int_eq(log_open("/dev/full"), 0);
	log_get_stats(&before);
	log_error("into a full device");
	log_get_stats(&after);
	ck_assert_uint_eq(after.write_errors - before.write_errors, 1);
	ck_assert_uint_eq(after.lines - before.lines, 1);
}
END_TEST

/* Writers on several threads: no line lost, split or interleaved. */
#define MT_THREADS 4

static void *
mt_writer(void *arg)
{
	unsigned t = (unsigned)(uintptr_t)arg, i, n;

	n = tcheck_slow() ? 500 : 5000;
	for (i = 0; i < n; i++)
		log_info("mt %u %u %s", t, i, "padding-padding-padding");
	return (NULL);
}

START_TEST(test_log_threads_lines_stay_whole)
{
	pthread_t th[MT_THREADS];
	struct log_stats before, after;
	unsigned next[MT_THREADS] = { 0 }, t, i, n, lines = 0, bad = 0;
	char *s, *p, *q, *nl, line[1024], first_bad[128] = "";
	uintptr_t k;

	ck_assert_int_eq(log_open(path), 0);
	ck_assert_int_eq(log_start(10), 0);
	log_get_stats(&before);
	for (k = 0; k < MT_THREADS; k++)
		ck_assert_int_eq(pthread_create(&th[k], NULL, mt_writer,
				     (void *)k),
		    0);
	for (k = 0; k < MT_THREADS; k++)
		pthread_join(th[k], NULL);
	log_stop();
	log_get_stats(&after);

	/*
	 * Checked line by line (sscanf on a copy: on the whole text it
	 * would strlen() the rest of the file each time), asserted once.
	 */
	s = slurp(path);
	for (p = s; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		snprintf(line, sizeof line, "%.*s", (int)(nl - p), p);
		q = strstr(line, "info: mt ");
		if (!line_is_well_formed(p, (size_t)(nl - p)) || q == NULL ||
		    sscanf(q, "info: mt %u %u", &t, &i) != 2 ||
		    t >= MT_THREADS || i < next[t]) {
			/* Each thread's lines must come in order (drops may
			   skip some) and whole. */
			if (bad++ == 0)
				snprintf(first_bad, sizeof first_bad, "%.*s",
				    (int)(nl - p), p);
			continue;
		}
		next[t] = i + 1;
		lines++;
	}
	ck_assert_msg(bad == 0, "%u bad lines; the first: \"%s\"", bad,
	    first_bad);
	ck_assert_str_eq(p, "");
	n = tcheck_slow() ? 500 : 5000;
	ck_assert_uint_gt(lines, 0);
	ck_assert_uint_eq(after.lines - before.lines, lines);
	ck_assert_uint_eq(after.lines - before.lines + after.dropped -
		before.dropped,
	    (uint64_t)MT_THREADS * n);
}
END_TEST

/* --- dropping --- */

/*
 * A destination that never drains (a FIFO nobody reads) stalls the
 * flusher; callers must not block: the buffer fills and lines are
 * dropped and counted.  Closing the reader then turns the stuck write
 * into EPIPE, counted as a write error, and log_stop() returns.
 */
START_TEST(test_log_full_buffer_drops_and_counts)
{
	struct log_stats before, after;
	struct sigaction ign, old;
	char *fifo, pad[201];
	unsigned i, n = 16384; /* ~3.5 MB of lines */
	int rfd, opened, started = -1;

	memset(pad, 'p', 200);
	pad[200] = '\0';
	fifo = tcheck_asprintf("%s/fifo", dir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	rfd = open(fifo, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(rfd, 0);
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old);

	/* No assertions until the reader is closed: log_stop() needs it. */
	memset(&before, 0, sizeof before);
	after = before;
	if ((opened = log_open(fifo)) == 0 &&
	    (started = log_start(10000)) == 0) {
		log_get_stats(&before);
		for (i = 0; i < n; i++)
			log_info("fill %u %s", i, pad);
		log_get_stats(&after);
	}
	close(rfd);
	log_stop();
	sigaction(SIGPIPE, &old, NULL);
	ck_assert_int_eq(opened, 0);
	ck_assert_int_eq(started, 0);

	ck_assert_uint_gt(after.dropped - before.dropped, 0);
	ck_assert_uint_eq(after.lines - before.lines + after.dropped -
		before.dropped,
	    n);
	/* At most two buffers and a pipe's worth were accepted. */
	ck_assert_uint_lt(after.lines - before.lines,
	    (2 * LOG_BUFFER_BYTES + (1 << 20)) / 200);
	log_get_stats(&after);
	ck_assert_uint_gt(after.write_errors - before.write_errors, 0);
}
END_TEST

/* --- terminal --- */

/* Held lines are only for terminals: a file keeps being written. */
START_TEST(test_log_owned_regular_file_still_written)
{
	char *s;

	ck_assert_int_eq(log_open(path), 0);
	log_set_terminal_owned(1);
	log_info("while owned");
	s = slurp(path);
	ck_assert_ptr_nonnull(strstr(s, "Z info: while owned\n"));

	ck_assert_int_eq(log_start(10), 0);
	log_info("owned async");
	s = wait_for_text(path, "owned async\n");
	ck_assert_ptr_nonnull(s);

	log_set_terminal_owned(0);
	log_info("released");
	log_flush();
	s = slurp(path);
	ck_assert_ptr_nonnull(strstr(s, "Z info: released\n"));
	ck_assert_uint_eq(count_lines(s), 3);
}
END_TEST

static void *
pty_reader(void *arg)
{
	struct pty *p = arg;
	struct pollfd pfd;
	char chunk[4096];
	ssize_t n;

	for (;;) {
		pthread_mutex_lock(&p->mu);
		if (p->stop) {
			pthread_mutex_unlock(&p->mu);
			return (NULL);
		}
		pthread_mutex_unlock(&p->mu);
		pfd.fd = p->master;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 10) <= 0 || (pfd.revents & POLLIN) == 0)
			continue;
		if ((n = read(p->master, chunk, sizeof chunk)) <= 0)
			continue;
		pthread_mutex_lock(&p->mu);
		if (p->len + (size_t)n + 1 > p->cap) {
			p->cap = (p->len + (size_t)n + 1) * 2;
			p->buf = realloc(p->buf, p->cap);
			if (p->buf == NULL)
				abort();
		}
		memcpy(p->buf + p->len, chunk, (size_t)n);
		p->len += (size_t)n;
		p->buf[p->len] = '\0';
		pthread_mutex_unlock(&p->mu);
	}
}

static void
pty_open(struct pty *p)
{
	struct termios t;

	memset(p, 0, sizeof *p);
	p->master = posix_openpt(O_RDWR | O_NOCTTY);
	ck_assert_msg(p->master != -1, "posix_openpt: %s", strerror(errno));
	ck_assert_int_eq(grantpt(p->master), 0);
	ck_assert_int_eq(unlockpt(p->master), 0);
	ck_assert_int_eq(ptsname_r(p->master, p->name, sizeof p->name), 0);
	p->slave = open(p->name, O_RDWR | O_NOCTTY);
	ck_assert_int_ge(p->slave, 0);
	ck_assert(isatty(p->slave));
	/* Raw: no "\n" -> "\r\n", so bytes read are bytes written. */
	ck_assert_int_eq(tcgetattr(p->slave, &t), 0);
	cfmakeraw(&t);
	ck_assert_int_eq(tcsetattr(p->slave, TCSANOW, &t), 0);
	pthread_mutex_init(&p->mu, NULL);
	p->buf = calloc(1, 1);
	p->cap = 1;
	ck_assert_int_eq(pthread_create(&p->reader, NULL, pty_reader, p), 0);
	p->running = 1;
}

/* Returns a copy of what was read so far (caller frees). */
static char *
pty_text(struct pty *p)
{
	char *s;

	pthread_mutex_lock(&p->mu);
	s = strdup(p->buf);
	pthread_mutex_unlock(&p->mu);
	return (s);
}

/* Waits up to WAIT_MS for needle; returns the text (freed by teardown). */
static char *
pty_wait_for(struct pty *p, const char *needle)
{
	unsigned waited;
	char *s;

	for (waited = 0;; waited += 10) {
		s = pty_text(p);
		if (strstr(s, needle) != NULL || waited >= WAIT_MS)
			return (tcheck_keep(s));
		free(s);
		sleep_ms(10);
	}
}

static void
pty_close(struct pty *p)
{
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->reader, NULL);
	pthread_mutex_destroy(&p->mu);
	close(p->slave);
	close(p->master);
	free(p->buf);
	memset(p, 0, sizeof *p);
}

START_TEST(test_log_owned_tty_holds_until_release)
{
	struct pty *p = &tp;
	char *s;

	pty_open(p);
	ck_assert_int_eq(log_open(p->name), 0);
	log_info("visible before");
	s = pty_wait_for(p, "visible before\n");
	ck_assert_ptr_nonnull(strstr(s, "Z info: visible before\n"));

	log_set_terminal_owned(1);
	log_info("held one");
	log_warn("held two");
	log_flush();
	sleep_ms(100);
	s = tcheck_keep(pty_text(p));
	ck_assert_msg(strstr(s, "held") == NULL,
	    "written while the dashboard owns the terminal");

	log_set_terminal_owned(0);
	s = pty_wait_for(p, "held two\n");
	ck_assert_ptr_nonnull(strstr(s, "Z info: held one\n"));
	ck_assert_ptr_nonnull(strstr(s, "Z warn: held two\n"));
	assert_before(s, "held one", "held two");
	ck_assert_uint_eq(count_lines(s), 3);

	log_stop();
	pty_close(p);
}
END_TEST

/*
 * More than LOG_HOLD_BYTES while owned: on release the newest lines come
 * out, each whole, and every line not shown is counted as dropped.
 * _i == 0 logs synchronously (each line reaches the hold buffer on its
 * own); _i == 1 runs the flusher with a long period and flushes once, so
 * a single chunk larger than the hold buffer arrives.
 */
START_TEST(test_log_owned_tty_keeps_newest_whole_lines)
{
	struct log_stats before, after;
	struct pty *p = &tp;
	char *s, *q, *nl, pad[101], last[128], line[1024];
	unsigned i, n = 700, got = 0, idx, prev = 0;

	memset(pad, 'h', 100);
	pad[100] = '\0';
	pty_open(p);
	ck_assert_int_eq(log_open(p->name), 0);
	if (_i == 1)
		ck_assert_int_eq(log_start(10000), 0);
	log_set_terminal_owned(1);
	log_get_stats(&before);
	/* 700 lines of ~145 bytes: ~100 KB, over the hold buffer but under
	   half the main buffer (no early wake-up of the flusher). */
	for (i = 0; i < n; i++)
		log_info("hold %06u %s", i, pad);
	log_flush();
	s = tcheck_keep(pty_text(p));
	ck_assert_str_eq(s, "");
	log_set_terminal_owned(0);
	/* The whole newest line, newline included. */
	snprintf(last, sizeof last, "hold %06u %s\n", n - 1, pad);
	s = pty_wait_for(p, last);
	log_get_stats(&after);

	ck_assert_ptr_nonnull(strstr(s, last));
	ck_assert_uint_le(strlen(s), LOG_HOLD_BYTES);
	for (q = s; (nl = strchr(q, '\n')) != NULL; q = nl + 1) {
		ck_assert_msg(line_is_well_formed(q, (size_t)(nl - q)),
		    "held line %u is not a whole line: \"%.40s...\"", got, q);
		snprintf(line, sizeof line, "%.*s", (int)(nl - q), q);
		ck_assert_ptr_nonnull(strstr(line, "hold "));
		ck_assert_int_eq(sscanf(strstr(line, "hold "), "hold %u", &idx),
		    1);
		if (got > 0)
			ck_assert_uint_eq(idx, prev + 1);
		prev = idx;
		got++;
	}
	ck_assert_str_eq(q, "");
	ck_assert_uint_eq(prev, n - 1);
	ck_assert_uint_gt(got, 0);
	ck_assert_uint_lt(got, n);
	/* Every line is either shown or counted. */
	ck_assert_uint_eq(after.dropped - before.dropped, n - got);

	log_stop();
	pty_close(p);
}
END_TEST

static Suite *
log_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc;

	tc = tcase_create("levels");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_log_level_parse_table, 0,
	    (int)nitems(parse_cases));
	tcase_add_test(tc, test_log_level_names_round_trip);
	tcase_add_test(tc, test_log_set_level_is_read_back);
	tcase_add_loop_test(tc, test_log_level_filter_table, LOG_LEVEL_ERROR,
	    LOG_LEVEL_TRACE + 1);
	tcase_add_test(tc, test_log_helpers_use_their_level);
	suite_add_tcase(s, tc);

	tc = tcase_create("format");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_log_line_format_is_utc_iso);
	tcase_add_test(tc, test_log_long_message_truncated_on_one_line);
	tcase_add_loop_test(tc, test_log_line_limit_boundary, 0,
	    (int)nitems(boundary_extra));
	suite_add_tcase(s, tc);

	tc = tcase_create("destination");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_log_writes_synchronously_before_start);
	tcase_add_test(tc, test_log_flusher_writes_lines);
	tcase_add_test(tc, test_log_flush_writes_buffered_lines_now);
	tcase_add_test(tc, test_log_stop_flushes_and_closes);
	tcase_add_test(tc, test_log_open_appends_and_creates_0640);
	tcase_add_test(tc, test_log_open_failure_keeps_destination);
	tcase_add_test(tc, test_log_reopen_after_rename);
	tcase_add_test(tc, test_log_write_errors_counted);
	tcase_add_test(tc, test_log_threads_lines_stay_whole);
	suite_add_tcase(s, tc);

	tc = tcase_create("drop");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_log_full_buffer_drops_and_counts);
	suite_add_tcase(s, tc);

	tc = tcase_create("terminal");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_log_owned_regular_file_still_written);
	tcase_add_test(tc, test_log_owned_tty_holds_until_release);
	tcase_add_loop_test(tc, test_log_owned_tty_keeps_newest_whole_lines, 0,
	    2);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	return (tcheck_run(log_suite()));
}
