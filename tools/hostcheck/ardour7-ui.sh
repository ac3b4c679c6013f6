#!/bin/sh
# The Ardour 7 walk-through of docs/ui.md (issue 16), step by step, each a
# screenshot: a session with Chronus on a MIDI track and its own UI open on
# the patch graph; a factory preset clicked in the UI; the patch edited in
# an "editor" and the change heard; a broken line saved, named by the UI
# while the old patch plays on; the inline display in the mixer strip.
# Not part of `./waf test` (Ardour under Xvfb is heavy); run by hand after
# `./waf build`:
#
#   sh tools/hostcheck/ardour7-ui.sh OUTDIR
#
# Why Ardour's own "None (Dummy)" backend and no JACK: with a JACK dummy
# server, Ardour's engine halted on this loaded 2-core machine ("JACK
# HALTED", jackd: "Unknown request 0") before the track's ports came; the
# dummy backend runs in Ardour's process, has no server to lose, and its
# "Midi Event Generators" play notes into the track with no jack_midiseq.
# Ardour hides that backend unless told (`hide-dummy-backend` 0 below).
#
# Every wait polls a condition (a window, a line in the UI's test log
# CHRONUS_UI_TEST_LOG, a colour on the screen) for a generous bound, never
# a fixed time. Clicks in the UI go where its log says its presets and
# buttons are; Ardour's own (the Mix button, the plugin in the strip) are
# positions measured in Ardour 7.3 at 1600x1000 with no window manager.
# On a failure the script names the step, keeps the screen it saw and the
# logs in its work folder, and exits 1.
set -eu
out=${1:?usage: ardour7-ui.sh OUTDIR}
top=$(cd "$(dirname "$0")/../.." && pwd)
uri=http://chronus.audio/plugins/chronus
mkdir -p "$out"
work=$(mktemp -d /tmp/chronus-ardour-walk.XXXXXX)
log=$work/ui.log
ardour_pid="" xvfb_pid="" passed="" failed=""

# Ardour first (asked, then waited for, then forced), then the X server;
# the work folder goes when the walk passed (kept, with its logs, if not).
cleanup() {
	if [ -n "$ardour_pid" ] && kill "$ardour_pid" 2>/dev/null; then
		i=0; while kill -0 "$ardour_pid" 2>/dev/null && [ $i -lt 40 ]; do sleep 0.5; i=$((i + 1)); done
		kill -9 "$ardour_pid" 2>/dev/null || true
	fi
	[ -z "$xvfb_pid" ] || kill "$xvfb_pid" 2>/dev/null || true
	[ -z "$passed" ] || rm -rf "$work"
	[ -n "$passed" ] || [ -n "$failed" ] ||
		echo "ardour7-ui: FAILED: a command failed (above); logs in $work" >&2
}
trap cleanup EXIT INT TERM

fail() {
	failed=1
	import -window root "$work/failed.png" 2>/dev/null || true
	echo "ardour7-ui: FAILED: $*" >&2
	echo "  (the screen: $work/failed.png; logs: $work/ardour.log, $log)" >&2
	[ -f "$log" ] && tail -n 8 "$log" >&2
	exit 1
}
for p in ardour ardour7-lua Xvfb xdotool import convert python3 timeout; do
	command -v "$p" >/dev/null 2>&1 || fail "'$p' is missing: install ardour, xvfb, xdotool, imagemagick, python3"
done
[ -n "$(ls "$top"/build/lv2/*/chronus_ui.so 2>/dev/null)" ] ||
	fail "no bundle in $top/build/lv2: run ./waf build first"

