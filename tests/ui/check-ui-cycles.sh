#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The UI opened and closed 100 times in one process (tests/ui/ui_cycles.c)
# under Xvfb, in the sanitizer build's `./waf test` (issue 16: "no leak
# across 100 open/close cycles of the UI"): there ui-cycles and
# libchronus_ui.so are built with AddressSanitizer, and LeakSanitizer
# reports at exit whatever the 100 cycles left behind. Any leak, any ASan
# or UBSan error, or a cycle that did not do what it must fails the check.
# tests/lsan.supp (LSAN_OPTIONS, set by wscript) suppresses only
# fontconfig's process-wide cache, nothing of Chronus. The plain build runs
# the same 100 cycles in check-ui.sh, where the resident size is the check.
# Then chronus-ui-bench --check (tools/ui_bench.c) under the sanitizers:
# the scope's and the whole window's redraws, one per message.
# Where no X server can be started the check says SKIPPED and why.
# Usage: check-ui-cycles.sh BUILD_DIR [CYCLES]. Takes ~15-30 s.
set -u
build=${1:?usage: check-ui-cycles.sh BUILD_DIR [CYCLES]}
cycles=${2:-100}
out=$(mktemp -d)
xvfb_pid=""
cleanup() {
	[ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2> /dev/null && wait "$xvfb_pid" 2> /dev/null
	rm -rf "$out"
}
trap cleanup EXIT

if ! command -v Xvfb > /dev/null 2>&1; then
	echo "check-ui-cycles: SKIPPED: Xvfb is not installed (the Debian package xvfb; ./setup test installs it)"
	exit 0
fi
# An X server on a free display: Xvfb picks it and writes its number.
Xvfb -displayfd 5 -screen 0 1280x800x24 -nolisten tcp 5> "$out/display" 2> "$out/xvfb.log" &
xvfb_pid=$!
end=$(($(date +%s) + 60))
while [ ! -s "$out/display" ] && kill -0 "$xvfb_pid" 2> /dev/null && [ "$(date +%s)" -lt "$end" ]; do
	sleep 0.1 # polls for the display number, bounded by 60 s
done
if [ ! -s "$out/display" ]; then
	echo "check-ui-cycles: SKIPPED: no X server could be started here (Xvfb: $(tail -n 3 "$out/xvfb.log" | tr '\n' ' '))"
	exit 0
fi
export DISPLAY=":$(cat "$out/display")"

# Leak detection on whatever the defaults; one report is a failure.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1"
"$build/tests/ui-cycles" "$build/libchronus_ui.so" "$cycles" > "$out/cycles.log" 2>&1
rc=$?
cat "$out/cycles.log"
if [ "$rc" -ne 0 ] || grep -q 'ERROR: \(LeakSanitizer\|AddressSanitizer\)\|runtime error:' "$out/cycles.log"; then
	echo "check-ui-cycles: FAILED (exit status $rc): see the report above"
	exit 1
fi
# The frames chronus-ui-bench counts (its CPU figures mean nothing here):
# the scope's and the knobs' redraws under the sanitizers too.
"$build/chronus-ui-bench" --seconds 1 --check "$build/libchronus_ui.so" > "$out/bench.log" 2>&1
rc=$?
cat "$out/bench.log"
if [ "$rc" -ne 0 ] || grep -q 'ERROR: \(LeakSanitizer\|AddressSanitizer\)\|runtime error:' "$out/bench.log"; then
	echo "check-ui-cycles: chronus-ui-bench FAILED (exit status $rc): see the report above"
	exit 1
fi
echo "check-ui-cycles: $cycles opens and closes of the UI on $DISPLAY, no leak and no sanitizer report: passed"
