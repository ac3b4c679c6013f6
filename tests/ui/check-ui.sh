#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The plugin's UI as a person uses it (issue 16, docs/ui.md): under Xvfb,
# jalv.gtk3 opens Chronus with its own UI (an X11 UI that suil embeds in
# GTK 3) on a JACK dummy backend. Then, each step checked on the screen
# (a screenshot's pixels) and in what the UI and the plugin did:
#   - a known patch file loaded (over OSC, chronusctl /patch/file) is drawn
#     with as many voice and master boxes as it has modules, counted by
#     the boxes' colours in the screenshot; the UI read the same graph;
#   - a broken patch file shows the red error band, with its line and column;
#   - a click on a preset in the list loads that factory program: the
#     plugin sends the graph of the patch of presets/02-*.chronus;
#   - the macro knobs are drawn under the names the patch gives them, with
#     what they drive below ("Cutoff" over vcf.cutoff, "Air" unbound);
#   - dragging the Macro 1 knob up writes its port; dragging Polyphony up
#     makes the plugin rebuild with that many voices (its new graph says so);
#   - "Edit a copy" writes the preset playing to a new file in the user's
#     folder and opens it in $VISUAL; the editor's save (by rename) swaps
#     in through the hot reload; "Edit file" reopens the same file;
#   - the scope's data arrives while the UI is open;
#   - the spectrum panel is dark in silence, filled in its colour while a
#     saw note plays (the UI read its peak at the note's frequency), dark
#     again after the note ends;
#   - with the Crossfade knob dragged to 2 s, a patch loaded shows the swap
#     badge (the UI logged it drawn, and a screenshot has its colour) until
#     the plugin says the swap is done;
#   - Settings opens over the graph with the controls' values; a click on
#     Limiter switches the plugin's limiter off (the output's level goes
#     past -1 dBFS), a drag on Glide writes its value, the wheel on OSC
#     port moves the plugin's OSC server; Close closes it;
#   - opened and closed 100 times in one process (tests/ui/ui_cycles.c),
#     the UI does what each cycle must and the process does not grow; at
#     GDK_SCALE=2 it is twice the size, its knob where twice the
#     coordinates put it;
#   - alone under chronus-ui-bench (tools/ui_bench.c), it draws once at
#     open, nothing while nothing changes, one frame per scope or
#     spectrum message and per knob move; its CPU is printed.
# Screenshots are left in BUILD_DIR/ui-*.png (docs/ui.md shows them).
# Every wait polls a condition for at most 60 s, never a fixed time. When
# no X server can be started the check is skipped, and says so.
# Usage: check-ui.sh BUILD_DIR SOURCE_DIR. Exits non-zero on any failure.
set -u
build=${1:?usage: check-ui.sh BUILD_DIR SOURCE_DIR}
src=${2:?usage: check-ui.sh BUILD_DIR SOURCE_DIR}
uri=${CHRONUS_URI:-http://chronus.audio/plugins/chronus}
ctl="$build/chronusctl"
out=$(mktemp -d)
xvfb_pid=""
jack_pid=""
jalv_pid=""
. "$src/tests/jalv/stop.sh" # stop(): jalv first, then jackd, each waited for
cleanup() {
	[ -n "$jalv_pid" ] && stop "$jalv_pid"
	[ -n "$jack_pid" ] && stop "$jack_pid"
	[ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null
	rm -rf "$out"
}
trap cleanup EXIT
fail() {
	echo "check-ui: FAILED: $*"
	for f in ui.log jalv.log; do
		[ -f "$out/$f" ] && { echo "--- $f:"; tail -n 40 "$out/$f"; }
	done
	exit 1
}

for p in Xvfb jalv.gtk3 xdotool import jackd python3; do
	command -v "$p" > /dev/null 2>&1 ||
		fail "'$p' is missing: install the Debian packages xvfb jalv xdotool imagemagick jackd2 (./setup test does)"
done
ls /usr/lib/*/suil-0/libsuil_x11_in_gtk3.so > /dev/null 2>&1 ||
	fail "suil's X11-in-GTK3 wrapper is missing: install the Debian package libsuil-0-0"

# An X server on a free display: Xvfb picks it and writes its number.
Xvfb -displayfd 5 -screen 0 1280x800x24 -nolisten tcp 5> "$out/display" 2> "$out/xvfb.log" &
xvfb_pid=$!
end=$(($(date +%s) + 60))
while [ ! -s "$out/display" ] && kill -0 "$xvfb_pid" 2>/dev/null && [ "$(date +%s)" -lt "$end" ]; do
	sleep 0.1
done
if [ ! -s "$out/display" ]; then
	echo "check-ui: SKIPPED: no X server could be started here (Xvfb: $(tail -n 3 "$out/xvfb.log" | tr '\n' ' '))"
	exit 0
fi
export DISPLAY=":$(cat "$out/display")"

# 100 opens and closes of the UI in one process: every cycle does what it
# must, and the process does not grow.
"$build/tests/ui-cycles" "$build/libchronus_ui.so" 100 > "$out/cycles.log" 2>&1 ||
	fail "the UI's open/close cycles: $(cat "$out/cycles.log")"
cat "$out/cycles.log"
# HiDPI: at GDK_SCALE=2 the UI asks for twice the size, and its knob is
# where twice the coordinates put it (the drag in each cycle).
GDK_SCALE=2 "$build/tests/ui-cycles" "$build/libchronus_ui.so" 3 > "$out/cycles2.log" 2>&1 ||
	fail "the UI at GDK_SCALE=2: $(cat "$out/cycles2.log")"
grep -q 'asked for 2000x1240 pixels' "$out/cycles2.log" ||
	fail "at GDK_SCALE=2 the UI did not ask for 2000x1240: $(cat "$out/cycles2.log")"
# The UI's own CPU apart from any host (tools/ui_bench.c; docs/ui.md):
# figures printed, and checked only for what it drew (once at open,
# nothing while nothing changed, one frame per scope or spectrum message
# or knob move).
"$build/chronus-ui-bench" --seconds 2 --check --xserver-pid "$xvfb_pid" "$build/libchronus_ui.so" \
	> "$out/bench.log" 2>&1 || fail "chronus-ui-bench: $(cat "$out/bench.log")"
cat "$out/bench.log"

port=$(python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export JACK_DEFAULT_SERVER="chronus-ui-$$"
jackd --no-realtime -n "$JACK_DEFAULT_SERVER" -d dummy -r 48000 -p 256 > "$out/jackd.log" 2>&1 &
jack_pid=$!
# The user's editor: changes the title and saves as editors do (a new file
# renamed over the old one); "Edited 1" the first time, then "Edited 2".
cat > "$out/editor.sh" << 'EDITOR'
#!/bin/sh
n=$(($(cat "$0.count" 2> /dev/null || echo 0) + 1))
echo "$n" > "$0.count"
sed "s/^patch \".*\"/patch \"Edited $n\"/" "$1" > "$1.tmp" && mv "$1.tmp" "$1"
EDITOR
# The user's folder: two presets at its top (the User bank) and a
# sub-folder with a good and a broken patch (bank User/more, and the
# folder "Open..." goes into).
user="$out/data/chronus/patches"
mkdir -p "$user/more"
printf 'patch "User Alpha"\ncreate osc saw\ncreate env adsr\ncreate amp vca\nconnect osc amp\nconnect env amp.gain\nout amp\n' > "$user/alpha.chronus"
printf 'patch "User Beta"\ncreate osc square\ncreate env adsr\ncreate amp vca\nconnect osc amp\nconnect env amp.gain\nout amp\n' > "$user/beta.chronus"
printf 'patch "Browsed Good"\ncreate osc sine\ncreate env adsr\ncreate amp vca\nconnect osc amp\nconnect env amp.gain\nout amp\n' > "$user/more/good.chronus"
printf 'patch "Browsed Bad"\ncreate osc saw\ncreate amp vcaa\nout amp\n' > "$user/more/bad.chronus"
CHRONUS_UI_TEST_LOG="$out/ui.log" VISUAL="sh $out/editor.sh" XDG_DATA_HOME="$out/data" \
	jalv.gtk3 -c "osc_port=$port" "$uri" > "$out/jalv.log" 2>&1 &
jalv_pid=$!

# until WHAT: waits until the UI's log has a line matching the regular
# expression WHAT (at most 60 s).
until_logged() {
	end=$(($(date +%s) + 60))
	while [ "$(date +%s)" -lt "$end" ]; do
		grep -q -- "$1" "$out/ui.log" 2> /dev/null && return 0
		kill -0 "$jalv_pid" 2> /dev/null || fail "jalv.gtk3 exited"
		sleep 0.2
	done
	return 1
}
# until_screen NAME TEST...: screenshots until `pixels.py` with TEST's
# arguments prints a number that satisfies the shell test in $want (e.g.
# "-eq 5"); keeps the last screenshot as NAME.
until_screen() {
	name=$1
	shift
	end=$(($(date +%s) + 60))
	while [ "$(date +%s)" -lt "$end" ]; do
		import -window root -depth 8 "$out/shot.ppm" 2> /dev/null &&
			got=$(python3 "$src/tests/ui/pixels.py" "$out/shot.ppm" "$@") &&
			[ "$got" $want ] && { import -window root "$build/$name" 2> /dev/null; return 0; }
		sleep 0.3
	done
	return 1
}

# The plugin's OSC server answers once jalv runs it.
end=$(($(date +%s) + 60))
until "$ctl" -p "$port" -w 200 /engine/status 2> /dev/null | grep -q 'Init Saw'; do
	[ "$(date +%s)" -lt "$end" ] || fail "the plugin's OSC server never answered on port $port"
	sleep 0.2
done
until_logged '^graph .* title Init Saw$' || fail "the UI never drew the patch a new instance plays (Init Saw)"
until_logged '^window ' || fail "the UI logged no window"
grep -q "UI:.*$uri#ui" "$out/jalv.log" || fail "jalv did not pick Chronus's own UI"
win=$(sed -n 's/^window \([0-9]*\) .*/\1/p' "$out/ui.log" | head -n 1)

# A known patch: five voice modules, one master, five wires (one from note.velocity).
cat > "$out/known.chronus" << 'PATCH'
patch "UI Test"
create osc saw
create wob lfo
create vcf ladder
create env adsr
create amp vca
create verb reverb master
connect osc vcf
connect wob vcf.cutoff 800
connect note.velocity vcf.cutoff 300
connect vcf amp
connect env amp.gain
connect amp verb
macro 1 vcf.cutoff 80 8000 exp
macro 1 "Cutoff"
macro 4 "Air"
out verb
PATCH
"$ctl" -p "$port" /patch/file "$out/known.chronus" > "$out/reply" 2>&1
grep -q /error "$out/reply" && fail "/patch/file answered: $(cat "$out/reply")"
until_logged '^graph modules 6 voice 5 master 1 wires 6 macros 1 polyphony [0-9]* title UI Test$' ||
	fail "the UI did not read the known patch's graph: $(grep '^graph' "$out/ui.log" | tail -n 1)"
# The knobs under the names the patch gives them: knob 1 over what it
# drives, knob 4 named but bound to nothing, knob 2 neither.
grep -q '^label macro1 Cutoff|vcf.cutoff$' "$out/ui.log" ||
	fail "knob 1 is not drawn as 'Cutoff' over vcf.cutoff: $(grep '^label macro1' "$out/ui.log" | tail -n 1)"
grep -q '^label macro4 Air|(unbound)$' "$out/ui.log" ||
	fail "knob 4 is not drawn as 'Air', unbound: $(grep '^label macro4' "$out/ui.log" | tail -n 1)"
grep -q '^label macro2 Macro 2|(unbound)$' "$out/ui.log" ||
	fail "knob 2 is not drawn as 'Macro 2': $(grep '^label macro2' "$out/ui.log" | tail -n 1)"
want="-eq 5"
until_screen ui-graph.png boxes 2f6f9f 400 || fail "the screen does not show 5 voice boxes (last count: $got)"
want="-eq 1"
until_screen ui-graph.png boxes 8f4f9f 400 || fail "the screen does not show 1 master box (last count: $got)"

# A broken patch: the red band names its line and column.
printf 'patch "Broken"\ncreate osc saw\ncreate amp vcaa\nout amp\n' > "$out/broken.chronus"
"$ctl" -p "$port" /patch/file "$out/broken.chronus" > "$out/reply" 2>&1
until_logged '^error 1 line 3 col 12$' || fail "the UI did not show the error at line 3, col 12: $(grep '^error\|^status' "$out/ui.log" | tail -n 2)"
want="-gt 5000"
until_screen ui-error.png count 7a1c1c || fail "the screen shows no red error band (pixels: $got)"

# A click on the third preset loads factory program 2.
title=$(sed -n 's/^patch "\(.*\)"$/\1/p' "$src"/presets/02-*.chronus)
set -- $(sed -n 's/^preset 2 \([0-9]*\) \([0-9]*\)$/\1 \2/p' "$out/ui.log")
xdotool mousemove --window "$win" "$1" "$2" click 1
until_logged '^write program 2$' || fail "the click on preset 2 wrote no program"
until_logged "^graph .* title $title\$" || fail "the plugin did not switch to '$title' after the click"
until_logged '^error 0 ' || fail "the error band did not clear with a patch that builds"

# Drag Macro 1 up by 60 pixels: 0.5 + 60/200 of its range.
set -- $(sed -n 's/^knob macro1 \([0-9]*\) \([0-9]*\)$/\1 \2/p' "$out/ui.log")
xdotool mousemove --window "$win" "$1" "$2" mousedown 1 mousemove --window "$win" "$1" $(($2 - 30)) \
	mousemove --window "$win" "$1" $(($2 - 60)) mouseup 1
until_logged '^write macro1 0.8$' || fail "dragging Macro 1 did not write 0.8: $(grep '^write macro1' "$out/ui.log" | tail -n 1)"

# Drag Polyphony up: the plugin rebuilds with the voices the UI wrote.
set -- $(sed -n 's/^knob polyphony \([0-9]*\) \([0-9]*\)$/\1 \2/p' "$out/ui.log")
xdotool mousemove --window "$win" "$1" "$2" mousedown 1 mousemove --window "$win" "$1" $(($2 - 40)) mouseup 1
until_logged '^write polyphony ' || fail "dragging Polyphony wrote nothing"
voices=$(sed -n 's/^write polyphony \([0-9]*\)$/\1/p' "$out/ui.log" | tail -n 1)
[ "$voices" -gt 16 ] || fail "dragging Polyphony up wrote $voices voices"
until_logged "^graph .* polyphony $voices title $title\$" || fail "the plugin did not rebuild with $voices voices"
import -window root "$build/ui-preset.png" 2> /dev/null

# "Edit a copy": the preset playing is only text; the UI writes it to a new
# file in the user's folder, the plugin plays that file, the editor saves
# it and the hot reload brings the save in. "Edit file" then opens the same
# file again.
set -- $(sed -n 's/^edit \([0-9]*\) \([0-9]*\)$/\1 \2/p' "$out/ui.log" | tail -n 1)
xdotool mousemove --window "$win" "$1" "$2" click 1
until_logged '^edit started ' || fail "the Edit button started no editor: $(grep '^edit' "$out/ui.log")"
copy=$(sed -n 's/^edit started \(.*\) line [0-9]*$/\1/p' "$out/ui.log" | head -n 1)
case "$copy" in "$out/data/chronus/patches/"*.chronus) ;; *) fail "the copy was written to '$copy'" ;; esac
until_logged '^graph .* title Edited 1$' || fail "the editor's save did not swap in: $(grep '^graph\|^status' "$out/ui.log" | tail -n 2)"
import -window root "$build/ui-edited.png" 2> /dev/null
xdotool mousemove --window "$win" "$1" "$2" click 1
until_logged '^graph .* title Edited 2$' || fail "a second Edit did not reopen the file: $(grep '^edit' "$out/ui.log")"
[ "$(sed -n 's/^edit started \(.*\) line [0-9]*$/\1/p' "$out/ui.log" | sed -n 2p)" = "$copy" ] ||
	fail "the second Edit opened another file: $(grep '^edit' "$out/ui.log")"