# until SECONDS WHAT COMMAND...: runs COMMAND every 0.3 s until it succeeds,
# for at most SECONDS; fails naming WHAT. Ardour must stay alive meanwhile.
until_ok() {
	limit=$(($(date +%s) + $1)); what=$2; shift 2
	while ! "$@"; do
		[ -z "$ardour_pid" ] || kill -0 "$ardour_pid" 2>/dev/null || fail "Ardour exited while waiting for $what"
		[ "$(date +%s)" -lt "$limit" ] || fail "$what did not happen within the bound"
		sleep 0.3
	done
}
logged() { grep -q -- "$1" "$log" 2>/dev/null; }
# The line number of the first line of the UI's log matching $1 after line $2.
line_of() { awk -v re="$1" -v after="$2" 'NR > after && $0 ~ re { print NR; exit }' "$log"; }
# levels_after N: the "level rms" values the UI logged after line N.
levels_after() { awk -v after="$1" 'NR > after && /^level rms / { print $3 }' "$log"; }
# has_levels N K: at least K levels were logged after line N.
has_levels() { [ "$(levels_after "$1" | wc -l)" -ge "$2" ]; }
# level N: the mean of the 2nd to 5th levels after line N (the first may
# straddle a swap; the generator's pattern repeats every 2 s, so 4 s of it
# give the same mean whatever second they start in).
level() { levels_after "$1" | sed -n 2,5p | awk '{ t += $1 } END { printf "%.4f", t / NR }'; }
# quiet: moves the pointer off the UI and Ardour's buttons (no tooltip, no
# hover in the pictures), to the mixer's empty area.
quiet() { xdotool mousemove 1000 950; }
window_named() { xdotool search --onlyvisible --name "$1" 2>/dev/null | head -n 1; }
has_window() { [ -n "$(window_named "$1")" ]; }
# place NAME X Y [W H]: moves (and sizes) the window named NAME; true once
# it is there. Searched again each time, and retried: once, under load,
# the search that had just found the UI's window came back empty and the
# move went to window 0 (BadWindow), which ended the walk.
place() {
	w=$(window_named "$1")
	[ -n "$w" ] && xdotool windowmove "$w" "$2" "$3" 2>/dev/null || return 1
	[ $# -lt 5 ] || xdotool windowsize "$w" "$4" "$5" 2>/dev/null || return 1
	geo=$(xdotool getwindowgeometry "$w" 2>/dev/null) || return 1
	echo "$geo" | grep -q "Position: $2,$3 " || return 1
	[ $# -lt 5 ] || echo "$geo" | grep -q "Geometry: $4x$5\$"
}
shot() { import -window root "$work/$1.png" || fail "import could not take the screen"; }

# 1. An X server on a free display (Xvfb picks it and writes its number).
Xvfb -displayfd 5 -screen 0 1600x1000x24 -nolisten tcp 5>"$work/display" 2>"$work/xvfb.log" &
xvfb_pid=$!
until_ok 60 "Xvfb's display number" test -s "$work/display"
export DISPLAY=":$(cat "$work/display")" XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data"
export LV2_PATH="$top/build/lv2:/usr/lib/lv2" CHRONUS_UI_TEST_LOG="$log"

# 2. The session, made by Ardour's own Lua on the dummy backend; its MIDI
# input is then connected to the first of the GUI's MIDI generators, and
# the device hint left out, so Ardour opens it asking nothing. (It takes
# 2 s; the bound is there because a libardour that lost its engine, as
# with JACK, would wait forever.)
timeout 300 ardour7-lua "$top/tools/hostcheck/ardour7-session.lua" "$work/session" >"$work/lua.log" 2>&1 ||
	fail "ardour7-lua could not make the session: $(tail -n 3 "$work/lua.log")"
sess=$work/session/chronus.ardour
python3 - "$sess" <<'PY' || fail "the session has no Chronus/midi_in 1 port to connect"
import re, sys
p = sys.argv[1]
s = open(p).read()
port = '<Port type="midi" name="Chronus/midi_in 1"/>'
if port not in s:
    sys.exit(1)
s = s.replace(port, port[:-2] + '>\n          <Connection other="system:midi_capture_dummy_1"/>\n        </Port>')
s = re.sub(r'<EngineHints[^>]*/>\n?', '', s)
open(p, 'w').write(s)
PY

# 3. A fresh configuration: the dummy backend shown and started at once,
# its MIDI generators on; no first-run wizard (.a7), no locked-memory
# warning (instant.xml).
mkdir -p "$work/config/ardour7" "$work/data"
: >"$work/config/ardour7/.a7"
cat >"$work/config/ardour7/config" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<Ardour>
  <Config>
    <Option name="hide-dummy-backend" value="0"/>
    <Option name="try-autostart-engine" value="1"/>
  </Config>
  <Extra>
    <AudioMIDISetup>
      <EngineStates>
        <State backend="None (Dummy)" driver="Normal Speed" device="Silence" input-device="" output-device="" sample-rate="48000" buffer-size="1024" n-periods="2" input-latency="0" output-latency="0" lm-input="" lm-output="" active="1" use-buffered-io="0" midi-option="Midi Event Generators" lru="1796413105">
          <MIDIDevices/>
        </State>
      </EngineStates>
    </AudioMIDISetup>
  </Extra>
</Ardour>
XML
printf '<?xml version="1.0" encoding="UTF-8"?>\n<instant>\n  <no-memory-warning/>\n</instant>\n' \
	>"$work/config/ardour7/instant.xml"

# The user's editor, which the UI's Edit button starts ($VISUAL): the
# first time it makes the oscillator a square wave and names the patch
# for it; the second time it saves a typo (vcaa) on the line that creates
# the amp. Both save as editors do, by renaming a new file over the old.
cat >"$work/editor.sh" <<'EDITOR'
#!/bin/sh
n=$(($(cat "$0.count" 2>/dev/null || echo 0) + 1))
echo "$n" >"$0.count"
if [ "$n" = 1 ]; then
	sed -e 's/^create osc saw$/create osc square/' -e 's/^patch ".*"$/patch "Acid 303 square"/' "$1" >"$1.tmp"
else
	sed -e 's/^create amp vca$/create amp vcaa/' "$1" >"$1.tmp"
fi
mv "$1.tmp" "$1"
EDITOR
export VISUAL="sh $work/editor.sh"

ardour "$sess" >"$work/ardour.log" 2>&1 &
ardour_pid=$!
until_ok 300 "Ardour's main window" has_window "chronus - Ardour"
until_ok 60 "Ardour's main window at 0,0, 1600x1000" place "chronus - Ardour" 0 0 1600 1000

# 4. The Mixer, then a double-click on Chronus in the strip opens its UI.
# The strip's plugin row is reddish (an instrument) once the mixer shows.
strip_shown() {
	import -window root "$work/probe.png" 2>/dev/null || return 1
	set -- $(convert "$work/probe.png" -crop 80x10+335+182 +repage -scale '1x1!' -format '%[fx:int(255*r)] %[fx:int(255*g)]' info:)
	[ "$1" -gt $(($2 + 40)) ]
}
mixer_and_ui() {
	has_window "Chronus: Chronus" && return 0
	strip_shown || { xdotool mousemove 1577 72 click 1; return 1; } # Mix
	xdotool mousemove 373 187 click --repeat 2 --delay 80 1 # Chronus in the strip
	i=0
	while [ $i -lt 30 ]; do has_window "Chronus: Chronus" && return 0; sleep 0.5; i=$((i + 1)); done
	return 1
}
until_ok 300 "the mixer strip and Chronus's own UI" mixer_and_ui
until_ok 60 "the UI's window (its log)" logged '^window '
win=$(sed -n 's/^window \([0-9]*\) .*/\1/p' "$log" | head -n 1)
until_ok 60 "the UI drawing Init Saw's graph" logged '^graph .* title Init Saw$'
until_ok 60 "the UI's window at 440,110" place "Chronus: Chronus" 440 110
quiet
# Notes reach the plugin: the scope hears them.
until_ok 90 "two levels from the scope" has_levels "$(line_of '^graph .* title Init Saw$' 0)" 2
loud() { [ "$(levels_after 0 | awk '$1 > 0.01' | wc -l)" -ge 1 ]; }
until_ok 90 "the MIDI generator's notes sounding (scope level > 0.01)" loud
shot 1-graph
echo "ardour7-ui: 1. the UI shows Init Saw's graph; scope level $(levels_after 0 | tail -n 1)"

# 5. A click on "Acid 303" (factory program 2) in the UI's preset list.
title=$(sed -n 's/^patch "\(.*\)"$/\1/p' "$top"/presets/02-*.chronus)
set -- $(sed -n 's/^preset 2 \([0-9]*\) \([0-9]*\)$/\1 \2/p' "$log" | tail -n 1)
[ $# = 2 ] || fail "the UI logged no place for preset 2"
xdotool mousemove --window "$win" "$1" "$2" click 1
until_ok 60 "the preset click writing program 2" logged '^write program 2$'
until_ok 60 "the plugin swapping to '$title'" logged "^graph .* title $title\$"
g_preset=$(line_of "^graph .* title $title\$" 0)
quiet
until_ok 90 "five levels of '$title'" has_levels "$g_preset" 5
shot 2-preset
before=$(level "$g_preset")
echo "ardour7-ui: 2. a click on '$title': its graph; scope level $before (mean of 4 s)"

# 6. Edit a copy: the editor makes the oscillator a square; the hot reload
# swaps the saved file in and the level changes.
set -- $(sed -n 's/^edit \([0-9]*\) \([0-9]*\)$/\1 \2/p' "$log" | tail -n 1)
[ $# = 2 ] || fail "the UI logged no place for its Edit button"
xdotool mousemove --window "$win" "$1" "$2" click 1
until_ok 60 "the Edit button starting the editor" logged '^edit started '
copy=$(sed -n 's/^edit started \(.*\) line [0-9]*$/\1/p' "$log" | head -n 1)
until_ok 90 "the edited patch swapping in" logged '^graph .* title Acid 303 square$'
g_edit=$(line_of '^graph .* title Acid 303 square$' 0)
quiet
until_ok 90 "five levels of the edited patch" has_levels "$g_edit" 5
after=$(level "$g_edit")
shot 3-edited
grep -q '^create osc square$' "$copy" || fail "the editor did not change $copy"
python3 -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); sys.exit(0 if b > 1.25 * a or a > 1.25 * b else 1)" \
	"$before" "$after" || fail "the square wave was not heard: scope level $before before, $after after"
echo "ardour7-ui: 3. edited in \$VISUAL (saw -> square): scope level $before -> $after"

# 7. A broken line saved: the red band names it; the old patch plays on.
bad=$(sed -n '/^create amp vca$/=' "$copy")
set -- $(sed -n 's/^edit \([0-9]*\) \([0-9]*\)$/\1 \2/p' "$log" | tail -n 1)
xdotool mousemove --window "$win" "$1" "$2" click 1
until_ok 90 "the UI naming line $bad, column 12" logged "^error 1 line $bad col 12\$"
e_line=$(line_of "^error 1 line $bad col 12\$" 0)
quiet
until_ok 90 "five levels after the error" has_levels "$e_line" 5
playing=$(level "$e_line")
[ -z "$(line_of '^graph ' "$e_line")" ] || fail "a graph came after the broken save: $(tail -n 3 "$log")"
python3 -c "import sys; sys.exit(0 if float(sys.argv[2]) > 0.5 * float(sys.argv[1]) else 1)" "$after" "$playing" ||
	fail "the old patch did not play on after the error: level $after before, $playing after"
shot 4-error
echo "ardour7-ui: 4. broken line $bad saved: error at line $bad, col 12; the edited patch plays on (level $playing)"

# The pictures: the UI with the strip at its left, and the strip alone (2x).
for s in 1-graph 2-preset 3-edited 4-error; do
	convert "$work/$s.png" -crop 1120x900+320+90 +repage -colors 255 "$out/ardour-walk-$s.png"
done
convert "$work/3-edited.png" -crop 112x120+328+168 +repage -scale 200% "$out/ardour-inline.png"
convert "$work/4-error.png" -crop 112x120+328+168 +repage -scale 200% "$out/ardour-inline-error.png"
passed=1
echo "ardour7-ui: passed; screenshots in $out"
