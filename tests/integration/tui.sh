#!/bin/sh
# The dashboard in a real terminal: xarb --demo under tmux (its own
# server socket, torn down at exit).  Waits for every venue live and an
# opportunity on screen, then drives it with keys: sort, filter, help,
# a pane, details, a resize to 80x24, and q, which must stop xarb
# cleanly (exit 0, summary) and give the terminal back.
. "${XARB_SRCDIR}/tests/lib.sh"

command -v tmux >/dev/null 2>&1 || skip "tmux is not installed"

SOCK=xarb-tui-$$
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
tui_cleanup() {
	tm kill-server 2>/dev/null
	cleanup
}
trap tui_cleanup EXIT

screen() { tm capture-pane -p -t t; }

# wait_screen SECONDS TEXT: until the screen shows TEXT.
wait_screen() {
	i=0
	while [ "$i" -lt $(($1 * 10)) ]; do
		screen >"$T/screen" 2>/dev/null
		grep -qF -- "$2" "$T/screen" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	fail "no \"$2\" on screen after $1 s: $(cat "$T/screen")"
}

cat >"$T/tui.conf" <<CONF
[demo]
rate = 300
dislocation_every_s = 0.5
dislocation_s = 4
[log]
file = $T/xarb.log
CONF

tm new-session -d -x 130 -y 36 -s t \
    "'$XARB' --demo -c '$T/tui.conf' --run-for 40 2>'$T/err'; echo \$? >'$T/rc'; sleep 60"

wait_screen 15 "venues 7/7 live"
wait_screen 15 " -> "
screen >"$T/first"
grep -q "^ xarb  up " "$T/first" || fail "no status line: $(cat "$T/first")"
grep -q "INSTRUMENT *BUY -> SELL *GROSS" "$T/first" ||
    fail "no opportunities header: $(cat "$T/first")"
grep -q "^3 Venues" "$T/first" || fail "no venues pane: $(cat "$T/first")"
for v in bybit okx kucoin bitget hyperliquid paradex binance; do
	grep -q "^$v  *live " "$T/first" || fail "$v not live on screen"
done

tm send-keys -t t s
wait_screen 5 "sort: confidence"
tm send-keys -t t s s
wait_screen 5 "sort: instrument"

tm send-keys -t t / b t c Enter
wait_screen 5 "filter: btc"
# Every opportunity row shown is a BTC one.
screen | sed -n '/^INSTRUMENT/,/^3 Venues/p' | sed 1d | grep " -> " |
    grep -v "^BTC-" && fail "the filter let other instruments through"
tm send-keys -t t / BSpace BSpace BSpace Enter
wait_screen 5 "filter: (none)"

tm send-keys -t t '?'
wait_screen 5 "cycle sort: net, confidence, age, instrument"
tm send-keys -t t Escape
tm send-keys -t t 5
wait_screen 5 "5 Quotes"
tm send-keys -t t 4
wait_screen 5 "4 Latency"
wait_screen 5 "detect "
tm send-keys -t t Enter
wait_screen 5 "(Enter or Esc to close)"
tm send-keys -t t Escape

# Smaller: nothing wider than the window, the status line still first.
tm resize-window -t t -x 80 -y 24
sleep 0.5
wait_screen 5 " xarb  up "
screen >"$T/small"
[ "$(wc -l <"$T/small")" -le 24 ] || fail "more lines than the window"
awk 'length($0) > 80 { bad = 1 } END { exit bad }' "$T/small" ||
    fail "a line wider than 80 columns: $(cat "$T/small")"
head -n 1 "$T/small" | grep -q "^ xarb  up " ||
    fail "status line lost after the resize: $(cat "$T/small")"

tm send-keys -t t q
i=0
while [ ! -s "$T/rc" ] && [ "$i" -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ -s "$T/rc" ] || fail "q did not stop xarb"
[ "$(cat "$T/rc")" = 0 ] || fail "exit $(cat "$T/rc"): $(cat "$T/err")"
expect_in "$T/err" "xarb: summary: seconds="
open=$(summary_value opps_open "$T/err")
close=$(summary_value opps_close "$T/err")
[ "$open" -gt 0 ] || fail "no opportunity in the run"
[ "$open" = "$close" ] || fail "opened $open, closed $close"
# The terminal is back: curses left the alternate screen, so the pane
# no longer shows the dashboard.
sleep 0.3
screen | grep -q "^ xarb  up " && fail "the dashboard is still on screen"
expect_in "$T/xarb.log" "reactor: signal 15, stopping"
exit 0