# "New from this": the patch playing (from that file) is copied to a new
# file, which the plugin then plays and the editor opens; its save swaps in.
set -- $(sed -n 's/^new \([0-9]*\) \([0-9]*\)$/\1 \2/p' "$out/ui.log" | tail -n 1)
[ -n "${1:-}" ] || fail "a patch from a file shows no 'New from this' button"
xdotool mousemove --window "$win" "$1" "$2" click 1
end=$(($(date +%s) + 60))
until [ "$(grep -c '^edit started ' "$out/ui.log")" -ge 3 ]; do
	[ "$(date +%s)" -lt "$end" ] || fail "New from this started no editor: $(grep '^edit' "$out/ui.log" | tail -n 1)"
	sleep 0.2
done
fresh=$(sed -n 's/^edit started \(.*\) line [0-9]*$/\1/p' "$out/ui.log" | sed -n 3p)
case "$fresh" in "$out/data/chronus/patches/"*.chronus) ;; *) fail "New from this wrote '$fresh'" ;; esac
[ "$fresh" != "$copy" ] || fail "New from this opened the same file again"
until_logged '^graph .* title Edited 3$' || fail "the new file's save did not swap in: $(grep '^graph\|^status' "$out/ui.log" | tail -n 2)"
grep -q '^patch "Edited 2"' "$copy" || fail "New from this changed the file it copied"

