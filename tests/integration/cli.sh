#!/bin/sh
# The command line: help, version, exit codes, config errors with
# FILE:LINE, --check-config and --show-config, the decode dispatch, and
# the honest "not in this build" answers.
. "${XARB_SRCDIR}/tests/lib.sh"

expect_rc 0 "$XARB" --help
expect_in "$T/out" "usage: xarb [-hVv] [-c file]"
expect_in "$T/out" "decode VENUE [FILE]"
expect_rc 0 "$XARB" --version
grep -qE '^xarb [0-9]+\.[0-9]+\.[0-9]+$' "$T/out" || fail "version: $(cat "$T/out")"

# Usage errors: 64.
expect_rc 64 "$XARB" --no-such-option
expect_in "$T/err" "usage:"
expect_rc 64 "$XARB" --run-for ten
expect_in "$T/err" '--run-for: expected seconds > 0, got "ten"'
expect_rc 64 "$XARB" --run-for 0
expect_rc 64 "$XARB" --paper --live
expect_rc 64 "$XARB" stray-argument

# Config errors: 78, every bad line reported as FILE:LINE.
cat >"$T/bad.conf" <<'CONF'
[detector]
min_spread_bps = ten
min_sprad_bps = 5
[detectr]
whatever = 1
[ring]
slots = 1000
CONF
expect_rc 78 "$XARB" --check-config -c "$T/bad.conf"
expect_in "$T/err" "$T/bad.conf:2: min_spread_bps: expected a number 0-10000 (bps), got \"ten\""
expect_in "$T/err" "$T/bad.conf:3: min_sprad_bps: unknown key in [detector]; did you mean min_spread_bps?"
expect_in "$T/err" "$T/bad.conf:4: unknown section [detectr]; did you mean [detector]?"
expect_in "$T/err" "$T/bad.conf:7: slots: expected a power of two, got \"1000\""
expect_in "$T/err" "$T/bad.conf: 4 errors"
grep -q whatever "$T/err" && fail "a key under an unknown section was reported"

expect_rc 78 "$XARB" --check-config -c "$T/missing.conf"
expect_in "$T/err" "$T/missing.conf: No such file or directory"

# A good file, the shipped sample, and the effective dump round trip.
cat >"$T/good.conf" <<'CONF'
# comment
[instruments]
symbols = BTC ETH
[detector]
min_spread_bps = 12.5   # trailing comment
[venue.okx]
enabled = no
CONF
expect_rc 0 "$XARB" --check-config -c "$T/good.conf"
expect_in "$T/out" "configuration OK"
expect_rc 0 "$XARB" --show-config -c "$T/good.conf"
cp "$T/out" "$T/dump.conf"
expect_in "$T/dump.conf" "min_spread_bps = 12.5 # $T/good.conf:5"
expect_in "$T/dump.conf" "symbols = BTC ETH # $T/good.conf:3"
expect_rc 0 "$XARB" --check-config -c "$T/dump.conf"
expect_rc 0 "$XARB" --show-config -c "$T/dump.conf"
expect_in "$T/out" "min_spread_bps = 12.5"
expect_rc 0 "$XARB" --check-config -c "$XARB_SRCDIR/etc/xarb.conf"

# Secrets: a group-readable secrets file is refused.
printf 'XARB_BYBIT_API_KEY=k\n' >"$T/secrets"
chmod 640 "$T/secrets"
printf '[executor]\nsecrets_file = %s\n' "$T/secrets" >"$T/sec.conf"
expect_rc 78 "$XARB" --check-config -c "$T/sec.conf"
expect_in "$T/err" "mode 640 lets others read it"
grep -q "=k" "$T/err" && fail "a secret value reached an error message"
chmod 600 "$T/secrets"
expect_rc 0 "$XARB" --check-config -c "$T/sec.conf"

