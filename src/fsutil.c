/* File-system helpers (fsutil.h). */
#include "autoconf.h"

#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "fsutil.h"

int
fs_mkdirs_for(const char *file)
{
	char dir[PATH_MAX], *p;

	if (snprintf(dir, sizeof dir, "%s", file) >= (int)sizeof dir) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	if ((p = strrchr(dir, '/')) == NULL || p == dir)
		return (0);
	*p = '\0';
	for (p = dir + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			return (-1);
		*p = '/';
	}
	return (mkdir(dir, 0700) != 0 && errno != EEXIST ? -1 : 0);
}