until_logged '^scope [0-9]' || fail "no scope data reached the UI"

# The list is grouped by bank and longer than its panel: the last bank's
# last preset is out of sight (no place to click) until the wheel scrolls
# the list, then a click on it loads it.
last=$(($(ls "$src"/presets/*.chronus | wc -l) - 1))
lastbank=$(sed -n 's/^# bank: *//p' "$src"/presets/*.chronus | awk '!seen[$0]++' | tail -n 1)
target=$(grep -l "^# bank: *$lastbank\$" "$src"/presets/*.chronus | tail -n 1)
num=$(basename "$target" | sed 's/^0*\([0-9][0-9]*\)-.*/\1/')
[ -n "$num" ] || num=0
[ "$(sed -n "s/^preset $num \([0-9]*\) \([0-9]*\)\$/\1 \2/p" "$out/ui.log" | tail -n 1)" = "0 0" ] ||
	fail "preset $num (bank $lastbank) was in sight before scrolling: the list should outgrow its panel"
set -- $(sed -n 's/^preset 0 \([0-9]*\) \([0-9]*\)$/\1 \2/p' "$out/ui.log" | head -n 1)
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	xdotool mousemove --window "$win" "$1" "$2" click 5
done
until_logged '^scroll [1-9]' || fail "the wheel did not scroll the preset list"
sleep 0.5 # let the last of the 20 wheel notches land (the check below waits for its condition)
end=$(($(date +%s) + 60))
while :; do
	set -- $(sed -n "s/^preset $num \([0-9]*\) \([0-9]*\)\$/\1 \2/p" "$out/ui.log" | tail -n 1)
	[ "$1" != 0 ] && break
	[ "$(date +%s)" -lt "$end" ] || fail "preset $num never came into sight: $(grep '^scroll' "$out/ui.log" | tail -n 1)"
	sleep 0.2
done
xdotool mousemove --window "$win" "$1" "$2" click 1
until_logged "^write program $num\$" || fail "the click on scrolled-in preset $num wrote no program"

# The User bank: the files of the user's folder after the factory banks,
# sorted by name, then its sub-folder's bank; out of sight until the wheel
# scrolls the list down to them; a click loads the file.
# user_row BANK|NAME: "X Y" of the row's newest place (0 0: out of sight).
user_row() {
	grep "^user [0-9]* [0-9]* [0-9]* $1\$" "$out/ui.log" | tail -n 1 | cut -d' ' -f3,4
}
until_logged '^user [0-9]* [0-9]* [0-9]* User/more|good$' || fail "the User bank does not list more/good: $(grep '^user' "$out/ui.log" | tail -n 6)"
ia=$(grep '^user [0-9]* [0-9]* [0-9]* User|alpha$' "$out/ui.log" | tail -n 1 | cut -d' ' -f2)
ib=$(grep '^user [0-9]* [0-9]* [0-9]* User|beta$' "$out/ui.log" | tail -n 1 | cut -d' ' -f2)
ig=$(grep '^user [0-9]* [0-9]* [0-9]* User/more|good$' "$out/ui.log" | tail -n 1 | cut -d' ' -f2)
[ -n "$ib" ] && [ -n "$ig" ] && [ "$ia" -lt "$ib" ] && [ "$ib" -lt "$ig" ] ||
	fail "the User bank is not alpha, beta, then User/more's good: $(grep '^user' "$out/ui.log" | tail -n 6)"
set -- $(sed -n 's/^preset 0 \([0-9]*\) \([0-9]*\)$/\1 \2/p' "$out/ui.log" | head -n 1)
px=$1 py=$2
end=$(($(date +%s) + 60))
until [ "$(user_row 'User|alpha')" != "0 0" ]; do
	[ "$(date +%s)" -lt "$end" ] || fail "the User bank never came into sight: $(grep '^user\|^scroll' "$out/ui.log" | tail -n 3)"
	xdotool mousemove --window "$win" "$px" "$py" click 5
	sleep 0.2
done
set -- $(user_row 'User|alpha')
xdotool mousemove --window "$win" "$1" "$2" click 1
until_logged "^load $user/alpha.chronus\$" || fail "a click on the user preset alpha loaded nothing"
until_logged '^graph .* title User Alpha$' || fail "the plugin did not play the user preset alpha: $(grep '^graph\|^status' "$out/ui.log" | tail -n 2)"
import -window root "$build/ui-user.png" 2> /dev/null

# Save: the playing patch's text to a new file named after its title, never
# over one, listed in the User bank at once.
set -- $(sed -n 's/^files open [0-9]* [0-9]* save \([0-9]*\) \([0-9]*\) .*/\1 \2/p' "$out/ui.log" | tail -n 1)
xdotool mousemove --window "$win" "$1" "$2" click 1
until_logged '^save wrote ' || fail "Save wrote nothing: $(grep '^save' "$out/ui.log")"
saved=$(sed -n 's/^save wrote \(.*\)$/\1/p' "$out/ui.log" | tail -n 1)
[ "$saved" = "$user/user-alpha.chronus" ] || fail "Save wrote '$saved', not $user/user-alpha.chronus"
cmp -s "$saved" "$user/alpha.chronus" || fail "the saved file is not the playing patch's text"
until_logged '^user [0-9]* [0-9]* [0-9]* User|user-alpha$' || fail "the saved preset is not listed"
xdotool mousemove --window "$win" "$1" "$2" click 1
until_logged "^save wrote $user/user-alpha-2.chronus\$" || fail "a second Save did not write user-alpha-2: $(grep '^save' "$out/ui.log")"
cmp -s "$user/user-alpha.chronus" "$user/alpha.chronus" || fail "the second Save changed the first file"

# "Open...": the chooser starts in the playing patch's folder (the user's),
# lists ".." and its sub-folder first; a click goes into it, another loads
# a file there. Then a broken file picked there shows its error, and the
# patch before plays on. ".." goes up; Cancel closes.
# browse_row LABEL: "X Y" of LABEL's row in the newest listing.
browse_row() {
	awk -v want="$1" '/^browse dir /{x = ""} /^browse row /{l = $0; sub(/^browse row [0-9]+ [0-9]+ [0-9]+ /, "", l); if (l == want) x = $4 " " $5} END {print x}' "$out/ui.log"
}
# until_count REGEX N: waits until N lines of the UI's log match REGEX.
until_count() {
	end=$(($(date +%s) + 60))
	until [ "$(grep -c -- "$1" "$out/ui.log")" -ge "$2" ]; do
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.2
	done
}
# until_listed REGEX N: until_count, then until the newest listing's rows
# are all in the log (it reaches the file in more than one write).
until_listed() {
	until_count "$1" "$2" || return 1
	end=$(($(date +%s) + 60))
	until [ "$(awk '/^browse dir /{want = $(NF - 5); n = 0} /^browse row /{n++} END {print (want != "" && n == want) ? 1 : 0}' "$out/ui.log")" = 1 ]; do
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.2
	done
}
open_at=$(sed -n 's/^files open \([0-9]*\) \([0-9]*\) .*/\1 \2/p' "$out/ui.log" | tail -n 1)
xdotool mousemove --window "$win" $open_at click 1
until_listed "^browse dir $user rows " 1 || fail "Open... did not list the user's folder: $(grep '^browse dir' "$out/ui.log")"
[ "$(browse_row ..)" != "" ] && [ "$(grep '^browse row 1 ' "$out/ui.log" | tail -n 1 | cut -d' ' -f6-)" = "more/" ] ||
	fail "Open... did not list '..' then 'more/': $(grep '^browse row' "$out/ui.log" | tail -n 6)"
xdotool mousemove --window "$win" $(browse_row more/) click 1
until_listed "^browse dir $user/more rows 3 error 0 " 1 || fail "a click on more/ did not list it: $(grep '^browse dir' "$out/ui.log" | tail -n 1)"
[ "$(browse_row bad)" != "" ] && [ "$(browse_row good)" != "" ] || fail "more/ does not list bad and good: $(grep '^browse row' "$out/ui.log" | tail -n 3)"
import -window root "$build/ui-open.png" 2> /dev/null
xdotool mousemove --window "$win" $(browse_row good) click 1
until_logged "^load $user/more/good.chronus\$" || fail "a click on good in Open... loaded nothing"
until_logged '^graph .* title Browsed Good$' || fail "the plugin did not play the file picked in Open..."
errors=$(grep -c '^error 1 line 3 col 12$' "$out/ui.log")
xdotool mousemove --window "$win" $open_at click 1
until_listed "^browse dir $user/more rows 3 " 2 || fail "Open... did not start in the playing patch's folder: $(grep '^browse dir' "$out/ui.log" | tail -n 1)"
xdotool mousemove --window "$win" $(browse_row bad) click 1
until_logged "^load $user/more/bad.chronus\$" || fail "a click on bad in Open... loaded nothing"
until_count '^error 1 line 3 col 12$' $((errors + 1)) || fail "the broken file from Open... showed no error at line 3, col 12"
"$ctl" -p "$port" -w 500 /engine/status > "$out/reply" 2>&1
grep -q '^/engine/status "Browsed Good" .*line 3' "$out/reply" || fail "after the broken file, the plugin does not play 'Browsed Good' on: $(cat "$out/reply")"
[ "$(grep '^graph ' "$out/ui.log" | tail -n 1 | sed 's/.* title //')" = "Browsed Good" ] || fail "the UI's graph changed for a broken file"
import -window root "$build/ui-open-error.png" 2> /dev/null
# "Edit file" after the error opens the broken file at the error's line
# (the test's editor, a shell script, takes the file alone; the UI logs
# the line it would give an editor that takes one).
set -- $(sed -n 's/^edit \([0-9]*\) \([0-9]*\)$/\1 \2/p' "$out/ui.log" | tail -n 1)
xdotool mousemove --window "$win" "$1" "$2" click 1
until_logged "^edit started $user/more/bad.chronus line 3\$" ||
	fail "Edit after the error did not open bad.chronus at line 3: $(grep '^edit' "$out/ui.log" | tail -n 1)"
xdotool mousemove --window "$win" $open_at click 1
until_listed "^browse dir $user/more rows 3 " 3 || fail "Open... did not open a third time in more/"
xdotool mousemove --window "$win" $(browse_row ..) click 1
until_listed "^browse dir $user rows " 2 || fail "'..' did not go up to the user's folder: $(grep '^browse dir' "$out/ui.log" | tail -n 1)"
cancel=$(grep '^browse dir ' "$out/ui.log" | tail -n 1 | sed 's/.* cancel //')
closed=$(grep -c '^browse closed' "$out/ui.log")
xdotool mousemove --window "$win" $cancel click 1
until_count '^browse closed' $((closed + 1)) || fail "Cancel did not close Open..."

# The spectrum: a saw at 220 Hz (A3) lights the panel; silence leaves it dark.
cat > "$out/spectrum.chronus" << 'PATCH'
patch "Spectrum Test"
create osc saw
create env adsr
create amp vca
connect osc amp
connect env amp.gain
set osc.level 0.5
set env.attack 5
set env.sustain 1
set env.release 30
out amp
PATCH
"$ctl" -p "$port" /patch/file "$out/spectrum.chronus" > "$out/reply" 2>&1
until_logged '^graph .* title Spectrum Test$' || fail "the spectrum test patch did not load: $(cat "$out/reply")"
until_logged '^spectrum 2048 rate [0-9]* peak' || fail "no spectrum data reached the UI"
want="-lt 20"
until_screen ui-spectrum-silent.png count 1f8faf || fail "the spectrum panel shows $got pixels of its fill in silence"
"$ctl" -p "$port" /note/on 57 100 > "$out/reply" 2>&1
until_logged '^spectrum .* peak 2[0-4][0-9] Hz' ||
	fail "the UI did not read a peak near 220 Hz: $(grep '^spectrum' "$out/ui.log" | tail -n 1)"
want="-gt 3000"
until_screen ui-spectrum.png count 1f8faf || fail "the spectrum panel shows only $got pixels of its fill with a note"
lit=$got
"$ctl" -p "$port" /note/off 57 > "$out/reply" 2>&1
want="-lt 20"
until_screen ui-spectrum-after.png count 1f8faf || fail "the spectrum panel still shows $got pixels after the note ended"

# The swap in progress: Crossfade dragged to its top (2 s), then a patch
# loaded: the badge is drawn while it crossfades and the swap ends.
set -- $(sed -n 's/^knob crossfade \([0-9]*\) \([0-9]*\)$/\1 \2/p' "$out/ui.log" | tail -n 1)
xdotool mousemove --window "$win" "$1" "$2" mousedown 1 mousemove --window "$win" "$1" $(($2 - 120)) \
	mousemove --window "$win" "$1" $(($2 - 240)) mouseup 1
until_logged '^write crossfade 2000$' || fail "dragging Crossfade up did not write 2000: $(grep '^write crossfade' "$out/ui.log" | tail -n 1)"
dones=$(grep -c '^swap done' "$out/ui.log")
badges=$(grep -c '^badge crossfade' "$out/ui.log")
"$ctl" -p "$port" /note/on 57 100 > "$out/reply" 2>&1
"$ctl" -p "$port" /patch/file "$out/known.chronus" > "$out/reply" 2>&1
# a screenshot while the badge shows (the 2 s crossfade); the check is the
# log, the screenshot is for docs/ui.md when it caught the badge
end=$(($(date +%s) + 60))
until [ "$(grep -c '^badge crossfade' "$out/ui.log")" -gt "$badges" ]; do
	kill -0 "$jalv_pid" 2> /dev/null || fail "jalv.gtk3 exited"
	[ "$(date +%s)" -lt "$end" ] || fail "no swap badge and no swap done within 60 s: $(grep '^swap' "$out/ui.log" | tail -n 1)"
	[ "$(grep -c '^swap done' "$out/ui.log")" -gt "$dones" ] && fail "the swap ended and the UI never drew its badge"
	sleep 0.05
done
import -window root -depth 8 "$out/shot.ppm" 2> /dev/null
badge=$(python3 "$src/tests/ui/pixels.py" "$out/shot.ppm" count 3fa06f)
[ "$badge" -gt 0 ] && import -window root "$build/ui-swap.png" 2> /dev/null
end=$(($(date +%s) + 60))
until [ "$(grep -c '^swap done' "$out/ui.log")" -gt "$dones" ]; do
	[ "$(date +%s)" -lt "$end" ] || fail "the plugin never said the swap was done: $(grep '^swap' "$out/ui.log" | tail -n 1)"
	sleep 0.2
done
"$ctl" -p "$port" /note/off 57 > "$out/reply" 2>&1
echo "check-ui: spectrum fill $lit pixels with a note, under 20 in silence; swap badge drawn during a 2 s crossfade ($badge badge pixels in the screenshot taken then)"

# Settings: the controls without a knob, in a panel over the graph. With a
# loud note playing (a saw at +12 dB) the limiter keeps the output under
# -1 dBFS; a click on Limiter switches it off and the plugin's output (the
# scope's level) goes past what the limiter lets through. A drag on Glide
# writes what the drag's length gives; the wheel on OSC port moves the
# plugin's OSC server one port up; Close closes the panel.
printf 'patch "Loud"\ncreate osc saw\ncreate env adsr\ncreate amp vca\nconnect osc amp\nconnect env amp.gain\nset env.sustain 1\nout amp\n' > "$out/loud.chronus"
"$ctl" -p "$port" /patch/file "$out/loud.chronus" > "$out/reply" 2>&1
grep -q /error "$out/reply" && fail "/patch/file answered: $(cat "$out/reply")"
until_logged '^graph .* title Loud$' || fail "the plugin did not play the loud patch"
"$ctl" -p "$port" /note/on 60 127 > "$out/reply" 2>&1
set -- $(sed -n 's/^knob volume \([0-9]*\) \([0-9]*\)$/\1 \2/p' "$out/ui.log" | tail -n 1)
xdotool mousemove --window "$win" "$1" "$2" mousedown 1 mousemove --window "$win" "$1" $(($2 - 30)) \
	mousemove --window "$win" "$1" $(($2 - 60)) mouseup 1
until_logged '^write volume 12$' || fail "dragging Volume up did not write 12 dB: $(grep '^write volume' "$out/ui.log" | tail -n 1)"
# levels_after LINE: the scope levels logged after the last LINE.
levels_after() {
	awk -v at="$1" '$0 == at {n = NR; delete l; c = 0} n && /^level rms / {l[c++] = $3} END {for (i = 0; i < c; i++) print l[i]}' "$out/ui.log"
}
end=$(($(date +%s) + 60))
until [ "$(levels_after 'write volume 12' | awk '$1 > 0.2' | wc -l)" -ge 2 ]; do
	[ "$(date +%s)" -lt "$end" ] || fail "the loud note never reached the scope: $(grep '^level' "$out/ui.log" | tail -n 3)"
	sleep 0.2
done
on_max=$(levels_after 'write volume 12' | sort -g | tail -n 1)
python3 -c "import sys; sys.exit(0 if $on_max <= 0.891 else 1)" ||
	fail "with the limiter on the output's RMS reached $on_max (over -1 dBFS)"
set -- $(sed -n 's/^settings button \([0-9]*\) \([0-9]*\) .*/\1 \2/p' "$out/ui.log" | tail -n 1)
[ -n "${1:-}" ] || fail "the UI logged no Settings button"
xdotool mousemove --window "$win" "$1" "$2" click 1
until_logged '^settings row limiter [0-9]* [0-9]* on$' || fail "Settings did not open with the limiter on: $(grep '^settings' "$out/ui.log" | tail -n 3)"
until_logged '^settings row glide [0-9]* [0-9]* as the patch says$' || fail "Settings does not show glide as the patch says"
until_logged "^settings row osc_port [0-9]* [0-9]* port $port\$" || fail "Settings does not show OSC port $port: $(grep '^settings row osc_port' "$out/ui.log" | tail -n 1)"
until_logged '^settings row tune_hz [0-9]* [0-9]* 261.63 Hz$' || fail "Settings does not show the tuning frequency: $(grep '^settings row tune_hz' "$out/ui.log" | tail -n 1)"
# settings_row SYMBOL: "X Y" of the row's newest place.
settings_row() {
	sed -n "s/^settings row $1 \\([0-9]*\\) \\([0-9]*\\) .*/\\1 \\2/p" "$out/ui.log" | tail -n 1
}
xdotool mousemove --window "$win" $(settings_row limiter) click 1
until_logged '^write limiter 0$' || fail "a click on Limiter wrote nothing"
until_logged '^settings row limiter [0-9]* [0-9]* off$' || fail "Limiter is not shown off after the click"
end=$(($(date +%s) + 60))
until [ "$(levels_after 'write limiter 0' | awk '$1 > 1.0' | wc -l)" -ge 1 ]; do
	[ "$(date +%s)" -lt "$end" ] || fail "with the limiter switched off the output stayed at RMS $(levels_after 'write limiter 0' | tail -n 1) (limited at most $on_max)"
	sleep 0.2
done
off_level=$(levels_after 'write limiter 0' | sort -g | tail -n 1)
# Glide: 40 pixels up from -1 (as the patch says) is 0.2 of the range.
set -- $(settings_row glide)
xdotool mousemove --window "$win" "$1" "$2" mousedown 1 mousemove --window "$win" "$1" $(($2 - 20)) \
	mousemove --window "$win" "$1" $(($2 - 40)) mouseup 1
until_logged '^write glide 399.2$' || fail "dragging Glide did not write 399.2 ms: $(grep '^write glide' "$out/ui.log" | tail -n 1)"
until_logged '^settings row glide [0-9]* [0-9]* 399 ms$' || fail "Glide is not shown as 399 ms: $(grep '^settings row glide' "$out/ui.log" | tail -n 1)"
import -window root "$build/ui-settings.png" 2> /dev/null
# OSC port: one wheel notch up, and the plugin's server answers there.
xdotool mousemove --window "$win" $(settings_row osc_port) click 4
until_logged "^write osc_port $((port + 1))\$" || fail "the wheel on OSC port did not write $((port + 1))"
end=$(($(date +%s) + 60))
until "$ctl" -p $((port + 1)) -w 200 /engine/status 2> /dev/null | grep -q 'Loud'; do
	[ "$(date +%s)" -lt "$end" ] || fail "the plugin's OSC server did not move to port $((port + 1))"
	sleep 0.2
done
port=$((port + 1))
"$ctl" -p "$port" /note/off 60 > "$out/reply" 2>&1
closed=$(grep -c '^settings closed' "$out/ui.log")
set -- $(sed -n 's/^settings button [0-9]* [0-9]* open 1 close \([0-9]*\) \([0-9]*\)$/\1 \2/p' "$out/ui.log" | tail -n 1)
xdotool mousemove --window "$win" "$1" "$2" click 1
until_count '^settings closed' $((closed + 1)) || fail "Close did not close Settings"

# CPU of the whole jalv.gtk3 process (plugin, GTK, the UI, its scope at 30 Hz and spectrum at
# 15 Hz) over 5 s of wall-clock time, no note playing: a figure, not a check.
ticks() { awk '{print $14 + $15}' "/proc/$jalv_pid/stat"; }
t0=$(ticks)
w0=$(date +%s.%N)
sleep 5 # the measuring window, not a wait for a condition
t1=$(ticks)
w1=$(date +%s.%N)
cpu=$(python3 -c "print('%.1f' % (100.0 * ($t1 - $t0) / $(getconf CLK_TCK) / ($w1 - $w0)))")
echo "check-ui: jalv.gtk3 with Chronus's UI open (scope and spectrum running, no note): $cpu% of one core"
kill -0 "$jalv_pid" 2> /dev/null || fail "jalv.gtk3 exited"
if grep -qi "segmentation\|abort\|critical\|X Window System error" "$out/jalv.log"; then
	fail "jalv reported a crash, a critical or an X error"
fi
echo "check-ui: jalv.gtk3 embedded Chronus's UI on $DISPLAY; the known patch showed 5 voice + 1 master boxes on screen and its knobs named 'Cutoff' and 'Air', a broken file the error at line 3, col 12; a preset click loaded '$title'; Macro 1 dragged to 0.8; Polyphony dragged to $voices and the plugin rebuilt with it; Edit wrote a copy to the user's folder, the editor's saves swapped in twice, New from this copied the file and its save swapped in; scope data arrived; the list scrolled to preset $num ($lastbank) and a click loaded it; the User bank listed alpha, beta and more/good, a click played alpha, Save wrote user-alpha then user-alpha-2 and listed them; Open... went into more/, loaded good, showed bad's error at line 3 while good played on, Edit opened bad at line 3, went up with '..' and closed on Cancel; the spectrum lit with a note and went dark in silence; the swap badge showed; Settings showed the limiter on (a loud note's RMS at most $on_max), a click switched it off (RMS $off_level), Glide dragged to 399.2 ms, the wheel moved the OSC server to port $port, Close closed it: passed"
