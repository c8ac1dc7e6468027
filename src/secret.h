/*
 * Secrets (API keys and secrets): from the environment, else from a file
 * of NAME=value lines that only its owner can read (mode 0600 or
 * stricter).  Values are never logged, never copied into error messages,
 * and wiped when freed.  Start-up only.
 */
#ifndef XARB_SECRET_H
#define XARB_SECRET_H

#include <stddef.h>

/*
 * Checks that path is a regular file owned by this user with no group or
 * other permission bits.  Returns 0, or -1 with *cause set.
 */
int secret_check_file(const char *path, char **cause);

/*
 * Writes the variable name for a venue's secret into buf:
 * ("bybit", "api_key") -> "XARB_BYBIT_API_KEY".  Returns buf.
 */
char *secret_name(const char *venue, const char *what, char *buf, size_t len);

/*
 * Looks name up in the environment, then in file (may be NULL or "").
 * Returns 0 with *value set (free with secret_free()), 1 if it is in
 * neither, or -1 with *cause set (unsafe permissions, unreadable file, a
 * malformed line: the message names the line, never its value).
 */
int secret_get(const char *file, const char *name, char **value, char **cause);

/* Wipes and frees a value from secret_get().  NULL is a no-op. */
void secret_free(char *value);

#endif /* XARB_SECRET_H */
