#!/bin/sh
# Headless output of xarb --demo: OPEN/CLOSE log lines, JSON lines on
# stdout (--json and [log] json; each line one object with the stable
# fields, every OPEN closed, counts equal to the summary's, also after
# SIGTERM), and sd_notify: READY=1, WATCHDOG=1 and STOPPING=1 arrive, in
# that order, on a path socket and on an abstract one.
. "${XARB_SRCDIR}/tests/lib.sh"

command -v python3 >/dev/null 2>&1 || skip "python3 not installed"

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

cat >"$T/check_json.py" <<'PY'
import json, sys
FIELDS = ("type id seq instrument base buy_venue sell_venue buy_px sell_px "
          "buy_size sell_size gross_bps fee_bps slip_bps funding_bps net_bps "
          "confidence notional funding_delta updates reason open_ts_ms "
          "detect_ts_ms read_ts_ns buy_ts_ms sell_ts_ms").split()
opened, n = {}, {"open": 0, "update": 0, "close": 0}
for i, line in enumerate(open(sys.argv[1]), 1):
    assert line.endswith("\n"), "line %d unterminated" % i
    ev = json.loads(line)
    assert list(ev) == FIELDS, "line %d: fields %s" % (i, list(ev))
    n[ev["type"]] += 1
    assert ev["instrument"].endswith("-PERP") and ev["buy_venue"] != ev["sell_venue"]
    if ev["type"] != "close":  # a CLOSE carries the quotes that ended it
        assert ev["sell_px"] > ev["buy_px"] > 0 and ev["gross_bps"] > 0, line
    if ev["type"] == "open":
        assert ev["id"] not in opened and ev["reason"] is None
        opened[ev["id"]] = ev
    else:
        assert ev["id"] in opened, "line %d: %s of an unknown id" % (i, ev["type"])
    if ev["type"] == "close":
        assert isinstance(ev["reason"], str) and ev["reason"], line
        del opened[ev["id"]]
assert not opened, "never closed: %s" % sorted(opened)
assert n["open"] > 0, "no opportunity in the JSON lines"
print(n["open"], n["update"], n["close"])
PY

expect_rc 0 "$XARB" --demo --headless --json --run-for 3 -c "$T/demo.conf"
python3 "$T/check_json.py" "$T/out" >"$T/counts" 2>&1 || fail "JSON lines: $(cat "$T/counts")"
read -r open update close <"$T/counts"
[ "$open" = "$(summary_value opps_open "$T/err")" ] || fail "JSON opens $open: $(cat "$T/err")"
[ "$update" = "$(summary_value opps_update "$T/err")" ] || fail "JSON updates $update: $(cat "$T/err")"
[ "$close" = "$(summary_value opps_close "$T/err")" ] || fail "JSON closes $close: $(cat "$T/err")"
[ "$(grep -c 'info: opp OPEN #[0-9]* [A-Z0-9]*-USDT*-PERP buy [a-z]* @ [0-9.]* sell [a-z]* @ [0-9.]*: gross [0-9.]* bps, net [0-9.]* bps' "$T/xarb.log")" = "$open" ] ||
    fail "OPEN log lines != $open: $(grep 'opp ' "$T/xarb.log" | head)"
[ "$(grep -c 'info: opp CLOSE #[0-9]* .* buy [a-z]* sell [a-z]*: .* after [0-9.]* s' "$T/xarb.log")" = "$close" ] ||
    fail "CLOSE log lines != $close"
[ "$(grep -c 'info: status: up ' "$T/xarb.log")" -ge 2 ] || fail "no status lines"

# Without --json nothing goes to stdout; [log] json = yes turns it on.
expect_rc 0 "$XARB" --demo --headless --run-for 1 -c "$T/demo.conf"
[ ! -s "$T/out" ] || fail "stdout without --json: $(head -n 3 "$T/out")"
sed 's/^\[log\]$/[log]\njson = yes/' "$T/demo.conf" >"$T/json.conf"
expect_rc 0 "$XARB" --demo --headless --run-for 2 -c "$T/json.conf"
python3 "$T/check_json.py" "$T/out" >"$T/counts" 2>&1 || fail "[log] json: $(cat "$T/counts")"

# SIGTERM: the shutdown CLOSEs still reach stdout before exit.
: >"$T/xarb.log"
"$XARB" --demo --headless --json --run-for 60 -c "$T/demo.conf" \
    >"$T/bg.out" 2>"$T/bg.err" &
pid=$!
BG_PIDS=$pid
WAIT_LOG=$T/xarb.log
wait_for 20 grep -q "opp OPEN" "$T/xarb.log"
kill -TERM "$pid"
wait "$pid"
rc=$?
BG_PIDS=""
[ "$rc" -eq 0 ] || fail "SIGTERM: exit $rc: $(cat "$T/bg.err")"
python3 "$T/check_json.py" "$T/bg.out" >"$T/counts" 2>&1 || fail "after SIGTERM: $(cat "$T/counts")"
read -r open update close <"$T/counts"
[ "$open" = "$(summary_value opps_open "$T/bg.err")" ] || fail "after SIGTERM: JSON opens $open: $(cat "$T/bg.err")"

# sd_notify: a datagram socket as systemd would make it; xarb must send
# READY=1 once running, WATCHDOG=1 (asked every 0.2 s) and STOPPING=1.
cat >"$T/notify.py" <<'PY'
import os, socket, subprocess, sys
name, xarb, conf = sys.argv[1], sys.argv[2], sys.argv[3]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("\0" + name[1:] if name.startswith("@") else name)
s.settimeout(20)
env = dict(os.environ, NOTIFY_SOCKET=name, WATCHDOG_USEC="200000")
p = subprocess.Popen([xarb, "--demo", "--headless", "--run-for", "1.5", "-c", conf],
                     env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
got = []
while not got or got[-1] != "STOPPING=1":
    got.append(s.recv(4096).decode())
rc = p.wait(timeout=20)
assert rc == 0, rc
states = [g for g in got if not g.startswith("STATUS=")]
assert states[0] == "READY=1", got
assert "WATCHDOG=1" in states, got
assert states[-1] == "STOPPING=1" and states.count("READY=1") == 1, got
assert any(g.startswith("STATUS=up ") for g in got), got
print(" ".join(sorted(set(states))))
PY
python3 "$T/notify.py" "$T/notify.sock" "$XARB" "$T/demo.conf" >"$T/n.out" 2>&1 ||
    fail "sd_notify (path): $(cat "$T/n.out")"
python3 "$T/notify.py" "@xarb-test-$$" "$XARB" "$T/demo.conf" >"$T/n.out" 2>&1 ||
    fail "sd_notify (abstract): $(cat "$T/n.out")"
# A socket that is not there is a warning, never a failure.
NOTIFY_SOCKET=$T/absent.sock expect_rc 0 "$XARB" --demo --headless --run-for 0.5 -c "$T/demo.conf"
exit 0
