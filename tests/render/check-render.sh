#!/bin/sh
# SPDX-License-Identifier: ISC
#
# chronus-render tells the truth (docs/score-format.md, "Messages and exit
# status"): 0 for a score whose patches all load, 1 and the plugin's
# message with the score line for a rejected or missing patch, 1 and the
# line for an unknown control or a score error, 2 for a bad command line.
# Run by `./waf test` with LV2_PATH and CHRONUS_BUILD_DIR set.
set -u
render="${CHRONUS_BUILD_DIR:-build}/chronus-render"
dir=$(mktemp -d /tmp/chronus-render-check-XXXXXX)
trap 'rm -rf "$dir"' EXIT
failed=0

cat > "$dir/good.chronus" <<'P'
patch "Good"
create osc sine
create env adsr
create amp vca
connect osc amp
connect env amp.gain
out amp
P
printf 'patch "Bad"\ncreate osc sawtooth\nout osc\n' > "$dir/bad.chronus"

# expect NAME STATUS TEXT SCORE [OPTIONS...]: runs the renderer on SCORE
# (text) and checks its exit status and that stderr holds TEXT.
expect() {
	name=$1 want=$2 text=$3 score=$4
	shift 4
	printf '%s' "$score" > "$dir/s.score"
	"$render" "$@" "$dir/s.score" "$dir/out.wav" > "$dir/out.txt" 2> "$dir/err.txt"
	rc=$?
	if [ "$rc" -ne "$want" ] || ! grep -qF -- "$text" "$dir/err.txt"; then
		echo "FAILED: $name: exit $rc (expected $want), stderr:"
		sed 's/^/    /' "$dir/err.txt"
		echo "    (expected to contain: $text)"
		failed=1
	else
		echo "ok: $name: exit $rc, \"$text\""
	fi
}

good='length 1
at 0 patch good.chronus
at 0.1 note 60 100 0.5
'
expect "a score whose patch loads" 0 "Good: primed" "$good"
expect "the same with a threaded worker" 0 "Good: primed" "$good" --threaded-worker
expect "the same in random blocks" 0 "Good: primed" "$good" --block 512 --random-blocks

rejected='length 1
at 0.1 note 60 100 0.5
at 0.3 patch bad.chronus
'
expect "a rejected patch" 1 "score line 3: patch rejected: $dir/bad.chronus: line 2, col 12: unknown module type 'sawtooth' (did you mean 'saw'?)" "$rejected"
expect "a rejected patch, threaded worker" 1 "patch rejected: $dir/bad.chronus: line 2" "$rejected" --threaded-worker
expect "a patch file that does not exist, asked for in the last block" 1 \
	"score line 2: patch rejected: cannot open patch file '$dir/nothere.chronus'" 'length 1
at 0.9999 patch nothere.chronus
'
expect "a good patch after a rejected one still fails the render" 1 "1 patch rejected" 'length 1
at 0.1 patch bad.chronus
at 0.5 patch good.chronus
'
expect "an unknown control symbol" 1 "score line 4: the plugin has no control 'macro9'" 'length 1
at 0.1 note 60 100 0.5

at 0.3 control macro9 0.5
'
expect "an output control is no input" 1 "score line 1: the plugin has no control 'error'" 'at 0 control error 1
'
expect "a score error" 1 "score line 2: expected 'note NOTE(0-127) VELOCITY(1-127) SECONDS'" 'length 1
at 0.1 note 60 0 0.5
'
expect "program change, with a bank select, loads a factory program" 0 "Reese Bass: primed" 'length 1
at 0.1 note 60 100 0.5
at 0.2 aftertouch 90
at 0.3 pressure 60 100
at 0.4 cc 1 127
at 0.5 program 3 0
'
expect "a poly aftertouch line out of range" 1 "score line 2: expected 'pressure NOTE VALUE' (0-127 each)" 'length 1
at 0.1 pressure 200 1
'
expect "a program line out of range" 1 "score line 1: expected 'program NUMBER [BANK]' (0-127, bank 0-16383)" 'at 0 program 3 20000
'
expect "MIDI on other channels and an MPE zone" 0 "Good: primed" 'length 1
at 0 patch good.chronus
at 0 mpe lower 15
at 0 ch 2 bendrange 12
at 0.1 ch 2 note 60 100 0.5
at 0.1 ch 3 note 64 100 0.5
at 0.3 ch 3 bend 0.25
at 0.3 ch 3 aftertouch 90
at 0.4 ch 3 cc 74 100
at 0.5 ch 16 program 3 0
'
expect "a channel out of range" 1 "score line 2: expected 'ch CHANNEL(1-16)'" 'length 1
at 0.1 ch 17 note 60 100 0.5
'
expect "ch before a control" 1 "score line 1: 'ch' is for MIDI statements, not 'control'" 'at 0 ch 3 control volume 0
'
expect "an unknown option" 2 "usage: chronus-render" "$good" --no-such-option
expect "a block size out of range" 2 "usage: chronus-render" "$good" --block 0
expect "--help" 0 "--random-blocks" "$good" --help

exit $failed
