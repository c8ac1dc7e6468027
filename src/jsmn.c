/*
 * The one translation unit that compiles jsmn's implementation (the
 * Debian package is a header).  JSMN_STRICT and JSMN_PARENT_LINKS come
 * from AM_CPPFLAGS, so every user sees the same token layout.
 */
#include "autoconf.h"

#include <jsmn.h>
