#!/bin/sh
# xarb --demo end to end: the venue simulator in-process over TLS
# WebSocket on loopback, every venue through its real protocol and
# adapter.  A bounded headless run with its summary line (every venue
# live and sending, opportunities from the scheduled dislocations, the
# certificates' directory removed at exit), then signals on a running engine (SIGUSR1 dump, SIGHUP reload good and
# bad, SIGTERM clean stop).
. "${XARB_SRCDIR}/tests/lib.sh"

cat >"$T/demo.conf" <<CONF
[demo]
rate = 300
dislocation_every_s = 0.5
dislocation_s = 0.3
dislocation_bps = 80
[metrics]
status_interval_s = 1
[log]
file = $T/xarb.log
CONF

expect_rc 0 "$XARB" --demo --headless --run-for 3 -c "$T/demo.conf"
expect_in "$T/err" "xarb: summary: seconds=3."
[ "$(summary_value venues_live "$T/err")" = "7/7" ] || fail "venues_live: $(cat "$T/err")"
msgs=$(summary_value msgs "$T/err")
open=$(summary_value opps_open "$T/err")
close=$(summary_value opps_close "$T/err")
[ "$msgs" -gt 4000 ] || fail "msgs=$msgs, expected ~6300"
[ "$open" -gt 0 ] || fail "no opportunity opened in 3 s of dislocations"
[ "$open" = "$close" ] || fail "opened $open, closed $close: shutdown must close all"
[ "$(summary_value dropped "$T/err")" = 0 ] || fail "dropped: $(cat "$T/err")"
for v in bybit okx kucoin bitget hyperliquid paradex binance; do
	n=$(summary_value venue_msgs "$T/err" | tr ',' '\n' | sed -n "s/^$v://p")
	[ "${n:-0}" -gt 300 ] || fail "$v sent ${n:-no} messages in 3 s: $(cat "$T/err")"
done
grep -q "venue .*: live" "$T/xarb.log" || fail "no venue went live"
if grep "warn\|error" "$T/xarb.log"; then
	fail "warnings in a clean demo run"
fi
dir=$(sed -n 's/.*certificates in \(.*\)$/\1/p' "$T/xarb.log" | head -n 1)
[ -n "$dir" ] || fail "no certificate directory logged"
[ ! -e "$dir" ] || fail "$dir left behind"
[ "$(grep -c 'info: status: up ' "$T/xarb.log")" -ge 2 ] ||
    fail "expected a status line each second: $(cat "$T/xarb.log")"
# Without --headless it says the dashboard is absent and runs headless.
expect_rc 0 "$XARB" --demo --run-for 0.5 -c "$T/demo.conf"
expect_in "$T/err" "not a terminal: running headless"

# Signals on a running engine (no timeout(1) wrapper: it would take the
# signals; --run-for bounds the run and cleanup kills it).
: >"$T/xarb.log"
"$XARB" --demo --headless --run-for 50 -c "$T/demo.conf" \
    >"$T/bg.out" 2>"$T/bg.err" &
pid=$!
BG_PIDS=$pid
WAIT_LOG=$T/xarb.log
wait_for 10 grep -q "engine: running: 3 instruments, venues source" "$T/xarb.log"

kill -USR1 "$pid"
wait_for 10 grep -q "state dump: .* open opportunities" "$T/xarb.log"
wait_for 10 grep -q 'state: xarb_stage_latency_ns{stage="detect",quantile="0.99"}' "$T/xarb.log"

cp "$T/demo.conf" "$T/demo.good"
printf '[detector]\nmin_spread_bps = lots\n' >>"$T/demo.conf"
kill -HUP "$pid"
wait_for 10 grep -q "keeping the running settings" "$T/xarb.log"
expect_in "$T/xarb.log" "reload: $T/demo.conf:11: min_spread_bps: expected a number"
kill -0 "$pid" || fail "a bad reload killed the engine"

cp "$T/demo.good" "$T/demo.conf"
printf '[detector]\nmin_spread_bps = 15\n' >>"$T/demo.conf"
kill -HUP "$pid"
wait_for 10 grep -q "reload: $T/demo.conf applied" "$T/xarb.log"

kill -TERM "$pid"
wait "$pid"
rc=$?
BG_PIDS=""
[ "$rc" -eq 0 ] || fail "SIGTERM: exit $rc: $(cat "$T/bg.err")"
expect_in "$T/bg.err" "xarb: summary: seconds="
expect_in "$T/xarb.log" "reactor: signal 15, stopping"
open=$(summary_value opps_open "$T/bg.err")
close=$(summary_value opps_close "$T/bg.err")
[ "$open" = "$close" ] || fail "after SIGTERM: opened $open, closed $close"
dir=$(sed -n 's/.*certificates in \(.*\)$/\1/p' "$T/xarb.log" | head -n 1)
[ -n "$dir" ] && [ ! -e "$dir" ] || fail "${dir:-no dir logged}: left behind after SIGTERM"
exit 0
