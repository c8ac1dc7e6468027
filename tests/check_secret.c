/*
 * Tests of secrets: environment before file, the NAME=value file format,
 * the permission checks on that file, and that no message ever carries a
 * secret value.
 */
#include "autoconf.h"

#include <sys/stat.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "xarb.h"
#include "secret.h"
#include "tcheck.h"

static char *dir;

static void
setup(void)
{
	dir = tcheck_mkdtemp();
}

static void
teardown(void)
{
	tcheck_free_kept();
	tcheck_rmdir(dir);
	dir = NULL;
}

/* A variable name no other test (or process) uses. */
static void
env_name(char *buf, size_t len, const char *tag)
{
	snprintf(buf, len, "XARB_TCHECK_%ld_%s", (long)getpid(), tag);
}

/* Writes a secrets file holding name=value plus decoys. */
static char *
write_secrets(const char *file, const char *name, const char *value,
    unsigned mode)
{
	return (tcheck_keep(tcheck_write(dir, file,
	    tcheck_asprintf("# decoys first\nOTHER=nope\n%s=%s\n", name, value),
	    mode)));
}

/* --- names --- */

static const struct {
	const char *venue, *what;
	size_t len;
	const char *want;
} name_cases[] = {
	{ "bybit", "api_key", 64, "XARB_BYBIT_API_KEY" },
	{ "okx", "passphrase", 64, "XARB_OKX_PASSPHRASE" },
	{ "Hyperliquid", "api_secret", 64, "XARB_HYPERLIQUID_API_SECRET" },
	{ "bybit", "api_key", 10, "XARB_BYBI" }, /* truncated, terminated */
};

START_TEST(test_secret_name_table)
{
	char buf[64];

	memset(buf, 'x', sizeof buf);
	ck_assert_ptr_eq(secret_name(name_cases[_i].venue, name_cases[_i].what,
			     buf, name_cases[_i].len),
	    buf);
	ck_assert_str_eq(buf, name_cases[_i].want);
}
END_TEST

START_TEST(test_secret_free_null_is_safe)
{
	char *v = strdup("wipe-me");

	secret_free(NULL);
	ck_assert_ptr_nonnull(v);
	secret_free(v);
}
END_TEST

/* --- lookup --- */

START_TEST(test_secret_env_wins_over_file)
{
	char name[64], *path, *value = NULL, *cause = NULL;

	env_name(name, sizeof name, "ENV");
	path = write_secrets("s", name, "from-file", 0600);
	ck_assert_int_eq(setenv(name, "from-env", 1), 0);
	ck_assert_int_eq(secret_get(path, name, &value, &cause), 0);
	tcheck_keep(value);
	ck_assert_ptr_null(cause);
	ck_assert_str_eq(value, "from-env");

	/* Without the variable the file answers. */
	ck_assert_int_eq(unsetenv(name), 0);
	ck_assert_int_eq(secret_get(path, name, &value, &cause), 0);
	tcheck_keep(value);
	ck_assert_ptr_null(cause);
	ck_assert_str_eq(value, "from-file");
}
END_TEST

/* An empty variable is no value: the file is consulted. */
START_TEST(test_secret_empty_env_falls_back_to_file)
{
	char name[64], *path, *value = NULL, *cause = NULL;

	env_name(name, sizeof name, "EMPTY");
	path = write_secrets("s", name, "from-file", 0600);
	ck_assert_int_eq(setenv(name, "", 1), 0);
	ck_assert_int_eq(secret_get(path, name, &value, &cause), 0);
	tcheck_keep(value);
	ck_assert_str_eq(value, "from-file");
	unsetenv(name);
}
END_TEST

START_TEST(test_secret_env_only_without_file)
{
	char name[64], *value = NULL, *cause = NULL;

	env_name(name, sizeof name, "NOFILE");
	ck_assert_int_eq(setenv(name, "k3y", 1), 0);
	ck_assert_int_eq(secret_get(NULL, name, &value, &cause), 0);
	tcheck_keep(value);
	ck_assert_str_eq(value, "k3y");
	ck_assert_int_eq(secret_get("", name, &value, &cause), 0);
	tcheck_keep(value);
	ck_assert_str_eq(value, "k3y");
	unsetenv(name);

	value = (char *)"stale";
	ck_assert_int_eq(secret_get(NULL, name, &value, &cause), 1);
	ck_assert_ptr_null(value);
	ck_assert_ptr_null(cause);
}
END_TEST

