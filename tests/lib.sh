# Shared helpers for tests/integration/*.sh (sourced, POSIX sh).
#
# The environment comes from make check: XARB (the built binary),
# XARB_SRCDIR, XARB_BUILDDIR.  Every process a test starts is bounded by
# timeout(1), every wait is a bounded poll, and everything is cleaned up
# on exit.  A test may skip (exit 77) only when a tool is truly absent,
# and never when XARB_SKIPS_AS_FAILS is set (CI).

set -u
: "${XARB:?XARB must name the built xarb binary}"
: "${XARB_SRCDIR:?XARB_SRCDIR must name the source tree}"

# Under --enable-sanitizers: curses' lifetime allocations are not leaks.
LSAN_OPTIONS="suppressions=$XARB_SRCDIR/tests/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS

T=$(mktemp -d "${TMPDIR:-/tmp}/xarb-it.XXXXXX")
BG_PIDS=""
WAIT_LOG=""

cleanup() {
	for p in $BG_PIDS; do
		kill -KILL "$p" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

skip() {
	if [ -n "${XARB_SKIPS_AS_FAILS:-}" ]; then
		echo "FAIL: would skip, but XARB_SKIPS_AS_FAILS is set: $*" >&2
		exit 1
	fi
	echo "SKIP: $*" >&2
	exit 77
}

# expect_rc WANT CMD...: runs CMD (bounded), output in $T/out and $T/err.
expect_rc() {
	want=$1
	shift
	timeout 60 "$@" >"$T/out" 2>"$T/err"
	rc=$?
	[ "$rc" -eq "$want" ] ||
	    fail "$*: exit $rc, expected $want
--- stdout:
$(cat "$T/out")
--- stderr:
$(cat "$T/err")"
}

# expect_in FILE TEXT: FILE contains the fixed string TEXT.
expect_in() {
	grep -qF -- "$2" "$1" || fail "$1 lacks \"$2\":
$(cat "$1")"
}

# wait_for SECONDS CMD...: polls CMD every 0.1 s until it succeeds.  On
# failure it shows the tail of $WAIT_LOG, if set.
wait_for() {
	n=$(($1 * 10))
	shift
	while [ "$n" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		n=$((n - 1))
	done
	fail "timed out waiting for: $*${WAIT_LOG:+
$(tail -n 20 "$WAIT_LOG")}"
}

# summary_value KEY FILE: the value of KEY in the summary line of FILE.
summary_value() {
	sed -n 's/^xarb: summary: .*[ :]'"$1"'=\([^ ]*\).*/\1/p' "$2" | tail -n 1
}
