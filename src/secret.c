/*
 * Secrets from the environment or a 0600 file.  The file is re-read per
 * lookup (start-up only, a handful of keys) so nothing sensitive stays in
 * memory longer than its user needs it.
 */
#include "autoconf.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "secret.h"
#include "xmalloc.h"

int
secret_check_file(const char *path, char **cause)
{
	struct stat st;

	if (stat(path, &st) == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (-1);
	}
	if (!S_ISREG(st.st_mode)) {
		xasprintf(cause, "%s: not a regular file", path);
		return (-1);
	}
	if (st.st_uid != geteuid()) {
		xasprintf(cause, "%s: owned by uid %u, not by this user", path,
		    (unsigned)st.st_uid);
		return (-1);
	}
	if ((st.st_mode & 077) != 0) {
		xasprintf(cause,
		    "%s: mode %03o lets others read it; chmod 600 it", path,
		    (unsigned)(st.st_mode & 0777));
		return (-1);
	}
	return (0);
}

char *
secret_name(const char *venue, const char *what, char *buf, size_t len)
{
	size_t i;

	snprintf(buf, len, "XARB_%s_%s", venue, what);
	for (i = 0; buf[i] != '\0'; i++)
		buf[i] = (char)toupper((unsigned char)buf[i]);
	return (buf);
}

void
secret_free(char *value)
{
	if (value == NULL)
		return;
	explicit_bzero(value, strlen(value));
	free(value);
}

/* Trims blanks at both ends in place; returns the start. */
static char *
secret_trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return (s);
}

static int
secret_from_file(const char *file, const char *name, char **value, char **cause)
{
	FILE *fp;
	char *line = NULL, *p, *eq;
	size_t cap = 0;
	unsigned lineno = 0;
	int rv = 1;

	if (secret_check_file(file, cause) != 0)
		return (-1);
	if ((fp = fopen(file, "re")) == NULL) {
		xasprintf(cause, "%s: %s", file, strerror(errno));
		return (-1);
	}
	while (rv == 1 && getline(&line, &cap, fp) != -1) {
		lineno++;
		p = secret_trim(line);
		if (*p == '\0' || *p == '#')
			continue;
		if ((eq = strchr(p, '=')) == NULL) {
			xasprintf(cause, "%s:%u: expected NAME=value", file,
			    lineno);
			rv = -1;
			break;
		}
		*eq = '\0';
		if (strcmp(secret_trim(p), name) != 0)
			continue;
		p = secret_trim(eq + 1);
		if (*p == '\0')
			continue; /* empty, as an empty variable: unset */
		*value = xstrdup(p);
		rv = 0;
	}
	if (line != NULL) {
		explicit_bzero(line, cap);
		free(line);
	}
	fclose(fp);
	return (rv);
}

int
secret_get(const char *file, const char *name, char **value, char **cause)
{
	const char *env;

	*value = NULL;
	if ((env = getenv(name)) != NULL && *env != '\0') {
		*value = xstrdup(env);
		return (0);
	}
	if (file == NULL || *file == '\0')
		return (1);
	return (secret_from_file(file, name, value, cause));
}
