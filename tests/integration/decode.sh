#!/bin/sh
# xarb decode on every recorded sample of every venue with an adapter
# (tests/data/decode/VENUE.jsonl, copied from shared/protocols/samples):
# stdout, stderr and the exit status must match VENUE.out, VENUE.err
# and VENUE.rc exactly.  The expected files were checked line by line
# against the frames they come from.
. "${XARB_SRCDIR}/tests/lib.sh"

data=$XARB_SRCDIR/tests/data/decode
n=0
for f in "$data"/*.jsonl; do
	v=$(basename "$f" .jsonl)
	n=$((n + 1))
	(cd "$data" && timeout 60 "$XARB" decode -c "$v.conf" "$v" "$v.jsonl" \
	    >"$T/$v.out" 2>"$T/$v.err")
	rc=$?
	[ "$rc" = "$(cat "$data/$v.rc")" ] ||
	    fail "$v: exit $rc, expected $(cat "$data/$v.rc"): $(cat "$T/$v.err")"
	diff -u "$data/$v.out" "$T/$v.out" >"$T/diff" ||
	    fail "$v: decoded events differ:
$(cat "$T/diff")"
	diff -u "$data/$v.err" "$T/$v.err" >"$T/diff" ||
	    fail "$v: messages differ:
$(cat "$T/diff")"
done
[ "$n" -gt 0 ] || fail "no sample files in $data"
exit 0
