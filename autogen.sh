#!/bin/sh
# Bootstrap: "./autogen.sh" regenerates the build system (autoreconf).
# The README's two set-up commands are also here, for a fresh Debian 12
# machine with nothing installed by hand:
#
#   ./autogen.sh run [XARB-ARGS...]   install what is missing, build, run xarb
#   ./autogen.sh test                 install what is missing, build, make check
#
# Packages are installed with apt-get (through sudo when not root).
set -eu

DEPS="autoconf automake autoconf-archive pkg-config make gcc libc6-dev \
libev-dev libwslay-dev libjsmn-dev libssl-dev libhiredis-dev libncurses-dev \
check libsubunit-dev redis-server mandoc valgrind clang-format clang-tidy \
cppcheck curl python3 tmux"

top=$(cd "$(dirname "$0")" && pwd)
cd "$top"

say() { printf 'autogen: %s\n' "$*" >&2; }

missing_deps() {
	for p in $DEPS; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
		    grep -q '^install ok installed$' || printf '%s ' "$p"
	done
}

install_deps() {
	need=$(missing_deps)
	[ -z "$need" ] && return 0
	if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
	say "installing: $need"
	export DEBIAN_FRONTEND=noninteractive
	# shellcheck disable=SC2086
	if ! $sudo apt-get install -y --no-install-recommends $need; then
		say "apt-get install failed; refreshing the package lists"
		$sudo apt-get update || true
		# shellcheck disable=SC2086
		$sudo apt-get install -y --no-install-recommends $need
	fi
}

build() {
	install_deps
	[ -x ./configure ] && [ configure -nt configure.ac ] || autoreconf -fi
	[ -f Makefile ] || ./configure ${XARB_CONFIGURE_FLAGS:-}
	make -j"$(nproc 2>/dev/null || echo 2)"
}

case "${1:-}" in
"")
	exec autoreconf -fi
	;;
run)
	shift
	build
	exec ./src/xarb -c etc/xarb.conf "$@"
	;;
test)
	build
	# XARB_SKIPS_AS_FAILS: a test that would skip fails instead.
	XARB_SKIPS_AS_FAILS=1 make -j"$(nproc 2>/dev/null || echo 2)" check ||
	    { cat test-suite.log 2>/dev/null; exit 1; }
	;;
*)
	say "usage: ./autogen.sh [run [xarb-args...] | test]"
	exit 64
	;;
esac
