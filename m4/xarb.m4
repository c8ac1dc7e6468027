# XARB_CHECK_LIB(VAR, PKG, HEADER, FUNCTION, LIB, DEBIAN-PACKAGE)
#
# pkg-config first; Debian ships libev and wslay without a .pc file, so
# fall back to a header test and a link test.  Sets VAR_CFLAGS/VAR_LIBS,
# leaves the global LIBS alone, and fails naming the package to install.
AC_DEFUN([XARB_CHECK_LIB], [
	PKG_CHECK_MODULES([$1], [$2], [], [
		xarb_save_LIBS=$LIBS
		AC_CHECK_HEADER([$3], [],
		    [AC_MSG_ERROR([$3 not found: apt-get install $6])])
		AC_SEARCH_LIBS([$4], [$5], [],
		    [AC_MSG_ERROR([lib$5 not found: apt-get install $6])])
		AS_IF([test "x$ac_cv_search_$4" != "xnone required"],
		    [$1_LIBS=$ac_cv_search_$4])
		LIBS=$xarb_save_LIBS
	])
])

# XARB_CHECK_PKG(VAR, MODULES, DEBIAN-PACKAGE)
#
# PKG_CHECK_MODULES with an error message that names the Debian package.
AC_DEFUN([XARB_CHECK_PKG], [
	PKG_CHECK_MODULES([$1], [$2], [],
	    [AC_MSG_ERROR([$2 not found ($$1_PKG_ERRORS): apt-get install $3])])
])