/* Comments, blanks, spaces around '=' and '=' inside the value. */
static const struct {
	const char *name;
	int rv;
	const char *want;
} file_cases[] = {
	{ "XARB_BYBIT_API_KEY", 0, "abc123" },
	{ "XARB_BYBIT_API_SECRET", 0, "s3cr3t with spaces" },
	{ "XARB_OKX_API_KEY", 0, "a=b=c" },
	{ "XARB_KUCOIN_API_KEY", 0, "tab" },
	{ "XARB_BYBIT", 1, NULL },	     /* a prefix is not a match */
	{ "XARB_BYBIT_API_KEY_2", 1, NULL }, /* nor a longer name */
	{ "COMMENTED", 1, NULL },
	{ "XARB_NOT_THERE", 1, NULL },
};

static const char secrets_text[] =
    "# xarb secrets\n"
    "\n"
    "   \n"
    "#COMMENTED=zzz\n"
    "   # COMMENTED=yyy\n"
    "XARB_BYBIT_API_KEY=abc123\n"
    "  XARB_BYBIT_API_SECRET  =   s3cr3t with spaces   \n"
    "XARB_OKX_API_KEY = a=b=c\n"
    "\tXARB_KUCOIN_API_KEY\t=\ttab"; /* no final newline */

START_TEST(test_secret_file_table)
{
	char *path, *value = NULL, *cause = NULL;
	const char *name = file_cases[_i].name;

	/* Nothing in the environment may shadow the file. */
	ck_assert_int_eq(unsetenv(name), 0);
	path = tcheck_keep(tcheck_write(dir, "secrets", secrets_text, 0600));
	ck_assert_int_eq(secret_get(path, name, &value, &cause),
	    file_cases[_i].rv);
	tcheck_keep(value);
	ck_assert_ptr_null(cause);
	if (file_cases[_i].want == NULL)
		ck_assert_ptr_null(value);
	else {
		ck_assert_ptr_nonnull(value);
		ck_assert_str_eq(value, file_cases[_i].want);
	}
}
END_TEST

START_TEST(test_secret_missing_name_is_one)
{
	char name[64], *path, *value, *cause = NULL;

	env_name(name, sizeof name, "ABSENT");
	path = write_secrets("s", "XARB_SOMETHING_ELSE", "v", 0600);
	value = (char *)"stale";
	ck_assert_int_eq(secret_get(path, name, &value, &cause), 1);
	ck_assert_ptr_null(value);
	ck_assert_ptr_null(cause);
}
END_TEST

/* A line without '=' names file:line and never echoes the line. */
START_TEST(test_secret_malformed_line_names_line_not_value)
{
	char name[64], *path, *value = NULL, *cause = NULL;

	env_name(name, sizeof name, "MALFORMED");
	path = tcheck_keep(tcheck_write(dir, "bad",
	    "# ok\nOTHER=1\n\nhunter2-leaked-key\nXARB_WANTED=x\n", 0600));
	ck_assert_int_eq(secret_get(path, name, &value, &cause), -1);
	tcheck_keep(value);
	tcheck_keep(cause);
	ck_assert_ptr_null(value);
	ck_assert_ptr_nonnull(cause);
	ck_assert_str_eq(cause,
	    tcheck_asprintf("%s:4: expected NAME=value", path));
	ck_assert_ptr_null(strstr(cause, "hunter2"));
}
END_TEST

/* --- permissions --- */

static const unsigned open_modes[] = { 0640, 0604, 0644, 0660, 0606, 0610,
	0601 };

START_TEST(test_secret_readable_by_others_refused)
{
	char name[64], *path, *value = NULL, *cause = NULL, mode[8];
	unsigned m = open_modes[_i];

	env_name(name, sizeof name, "MODE");
	path = write_secrets("s", name, "topsecret-value", m);
	ck_assert_int_eq(secret_get(path, name, &value, &cause), -1);
	tcheck_keep(value);
	tcheck_keep(cause);
	ck_assert_ptr_null(value);
	ck_assert_ptr_nonnull(cause);
	snprintf(mode, sizeof mode, "%03o", m);
	ck_assert_msg(strstr(cause, mode) != NULL, "no mode %s in \"%s\"", mode,
	    cause);
	ck_assert_ptr_nonnull(strstr(cause, path));
	ck_assert_ptr_null(strstr(cause, "topsecret"));
	cause = NULL;

	/* secret_check_file() is the same gate. */
	ck_assert_int_eq(secret_check_file(path, &cause), -1);
	tcheck_keep(cause);
	ck_assert_ptr_nonnull(strstr(cause, mode));
}
END_TEST

