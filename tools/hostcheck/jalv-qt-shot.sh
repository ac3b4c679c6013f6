#!/bin/sh
# SPDX-License-Identifier: ISC
#
# A screenshot of jalv.qt5's generic window for Chronus, on a machine with no
# X server: Qt's VNC platform draws the window, vncgrab.py takes the frame.
# jalv.qt5 (1.6) takes no options, so a patch to show is given to it as the
# plugin's default state: a scratch bundle in LV2_PATH that says
# <plugin> state:state [ patchText ... ], which jalv restores at start.
#
#   tools/hostcheck/jalv-qt-shot.sh OUT.png [PATCHFILE]
#
# BUNDLE (default build/lv2) is the folder holding chronus.lv2.
set -eu
out=$1
patch=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
bundle=${BUNDLE:-$here/../../build/lv2}
tmp=$(mktemp -d)
trap 'kill $jalv_pid $jack_pid 2>/dev/null; rm -rf "$tmp"' EXIT
jalv_pid=; jack_pid=
gcc -shared -fPIC -o "$tmp/bigwin.so" "$here/bigwin.c" -ldl
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
export JACK_DEFAULT_SERVER="hostcheck-$$"
jackd --no-realtime -n "$JACK_DEFAULT_SERVER" -d dummy -r 48000 -p 256 > "$tmp/jackd.log" 2>&1 &
jack_pid=$!
sleep 1.5
port=$((5900 + $$ % 1000))
LV2_PATH="$extra$bundle:/usr/lib/lv2" QT_QPA_PLATFORM="vnc:size=1320x1060:port=$port" \
	LD_PRELOAD="$tmp/bigwin.so" jalv.qt5 http://chronus.audio/plugins/chronus > "$tmp/jalv.log" 2>&1 &
jalv_pid=$!
sleep "${WAIT:-6}"
python3 "$here/vncgrab.py" 127.0.0.1 "$port" "$out"
grep -i "chronus:" "$tmp/jalv.log" || true
