#!/bin/sh
# SPDX-License-Identifier: ISC
#
# A screenshot of jalv's generic window for Chronus, on a machine with no X
# server. jalv.qt5: Qt's VNC platform draws the window and vncgrab.py takes
# the frame. jalv.gtk3: GTK's Broadway backend draws it for broadway-grab.py,
# a stand-in for broadwayd. Both run on a private JACK dummy server.
# jalv.qt5 (1.6) takes no options, so a patch to show is given to either as
# the plugin's default state: a scratch bundle in LV2_PATH that says
# <plugin> state:state [ patchText ... ], which jalv restores at start.
#
#   tools/hostcheck/jalv-shot.sh qt5|gtk3 OUT.png [PATCHFILE]
#
# BUNDLE (default build/lv2) is the folder holding chronus.lv2.
set -eu
toolkit=$1
out=$2
patch=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
bundle=${BUNDLE:-$here/../../build/lv2}
tmp=$(mktemp -d)
jalv_pid=
jack_pid=
grab_pid=
trap 'kill $jalv_pid $grab_pid $jack_pid 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
extra=
if [ -n "$patch" ]; then
	mkdir -p "$tmp/lv2/default-state.lv2"
	python3 - "$patch" "$tmp/lv2/default-state.lv2/manifest.ttl" <<'PY'
import sys
text = open(sys.argv[1]).read().replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n')
open(sys.argv[2], 'w').write(
    '@prefix state: <http://lv2plug.in/ns/ext/state#> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n'
    '<http://chronus.audio/plugins/chronus> state:state [\n'
    '\t<http://chronus.audio/plugins/chronus#stateVersion> "1"^^xsd:int ;\n'
    '\t<http://chronus.audio/plugins/chronus#patchText> "%s"\n] .\n' % text)
PY
	extra=$tmp/lv2:
fi
export LV2_PATH="$extra$bundle:/usr/lib/lv2"
export JACK_DEFAULT_SERVER="hostcheck-$$"
jackd --no-realtime -n "$JACK_DEFAULT_SERVER" -d dummy -r 48000 -p 256 > "$tmp/jackd.log" 2>&1 &
jack_pid=$!
sleep 1.5
port=$((9100 + $$ % 800))
case $toolkit in
qt5)
	gcc -shared -fPIC -o "$tmp/bigwin.so" "$here/bigwin.c" -ldl
	QT_QPA_PLATFORM="vnc:size=1320x1060:port=$port" LD_PRELOAD="$tmp/bigwin.so" \
		jalv.qt5 http://chronus.audio/plugins/chronus > "$tmp/jalv.log" 2>&1 &
	jalv_pid=$!
	sleep "${WAIT:-6}"
	python3 "$here/vncgrab.py" 127.0.0.1 "$port" "$out"
	;;
gtk3)
	python3 "$here/broadway-grab.py" "$port" "$tmp/frames" > "$tmp/grab.log" 2>&1 &
	grab_pid=$!
	i=0
	while [ ! -e "$tmp/frames/listening" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	GDK_BACKEND=broadway BROADWAY_DISPLAY=":tcp$((port - 9090))" \
		jalv.gtk3 http://chronus.audio/plugins/chronus > "$tmp/jalv.log" 2>&1 &
	jalv_pid=$!
	sleep "${WAIT:-6}"
	# The main window is the first one shown.
	cp "$tmp/frames/window-1.png" "$out" || { cat "$tmp/grab.log" "$tmp/jalv.log"; exit 1; }
	echo "$out"
	;;
*)
	echo "usage: $0 qt5|gtk3 OUT.png [PATCHFILE]" >&2
	exit 2
	;;
esac
grep -i "chronus:" "$tmp/jalv.log" || true