static const unsigned closed_modes[] = { 0600, 0400, 0700 };

START_TEST(test_secret_owner_only_modes_accepted)
{
	char name[64], *path, *value = NULL, *cause = NULL;

	env_name(name, sizeof name, "OWNER");
	path = write_secrets("s", name, "ok-value", closed_modes[_i]);
	ck_assert_int_eq(secret_check_file(path, &cause), 0);
	ck_assert_ptr_null(cause);
	ck_assert_int_eq(secret_get(path, name, &value, &cause), 0);
	tcheck_keep(value);
	ck_assert_ptr_null(cause);
	ck_assert_str_eq(value, "ok-value");
}
END_TEST

START_TEST(test_secret_directory_refused)
{
	char name[64], *sub, *value = NULL, *cause = NULL;

	env_name(name, sizeof name, "DIR");
	sub = tcheck_asprintf("%s/d", dir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	ck_assert_int_eq(secret_get(sub, name, &value, &cause), -1);
	tcheck_keep(value);
	tcheck_keep(cause);
	ck_assert_ptr_null(value);
	ck_assert_ptr_nonnull(cause);
	ck_assert_ptr_nonnull(strstr(cause, sub));
	ck_assert_ptr_nonnull(strstr(cause, "not a regular file"));
}
END_TEST

START_TEST(test_secret_missing_file_refused)
{
	char name[64], *path, *value = NULL, *cause = NULL;

	env_name(name, sizeof name, "NOENT");
	path = tcheck_asprintf("%s/no-such-file", dir);
	ck_assert_int_eq(secret_get(path, name, &value, &cause), -1);
	tcheck_keep(value);
	tcheck_keep(cause);
	ck_assert_ptr_null(value);
	ck_assert_ptr_nonnull(cause);
	ck_assert_ptr_nonnull(strstr(cause, path));
	ck_assert_ptr_nonnull(strstr(cause, "No such file"));
}
END_TEST

/* A file another user owns is refused even with mode 0600. */
START_TEST(test_secret_foreign_owner_refused)
{
	char *path, *cause = NULL;

	if (geteuid() == 0) {
		path = tcheck_keep(tcheck_write(dir, "s", "A=b\n", 0600));
		ck_assert_int_eq(chown(path, 65534, 65534), 0);
		ck_assert_int_eq(secret_check_file(path, &cause), -1);
		tcheck_keep(cause);
		ck_assert_ptr_nonnull(strstr(cause, "owned by uid 65534"));
	} else {
		/* Not root: a root-owned file is someone else's. */
		ck_assert_int_eq(secret_check_file("/etc/passwd", &cause), -1);
		tcheck_keep(cause);
		ck_assert_ptr_nonnull(strstr(cause, "owned by uid 0"));
	}
}
END_TEST

static Suite *
secret_suite(void)
{
	Suite *s = suite_create("secret");
	TCase *tc;

	tc = tcase_create("name");
	tcase_add_loop_test(tc, test_secret_name_table, 0,
	    (int)nitems(name_cases));
	tcase_add_test(tc, test_secret_free_null_is_safe);
	suite_add_tcase(s, tc);

	tc = tcase_create("lookup");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_secret_env_wins_over_file);
	tcase_add_test(tc, test_secret_empty_env_falls_back_to_file);
	tcase_add_test(tc, test_secret_env_only_without_file);
	tcase_add_loop_test(tc, test_secret_file_table, 0,
	    (int)nitems(file_cases));
	tcase_add_test(tc, test_secret_missing_name_is_one);
	tcase_add_test(tc, test_secret_malformed_line_names_line_not_value);
	suite_add_tcase(s, tc);

	tc = tcase_create("permissions");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_secret_readable_by_others_refused, 0,
	    (int)nitems(open_modes));
	tcase_add_loop_test(tc, test_secret_owner_only_modes_accepted, 0,
	    (int)nitems(closed_modes));
	tcase_add_test(tc, test_secret_directory_refused);
	tcase_add_test(tc, test_secret_missing_file_refused);
	tcase_add_test(tc, test_secret_foreign_owner_refused);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	return (tcheck_run(secret_suite()));
}
