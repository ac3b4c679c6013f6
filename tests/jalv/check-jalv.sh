#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Chronus in a real host: jalv on a JACK dummy backend (no sound card, no
# display). jalv loads the bundle from LV2_PATH, gives it its worker and
# state features, and we drive its console the way a user would: list the
# presets, load one, switch programs, read the outputs. jalv's -d dump shows
# what the plugin says on its notify port. Exits non-zero on any failure.
set -u
uri=${CHRONUS_URI:-http://chronus.audio/plugins/chronus}
out=$(mktemp -d)
. "$(dirname "$0")/stop.sh" # stop(): wait for jackd to leave JACK's registry
jack_pid=""
trap '[ -n "$jack_pid" ] && stop "$jack_pid"; rm -rf "$out"' EXIT
fail() { echo "check-jalv: FAILED: $*"; echo "--- jalv output:"; cat "$out/jalv.log"; exit 1; }

export JACK_DEFAULT_SERVER="chronus-check-$$"
jackd --no-realtime -n "$JACK_DEFAULT_SERVER" -d dummy -r 48000 -p 256 > "$out/jackd.log" 2>&1 &
jack_pid=$!
sleep 1.5
kill -0 $jack_pid 2>/dev/null || { cat "$out/jackd.log"; echo "check-jalv: jackd did not start"; exit 1; }

{
	sleep 1
	echo "presets"
	sleep 0.5
	echo "preset $uri#preset-acid-303"
	sleep 1
	echo "program = 3"
	sleep 1
	echo "macro1 = 0.8"
	sleep 0.5
	echo "monitors"
	sleep 0.5
} | timeout 30 jalv -d -n chronus-check "$uri" > "$out/jalv.log" 2>&1
rc=$?
[ $rc -eq 0 ] || fail "jalv exited with status $rc"

grep -q "Init Saw: primed" "$out/jalv.log" || fail "the default patch was not built"
n=$(grep -c "preset-" "$out/jalv.log")
[ "$n" -ge 13 ] || fail "jalv lists $n presets, expected 13"
grep -q "Acid 303: primed" "$out/jalv.log" || fail "loading the Acid 303 preset did not build it"
grep -q "Reese Bass: primed" "$out/jalv.log" || fail "program 3 did not swap in Reese Bass"
grep -q "error = 0" "$out/jalv.log" || fail "the error output is not 0"
grep -q "error_line = 0" "$out/jalv.log" || fail "the error_line output is not 0"
grep -q "playing = 3" "$out/jalv.log" || fail "the playing output does not report program 3"
if grep -qi "rejected\|segmentation\|abort" "$out/jalv.log"; then
	fail "an error was reported"
fi
echo "check-jalv: jalv (JACK dummy backend) loaded Chronus, listed $n presets, loaded a preset, switched program: passed"