# Live needs --live, and this build has no executor: nothing is sent.
printf '[executor]\nmode = live\n' >"$T/live.conf"
expect_rc 64 "$XARB" --demo -c "$T/live.conf" --run-for 1
expect_in "$T/err" "executor mode = live also needs --live"
expect_rc 69 "$XARB" --demo --live -c "$T/good.conf" --run-for 1
expect_in "$T/err" "live trading is not in this build yet"

# Without --demo xarb connects to the venues; where it cannot (here:
# loopback ports nobody listens on), it says so per venue and points to
# --demo, and keeps retrying until told to stop.
{
	printf '[net]\nbackoff_base_ms = 100\n'
	printf '[instruments]\nmeta_cache = %s/instruments\n' "$T"
	for v in bybit okx kucoin bitget hyperliquid paradex binance; do
		printf '[venue.%s]\nurl = ws://127.0.0.1:1/ws\nurl_rest = http://127.0.0.1:1\n' "$v"
	done
	printf '[venue.binance]\nurl_market = ws://127.0.0.1:1/market\n'
	printf '[venue.okx]\nenabled = no\n'
} >"$T/offline.conf"
expect_rc 0 "$XARB" -c "$T/offline.conf" --run-for 1
for v in bybit kucoin bitget hyperliquid paradex binance; do
	grep -Eq "venue $v: (cannot connect|no adapter in this build yet)" "$T/err" ||
	    fail "nothing said about $v: $(cat "$T/err")"
done
grep -q "venue okx:" "$T/err" && fail "a disabled venue was reported"
expect_in "$T/err" "(offline? 'xarb --demo' runs without a network)"
# The instruments endpoints failed too: said per venue, built-ins used,
# no cache written from nothing.
expect_in "$T/err" "venue bybit: instruments endpoint:"
expect_in "$T/err" "venue kucoin: using built-in instrument metadata"
[ -e "$T/instruments" ] && fail "a cache was written with nothing fetched"
expect_in "$T/err" "xarb: summary: seconds=1."

# decode: dispatch, usage, and a real decode.
expect_rc 64 "$XARB" decode
expect_in "$T/err" "usage:"
expect_rc 64 "$XARB" decode nosuchvenue
expect_in "$T/err" 'unknown venue "nosuchvenue"; expected one of: bybit okx kucoin bitget hyperliquid paradex binance'
expect_rc 66 "$XARB" decode bybit "$T/no-such-file"
expect_rc 0 "$XARB" decode --help
expect_in "$T/out" "usage: xarb decode [-c file] venue [file]"
cat >"$T/frames" <<'FRAMES'
{"success":true,"ret_msg":"","conn_id":"c","req_id":"","op":"subscribe"}
{"topic":"orderbook.1.ETHUSDT","type":"snapshot","ts":1700000000123,"data":{"s":"ETHUSDT","b":[["2000.5","1.25"]],"a":[["2000.6","0.5"]],"u":9,"seq":1}}

{"topic":"orderbook.1.DOGEUSDT","type":"snapshot","ts":1,"data":{"s":"DOGEUSDT","b":[],"a":[],"u":1}}
not json at all
FRAMES
expect_rc 65 "$XARB" decode -c "$T/good.conf" bybit "$T/frames"
expect_in "$T/out" '{"type":"quote","venue":"bybit","instrument":"ETH-USDT-PERP","bid":2000.5,"bid_size":1.25,"ask":2000.6,"ask_size":0.5,"ts_ms":1700000000123}'
[ "$(wc -l <"$T/out")" -eq 1 ] || fail "decode printed more than one event: $(cat "$T/out")"
expect_in "$T/err" "$T/frames:4: skipped: symbol DOGEUSDT is not traded"
expect_in "$T/err" "$T/frames:5: malformed: not JSON"
# The same from stdin, named so.
head -n 2 "$T/frames" >"$T/two"
timeout 60 "$XARB" decode -c "$T/good.conf" bybit <"$T/two" >"$T/out" 2>"$T/err" ||
    fail "decode from stdin: exit $?"
expect_in "$T/out" '"instrument":"ETH-USDT-PERP"'
exit 0
