#!/bin/sh
# The metrics endpoint of a running xarb --demo: scraped with curl and
# parsed (every line a comment or a valid sample, HELP and TYPE per
# family, counters per venue that grow between two scrapes, histogram
# buckets monotone with +Inf equal to _count); 404, 405, HEAD, an
# oversized request head, idle clients that neither block a scrape nor
# keep their slot; a non-loopback address refused unless allowed.
. "${XARB_SRCDIR}/tests/lib.sh"

command -v curl >/dev/null 2>&1 || skip "curl not installed"
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

# Refusals come before anything starts.
expect_rc 78 "$XARB" --demo --metrics 0.0.0.0:9108 --run-for 1 -c "$T/demo.conf"
expect_in "$T/err" "0.0.0.0:9108 is not a loopback address"
expect_rc 78 "$XARB" --check-config --metrics 192.0.2.1:9108 -c "$T/demo.conf"
expect_rc 64 "$XARB" --demo --metrics localhost:9108 --run-for 1 -c "$T/demo.conf"
expect_in "$T/err" "numeric address"

# Port 0: xarb picks a free port and logs it (no port race).
"$XARB" --demo --headless --metrics 127.0.0.1:0 --run-for 60 \
    -c "$T/demo.conf" >"$T/bg.out" 2>"$T/bg.err" &
pid=$!
BG_PIDS=$pid
WAIT_LOG=$T/xarb.log
wait_for 20 grep -q "engine: running" "$T/xarb.log"
port=$(sed -n 's/.*metrics: listening on 127.0.0.1:0, port \([0-9]*\),.*/\1/p' "$T/xarb.log")
[ -n "$port" ] && [ "$port" -gt 0 ] || fail "no metrics port logged: $(cat "$T/xarb.log")"
URL=http://127.0.0.1:$port

scrape() {
	curl -sS --max-time 5 -o "$1" -w '%{http_code} %{content_type}\n' \
	    "$URL/metrics" >"$T/code" && grep -q '^200 text/plain; version=0.0.4' "$T/code"
}

# Until every venue is up (the demo connects all seven over TLS).
all_up() {
	scrape "$T/m0" &&
	    [ "$(grep -c '^xarb_venue_up{venue="[a-z]*"} 1$' "$T/m0")" -eq 7 ]
}
wait_for 20 all_up
scrape "$T/m1" || fail "first scrape: $(cat "$T/code")"
# The engine publishes every 100 ms; wait until the counters moved and
# an opportunity was published (the publish stage has samples only then).
grown() {
	scrape "$T/m2" && ! cmp -s "$T/m1" "$T/m2" &&
	    [ "$(sed -n 's/^xarb_book_updates_total //p' "$T/m2")" -gt \
	    "$(sed -n 's/^xarb_book_updates_total //p' "$T/m1")" ] &&
	    [ "$(sed -n 's/^xarb_opportunities_total{event="open"} //p' \
	    "$T/m2")" -gt 0 ]
}
wait_for 10 grown

cat >"$T/check.py" <<'PY'
import re, sys

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="[^"\\]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[^"\\]*")*)?\})? (\S+)$')
VENUES = "bybit okx kucoin bitget hyperliquid paradex binance".split()

def parse(path):
    fams, types, samples = {}, {}, {}
    text = open(path).read()
    assert text.endswith("\n"), "no final newline"
    for n, line in enumerate(text.splitlines(), 1):
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            kind, name, rest = line[2:6], *line[7:].split(" ", 1)
            key = (kind, name)
            assert key not in fams, "%d: second %s for %s" % (n, kind, name)
            fams[key] = rest
            if kind == "TYPE":
                assert rest in ("counter", "gauge", "histogram", "summary"), line
                types[name] = rest
            continue
        m = SAMPLE.match(line)
        assert m, "%d: not a sample: %r" % (n, line)
        float(m.group(5))
        labels = dict(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)"', m.group(3) or ""))
        name = m.group(1)
        base = re.sub(r'_(bucket|sum|count)$', '', name)
        assert name in types or base in types, "%d: %s has no TYPE" % (n, name)
        assert ("HELP", name if name in types else base) in fams, name
        samples[(name, tuple(sorted(labels.items())))] = float(m.group(5))
    return types, samples

def get(samples, name, **labels):
    return samples[(name, tuple(sorted(labels.items())))]

t1, s1 = parse(sys.argv[1])
t2, s2 = parse(sys.argv[2])
assert t1 == t2
for v in VENUES:
    assert get(s2, "xarb_venue_up", venue=v) == 1, v
    a, b = get(s1, "xarb_messages_total", venue=v), get(s2, "xarb_messages_total", venue=v)
    assert b > a > 0, "%s: messages %s then %s" % (v, a, b)
    for r in "json shape number symbol contract error snapshot sequence".split():
        get(s2, "xarb_venue_dropped_total", venue=v, reason=r)
    get(s2, "xarb_venue_reconnects_total", venue=v)
    age = get(s2, "xarb_venue_last_message_age_seconds", venue=v)
    assert 0 <= age < 5, (v, age)
