/* Shared test helpers; see tcheck.h. */
#include "autoconf.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "sim/sim_cert.h"
#include "tcheck.h"
#include "tls.h"

const char *
tcheck_srcdir(void)
{
	const char *s = getenv("XARB_SRCDIR");

	return (s != NULL && *s != '\0' ? s : TEST_SRCDIR);
}

const char *
tcheck_builddir(void)
{
	const char *s = getenv("XARB_BUILDDIR");

	return (s != NULL && *s != '\0' ? s : TEST_BUILDDIR);
}

char *
tcheck_mkdtemp(void)
{
	const char *tmp = getenv("TMPDIR");
	char *dir;

	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	if (asprintf(&dir, "%s/xarb-test.XXXXXX", tmp) == -1)
		abort();
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		abort();
	}
	return (dir);
}

static int
tcheck_rm_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return (remove(path));
}

void
tcheck_rmdir(char *dir)
{
	if (dir == NULL)
		return;
	nftw(dir, tcheck_rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

char *
tcheck_write(const char *dir, const char *name, const char *text, unsigned mode)
{
	char *path;
	size_t len = strlen(text);
	int fd;

	if (asprintf(&path, "%s/%s", dir, name) == -1)
		abort();
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, (mode_t)mode);
	if (fd == -1 || write(fd, text, len) != (ssize_t)len) {
		perror(path);
		abort();
	}
	fchmod(fd, (mode_t)mode); /* umask must not widen or narrow it */
	close(fd);
	return (path);
}

char *
tcheck_read(const char *path)
{
	FILE *fp;
	char *buf;
	long n;

	if ((fp = fopen(path, "r")) == NULL)
		return (NULL);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	if ((buf = malloc((size_t)n + 1)) == NULL ||
	    fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		fclose(fp);
		free(buf);
		return (NULL);
	}
	buf[n] = '\0';
	fclose(fp);
	return (buf);
}

static void *tcheck_kept[1024];
static unsigned tcheck_nkept;

void *
tcheck_keep(void *p)
{
	if (p != NULL) {
		if (tcheck_nkept == sizeof tcheck_kept / sizeof tcheck_kept[0])
			abort();
		tcheck_kept[tcheck_nkept++] = p;
	}
	return (p);
}

void
tcheck_free_kept(void)
{
	while (tcheck_nkept > 0)
		free(tcheck_kept[--tcheck_nkept]);
}

char *
tcheck_asprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		abort();
	va_end(ap);
	return (tcheck_keep(s));
}

SSL_CTX *
tcheck_tls_setup(char **dir)
{
	char *cause = NULL, *ca;
	SSL_CTX *ctx;

	*dir = tcheck_mkdtemp();
	if (sim_cert_make(*dir, &cause) != 0) {
		fprintf(stderr, "sim_cert_make: %s\n", cause);
		exit(EXIT_FAILURE);
	}
	ca = tcheck_asprintf("%s/ca.pem", *dir);
	if ((ctx = tls_ctx_client(ca, &cause)) == NULL) {
		fprintf(stderr, "tls: %s\n", cause);
		exit(EXIT_FAILURE);
	}
	tcheck_free_kept();
	return (ctx);
}

int
tcheck_slow(void)
{
	const char *s = getenv("XARB_SLOW");

	return (s != NULL && *s != '\0' && strcmp(s, "0") != 0);
}

double
tcheck_pick(double fast, double slow_value)
{
	return (tcheck_slow() ? slow_value : fast);
}

void
tcheck_config_set(struct config *cfg, const char *section, const char *key,
    const char *value)
{
	char *cause = NULL;

	ck_assert_msg(config_set(cfg, section, key, value, &cause) == 0,
	    "[%s] %s = %s: %s", section, key, value, cause);
}

int
tcheck_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	/*
	 * tls.c's contract, as main.c keeps it for xarb: a peer that goes
	 * away is EPIPE, not a signal that kills the test program.
	 */
	signal(SIGPIPE, SIG_IGN);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
