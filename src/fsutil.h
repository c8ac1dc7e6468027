/* Small file-system helpers shared by the cold paths. */
#ifndef XARB_FSUTIL_H
#define XARB_FSUTIL_H

/*
 * mkdir -p of the directory that will hold file (its path up to the
 * last '/'), each new directory mode 0700.  Returns 0, or -1 with errno
 * set.
 */
int fs_mkdirs_for(const char *file);

#endif /* XARB_FSUTIL_H */
