/*
 * Shared helpers for the check(3) programs: paths into the source and
 * build trees, scratch directories, and the common main().
 */
#ifndef XARB_TCHECK_H
#define XARB_TCHECK_H

#include <stddef.h>

#include <check.h>

/* $(abs_top_srcdir) / $(abs_top_builddir), overridable by environment. */
const char *tcheck_srcdir(void);
const char *tcheck_builddir(void);

/*
 * Makes a fresh scratch directory under $TMPDIR (or /tmp), removed by
 * tcheck_rmdir().  Returns a static-lifetime string the caller frees.
 */
char *tcheck_mkdtemp(void);
void tcheck_rmdir(char *dir);

/* Writes text to dir/name with mode; returns the path (caller frees). */
char *tcheck_write(const char *dir, const char *name, const char *text,
    unsigned mode);

/* Reads a whole file; returns NULL if unreadable (caller frees). */
char *tcheck_read(const char *path);

/*
 * Allocations a test hands to tcheck_keep() are freed by
 * tcheck_free_kept() in its teardown, so a failed assertion leaks
 * nothing under CK_FORK=no (valgrind).  Returns p.
 */
void *tcheck_keep(void *p);
void tcheck_free_kept(void);

/* asprintf() whose result is kept (see tcheck_keep); dies on ENOMEM. */
char *tcheck_asprintf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

struct ssl_ctx_st;

/*
 * For programs that talk TLS to the simulator: a test CA and server
 * certificate from sim_cert_make() in a fresh scratch directory (*dir,
 * removed by tcheck_rmdir()), and a client context that trusts it (the
 * caller frees it).  Exits the program on failure, as nothing could be
 * tested.
 */
struct ssl_ctx_st *tcheck_tls_setup(char **dir);

/* True when XARB_SLOW is set (valgrind): long tests scale down. */
int tcheck_slow(void);

/* fast normally, slow_value under XARB_SLOW. */
double tcheck_pick(double fast, double slow_value);

struct config;

/* config_set(), failing the test with the key and the cause. */
void tcheck_config_set(struct config *cfg, const char *section, const char *key,
    const char *value);

/*
 * Runs the suite with CK_ENV verbosity, SIGPIPE ignored (OpenSSL writes
 * with write(2)); returns the process exit code.
 */
int tcheck_run(Suite *s);

#endif /* XARB_TCHECK_H */
