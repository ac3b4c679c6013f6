#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Live patching in a real host (issue 15): jalv on a JACK dummy backend
# with Chronus' OSC server on (jalv -c osc_port=N), driven by chronusctl as
# a user would from a terminal: ask the status, load a patch file, save
# the file as an editor does (by rename) and see it swap in (hot reload),
# set one parameter (/mod), and see a bad one answered. Every wait polls a
# condition with a bound (60 s), never a fixed time.
# Usage: check-jalv-live.sh BUILD_DIR. Exits non-zero on any failure.
set -u
build=${1:?usage: check-jalv-live.sh BUILD_DIR}
uri=${CHRONUS_URI:-http://chronus.audio/plugins/chronus}
ctl="$build/chronusctl"
out=$(mktemp -d)
jack_pid=""
jalv_pid=""
. "$(dirname "$0")/stop.sh" # stop(): jalv first, then jackd, each waited for
cleanup() {
	touch "$out/done"
	[ -n "$jalv_pid" ] && stop "$jalv_pid"
	[ -n "$jack_pid" ] && stop "$jack_pid"
	rm -rf "$out"
}
trap cleanup EXIT
fail() { echo "check-jalv-live: FAILED: $*"; echo "--- jalv output:"; cat "$out/jalv.log"; exit 1; }

# A UDP port free now on 127.0.0.1.
port=$(python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

export JACK_DEFAULT_SERVER="chronus-live-$$"
jackd --no-realtime -n "$JACK_DEFAULT_SERVER" -d dummy -r 48000 -p 256 > "$out/jackd.log" 2>&1 &
jack_pid=$!

# jalv's console stays open until we are done.
(while [ -d "$out" ] && [ ! -e "$out/done" ]; do sleep 0.2; done) |
	jalv -d -n chronus-live -c "osc_port=$port" "$uri" > "$out/jalv.log" 2>&1 &
jalv_pid=$!

# until WHAT COMMAND...: polls COMMAND (its output in $out/reply) until it
# prints WHAT, for at most 60 s.
until_says() {
	what=$1
	shift
	end=$(($(date +%s) + 60))
	while [ "$(date +%s)" -lt "$end" ]; do
		"$@" > "$out/reply" 2>&1
		grep -q -- "$what" "$out/reply" && return 0
		sleep 0.2
	done
	return 1
}

until_says '/engine/status "Init Saw"' "$ctl" -p "$port" -w 200 /engine/status ||
	fail "no /engine/status reply naming Init Saw on port $port (jackd: $(cat "$out/jackd.log"))"

printf 'patch "Jalv A"\ncreate o sine\ncreate a vca\nconnect o a\nset a.gain 0.3\nout a\n' > "$out/live.chronus"
"$ctl" -p "$port" /patch/file "$out/live.chronus" > "$out/reply" 2>&1
grep -q /error "$out/reply" && fail "/patch/file answered: $(cat "$out/reply")"
until_says '"Jalv A"' "$ctl" -p "$port" -w 200 /engine/status || fail "the patch file did not load"

# Saved as an editor saves: a new file renamed over the old one.
printf 'patch "Jalv B"\ncreate o saw\ncreate a vca\nconnect o a\nset a.gain 0.3\nout a\n' > "$out/live.tmp"
mv "$out/live.tmp" "$out/live.chronus"
until_says '"Jalv B"' "$ctl" -p "$port" -w 200 /engine/status || fail "the saved file did not swap in"
grep -q "reloaded: the file changed" "$out/reply" || fail "the status does not say it reloaded: $(cat "$out/reply")"

"$ctl" -p "$port" /mod/a/gain 0.2 > "$out/reply" 2>&1
[ -s "$out/reply" ] && fail "/mod/a/gain 0.2 answered: $(cat "$out/reply")"
until_says "did you mean 'gain'" "$ctl" -p "$port" -w 300 /mod/a/gian 0.2 ||
	fail "a bad /mod was not answered: $(cat "$out/reply")"

if grep -qi "segmentation\|abort" "$out/jalv.log"; then
	fail "jalv reported a crash"
fi
echo "check-jalv-live: jalv served OSC on 127.0.0.1:$port; /patch/file loaded a file, a save by rename swapped in (hot reload), /mod set a parameter, a bad one was answered: passed"