for e in "open update close".split():
    assert get(s2, "xarb_opportunities_total", event=e) >= get(s1, "xarb_opportunities_total", event=e)
for r in "status headless".split():
    assert get(s2, "xarb_ring_dropped_total", reader=r) == 0
assert get(s2, "xarb_uptime_seconds") > get(s1, "xarb_uptime_seconds") > 0
assert t2["xarb_stage_latency_seconds"] == "histogram"
stages = sorted({dict(k[1])["stage"] for k in s2 if k[0] == "xarb_stage_latency_seconds_count"})
assert stages == sorted("frame parse book detect publish total".split()), stages
for st in stages:
    buckets = sorted(((float(dict(k[1])["le"]), v) for k, v in s2.items()
                      if k[0] == "xarb_stage_latency_seconds_bucket" and dict(k[1])["stage"] == st))
    counts = [c for _, c in buckets]
    assert counts == sorted(counts), "%s: buckets not monotone: %s" % (st, buckets)
    assert buckets[-1][0] == float("inf")
    assert buckets[-1][1] == get(s2, "xarb_stage_latency_seconds_count", stage=st), st
    assert buckets[-1][1] > 0, st
    assert get(s2, "xarb_stage_latency_seconds_sum", stage=st) > 0, st
print("ok: %d samples, %d families" % (len(s2), len(t2)))
PY
python3 "$T/check.py" "$T/m1" "$T/m2" >"$T/check.out" 2>&1 ||
    fail "exposition: $(cat "$T/check.out")"

# Other paths and methods.
code() { curl -sS --max-time 5 -o "$T/body" -D "$T/hdr" -w '%{http_code}' "$@"; }
[ "$(code "$URL/")" = 404 ] || fail "/ did not answer 404"
[ "$(code "$URL/metricsx")" = 404 ] || fail "/metricsx did not answer 404"
[ "$(code -X POST -d x=1 "$URL/metrics")" = 405 ] || fail "POST did not answer 405"
grep -qi '^Allow: GET, HEAD' "$T/hdr" || fail "405 without Allow: $(cat "$T/hdr")"
[ "$(code -I "$URL/metrics")" = 200 ] || fail "HEAD did not answer 200"
# (curl -I writes the head where the body would go.)
! grep -q '^xarb_' "$T/body" || fail "HEAD answered with a body"
[ "$(code "$URL/metrics?x=1")" = 200 ] || fail "a query string is not ignored"

# Raw sockets: an oversized head gets 431; idle clients do not block a
# scrape, and the server drops them at its deadline (5 s; 15 s bound).
cat >"$T/raw.py" <<'PY'
import socket, subprocess, sys, time
port, url = int(sys.argv[1]), sys.argv[2]
s = socket.create_connection(("127.0.0.1", port), timeout=10)
s.sendall(b"GET /metrics HTTP/1.1\r\nX-Pad: " + b"a" * 5000)
reply = s.recv(100)
assert reply.startswith(b"HTTP/1.1 431 "), reply
s.close()
idle = [socket.create_connection(("127.0.0.1", port), timeout=15) for _ in range(3)]
idle[0].sendall(b"GET /met")  # half a request line, never finished
t0 = time.monotonic()
out = subprocess.run(["curl", "-sS", "--max-time", "5", "-o", "/dev/null",
                      "-w", "%{http_code}", url], capture_output=True, text=True)
assert out.stdout == "200", "scrape with idle clients: %r" % (out,)
for c in idle:
    assert c.recv(1) == b"", "an idle client got data"  # closed by the server
print("idle clients dropped after %.1f s" % (time.monotonic() - t0))
PY
python3 "$T/raw.py" "$port" "$URL/metrics" >"$T/raw.out" 2>&1 || fail "raw: $(cat "$T/raw.out")"

kill -0 "$pid" || fail "xarb died: $(cat "$T/bg.err")"
kill -TERM "$pid"
wait "$pid"
rc=$?
BG_PIDS=""
[ "$rc" -eq 0 ] || fail "SIGTERM: exit $rc: $(cat "$T/bg.err")"
expect_in "$T/bg.err" "xarb: summary: seconds="
if grep "warn\|error" "$T/xarb.log"; then
	fail "warnings in a clean metrics run"
fi

# allow_remote: a non-loopback bind (any address, port 0) with a warning.
printf '[metrics]\nallow_remote = yes\n' >>"$T/demo.conf"
: >"$T/xarb.log"
expect_rc 0 "$XARB" --demo --headless --metrics 0.0.0.0:0 --run-for 1 -c "$T/demo.conf"
expect_in "$T/xarb.log" "LISTENING ON NON-LOOPBACK 0.0.0.0:0"
exit 0
